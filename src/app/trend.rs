//! `kpi trend`: the pipeline with a trend writer as its sink — each subject's cards
//! side by side, written as soon as the subject's cards are complete.

use super::format::output_format;
use super::output::Output;
use super::{
    EXIT_INVALID, EXIT_OK, begin, definition_or_report, format_of, lang_of, render_options,
};
use crate::app::args::TrendArgs;
use kpi::pipeline;
use kpi::report::render::trend::TrendSink;

pub fn run(args: &TrendArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.out.lang);
    let chosen = output_format(&args.out, "trend", lang)?;
    let format = format_of(chosen);
    if let Some(code) = super::needs_output(chosen, &args.out, lang) {
        return Ok(code);
    }
    // Opened before any work, so that an output that cannot be written (a folder that
    // is not there) is said at once, not at the end of a long run.
    let out = Output::open(args.out.output.as_deref())?;
    let Some(def) = definition_or_report(&args.input)? else {
        out.abandon();
        return Ok(EXIT_INVALID);
    };
    let options = render_options(&args.out, chosen);
    let (inputs, mut settings, progress) = begin(&def, &args.input, true);
    settings.read.lang = lang;
    // Undoable: trends are written while the files are read, and taken back should
    // a row come out of order.
    let mut sink = TrendSink::new(format, &def.def, options, out.undoable());
    let outcome = pipeline::run(&settings, inputs, &mut sink)?;
    let failed = outcome.diagnostics.iter().any(|d| d.is_error());
    let out = sink.end(failed)?;
    if failed {
        out.abandon();
    } else {
        out.finish()?;
    }
    let diagnostics = outcome.diagnostics;
    drop(progress);
    super::report_problems(diagnostics, &args.input)?;
    Ok(if failed { EXIT_INVALID } else { EXIT_OK })
}
