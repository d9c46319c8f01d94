//! `kpi`: score KPI actuals against a weighted scorecard, exactly.
//!
//! Data flows one way: `config` (TOML → `Scorecard`) → `actuals` (CSV → values keyed
//! by scorecard) → `score` (pure math) → `render` (bytes). Only `cmd` does I/O.

pub mod actuals;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod encoding;
pub mod explain;
pub mod model;
pub mod num;
pub mod period;
pub mod render;
pub mod rollup;
pub mod score;
pub mod sheet;
pub mod stream;
pub mod trend;
pub mod value;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: cli::Cli) -> i32 {
    cmd::run(cli)
}
