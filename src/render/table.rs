//! Terminal tables (SPEC §7): one per scorecard, titled, CJK-aligned by comfy-table,
//! band colours only when asked for.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, Table};

use super::{RenderOptions, card_title, human_row, human_total, is_scored, notes, words};
use crate::model::{Band, Scorecard};
use crate::score::ScoredCard;

pub(crate) fn band_color(band: Band) -> Option<Color> {
    match band {
        Band::FarExceeds => Some(Color::Green),
        Band::Exceeds => Some(Color::Cyan),
        Band::Meets => Some(Color::Yellow),
        Band::Below => Some(Color::Red),
        Band::Missing | Band::NotAssessed => None,
    }
}

/// Columns after the first two hold numbers: right-aligned.
fn cells(values: [String; 7], band: Band, color: bool) -> Vec<Cell> {
    values
        .into_iter()
        .enumerate()
        .map(|(j, text)| {
            let mut cell = Cell::new(text);
            if j != 0 && j != 3 {
                cell = cell.set_alignment(CellAlignment::Right);
            }
            if color
                && j == 3
                && is_scored(band)
                && let Some(c) = band_color(band)
            {
                cell = cell.fg(c);
            }
            cell
        })
        .collect()
}

pub fn card(
    def: &Scorecard,
    card: &ScoredCard,
    first: bool,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = options.lang;
    if !first {
        writeln!(out)?;
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    if options.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(words(lang).headers.iter().map(|h| Cell::new(*h)));
    for (indicator, line) in def.indicators.iter().zip(&card.score.indicators) {
        table.add_row(cells(
            human_row(indicator, line, lang),
            line.band,
            options.color,
        ));
    }
    table.add_row(cells(
        human_total(card, lang),
        card.score.band,
        options.color,
    ));
    writeln!(out, "{}", card_title(def, card, lang))?;
    writeln!(out, "{table}")?;
    for line in notes(def, card, lang) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
