//! `kpi completions SHELL` and `kpi man`: the shell integration, generated from the
//! same clap definitions as `--help`.

use std::io::{self, Write};

use clap::CommandFactory;

use super::EXIT_OK;
use crate::app::args::Cli;

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    let mut command = Cli::command();
    // Generated into memory first: clap_complete panics when its writer fails (a closed
    // pipe), and a failed write here is an error like any other, or no error at all.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "kpi", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(EXIT_OK)
}

pub fn man() -> anyhow::Result<i32> {
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(EXIT_OK)
}
