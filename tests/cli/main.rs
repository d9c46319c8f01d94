//! Tests of the real `kpi` binary.

mod conformance;
mod corpora;
mod errors;
mod score;
mod util;
