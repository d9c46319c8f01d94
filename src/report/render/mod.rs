//! Scored cards → bytes, one module per format. Renderers format numbers and words;
//! they never compute a score.

use std::io::{self, Write};

use rust_decimal::Decimal;

use crate::cards::CardData;
use crate::model::{Band, Indicator, Lang, Scorecard};
use crate::num::{fixed, plain};
use crate::pipeline::{Rewind, Sink};
use crate::report::explain::{Explanation, explain_card};
use crate::score::{IndicatorScore, ScoredCard};

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod rank;
pub mod table;
pub mod targets;
pub mod template;
pub mod trend;
pub mod trend_html;
mod trend_words;
pub mod trend_xlsx;
pub mod xlsx;

/// The output formats `kpi score` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    Html,
    Xlsx,
}

/// Settings resolved from flags and the environment before rendering.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub lang: Lang,
    /// Band colours (a terminal, and no `NO_COLOR`).
    pub color: bool,
    /// A UTF-8 BOM before CSV, for Excel.
    pub bom: bool,
    /// The day a report is made (`YYYY-MM-DD`), shown in HTML.
    pub date: String,
    /// The terminal's width, when tables go to one: they shrink their columns, then
    /// wrap their words, to fit. `None` (a pipe, a file) keeps every table full width.
    pub width: Option<u16>,
}

/// Renders a list of cards (without explanations).
pub fn render(
    format: Format,
    def: &Scorecard,
    cards: &[ScoredCard],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut writer = CardWriter::begin(format, def, options.clone(), out)?;
    for card in cards {
        writer.card(card, &[], out)?;
    }
    writer.end(out)
}

/// Writes cards one at a time as they are scored, so that a stream of cards needs no
/// list of them; `render` is the same over a list, byte for byte.
pub struct CardWriter<'a> {
    format: Format,
    def: &'a Scorecard,
    options: RenderOptions,
    written: usize,
    csv: Option<csv::Rows>,
    xlsx: Option<xlsx::Sheet>,
}

impl<'a> CardWriter<'a> {
    pub fn begin(
        format: Format,
        def: &'a Scorecard,
        options: RenderOptions,
        out: &mut dyn Write,
    ) -> io::Result<CardWriter<'a>> {
        let csv = match format {
            Format::Csv => Some(csv::begin(def, &options, out)?),
            Format::Json => {
                json::begin(out)?;
                None
            }
            Format::Html => {
                html::begin(def, &options, out)?;
                None
            }
            Format::Table | Format::Markdown | Format::Xlsx => None,
        };
        let xlsx = match format {
            Format::Xlsx => Some(xlsx::Sheet::begin(options.lang)?),
            _ => None,
        };
        Ok(CardWriter {
            format,
            def,
            options,
            written: 0,
            csv,
            xlsx,
        })
    }

    /// One card; `explain` holds its indicators' explanations, or nothing.
    pub fn card(
        &mut self,
        card: &ScoredCard,
        explain: &[Explanation],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let first = self.written == 0;
        let (def, options) = (self.def, &self.options);
        match (self.format, self.csv.as_mut()) {
            (Format::Csv, Some(rows)) => csv::card(rows, def, card, out)?,
            (Format::Json, _) => json::card(def, card, explain, first, out)?,
            (Format::Markdown, _) => markdown::card(def, card, explain, first, options, out)?,
            (Format::Html, _) => html::card(def, card, explain, options, &options.date, out)?,
            (Format::Xlsx, _) => {
                if let Some(sheet) = self.xlsx.as_mut() {
                    sheet.card(def, card)?;
                }
            }
            _ => table::card(def, card, explain, first, options, out)?,
        }
        self.written += 1;
        Ok(())
    }

    pub fn end(self, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Json => json::end(self.written > 0, out),
            Format::Html => html::end(out),
            Format::Xlsx => match self.xlsx {
                Some(sheet) => sheet.end(out),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// The sink of `kpi score`: each card rendered and written as it comes, with its
/// explanation when one is asked for. Nothing is written before the first card, so
/// that a run whose data fails before it leaves no output at all.
pub struct Rendered<'a, W: Write> {
    format: Format,
    def: &'a Scorecard,
    options: RenderOptions,
    writer: Option<CardWriter<'a>>,
    out: W,
    /// `--explain`: the data files, as explanations name them.
    explain: Option<Vec<String>>,
}

impl<'a, W: Write> Rendered<'a, W> {
    pub fn new(
        format: Format,
        def: &'a Scorecard,
        options: RenderOptions,
        explain: Option<Vec<String>>,
        out: W,
    ) -> Rendered<'a, W> {
        Rendered {
            format,
            def,
            options,
            writer: None,
            out,
            explain,
        }
    }

    fn writer(&mut self) -> io::Result<&mut CardWriter<'a>> {
        if self.writer.is_none() {
            let writer =
                CardWriter::begin(self.format, self.def, self.options.clone(), &mut self.out)?;
            self.writer = Some(writer);
        }
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("no writer"))
    }

    /// Ends the document (an empty one when no card came, unless the run `failed`),
    /// and hands back where it was written.
    pub fn end(mut self, failed: bool) -> io::Result<W> {
        if !failed || self.writer.is_some() {
            self.writer()?;
        }
        if let Some(writer) = self.writer.take() {
            writer.end(&mut self.out)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write + Rewind> Sink for Rendered<'_, W> {
    fn card(&mut self, card: &CardData, scored: &ScoredCard) -> io::Result<()> {
        let explanation = match &self.explain {
            // JSON is a machine contract: its explanations keep the configured units.
            Some(files) => {
                let lang = (self.format != Format::Json).then_some(self.options.lang);
                explain_card(self.def, card, scored, files, lang)
            }
            None => Vec::new(),
        };
        self.writer()?;
        match self.writer.as_mut() {
            Some(writer) => writer.card(scored, &explanation, &mut self.out),
            None => Ok(()),
        }
    }

    fn can_rewind(&self) -> bool {
        self.out.can_rewind()
    }

    fn rewind(&mut self) -> io::Result<()> {
        self.writer = None;
        self.out.rewind()
    }
}

/// A terminal table in the house style; styled (band colours) only when `color`;
/// fitted to `width` when one is given.
pub(crate) fn new_table(color: bool, width: Option<u16>) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    if let Some(width) = width {
        table
            .set_width(width)
            .set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    }
    table
}

/// Keeps the `columns` (numbers) whole when a table is fitted to a width, so that the
/// words of the other columns (names, bands) wrap instead.
pub(crate) fn keep_whole(table: &mut comfy_table::Table, columns: impl IntoIterator<Item = usize>) {
    for column in columns {
        if let Some(column) = table.column_mut(column) {
            column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
}

/// The human words of table and markdown output.
pub(crate) struct Words {
    pub headers: [&'static str; 7],
    pub total: &'static str,
}

pub(crate) fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            headers: [
                "Indicator",
                "Target",
                "Actual",
                "Band",
                "Score",
                "Weight",
                "Points",
            ],
            total: "Total",
        },
        Lang::Zh => Words {
            headers: ["指标", "目标", "实际", "绩效", "分数", "权重", "得分"],
            total: "总分",
        },
    }
}

/// A card's title: the scorecard's title, subject and period, whichever are known.
pub(crate) fn card_title(def: &Scorecard, card: &ScoredCard, lang: Lang) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let title = def.title(lang);
    if !title.is_empty() {
        parts.push(title);
    }
    if !card.subject.is_empty() {
        parts.push(&card.subject);
    }
    let period = if card.period.is_empty() {
        kind_word(card.kind, lang)
    } else {
        &card.period
    };
    parts.push(period);
    parts.join(" · ")
}

fn kind_word(kind: crate::model::PeriodKind, lang: Lang) -> &'static str {
    use crate::model::PeriodKind::*;
    match (lang, kind) {
        (Lang::En, Month) => "month",
        (Lang::En, Quarter) => "quarter",
        (Lang::En, Half) => "half-year",
        (Lang::En, Year) => "year",
        (Lang::Zh, Month) => "月度",
        (Lang::Zh, Quarter) => "季度",
        (Lang::Zh, Half) => "半年度",
        (Lang::Zh, Year) => "年度",
    }
}

/// A value with its unit, as people read it: `0.92%`, `2.7 次/台`.
pub(crate) fn with_unit(value: Decimal, unit: &str) -> String {
    match unit {
        "" => plain(value),
        "%" => format!("{}%", plain(value)),
        unit => format!("{} {unit}", plain(value)),
    }
}

/// One indicator's row of human-readable cells: indicator, target, actual, band,
/// score, weight, points. `—` stands for an absent number.
pub(crate) fn human_row(indicator: &Indicator, line: &IndicatorScore, lang: Lang) -> [String; 7] {
    let dash = || "—".to_string();
    let unit = indicator.unit_in(Some(lang));
    [
        indicator.display_name(lang).to_string(),
        line.target.map_or_else(dash, |t| with_unit(t, unit)),
        line.actual.map_or_else(dash, |a| with_unit(a, unit)),
        // A missing row shows its target and `—` elsewhere (SPEC §7).
        if line.band == Band::Missing {
            dash()
        } else {
            line.band.label(lang).to_string()
        },
        line.score.map_or_else(dash, |s| fixed(s, 2)),
        line.effective_weight.map_or_else(dash, |w| fixed(w, 2)),
        line.points.map_or_else(dash, |p| fixed(p, 2)),
    ]
}

/// The total row of human-readable cells.
pub(crate) fn human_total(card: &ScoredCard, lang: Lang) -> [String; 7] {
    [
        words(lang).total.to_string(),
        String::new(),
        String::new(),
        card.score.band.label(lang).to_string(),
        String::new(),
        "100.00".to_string(),
        fixed(card.score.total, 2),
    ]
}

/// Lines printed under a card's table: the periods missing under `--partial`, and
/// the `--explain` trace of each indicator, indented.
pub(crate) fn notes(
    def: &Scorecard,
    card: &ScoredCard,
    explain: &[Explanation],
    lang: Lang,
) -> Vec<String> {
    let mut lines = Vec::new();
    // Indicators missing the same periods share a line.
    let mut gaps: Vec<(&[String], Vec<&str>)> = Vec::new();
    for (i, periods) in &card.gaps {
        let name = def.indicators[*i].display_name(lang);
        match gaps.iter_mut().find(|(p, _)| *p == periods.as_slice()) {
            Some((_, names)) => names.push(name),
            None => gaps.push((periods, vec![name])),
        }
    }
    for (periods, names) in gaps {
        lines.push(match lang {
            Lang::En => format!(
                "{}: no value for {} (--partial: combined the values there are)",
                names.join(", "),
                periods.join(", ")
            ),
            Lang::Zh => format!(
                "{}：{} 无数据（--partial：按已有数据合并）",
                names.join("、"),
                periods.join("、")
            ),
        });
    }
    for (indicator, explanation) in def.indicators.iter().zip(explain) {
        lines.push(format!("  {}", indicator.display_name(lang)));
        let from = match lang {
            Lang::En => "from",
            Lang::Zh => "来源",
        };
        for source in &explanation.sources {
            lines.push(format!("    {from} {source}"));
        }
        if let Some(combined) = &explanation.combined {
            lines.push(format!("    {combined}"));
        }
        for step in explanation.steps.iter().filter(|s| !s.is_empty()) {
            lines.push(format!("    {step}"));
        }
    }
    lines
}

/// Whether a band is one of the four scored bands (the ones with a colour).
pub(crate) fn is_scored(band: Band) -> bool {
    !matches!(band, Band::Missing | Band::NotAssessed)
}
