//! `kpi score`: the pipeline with a format's writer as its sink. Problems in the rows
//! themselves are all found before the first card is written; a card that cannot be
//! scored stops the output there (SPEC §8), and then a file output is not kept.

use std::io;
use std::path::Path;

use super::output::Output;
use super::{
    EXIT_FAIL_UNDER, EXIT_INVALID, EXIT_OK, EXIT_USAGE, definition_or_report, format_of, lang_of,
    open_inputs, print_diagnostics, render_options, say, settings, stderr_is_terminal, usage_error,
    with_snippets,
};
use crate::app::args::{FormatArg, ScoreArgs};
use kpi::cards::CardData;
use kpi::pipeline::{self, Discard, Sink};
use kpi::report::render::Rendered;
use kpi::score::ScoredCard;

pub fn run(args: &ScoreArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.out.lang);
    if args.input.files.is_empty() && io::IsTerminal::is_terminal(&io::stdin()) {
        usage_error(
            lang,
            say(lang, "no data file given", "没有给出数据文件").into(),
            Some(
                say(
                    lang,
                    "name a CSV file (kpi score actuals.csv), or pipe one in with `-`",
                    "给出一个 CSV 文件（kpi score actuals.csv），或用 `-` 从管道读入",
                )
                .into(),
            ),
        );
        return Ok(EXIT_USAGE);
    }
    if matches!(args.out.format, FormatArg::Html | FormatArg::Xlsx) && args.out.output.is_none() {
        usage_error(
            lang,
            say(
                lang,
                "--format html and xlsx write a file; give it with --output PATH",
                "--format html 和 xlsx 生成文件，请用 --output PATH 指定",
            )
            .into(),
            None,
        );
        return Ok(EXIT_USAGE);
    }
    if let Some(output) = &args.out.output {
        for input in args.input.files.iter().filter(|f| *f != "-") {
            if same_file(output, Path::new(input)) {
                usage_error(
                    lang,
                    format!(
                        "--output {} {}",
                        output.display(),
                        say(
                            lang,
                            "is also an input file; it would be overwritten",
                            "也是输入文件，会被覆盖"
                        )
                    ),
                    None,
                );
                return Ok(EXIT_USAGE);
            }
        }
    }
    let options = render_options(&args.out);
    let Some(def) = definition_or_report(&args.input)? else {
        return Ok(EXIT_INVALID);
    };
    let (inputs, progress) = open_inputs(&args.input, true);
    let mut settings = settings(&def, &args.input);
    settings.rows_read = Some(progress.values.clone());
    let names: Vec<String> = inputs.iter().map(|i| i.name().to_string()).collect();
    let reading = pipeline::read(&settings, inputs)?;
    progress.reading_done();
    if reading.has_errors() {
        // Every problem is still looked for, but no card is written.
        let outcome = reading.finish(&mut Discard)?;
        drop(progress);
        report(args, outcome.diagnostics)?;
        return Ok(EXIT_INVALID);
    }
    let out = Output::open(args.out.output.as_deref())?;
    let explain = args.explain.then_some(names);
    let rendered = Rendered::new(format_of(args.out.format), &def, options, explain, out);
    let mut sink = FailUnder {
        inner: rendered,
        threshold: args.fail_under,
        below: false,
    };
    let outcome = reading.finish(&mut sink)?;
    drop(progress);
    let failed = outcome.diagnostics.iter().any(|d| d.is_error());
    let out = sink.inner.end(failed)?;
    if failed {
        out.abandon();
    } else {
        out.finish()?;
    }
    report(args, outcome.diagnostics)?;
    Ok(if failed {
        EXIT_INVALID
    } else if sink.below {
        EXIT_FAIL_UNDER
    } else {
        EXIT_OK
    })
}

/// Prints the run's problems and warnings on standard error.
fn report(args: &ScoreArgs, mut diagnostics: Vec<kpi::diag::Diagnostic>) -> io::Result<()> {
    let terminal = stderr_is_terminal();
    if terminal {
        with_snippets(&mut diagnostics, &args.input);
    }
    print_diagnostics(&mut io::stderr(), &diagnostics, terminal)
}

/// Passes cards on, noting whether any total is below `--fail-under`.
struct FailUnder<S> {
    inner: S,
    threshold: Option<rust_decimal::Decimal>,
    below: bool,
}

impl<S: Sink> Sink for FailUnder<S> {
    fn card(&mut self, card: &CardData, scored: &ScoredCard) -> io::Result<()> {
        self.below |= self.threshold.is_some_and(|n| scored.score.total < n);
        self.inner.card(card, scored)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
