//! `kpi check`: validate the definition and the data files, report every problem, and
//! end with a one-line summary.

use std::io::{self, Write};

use super::{EXIT_INVALID, EXIT_OK, load, missing_policy, print_diagnostics, score_all};
use crate::cli::CheckArgs;

pub fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let (diagnostics, files) = match load(&args.input, false) {
        Ok(mut loaded) => {
            score_all(&mut loaded, missing_policy(args.input.missing));
            (loaded.diagnostics, loaded.files)
        }
        Err(diagnostics) => (diagnostics, 1 + args.input.files.len()),
    };
    print_diagnostics(&mut out, &diagnostics)?;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    writeln!(out, "{}", summary(errors, warnings, files.max(1)))?;
    out.flush()?;
    Ok(if errors > 0 { EXIT_INVALID } else { EXIT_OK })
}

/// `2 errors, 1 warning in 3 files`.
pub fn summary(errors: usize, warnings: usize, files: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files, "file")
    )
}
