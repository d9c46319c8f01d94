//! GitHub-flavoured Markdown: the table's content, a `###` heading per scorecard.

use std::io::{self, Write};

use super::{RenderOptions, card_title, human_row, human_total, notes, words};
use crate::model::Scorecard;
use crate::report::explain::Explanation;
use crate::score::ScoredCard;

/// Escapes what would break a Markdown table cell.
pub(crate) fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
    writeln!(out, "| {} |", cells.join(" | "))
}

pub fn card(
    def: &Scorecard,
    card: &ScoredCard,
    explain: &[Explanation],
    first: bool,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = options.lang;
    if !first {
        writeln!(out)?;
    }
    writeln!(out, "### {}", escape(&card_title(def, card, lang)))?;
    writeln!(out)?;
    let headers: Vec<String> = words(lang).headers.iter().map(|h| h.to_string()).collect();
    row(out, &headers)?;
    writeln!(out, "|---|---:|---:|---|---:|---:|---:|")?;
    for (indicator, line) in def.indicators.iter().zip(&card.score.indicators) {
        row(out, &human_row(indicator, line, lang))?;
    }
    let mut total = human_total(card, lang);
    for cell in total.iter_mut().filter(|c| !c.is_empty()) {
        *cell = format!("**{cell}**");
    }
    row(out, &total)?;
    let notes = notes(def, card, explain, lang);
    if !notes.is_empty() {
        writeln!(out)?;
        writeln!(out, "```text")?;
        for line in notes {
            writeln!(out, "{line}")?;
        }
        writeln!(out, "```")?;
    }
    Ok(())
}
