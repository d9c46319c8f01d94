//! A targets file (SPEC §2.4), read like actuals: any encoding, delimiter, line end
//! or workbook (through `read::text` and `read::source`), trimmed cells,
//! ASCII-case-insensitive headers. Rows go to `targets::Builder` as they are read;
//! problems of a single row are located as they are found, and those of rows taken
//! together (out of order with the card, given twice) are located by reading the
//! file again: keeping every cell's place would take more memory than the rows.

use std::collections::HashSet;
use std::io::{self, Read};

use csv::ByteRecord;

use crate::diag::{Diagnostic, Problems, did_you_mean, quoted};
use crate::model::{Method, PeriodKind, Scorecard};
use crate::period::Period;
use crate::read::rows::{Loc, ReadOptions, read_error};
use crate::read::source::{self, Source};
use crate::read::text::{Records, Row};
use crate::read::value::{normalise_width, parse_value};
use crate::targets::{Builder, Cell, SLOTS, Scope, SubjectTargets, TARGET};

/// A column of a targets file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Subject,
    Indicator,
    Period,
    /// A threshold: its place in `SLOTS`.
    Threshold(usize),
}

/// Every header name, English and Chinese.
const NAMES: [(&str, Column); 13] = [
    ("subject", Column::Subject),
    ("对象", Column::Subject),
    ("考核对象", Column::Subject),
    ("indicator", Column::Indicator),
    ("指标", Column::Indicator),
    ("period", Column::Period),
    ("期间", Column::Period),
    ("考核期间", Column::Period),
    ("worst", Column::Threshold(0)),
    ("target", Column::Threshold(TARGET)),
    ("exceeds", Column::Threshold(2)),
    ("far_exceeds", Column::Threshold(3)),
    ("best", Column::Threshold(4)),
];

/// The Chinese threshold names (the English are `SLOTS`).
const CHINESE_SLOTS: [&str; 5] = ["最差", "目标", "超过目标", "远超目标", "最佳"];

fn recognise(cell: &str) -> Option<Column> {
    NAMES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(cell))
        .map(|&(_, c)| c)
        .or_else(|| {
            CHINESE_SLOTS
                .iter()
                .position(|&name| name == cell)
                .map(Column::Threshold)
        })
}

/// `-`, `－`, `—`, `n/a` (any case) or `不考核`: not assessed, or no such threshold.
fn is_not_assessed(text: &str) -> bool {
    let text = normalise_width(text);
    let text = text.trim();
    text == "-" || text == "—" || text.eq_ignore_ascii_case("n/a") || text == "不考核"
}

/// What reading a targets file found: the targets when there was no error, and
/// every problem and warning, located.
pub struct TargetsRead {
    pub targets: Option<SubjectTargets>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The columns of the header.
struct Header {
    subject: usize,
    indicator: usize,
    period: Option<usize>,
    /// Per slot, its column.
    slots: [Option<usize>; 5],
    /// Columns with an empty header: their cells must stay empty.
    unheaded: Vec<usize>,
    width: usize,
}

/// Reads the targets file `name`. `open` opens it (twice, when problems of rows
/// taken together must be located).
pub fn read(
    def: &Scorecard,
    name: &str,
    open: &mut dyn FnMut() -> io::Result<Box<dyn Read>>,
    options: &ReadOptions,
) -> TargetsRead {
    let mut problems = Problems::default();
    let mut builder = Builder::default();
    let mut maps = Vec::new();
    let header = match open() {
        Ok(mut input) => read_pass(
            def,
            name,
            &mut *input,
            options,
            &mut problems,
            &mut |text| {
                maps.extend(text.into_map());
            },
            &mut Pass::Rows(&mut builder),
        ),
        Err(e) => {
            problems.push(read_error(name, &e));
            None
        }
    };
    // Rows with a problem of their own are kept only to find rows given twice; the
    // rest are still checked together, so that one run reports every problem.
    let targets = if header.is_none() {
        None
    } else {
        let (targets, found) = builder.finish(def, name, options.lang);
        if !found.is_empty() {
            locate(def, name, open, options, &found, &mut problems);
        }
        Some(targets)
    };
    let mut diagnostics = problems.into_sorted(&[name.to_string()]);
    for map in &maps {
        map.locate(&mut diagnostics);
    }
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    TargetsRead {
        targets: targets.filter(|_| !failed),
        diagnostics,
    }
}

/// What a pass over the file does with its rows.
enum Pass<'p> {
    /// The first: every row checked and handed to the builder.
    Rows(&'p mut Builder),
    /// The second: the places of cells on some lines, by line and slot.
    Places {
        wanted: &'p HashSet<u32>,
        found: &'p mut Vec<(u32, Option<usize>, Loc)>,
    },
}

/// One pass over the file; the header when it was read.
fn read_pass(
    def: &Scorecard,
    name: &str,
    input: &mut dyn Read,
    options: &ReadOptions,
    problems: &mut Problems,
    keep_map: &mut dyn FnMut(Source<'_>),
    pass: &mut Pass<'_>,
) -> Option<Header> {
    let mut notes = Vec::new();
    let opened = source::open(name, input, None, &mut notes);
    let first = matches!(pass, Pass::Rows(_));
    if first {
        for note in notes {
            problems.push(note);
        }
    }
    let mut text = match opened {
        Ok(text) => text,
        Err(problem) => {
            problems.push(*problem);
            return None;
        }
    };
    let options = text.options(options);
    let first_row = match &text {
        Source::Sheet(_, map) => map.first_row(),
        _ => 0,
    };
    let header = {
        let mut reader = text.reader();
        let mut records = match Records::open(&mut reader, options.encoding, options.delimiter, 0) {
            Ok(records) => records,
            Err(e) => {
                problems.push(read_error(name, &e));
                return None;
            }
        };
        let mut file = TargetsFile {
            def,
            name,
            options: &options,
            problems,
            records: &mut records,
            first,
            first_row,
        };
        let result = file.run(pass);
        match result {
            Ok(header) => header,
            Err(e) => {
                let problem = records
                    .undecodable(name)
                    .unwrap_or_else(|| read_error(name, &e));
                problems.push(problem);
                None
            }
        }
    };
    keep_map(text);
    header
}

struct TargetsFile<'a, 'r, 'x> {
    def: &'a Scorecard,
    name: &'a str,
    options: &'a ReadOptions,
    problems: &'a mut Problems,
    records: &'x mut Records<'r>,
    /// The first pass: problems of single rows are reported (not again in the second).
    first: bool,
    /// For a sheet, the sheet row before its CSV text's first line; 0 for text.
    first_row: u32,
}

impl TargetsFile<'_, '_, '_> {
    fn error(&mut self, at: Loc, message: String, hint: Option<String>) {
        if self.first {
            self.problems.push(
                Diagnostic::error(self.name, at.line, at.col, message)
                    .with_hint(hint)
                    .with_offset(at.offset),
            );
        }
    }

    fn run(&mut self, pass: &mut Pass<'_>) -> io::Result<Option<Header>> {
        let mut record = ByteRecord::new();
        let mut header: Option<Header> = None;
        let mut any_line = false;
        let mut unknown_seen: HashSet<String> = HashSet::new();
        while let Some(row) = self.records.next(&mut record)? {
            let start = row.start;
            match &header {
                None => {
                    any_line = true;
                    header = self.header(&row);
                    if header.is_none() {
                        return Ok(None);
                    }
                }
                Some(h) if !row.record.as_slice().trim_ascii().is_empty() => {
                    self.data_row(h, &row, pass, &mut unknown_seen);
                }
                Some(_) => {}
            }
            self.records.done_with(start);
        }
        if !any_line {
            self.problems.push(
                Diagnostic::error(self.name, 0, 0, "the targets file is empty").with_hint(Some(
                    "a targets file starts with a header line, such as subject,indicator,target"
                        .into(),
                )),
            );
        }
        Ok(header)
    }

    fn header(&mut self, row: &Row<'_>) -> Option<Header> {
        let locs = self.records.cell_locs(row);
        let mut header = Header {
            subject: usize::MAX,
            indicator: usize::MAX,
            period: None,
            slots: [None; 5],
            unheaded: Vec::new(),
            width: row.record.len(),
        };
        let mut ok = true;
        let mut seen: Vec<(Column, usize)> = Vec::new();
        for (j, raw) in row.record.iter().enumerate() {
            let cell = String::from_utf8_lossy(raw);
            let cell = cell.trim();
            if cell.is_empty() {
                header.unheaded.push(j);
                continue;
            }
            let Some(column) = recognise(cell) else {
                if !self.options.ignore_unknown {
                    let candidates = NAMES
                        .iter()
                        .map(|(n, _)| *n)
                        .chain(CHINESE_SLOTS.iter().copied());
                    let hint = did_you_mean(cell, candidates)
                        .map(|s| format!("did you mean {s:?}? "))
                        .unwrap_or_default();
                    self.error(
                        locs[j],
                        format!("unknown column {} in a targets file", quoted(cell)),
                        Some(format!("{hint}a targets file has the columns subject, indicator, period, worst, target, exceeds, far_exceeds and best; --ignore-unknown skips other columns")),
                    );
                    ok = false;
                }
                continue;
            };
            if let Some(&(_, first)) = seen.iter().find(|(c, _)| *c == column) {
                self.error(
                    locs[j],
                    format!(
                        "column {} appears twice in the header (columns {} and {})",
                        quoted(cell),
                        first + 1,
                        j + 1
                    ),
                    None,
                );
                ok = false;
                continue;
            }
            seen.push((column, j));
            match column {
                Column::Subject => header.subject = j,
                Column::Indicator => header.indicator = j,
                Column::Period => header.period = Some(j),
                Column::Threshold(slot) => header.slots[slot] = Some(j),
            }
        }
        let at = self.records.row_loc(row);
        let mut missing = Vec::new();
        if header.subject == usize::MAX {
            missing.push("`subject` (对象)");
        }
        if header.indicator == usize::MAX {
            missing.push("`indicator` (指标)");
        }
        if !missing.is_empty() {
            self.error(
                at,
                format!("the targets file has no {} column", missing.join(" or ")),
                Some("a targets file's header is such as subject,indicator,period,target (对象,指标,期间,目标)".into()),
            );
            ok = false;
        }
        if header.slots.iter().all(Option::is_none) {
            self.error(
                at,
                "the targets file has no threshold column".into(),
                Some("give at least one of worst, target, exceeds, far_exceeds, best (最差, 目标, 超过目标, 远超目标, 最佳)".into()),
            );
            ok = false;
        }
        // A header problem stops the file: what its rows mean is unknown.
        ok.then_some(header)
    }

    fn data_row(
        &mut self,
        header: &Header,
        row: &Row<'_>,
        pass: &mut Pass<'_>,
        unknown_seen: &mut HashSet<String>,
    ) {
        // A sheet's rows are numbered as the sheet numbers them (its CSV text starts
        // at its first row used), so that `target_source` names the row Excel shows.
        let line = u32::try_from(row.line)
            .unwrap_or(u32::MAX)
            .saturating_add(self.first_row);
        if let Pass::Places { wanted, found } = pass {
            if wanted.contains(&line) {
                found.push((line, None, self.records.row_loc(row)));
                for (slot, column) in header.slots.iter().enumerate() {
                    if let Some(j) = *column
                        && j < row.record.len()
                    {
                        let loc = self.records.cell_loc(row, j);
                        found.push((line, Some(slot), loc));
                    }
                }
            }
            return;
        }
        let Pass::Rows(builder) = pass else { return };
        if row.record.len() != header.width {
            let at = self.records.row_loc(row);
            self.error(
                at,
                format!(
                    "this row has {} cells but the header has {}",
                    row.record.len(),
                    header.width
                ),
                Some("every row needs one cell per header column; check for a missing or extra delimiter".into()),
            );
            return;
        }
        let cell = |j: usize| std::str::from_utf8(&row.record[j]).map_or("", str::trim);
        for &j in &header.unheaded {
            if !cell(j).is_empty() {
                let at = self.records.cell_loc(row, j);
                self.error(
                    at,
                    format!("column {} has values but no header", j + 1),
                    Some("name the column in the header line".into()),
                );
                return;
            }
        }
        let subject = cell(header.subject);
        let indicator_text = cell(header.indicator);
        let Some(i) = self.def.find(indicator_text) else {
            if self.options.ignore_unknown {
                return;
            }
            if unknown_seen.insert(indicator_text.to_string()) {
                let at = self.records.cell_loc(row, header.indicator);
                let message = if indicator_text.is_empty() {
                    "the indicator is empty".to_string()
                } else {
                    format!("unknown indicator {}", quoted(indicator_text))
                };
                let hint = did_you_mean(indicator_text, self.def.names())
                    .map(|s| format!("did you mean {s:?}?"))
                    .unwrap_or_else(|| "name an indicator by its id, name or English name (see `kpi targets`); --ignore-unknown skips such rows".into());
                self.error(at, message, Some(hint));
            }
            return;
        };
        let indicator = &self.def.indicators[i];
        let scope = match header.period.map(cell).filter(|p| !p.is_empty()) {
            None => Scope::All,
            Some(text) => match PeriodKind::from_cli(text) {
                Some(kind) => Scope::Kind(kind),
                None => match Period::parse(text) {
                    Some(period) => Scope::Label(period),
                    None => {
                        let at = self.records.cell_loc(row, header.period.unwrap_or(0));
                        self.error(
                            at,
                            format!("unrecognised period {}", quoted(text)),
                            Some("write a period kind (month, quarter, half, year; 月, 季度, 半年, 年), a period such as 2026-Q3 or 2026年11月, or leave it empty for every period".into()),
                        );
                        return;
                    }
                },
            },
        };
        let mut cells = [Cell::Keep; 5];
        let mut bad = false;
        for (slot, column) in header.slots.iter().enumerate() {
            let Some(j) = *column else { continue };
            let text = cell(j);
            if text.is_empty() {
                continue;
            }
            if indicator.method != Method::Bands && slot != TARGET {
                let at = self.records.cell_loc(row, j);
                self.error(
                    at,
                    format!(
                        "`{}` cannot be given for {} for subject {}: its method scores against the target alone",
                        SLOTS[slot],
                        indicator.label(Some(indicator_text), self.options.lang),
                        quoted(subject)
                    ),
                    Some("leave the cell empty".into()),
                );
                bad = true;
                continue;
            }
            if is_not_assessed(text) {
                cells[slot] = Cell::Clear;
                continue;
            }
            match parse_value(text, &indicator.unit) {
                Ok(Some(value)) => cells[slot] = Cell::Set(value.amount),
                Ok(None) => cells[slot] = Cell::Clear,
                Err(e) => {
                    let at = self.records.cell_loc(row, j);
                    self.error(
                        at,
                        format!(
                            "invalid {} {} for {}: {e}",
                            SLOTS[slot],
                            quoted(text),
                            indicator.label(Some(indicator_text), self.options.lang)
                        ),
                        None,
                    );
                    bad = true;
                }
            }
        }
        if cells[TARGET] == Cell::Clear
            && let Some(slot) = (0..5).find(|&s| s != TARGET && cells[s] != Cell::Keep)
        {
            let at = self
                .records
                .cell_loc(row, header.slots[slot].unwrap_or(header.indicator));
            self.error(
                at,
                format!(
                    "{} is not assessed for subject {} in this row (its target is {}), so its `{}` cannot be given",
                    indicator.label(Some(indicator_text), self.options.lang),
                    quoted(subject),
                    quoted(cell(header.slots[TARGET].unwrap_or(0))),
                    SLOTS[slot]
                ),
                Some("leave the other threshold cells of a not-assessed row empty".into()),
            );
            bad = true;
        }
        if bad {
            builder.push_bad(subject, i, scope, line);
        } else {
            builder.push(subject, i, scope, cells, line);
        }
    }
}

/// Locates the problems of rows taken together, by reading the file again.
fn locate(
    def: &Scorecard,
    name: &str,
    open: &mut dyn FnMut() -> io::Result<Box<dyn Read>>,
    options: &ReadOptions,
    found: &[crate::targets::Problem],
    problems: &mut Problems,
) {
    let wanted: HashSet<u32> = found.iter().map(|p| p.line).collect();
    let mut places = Vec::new();
    if let Ok(mut input) = open() {
        let mut ignored = Problems::default();
        read_pass(
            def,
            name,
            &mut *input,
            options,
            &mut ignored,
            &mut |_| {},
            &mut Pass::Places {
                wanted: &wanted,
                found: &mut places,
            },
        );
    }
    for problem in found {
        let at = places
            .iter()
            .find(|(line, slot, _)| *line == problem.line && *slot == problem.slot)
            .or_else(|| {
                places
                    .iter()
                    .find(|(line, slot, _)| *line == problem.line && slot.is_none())
            })
            .map(|(_, _, loc)| *loc)
            .unwrap_or(Loc {
                file: 0,
                line: problem.line as usize,
                col: 1,
                offset: 0,
            });
        problems.push(
            Diagnostic::error(name, at.line, at.col, problem.message.clone())
                .with_hint(problem.hint.clone())
                .with_offset(at.offset),
        );
    }
}
