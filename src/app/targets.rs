//! `kpi targets`: print the active scorecard definition.

use std::io::{self, Write};

use super::{
    EXIT_INVALID, EXIT_OK, lang_of, load_config, print_diagnostics, stderr_is_terminal,
    terminal_width,
};
use crate::app::args::TargetsArgs;
use kpi::report::render::targets;

pub fn run(args: &TargetsArgs) -> anyhow::Result<i32> {
    let def = match load_config(args.config.as_deref()) {
        Ok((def, _)) => def,
        Err(diagnostics) => {
            print_diagnostics(&mut io::stderr(), &diagnostics, stderr_is_terminal())?;
            return Ok(EXIT_INVALID);
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    targets::write(&def, lang_of(args.lang), terminal_width(true), &mut out)?;
    out.flush()?;
    Ok(EXIT_OK)
}
