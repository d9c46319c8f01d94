//! The `kpi` binary: parse the command line, run it, exit with its status.

use clap::Parser;

mod app;

fn main() {
    let cli = app::args::Cli::try_parse().unwrap_or_else(|e| app::args::with_hints(e).exit());
    std::process::exit(app::run(cli));
}

// Batch runs allocate and free a few small buffers per scorecard, across two threads;
// mimalloc does that markedly faster than the system allocator (see README: Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
