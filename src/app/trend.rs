//! `kpi trend`: the pipeline with a trend writer as its sink — each subject's cards
//! side by side, written as soon as the subject's cards are complete.

use std::io;

use super::output::Output;
use super::{
    EXIT_INVALID, EXIT_OK, format_of, lang_of, load_config, open_inputs, print_diagnostics,
    settings, stderr_is_terminal, use_color, with_snippets,
};
use crate::app::args::{FormatArg, TrendArgs};
use kpi::pipeline::{self, Discard};
use kpi::report::render::trend::TrendSink;
use kpi::report::render::{Format, RenderOptions};

pub fn run(args: &TrendArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.out.lang);
    let format = format_of(args.out.format);
    if matches!(format, Format::Html | Format::Xlsx) {
        let message = super::say(
            lang,
            "kpi trend writes table, csv, json or markdown",
            "kpi trend 只输出 table、csv、json 或 markdown",
        );
        super::usage_error(lang, message.into(), None);
        return Ok(super::EXIT_USAGE);
    }
    let stderr = &mut io::stderr();
    let (def, _) = match load_config(args.input.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            print_diagnostics(stderr, &diagnostics, stderr_is_terminal())?;
            return Ok(EXIT_INVALID);
        }
    };
    let options = RenderOptions {
        lang,
        color: args.out.format == FormatArg::Table && use_color(args.out.output.is_none()),
        bom: args.out.bom,
        date: super::today(),
    };
    let (inputs, progress) = open_inputs(&args.input, true);
    let mut settings = settings(&def, &args.input);
    settings.rows_read = Some(progress.values.clone());
    let reading = pipeline::read(&settings, inputs)?;
    progress.reading_done();
    let (diagnostics, failed) = if reading.has_errors() {
        (reading.finish(&mut Discard)?.diagnostics, true)
    } else {
        let out = Output::open(args.out.output.as_deref())?;
        let mut sink = TrendSink::new(format, &def, options, out);
        let outcome = reading.finish(&mut sink)?;
        let failed = outcome.diagnostics.iter().any(|d| d.is_error());
        let out = sink.end(failed)?;
        if failed {
            out.abandon();
        } else {
            out.finish()?;
        }
        (outcome.diagnostics, failed)
    };
    drop(progress);
    let mut diagnostics = diagnostics;
    let terminal = stderr_is_terminal();
    if terminal {
        with_snippets(&mut diagnostics, &args.input);
    }
    print_diagnostics(stderr, &diagnostics, terminal)?;
    Ok(if failed { EXIT_INVALID } else { EXIT_OK })
}
