//! `kpi init`: write the built-in scorecard definition out for editing.

use super::output::write_output;
use super::{EXIT_INVALID, EXIT_OK, detect_lang, say, usage_error};
use crate::app::args::InitArgs;
use kpi::read::config::BUILTIN;

pub fn run(args: &InitArgs) -> anyhow::Result<i32> {
    if args.path.exists() && !args.force {
        let lang = detect_lang();
        let path = args.path.display();
        usage_error(
            lang,
            format!("{path} {}", say(lang, "already exists", "已存在")),
            Some(
                say(
                    lang,
                    "use --force to overwrite it, or give another path",
                    "加 --force 覆盖，或换一个路径",
                )
                .into(),
            ),
        );
        return Ok(EXIT_INVALID);
    }
    write_output(&args.path, &mut BUILTIN.as_bytes())?;
    eprintln!(
        "{} {}",
        say(detect_lang(), "wrote", "已写入"),
        args.path.display()
    );
    Ok(EXIT_OK)
}
