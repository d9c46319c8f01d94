//! What scored cards become: explanations, trends, rankings, and one sink per output
//! format.

pub mod explain;
pub mod rank;
pub mod render;
pub mod template;
pub mod trend;
