//! Tests of the real `kpi` binary.

mod conformance;
mod errors;
mod score;
mod util;
