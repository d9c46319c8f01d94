use clap::Parser;

fn main() {
    let cli = kpi::cli::Cli::parse();
    std::process::exit(kpi::run(cli));
}

// Batch runs allocate and free a few small buffers per scorecard, across two threads;
// mimalloc does that markedly faster than the system allocator (see README: Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
