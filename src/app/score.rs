//! `kpi score`: the pipeline with a format's writer as its sink. Problems in the rows
//! themselves keep every card out of the output (cards written while rows in order
//! are read are taken back); a card that cannot be scored stops the output there
//! (SPEC §8), and then a file output is not kept. Cards below `--fail-under` are
//! listed on standard error once the run is over.

use std::io;
use std::path::Path;

use rust_decimal::Decimal;

use super::format::output_format;
use super::output::Output;
use super::{
    EXIT_FAIL_UNDER, EXIT_INVALID, EXIT_OK, EXIT_USAGE, begin, definition_or_report, format_of,
    lang_of, render_options, say, usage_error,
};
use crate::app::args::ScoreArgs;
use kpi::cards::CardData;
use kpi::diag::quoted;
use kpi::model::Lang;
use kpi::period::PeriodKind;
use kpi::pipeline::{self, Sink};
use kpi::report::render::Rendered;
use kpi::score::ScoredCard;

/// Cards below `--fail-under` listed one by one; the rest are counted.
const LISTED_BELOW: usize = 50;

pub fn run(args: &ScoreArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.out.lang);
    let format = output_format(&args.out, "score", lang)?;
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
    if let Some(code) = super::needs_output(format, &args.out, lang) {
        return Ok(code);
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
    let options = render_options(&args.out, format);
    // Opened before any work, so that an output that cannot be written (a folder that
    // is not there) is said at once, not at the end of a long run.
    let out = Output::open(args.out.output.as_deref())?;
    let Some(def) = definition_or_report(&args.input)? else {
        out.abandon();
        return Ok(EXIT_INVALID);
    };
    let (inputs, mut settings, progress) = begin(&def, &args.input, true);
    settings.read.lang = lang;
    settings.strict = args.strict;
    let explain = args
        .explain
        .then(|| inputs.iter().map(|i| i.name().to_string()).collect());
    // Undoable: cards are written while the files are read, and taken back should
    // a row come out of order.
    let rendered = Rendered::new(
        format_of(format),
        &def.def,
        options,
        explain,
        out.undoable(),
    );
    let mut sink = FailUnder {
        inner: rendered,
        threshold: args.fail_under,
        below: 0,
        listed: Vec::new(),
        lang,
    };
    let outcome = pipeline::run(&settings, inputs, &mut sink)?;
    let FailUnder {
        inner: rendered,
        below,
        listed,
        ..
    } = sink;
    for line in &listed {
        progress.note(line);
    }
    if let Some(threshold) = args.fail_under
        && below > LISTED_BELOW
    {
        progress.note(&unlisted(below - LISTED_BELOW, threshold, lang));
    }
    drop(progress);
    let failed = outcome
        .diagnostics
        .iter()
        .any(|d| d.is_error() || args.strict);
    let out = rendered.end(failed)?;
    if failed {
        out.abandon();
    } else {
        out.finish()?;
    }
    report(args, outcome.diagnostics)?;
    Ok(if failed {
        EXIT_INVALID
    } else if below > 0 {
        EXIT_FAIL_UNDER
    } else {
        EXIT_OK
    })
}

/// Prints the run's problems and warnings on standard error.
fn report(args: &ScoreArgs, mut diagnostics: Vec<kpi::diag::Diagnostic>) -> io::Result<()> {
    super::strictly(&mut diagnostics, args.strict);
    super::report_problems(diagnostics, &args.input)
}

/// Passes cards on, keeping what to say of those whose total is below `--fail-under`
/// (said once the run is over: until then, cards can be taken back).
struct FailUnder<S> {
    inner: S,
    threshold: Option<Decimal>,
    /// Cards below the threshold, and a line for each of the first `LISTED_BELOW`.
    below: usize,
    listed: Vec<String>,
    lang: Lang,
}

impl<S: Sink> Sink for FailUnder<S> {
    fn card(&mut self, card: &CardData, scored: &ScoredCard) -> io::Result<()> {
        if let Some(threshold) = self.threshold
            && scored.score.total < threshold
        {
            self.below += 1;
            if self.below <= LISTED_BELOW {
                self.listed.push(below(card, scored, threshold, self.lang));
            }
        }
        self.inner.card(card, scored)
    }

    fn can_rewind(&self) -> bool {
        self.inner.can_rewind()
    }

    fn rewind(&mut self) -> io::Result<()> {
        self.below = 0;
        self.listed.clear();
        self.inner.rewind()
    }
}

/// `kpi: subject "华东办事处", period 2026-10: total 55.20 is below --fail-under 60`:
/// the card named as diagnostics name it, the total as the output prints it.
fn below(card: &CardData, scored: &ScoredCard, threshold: Decimal, lang: Lang) -> String {
    let total = kpi::num::fixed(scored.score.total, 2);
    match lang {
        Lang::En => format!(
            "kpi: {}: total {total} is below --fail-under {threshold}",
            card.key.describe()
        ),
        Lang::Zh => format!(
            "kpi: {}：总分 {total} 低于 --fail-under {threshold}",
            describe_zh(card)
        ),
    }
}

/// `kpi: 3 more cards are below --fail-under 60, not listed`.
fn unlisted(count: usize, threshold: Decimal, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => format!("kpi: 1 more card is below --fail-under {threshold}, not listed"),
        (Lang::En, _) => {
            format!("kpi: {count} more cards are below --fail-under {threshold}, not listed")
        }
        (Lang::Zh, _) => format!("kpi: 另有 {count} 张考核表低于 --fail-under {threshold}，未列出"),
    }
}

/// `对象 "华东办事处"，期间 2026-10`: `CardKey::describe` in Chinese.
fn describe_zh(card: &CardData) -> String {
    let key = &card.key;
    let kind = match key.kind {
        PeriodKind::Month => "月度考核表",
        PeriodKind::Quarter => "季度考核表",
        PeriodKind::Half => "半年考核表",
        PeriodKind::Year => "年度考核表",
    };
    let subject = quoted(&key.subject);
    match (key.subject.is_empty(), key.period) {
        (false, Some(period)) => format!("对象 {subject}，期间 {period}"),
        (false, None) => format!("对象 {subject}，{kind}"),
        (true, Some(period)) => format!("期间 {period}"),
        (true, None) => kind.to_string(),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
