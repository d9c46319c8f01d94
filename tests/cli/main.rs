//! Tests of the real `kpi` binary.

mod browser;
mod conformance;
mod corpora;
mod errors;
mod locations;
mod orders;
mod output_choice;
mod periods;
mod regressions;
mod reports;
mod score;
mod sheets;
mod shell;
mod trend_reports;
mod util;
mod width;
