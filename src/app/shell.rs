//! `kpi completions SHELL` and `kpi man`: the shell integration, generated from the
//! same clap definitions as `--help`.

use std::io::{self, Write};

use clap::CommandFactory;

use super::EXIT_OK;
use crate::app::args::Cli;

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    let mut command = Cli::command();
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut command, "kpi", &mut out);
    out.flush()?;
    Ok(EXIT_OK)
}

pub fn man() -> anyhow::Result<i32> {
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(EXIT_OK)
}
