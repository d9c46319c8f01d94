//! Tests of the real `kpi` binary.

mod conformance;
mod corpora;
mod errors;
mod periods;
mod score;
mod util;
