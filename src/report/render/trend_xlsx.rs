//! `kpi trend --format xlsx`: a workbook of two sheets in the `--lang` language.
//!
//! - The trend sheet: per subject (and period kind) a block with a header row
//!   (subject, indicator id, indicator, the periods), the indicators' scores as rows,
//!   then the total and its change, scores filled in band colours. It is written a
//!   block at a time in constant memory (each row goes to a temporary file), and
//!   continues on another sheet past Excel's 1,048,576 rows, a block never split.
//! - The chart sheet: per subject a native Excel line chart of the totals, with the
//!   band points as dashed lines, beside a copy of the numbers it draws.
//!
//! Why the charts are not on the trend sheet: a chart's series carry a cache of the
//! cells they draw, which viewers that do not calculate (previews, some web viewers)
//! show; the writer fills that cache from cells it still holds, and a constant-memory
//! sheet holds none once a row is written, so its charts would come out empty there.
//! The chart sheet is an ordinary sheet that keeps its few cells (periods, totals and
//! band points). Charts are held until the workbook is saved, so their number is
//! bounded: past [`MAX_CHARTS`] subjects the sheet says how many it leaves out, and
//! the trend sheet, which has every subject, stays in constant memory.

use std::io::{self, Write};

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartLegendPosition, ChartLine, ChartLineDashType,
    ChartMarker, ChartMarkerType, ChartType, Color, Format, Workbook,
};
use unicode_width::UnicodeWidthStr;

use super::csv::neutralise;
use super::trend_words::{title, trend_words};
use super::words;
use super::xlsx::{MAX_ROWS, band_fill, double, header, xlsx_error};
use crate::model::{Band, Lang, Scorecard};
use crate::num::{fixed, plain};
use crate::report::trend::Trend;

/// Charts past this many subjects are left out (each is held until the end).
pub const MAX_CHARTS: usize = 1_000;

/// Rows of one chart block: title, periods, totals, three band lines, the chart
/// (288 pixels, about 15 rows) and a gap.
const CHART_BLOCK: u32 = 22;

struct Names {
    trend: &'static str,
    charts: &'static str,
    heading: &'static str,
}

fn names(lang: Lang) -> Names {
    match lang {
        Lang::En => Names {
            trend: "Trend",
            charts: "Charts",
            heading: "Total per period, a chart per subject; the dashed lines are the band points",
        },
        Lang::Zh => Names {
            trend: "趋势",
            charts: "图表",
            heading: "各期总分，每个考核对象一张图；虚线为绩效分档线",
        },
    }
}

/// The trend workbook being filled, a trend at a time.
pub struct TrendBook {
    workbook: Workbook,
    lang: Lang,
    /// The trend sheet being written, its next row, and its number (1, 2, …).
    sheet: usize,
    row: u32,
    sheets: usize,
    /// Widest cell of each column of the trend sheets, in terminal cells.
    widths: Vec<usize>,
    /// The chart sheet, its charts so far, and the trends left without one.
    charts_sheet: usize,
    charts: usize,
    left_out: usize,
}

impl TrendBook {
    pub fn begin(lang: Lang) -> io::Result<TrendBook> {
        let mut book = TrendBook {
            workbook: Workbook::new(),
            lang,
            sheet: 0,
            row: 0,
            sheets: 0,
            widths: first_columns(lang).iter().map(|h| h.width()).collect(),
            charts_sheet: 0,
            charts: 0,
            left_out: 0,
        };
        book.add_trend_sheet()?;
        let charts = book.workbook.add_worksheet();
        charts.set_name(names(lang).charts).map_err(xlsx_error)?;
        book.charts_sheet = book.workbook.worksheets().len() - 1;
        Ok(book)
    }

    fn add_trend_sheet(&mut self) -> io::Result<()> {
        self.sheets += 1;
        let name = match self.sheets {
            1 => names(self.lang).trend.to_string(),
            n => format!("{} {n}", names(self.lang).trend),
        };
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(name).map_err(xlsx_error)?;
        // The subject, id and name stay in view while the periods scroll.
        sheet.set_freeze_panes(0, 3).map_err(xlsx_error)?;
        self.sheet = self.workbook.worksheets().len() - 1;
        self.row = 0;
        Ok(())
    }

    fn widen(&mut self, col: usize, text: &str) {
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(text.width());
    }

    /// One trend: its block on the trend sheet, and its chart.
    pub fn trend(&mut self, def: &Scorecard, trend: &Trend) -> io::Result<()> {
        let rows = u32::try_from(def.indicators.len() + 4).unwrap_or(u32::MAX);
        if self.row > 0 && self.row.saturating_add(rows) > MAX_ROWS {
            self.add_trend_sheet()?;
        }
        self.table(def, trend)?;
        if self.charts < MAX_CHARTS {
            self.chart(def, trend)?;
            self.charts += 1;
        } else {
            self.left_out += 1;
        }
        Ok(())
    }

    fn table(&mut self, def: &Scorecard, trend: &Trend) -> io::Result<()> {
        let lang = self.lang;
        let subject = neutralise(&trend.subject).into_owned();
        let heading = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xF6F8FA));
        let plain_format = Format::new();
        let bold = Format::new().set_bold();
        let score = |band: Band, base: &Format| match band_fill(band) {
            Some(fill) => base
                .clone()
                .set_num_format("0.00")
                .set_background_color(fill),
            None => base.clone().set_num_format("0.00"),
        };
        let first_col = 3;
        let mut cells: Vec<(u16, String, Format)> = first_columns(lang)
            .iter()
            .zip(0..)
            .map(|(text, col)| (col, text.to_string(), heading.clone()))
            .collect();
        for (p, period) in trend.periods.iter().enumerate() {
            cells.push((column(first_col + p)?, period.clone(), heading.clone()));
        }
        self.texts(&cells)?;
        self.row += 1;
        for (indicator, scores) in def.indicators.iter().zip(&trend.scores) {
            let name = neutralise(indicator.display_name(lang)).into_owned();
            self.texts(&[
                (0, subject.clone(), plain_format.clone()),
                (1, indicator.id.clone(), plain_format.clone()),
                (2, name, plain_format.clone()),
            ])?;
            for (p, value) in scores.iter().enumerate() {
                if let Some((value, band)) = value {
                    self.number(first_col + p, *value, &score(*band, &plain_format))?;
                }
            }
            self.row += 1;
        }
        self.texts(&[
            (0, subject.clone(), bold.clone()),
            (1, "total".to_string(), bold.clone()),
            (2, words(lang).total.to_string(), bold.clone()),
        ])?;
        for (p, (total, band)) in trend.totals.iter().enumerate() {
            self.number(first_col + p, *total, &score(*band, &bold))?;
        }
        self.row += 1;
        self.texts(&[
            (0, subject, plain_format.clone()),
            (1, "change".to_string(), plain_format.clone()),
            (2, trend_words(lang).change.to_string(), plain_format),
        ])?;
        // A sign always, and the minus sign the other documents print.
        let change = Format::new().set_num_format("+0.00;\"−\"0.00;0.00");
        for (p, value) in trend.changes.iter().enumerate() {
            if let Some(value) = value {
                self.number(first_col + p, *value, &change)?;
            }
        }
        // The change row, and an empty one before the next block.
        self.row += 2;
        Ok(())
    }

    /// Text cells of the current row.
    fn texts(&mut self, cells: &[(u16, String, Format)]) -> io::Result<()> {
        let row = self.row;
        for (col, text, format) in cells {
            self.widen(usize::from(*col), text);
            self.workbook
                .worksheet_from_index(self.sheet)
                .map_err(xlsx_error)?
                .write_string_with_format(row, *col, text, format)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }

    /// A number of the current row, shown with 2 places.
    fn number(&mut self, col: usize, value: Decimal, format: &Format) -> io::Result<()> {
        self.widen(col, &format!("+{}", fixed(value, 2)));
        let row = self.row;
        self.workbook
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_error)?
            .write_number_with_format(row, column(col)?, double(value), format)
            .map_err(xlsx_error)?;
        Ok(())
    }

    /// The trend's block on the chart sheet: its title, periods, totals and band
    /// points, and a line chart of them.
    fn chart(&mut self, def: &Scorecard, trend: &Trend) -> io::Result<()> {
        let lang = self.lang;
        let sheet_name = names(lang).charts;
        // Row 0 holds the sheet's heading; blocks begin at row 2.
        let base = 2 + u32::try_from(self.charts).unwrap_or(u32::MAX / 2) * CHART_BLOCK;
        let count = trend.periods.len();
        let last = column(count)?;
        let bold = Format::new().set_bold();
        let bands = [
            (Band::Meets, def.bands.meets, 0xD4A72C),
            (Band::Exceeds, def.bands.exceeds, 0x218BFF),
            (Band::FarExceeds, def.bands.far_exceeds, 0x2DA44E),
        ];
        let sheet = self
            .workbook
            .worksheet_from_index(self.charts_sheet)
            .map_err(xlsx_error)?;
        sheet
            .write_string_with_format(base, 0, neutralise(&title(def, trend, lang)), &bold)
            .map_err(xlsx_error)?;
        sheet
            .write_string_with_format(base + 2, 0, words(lang).total, &bold)
            .map_err(xlsx_error)?;
        for (p, (period, (total, band))) in trend.periods.iter().zip(&trend.totals).enumerate() {
            let col = column(p + 1)?;
            sheet
                .write_string_with_format(base + 1, col, period, &bold)
                .map_err(xlsx_error)?;
            let format = match band_fill(*band) {
                Some(fill) => Format::new()
                    .set_num_format("0.00")
                    .set_background_color(fill),
                None => Format::new().set_num_format("0.00"),
            };
            sheet
                .write_number_with_format(base + 2, col, double(*total), &format)
                .map_err(xlsx_error)?;
            for (row, (_, points, _)) in (base + 3..).zip(&bands) {
                sheet
                    .write_number(row, col, double(*points))
                    .map_err(xlsx_error)?;
            }
        }
        for (row, (band, points, _)) in (base + 3..).zip(&bands) {
            let label = format!("{} ({})", band.label(lang), plain(*points));
            sheet.write_string(row, 0, label).map_err(xlsx_error)?;
        }

        let mut chart = Chart::new(ChartType::Line);
        // The title is long (scorecard · subject · periods): smaller than Excel's 14pt.
        chart
            .title()
            .set_name((sheet_name, base, 0))
            .set_font(ChartFont::new().set_size(11));
        chart
            .add_series()
            .set_name((sheet_name, base + 2, 0))
            .set_categories((sheet_name, base + 1, 1, base + 1, last))
            .set_values((sheet_name, base + 2, 1, base + 2, last))
            .set_format(
                ChartLine::new()
                    .set_color(Color::RGB(0x0550AE))
                    .set_width(2.25),
            )
            .set_marker(ChartMarker::new().set_type(ChartMarkerType::Circle))
            .set_data_label(
                ChartDataLabel::new()
                    .show_value()
                    .set_num_format("0.00")
                    .set_position(rust_xlsxwriter::ChartDataLabelPosition::Above),
            );
        for (row, (_, _, color)) in (base + 3..).zip(&bands) {
            chart
                .add_series()
                .set_name((sheet_name, row, 0))
                .set_categories((sheet_name, base + 1, 1, base + 1, last))
                .set_values((sheet_name, row, 1, row, last))
                .set_format(
                    ChartLine::new()
                        .set_color(Color::RGB(*color))
                        .set_width(1)
                        .set_dash_type(ChartLineDashType::Dash),
                )
                .set_marker(ChartMarker::new().set_none());
        }
        chart.y_axis().set_min(0).set_max(100).set_major_unit(10);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        let width = u32::try_from(count.saturating_mul(56))
            .unwrap_or(u32::MAX)
            .clamp(480, 1400);
        chart.set_width(width).set_height(288);
        sheet
            .insert_chart(base + 6, 0, &chart)
            .map_err(xlsx_error)?;
        Ok(())
    }

    pub fn end(mut self, out: &mut dyn Write) -> io::Result<()> {
        let lang = self.lang;
        let trend_sheets: Vec<usize> = (0..self.workbook.worksheets().len())
            .filter(|index| *index != self.charts_sheet)
            .collect();
        for index in trend_sheets {
            let sheet = self
                .workbook
                .worksheet_from_index(index)
                .map_err(xlsx_error)?;
            for (col, width) in self.widths.iter().enumerate() {
                sheet
                    .set_column_width(column(col)?, (*width as f64 + 2.0).min(60.0))
                    .map_err(xlsx_error)?;
            }
        }
        let mut heading = names(lang).heading.to_string();
        if self.left_out > 0 {
            heading.push_str(&match lang {
                Lang::En => format!(
                    " (the first {MAX_CHARTS}; {} more are on the {} sheet only)",
                    self.left_out,
                    names(lang).trend
                ),
                Lang::Zh => format!(
                    "（仅前 {MAX_CHARTS} 个；其余 {} 个只在“{}”表中）",
                    self.left_out,
                    names(lang).trend
                ),
            });
        }
        let charts = self
            .workbook
            .worksheet_from_index(self.charts_sheet)
            .map_err(xlsx_error)?;
        charts
            .write_string_with_format(0, 0, heading, &Format::new().set_bold())
            .map_err(xlsx_error)?;
        charts.set_column_width(0, 24).map_err(xlsx_error)?;
        // Assembled in a temporary file, not in memory, then copied out.
        let mut file = tempfile::tempfile()?;
        self.workbook
            .save_to_writer(&mut file)
            .map_err(xlsx_error)?;
        std::io::Seek::rewind(&mut file)?;
        io::copy(&mut file, out)?;
        Ok(())
    }
}

/// The headers of the columns before the periods: subject, indicator id, indicator,
/// as the score workbook words them.
fn first_columns(lang: Lang) -> [&'static str; 3] {
    let words = header(lang);
    [words[0], words[2], words[3]]
}

/// A column number, or the error that the sheet has no such column.
fn column(col: usize) -> io::Result<u16> {
    u16::try_from(col)
        .ok()
        .filter(|c| *c < 16_384)
        .ok_or_else(|| {
            io::Error::other("cannot build the workbook: more periods than a sheet has columns")
        })
}
