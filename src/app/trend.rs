//! `kpi trend`: score the data, then show each subject's cards side by side.

use std::io::{self, Write};

use anyhow::Context;

use super::{
    EXIT_INVALID, EXIT_OK, format_of, lang_of, load, missing_policy, print_diagnostics, score_all,
    stderr_is_terminal, use_color, write_output,
};
use crate::app::args::{FormatArg, TrendArgs};
use kpi::report::render::{RenderOptions, trend::write};
use kpi::report::trend::trends;

pub fn run(args: &TrendArgs) -> anyhow::Result<i32> {
    let stderr = &mut io::stderr();
    let mut loaded = match load(&args.input, true) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            print_diagnostics(stderr, &diagnostics, stderr_is_terminal())?;
            return Ok(EXIT_INVALID);
        }
    };
    let cards = score_all(&mut loaded, missing_policy(args.input.missing), false);
    print_diagnostics(stderr, loaded.diagnostics(), stderr_is_terminal())?;
    if loaded.diagnostics.iter().any(|d| d.is_error()) {
        return Ok(EXIT_INVALID);
    }
    let options = RenderOptions {
        lang: lang_of(args.out.lang),
        color: args.out.format == FormatArg::Table && use_color(args.out.output.is_none()),
        bom: args.out.bom,
        date: super::today(),
    };
    let trends = trends(&cards);
    let format = format_of(args.out.format);
    if matches!(
        format,
        kpi::report::render::Format::Html | kpi::report::render::Format::Xlsx
    ) {
        let lang = lang_of(args.out.lang);
        let message = super::say(
            lang,
            "kpi trend writes table, csv, json or markdown",
            "kpi trend 只输出 table、csv、json 或 markdown",
        );
        super::usage_error(lang, message.into(), None);
        return Ok(super::EXIT_USAGE);
    }
    match &args.out.output {
        Some(path) => {
            let mut bytes = Vec::new();
            write(format, &loaded.def, &trends, &options, &mut bytes)?;
            write_output(path, &mut bytes.as_slice())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            write(format, &loaded.def, &trends, &options, &mut out)?;
            out.flush()?;
        }
    }
    Ok(EXIT_OK)
}
