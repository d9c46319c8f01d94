//! Tests of the real `kpi` binary.

mod browser;
mod conformance;
mod corpora;
mod encodings;
mod errors;
mod grouped;
mod headers;
mod locations;
mod office;
mod orders;
mod output_choice;
mod periods;
mod rank;
mod regressions;
mod reports;
mod score;
mod sheets;
mod shell;
mod targets;
mod template;
mod trend_reports;
mod util;
mod width;
