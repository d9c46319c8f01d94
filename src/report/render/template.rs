//! The data-entry form of `kpi template`, as CSV or as a workbook, in the language of
//! the people who fill it in. Its columns are the long layout of SPEC §5 — subject,
//! period, indicator, unit, target, actual — so that, filled in, it is scored as it is.
//!
//! In the workbook the actual cells are *text* cells. What a person types there is
//! kept exactly as typed, and kpi reads it by the rules of SPEC §3: `95` and `95%` are
//! both 95% for a `%` indicator, `0.88` is 0.88%, `171/180` stays a ratio. A number or
//! percentage format would let the spreadsheet rewrite the input first: a percent
//! format turns a typed `0.88` into 88% (Excel multiplies entries below 1 by 100), a
//! number format turns `1/2` into a date. A data validation flags what kpi cannot read
//! (a warning, which the person may overrule: the formula only approximates §3, and
//! `kpi check` has the last word). A second sheet holds the thresholds in force in the
//! layout of a targets file (SPEC §2.4).

use std::io::{self, Write};

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, Formula, IgnoreError, Workbook,
    Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::csv::{field, neutralise};
use super::xlsx::{MAX_ROWS, double, unit_format};
use crate::model::{Indicator, Lang, PeriodKind};
use crate::num::plain;
use crate::read::value::normalise_width;
use crate::report::template::Form;

/// The encoding of a CSV form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8, after a byte order mark when `bom` (Excel then reads it as UTF-8).
    Utf8 { bom: bool },
    /// What Excel on Chinese Windows reads and writes without being asked.
    Gb18030,
}

/// The form's header: subject (when the form has one), period, indicator, unit,
/// target, actual — each a name kpi's reader recognises (SPEC §5).
pub fn header(lang: Lang, has_subject: bool) -> Vec<&'static str> {
    let words = match lang {
        Lang::En => ["subject", "period", "indicator", "unit", "target", "actual"],
        Lang::Zh => ["考核对象", "期间", "指标", "单位", "目标", "实际"],
    };
    let skip = usize::from(!has_subject);
    words[skip..].to_vec()
}

/// The thresholds sheet's header, in the words of a targets file (SPEC §2.4).
pub fn thresholds_header(lang: Lang) -> [&'static str; 8] {
    match lang {
        Lang::En => [
            "subject",
            "indicator",
            "period",
            "worst",
            "target",
            "exceeds",
            "far_exceeds",
            "best",
        ],
        Lang::Zh => [
            "考核对象",
            "指标",
            "期间",
            "最差",
            "目标",
            "超过目标",
            "远超目标",
            "最佳",
        ],
    }
}

/// The sheets' names: the form first (the sheet `kpi score` reads), then the
/// thresholds.
pub fn sheet_names(lang: Lang) -> [&'static str; 2] {
    match lang {
        Lang::En => ["Actuals", "Targets"],
        Lang::Zh => ["考核数据", "考核目标"],
    }
}

/// A kind of period as a targets file's `period` cell names it (SPEC §5 spellings).
pub fn kind_word(kind: PeriodKind, lang: Lang) -> &'static str {
    match (lang, kind) {
        (Lang::En, kind) => kind.key(),
        (Lang::Zh, PeriodKind::Month) => "月度",
        (Lang::Zh, PeriodKind::Quarter) => "季度",
        (Lang::Zh, PeriodKind::Half) => "半年度",
        (Lang::Zh, PeriodKind::Year) => "年度",
    }
}

/// How the form names an indicator: its display name, unless that would have to be
/// guarded against formula injection in CSV (a name starting with `=`, `+`, `-`, `@`),
/// where the guarded name would no longer match: then its id.
fn csv_indicator(indicator: &Indicator, lang: Lang) -> &str {
    let name = indicator.display_name(lang);
    if neutralise(name).len() == name.len() {
        name
    } else {
        &indicator.id
    }
}

/// Writes the form as CSV: the header, then one line per row with the actual left
/// empty. Text cells that a spreadsheet would run as a formula are guarded with `'`,
/// as in kpi's CSV output.
pub fn csv(
    form: &Form<'_>,
    lang: Lang,
    encoding: CsvEncoding,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut write = |text: &str| -> io::Result<()> {
        match encoding {
            CsvEncoding::Utf8 { .. } => out.write_all(text.as_bytes()),
            CsvEncoding::Gb18030 => out.write_all(&encoding_rs::GB18030.encode(text).0),
        }
    };
    if encoding == (CsvEncoding::Utf8 { bom: true }) {
        write("\u{FEFF}")?;
    }
    let mut line = header(lang, form.has_subject()).join(",");
    line.push('\n');
    write(&line)?;
    for row in form.rows() {
        line.clear();
        if form.has_subject() {
            line.push_str(&field(&neutralise(row.subject)));
            line.push(',');
        }
        line.push_str(&row.period.to_string());
        line.push(',');
        line.push_str(&field(csv_indicator(row.indicator, lang)));
        line.push(',');
        line.push_str(&field(&neutralise(row.indicator.unit_in(Some(lang)))));
        line.push(',');
        line.push_str(&plain(row.target));
        line.push_str(",\n");
        write(&line)?;
    }
    Ok(())
}

fn xlsx_error(e: XlsxError) -> io::Error {
    io::Error::other(format!("cannot build the workbook: {e}"))
}

/// The most rows a form may have: a sheet's rows under its header.
pub const MAX_FORM_ROWS: usize = MAX_ROWS as usize - 1;

/// Excel's limit on the length of a data validation formula.
const MAX_VALIDATION_FORMULA: usize = 255;

/// The column letters of a 0-based column (forms have at most six columns).
fn column_letter(col: u16) -> char {
    char::from(b'A' + col as u8)
}

/// A string literal in a spreadsheet formula.
fn literal(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The data validation formula for the actual cell `cell` (the first of the column;
/// the spreadsheet moves it down row by row): true for what kpi reads as a value by
/// SPEC §3, false for most of what it does not. `ASC` turns full-width forms into
/// ASCII (§3 rule 1); the indicators' units are taken off (rule 3; `%` needs no
/// help: `VALUE("95%")` is 0.95); then a number or percentage (`VALUE`), a ratio
/// `a/b` with b not 0, or a mark for no value. `VALUE` is more lenient than §3 (it
/// takes dates, and units of other indicators are taken off too): the formula is a
/// first check where the value is typed, not the reader's rules.
pub fn validation_formula(form: &Form<'_>, cell: &str) -> String {
    let mut units: Vec<String> = form
        .def
        .indicators
        .iter()
        .map(|i| normalise_width(&i.unit).trim().to_string())
        .filter(|u| !u.is_empty() && u != "%")
        .collect();
    // Longer units first, so that `次/台` goes before `次` can cut it.
    units.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    units.dedup();
    let typed = format!("ASC({cell})");
    let build = |units: &[String]| {
        let mut number = typed.clone();
        for unit in units {
            number = format!("SUBSTITUTE({number},{},\"\")", literal(unit));
        }
        format!(
            "OR(ISNUMBER(VALUE({number})),\
             ISNUMBER(VALUE(LEFT({typed},FIND(\"/\",{typed})-1))/VALUE(MID({typed},FIND(\"/\",{typed})+1,99))),\
             TRIM({typed})=\"-\",TRIM({typed})=\"—\",TRIM({typed})=\"n/a\")"
        )
    };
    // Past Excel's limit, the shortest units are given up: a value typed with one
    // of them is then flagged, though kpi reads it.
    let mut formula = build(&units);
    while formula.chars().count() > MAX_VALIDATION_FORMULA && !units.is_empty() {
        units.pop();
        formula = build(&units);
    }
    formula
}

/// What the actual cells say when selected, and when what was typed is not a value.
struct Messages {
    input_title: &'static str,
    input: &'static str,
    error_title: &'static str,
    error: &'static str,
}

fn messages(lang: Lang) -> Messages {
    match lang {
        Lang::En => Messages {
            input_title: "Actual value",
            input: "A number (96.5, 1,234.5), a percentage or a ratio (171/180). \
                    For a % indicator, 95 and 95% both mean 95%, and 0.88 means 0.88%. \
                    A unit after the number may stay (2.7次/台). \
                    Empty or - : no value.",
            error_title: "Not a value kpi reads",
            error: "kpi reads a number (96.5, 1,234.5), a percentage (95%), a ratio \
                    (171/180), or - or an empty cell for no value. Keep this entry anyway?",
        },
        Lang::Zh => Messages {
            input_title: "实际值",
            input: "填数字（96.5、1,234.5）、百分数或比值（171/180）。\
                    单位为 % 的指标，95 与 95% 都是 95%，0.88 即 0.88%。\
                    数字后可带单位（2.7次/台）。留空或填 - 表示无数据。",
            error_title: "kpi 无法读取此值",
            error: "kpi 能读取数字（96.5、1,234.5）、百分数（95%）、比值（171/180），\
                    留空或填 - 表示无数据。仍要保留此输入吗？",
        },
    }
}

/// Widest text of each column, in terminal cells (CJK counting two), as a column
/// width with room to spare.
fn width(cells: usize) -> f64 {
    (cells as f64 + 2.0).min(60.0)
}

/// Writes the form as a workbook: the form's sheet (header frozen, text cells to
/// fill in, with their validation), then the thresholds sheet.
pub fn xlsx(form: &Form<'_>, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let rows = form.len();
    if rows > MAX_FORM_ROWS {
        return Err(io::Error::other(format!(
            "the form has {rows} rows, more than a sheet holds under its header ({MAX_FORM_ROWS})"
        )));
    }
    let mut workbook = Workbook::new();
    let [form_name, thresholds_name] = sheet_names(lang);
    let bold = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF6F8FA));
    {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(form_name).map_err(xlsx_error)?;
        form_sheet(sheet, form, lang, &bold)?;
    }
    {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(thresholds_name).map_err(xlsx_error)?;
        thresholds_sheet(sheet, form, lang, &bold)?;
    }
    // Assembled in a temporary file, not in memory, then copied out.
    let mut file = tempfile::tempfile()?;
    workbook.save_to_writer(&mut file).map_err(xlsx_error)?;
    io::Seek::rewind(&mut file)?;
    io::copy(&mut file, out)?;
    Ok(())
}

/// A text cell, guarded with the quote prefix where a spreadsheet would take it for
/// a formula once edited (the text itself is kept: kpi reads it back unchanged).
fn text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    plain: &Format,
    quoted: &Format,
) -> io::Result<()> {
    let format = if neutralise(text).len() == text.len() {
        plain
    } else {
        quoted
    };
    sheet
        .write_string_with_format(row, col, text, format)
        .map_err(xlsx_error)?;
    Ok(())
}

/// A number shown with its unit (`95%` with a literal `%`, `3 次/台`), or nothing.
fn number(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<Decimal>,
    unit: &str,
) -> io::Result<()> {
    if let Some(value) = value {
        let format = Format::new().set_num_format(unit_format(unit));
        sheet
            .write_number_with_format(row, col, double(value), &format)
            .map_err(xlsx_error)?;
    }
    Ok(())
}

fn form_sheet(sheet: &mut Worksheet, form: &Form<'_>, lang: Lang, bold: &Format) -> io::Result<()> {
    let header = header(lang, form.has_subject());
    let first = u16::from(!form.has_subject()); // column of `subject` in the full layout
    let col = |full: u16| full - first;
    let (period_col, indicator_col, unit_col, target_col, actual_col) =
        (col(1), col(2), col(3), col(4), col(5));
    // Widths first: a sheet in constant memory is written row by row.
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in form.rows() {
        let unit = row.indicator.unit_in(Some(lang));
        let cells = [
            row.subject.width(),
            row.period.to_string().len(),
            row.indicator.display_name(lang).width(),
            unit.width(),
            super::with_unit(row.target, unit).width(),
        ];
        for (w, cell) in widths.iter_mut().zip(&cells[usize::from(first)..]) {
            *w = (*w).max(*cell);
        }
    }
    // Room to type in the actual column.
    if let Some(w) = widths.get_mut(usize::from(actual_col)) {
        *w = (*w).max(12);
    }
    for (c, w) in widths.iter().enumerate() {
        sheet
            .set_column_width(c as u16, width(*w))
            .map_err(xlsx_error)?;
    }
    let fill_in = Format::new()
        .set_num_format("@")
        .set_background_color(Color::RGB(0xFFF8DC));
    sheet
        .set_column_format(actual_col, &Format::new().set_num_format("@"))
        .map_err(xlsx_error)?;
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, bold)
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    let plain_text = Format::new();
    let quoted = Format::new().set_quote_prefix();
    let mut r = 0u32;
    for row in form.rows() {
        r += 1;
        if form.has_subject() {
            text(sheet, r, 0, row.subject, &plain_text, &quoted)?;
        }
        let unit = row.indicator.unit_in(Some(lang));
        text(
            sheet,
            r,
            period_col,
            &row.period.to_string(),
            &plain_text,
            &quoted,
        )?;
        text(
            sheet,
            r,
            indicator_col,
            row.indicator.display_name(lang),
            &plain_text,
            &quoted,
        )?;
        text(sheet, r, unit_col, unit, &plain_text, &quoted)?;
        number(sheet, r, target_col, Some(row.target), unit)?;
        sheet
            .write_blank(r, actual_col, &fill_in)
            .map_err(xlsx_error)?;
    }
    if r == 0 {
        return Ok(());
    }
    // Text that looks like a number is what these cells are for: no green triangles.
    sheet
        .ignore_error_range(
            1,
            actual_col,
            r,
            actual_col,
            IgnoreError::NumberStoredAsText,
        )
        .map_err(xlsx_error)?;
    let first_cell = format!("{}2", column_letter(actual_col));
    let words = messages(lang);
    let validation = DataValidation::new()
        .allow_custom(Formula::new(format!(
            "={}",
            validation_formula(form, &first_cell)
        )))
        .ignore_blank(true)
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_input_title(words.input_title)
        .and_then(|v| v.set_input_message(words.input))
        .and_then(|v| v.set_error_title(words.error_title))
        .and_then(|v| v.set_error_message(words.error))
        .map_err(xlsx_error)?;
    sheet
        .add_data_validation(1, actual_col, r, actual_col, &validation)
        .map_err(xlsx_error)?;
    Ok(())
}

fn thresholds_sheet(
    sheet: &mut Worksheet,
    form: &Form<'_>,
    lang: Lang,
    bold: &Format,
) -> io::Result<()> {
    let header = thresholds_header(lang);
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in form.thresholds() {
        let unit = row.indicator.unit_in(Some(lang));
        let t = row.thresholds;
        let shown = |v: Option<Decimal>| v.map_or(0, |v| super::with_unit(v, unit).width());
        let cells = [
            row.subject.width(),
            row.indicator.display_name(lang).width(),
            kind_word(row.kind, lang).width(),
            shown(t.worst),
            shown(Some(t.target)),
            shown(t.exceeds),
            shown(t.far_exceeds),
            shown(t.best),
        ];
        for (w, cell) in widths.iter_mut().zip(cells) {
            *w = (*w).max(cell);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet
            .set_column_width(c as u16, width(*w))
            .map_err(xlsx_error)?;
    }
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, bold)
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    let plain_text = Format::new();
    let quoted = Format::new().set_quote_prefix();
    let mut r = 0u32;
    for row in form.thresholds() {
        r += 1;
        let unit = row.indicator.unit_in(Some(lang));
        let t = row.thresholds;
        text(sheet, r, 0, row.subject, &plain_text, &quoted)?;
        text(
            sheet,
            r,
            1,
            row.indicator.display_name(lang),
            &plain_text,
            &quoted,
        )?;
        text(sheet, r, 2, kind_word(row.kind, lang), &plain_text, &quoted)?;
        for (c, value) in [t.worst, Some(t.target), t.exceeds, t.far_exceeds, t.best]
            .into_iter()
            .enumerate()
        {
            number(sheet, r, 3 + c as u16, value, unit)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Period;
    use crate::read::config::{BUILTIN, parse};

    fn builtin() -> crate::model::Scorecard {
        parse(BUILTIN, "builtin").expect("the built-in scorecard")
    }

    fn csv_text(form: &Form<'_>, lang: Lang) -> String {
        let mut out = Vec::new();
        csv(form, lang, CsvEncoding::Utf8 { bom: false }, &mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn the_csv_form_is_the_long_layout_with_empty_actuals() {
        let def = builtin();
        let period = Period::parse("2026-11").expect("a label");
        let form = Form::new(&def, &["华东办事处".to_string()], &[period]);
        let text = csv_text(&form, Lang::Zh);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "考核对象,期间,指标,单位,目标,实际");
        assert_eq!(lines[1], "华东办事处,2026-11,服务费用率,%,0.92,");
        assert_eq!(lines[2], "华东办事处,2026-11,保修期服务平均次数,次/台,3,");
        assert_eq!(lines.len(), 10);
        let en = csv_text(&form, Lang::En);
        let lines: Vec<&str> = en.lines().collect();
        assert_eq!(lines[0], "subject,period,indicator,unit,target,actual");
        assert_eq!(
            lines[2],
            "华东办事处,2026-11,Service calls per unit in warranty,calls/unit,3,"
        );
        assert!(lines.contains(&"华东办事处,2026-11,Customer complaints,,0,"));
    }

    #[test]
    fn without_subjects_the_form_has_no_subject_column() {
        let def = builtin();
        let period = Period::parse("2026-Q3").expect("a label");
        let form = Form::new(&def, &[], &[period]);
        let text = csv_text(&form, Lang::En);
        assert!(text.starts_with(
            "period,indicator,unit,target,actual\n2026-Q3,Service cost rate,%,0.92,\n"
        ));
        assert_eq!(text.lines().count(), 12);
    }

    #[test]
    fn byte_order_mark_and_gb18030() {
        let def = builtin();
        let period = Period::parse("2026-11").expect("a label");
        let form = Form::new(&def, &["华东办事处".to_string()], &[period]);
        let mut with_bom = Vec::new();
        csv(
            &form,
            Lang::Zh,
            CsvEncoding::Utf8 { bom: true },
            &mut with_bom,
        )
        .expect("writing");
        assert!(with_bom.starts_with("\u{FEFF}考核对象".as_bytes()));
        let mut gb = Vec::new();
        csv(&form, Lang::Zh, CsvEncoding::Gb18030, &mut gb).expect("writing");
        let (decoded, _, errors) = encoding_rs::GB18030.decode(&gb);
        assert!(!errors);
        assert_eq!(decoded, csv_text(&form, Lang::Zh));
        assert!(std::str::from_utf8(&gb).is_err(), "not UTF-8");
    }

    #[test]
    fn formula_like_text_is_guarded_and_an_indicator_keeps_a_name_that_matches() {
        let toml = BUILTIN.replace("name = \"客户投诉量\"", "name = \"-客户投诉量\"");
        let def = parse(&toml, "kpi.toml").expect("a scorecard");
        let period = Period::parse("2026-11").expect("a label");
        let form = Form::new(&def, &["=1+1".to_string()], &[period]);
        let text = csv_text(&form, Lang::Zh);
        assert!(text.contains("'=1+1,2026-11,complaints,次,0,"), "{text}");
    }

    #[test]
    fn the_validation_formula_takes_off_the_units_longest_first() {
        let def = builtin();
        let form = Form::new(&def, &[], &[]);
        let formula = validation_formula(&form, "F2");
        assert!(
            formula.starts_with(
                "OR(ISNUMBER(VALUE(SUBSTITUTE(SUBSTITUTE(ASC(F2),\"次/台\",\"\"),\"次\",\"\"))),"
            ),
            "{formula}"
        );
        assert!(formula.chars().count() <= MAX_VALIDATION_FORMULA);
    }

    #[test]
    fn a_validation_formula_past_excels_limit_gives_up_units() {
        let mut def = builtin();
        for (n, indicator) in def.indicators.iter_mut().enumerate() {
            indicator.unit = format!("unit number {n} of a long list");
        }
        let form = Form::new(&def, &[], &[]);
        let formula = validation_formula(&form, "F1048576");
        assert!(
            formula.chars().count() <= MAX_VALIDATION_FORMULA,
            "{formula}"
        );
        assert!(formula.contains("ISNUMBER(VALUE("));
    }
}
