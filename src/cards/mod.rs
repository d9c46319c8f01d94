//! Cards: row records kept compactly, sorted (spilling to temporary files past a
//! memory budget) and merged into cards in print order, then rolled up.

pub mod rollup;
