//! Excel workbook (SPEC §7): one sheet of every scorecard laid out like the CSV but in
//! the `--lang` language (headers, indicator names, bands, Total; targets and actuals
//! shown with their unit), with the header frozen, band cells filled in band colours,
//! fixed decimals, widths that fit Chinese text, and each total a `SUM` of its points
//! with the value cached.
//!
//! A spreadsheet cell holds a binary float: that is the file format's, not ours. Each
//! number is written as the double nearest its exact decimal, and shown with the same
//! fixed places, so what Excel displays is what `kpi` computed.

use std::io::{self, Write};

use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, Formula, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use super::csv::neutralise;
use crate::model::{Band, Indicator, Lang, Scorecard};
use crate::num::{fixed, plain};
use crate::score::ScoredCard;

pub(crate) fn xlsx_error(e: XlsxError) -> io::Error {
    io::Error::other(format!("cannot build the workbook: {e}"))
}

/// The workbook being filled, a card at a time, in constant memory: each row goes
/// to a temporary file as the next begins. A sheet holds 1,048,576 rows; past that
/// the cards continue on another sheet (a card is never split).
pub struct Sheet {
    workbook: Workbook,
    lang: Lang,
    /// The sheet being written, and its next row.
    sheet: usize,
    row: u32,
    /// Widest cell of each column, in terminal cells (CJK counting two).
    widths: [usize; 10],
}

/// The header row, in the CSV's order.
pub(crate) fn header(lang: Lang) -> [&'static str; 10] {
    match lang {
        Lang::En => [
            "Subject",
            "Period",
            "Indicator ID",
            "Indicator",
            "Target",
            "Actual",
            "Band",
            "Score",
            "Weight",
            "Points",
        ],
        Lang::Zh => [
            "考核对象",
            "期间",
            "指标编号",
            "指标",
            "目标",
            "实际",
            "绩效",
            "分数",
            "权重",
            "得分",
        ],
    }
}

/// A number format that shows a value with its unit and keeps the cell a number:
/// `General"%"` (a literal %, not Excel's × 100), `General" 次/台"`.
pub(crate) fn unit_format(unit: &str) -> String {
    // A quote or backslash cannot stand inside a quoted literal of a number format.
    let unit: String = unit.chars().filter(|c| !matches!(c, '"' | '\\')).collect();
    match unit.as_str() {
        "" => "General".to_string(),
        "%" => "General\"%\"".to_string(),
        unit => format!("General\" {unit}\""),
    }
}

/// Rows in a worksheet, Excel's limit.
pub(crate) const MAX_ROWS: u32 = 1_048_576;

pub(crate) fn band_fill(band: Band) -> Option<Color> {
    match band {
        Band::FarExceeds => Some(Color::RGB(0xC7EECF)),
        Band::Exceeds => Some(Color::RGB(0xCDE8F6)),
        Band::Meets => Some(Color::RGB(0xFBEFC4)),
        Band::Below => Some(Color::RGB(0xF8D0CD)),
        Band::Missing | Band::NotAssessed => None,
    }
}

/// The double nearest an exact decimal (the file format stores doubles).
pub(crate) fn double(value: Decimal) -> f64 {
    plain(value).parse().unwrap_or_default()
}

impl Sheet {
    pub fn begin(lang: Lang) -> io::Result<Sheet> {
        let mut widths = [0; 10];
        for (w, header) in widths.iter_mut().zip(header(lang)) {
            *w = header.width();
        }
        let mut sheet = Sheet {
            workbook: Workbook::new(),
            lang,
            sheet: 0,
            row: 0,
            widths,
        };
        sheet.add_sheet()?;
        Ok(sheet)
    }

    /// A new sheet, with the header frozen at its top.
    fn add_sheet(&mut self) -> io::Result<()> {
        let count = self.workbook.worksheets().len();
        let name = if count == 0 {
            "kpi".to_string()
        } else {
            format!("kpi {}", count + 1)
        };
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(name).map_err(xlsx_error)?;
        let bold = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xF6F8FA));
        for (col, header) in header(self.lang).iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *header, &bold)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        self.sheet = count;
        self.row = 1;
        Ok(())
    }

    fn worksheet(&mut self) -> io::Result<&mut Worksheet> {
        self.workbook
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_error)
    }

    fn text(&mut self, col: usize, text: &str, format: &Format) -> io::Result<()> {
        self.widths[col] = self.widths[col].max(text.width());
        let row = self.row;
        self.worksheet()?
            .write_string_with_format(row, col as u16, text, format)
            .map_err(xlsx_error)?;
        Ok(())
    }

    /// A number with fixed `places`, or as it is with its `unit`.
    fn number(
        &mut self,
        col: usize,
        value: Option<Decimal>,
        places: Result<u32, &str>,
    ) -> io::Result<()> {
        let Some(value) = value else { return Ok(()) };
        let (shown, format) = match places {
            Ok(dp) => (fixed(value, dp), Format::new().set_num_format("0.00")),
            Err(unit) => (
                super::with_unit(value, unit),
                Format::new().set_num_format(unit_format(unit)),
            ),
        };
        self.widths[col] = self.widths[col].max(shown.len());
        let row = self.row;
        self.worksheet()?
            .write_number_with_format(row, col as u16, double(value), &format)
            .map_err(xlsx_error)?;
        Ok(())
    }

    pub fn card(&mut self, def: &Scorecard, card: &ScoredCard) -> io::Result<()> {
        let rows = u32::try_from(def.indicators.len() + 1).unwrap_or(u32::MAX);
        if self.row.saturating_add(rows) > MAX_ROWS {
            self.add_sheet()?;
        }
        let plain_format = Format::new();
        let subject = neutralise(&card.subject).into_owned();
        let first = self.row;
        let lang = self.lang;
        for (indicator, line) in def.indicators.iter().zip(&card.score.indicators) {
            let unit = Indicator::unit_in(indicator, Some(lang));
            self.text(0, &subject, &plain_format)?;
            self.text(1, &card.period, &plain_format)?;
            self.text(2, &indicator.id, &plain_format)?;
            self.text(3, &neutralise(indicator.display_name(lang)), &plain_format)?;
            self.number(4, line.target, Err(unit))?;
            self.number(5, line.actual, Err(unit))?;
            let band = match band_fill(line.band) {
                Some(fill) => Format::new().set_background_color(fill),
                None => plain_format.clone(),
            };
            self.text(6, line.band.label(lang), &band)?;
            self.number(7, line.score, Ok(2))?;
            self.number(8, line.effective_weight, Ok(2))?;
            self.number(9, line.points, Ok(2))?;
            self.row += 1;
        }
        let bold = Format::new().set_bold();
        self.text(0, &subject, &bold)?;
        self.text(1, &card.period, &bold)?;
        self.text(2, "total", &bold)?;
        self.text(3, super::words(lang).total, &bold)?;
        let band = match band_fill(card.score.band) {
            Some(fill) => bold.clone().set_background_color(fill),
            None => bold.clone(),
        };
        self.text(6, card.score.band.label(lang), &band)?;
        let two = bold
            .clone()
            .set_num_format("0.00")
            .set_align(FormatAlign::Right);
        let row = self.row;
        self.worksheet()?
            .write_number_with_format(row, 8, 100.0, &two)
            .map_err(xlsx_error)?;
        // The total is the sum of the points as printed, so the formula recalculates to
        // the same number; its value is cached for readers that do not calculate.
        let (top, bottom) = (first + 1, self.row); // 1-based rows of the points
        let formula =
            Formula::new(format!("=SUM(J{top}:J{bottom})")).set_result(fixed(card.score.total, 2));
        self.worksheet()?
            .write_formula_with_format(row, 9, formula, &two)
            .map_err(xlsx_error)?;
        self.row += 1;
        Ok(())
    }

    pub fn end(mut self, out: &mut dyn Write) -> io::Result<()> {
        for index in 0..self.workbook.worksheets().len() {
            let sheet = self
                .workbook
                .worksheet_from_index(index)
                .map_err(xlsx_error)?;
            for (col, width) in self.widths.iter().enumerate() {
                sheet
                    .set_column_width(col as u16, (*width as f64 + 2.0).min(60.0))
                    .map_err(xlsx_error)?;
            }
        }
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
