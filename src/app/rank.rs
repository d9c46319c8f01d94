//! `kpi rank`: the pipeline with a sink that keeps each card's total, then per period
//! the league table and the distribution of the totals, written once all are in.

use super::format::output_format;
use super::output::Output;
use super::{
    EXIT_INVALID, EXIT_OK, begin, definition_or_report, format_of, lang_of, render_options,
};
use crate::app::args::RankArgs;
use kpi::pipeline;
use kpi::report::render::rank::{RankOptions, RankSink, write};

pub fn run(args: &RankArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.out.lang);
    let chosen = output_format(&args.out, "rank", lang)?;
    let format = format_of(chosen);
    if let Some(code) = super::needs_output(chosen, &args.out, lang) {
        return Ok(code);
    }
    let rank = RankOptions {
        top: args.top.and_then(|n| usize::try_from(n).ok()),
        bottom: args.bottom.and_then(|n| usize::try_from(n).ok()),
        grades: args.grades.clone(),
    };
    // Opened before any work, so that an output that cannot be written (a folder that
    // is not there) is said at once, not at the end of a long run.
    let mut out = Output::open(args.out.output.as_deref())?;
    let Some(def) = definition_or_report(&args.input)? else {
        out.abandon();
        return Ok(EXIT_INVALID);
    };
    let options = render_options(&args.out, chosen);
    let (inputs, mut settings, progress) = begin(&def, &args.input, true);
    settings.read.lang = lang;
    let mut sink = RankSink::default();
    let outcome = pipeline::run(&settings, inputs, &mut sink)?;
    let failed = outcome.diagnostics.iter().any(|d| d.is_error());
    if failed {
        out.abandon();
    } else {
        let leagues = sink.totals.leagues(rank.grades.as_ref());
        write(format, &def.def, &leagues, &rank, &options, &mut out)?;
        out.finish()?;
    }
    let diagnostics = outcome.diagnostics;
    drop(progress);
    super::report_problems(diagnostics, &args.input)?;
    Ok(if failed { EXIT_INVALID } else { EXIT_OK })
}
