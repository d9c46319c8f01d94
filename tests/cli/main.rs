//! Tests of the real `kpi` binary.

mod browser;
mod conformance;
mod corpora;
mod errors;
mod locations;
mod orders;
mod periods;
mod regressions;
mod reports;
mod score;
mod sheets;
mod util;
