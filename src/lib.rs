//! `kpi`: score KPI actuals against a weighted scorecard, exactly.
//!
//! Data flows one way, and so do the imports:
//! `read` (files → row records, config → `Scorecard`) → `cards` (compact rows sorted
//! and merged into cards, rolled up) → `score` (pure math) → `report` (explanations,
//! trends, one sink per output format). `pipeline` runs them in that order. The library
//! reads files it is handed, never the environment or the terminal; the command line
//! lives in the binary.

pub mod cards;
pub mod diag;
pub mod model;
pub mod names;
pub mod num;
pub mod period;
pub mod pipeline;
pub mod read;
pub mod report;
pub mod score;
pub mod targets;
