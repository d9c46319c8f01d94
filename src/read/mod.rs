//! Reading: the scorecard definition (TOML with spans), and data files of every kind
//! (CSV in any encoding and layout, workbooks) into row records with their locations.

pub mod config;
pub mod encoding;
pub mod header;
pub mod kind;
pub mod rows;
pub mod sheet;
pub mod source;
pub mod targets;
pub mod text;
pub mod value;
