//! `kpi trend`: the pipeline with a trend writer as its sink — each subject's cards
//! side by side, written as soon as the subject's cards are complete.

use std::io;

use super::format::output_format;
use super::output::Output;
use super::{
    EXIT_INVALID, EXIT_OK, definition_or_report, format_of, lang_of, open_inputs,
    print_diagnostics, render_options, settings, stderr_is_terminal, with_snippets,
};
use crate::app::args::TrendArgs;
use kpi::pipeline::{self, Discard};
use kpi::report::render::Format;
use kpi::report::render::trend::TrendSink;

pub fn run(args: &TrendArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.out.lang);
    let chosen = output_format(&args.out, "trend", lang)?;
    let format = format_of(chosen);
    if matches!(format, Format::Html | Format::Xlsx) {
        let message = super::say(
            lang,
            "kpi trend writes table, csv, json or markdown",
            "kpi trend 只输出 table、csv、json 或 markdown",
        );
        // When the extension chose the format, say so: the user never wrote html.
        let hint = match (&args.out.format, &args.out.output) {
            (None, Some(output)) => Some(format!(
                "--output {} {}",
                output.display(),
                super::say(
                    lang,
                    "chose it by its extension; name the file .txt, .csv, .json or .md",
                    "按扩展名选了这个格式；请把文件名改为 .txt、.csv、.json 或 .md"
                )
            )),
            _ => None,
        };
        super::usage_error(lang, message.into(), hint);
        return Ok(super::EXIT_USAGE);
    }
    // Opened before any work, so that an output that cannot be written (a folder that
    // is not there) is said at once, not at the end of a long run.
    let out = Output::open(args.out.output.as_deref())?;
    let Some(def) = definition_or_report(&args.input)? else {
        out.abandon();
        return Ok(EXIT_INVALID);
    };
    let options = render_options(&args.out, chosen);
    let (inputs, progress) = open_inputs(&args.input, true);
    let mut settings = settings(&def, &args.input);
    settings.rows_read = Some(progress.values.clone());
    let reading = pipeline::read(&settings, inputs)?;
    progress.reading_done();
    let (diagnostics, failed) = if reading.has_errors() {
        out.abandon();
        (reading.finish(&mut Discard)?.diagnostics, true)
    } else {
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
    print_diagnostics(&mut io::stderr(), &diagnostics, terminal)?;
    Ok(if failed { EXIT_INVALID } else { EXIT_OK })
}
