use clap::Parser;

fn main() {
    let cli = kpi::cli::Cli::parse();
    std::process::exit(kpi::run(cli));
}
