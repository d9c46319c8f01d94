//! `kpi init`: write the built-in scorecard definition out for editing.

use anyhow::Context;

use super::{EXIT_INVALID, EXIT_OK, write_output};
use crate::cli::InitArgs;
use crate::config::BUILTIN;

pub fn run(args: &InitArgs) -> anyhow::Result<i32> {
    if args.path.exists() && !args.force {
        eprintln!("kpi: error: {} already exists", args.path.display());
        eprintln!("  hint: use --force to overwrite it, or give another path");
        return Ok(EXIT_INVALID);
    }
    write_output(&args.path, &mut BUILTIN.as_bytes())
        .with_context(|| format!("cannot write {}", args.path.display()))?;
    eprintln!("wrote {}", args.path.display());
    Ok(EXIT_OK)
}
