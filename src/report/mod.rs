//! What scored cards become: explanations, trends, and one sink per output format.

pub mod explain;
pub mod render;
pub mod template;
pub mod trend;
