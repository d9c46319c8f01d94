//! CSV data files → values keyed by scorecard (SPEC §5): encoding, delimiter, long
//! and wide layouts, header aliases, indicators by id or name, period labels, and every
//! problem located at its file, line and column.

use std::collections::HashMap;

use csv::StringRecord;

use crate::diag::{Diagnostic, LineIndex, did_you_mean};
use crate::encoding::{Encoding, decode};
use crate::model::{Column, PeriodKind, Scorecard};
use crate::period::Period;
use crate::value::{Value, parse_value};

/// How data files are read, resolved from the command line.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub encoding: Option<Encoding>,
    pub delimiter: Option<u8>,
    /// `--period`: the kind of cards to score.
    pub period: Option<PeriodKind>,
    pub ignore_unknown: bool,
}

/// Where a cell is: a file (index into `Actuals::files`), a 1-based line and character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    pub file: usize,
    pub line: usize,
    pub col: usize,
}

/// One indicator's cell in one scorecard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// `None`: no value (an empty cell, `-`, `n/a`), or a cell that did not parse.
    pub value: Option<Value>,
    /// The cell did not parse; an error has been reported for it already.
    pub invalid: bool,
    pub loc: Loc,
}

/// Which scorecard a row belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CardKey {
    pub subject: String,
    /// The period label, normalised; `None` when the file has no period column.
    pub period: Option<Period>,
    pub kind: PeriodKind,
}

impl CardKey {
    /// Print order (§5): subject by code point, then period by last day, finer first.
    pub fn sort_key(&self) -> (&str, Option<(u16, u32, PeriodKind)>, PeriodKind) {
        (&self.subject, self.period.map(Period::sort_key), self.kind)
    }

    /// The normalised period label, empty without one.
    pub fn period_label(&self) -> String {
        self.period.map(|p| p.to_string()).unwrap_or_default()
    }

    /// How messages name the card: `subject "a", period 2026-Q3`.
    pub fn describe(&self) -> String {
        match (self.subject.is_empty(), self.period) {
            (false, Some(p)) => format!("subject {:?}, period {p}", self.subject),
            (false, None) => format!("subject {:?}, {} card", self.subject, self.kind),
            (true, Some(p)) => format!("period {p}"),
            (true, None) => format!("the {} card", self.kind),
        }
    }
}

/// The values of one scorecard, indexed like the definition's indicators.
#[derive(Clone, Debug)]
pub struct CardData {
    pub key: CardKey,
    /// The first row that belongs to this card.
    pub first: Loc,
    pub values: Vec<Option<Observation>>,
}

/// Everything read from the data files of one run.
#[derive(Debug, Default)]
pub struct Actuals {
    pub files: Vec<String>,
    pub cards: Vec<CardData>,
    index: HashMap<CardKey, usize>,
}

/// What a column of a data file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Role {
    Known(Column),
    Indicator(usize),
    /// Empty header and empty cells, or unknown under `--ignore-unknown`.
    Ignored,
}

impl Actuals {
    pub fn new() -> Actuals {
        Actuals::default()
    }

    /// Cards in print order.
    pub fn sort(&mut self) {
        self.cards
            .sort_by(|a, b| a.key.sort_key().cmp(&b.key.sort_key()));
        self.index.clear();
        for (i, card) in self.cards.iter().enumerate() {
            self.index.insert(card.key.clone(), i);
        }
    }

    /// `path:line` of a location, for messages that name a second place.
    pub fn place(&self, loc: Loc) -> String {
        format!("{}:{}", self.files[loc.file], loc.line)
    }

    /// Reads one data file into the run, returning every problem found in it.
    pub fn read(
        &mut self,
        def: &Scorecard,
        path: &str,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Vec<Diagnostic> {
        let file = self.files.len();
        self.files.push(path.to_string());
        let (text, _) = match decode(bytes, options.encoding) {
            Ok(decoded) => decoded,
            Err(e) => {
                return vec![
                    Diagnostic::error(path, e.line, e.col, format!("the text here is not valid {}", e.encoding.name()))
                    .with_hint(Some(
                        "save the file as UTF-8, or name its encoding with --encoding utf8|gb18030|utf16le|utf16be"
                            .into(),
                    )),
                ];
            }
        };
        let mut reader = FileReader {
            def,
            path,
            file,
            text: &text,
            lines: LineIndex::new(&text),
            delimiter: options.delimiter.unwrap_or_else(|| detect_delimiter(&text)),
            options,
            diagnostics: Vec::new(),
        };
        reader.read(self);
        reader.diagnostics
    }

    fn card(&mut self, key: CardKey, first: Loc, indicators: usize) -> &mut CardData {
        let next = self.cards.len();
        let i = *self.index.entry(key.clone()).or_insert(next);
        if i == next {
            self.cards.push(CardData {
                key,
                first,
                values: vec![None; indicators],
            });
        }
        &mut self.cards[i]
    }
}

/// Comma, tab or semicolon: whichever occurs most in the header line outside quotes,
/// comma on a tie.
pub fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3]; // , \t ;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    if counts[0] == best {
        b','
    } else if counts[1] == best {
        b'\t'
    } else {
        b';'
    }
}

struct FileReader<'a> {
    def: &'a Scorecard,
    path: &'a str,
    file: usize,
    text: &'a str,
    lines: LineIndex<'a>,
    delimiter: u8,
    options: &'a ReadOptions,
    diagnostics: Vec<Diagnostic>,
}

/// A data row with where it starts in the text.
struct Row {
    record: StringRecord,
    start: usize,
}

impl FileReader<'_> {
    fn error(&mut self, line: usize, col: usize, message: String, hint: Option<String>) {
        self.diagnostics
            .push(Diagnostic::error(self.path, line, col, message).with_hint(hint));
    }

    fn read(&mut self, actuals: &mut Actuals) {
        let mut rows = Vec::new();
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(self.text.as_bytes());
        for result in csv.records() {
            match result {
                Ok(record) => {
                    let start = record.position().map_or(0, |p| p.byte() as usize);
                    rows.push(Row { record, start });
                }
                Err(e) => {
                    let (line, col) = e
                        .position()
                        .map_or((0, 0), |p| self.lines.locate(p.byte() as usize));
                    self.error(line, col, format!("unreadable CSV: {e}"), None);
                    return;
                }
            }
        }
        let mut rows = rows.into_iter();
        let Some(header) = rows.next() else {
            self.error(
                0,
                0,
                "the file is empty".into(),
                Some("a data file starts with a header line, such as indicator,actual".into()),
            );
            return;
        };
        let data: Vec<Row> = rows.collect();
        let Some(roles) = self.header(&header, &data) else {
            return;
        };
        let long = roles.contains(&Role::Known(Column::Indicator));
        let mut period_problem = false;
        let mut any_data = false;
        for row in &data {
            if row.record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            any_data = true;
            let line = self.lines.locate(row.start).0;
            if row.record.len() != header.record.len() {
                self.error(
                    line,
                    1,
                    format!(
                        "this row has {} cells but the header has {}",
                        row.record.len(),
                        header.record.len()
                    ),
                    Some("every row needs one cell per header column; check for a missing or extra delimiter".into()),
                );
                continue;
            }
            let Some(key) = self.card_key(row, &roles, &mut period_problem) else {
                continue;
            };
            if long {
                self.long_row(actuals, row, &roles, key, line);
            } else {
                self.wide_row(actuals, row, &roles, key, line);
            }
        }
        if !any_data {
            let line = self.lines.locate(header.start).0;
            self.error(
                line,
                1,
                "the file has a header but no data rows".into(),
                Some("add one row per value (long layout) or per scorecard (wide layout)".into()),
            );
        }
    }

    /// Each header cell's role, or `None` when the header has errors.
    fn header(&mut self, header: &Row, data: &[Row]) -> Option<Vec<Role>> {
        let cells: Vec<&str> = header.record.iter().map(str::trim).collect();
        let known: Vec<Option<Column>> = cells.iter().map(|c| Column::recognise(c)).collect();
        let long =
            known.contains(&Some(Column::Indicator)) && known.contains(&Some(Column::Actual));
        let before = self.diagnostics.len();
        let mut roles = Vec::with_capacity(cells.len());
        let mut first_seen: HashMap<Role, usize> = HashMap::new();
        for (j, cell) in cells.iter().enumerate() {
            let (line, col) = self.cell_position(header, j);
            let role = if cell.is_empty() {
                let has_data = data
                    .iter()
                    .any(|row| row.record.get(j).is_some_and(|c| !c.trim().is_empty()));
                if has_data {
                    self.error(
                        line,
                        col,
                        format!("column {} has values but no header", j + 1),
                        Some("name the column in the header line".into()),
                    );
                }
                Role::Ignored
            } else if let Some(column) = known[j] {
                if !long && matches!(column, Column::Indicator | Column::Actual) {
                    let other = if column == Column::Indicator {
                        "actual"
                    } else {
                        "indicator"
                    };
                    self.error(
                        line,
                        col,
                        format!("a `{}` column needs an `{other}` column beside it", column.key()),
                        Some("a long file has both `indicator` and `actual` columns; a wide file has one column per indicator and neither".to_string()),
                    );
                }
                Role::Known(column)
            } else if let Some(i) = self.def.find(cell).filter(|_| !long) {
                Role::Indicator(i)
            } else if self.options.ignore_unknown {
                Role::Ignored
            } else {
                let (message, hint) = if long {
                    (
                        format!("unknown column {cell:?}"),
                        did_you_mean(cell, Column::NAMES.iter().map(|(n, _)| *n))
                            .map(|s| format!("did you mean {s:?}? A long file has the columns subject, period, indicator and actual; --ignore-unknown skips other columns"))
                            .or_else(|| Some("a long file has the columns subject, period, indicator and actual; --ignore-unknown skips other columns".into())),
                    )
                } else {
                    let candidates = self
                        .def
                        .names()
                        .chain(Column::NAMES.iter().map(|(n, _)| *n));
                    (
                        format!("unknown indicator or column {cell:?}"),
                        did_you_mean(cell, candidates)
                            .map(|s| format!("did you mean {s:?}?"))
                            .or_else(|| Some("name an indicator by its id, name or English name (see `kpi targets`); --ignore-unknown skips unknown columns".into())),
                    )
                };
                self.error(line, col, message, hint);
                Role::Ignored
            };
            if role != Role::Ignored {
                if let Some(&first) = first_seen.get(&role) {
                    let what = match role {
                        Role::Indicator(i) => format!("indicator `{}`", self.def.indicators[i].id),
                        Role::Known(c) => format!("column `{}`", c.key()),
                        Role::Ignored => String::new(),
                    };
                    self.error(
                        line,
                        col,
                        format!(
                            "{what} appears twice in the header (columns {} and {})",
                            first + 1,
                            j + 1
                        ),
                        None,
                    );
                } else {
                    first_seen.insert(role, j);
                }
            }
            roles.push(role);
        }
        if !long
            && !roles.iter().any(|r| matches!(r, Role::Indicator(_)))
            && self.diagnostics.len() == before
        {
            let line = self.lines.locate(header.start).0;
            self.error(
                line,
                1,
                "the header names no indicator".into(),
                Some("use the long layout (columns indicator and actual) or one column per indicator".into()),
            );
        }
        (self.diagnostics.len() == before).then_some(roles)
    }

    /// The card a row belongs to: its subject and period.
    fn card_key(
        &mut self,
        row: &Row,
        roles: &[Role],
        period_problem: &mut bool,
    ) -> Option<CardKey> {
        let cell = |column| {
            roles
                .iter()
                .position(|r| *r == Role::Known(column))
                .map(|j| (j, row.record.get(j).unwrap_or("").trim()))
        };
        let subject = cell(Column::Subject).map_or("", |(_, s)| s).to_string();
        let Some((j, label)) = cell(Column::Period) else {
            return Some(CardKey {
                subject,
                period: None,
                kind: self.options.period.unwrap_or(PeriodKind::Month),
            });
        };
        let Some(period) = Period::parse(label) else {
            let (line, col) = self.cell_position(row, j);
            let message = if label.is_empty() {
                "the period is empty".to_string()
            } else {
                format!("unrecognised period {label:?}")
            };
            self.error(
                line,
                col,
                message,
                Some("write a period such as 2026-11, 2026年11月, 2026-Q4, 2026-H2 or 2026".into()),
            );
            return None;
        };
        // A coarser --period rolls this row up later (§6); a finer one cannot be had.
        if let Some(wanted) = self.options.period.filter(|&w| w < period.kind) {
            if !*period_problem {
                *period_problem = true;
                let (line, col) = self.cell_position(row, j);
                self.error(
                    line,
                    col,
                    format!("--period {wanted} is finer than this file's {} periods (such as {period})", period.kind),
                    Some(format!(
                        "a period cannot be split; use --period {} or coarser, or leave --period out",
                        period.kind
                    )),
                );
            }
            return None;
        }
        Some(CardKey {
            subject,
            kind: period.kind,
            period: Some(period),
        })
    }

    fn long_row(
        &mut self,
        actuals: &mut Actuals,
        row: &Row,
        roles: &[Role],
        key: CardKey,
        line: usize,
    ) {
        let column = |c| roles.iter().position(|r| *r == Role::Known(c)).unwrap_or(0);
        let (ind_col, actual_col) = (column(Column::Indicator), column(Column::Actual));
        let name = row.record.get(ind_col).unwrap_or("").trim();
        let Some(i) = self.def.find(name) else {
            if self.options.ignore_unknown && !name.is_empty() {
                return;
            }
            let (line, col) = self.cell_position(row, ind_col);
            let (message, hint) = if name.is_empty() {
                ("the indicator is empty".to_string(), None)
            } else {
                (
                    format!("unknown indicator {name:?}"),
                    did_you_mean(name, self.def.names()).map(|s| format!("did you mean {s:?}?")),
                )
            };
            let hint = hint.or_else(|| {
                Some("name an indicator by its id, name or English name (see `kpi targets`); --ignore-unknown skips unknown ones".into())
            });
            self.error(line, col, message, hint);
            return;
        };
        let observation = self.observation(row, actual_col, i);
        let card_first = Loc {
            file: self.file,
            line,
            col: 1,
        };
        let card = actuals.card(key, card_first, self.def.indicators.len());
        if let Some(earlier) = &card.values[i] {
            let earlier = earlier.loc;
            let describe = card.key.describe();
            let first_place = actuals.place(earlier);
            let id = &self.def.indicators[i].id;
            self.error(
                line,
                observation.loc.col,
                format!("duplicate value for `{id}` ({describe}): also given at {first_place}"),
                Some("keep one row per subject, period and indicator".into()),
            );
            return;
        }
        card.values[i] = Some(observation);
    }

    fn wide_row(
        &mut self,
        actuals: &mut Actuals,
        row: &Row,
        roles: &[Role],
        key: CardKey,
        line: usize,
    ) {
        let observations: Vec<(usize, Observation)> = roles
            .iter()
            .enumerate()
            .filter_map(|(j, role)| match role {
                Role::Indicator(i) => Some((*i, j)),
                _ => None,
            })
            .map(|(i, j)| (i, self.observation(row, j, i)))
            .collect();
        let card_first = Loc {
            file: self.file,
            line,
            col: 1,
        };
        let card = actuals.card(key, card_first, self.def.indicators.len());
        let earlier = observations
            .iter()
            .find_map(|(i, _)| card.values[*i].as_ref().map(|o| o.loc));
        if let Some(earlier) = earlier {
            let describe = card.key.describe();
            let first_place = actuals.place(earlier);
            self.error(
                line,
                1,
                format!("duplicate row for {describe}: also given at {first_place}"),
                Some("keep one row per subject and period".into()),
            );
            return;
        }
        for (i, observation) in observations {
            card.values[i] = Some(observation);
        }
    }

    /// Parses the cell at column `j` as a value of indicator `i`.
    fn observation(&mut self, row: &Row, j: usize, i: usize) -> Observation {
        let text = row.record.get(j).unwrap_or("");
        let (line, col) = self.cell_position(row, j);
        let loc = Loc {
            file: self.file,
            line,
            col,
        };
        let indicator = &self.def.indicators[i];
        match parse_value(text, &indicator.unit) {
            Ok(value) => Observation {
                value,
                invalid: false,
                loc,
            },
            Err(e) => {
                let message = format!(
                    "invalid value {:?} for `{}`: {e}",
                    text.trim(),
                    indicator.id
                );
                self.error(line, col, message, None);
                Observation {
                    value: None,
                    invalid: true,
                    loc,
                }
            }
        }
    }

    /// Line and column of cell `j` of a row: found by walking the row's raw text, since
    /// the CSV reader reports where a record starts but not where its fields do.
    fn cell_position(&self, row: &Row, j: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        let mut offset = row.start;
        let mut field = 0;
        let mut quoted = false;
        while field < j && offset < bytes.len() {
            match bytes[offset] {
                b'"' => quoted = !quoted,
                b if b == self.delimiter && !quoted => field += 1,
                b'\n' | b'\r' if !quoted => break,
                _ => {}
            }
            offset += 1;
        }
        self.lines.locate(offset)
    }
}
