//! Tests of the real `kpi` binary.

mod conformance;
mod corpora;
mod engines;
mod errors;
mod periods;
mod regressions;
mod reports;
mod score;
mod sheets;
mod util;
