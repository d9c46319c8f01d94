//! `kpi trend` output: one table per subject with indicators as rows and periods as
//! columns, the total, its change, and a sparkline; or the same as CSV, JSON, Markdown;
//! or a page of an HTML report (`trend_html`), a block of a workbook (`trend_xlsx`).

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment};
use rust_decimal::Decimal;
use serde::Serialize;

use super::csv::neutralise;
use super::table::band_color;
use super::trend_words::{change_text, title, trend_words};
use super::{Format, RenderOptions, words};
use crate::cards::CardData;
use crate::model::{Band, Lang, Scorecard};
use crate::num::fixed;
use crate::pipeline::{Rewind, Sink};
use crate::report::trend::{Trend, trends};
use crate::score::ScoredCard;

pub fn write(
    format: Format,
    def: &Scorecard,
    trends: &[Trend],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut writer = TrendWriter::begin(format, def, options.clone(), out)?;
    for trend in trends {
        writer.trend(trend, out)?;
    }
    writer.end(out)
}

/// Writes trends one at a time, as each subject's cards are complete; `write` is the
/// same over a list, byte for byte.
pub struct TrendWriter<'a> {
    format: Format,
    def: &'a Scorecard,
    options: RenderOptions,
    written: usize,
    xlsx: Option<super::trend_xlsx::TrendBook>,
}

impl<'a> TrendWriter<'a> {
    pub fn begin(
        format: Format,
        def: &'a Scorecard,
        options: RenderOptions,
        out: &mut dyn Write,
    ) -> io::Result<TrendWriter<'a>> {
        let mut xlsx = None;
        match format {
            Format::Csv => csv_header(&options, out)?,
            Format::Json => out.write_all(b"{\n  \"trends\": [")?,
            Format::Html => {
                super::html::begin_with_style(def, &options, super::trend_html::STYLE, out)?
            }
            Format::Xlsx => xlsx = Some(super::trend_xlsx::TrendBook::begin(options.lang)?),
            Format::Table | Format::Markdown => {}
        }
        Ok(TrendWriter {
            format,
            def,
            options,
            written: 0,
            xlsx,
        })
    }

    pub fn trend(&mut self, trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
        let first = self.written == 0;
        match self.format {
            Format::Table => table(self.def, trend, first, &self.options, out)?,
            Format::Html => super::trend_html::trend(self.def, trend, &self.options, out)?,
            Format::Xlsx => {
                if let Some(book) = self.xlsx.as_mut() {
                    book.trend(self.def, trend)?;
                }
            }
            Format::Markdown => markdown(self.def, trend, first, self.options.lang, out)?,
            Format::Csv => csv(self.def, trend, out)?,
            Format::Json => json(self.def, trend, first, out)?,
        }
        self.written += 1;
        Ok(())
    }

    pub fn end(self, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Json if self.written == 0 => out.write_all(b"]\n}\n"),
            Format::Json => out.write_all(b"\n  ]\n}\n"),
            Format::Html => super::html::end(out),
            Format::Xlsx => match self.xlsx {
                Some(book) => book.end(out),
                None => Ok(()),
            },
            Format::Table | Format::Markdown | Format::Csv => Ok(()),
        }
    }
}

fn score_cell(value: Option<(Decimal, Band)>, color: bool) -> Cell {
    let cell = match value {
        Some((score, band)) => {
            let cell = Cell::new(fixed(score, 2));
            match band_color(band).filter(|_| color) {
                Some(c) => cell.fg(c),
                None => cell,
            }
        }
        None => Cell::new("—"),
    };
    cell.set_alignment(CellAlignment::Right)
}

fn table(
    def: &Scorecard,
    trend: &Trend,
    first: bool,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = options.lang;
    let w = trend_words(lang);
    {
        if !first {
            writeln!(out)?;
        }
        let mut table = super::new_table(options.color, options.width);
        let mut header = vec![Cell::new(words(lang).headers[0])];
        header.extend(
            trend
                .periods
                .iter()
                .map(|p| Cell::new(p).set_alignment(CellAlignment::Right)),
        );
        table.set_header(header);
        for (indicator, scores) in def.indicators.iter().zip(&trend.scores) {
            let mut row = vec![Cell::new(indicator.display_name(lang))];
            row.extend(scores.iter().map(|s| score_cell(*s, options.color)));
            table.add_row(row);
        }
        let mut total = vec![Cell::new(words(lang).total)];
        total.extend(
            trend
                .totals
                .iter()
                .map(|t| score_cell(Some(*t), options.color)),
        );
        table.add_row(total);
        let mut change = vec![Cell::new(w.change)];
        change.extend(
            trend
                .changes
                .iter()
                .map(|c| Cell::new(change_text(*c)).set_alignment(CellAlignment::Right)),
        );
        table.add_row(change);
        writeln!(out, "{}", title(def, trend, lang))?;
        super::keep_whole(&mut table, 1..=trend.periods.len());
        writeln!(out, "{table}")?;
        writeln!(out, "{}: {}", w.trend, sparkline_caption(trend))?;
    }
    Ok(())
}

/// `▃▅▆ 56.57 → 73.68`.
fn sparkline_caption(trend: &Trend) -> String {
    match (trend.totals.first(), trend.totals.last()) {
        (Some(first), Some(last)) if trend.totals.len() > 1 => {
            format!(
                "{} {} → {}",
                trend.sparkline,
                fixed(first.0, 2),
                fixed(last.0, 2)
            )
        }
        (Some(only), _) => format!("{} {}", trend.sparkline, fixed(only.0, 2)),
        _ => String::new(),
    }
}

fn markdown(
    def: &Scorecard,
    trend: &Trend,
    first: bool,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let w = trend_words(lang);
    let escape = |t: &str| t.replace('|', "\\|");
    {
        if !first {
            writeln!(out)?;
        }
        writeln!(out, "### {}", escape(&title(def, trend, lang)))?;
        writeln!(out)?;
        writeln!(
            out,
            "| {} | {} |",
            words(lang).headers[0],
            trend.periods.join(" | ")
        )?;
        writeln!(out, "|---|{}", "---:|".repeat(trend.periods.len()))?;
        let cell =
            |s: &Option<(Decimal, Band)>| s.map_or_else(|| "—".to_string(), |(v, _)| fixed(v, 2));
        for (indicator, scores) in def.indicators.iter().zip(&trend.scores) {
            let cells: Vec<String> = scores.iter().map(cell).collect();
            writeln!(
                out,
                "| {} | {} |",
                escape(indicator.display_name(lang)),
                cells.join(" | ")
            )?;
        }
        let totals: Vec<String> = trend
            .totals
            .iter()
            .map(|t| format!("**{}**", fixed(t.0, 2)))
            .collect();
        writeln!(
            out,
            "| **{}** | {} |",
            words(lang).total,
            totals.join(" | ")
        )?;
        let changes: Vec<String> = trend.changes.iter().map(|c| change_text(*c)).collect();
        writeln!(out, "| {} | {} |", w.change, changes.join(" | "))?;
        writeln!(out)?;
        writeln!(out, "{}: {}", w.trend, sparkline_caption(trend))?;
    }
    Ok(())
}

fn csv_header(options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    if options.bom {
        out.write_all("\u{FEFF}".as_bytes())?;
    }
    let mut writer = csv_writer(out);
    writer.write_record([
        "subject",
        "period",
        "period_kind",
        "indicator_id",
        "indicator",
        "score",
        "band",
        "change",
    ])?;
    writer.flush()?;
    Ok(())
}

fn csv_writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

fn csv(def: &Scorecard, trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv_writer(out);
    {
        let subject = neutralise(&trend.subject);
        for (p, period) in trend.periods.iter().enumerate() {
            for ((indicator, scores), changes) in def
                .indicators
                .iter()
                .zip(&trend.scores)
                .zip(&trend.score_changes)
            {
                let (score, band) = match scores[p] {
                    Some((s, b)) => (fixed(s, 2), b.id()),
                    None => (String::new(), ""),
                };
                let change = changes[p].map(|c| fixed(c, 2)).unwrap_or_default();
                writer.write_record([
                    subject.as_ref(),
                    period,
                    trend.kind.key(),
                    &indicator.id,
                    &neutralise(&indicator.name),
                    &score,
                    band,
                    &change,
                ])?;
            }
            let (total, band) = trend.totals[p];
            let change = trend.changes[p].map(|c| fixed(c, 2)).unwrap_or_default();
            writer.write_record([
                subject.as_ref(),
                period,
                trend.kind.key(),
                "total",
                "Total",
                &fixed(total, 2),
                band.id(),
                &change,
            ])?;
        }
    }
    writer.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct JsonTrend<'a> {
    subject: &'a str,
    period_kind: &'static str,
    periods: &'a [String],
    indicators: Vec<JsonRow<'a>>,
    totals: Vec<serde_json::Number>,
    bands: Vec<&'static str>,
    changes: Vec<Option<serde_json::Number>>,
    sparkline: &'a str,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    id: &'a str,
    name: &'a str,
    scores: Vec<Option<serde_json::Number>>,
    bands: Vec<Option<&'static str>>,
}

fn number(d: Decimal) -> io::Result<serde_json::Number> {
    use std::str::FromStr;
    let text = fixed(d, 2);
    serde_json::Number::from_str(&text)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("number {text:?}: {e}")))
}

fn json(def: &Scorecard, trend: &Trend, first: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut indicators = Vec::with_capacity(def.indicators.len());
    for (indicator, scores) in def.indicators.iter().zip(&trend.scores) {
        indicators.push(JsonRow {
            id: &indicator.id,
            name: &indicator.name,
            scores: scores
                .iter()
                .map(|s| s.map(|(v, _)| number(v)).transpose())
                .collect::<io::Result<_>>()?,
            bands: scores.iter().map(|s| s.map(|(_, b)| b.id())).collect(),
        });
    }
    let item = JsonTrend {
        subject: &trend.subject,
        period_kind: trend.kind.key(),
        periods: &trend.periods,
        indicators,
        totals: trend
            .totals
            .iter()
            .map(|t| number(t.0))
            .collect::<io::Result<_>>()?,
        bands: trend.totals.iter().map(|t| t.1.id()).collect(),
        changes: trend
            .changes
            .iter()
            .map(|c| c.map(number).transpose())
            .collect::<io::Result<_>>()?,
        sparkline: &trend.sparkline,
    };
    // Indented as it stands inside the document, so that trends written one at a
    // time make the same bytes as the whole document printed at once.
    let text = serde_json::to_string_pretty(&item)?;
    out.write_all(if first { b"\n    " } else { b",\n    " })?;
    out.write_all(text.replace('\n', "\n    ").as_bytes())
}

/// The sink of `kpi trend`: a subject's cards are gathered until the next subject
/// begins, then written as that subject's trends, so memory holds one subject.
/// Nothing is written before the first trend.
pub struct TrendSink<'a, W: Write> {
    format: Format,
    def: &'a Scorecard,
    options: RenderOptions,
    writer: Option<TrendWriter<'a>>,
    out: W,
    cards: Vec<ScoredCard>,
}

impl<'a, W: Write> TrendSink<'a, W> {
    pub fn new(
        format: Format,
        def: &'a Scorecard,
        options: RenderOptions,
        out: W,
    ) -> TrendSink<'a, W> {
        TrendSink {
            format,
            def,
            options,
            writer: None,
            out,
            cards: Vec::new(),
        }
    }

    fn writer(&mut self) -> io::Result<()> {
        if self.writer.is_none() {
            let writer =
                TrendWriter::begin(self.format, self.def, self.options.clone(), &mut self.out)?;
            self.writer = Some(writer);
        }
        Ok(())
    }

    fn flush_subject(&mut self) -> io::Result<()> {
        if self.cards.is_empty() {
            return Ok(());
        }
        self.writer()?;
        if let Some(writer) = self.writer.as_mut() {
            for trend in trends(&self.cards) {
                writer.trend(&trend, &mut self.out)?;
            }
        }
        self.cards.clear();
        Ok(())
    }

    /// Writes the last subject and ends the document (an empty one when no card came,
    /// unless the run `failed`).
    pub fn end(mut self, failed: bool) -> io::Result<W> {
        if failed && self.writer.is_none() {
            return Ok(self.out);
        }
        self.flush_subject()?;
        self.writer()?;
        if let Some(writer) = self.writer.take() {
            writer.end(&mut self.out)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write + Rewind> Sink for TrendSink<'_, W> {
    fn card(&mut self, _: &CardData, scored: &ScoredCard) -> io::Result<()> {
        if self
            .cards
            .first()
            .is_some_and(|c| c.subject != scored.subject)
        {
            self.flush_subject()?;
        }
        self.cards.push(scored.clone());
        Ok(())
    }

    fn can_rewind(&self) -> bool {
        self.out.can_rewind()
    }

    fn rewind(&mut self) -> io::Result<()> {
        self.writer = None;
        self.cards.clear();
        self.out.rewind()
    }
}
