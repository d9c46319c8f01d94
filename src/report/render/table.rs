//! Terminal tables (SPEC §7): one per scorecard, titled, CJK-aligned by comfy-table,
//! band colours only when asked for.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, Color};

use super::{RenderOptions, card_title, human_row, human_total, is_scored, notes, words};
use crate::model::{Band, Scorecard};
use crate::report::explain::Explanation;
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
    explain: &[Explanation],
    first: bool,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = options.lang;
    if !first {
        writeln!(out)?;
    }
    let mut table = super::new_table(options.color, options.width);
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
    super::keep_whole(&mut table, [4, 5, 6]);
    writeln!(out, "{}", card_title(def, card, lang))?;
    writeln!(out, "{table}")?;
    for line in notes(def, card, explain, lang) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    fn rendered(color: bool) -> String {
        let def = crate::read::config::parse(crate::read::config::BUILTIN, "builtin")
            .expect("the built-in card");
        let values: Vec<_> = def
            .indicators
            .iter()
            .map(|_| Some(rust_decimal::Decimal::from(95)))
            .collect();
        let score = crate::score::score_card(
            &def,
            crate::score::ThresholdsOf::Card(crate::model::PeriodKind::Quarter),
            &values,
            crate::score::MissingPolicy::Error,
        )
        .expect("a scored card");
        let card = ScoredCard {
            subject: "a".into(),
            period: "2026-Q1".into(),
            kind: crate::model::PeriodKind::Quarter,
            score,
            gaps: Vec::new(),
            targets: None,
        };
        let options = RenderOptions {
            lang: Lang::En,
            color,
            bom: false,
            date: String::new(),
            width: None,
        };
        let mut out = Vec::new();
        super::card(&def, &card, &[], true, &options, &mut out).expect("rendering");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn bands_are_coloured_only_when_asked() {
        let coloured = rendered(true);
        assert!(coloured.contains("\u{1b}["), "{coloured}");
        // red for below, green for far exceeds
        assert!(
            coloured.contains("\u{1b}[38;5;9m") || coloured.contains("\u{1b}[31m"),
            "{coloured:?}"
        );
        let plain = rendered(false);
        assert!(!plain.contains('\u{1b}'), "{plain}");
    }
}
