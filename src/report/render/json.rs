//! JSON output (SPEC §7): exact decimal numbers with the same places as CSV.

use std::io::{self, Write};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Number;

use crate::model::Scorecard;
use crate::num::{fixed, plain};
use crate::report::explain::Explanation;
use crate::score::ScoredCard;

#[derive(Serialize)]
struct Card<'a> {
    subject: &'a str,
    period: &'a str,
    period_kind: &'static str,
    total: Number,
    band: &'static str,
    indicators: Vec<Line<'a>>,
    /// Only under `--partial` with gaps: indicator id → the periods without a value.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    missing_periods: std::collections::BTreeMap<&'a str, &'a [String]>,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    better: &'static str,
    target: Option<Number>,
    /// Only with a targets file in force (SPEC §2.4): `card`, `FILE:LINE` or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    target_source: Option<Option<String>>,
    actual: Option<Number>,
    band: &'static str,
    score: Option<Number>,
    weight: Number,
    effective_weight: Option<Number>,
    points: Option<Number>,
    /// Only with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<&'a Explanation>,
}

/// A JSON number written exactly as `text` (serde_json's `arbitrary_precision`).
fn number(text: String) -> io::Result<Number> {
    Number::from_str(&text)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("number {text:?}: {e}")))
}

fn two(d: Decimal) -> io::Result<Number> {
    number(fixed(d, 2))
}

fn exact(d: Decimal) -> io::Result<Number> {
    number(plain(d))
}

/// `{"scorecards": [`, as `serde_json`'s pretty printer opens the document.
pub fn begin(out: &mut dyn Write) -> io::Result<()> {
    open_array("scorecards", out)
}

/// `{"KEY": [`: a document of one array, written an item at a time (`item`,
/// `close_array`) in the bytes `serde_json`'s pretty printer gives the whole.
pub(crate) fn open_array(key: &str, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{{\n  \"{key}\": [")
}

/// One item of an array: pretty JSON `text`, after a comma unless it is the first,
/// each line indented by `by` spaces (4 in the document's array).
pub(crate) fn item(text: &str, first: bool, by: usize, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    indent(text, by, out)
}

/// Pretty JSON `text` with each line indented by `by` spaces.
pub(crate) fn indent(text: &str, by: usize, out: &mut dyn Write) -> io::Result<()> {
    for (n, line) in text.lines().enumerate() {
        if n > 0 {
            out.write_all(b"\n")?;
        }
        write!(out, "{:by$}{line}", "")?;
    }
    Ok(())
}

/// The end of the document `open_array` began; `any`: an item was written.
pub(crate) fn close_array(any: bool, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(if any { b"\n  ]\n}\n" } else { b"]\n}\n" })
}

/// One card, indented as it stands inside the document, so that cards written one at a
/// time make the same bytes as the whole document printed at once.
pub fn card(
    def: &Scorecard,
    card: &ScoredCard,
    explain: &[Explanation],
    first: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut indicators = Vec::with_capacity(def.indicators.len());
    for (i, (indicator, line)) in def
        .indicators
        .iter()
        .zip(&card.score.indicators)
        .enumerate()
    {
        indicators.push(Line {
            id: &indicator.id,
            name: &indicator.name,
            unit: &indicator.unit,
            better: indicator.better.key(),
            target: line.target.map(exact).transpose()?,
            target_source: card.targets.as_ref().map(|t| t.source_text(i)),
            actual: line.actual.map(exact).transpose()?,
            band: line.band.id(),
            score: line.score.map(two).transpose()?,
            weight: exact(indicator.weight)?,
            effective_weight: line.effective_weight.map(two).transpose()?,
            points: line.points.map(two).transpose()?,
            explain: explain.get(i),
        });
    }
    let document = Card {
        subject: &card.subject,
        period: &card.period,
        period_kind: card.kind.key(),
        total: two(card.score.total)?,
        band: card.score.band.id(),
        indicators,
        missing_periods: card
            .gaps
            .iter()
            .map(|(i, periods)| (def.indicators[*i].id.as_str(), periods.as_slice()))
            .collect(),
    };
    item(&serde_json::to_string_pretty(&document)?, first, 4, out)
}

pub fn end(any: bool, out: &mut dyn Write) -> io::Result<()> {
    close_array(any, out)
}
