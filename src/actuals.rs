//! CSV data files → values keyed by scorecard (SPEC §5): encoding, delimiter, long
//! and wide layouts, header aliases, indicators by id or name, period labels, and every
//! problem located at its file, line and column.

use std::collections::HashMap;

use csv::StringRecord;

use crate::diag::{Diagnostic, LineIndex, did_you_mean, quoted};
use crate::model::{Column, PeriodKind, Scorecard};
use crate::period::Period;
use crate::read::encoding::{Encoding, decode};
use crate::read::value::{Value, parse_value};
use crate::score::{CardError, MissingPolicy, ScoredCard, score_card};

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
            (false, Some(p)) => format!("subject {}, period {p}", quoted(&self.subject)),
            (false, None) => format!("subject {}, {} card", quoted(&self.subject), self.kind),
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
    /// A rolled-up card's sources: per indicator, the values combined, in period
    /// order. Empty for a card read as it is.
    pub parts: Vec<Vec<Part>>,
    /// Per indicator, the constituent periods that had no value (under `--partial`).
    pub gaps: Vec<(usize, Vec<Period>)>,
}

impl CardData {
    /// Scores the card (§4): its values, then the gaps a `--partial` roll-up left.
    pub fn score(
        &self,
        def: &Scorecard,
        missing: MissingPolicy,
    ) -> Result<ScoredCard, Vec<CardError>> {
        let values: Vec<_> = self
            .values
            .iter()
            .map(|o| o.as_ref().and_then(|o| o.value).map(|v| v.amount))
            .collect();
        let score = score_card(def, self.key.kind, &values, missing)?;
        Ok(ScoredCard {
            subject: self.key.subject.clone(),
            period: self.key.period_label(),
            kind: self.key.kind,
            score,
            gaps: self
                .gaps
                .iter()
                .map(|(i, periods)| (*i, periods.iter().map(ToString::to_string).collect()))
                .collect(),
            explain: Vec::new(),
        })
    }
}

/// One value that went into a rolled-up one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub period: Period,
    pub value: Value,
    pub loc: Loc,
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
pub(crate) enum Role {
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
            suppressed: 0,
        };
        reader.read(self);
        if reader.suppressed > 0 {
            let more = reader.suppressed;
            reader.diagnostics.push(Diagnostic::error(
                path,
                0,
                0,
                format!(
                    "{more} more problems in this file are not listed; fix the ones above first"
                ),
            ));
        }
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
                parts: Vec::new(),
                gaps: Vec::new(),
            });
        }
        &mut self.cards[i]
    }
}

/// Warnings for data that is valid but probably not what was meant: a `%`
/// indicator whose values in a file are all at most 1 while its target is above 1
/// (`0.95` written for 95%).
pub fn warnings(def: &Scorecard, actuals: &Actuals, cards: &[CardData]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (i, indicator) in def.indicators.iter().enumerate() {
        if indicator.unit != "%" {
            continue;
        }
        let Some(target) = PeriodKind::ALL
            .iter()
            .filter_map(|&k| indicator.thresholds(k))
            .map(|t| t.target)
            .find(|t| *t > rust_decimal::Decimal::ONE)
        else {
            continue;
        };
        for file in 0..actuals.files.len() {
            let values: Vec<(&Observation, Value)> = cards
                .iter()
                .filter_map(|c| c.values[i].as_ref())
                .filter(|o| o.loc.file == file)
                .filter_map(|o| o.value.filter(|v| v.parts.is_none()).map(|v| (o, v)))
                .collect();
            let all_fractions = values
                .iter()
                .all(|(_, v)| v.amount.abs() <= rust_decimal::Decimal::ONE)
                && values.iter().any(|(_, v)| !v.amount.is_zero());
            if let (true, Some((first, value))) = (all_fractions, values.first()) {
                let shown = value.amount.normalize();
                let percent = (value.amount * rust_decimal::Decimal::ONE_HUNDRED).normalize();
                warnings.push(
                    Diagnostic::warning(
                        &actuals.files[file],
                        first.loc.line,
                        first.loc.col,
                        format!(
                            "every value of `{}` is at most 1 while its target is {}: {shown} looks like a fraction",
                            indicator.id,
                            target.normalize()
                        ),
                    )
                    .with_hint(Some(format!("values of a % indicator are percentages; write {percent} or {percent}%"))),
                );
            }
        }
    }
    warnings
}

/// Where the cells of the record starting at byte `start` begin, up to `limit` cells:
/// found by walking the raw text, since the CSV reader reports where a record starts
/// but not where its fields do. Quotes follow the reader's rules: a quote opens a
/// quoted cell only at the cell's start, and `""` inside one is a quote.
fn cell_starts(text: &[u8], start: usize, delimiter: u8, limit: usize) -> Vec<usize> {
    let mut starts = vec![start];
    let mut quoted = false;
    let mut i = start;
    while starts.len() < limit && i < text.len() {
        let b = text[i];
        if quoted {
            if b == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == b'"' && starts.last() == Some(&i) {
            quoted = true;
        } else if b == delimiter {
            starts.push(i + 1);
        } else if b == b'\n' || b == b'\r' {
            break;
        }
        i += 1;
    }
    starts
}

/// Comma, tab or semicolon: whichever occurs most in the header line (the first line
/// that is not blank) outside quotes, comma on a tie.
pub fn detect_delimiter(text: &str) -> u8 {
    let header = text
        .split(['\n', '\r'])
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let mut counts = [0usize; 3]; // , \t ;
    let mut quoted = false;
    let mut at_cell_start = true;
    for c in header.chars() {
        match c {
            '"' if quoted => quoted = false,
            '"' if at_cell_start => quoted = true,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
        at_cell_start = !quoted && matches!(c, ',' | '\t' | ';');
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

/// What a header cell names, before the header as a whole is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderCell {
    Empty,
    Known(Column),
    /// `indicator` or `actual` without the other: a long file needs both.
    Misplaced(Column),
    Indicator(usize),
    Unknown,
}

/// Whether a header (trimmed cells) is of the long layout: `indicator` and `actual`.
pub(crate) fn is_long(cells: &[&str]) -> bool {
    let has = |column| cells.iter().any(|c| Column::recognise(c) == Some(column));
    has(Column::Indicator) && has(Column::Actual)
}

pub(crate) fn classify(def: &Scorecard, cell: &str, long: bool) -> HeaderCell {
    if cell.is_empty() {
        return HeaderCell::Empty;
    }
    match Column::recognise(cell) {
        Some(column @ (Column::Indicator | Column::Actual)) if !long => {
            HeaderCell::Misplaced(column)
        }
        Some(column) => HeaderCell::Known(column),
        None if long => HeaderCell::Unknown,
        None => def
            .find(cell)
            .map_or(HeaderCell::Unknown, HeaderCell::Indicator),
    }
}

/// Problems kept for one file; past this they are counted, not listed, so that a
/// broken file (a million bad columns) cannot take a million times its size in memory.
pub const MAX_PROBLEMS: usize = 200;

struct FileReader<'a> {
    def: &'a Scorecard,
    path: &'a str,
    file: usize,
    text: &'a str,
    lines: LineIndex<'a>,
    delimiter: u8,
    options: &'a ReadOptions,
    diagnostics: Vec<Diagnostic>,
    /// Problems past `MAX_PROBLEMS`, counted.
    suppressed: usize,
}

/// A data row with where it starts in the text.
struct Row {
    record: StringRecord,
    start: usize,
}

impl FileReader<'_> {
    /// Records a problem at a byte offset of the text (`None`: the whole file). Past
    /// `MAX_PROBLEMS` in one file, problems are only counted.
    fn error(&mut self, at: Option<usize>, message: String, hint: Option<String>) {
        if self.is_full() {
            self.suppressed += 1;
            return;
        }
        let (line, col) = at.map_or((0, 0), |at| self.lines.locate(at));
        let snippet = at.map(|at| self.lines.snippet(at));
        self.diagnostics.push(
            Diagnostic::error(self.path, line, col, message)
                .with_hint(hint)
                .with_snippet(snippet),
        );
    }

    fn is_full(&self) -> bool {
        self.diagnostics.len() >= MAX_PROBLEMS
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
                    let at = e.position().map(|p| p.byte() as usize);
                    self.error(at, format!("unreadable CSV: {e}"), None);
                    return;
                }
            }
        }
        let mut rows = rows.into_iter();
        let Some(header) = rows.next() else {
            self.error(
                None,
                "the file is empty".into(),
                Some("a data file starts with a header line, such as indicator,actual".into()),
            );
            return;
        };
        let data: Vec<Row> = rows.collect();
        // A header with problems still lets every row be checked, but no row of the
        // file is scored: what the broken columns held is unknown.
        let before = self.diagnostics.len();
        let roles = self.header(&header, &data);
        let header_ok = self.diagnostics.len() == before;
        let long = roles.contains(&Role::Known(Column::Indicator))
            && roles.contains(&Role::Known(Column::Actual));
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
                    Some(row.start),
                    format!(
                        "this row has {} cells but the header has {}",
                        row.record.len(),
                        header.record.len()
                    ),
                    Some("every row needs one cell per header column; check for a missing or extra delimiter".into()),
                );
                continue;
            }
            // A row whose period is wrong still has its cells checked.
            let key = self
                .card_key(row, &roles, &mut period_problem)
                .filter(|_| header_ok);
            if long {
                self.long_row(actuals, row, &roles, key, line);
            } else {
                self.wide_row(actuals, row, &roles, key, line);
            }
        }
        if !any_data {
            self.error(
                Some(header.start),
                "the file has a header but no data rows".into(),
                Some("add one row per value (long layout) or per scorecard (wide layout)".into()),
            );
        }
    }

    /// Each header cell's role; a cell with a problem is reported and ignored.
    fn header(&mut self, header: &Row, data: &[Row]) -> Vec<Role> {
        let cells: Vec<&str> = header.record.iter().map(str::trim).collect();
        let long = is_long(&cells);
        let before = self.diagnostics.len();
        let mut roles = Vec::with_capacity(cells.len());
        let mut first_seen: HashMap<Role, usize> = HashMap::new();
        let offsets = self.cell_offsets(header);
        for (j, cell) in cells.iter().enumerate() {
            let at = Some(offsets[j]);
            let class = classify(self.def, cell, long);
            let role = if class == HeaderCell::Empty {
                let has_data = data
                    .iter()
                    .any(|row| row.record.get(j).is_some_and(|c| !c.trim().is_empty()));
                if has_data {
                    self.error(
                        at,
                        format!("column {} has values but no header", j + 1),
                        Some("name the column in the header line".into()),
                    );
                }
                Role::Ignored
            } else if let HeaderCell::Known(column) | HeaderCell::Misplaced(column) = class {
                if class == HeaderCell::Misplaced(column) {
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
                }
                Role::Known(column)
            } else if let HeaderCell::Indicator(i) = class {
                Role::Indicator(i)
            } else if self.options.ignore_unknown {
                Role::Ignored
            } else if self.is_full() {
                self.suppressed += 1;
                Role::Ignored
            } else {
                let (message, hint) = if long {
                    (
                        format!("unknown column {}", quoted(cell)),
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
                        format!("unknown indicator or column {}", quoted(cell)),
                        did_you_mean(cell, candidates)
                            .map(|s| format!("did you mean {s:?}?"))
                            .or_else(|| Some("name an indicator by its id, name or English name (see `kpi targets`); --ignore-unknown skips unknown columns".into())),
                    )
                };
                self.error(at, message, hint);
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
                }
            }
            roles.push(role);
        }
        if !long
            && !roles.iter().any(|r| matches!(r, Role::Indicator(_)))
            && self.diagnostics.len() == before
        {
            self.error(
                Some(header.start),
                "the header names no indicator".into(),
                Some("use the long layout (columns indicator and actual) or one column per indicator".into()),
            );
        }
        roles
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
            let at = Some(self.cell_offset(row, j));
            let message = if label.is_empty() {
                "the period is empty".to_string()
            } else {
                format!("unrecognised period {}", quoted(label))
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
            if !*period_problem {
                *period_problem = true;
                let at = Some(self.cell_offset(row, j));
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
        key: Option<CardKey>,
        line: usize,
    ) {
        let column = |c| roles.iter().position(|r| *r == Role::Known(c)).unwrap_or(0);
        let (ind_col, actual_col) = (column(Column::Indicator), column(Column::Actual));
        let name = row.record.get(ind_col).unwrap_or("").trim();
        let Some(i) = self.def.find(name) else {
            if self.options.ignore_unknown && !name.is_empty() {
                return;
            }
            let at = Some(self.cell_offset(row, ind_col));
            let (message, hint) = if name.is_empty() {
                ("the indicator is empty".to_string(), None)
            } else {
                (
                    format!("unknown indicator {}", quoted(name)),
                    did_you_mean(name, self.def.names()).map(|s| format!("did you mean {s:?}?")),
                )
            };
            let hint = hint.or_else(|| {
                Some("name an indicator by its id, name or English name (see `kpi targets`); --ignore-unknown skips unknown ones".into())
            });
            self.error(at, message, hint);
            return;
        };
        let observation = self.observation(row, actual_col, i);
        let Some(key) = key else { return };
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
                Some(self.cell_offset(row, actual_col)),
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
        key: Option<CardKey>,
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
        let Some(key) = key else { return };
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
                Some(row.start),
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
        let at = self.cell_offset(row, j);
        let (line, col) = self.lines.locate(at);
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
                    "invalid value {} for `{}`: {e}",
                    quoted(text.trim()),
                    indicator.id
                );
                self.error(Some(at), message, None);
                Observation {
                    value: None,
                    invalid: true,
                    loc,
                }
            }
        }
    }

    /// Where each cell of a row starts in the text.
    fn cell_offsets(&self, row: &Row) -> Vec<usize> {
        let mut offsets = cell_starts(
            self.text.as_bytes(),
            row.start,
            self.delimiter,
            row.record.len(),
        );
        let last = offsets.last().copied().unwrap_or(row.start);
        offsets.resize(row.record.len().max(1), last);
        offsets
    }

    /// Where cell `j` of a row starts in the text.
    fn cell_offset(&self, row: &Row, j: usize) -> usize {
        let offsets = cell_starts(self.text.as_bytes(), row.start, self.delimiter, j + 1);
        offsets
            .get(j)
            .or(offsets.last())
            .copied()
            .unwrap_or(row.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_comes_from_the_first_non_blank_line() {
        assert_eq!(detect_delimiter("a,b;c,d"), b',');
        assert_eq!(detect_delimiter("a;b;c,d"), b';');
        assert_eq!(detect_delimiter("\n\na\tb\tc\n1,2,3,4,5"), b'\t');
        assert_eq!(detect_delimiter("\"a,b,c\";d;e"), b';');
        assert_eq!(detect_delimiter("a,b;c"), b',');
        assert_eq!(detect_delimiter("a,b\tc"), b',');
        assert_eq!(detect_delimiter(""), b',');
    }

    #[test]
    fn cells_start_where_the_csv_reader_says() {
        let text = b"a,\"b,\"\"c\",d\n";
        assert_eq!(cell_starts(text, 0, b',', 10), [0, 2, 10]);
        // A quote inside a cell does not open a quoted cell.
        let text = b"5\",abc\n";
        assert_eq!(cell_starts(text, 0, b',', 10), [0, 3]);
        assert_eq!(cell_starts(b"x;y;z", 0, b';', 2), [0, 2]);
    }
}
