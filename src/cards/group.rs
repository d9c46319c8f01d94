//! Sorted rows → cards: consecutive rows of one subject and period make a card; a
//! second value for the same cell is a duplicate, named with both places. Cards are
//! gathered per subject and year, the span a roll-up needs (§6), rolled up, and handed
//! on in print order.

use std::collections::VecDeque;
use std::io;

use crate::cards::rollup::{roll_up, roll_up_all};
use crate::cards::store::{Row, Sorted};
use crate::cards::{CardData, CardKey, Grouping, RollUp};
use crate::diag::{Diagnostic, Problems};
use crate::model::Scorecard;
use crate::read::rows::{Loc, Observation};

/// The cards of sorted rows, in print order.
pub struct Cards<'a> {
    sorted: Sorted,
    how: Grouping<'a>,
    building: Option<Building>,
    batch: Batch,
    ready: VecDeque<CardData>,
    done: bool,
}

impl<'a> Cards<'a> {
    pub fn new(sorted: Sorted, how: Grouping<'a>) -> Cards<'a> {
        Cards {
            sorted,
            how,
            building: None,
            batch: Batch::default(),
            ready: VecDeque::new(),
            done: false,
        }
    }

    /// The next card, or `None` when there are no more; problems found on the way
    /// (duplicates, roll-ups that cannot be made) go to `problems`.
    pub fn next_card(&mut self, problems: &mut Problems) -> io::Result<Option<CardData>> {
        loop {
            if let Some(mut card) = self.ready.pop_front() {
                if card.targets.is_none() {
                    card.targets = self.how.in_force(&card.key);
                }
                return Ok(Some(card));
            }
            if self.done {
                return Ok(None);
            }
            let how = &self.how;
            match self.sorted.next_row()? {
                Some(row) => {
                    let same = self.building.as_ref().is_some_and(|b| {
                        b.subject == row.subject
                            && b.card.key.period == row.period
                            && b.card.key.kind == row.kind
                    });
                    if !same {
                        if let Some(done) = self.building.take() {
                            let card = done.finish(how, problems);
                            self.batch.take(how, problems, &mut self.ready, card);
                        }
                        let subject = self.sorted.subject(row.subject);
                        self.building = Some(Building::new(&row, subject, how.def));
                    }
                    if let Some(b) = self.building.as_mut() {
                        b.add(&row, how, problems);
                    }
                }
                None => {
                    self.done = true;
                    if let Some(done) = self.building.take() {
                        let card = done.finish(how, problems);
                        self.batch.take(how, problems, &mut self.ready, card);
                    }
                    self.batch.flush(how, problems, &mut self.ready);
                }
            }
        }
    }
}

/// The cards of one subject and year, waiting for their roll-up.
#[derive(Default)]
struct Batch {
    of: Option<(String, Option<u16>)>,
    cards: Vec<CardData>,
}

impl Batch {
    fn take(
        &mut self,
        how: &Grouping<'_>,
        problems: &mut Problems,
        ready: &mut VecDeque<CardData>,
        card: CardData,
    ) {
        if how.roll_up == RollUp::None {
            ready.push_back(card);
            return;
        }
        let of = (card.key.subject.clone(), card.key.period.map(|p| p.year));
        if self.of.as_ref() != Some(&of) {
            self.flush(how, problems, ready);
            self.of = Some(of);
        }
        self.cards.push(card);
    }

    fn flush(
        &mut self,
        how: &Grouping<'_>,
        problems: &mut Problems,
        ready: &mut VecDeque<CardData>,
    ) {
        if self.cards.is_empty() {
            return;
        }
        let cards = std::mem::take(&mut self.cards);
        let (cards, diagnostics) = match how.roll_up {
            RollUp::None => (cards, Vec::new()),
            RollUp::Into(kind) => roll_up(how, &cards, kind),
            RollUp::All => roll_up_all(how, &cards),
        };
        for d in diagnostics {
            problems.push(d);
        }
        ready.extend(cards);
    }
}

/// A card whose rows are being read.
struct Building {
    subject: u32,
    card: CardData,
    /// The cells of the wide row being read, which stand or fall together.
    pending: Vec<(usize, Observation)>,
    pending_row: Option<Loc>,
    /// Second values of a long file's rows (indicator, where, where first given):
    /// one problem for the card, however many indicators a pasted block repeats.
    duplicates: Vec<(usize, Loc, Loc)>,
}

impl Building {
    fn new(row: &Row, subject: &str, def: &Scorecard) -> Building {
        Building {
            subject: row.subject,
            card: CardData {
                key: CardKey {
                    subject: subject.to_string(),
                    period: row.period,
                    kind: row.kind,
                },
                first: row.row,
                values: vec![None; def.indicators.len()],
                parts: Vec::new(),
                gaps: Vec::new(),
                targets: None,
            },
            pending: Vec::new(),
            pending_row: None,
            duplicates: Vec::new(),
        }
    }

    fn add(&mut self, row: &Row, how: &Grouping<'_>, problems: &mut Problems) {
        let same_row = self
            .pending_row
            .is_some_and(|r| r.file == row.row.file && r.offset == row.row.offset);
        if !same_row {
            self.commit(how, problems);
        }
        if row.wide {
            self.pending.push((row.indicator, row.observation));
            self.pending_row = Some(row.row);
            return;
        }
        let Some(slot) = self.card.values.get_mut(row.indicator) else {
            return;
        };
        match slot {
            Some(earlier) => {
                self.duplicates
                    .push((row.indicator, row.observation.loc, earlier.loc));
            }
            None => *slot = Some(row.observation),
        }
    }

    /// The wide row read so far joins the card, unless it repeats one before it.
    fn commit(&mut self, how: &Grouping<'_>, problems: &mut Problems) {
        let Some(at) = self.pending_row.take() else {
            return;
        };
        let cells = std::mem::take(&mut self.pending);
        let earlier = cells
            .iter()
            .find_map(|(i, _)| self.card.values.get(*i).copied().flatten().map(|o| o.loc));
        if let Some(earlier) = earlier {
            problems.push(duplicate(
                how.files,
                at,
                earlier,
                format!("row for {}", self.card.key.describe()),
                "keep one row per subject and period",
            ));
            return;
        }
        for (i, observation) in cells {
            if let Some(slot) = self.card.values.get_mut(i) {
                *slot = Some(observation);
            }
        }
    }

    fn finish(mut self, how: &Grouping<'_>, problems: &mut Problems) -> CardData {
        self.commit(how, problems);
        // One problem per file the second values are in, at the first of them there.
        let mut files: Vec<usize> = self.duplicates.iter().map(|(_, at, _)| at.file).collect();
        files.sort_unstable();
        files.dedup();
        for file in files {
            let here: Vec<&(usize, Loc, Loc)> = self
                .duplicates
                .iter()
                .filter(|(_, at, _)| at.file == file)
                .collect();
            problems.push(duplicates(how, &self.card.key, &here));
        }
        self.card
    }
}

/// Second values of one card in one file (indicator, where, where first given): named
/// as one duplicate when there is one, else listed at the first of them.
fn duplicates(how: &Grouping<'_>, key: &CardKey, found: &[&(usize, Loc, Loc)]) -> Diagnostic {
    const HINT: &str = "keep one row per subject, period and indicator";
    if let [(i, at, earlier)] = found {
        let what = format!("value for {} ({})", how.names[*i], key.describe());
        return duplicate(how.files, *at, *earlier, what, HINT);
    }
    let at = found
        .iter()
        .map(|(_, at, _)| *at)
        .min_by_key(|loc| loc.offset)
        .unwrap_or_default();
    let mut ids: Vec<usize> = Vec::new();
    for (i, _, _) in found {
        if !ids.contains(i) {
            ids.push(*i);
        }
    }
    let ids: Vec<String> = ids.iter().map(|i| how.names[*i].clone()).collect();
    // The places first given, in file order, the first few named.
    const NAMED: usize = 3;
    let mut earlier: Vec<(usize, usize)> = found.iter().map(|(_, _, e)| (e.file, e.line)).collect();
    earlier.sort_unstable();
    earlier.dedup();
    let mut places: Vec<String> = earlier
        .iter()
        .take(NAMED)
        .map(|(file, line)| format!("{}:{line}", how.files[*file]))
        .collect();
    if earlier.len() > NAMED {
        places.push(format!("{} more rows", earlier.len() - NAMED));
    }
    Diagnostic::error(
        &how.files[at.file],
        at.line,
        at.col,
        format!(
            "{} duplicate values for {} ({}): also given at {}",
            found.len(),
            ids.join(", "),
            key.describe(),
            places.join(", ")
        ),
    )
    .with_offset(at.offset)
    .with_hint(Some(HINT.to_string()))
}

/// A second value (`what`) at `at` for what `earlier` gave: located at the second,
/// naming the first by `path:line`.
fn duplicate(files: &[String], at: Loc, earlier: Loc, what: String, hint: &str) -> Diagnostic {
    Diagnostic::error(
        &files[at.file],
        at.line,
        at.col,
        format!(
            "duplicate {what}: also given at {}:{}",
            files[earlier.file], earlier.line
        ),
    )
    .with_offset(at.offset)
    .with_hint(Some(hint.to_string()))
}
