//! The one reader of data files (SPEC §5): text in any encoding, read as it streams,
//! long and wide layouts, header aliases, indicators by id or name, period labels.
//! Every cell becomes a row record with its location, handed on as it is read; every
//! problem is located at its file, line and column. Workbooks come here too, as the
//! CSV text of their sheet.
//!
//! Memory does not grow with the file: the text is decoded in blocks, and only the
//! record being read is kept (for the columns of its cells).

use std::collections::HashMap;
use std::io::{self, Read};

use csv::ByteRecord;
use rust_decimal::Decimal;

use crate::diag::{Diagnostic, MAX_PROBLEMS, did_you_mean, quoted};
use crate::model::{Column, Lang, PeriodKind, Scorecard};
use crate::period::Period;
use crate::read::encoding::Encoding;
use crate::read::header::{HeaderCell, Role, classify, is_long};
use crate::read::text::{Chosen, Records, Row};
pub use crate::read::text::{Loc, read_error};
use crate::read::value::{Value, parse_value};
use crate::targets::SubjectTargets;

/// How data files are read, resolved from the command line.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub encoding: Option<Encoding>,
    pub delimiter: Option<u8>,
    /// `--period KIND`: the kind of cards to score.
    pub period: Option<PeriodKind>,
    /// `--period all`: every card the data supports, which needs period labels.
    pub all_periods: bool,
    pub ignore_unknown: bool,
    /// The language messages name an indicator in when the file does not name it.
    pub lang: Lang,
}

/// One indicator's cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// `None`: no value (an empty cell, `-`, `n/a`), or a cell that did not parse.
    pub value: Option<Value>,
    /// The cell did not parse; an error has been reported for it already.
    pub invalid: bool,
    pub loc: Loc,
}

/// One cell of a data row, with the card it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    pub subject: &'a str,
    /// The period label, normalised; `None` when the file has no period column.
    pub period: Option<Period>,
    pub kind: PeriodKind,
    pub indicator: usize,
    pub observation: Observation,
    /// Where the row starts (column 1).
    pub row: Loc,
    /// The row is of a wide file: its cells stand or fall together.
    pub wide: bool,
}

/// What reading one file found besides its records.
#[derive(Debug, Default)]
pub struct FileRead {
    /// At most `MAX_PROBLEMS`, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems past those, counted.
    pub unlisted: usize,
    /// No card may come from this file (a header problem, text that cannot be
    /// decoded): records it handed on before that was known are to be dropped.
    pub rejected: bool,
    /// Per indicator, the first text of the file that named it (a header cell, or an
    /// indicator cell of a long file), for messages in the user's words.
    pub named: Vec<Option<String>>,
}

/// Reads one data file, handing each cell on to `emit` as it is read.
pub fn read(
    def: &Scorecard,
    targets: Option<&SubjectTargets>,
    path: &str,
    file: usize,
    input: &mut dyn Read,
    options: &ReadOptions,
    emit: &mut dyn FnMut(Record<'_>),
) -> FileRead {
    let mut problems = Problems {
        path,
        list: Vec::new(),
        suppressed: 0,
    };
    let records = match Records::open(input, options.encoding, options.delimiter, file) {
        Ok(records) => records,
        Err(e) => {
            problems.list.push(read_error(path, &e));
            return problems.finish(true, Vec::new());
        }
    };
    let (encoding, chosen) = (records.encoding(), records.chosen());
    let mut reader = FileReader {
        def,
        subject_targets: targets,
        options,
        guessed_gb18030: chosen == Chosen::Detected && encoding == Encoding::Gb18030,
        records,
        problems,
        header: None,
        header_ok: true,
        not_kpi_data: false,
        fractions: Fractions::new(def),
        targets: TargetCells::new(def),
        names: Vec::new(),
        named: vec![None; def.indicators.len()],
        unknown_names: 0,
        last_name: 0,
        periods: Vec::new(),
        last_period: 0,
        period_problem: false,
        all_periods_problem: false,
        latin_warned: false,
        unheaded_reported: Vec::new(),
    };
    let rejected = match reader.run(emit) {
        Ok(()) => !reader.header_ok,
        Err(e) => {
            let problem = reader
                .records
                .undecodable(path)
                .unwrap_or_else(|| read_error(path, &e));
            reader.problems.list.push(problem);
            true
        }
    };
    reader.unknown_name_problems();
    if !rejected {
        reader.fraction_warnings();
        reader.target_warnings();
    }
    let named = std::mem::take(&mut reader.named);
    reader.problems.finish(rejected, named)
}

struct Problems<'a> {
    path: &'a str,
    list: Vec<Diagnostic>,
    /// Problems past `MAX_PROBLEMS`, counted.
    suppressed: usize,
}

impl Problems<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        if self.list.len() >= MAX_PROBLEMS {
            self.suppressed += 1;
        } else {
            self.list.push(diagnostic);
        }
    }

    fn is_full(&self) -> bool {
        self.list.len() >= MAX_PROBLEMS
    }

    fn finish(self, rejected: bool, named: Vec<Option<String>>) -> FileRead {
        FileRead {
            diagnostics: self.list,
            unlisted: self.suppressed,
            rejected,
            named,
        }
    }
}

/// The header, understood.
struct Header {
    roles: Vec<Role>,
    long: bool,
    subject: Option<usize>,
    period: Option<usize>,
    indicator: usize,
    actual: usize,
    /// A long file's `target` column, checked against the targets in force.
    target: Option<usize>,
    /// (column, indicator) of a wide file.
    indicators: Vec<(usize, usize)>,
    /// Columns with an empty header: their cells must stay empty.
    unheaded: Vec<usize>,
    /// Where each header cell starts.
    locs: Vec<Loc>,
}

struct FileReader<'a, 'r> {
    def: &'a Scorecard,
    /// Targets per subject, for the `target` column's check.
    subject_targets: Option<&'a SubjectTargets>,
    options: &'a ReadOptions,
    /// The file is not UTF-8, so it is read as GB18030: Big5 and Windows-1252 text
    /// often decodes as valid GB18030 nonsense, which problems then point out.
    guessed_gb18030: bool,
    records: Records<'r>,
    problems: Problems<'a>,
    header: Option<Header>,
    /// No header problem: rows may make cards.
    header_ok: bool,
    /// The header is not a KPI file's: that one problem is the file's, and its rows
    /// are not read.
    not_kpi_data: bool,
    fractions: Fractions,
    targets: TargetCells,
    /// Indicator names seen in a long file, and what they name; rows cycle through
    /// the same few, so the next one is looked for after the last one found.
    names: Vec<Name>,
    /// Of those, the unknown ones (at most `MAX_PROBLEMS` are kept).
    unknown_names: usize,
    /// Per indicator, the first text of this file that named it.
    named: Vec<Option<String>>,
    last_name: usize,
    /// Period labels read (the first `PERIOD_LABELS` of them), what each means, and
    /// which was read last: rows in any order name the same few.
    periods: Vec<(Fingerprint, Box<[u8]>, Option<Period>)>,
    last_period: usize,
    period_problem: bool,
    all_periods_problem: bool,
    /// A subject that looks like Windows-1252 read as GB18030 has been warned of.
    latin_warned: bool,
    unheaded_reported: Vec<usize>,
}

/// Period labels remembered per file; past these, a label is parsed each time.
const PERIOD_LABELS: usize = 64;

/// A short text's length and its first and last 8 bytes: texts with different
/// fingerprints differ, so most are told apart without comparing their bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fingerprint {
    len: usize,
    head: u64,
    tail: u64,
}

impl Fingerprint {
    fn of(text: &[u8]) -> Fingerprint {
        let word = |bytes: &[u8]| {
            let mut w = [0u8; 8];
            w[..bytes.len()].copy_from_slice(bytes);
            u64::from_le_bytes(w)
        };
        let n = text.len().min(8);
        Fingerprint {
            len: text.len(),
            head: word(&text[..n]),
            tail: word(&text[text.len() - n..]),
        }
    }
}

/// An indicator name of a long file, what it names, and for an unknown one, the rows
/// that give it and the first of them: each unknown name is one problem, however many
/// rows repeat it.
struct Name {
    print: Fingerprint,
    text: Box<[u8]>,
    found: Option<usize>,
    rows: usize,
    first: Loc,
}

impl FileReader<'_, '_> {
    fn run(&mut self, emit: &mut dyn FnMut(Record<'_>)) -> io::Result<()> {
        let mut record = ByteRecord::new();
        let mut any_data = false;
        let mut header_start = None;
        while let Some(row) = self.records.next(&mut record)? {
            let (start, line) = (row.start, row.line);
            if self.header.is_none() {
                header_start = Some((line, start));
                self.header(&row)?;
                if self.not_kpi_data {
                    return Ok(());
                }
            } else if !row.record.as_slice().trim_ascii().is_empty() {
                any_data = true;
                self.data_row(&row, emit)?;
            }
            self.records.done_with(start);
        }
        match (header_start, any_data) {
            (None, _) => {
                self.problems.push(
                    Diagnostic::error(self.problems.path, 0, 0, "the file is empty").with_hint(
                        Some(
                            "a data file starts with a header line, such as indicator,actual"
                                .into(),
                        ),
                    ),
                );
                self.header_ok = false;
            }
            (Some((line, start)), false) => {
                self.problems.push(
                    Diagnostic::error(
                        self.problems.path,
                        line,
                        1,
                        "the file has a header but no data rows",
                    )
                    .with_offset(start)
                    .with_hint(Some(
                        "add one row per value (long layout) or per scorecard (wide layout)".into(),
                    )),
                );
            }
            _ => {}
        }
        Ok(())
    }

    /// Records a problem at a location.
    fn error(&mut self, at: Loc, message: String, hint: Option<String>) {
        self.problems.push(
            Diagnostic::error(self.problems.path, at.line, at.col, message)
                .with_hint(hint)
                .with_offset(at.offset),
        );
    }

    fn cell_loc(&mut self, row: &Row<'_>, j: usize) -> Loc {
        self.records.cell_loc(row, j)
    }

    fn cell_locs(&mut self, row: &Row<'_>) -> Vec<Loc> {
        self.records.cell_locs(row)
    }

    fn row_loc(&self, row: &Row<'_>) -> Loc {
        self.records.row_loc(row)
    }

    /// Each header cell's role; a cell with a problem is reported and ignored.
    fn header(&mut self, row: &Row<'_>) -> io::Result<()> {
        let cells: Vec<String> = row
            .record
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect();
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        let long = is_long(&refs);
        let classes: Vec<HeaderCell> = refs
            .iter()
            .map(|cell| classify(self.def, cell, long))
            .collect();
        if !long && self.names_nothing_to_score(&refs, &classes) {
            self.not_kpi_data(row, &refs, &classes);
            return Ok(());
        }
        let before = self.problems.list.len() + self.problems.suppressed;
        let locs = self.cell_locs(row);
        let mut roles = Vec::with_capacity(cells.len());
        let mut first_seen: HashMap<Role, usize> = HashMap::new();
        let mut header = Header {
            roles: Vec::new(),
            long,
            subject: None,
            period: None,
            indicator: 0,
            actual: 0,
            target: None,
            indicators: Vec::new(),
            unheaded: Vec::new(),
            locs: locs.clone(),
        };
        for (j, (cell, &class)) in refs.iter().zip(&classes).enumerate() {
            let at = locs[j];
            let role = match class {
                HeaderCell::Empty => {
                    header.unheaded.push(j);
                    Role::Ignored
                }
                HeaderCell::Known(column) => Role::Known(column),
                HeaderCell::Misplaced(column) => {
                    let other = if column == Column::Indicator {
                        "actual"
                    } else {
                        "indicator"
                    };
                    self.error(
                        at,
                        format!("a `{}` column needs an `{other}` column beside it", column.key()),
                        Some("a long file has both `indicator` and `actual` columns; a wide file has one column per indicator and neither".to_string()),
                    );
                    Role::Known(column)
                }
                HeaderCell::Indicator(i) => {
                    self.name_seen(i, cell);
                    Role::Indicator(i)
                }
                HeaderCell::Unknown if self.options.ignore_unknown => Role::Ignored,
                HeaderCell::Unknown if self.problems.is_full() => {
                    self.problems.suppressed += 1;
                    Role::Ignored
                }
                HeaderCell::Unknown => {
                    let (message, hint) = unknown_column(self.def, cell, long);
                    self.error(at, message, hint);
                    Role::Ignored
                }
            };
            // Notes and units for people may come in several columns.
            let repeatable = matches!(role, Role::Known(Column::Unit | Column::Note));
            if role != Role::Ignored && !repeatable {
                if let Some(&first) = first_seen.get(&role) {
                    let what = match role {
                        Role::Indicator(i) => format!("indicator {}", self.label(i)),
                        Role::Known(c) => format!("column `{}`", c.key()),
                        Role::Ignored => String::new(),
                    };
                    self.error(
                        at,
                        format!(
                            "{what} appears twice in the header (columns {} and {})",
                            first + 1,
                            j + 1
                        ),
                        None,
                    );
                } else {
                    first_seen.insert(role, j);
                    match role {
                        Role::Known(Column::Subject) => header.subject = Some(j),
                        Role::Known(Column::Period) => header.period = Some(j),
                        Role::Known(Column::Indicator) => header.indicator = j,
                        Role::Known(Column::Actual) => header.actual = j,
                        Role::Known(Column::Target) if long => header.target = Some(j),
                        Role::Indicator(i) => header.indicators.push((j, i)),
                        _ => {}
                    }
                }
            }
            roles.push(role);
        }
        // A header problem lets every row be checked, but no row of the file is
        // scored: what the broken columns held is unknown.
        self.header_ok = self.problems.list.len() + self.problems.suppressed == before;
        header.roles = roles;
        self.header = Some(header);
        Ok(())
    }

    /// Whether a wide header names nothing to score: no indicator, no column misplaced
    /// from a long file, and not mostly columns that look like typos of names (whose
    /// suggestions are worth a problem each). A word of one or two characters is too
    /// short to call a typo: 岗位 is one character from 单位, and not a misspelling of it.
    /// Only the first `MAX_PROBLEMS` unknown cells are looked at, as only they would
    /// be listed.
    fn names_nothing_to_score(&self, cells: &[&str], classes: &[HeaderCell]) -> bool {
        let scorable = classes
            .iter()
            .any(|c| matches!(c, HeaderCell::Indicator(_) | HeaderCell::Misplaced(_)));
        if scorable {
            return false;
        }
        if self.options.ignore_unknown {
            return true;
        }
        let candidates = || {
            self.def
                .names()
                .chain(Column::NAMES.iter().map(|(n, _)| *n))
        };
        let (mut unknown, mut typos) = (0, 0);
        for (cell, _) in cells
            .iter()
            .zip(classes)
            .filter(|(_, class)| **class == HeaderCell::Unknown)
            .take(MAX_PROBLEMS)
        {
            unknown += 1;
            if cell.chars().nth(2).is_some() && did_you_mean(cell, candidates()).is_some() {
                typos += 1;
            }
        }
        typos == 0 || typos * 2 < unknown
    }

    /// A header that names nothing to score: one problem for the file, saying what
    /// the header holds and what a KPI file's header looks like.
    fn not_kpi_data(&mut self, row: &Row<'_>, cells: &[&str], classes: &[HeaderCell]) {
        const SHOWN: usize = 3;
        let named: Vec<&str> = cells.iter().copied().filter(|c| !c.is_empty()).collect();
        let mut shown: Vec<String> = named
            .iter()
            .take(SHOWN)
            .map(|cell| match cell.char_indices().nth(20) {
                Some((end, _)) => format!("{}…", &cell[..end]),
                None => (*cell).to_string(),
            })
            .collect();
        if named.len() > SHOWN {
            shown.push("…".into());
        }
        let columns = match named.len() {
            1 => "1 column".to_string(),
            n => format!("{n} columns"),
        };
        // Columns for people (备注 …) are in many files that are not KPI data.
        let knows_a_column = classes
            .iter()
            .any(|c| matches!(c, HeaderCell::Known(column) if !column.is_information()));
        let mut message = if named.is_empty() {
            "the header line names no column".to_string()
        } else {
            format!(
                "the header {:?} ({columns}) names no indicator",
                shown.join(", ")
            )
        };
        if !knows_a_column && !named.is_empty() {
            message.push_str(" and no column kpi knows");
        }
        let layouts = "a KPI file's header is long, `subject,period,indicator,actual` \
                       (考核对象,期间,指标,实际), or wide, `subject,period` then one column per \
                       indicator name or id (`kpi targets` lists them); the README's \
                       examples/monthly-zh.csv is one";
        let hint = if self.guessed_gb18030 {
            message.push_str(", read as GB18030 as the file is not UTF-8");
            format!(
                "if the file is in Big5 or Windows-1252, name it: --encoding big5, --encoding windows-1252; otherwise, {layouts}"
            )
        } else {
            layouts.to_string()
        };
        let at = self.row_loc(row);
        self.error(at, message, Some(hint));
        self.header_ok = false;
        self.not_kpi_data = true;
    }

    fn data_row(&mut self, row: &Row<'_>, emit: &mut dyn FnMut(Record<'_>)) -> io::Result<()> {
        let Some(header) = self.header.as_ref() else {
            return Ok(());
        };
        let (count, long) = (header.roles.len(), header.long);
        if row.record.len() != count {
            let at = self.row_loc(row);
            self.error(
                at,
                format!(
                    "this row has {} cells but the header has {count}",
                    row.record.len()
                ),
                Some("every row needs one cell per header column; check for a missing or extra delimiter".into()),
            );
            return Ok(());
        }
        self.unheaded_cells(row);
        // A row whose period is wrong still has its cells checked.
        let key = self.card_key(row);
        let key = key.filter(|_| self.header_ok);
        let subject_cell = self.header.as_ref().and_then(|h| h.subject);
        // The text is valid UTF-8 by now: it was decoded on the way in.
        let subject = subject_cell
            .and_then(|j| std::str::from_utf8(&row.record[j]).ok())
            .map_or("", crate::read::value::trim);
        if self.guessed_gb18030 && !self.latin_warned {
            self.latin_subject(row, subject);
        }
        if long {
            self.long_row(row, key, subject, emit);
        } else {
            self.wide_row(row, key, subject, emit);
        }
        Ok(())
    }

    /// Cells under an empty header must be empty: one problem per such column.
    fn unheaded_cells(&mut self, row: &Row<'_>) {
        let Some(header) = self.header.as_ref() else {
            return;
        };
        let found: Vec<(usize, Loc)> = header
            .unheaded
            .iter()
            .filter(|&&j| !row.record[j].trim_ascii().is_empty())
            .filter(|j| !self.unheaded_reported.contains(j))
            .map(|&j| (j, header.locs[j]))
            .collect();
        for (j, at) in found {
            self.unheaded_reported.push(j);
            self.header_ok = false;
            self.error(
                at,
                format!("column {} has values but no header", j + 1),
                Some("name the column in the header line".into()),
            );
        }
    }

    /// The card a row belongs to: its period (and kind); `None` after a problem.
    fn card_key(&mut self, row: &Row<'_>) -> Option<(Option<Period>, PeriodKind)> {
        let period_column = self.header.as_ref().and_then(|h| h.period);
        let Some(j) = period_column else {
            if self.options.all_periods && !self.all_periods_problem {
                self.all_periods_problem = true;
                let at = self.row_loc(row);
                self.error(
                    at,
                    "--period all needs period labels, and this file has no period column".into(),
                    Some("add a period column, or name one kind: --period month".into()),
                );
            }
            return Some((None, self.options.period.unwrap_or(PeriodKind::Month)));
        };
        let raw = &row.record[j];
        let print = Fingerprint::of(raw);
        let count = self.periods.len();
        let cached = (0..count)
            .map(|k| (self.last_period + k) % count)
            .find(|&k| self.periods[k].0 == print && *self.periods[k].1 == *raw);
        let parsed = match cached {
            Some(k) => {
                self.last_period = k;
                self.periods[k].2
            }
            None => {
                let p = std::str::from_utf8(raw).ok().and_then(Period::parse);
                if count < PERIOD_LABELS {
                    self.periods.push((print, Box::from(raw), p));
                    self.last_period = count;
                }
                p
            }
        };
        let Some(period) = parsed else {
            let label = String::from_utf8_lossy(raw).trim().to_string();
            let at = self.cell_loc(row, j);
            let message = if label.is_empty() {
                "the period is empty".to_string()
            } else {
                format!("unrecognised period {}", quoted(&label))
            };
            self.error(
                at,
                message,
                Some("write a period such as 2026-11, 2026年11月, 2026-Q4, 2026-H2 or 2026".into()),
            );
            return None;
        };
        // A coarser --period rolls this row up later (§6); a finer one cannot be had.
        if let Some(wanted) = self.options.period.filter(|&w| w < period.kind) {
            if !self.period_problem {
                self.period_problem = true;
                let at = self.cell_loc(row, j);
                self.error(
                    at,
                    format!("--period {wanted} is finer than this file's {} periods (such as {period})", period.kind),
                    Some(format!(
                        "a period cannot be split; use --period {} or coarser, or leave --period out",
                        period.kind
                    )),
                );
            }
            return None;
        }
        Some((Some(period), period.kind))
    }

    /// Keeps the first text of the file that names indicator `i`.
    fn name_seen(&mut self, i: usize, text: &str) {
        if self.named[i].is_none() {
            self.named[i] = Some(text.to_string());
        }
    }

    /// Indicator `i` as this file's messages name it.
    fn label(&self, i: usize) -> String {
        self.def.indicators[i].label(self.named[i].as_deref(), self.options.lang)
    }

    /// The indicator the cell at column `j` of a long row names. An unknown name is
    /// counted, with its first row, to be reported once when the file is read.
    fn indicator_named(&mut self, row: &Row<'_>, j: usize) -> Option<usize> {
        let name = row.record[j].trim_ascii();
        let print = Fingerprint::of(name);
        let count = self.names.len();
        let seen = (0..count)
            .map(|k| (self.last_name + 1 + k) % count)
            .find(|&k| self.names[k].print == print && *self.names[k].text == *name);
        if let Some(k) = seen {
            self.last_name = k;
            let entry = &mut self.names[k];
            if entry.found.is_none() {
                entry.rows += 1;
            }
            return entry.found;
        }
        let text = std::str::from_utf8(name).ok();
        let found = text.and_then(|n| self.def.find(n));
        if let (Some(i), Some(text)) = (found, text) {
            self.name_seen(i, text);
        }
        if found.is_none() {
            // Past this many unknown names, each row is one more problem, counted.
            if self.unknown_names >= MAX_PROBLEMS {
                if !self.options.ignore_unknown {
                    self.problems.suppressed += 1;
                }
                return None;
            }
            self.unknown_names += 1;
        }
        let first = if found.is_none() {
            self.cell_loc(row, j)
        } else {
            Loc::default()
        };
        self.names.push(Name {
            print,
            text: name.into(),
            found,
            rows: 1,
            first,
        });
        self.last_name = self.names.len() - 1;
        found
    }

    fn long_row(
        &mut self,
        row: &Row<'_>,
        key: Option<(Option<Period>, PeriodKind)>,
        subject: &str,
        emit: &mut dyn FnMut(Record<'_>),
    ) {
        let Some(header) = self.header.as_ref() else {
            return;
        };
        let (ind_col, actual_col, target_col) = (header.indicator, header.actual, header.target);
        // Past ASCII spaces, only a cell that is empty or starts with a vertical tab
        // or a byte that can lead a Unicode space (C2, E1–E3: U+00A0, U+2000…,
        // U+3000) can be blank.
        let cell = row.record[ind_col].trim_ascii_start();
        let blank = cell
            .first()
            .is_none_or(|&b| matches!(b, 0x0B | 0xC2 | 0xE1..=0xE3))
            && std::str::from_utf8(cell).is_ok_and(|n| n.trim().is_empty());
        if blank {
            let at = self.cell_loc(row, ind_col);
            self.error(
                at,
                "the indicator is empty".into(),
                Some("name an indicator by its id, name or English name (see `kpi targets`); --ignore-unknown skips unknown ones".into()),
            );
            return;
        }
        let Some(i) = self.indicator_named(row, ind_col) else {
            return;
        };
        let observation = self.observation(row, actual_col, i);
        if let Some((period, kind)) = key {
            if let Some(j) = target_col {
                self.target_cell(row, j, i, (subject, period, kind));
            }
            let row_loc = self.row_loc(row);
            emit(Record {
                subject,
                period,
                kind,
                indicator: i,
                observation,
                row: row_loc,
                wide: false,
            });
        }
    }

    fn wide_row(
        &mut self,
        row: &Row<'_>,
        key: Option<(Option<Period>, PeriodKind)>,
        subject: &str,
        emit: &mut dyn FnMut(Record<'_>),
    ) {
        let Some(header) = self.header.as_ref() else {
            return;
        };
        let cells = header.indicators.clone();
        let row_loc = self.row_loc(row);
        for (j, i) in cells {
            let observation = self.observation(row, j, i);
            if let Some((period, kind)) = key {
                emit(Record {
                    subject,
                    period,
                    kind,
                    indicator: i,
                    observation,
                    row: row_loc,
                    wide: true,
                });
            }
        }
    }

    /// Parses the cell at column `j` as a value of indicator `i`.
    fn observation(&mut self, row: &Row<'_>, j: usize, i: usize) -> Observation {
        let loc = self.cell_loc(row, j);
        // Valid: the text was decoded on the way in.
        let text = std::str::from_utf8(&row.record[j]).unwrap_or_default();
        let indicator = &self.def.indicators[i];
        match parse_value(text, &indicator.unit) {
            Ok(value) => {
                if let Some(value) = value {
                    self.fractions.see(i, value, text, loc);
                }
                Observation {
                    value,
                    invalid: false,
                    loc,
                }
            }
            Err(e) => {
                let message = format!(
                    "invalid value {} for {}: {e}",
                    quoted(text.trim()),
                    self.label(i)
                );
                self.error(loc, message, None);
                Observation {
                    value: None,
                    invalid: true,
                    loc,
                }
            }
        }
    }

    /// One warning per `%` indicator with values in this file that look like fractions
    /// of 1 (`0.95` written for 95%), naming the largest and counting the rest.
    fn fraction_warnings(&mut self) {
        for i in 0..self.def.indicators.len() {
            let Some((example, loc)) = self.fractions.example[i] else {
                continue;
            };
            let shown = example.normalize();
            let percent = (example * Decimal::ONE_HUNDRED).normalize();
            let more = match self.fractions.count[i] - 1 {
                0 => String::new(),
                1 => ", as does 1 more value of it in this file".to_string(),
                n => format!(", as do {n} more values of it in this file"),
            };
            self.problems.push(
                Diagnostic::warning(
                    self.problems.path,
                    loc.line,
                    loc.col,
                    format!(
                        "{shown} for {} looks like a fraction of 1 ({percent}%){more}",
                        self.label(i)
                    ),
                )
                .with_offset(loc.offset)
                .with_hint(Some(format!(
                    "a % indicator's values are percentages: {shown} means {shown}%; write {percent} or {percent}% if that is what it is"
                ))),
            );
        }
    }

    /// Compares a long row's `target` cell with the target in force for its period
    /// (SPEC §5): a cell that is no value, or not a value at all, is for people only.
    fn target_cell(
        &mut self,
        row: &Row<'_>,
        j: usize,
        i: usize,
        (subject, period, kind): (&str, Option<Period>, PeriodKind),
    ) {
        let indicator = &self.def.indicators[i];
        let text = std::str::from_utf8(&row.record[j]).unwrap_or_default();
        let Ok(Some(said)) = parse_value(text, &indicator.unit) else {
            return;
        };
        // The subject's target when a targets file names the subject (SPEC §2.4).
        let in_force = self
            .subject_targets
            .and_then(|t| t.thresholds_of(self.def, subject, period, kind, i))
            .unwrap_or_else(|| indicator.thresholds(kind).copied())
            .map(|t| t.target);
        if in_force == Some(said.amount) {
            return;
        }
        if self.targets.first[i].is_some() {
            self.targets.more[i] += 1;
        } else {
            let loc = self.cell_loc(row, j);
            self.targets.first[i] = Some(TargetDiffers {
                loc,
                said: said.amount,
                in_force,
                kind,
            });
        }
    }

    /// One warning per indicator whose `target` cells differ from the targets in force.
    fn target_warnings(&mut self) {
        for (i, indicator) in self.def.indicators.iter().enumerate() {
            let Some(first) = self.targets.first[i] else {
                continue;
            };
            let unit = |amount: Decimal| with_unit(amount, &indicator.unit);
            let mut message = match first.in_force {
                Some(target) => format!(
                    "the target column says {} for {}, but the {} target in force is {}",
                    unit(first.said),
                    self.label(i),
                    first.kind,
                    unit(target)
                ),
                None => format!(
                    "the target column says {} for {}, which has no {} target (it is not assessed)",
                    unit(first.said),
                    self.label(i),
                    first.kind
                ),
            };
            match self.targets.more[i] {
                0 => {}
                1 => message.push_str(" (and 1 more row differs)"),
                n => message.push_str(&format!(" (and {n} more rows differ)")),
            }
            self.problems.push(
                Diagnostic::warning(self.problems.path, first.loc.line, first.loc.col, message)
                    .with_offset(first.loc.offset)
                    .with_hint(Some(
                        "the target column is for people and never scored; scores use the scorecard's targets (see `kpi targets`)".into(),
                    )),
            );
        }
    }

    /// The unknown indicator names of a long file, each once, at its first row. When
    /// none is known and the file was read as GB18030 by default, they are one
    /// problem, which names the encodings that such nonsense usually comes from.
    fn unknown_name_problems(&mut self) {
        if self.options.ignore_unknown || self.unknown_names == 0 {
            return;
        }
        const DEFAULT_HINT: &str = "name an indicator by its id, name or English name (see `kpi targets`); --ignore-unknown skips unknown ones";
        let names: Vec<(String, usize, Loc)> = self
            .names
            .iter()
            .filter(|n| n.found.is_none())
            .map(|n| {
                (
                    String::from_utf8_lossy(&n.text).into_owned(),
                    n.rows,
                    n.first,
                )
            })
            .collect();
        let def = self.def;
        let suggestions: Vec<Option<&str>> = names
            .iter()
            .map(|(name, _, _)| did_you_mean(name, def.names()))
            .collect();
        let none_known = self.names.iter().all(|n| n.found.is_none());
        if self.guessed_gb18030 && none_known && suggestions.iter().all(Option::is_none) {
            const SHOWN: usize = 5;
            let mut listed: Vec<String> = names
                .iter()
                .take(SHOWN)
                .map(|(name, _, _)| quoted(name))
                .collect();
            if names.len() > SHOWN {
                listed.push(format!("{} more", names.len() - SHOWN));
            }
            let rows: usize = names.iter().map(|(_, rows, _)| rows).sum();
            let message = format!(
                "no indicator name in this file is known: {} ({} on {}), read as GB18030 as the file is not UTF-8",
                listed.join(", "),
                plural(names.len(), "name"),
                plural(rows, "row")
            );
            let at = names[0].2;
            self.error(
                at,
                message,
                Some(format!(
                    "if the file is in Big5 or Windows-1252, name it: --encoding big5, --encoding windows-1252; otherwise, {DEFAULT_HINT}"
                )),
            );
            return;
        }
        for ((name, rows, at), suggestion) in names.iter().zip(suggestions) {
            let mut message = format!("unknown indicator {}", quoted(name));
            if *rows > 1 {
                message.push_str(&format!(" ({rows} rows, the first here)"));
            }
            let hint = suggestion.map_or_else(
                || DEFAULT_HINT.to_string(),
                |s| format!("did you mean {s:?}?"),
            );
            self.error(*at, message, Some(hint));
        }
    }

    /// A subject of a file read as GB18030 by default that looks like Windows-1252
    /// text: warned of once per file.
    fn latin_subject(&mut self, row: &Row<'_>, subject: &str) {
        if !looks_like_latin_read_as_gb18030(subject) {
            return;
        }
        self.latin_warned = true;
        let at = match self.header.as_ref().and_then(|h| h.subject) {
            Some(j) => self.cell_loc(row, j),
            None => self.row_loc(row),
        };
        self.problems.push(
            Diagnostic::warning(
                self.problems.path,
                at.line,
                at.col,
                format!(
                    "the subject {} looks like Windows-1252 text read as GB18030 (the file is not UTF-8)",
                    quoted(subject)
                ),
            )
            .with_offset(at.offset)
            .with_hint(Some("if the file is in Windows-1252, name it: --encoding windows-1252".into())),
        );
    }
}

/// `1 name`, `2 names`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// An amount with its indicator's unit, as messages show it: `0.92%`, `3 次/台`.
fn with_unit(amount: Decimal, unit: &str) -> String {
    let amount = amount.normalize();
    match unit {
        "" => amount.to_string(),
        "%" => format!("{amount}%"),
        unit => format!("{amount} {unit}"),
    }
}

/// Whether text read as GB18030 looks like Windows-1252 (Latin) text. An accented
/// letter (a byte from 0x80 up) followed by an ASCII letter decodes as one GB18030
/// character whose second byte is that letter, beside other letters: `Montréal`
/// reads `Montr閍l`, `Générale` `G閚閞ale`. Chinese text seldom has such a character
/// there: the common characters (GB2312's) have no ASCII byte in them.
fn looks_like_latin_read_as_gb18030(text: &str) -> bool {
    let mut before: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let beside_a_letter = !c.is_ascii()
            && (before.is_some_and(|b| b.is_ascii_alphabetic())
                || chars.peek().is_some_and(|a| a.is_ascii_alphabetic()));
        if beside_a_letter {
            let mut utf8 = [0u8; 4];
            let mut bytes = [0u8; 8];
            let mut encoder = encoding_rs::GB18030.new_encoder();
            let (_, _, written) = encoder.encode_from_utf8_without_replacement(
                c.encode_utf8(&mut utf8),
                &mut bytes,
                true,
            );
            if written == 2 && bytes[1].is_ascii_alphabetic() {
                return true;
            }
        }
        before = Some(c);
    }
    false
}

fn unknown_column(def: &Scorecard, cell: &str, long: bool) -> (String, Option<String>) {
    const LONG: &str = "a long file has the columns subject, period, indicator and actual, and unit, target and note for people; --ignore-unknown skips other columns";
    if long {
        (
            format!("unknown column {}", quoted(cell)),
            did_you_mean(cell, Column::NAMES.iter().map(|(n, _)| *n))
                .map(|s| format!("did you mean {s:?}? {LONG}"))
                .or_else(|| Some(LONG.into())),
        )
    } else {
        let candidates = def.names().chain(Column::NAMES.iter().map(|(n, _)| *n));
        (
            format!("unknown indicator or column {}", quoted(cell)),
            did_you_mean(cell, candidates)
                .map(|s| format!("did you mean {s:?}?"))
                .or_else(|| Some("name an indicator by its id, name or English name (see `kpi targets`); --ignore-unknown skips unknown columns".into())),
        )
    }
}

/// Per indicator, the first `target` cell of a long file that differs from the target
/// in force, and how many more do.
struct TargetCells {
    first: Vec<Option<TargetDiffers>>,
    more: Vec<usize>,
}

#[derive(Clone, Copy)]
struct TargetDiffers {
    loc: Loc,
    said: Decimal,
    /// `None`: the indicator has no target in that kind of period.
    in_force: Option<Decimal>,
    kind: PeriodKind,
}

impl TargetCells {
    fn new(def: &Scorecard) -> TargetCells {
        TargetCells {
            first: vec![None; def.indicators.len()],
            more: vec![0; def.indicators.len()],
        }
    }
}

/// Per `%` indicator: the ranges where its values are expected (between worst and best
/// of each period kind, or within 50% of the target where either is absent), and the
/// plain values of a file (no `%` sign, no `a/b`) with 0 < |v| ≤ 1 that land in one of
/// them once multiplied by 100: a count, and the largest (the first of equals) to show,
/// so that the words do not depend on the order of the rows.
struct Fractions {
    ranges: Vec<Vec<(Decimal, Decimal)>>,
    count: Vec<usize>,
    example: Vec<Option<(Decimal, Loc)>>,
}

impl Fractions {
    fn new(def: &Scorecard) -> Fractions {
        let half = Decimal::new(5, 1);
        let ranges: Vec<Vec<(Decimal, Decimal)>> = def
            .indicators
            .iter()
            .map(|i| {
                if i.unit != "%" {
                    return Vec::new();
                }
                PeriodKind::ALL
                    .iter()
                    .filter_map(|&k| i.thresholds(k))
                    .map(|t| {
                        let (a, b) = match (t.worst, t.best) {
                            (Some(worst), Some(best)) => (worst, best),
                            _ => (
                                t.target - t.target.abs() * half,
                                t.target + t.target.abs() * half,
                            ),
                        };
                        // In hundredths, as a fraction of 1 would be written: the
                        // value is compared as it is, not multiplied row by row.
                        let hundredth = Decimal::new(1, 2);
                        (a.min(b) * hundredth, a.max(b) * hundredth)
                    })
                    .collect()
            })
            .collect();
        let n = ranges.len();
        Fractions {
            ranges,
            count: vec![0; n],
            example: vec![None; n],
        }
    }

    /// A value of indicator `i`, written `text`.
    fn see(&mut self, i: usize, value: Value, text: &str, loc: Loc) {
        if self.ranges[i].is_empty() || value.parts.is_some() {
            return;
        }
        if !crate::num::within_one(value.amount) || text.contains(['%', '％']) {
            return;
        }
        let size = value.amount.abs();
        if !self.ranges[i]
            .iter()
            .any(|&(lo, hi)| lo <= value.amount && value.amount <= hi)
        {
            return;
        }
        self.count[i] += 1;
        if self.example[i].is_none_or(|(e, _)| size > e.abs()) {
            self.example[i] = Some((value.amount, loc));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::LineIndex;
    use crate::read::config;
    use crate::read::encoding::decode;

    /// A long file with a blank line before the header and one between rows, a
    /// subject quoted across a line break, two invalid values and a short row; `\n`
    /// stands for every line end.
    const LONG: &str = "\nsubject,period,indicator,actual\nA,2026-10,complaints,1\n\n\
        A,2026-10,repair_timeliness,zz\n\"B\n\",2026-10,complaints,x\nA,2026-10\n";

    /// Line-end forms, each used in turn: LF, CRLF, CR, and the three mixed.
    const LINE_ENDS: [&[&str]; 4] = [&["\n"], &["\r\n"], &["\r"], &["\r\n", "\n", "\r"]];

    fn with_line_ends(text: &str, ends: &[&str]) -> String {
        let mut out = String::with_capacity(text.len() * 2);
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push_str(ends[(i - 1) % ends.len()]);
            }
            out.push_str(line);
        }
        out
    }

    /// Each record's row and cell, and the problems, of a file read.
    struct Found {
        records: Vec<(Loc, Loc)>,
        problems: Vec<Diagnostic>,
    }

    fn read_bytes(bytes: &[u8], options: &ReadOptions) -> Found {
        let def = config::parse(config::BUILTIN, "builtin").expect("the built-in scorecard");
        let mut records = Vec::new();
        let mut input = bytes;
        let read = read(&def, None, "t.csv", 0, &mut input, options, &mut |r| {
            records.push((r.row, r.observation.loc));
        });
        Found {
            records,
            problems: read.diagnostics,
        }
    }

    fn places(found: &Found) -> (Vec<[usize; 4]>, Vec<(usize, usize)>) {
        let records = found
            .records
            .iter()
            .map(|(row, cell)| [row.line, row.col, cell.line, cell.col])
            .collect();
        let problems = found.problems.iter().map(|d| (d.line, d.col)).collect();
        (records, problems)
    }

    /// Every offset names the line and column given with it, in the decoded text
    /// that snippets are made from; a row's offset is its first character.
    fn assert_offsets_agree(bytes: &[u8], found: &Found) {
        let (text, _) = decode(bytes, None).expect("valid text");
        let index = LineIndex::new(&text);
        for (row, cell) in &found.records {
            assert_eq!(index.locate(row.offset as usize), (row.line, row.col));
            assert_eq!(index.locate(cell.offset as usize), (cell.line, cell.col));
            let first = text.as_bytes().get(row.offset as usize);
            assert!(!matches!(first, Some(b'\r' | b'\n')), "{row:?}");
        }
        for d in &found.problems {
            let offset = d.offset.expect("an offset") as usize;
            assert_eq!(index.locate(offset), (d.line, d.col), "{d}");
        }
    }

    #[test]
    fn names_and_labels_alike_at_both_ends_are_told_apart() {
        // Same length, same first and last 8 bytes: one fingerprint, two names.
        let text = "subject,period,indicator,actual\n\
            A,2026-10,complaints,1\n\
            A,2026-10,abcdefgh1ijklmnop,2\n\
            A,2026-11,abcdefgh2ijklmnop,3\n\
            A,2026-11,complaints,4\n\
            A,2026-1x,complaints,5\n\
            A,2026-10,abcdefgh1ijklmnop,6\n";
        let found = read_bytes(text.as_bytes(), &ReadOptions::default());
        let mut messages: Vec<(usize, &str)> = found
            .problems
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        messages.sort();
        assert_eq!(
            messages,
            [
                (
                    3,
                    "unknown indicator \"abcdefgh1ijklmnop\" (2 rows, the first here)"
                ),
                (4, "unknown indicator \"abcdefgh2ijklmnop\""),
                (6, "unrecognised period \"2026-1x\""),
            ]
        );
        // The known rows of both periods are read; the unknown names' are not.
        assert_eq!(found.records.len(), 2);
    }

    #[test]
    fn an_indicator_cell_of_any_white_space_is_empty() {
        for space in [
            "", " ", "\u{b}", "\u{a0}", "\u{85}", "\u{1680}", "\u{2003}", "\u{3000}",
        ] {
            let text = format!("subject,period,indicator,actual\nA,2026-10, {space} ,1\n");
            let found = read_bytes(text.as_bytes(), &ReadOptions::default());
            let messages: Vec<&str> = found.problems.iter().map(|d| d.message.as_str()).collect();
            assert_eq!(messages, ["the indicator is empty"], "{space:?}");
        }
    }

    #[test]
    fn a_record_after_a_crlf_starts_after_its_lf() {
        let found = read_bytes(
            b"subject,period,indicator,actual\r\nA,2026-10,complaints,1\r\nA,2026-10,complaints,zz\r\n",
            &ReadOptions::default(),
        );
        let rows: Vec<(usize, u64)> = found
            .records
            .iter()
            .map(|(r, _)| (r.line, r.offset))
            .collect();
        assert_eq!(rows, [(2, 33), (3, 57)]);
        let cells: Vec<(usize, usize, u64)> = found
            .records
            .iter()
            .map(|(_, c)| (c.line, c.col, c.offset))
            .collect();
        assert_eq!(cells, [(2, 22, 54), (3, 22, 78)]);
        assert_eq!(places(&found).1, [(3, 22)]);
    }

    #[test]
    fn every_line_end_form_gives_the_places_of_lf() {
        let expected = (
            vec![[3, 1, 3, 22], [5, 1, 5, 29], [6, 1, 7, 22]],
            vec![(5, 29), (7, 22), (8, 1)],
        );
        for ends in LINE_ENDS {
            let text = with_line_ends(LONG, ends);
            let found = read_bytes(text.as_bytes(), &ReadOptions::default());
            assert_eq!(places(&found), expected, "{text:?}");
            assert_offsets_agree(text.as_bytes(), &found);
        }
    }

    #[test]
    fn offsets_are_in_the_decoded_text_of_any_encoding() {
        let expected = (
            vec![[3, 1, 3, 22], [5, 1, 5, 29], [6, 1, 7, 22]],
            vec![(5, 29), (7, 22), (8, 1)],
        );
        // 乙 and 区 make the text GB18030 when not UTF-8, and longer in bytes than in
        // characters in every encoding.
        let long = LONG.replace("\"B\n\"", "\"乙区\n\"");
        for ends in LINE_ENDS {
            let text = with_line_ends(&long, ends);
            let utf16le: Vec<u8> = [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect();
            let utf16be: Vec<u8> = [0xFE, 0xFF]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
                .collect();
            let (gb18030, _, _) = encoding_rs::GB18030.encode(&text);
            let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
            for bytes in [bom, utf16le, utf16be, gb18030.into_owned()] {
                let found = read_bytes(&bytes, &ReadOptions::default());
                assert_eq!(places(&found), expected, "{text:?}");
                assert_offsets_agree(&bytes, &found);
            }
        }
    }

    #[test]
    fn latin_text_read_as_gb18030_is_told_from_chinese() {
        let misread = |text: &str| {
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
            text.into_owned()
        };
        assert_eq!(misread("Bureau Montréal"), "Bureau Montr閍l");
        assert!(looks_like_latin_read_as_gb18030(&misread(
            "Bureau Montréal"
        )));
        assert!(looks_like_latin_read_as_gb18030(&misread("Zürich office")));
        assert!(looks_like_latin_read_as_gb18030(&misread(
            "Société Générale"
        )));
        assert!(!looks_like_latin_read_as_gb18030("Montreal"));
        assert!(!looks_like_latin_read_as_gb18030("华东办事处"));
        // Between Latin letters, but one of GB2312's: no ASCII byte in it.
        assert!(!looks_like_latin_read_as_gb18030("A栋B区"));
        assert!(!looks_like_latin_read_as_gb18030("3号楼A座"));
    }

    #[test]
    fn text_that_does_not_decode_is_located_in_every_line_end_form() {
        let options = ReadOptions {
            encoding: Some(Encoding::Utf8),
            ..ReadOptions::default()
        };
        for ends in LINE_ENDS {
            let text = with_line_ends(
                "subject,period,indicator,actual\nA,2026-10,complaints,1\n\nA,2026-10,complaints,#\n",
                ends,
            );
            let bytes: Vec<u8> = text
                .bytes()
                .map(|b| if b == b'#' { 0xFF } else { b })
                .collect();
            let found = read_bytes(&bytes, &options);
            assert_eq!(places(&found).1, [(4, 22)], "{text:?}");
        }
    }
}
