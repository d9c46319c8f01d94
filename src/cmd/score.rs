//! `kpi score`: read, score, render; every problem reported before anything is written.

use std::io::{self, Write};

use anyhow::Context;

use super::{
    EXIT_FAIL_UNDER, EXIT_INVALID, EXIT_OK, EXIT_USAGE, format_of, lang_of, load, missing_policy,
    print_diagnostics, score_all, stderr_is_terminal, use_color, write_output,
};
use crate::cli::{FormatArg, ScoreArgs};
use crate::render::{RenderOptions, render};

pub fn run(args: &ScoreArgs) -> anyhow::Result<i32> {
    let stderr = &mut io::stderr();
    if args.input.files.is_empty() && io::IsTerminal::is_terminal(&io::stdin()) {
        eprintln!("kpi: error: no data file given");
        eprintln!("  hint: name a CSV file (kpi score actuals.csv), or pipe one in with `-`");
        return Ok(EXIT_USAGE);
    }
    if let Some(output) = &args.output {
        let inputs = args.input.files.iter().filter(|f| *f != "-");
        for input in inputs {
            if same_file(output, std::path::Path::new(input)) {
                eprintln!(
                    "kpi: error: --output {} is also an input file; it would be overwritten",
                    output.display()
                );
                return Ok(EXIT_USAGE);
            }
        }
    }
    let mut loaded = match load(&args.input, true) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            print_diagnostics(stderr, &diagnostics, stderr_is_terminal())?;
            return Ok(EXIT_INVALID);
        }
    };
    let cards = score_all(
        &mut loaded,
        missing_policy(args.input.missing),
        args.explain,
    );
    if loaded.diagnostics.iter().any(|d| d.is_error()) {
        print_diagnostics(stderr, &loaded.diagnostics, stderr_is_terminal())?;
        return Ok(EXIT_INVALID);
    }
    print_diagnostics(stderr, &loaded.diagnostics, stderr_is_terminal())?;
    let options = RenderOptions {
        lang: lang_of(args.lang),
        color: args.format == FormatArg::Table && use_color(args.output.is_none()),
        bom: args.bom,
    };
    let format = format_of(args.format);
    match &args.output {
        Some(path) => {
            let mut bytes = Vec::new();
            render(format, &loaded.def, &cards, &options, &mut bytes)?;
            write_output(path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            render(format, &loaded.def, &cards, &options, &mut out)?;
            out.flush()?;
        }
    }
    if let Some(threshold) = args.fail_under
        && cards.iter().any(|c| c.score.total < threshold)
    {
        return Ok(EXIT_FAIL_UNDER);
    }
    Ok(EXIT_OK)
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
