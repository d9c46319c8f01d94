//! CSV output (SPEC §7): one row per indicator and a total row per scorecard, machine
//! fields only, text cells guarded against spreadsheet formula injection.

use std::borrow::Cow;
use std::io::{self, Write};

use super::RenderOptions;
use crate::model::Scorecard;
use crate::num::{fixed, plain};
use crate::score::ScoredCard;

pub const HEADER: [&str; 10] = [
    "subject",
    "period",
    "indicator_id",
    "indicator",
    "target",
    "actual",
    "band",
    "score",
    "weight",
    "points",
];

/// The CSV writer's settings: `\n` line ends.
fn builder() -> csv::WriterBuilder {
    let mut builder = csv::WriterBuilder::new();
    builder
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(4096);
    builder
}

pub fn begin(options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    if options.bom {
        out.write_all("\u{FEFF}".as_bytes())?;
    }
    let mut writer = builder().from_writer(out);
    writer.write_record(HEADER)?;
    writer.flush()
}

pub fn card(def: &Scorecard, card: &ScoredCard, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = builder().from_writer(out);
    let opt = |v: Option<rust_decimal::Decimal>, f: fn(rust_decimal::Decimal) -> String| {
        v.map(f).unwrap_or_default()
    };
    let two = |d| fixed(d, 2);
    let subject = neutralise(&card.subject);
    for (indicator, line) in def.indicators.iter().zip(&card.score.indicators) {
        writer.write_record([
            subject.as_ref(),
            &card.period,
            &indicator.id,
            &neutralise(&indicator.name),
            &opt(line.target, plain),
            &opt(line.actual, plain),
            line.band.id(),
            &opt(line.score, two),
            &opt(line.effective_weight, two),
            &opt(line.points, two),
        ])?;
    }
    writer.write_record([
        subject.as_ref(),
        &card.period,
        "total",
        "Total",
        "",
        "",
        card.score.band.id(),
        "",
        "100.00",
        &fixed(card.score.total, 2),
    ])?;
    writer.flush()
}

/// Prefixes `'` to a text cell a spreadsheet would run as a formula (`=`, `+`, `-`,
/// `@`, tab or CR first).
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_like_text_is_prefixed() {
        for payload in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A2)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(neutralise(payload), format!("'{payload}"));
        }
        assert_eq!(neutralise("East office"), "East office");
        assert_eq!(neutralise("东区 = 1"), "东区 = 1");
        assert_eq!(neutralise(""), "");
    }
}
