//! Targets per subject (SPEC §2.4): rows of thresholds that replace the card's for
//! one subject, resolved and checked here, looked up per card. Pure: the file is
//! read by `read::targets`, which hands rows in and locates the problems that come
//! back (a problem names a line and a threshold column, the reader finds the place).
//!
//! Memory: a file for 100,000 subjects × 11 indicators has a million rows. Each is
//! kept as 16 bytes: the subject by its place in a sorted list, the indicator, the
//! periods it applies to, the line, and its cells as one interned set (the same few
//! numbers recur across offices), never as five decimals.

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::model::{Better, Indicator, Lang, Method, PeriodKind, Scorecard, Thresholds};
use crate::names::Names;
use crate::period::Period;

/// The threshold columns, in breakpoint order from worst to best.
pub const SLOTS: [&str; 5] = ["worst", "target", "exceeds", "far_exceeds", "best"];
/// `target`'s place in `SLOTS`.
pub const TARGET: usize = 1;

/// The periods a row applies to: every one, every one of a kind, or one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Kind(PeriodKind),
    Label(Period),
}

/// A threshold cell of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cell {
    /// Empty: keeps what was there.
    Keep,
    /// A value: replaces the threshold.
    Set(Decimal),
    /// `-`, `不考核`, …: in `target`, not assessed; elsewhere, no such threshold.
    Clear,
}

/// Where the target in force for an indicator came from (`target_source` in JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetSource {
    /// The scorecard's own.
    Card,
    /// The targets file's row on this line.
    Line(u32),
    /// Not assessed: no target is in force; the row that said so, if a row did.
    NotAssessed(Option<u32>),
}

/// The thresholds in force for one card, per indicator, and where each target came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InForce {
    pub thresholds: Vec<Option<Thresholds>>,
    pub sources: Vec<TargetSource>,
    /// The targets file as given, which `TargetSource::Line` is a line of.
    pub file: Arc<str>,
}

impl InForce {
    /// The card's own thresholds for a period kind, with a targets file in force.
    pub fn of_card(def: &Scorecard, kind: PeriodKind, file: Arc<str>) -> InForce {
        let thresholds: Vec<Option<Thresholds>> = def
            .indicators
            .iter()
            .map(|i| i.thresholds(kind).copied())
            .collect();
        let sources = thresholds
            .iter()
            .map(|t| match t {
                Some(_) => TargetSource::Card,
                None => TargetSource::NotAssessed(None),
            })
            .collect();
        InForce {
            thresholds,
            sources,
            file,
        }
    }

    /// `target_source` of indicator `i` as JSON gives it: `card`, `FILE:LINE`, or
    /// `None` when not assessed.
    pub fn source_text(&self, i: usize) -> Option<String> {
        match self.sources.get(i)? {
            TargetSource::Card => Some("card".into()),
            TargetSource::Line(line) => Some(format!("{}:{line}", self.file)),
            TargetSource::NotAssessed(_) => None,
        }
    }
}

/// A problem found resolving the file: where (a line, and the threshold column of
/// the most specific cell involved, or `None` for the row), and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: u32,
    pub slot: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

/// One row as it is read, with its subject's number.
#[derive(Clone, Copy, Debug)]
struct Read {
    subject: u32,
    row: Row,
}

/// One row, compact (16 bytes): its subject is where it lies in the sorted rows.
/// Cells are an index into the interned cell sets.
#[derive(Clone, Copy, Debug)]
struct Row {
    indicator: u32,
    /// 0: every period; 1–4: a kind (`PeriodKind::index` + 1); 5 on: a label.
    scope: u32,
    /// `BAD`: a row with a problem of its own, kept to find rows given twice.
    cells: u32,
    line: u32,
}

const FIRST_LABEL: u32 = 5;

/// The cells of a row with a problem of its own.
const BAD: u32 = u32::MAX;

/// Rows handed in as a file is read, then checked and sorted into `SubjectTargets`.
#[derive(Default)]
pub struct Builder {
    subjects: HashMap<Box<str>, u32>,
    labels: Vec<Period>,
    label_ids: HashMap<Period, u32>,
    values: Vec<Decimal>,
    value_ids: HashMap<Decimal, u32>,
    sets: Vec<[u32; 5]>,
    set_ids: HashMap<[u32; 5], u32>,
    rows: Vec<Read>,
}

/// Every row of a targets file, sorted by subject, indicator and how specific it is.
#[derive(Debug, Default)]
pub struct SubjectTargets {
    /// The file as given, for `target_source`.
    file: Arc<str>,
    /// Subjects by code point, and where each one's rows start.
    subjects: Names,
    starts: Vec<u32>,
    rows: Vec<Row>,
    labels: Vec<Period>,
    /// Each label's scope.
    label_ids: HashMap<Period, u32>,
    values: Vec<Decimal>,
    /// Cell sets: per slot 0 (keep), 1 (clear) or 2 + an index into `values`.
    sets: Vec<[u32; 5]>,
}

impl Builder {
    /// Adds a row; row-local rules are the reader's.
    pub fn push(
        &mut self,
        subject: &str,
        indicator: usize,
        scope: Scope,
        cells: [Cell; 5],
        line: u32,
    ) {
        let next = self.subjects.len() as u32;
        let subject = match self.subjects.get(subject) {
            Some(&id) => id,
            None => {
                self.subjects.insert(subject.into(), next);
                next
            }
        };
        let scope = match scope {
            Scope::All => 0,
            Scope::Kind(kind) => 1 + kind.index() as u32,
            Scope::Label(period) => {
                let next = FIRST_LABEL + self.labels.len() as u32;
                *self.label_ids.entry(period).or_insert_with(|| {
                    self.labels.push(period);
                    next
                })
            }
        };
        let codes = cells.map(|cell| match cell {
            Cell::Keep => 0,
            Cell::Clear => 1,
            Cell::Set(value) => {
                let next = self.values.len() as u32;
                2 + *self.value_ids.entry(value).or_insert_with(|| {
                    self.values.push(value);
                    next
                })
            }
        });
        let next = self.sets.len() as u32;
        let cells = *self.set_ids.entry(codes).or_insert_with(|| {
            self.sets.push(codes);
            next
        });
        self.rows.push(Read {
            subject,
            row: Row {
                indicator: indicator as u32,
                scope,
                cells,
                line,
            },
        });
    }

    /// Adds a row with a problem of its own (already reported): it is not applied,
    /// but another row for the same subject, indicator and period is still found.
    pub fn push_bad(&mut self, subject: &str, indicator: usize, scope: Scope, line: u32) {
        self.push(subject, indicator, scope, [Cell::Keep; 5], line);
        if let Some(read) = self.rows.last_mut() {
            read.row.cells = BAD;
        }
    }

    /// Sorts the rows and checks every (subject, indicator) in every kind and label
    /// its rows name (§2.4, Validation). `file` is the file as given.
    pub fn finish(self, def: &Scorecard, file: &str, lang: Lang) -> (SubjectTargets, Vec<Problem>) {
        let Builder {
            subjects,
            labels,
            label_ids,
            values,
            sets,
            mut rows,
            ..
        } = self;
        // Subjects by code point; rows renumbered to match.
        let mut names: Vec<(Box<str>, u32)> = subjects.into_iter().collect();
        names.sort_unstable();
        let mut place = vec![0u32; names.len()];
        for (at, (_, id)) in names.iter().enumerate() {
            place[*id as usize] = at as u32;
        }
        for read in &mut rows {
            read.subject = place[read.subject as usize];
        }
        rows.sort_unstable_by_key(|r| (r.subject, r.row.indicator, r.row.scope, r.row.line));
        let mut starts = Vec::with_capacity(names.len());
        let mut at = 0;
        for s in 0..names.len() as u32 {
            while at < rows.len() && rows[at].subject < s {
                at += 1;
            }
            starts.push(at as u32);
        }
        let mut subjects = Names::default();
        for (name, _) in names {
            subjects.push(&name);
        }
        subjects.shrink_to_fit();
        let mut rows: Vec<Row> = rows.into_iter().map(|r| r.row).collect();
        rows.shrink_to_fit();
        let targets = SubjectTargets {
            file: file.into(),
            subjects,
            starts,
            rows,
            labels,
            label_ids,
            values,
            sets,
        };
        let problems = targets.check(def, lang);
        (targets, problems)
    }
}

/// One threshold slot as resolution goes: its value, and the row and order of the
/// cell that set it (`None`: the card's).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    value: Option<Decimal>,
    set_by: Option<(u32, u32)>,
}

/// The thresholds of one indicator in one period as the rows apply, in order.
#[derive(Clone, Copy, Debug)]
struct Resolved {
    slots: [Slot; 5],
    assessed: bool,
    /// The line of the row whose target is in force, or that made the indicator
    /// not assessed; `None`: the card's.
    target_line: Option<u32>,
    /// A threshold a row set while the indicator had no target in force.
    loose: Option<(u32, usize)>,
    applied: u32,
}

impl Resolved {
    fn of_card(thresholds: Option<&Thresholds>) -> Resolved {
        let mut slots = [Slot::default(); 5];
        if let Some(t) = thresholds {
            let values = [t.worst, Some(t.target), t.exceeds, t.far_exceeds, t.best];
            for (slot, value) in slots.iter_mut().zip(values) {
                slot.value = value;
            }
        }
        Resolved {
            slots,
            assessed: thresholds.is_some(),
            target_line: None,
            loose: None,
            applied: 0,
        }
    }

    fn apply(&mut self, codes: &[u32; 5], values: &[Decimal], line: u32) {
        self.applied += 1;
        for (j, &code) in codes.iter().enumerate() {
            match (j, code) {
                (_, 0) => {}
                (TARGET, 1) => {
                    self.assessed = false;
                    self.target_line = Some(line);
                }
                (_, 1) => {
                    self.slots[j] = Slot {
                        value: None,
                        set_by: Some((line, self.applied)),
                    };
                }
                (_, code) => {
                    self.slots[j] = Slot {
                        value: Some(values[(code - 2) as usize]),
                        set_by: Some((line, self.applied)),
                    };
                    if j == TARGET {
                        self.assessed = true;
                        self.target_line = Some(line);
                        self.loose = None;
                    } else if !self.assessed && self.loose.is_none() {
                        self.loose = Some((line, j));
                    }
                }
            }
        }
    }

    fn thresholds(&self) -> Option<Thresholds> {
        if !self.assessed {
            return None;
        }
        let [worst, target, exceeds, far_exceeds, best] = self.slots.map(|s| s.value);
        Some(Thresholds {
            target: target?,
            exceeds,
            far_exceeds,
            best,
            worst,
        })
    }

    fn source(&self) -> TargetSource {
        match (self.assessed, self.target_line) {
            (false, line) => TargetSource::NotAssessed(line),
            (true, None) => TargetSource::Card,
            (true, Some(line)) => TargetSource::Line(line),
        }
    }
}

impl SubjectTargets {
    /// The file as given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// One indicator's thresholds in force for a card of `subject`: `None` when the
    /// file does not name the subject, `Some(None)` when not assessed.
    pub fn thresholds_of(
        &self,
        def: &Scorecard,
        subject: &str,
        period: Option<Period>,
        kind: PeriodKind,
        i: usize,
    ) -> Option<Option<Thresholds>> {
        let rows = self.rows_of(self.subject_index(subject)?);
        let from = rows.partition_point(|r| (r.indicator as usize) < i);
        let to = rows.partition_point(|r| (r.indicator as usize) <= i);
        Some(
            self.resolve(&def.indicators[i], &rows[from..to], period, kind)
                .thresholds(),
        )
    }

    /// The thresholds in force for a card of a subject the file may not name.
    pub fn in_force_or_card(
        &self,
        def: &Scorecard,
        subject: &str,
        period: Option<Period>,
        kind: PeriodKind,
    ) -> InForce {
        self.in_force(def, subject, period, kind)
            .unwrap_or_else(|| InForce::of_card(def, kind, self.file.clone()))
    }

    /// The subjects the file names, by code point.
    pub fn subjects(&self) -> impl Iterator<Item = &str> {
        self.subjects.iter()
    }

    pub fn subject_count(&self) -> usize {
        self.subjects.len()
    }

    /// The place of `subject` among `subjects()`.
    pub fn subject_index(&self, subject: &str) -> Option<usize> {
        self.subjects.find_sorted(subject)
    }

    fn rows_of(&self, subject: usize) -> &[Row] {
        let start = self.starts[subject] as usize;
        let end = self
            .starts
            .get(subject + 1)
            .map_or(self.rows.len(), |&s| s as usize);
        &self.rows[start..end]
    }

    /// One indicator's thresholds for a period, from the card's and the rows of one
    /// subject for it (sorted: no period, then kinds, then labels).
    fn resolve(
        &self,
        indicator: &Indicator,
        rows: &[Row],
        period: Option<Period>,
        kind: PeriodKind,
    ) -> Resolved {
        let mut resolved = Resolved::of_card(indicator.thresholds(kind));
        // Rows without a period and of the kind come first; a label's row is found
        // by its scope, not looked for among thousands of other labels' rows.
        let kind_scope = 1 + kind.index() as u32;
        let label_scope = period.and_then(|p| self.label_ids.get(&p)).copied();
        let labelled = rows.partition_point(|r| r.scope < FIRST_LABEL);
        let label_rows = label_scope.map_or(&rows[..0], |scope| {
            let from = labelled + rows[labelled..].partition_point(|r| r.scope < scope);
            let to = from + rows[from..].partition_point(|r| r.scope == scope);
            &rows[from..to]
        });
        let general = rows[..labelled]
            .iter()
            .filter(|r| r.scope == 0 || r.scope == kind_scope);
        for row in general.chain(label_rows) {
            if let Some(codes) = self.sets.get(row.cells as usize) {
                resolved.apply(codes, &self.values, row.line);
            }
        }
        resolved
    }

    /// The thresholds in force for a card of `subject`; `None` when the file does
    /// not name the subject (the card's own are in force, by source `card`).
    pub fn in_force(
        &self,
        def: &Scorecard,
        subject: &str,
        period: Option<Period>,
        kind: PeriodKind,
    ) -> Option<InForce> {
        let rows = self.rows_of(self.subject_index(subject)?);
        let mut thresholds = Vec::with_capacity(def.indicators.len());
        let mut sources = Vec::with_capacity(def.indicators.len());
        for (i, indicator) in def.indicators.iter().enumerate() {
            let from = rows.partition_point(|r| (r.indicator as usize) < i);
            let to = rows.partition_point(|r| (r.indicator as usize) <= i);
            let resolved = self.resolve(indicator, &rows[from..to], period, kind);
            thresholds.push(resolved.thresholds());
            sources.push(resolved.source());
        }
        Some(InForce {
            thresholds,
            sources,
            file: self.file.clone(),
        })
    }

    /// The scorecard as one subject has it: the card with the subject's thresholds
    /// for each period kind (`kpi targets --subject`); `None` when the file does not
    /// name the subject.
    pub fn card_of(&self, def: &Scorecard, subject: &str) -> Option<Scorecard> {
        let mut card = def.clone();
        for kind in PeriodKind::ALL {
            let in_force = self.in_force(def, subject, None, kind)?;
            for (indicator, thresholds) in card.indicators.iter_mut().zip(in_force.thresholds) {
                indicator.periods[kind.index()] = thresholds;
            }
        }
        Some(card)
    }

    /// The subject's labelled exceptions: per period that a row names, each
    /// indicator whose thresholds there differ from those of the period's kind.
    pub fn exceptions(
        &self,
        def: &Scorecard,
        subject: &str,
    ) -> Vec<(Period, usize, Option<Thresholds>)> {
        let Some(s) = self.subject_index(subject) else {
            return Vec::new();
        };
        let mut labels: Vec<Period> = self
            .rows_of(s)
            .iter()
            .filter(|r| r.scope >= FIRST_LABEL)
            .map(|r| self.labels[(r.scope - FIRST_LABEL) as usize])
            .collect();
        labels.sort_by_key(|p| p.sort_key());
        labels.dedup();
        let mut exceptions = Vec::new();
        for period in labels {
            let (Some(kind), Some(label)) = (
                self.in_force(def, subject, None, period.kind),
                self.in_force(def, subject, Some(period), period.kind),
            ) else {
                continue;
            };
            for (i, (a, b)) in kind.thresholds.iter().zip(label.thresholds).enumerate() {
                if *a != b {
                    exceptions.push((period, i, b));
                }
            }
        }
        exceptions
    }

    /// Every problem of the file's rows taken together: rows given twice, and the
    /// thresholds in force in every kind and label a subject's rows name.
    fn check(&self, def: &Scorecard, lang: Lang) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (s, subject) in self.subjects.iter().enumerate() {
            let rows = self.rows_of(s);
            for pair in rows.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                if (a.indicator, a.scope) == (b.indicator, b.scope) {
                    let indicator = &def.indicators[a.indicator as usize];
                    problems.push(Problem {
                        line: b.line,
                        slot: None,
                        message: format!(
                            "subject {} has two rows for {} {} (lines {} and {})",
                            crate::diag::quoted(subject),
                            indicator.label(None, lang),
                            self.scope_words(a.scope),
                            a.line,
                            b.line
                        ),
                        hint: Some("keep one of them".into()),
                    });
                }
            }
            let mut from = 0;
            while from < rows.len() {
                let i = rows[from].indicator;
                let to = from + rows[from..].partition_point(|r| r.indicator == i);
                let pair = Pair {
                    subject,
                    i: i as usize,
                    lang,
                };
                // A pair with a row of its own problem is not judged as a whole:
                // what that row would have given is unknown.
                if rows[from..to].iter().all(|r| r.cells != BAD) {
                    self.check_pair(def, &pair, &rows[from..to], &mut problems);
                }
                from = to;
            }
        }
        problems
    }

    fn scope_words(&self, scope: u32) -> String {
        match scope {
            0 => "without a period".into(),
            s if s < FIRST_LABEL => format!("for {}", PeriodKind::ALL[(s - 1) as usize]),
            s => format!("for {}", self.labels[(s - FIRST_LABEL) as usize]),
        }
    }

    /// One subject's indicator: its thresholds in every kind and label its rows name.
    fn check_pair(
        &self,
        def: &Scorecard,
        pair: &Pair<'_>,
        rows: &[Row],
        problems: &mut Vec<Problem>,
    ) {
        let indicator = &def.indicators[pair.i];
        let mut kinds = [false; 4];
        let mut labels: Vec<Period> = Vec::new();
        for row in rows {
            match row.scope {
                0 => kinds = [true; 4],
                s if s < FIRST_LABEL => kinds[(s - 1) as usize] = true,
                s => labels.push(self.labels[(s - FIRST_LABEL) as usize]),
            }
        }
        labels.dedup();
        // The same problem in several periods (a row without a period, out of order
        // with the card in each) is one problem naming them all.
        let mut found: Vec<(Problem, Vec<String>)> = Vec::new();
        let periods = PeriodKind::ALL
            .into_iter()
            .filter(|k| kinds[k.index()])
            .map(|k| (None, k))
            .chain(labels.iter().map(|&p| (Some(p), p.kind)));
        for (period, kind) in periods {
            let resolved = self.resolve(indicator, rows, period, kind);
            if let Some(problem) = problem_in(indicator, &resolved, pair) {
                let name = period.map_or_else(|| kind.to_string(), |p| p.to_string());
                match found.iter_mut().find(|(p, _)| *p == problem) {
                    Some((_, names)) => names.push(name),
                    None => found.push((problem, vec![name])),
                }
            }
        }
        for (mut problem, names) in found {
            problem.message = problem.message.replace("{periods}", &names.join(", "));
            problems.push(problem);
        }
    }
}

/// A subject's indicator being checked, and the language messages name it in.
struct Pair<'s> {
    subject: &'s str,
    i: usize,
    lang: Lang,
}

/// The problem of one indicator's thresholds in force, if any: `{periods}` in its
/// message stands for the periods where it is.
fn problem_in(indicator: &Indicator, resolved: &Resolved, pair: &Pair<'_>) -> Option<Problem> {
    // Named only when there is a problem: most pairs have none.
    let who = || {
        format!(
            "{} for subject {}",
            indicator.label(None, pair.lang),
            crate::diag::quoted(pair.subject)
        )
    };
    if !resolved.assessed {
        let (line, slot) = resolved.loose?;
        return Some(Problem {
            line,
            slot: Some(slot),
            message: format!(
                "`{}` of {} has no target in force in {{periods}}, so it would be a threshold without a target",
                SLOTS[slot],
                who()
            ),
            hint: Some(
                "give a target in the same row, or give this threshold only in rows of periods with a target"
                    .into(),
            ),
        });
    }
    let at = |slots: &[usize]| {
        // The most specific cell involved: the last applied; the card's are valid.
        slots
            .iter()
            .filter_map(|&j| {
                resolved.slots[j]
                    .set_by
                    .map(|(line, order)| (order, line, j))
            })
            .max()
            .map(|(_, line, j)| (line, j))
    };
    let slots = resolved.slots;
    let target = slots[TARGET].value?;
    if let Method::Ratio { .. } = indicator.method
        && target <= Decimal::ZERO
    {
        let (line, slot) = at(&[TARGET])?;
        return Some(Problem {
            line,
            slot: Some(slot),
            message: format!(
                "{} has target {} in {{periods}}, but method = \"ratio\" needs a target above 0",
                who(),
                target.normalize()
            ),
            hint: None,
        });
    }
    if indicator.method != Method::Bands {
        let extra = (0..5).find(|&j| j != TARGET && slots[j].value.is_some())?;
        let (line, slot) = at(&[extra])?;
        return Some(Problem {
            line,
            slot: Some(slot),
            message: format!(
                "`{}` cannot be given for {}: its method scores against the target alone",
                SLOTS[extra],
                who()
            ),
            hint: Some("leave the cell empty".into()),
        });
    }
    let present: Vec<(usize, Decimal)> = (0..5)
        .filter_map(|j| slots[j].value.map(|v| (j, v)))
        .collect();
    let broken = present
        .windows(2)
        .find(|w| indicator.better.reaches(w[0].1, w[1].1) && w[0].1 != w[1].1)?;
    let ((low, low_value), (high, high_value)) = (broken[0], broken[1]);
    let (line, slot) = at(&[low, high])?;
    let (rule, relation) = match indicator.better {
        Better::Higher => ("worst ≤ target ≤ exceeds ≤ far_exceeds ≤ best", "below"),
        Better::Lower => ("worst ≥ target ≥ exceeds ≥ far_exceeds ≥ best", "above"),
    };
    Some(Problem {
        line,
        slot: Some(slot),
        message: format!(
            "thresholds of {} are out of order in {{periods}}: {} = {} is {relation} {} = {}",
            who(),
            SLOTS[high],
            high_value.normalize(),
            SLOTS[low],
            low_value.normalize()
        ),
        hint: Some(format!(
            "with better = \"{}\" they must run {rule}",
            indicator.better.key()
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("a decimal")
    }

    /// The built-in card: repair_timeliness is 80 / 95 / 97 / 99 / 100 in every kind;
    /// visit_completion has no month target.
    fn def() -> Scorecard {
        crate::read::config::parse(crate::read::config::BUILTIN, "builtin").expect("the card")
    }

    fn cells(values: [&str; 5]) -> [Cell; 5] {
        values.map(|v| match v {
            "" => Cell::Keep,
            "-" => Cell::Clear,
            v => Cell::Set(d(v)),
        })
    }

    fn built(rows: &[(&str, &str, Scope, [&str; 5], u32)]) -> (SubjectTargets, Vec<Problem>) {
        let def = def();
        let mut builder = Builder::default();
        for (subject, id, scope, values, line) in rows {
            let i = def.find(id).expect("an indicator");
            builder.push(subject, i, *scope, cells(*values), *line);
        }
        builder.finish(&def, "t.csv", Lang::En)
    }

    fn period(label: &str) -> Period {
        Period::parse(label).expect("a period")
    }

    #[test]
    fn rows_apply_no_period_then_kind_then_label_each_only_its_cells() {
        let (targets, problems) = built(&[
            (
                "A",
                "repair_timeliness",
                Scope::Label(period("2026-Q3")),
                ["", "", "", "", "99.5"],
                4,
            ),
            (
                "A",
                "repair_timeliness",
                Scope::Kind(PeriodKind::Quarter),
                ["", "96", "", "", ""],
                3,
            ),
            (
                "A",
                "repair_timeliness",
                Scope::All,
                ["70", "94", "", "", ""],
                2,
            ),
        ]);
        assert_eq!(problems, Vec::new());
        let def = def();
        let i = def.find("repair_timeliness").expect("an indicator");
        let at = |p: Option<Period>, kind| {
            let f = targets.in_force(&def, "A", p, kind).expect("A has rows");
            (f.thresholds[i].expect("assessed"), f.sources[i])
        };
        let (month, source) = at(Some(period("2026-07")), PeriodKind::Month);
        assert_eq!(
            (month.worst, month.target, month.best),
            (Some(d("70")), d("94"), Some(d("100")))
        );
        assert_eq!(source, TargetSource::Line(2));
        let (q2, source) = at(Some(period("2026-Q2")), PeriodKind::Quarter);
        assert_eq!(
            (q2.target, q2.best, source),
            (d("96"), Some(d("100")), TargetSource::Line(3))
        );
        // The label row gives only best: the target in force is still line 3's.
        let (q3, source) = at(Some(period("2026-Q3")), PeriodKind::Quarter);
        assert_eq!(
            (q3.target, q3.best, source),
            (d("96"), Some(d("99.5")), TargetSource::Line(3))
        );
        assert!(
            targets
                .in_force(&def, "B", None, PeriodKind::Month)
                .is_none()
        );
    }

    #[test]
    fn not_assessed_then_restored_with_the_thresholds_before() {
        let (targets, problems) = built(&[
            (
                "A",
                "repair_timeliness",
                Scope::All,
                ["50", "", "", "", ""],
                2,
            ),
            (
                "A",
                "repair_timeliness",
                Scope::Kind(PeriodKind::Month),
                ["", "-", "", "", ""],
                3,
            ),
            (
                "A",
                "repair_timeliness",
                Scope::Label(period("2026-03")),
                ["", "90", "", "", ""],
                4,
            ),
        ]);
        assert_eq!(problems, Vec::new());
        let def = def();
        let i = def.find("repair_timeliness").expect("an indicator");
        let feb = targets.in_force(&def, "A", Some(period("2026-02")), PeriodKind::Month);
        let feb = feb.expect("rows");
        assert_eq!(
            (feb.thresholds[i], feb.sources[i]),
            (None, TargetSource::NotAssessed(Some(3)))
        );
        let mar = targets.in_force(&def, "A", Some(period("2026-03")), PeriodKind::Month);
        let t = mar.expect("rows").thresholds[i].expect("assessed again");
        assert_eq!(
            (t.worst, t.target, t.exceeds),
            (Some(d("50")), d("90"), Some(d("97")))
        );
    }

    #[test]
    fn a_target_where_the_card_has_none_brings_only_the_rows_thresholds() {
        let (targets, problems) = built(&[(
            "A",
            "visit_completion",
            Scope::Kind(PeriodKind::Month),
            ["", "75", "", "", "90"],
            2,
        )]);
        assert_eq!(problems, Vec::new());
        let def = def();
        let i = def.find("visit_completion").expect("an indicator");
        let f = targets
            .in_force(&def, "A", None, PeriodKind::Month)
            .expect("rows");
        let t = f.thresholds[i].expect("assessed");
        assert_eq!(
            (t.worst, t.target, t.exceeds, t.best),
            (None, d("75"), None, Some(d("90")))
        );
    }

    #[test]
    fn problems_of_rows_together_name_the_most_specific_cell_and_every_period() {
        let (_, problems) = built(&[
            // Out of order with the card's exceeds 97 in every kind: one problem.
            (
                "A",
                "repair_timeliness",
                Scope::All,
                ["", "96", "", "", ""],
                2,
            ),
            (
                "A",
                "repair_timeliness",
                Scope::All,
                ["", "98", "", "", ""],
                3,
            ),
            // A worst without a target in a month, where the card has none.
            (
                "B",
                "visit_completion",
                Scope::All,
                ["50", "", "", "", ""],
                4,
            ),
        ]);
        let found: Vec<(u32, Option<usize>, &str)> = problems
            .iter()
            .map(|p| (p.line, p.slot, p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    3,
                    None,
                    "subject \"A\" has two rows for Repair requests handled on time (repair_timeliness) without a period (lines 2 and 3)"
                ),
                (
                    3,
                    Some(TARGET),
                    "thresholds of Repair requests handled on time (repair_timeliness) for subject \"A\" are out of order in month, quarter, half, year: exceeds = 97 is below target = 98"
                ),
                (
                    4,
                    Some(0),
                    "`worst` of Customer visits completed (visit_completion) for subject \"B\" has no target in force in month, so it would be a threshold without a target"
                ),
            ]
        );
    }

    #[test]
    fn identical_cells_are_kept_once() {
        let mut builder = Builder::default();
        let def = def();
        for n in 0..1000u32 {
            builder.push(
                &format!("office {n}"),
                2,
                Scope::All,
                cells(["", "96", "", "", ""]),
                n + 2,
            );
        }
        assert_eq!((builder.sets.len(), builder.values.len()), (1, 1));
        let (targets, problems) = builder.finish(&def, "t.csv", Lang::En);
        assert!(problems.is_empty());
        assert_eq!(targets.subject_count(), 1000);
        // Subjects by code point: "office 10" before "office 2".
        assert_eq!(targets.subjects().nth(2), Some("office 10"));
    }

    #[test]
    fn tens_of_thousands_of_labels_keep_their_own_rows() {
        let def = def();
        let i = def.find("repair_timeliness").expect("an indicator");
        let mut builder = Builder::default();
        let mut line = 2;
        for year in 1000..7000u16 {
            for month in 1..=12u8 {
                let period = Period {
                    year,
                    kind: PeriodKind::Month,
                    index: month,
                };
                let target = if year == 6999 && month == 12 {
                    "90"
                } else {
                    "94"
                };
                builder.push(
                    "A",
                    i,
                    Scope::Label(period),
                    cells(["", target, "", "", ""]),
                    line,
                );
                line += 1;
            }
        }
        let (targets, problems) = builder.finish(&def, "t.csv", Lang::En);
        assert!(problems.is_empty(), "{problems:?}");
        let at = |year, index| {
            let period = Period {
                year,
                kind: PeriodKind::Month,
                index,
            };
            let f = targets.in_force(&def, "A", Some(period), PeriodKind::Month);
            f.expect("rows").thresholds[i].expect("assessed").target
        };
        assert_eq!(
            (at(6999, 12), at(6999, 11), at(1000, 1)),
            (d("90"), d("94"), d("94"))
        );
        // A month no row names has the card's target.
        assert_eq!(at(7000, 1), d("95"));
    }
}
