//! CSV output (SPEC §7): one row per indicator and a total row per scorecard, machine
//! fields only, text cells guarded against spreadsheet formula injection.

use std::borrow::Cow;
use std::io::{self, Write};

use super::RenderOptions;
use crate::model::Scorecard;
use crate::num::{push_fixed, push_plain};
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

/// A text cell as the CSV writer writes it: quoted where it must be (a delimiter, a
/// quote or a line end inside), quotes doubled. Made by hand, twice per card: a CSV
/// writer per cell cost a sixth of a run in allocations.
pub(crate) fn field(text: &str) -> String {
    if !text.contains([',', '"', '\n', '\r']) {
        return text.to_string();
    }
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// What every card's rows share, worked out once: the indicators' cells.
pub struct Rows {
    ids: Vec<String>,
    names: Vec<String>,
    line: String,
    /// Per indicator, the last target and effective weight written and their text:
    /// they are the same on card after card.
    constants: Vec<[(Option<rust_decimal::Decimal>, String); 2]>,
}

pub fn begin(def: &Scorecard, options: &RenderOptions, out: &mut dyn Write) -> io::Result<Rows> {
    if options.bom {
        out.write_all("\u{FEFF}".as_bytes())?;
    }
    out.write_all(HEADER.join(",").as_bytes())?;
    out.write_all(b"\n")?;
    Ok(Rows {
        ids: def.indicators.iter().map(|i| field(&i.id)).collect(),
        names: def
            .indicators
            .iter()
            .map(|i| field(&neutralise(&i.name)))
            .collect(),
        line: String::with_capacity(4096),
        constants: vec![Default::default(); def.indicators.len()],
    })
}

/// Writes one card's rows. Batch jobs write millions of these, so the line is built
/// directly; text cells are quoted by the CSV writer's own rules (`field`).
pub fn card(
    rows: &mut Rows,
    def: &Scorecard,
    card: &ScoredCard,
    out: &mut dyn Write,
) -> io::Result<()> {
    let subject = field(&neutralise(&card.subject));
    let period = field(&card.period);
    let line = &mut rows.line;
    line.clear();
    let number = |line: &mut String, v: Option<rust_decimal::Decimal>, two: bool| {
        if let Some(v) = v {
            if two {
                push_fixed(line, v, 2);
            } else {
                push_plain(line, v);
            }
        }
    };
    for (n, score) in card
        .score
        .indicators
        .iter()
        .enumerate()
        .take(def.indicators.len())
    {
        line.push_str(&subject);
        line.push(',');
        line.push_str(&period);
        line.push(',');
        line.push_str(&rows.ids[n]);
        line.push(',');
        line.push_str(&rows.names[n]);
        line.push(',');
        let [target, weight] = &mut rows.constants[n];
        cached(line, target, score.target, false);
        line.push(',');
        number(line, score.actual, false);
        line.push(',');
        line.push_str(score.band.id());
        line.push(',');
        number(line, score.score, true);
        line.push(',');
        cached(line, weight, score.effective_weight, true);
        line.push(',');
        number(line, score.points, true);
        line.push('\n');
    }
    line.push_str(&subject);
    line.push(',');
    line.push_str(&period);
    line.push_str(",total,Total,,,");
    line.push_str(card.score.band.id());
    line.push_str(",,100.00,");
    push_fixed(line, card.score.total, 2);
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// Writes a number that rarely changes from one card to the next, reusing its text.
fn cached(
    line: &mut String,
    cache: &mut (Option<rust_decimal::Decimal>, String),
    value: Option<rust_decimal::Decimal>,
    two: bool,
) {
    if cache.0 != value || (value.is_some() && cache.1.is_empty()) {
        cache.1.clear();
        if let Some(v) = value {
            if two {
                push_fixed(&mut cache.1, v, 2);
            } else {
                push_plain(&mut cache.1, v);
            }
        }
        cache.0 = value;
    }
    line.push_str(&cache.1);
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

    #[test]
    fn text_cells_are_quoted_as_the_csv_writer_does() {
        use super::field;
        assert_eq!(field("East office"), "East office");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field(""), "");
        assert_eq!(field("安装、调试、维修满意率"), "安装、调试、维修满意率");
    }
}
