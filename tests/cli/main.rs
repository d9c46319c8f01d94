//! Tests of the real `kpi` binary.

mod conformance;
mod util;
