//! The one pipeline every command runs on: data files are read into row records,
//! the rows are sorted into cards (spilling past the memory budget), the cards are
//! rolled up and scored, and each scored card goes to a sink. Problems are collected,
//! every one located, not stopped at.

use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::cards::CardData;
use crate::cards::group::Cards;
use crate::cards::store::{Compactor, Feed, Sorted, Store};
use crate::cards::{Grouping, RollUp};
use crate::diag::{Diagnostic, Problems};
use crate::model::Scorecard;
use crate::read::rows::{self, ReadOptions};
use crate::read::sheet::CellMap;
use crate::read::source;
use crate::score::{CardError, MissingPolicy, ScoredCard, Scorer};
use crate::targets::SubjectTargets;

/// Where scored cards go: a format's writer, an explanation, a trend, nothing.
///
/// A sink that can take cards back is given them while the files are still being
/// read, on the bet that the rows come in print order (§5), as a file sorted by
/// subject or a database's export does. A row out of order, or a problem, loses the
/// bet: the sink is rewound, and is given the cards again once every row is sorted.
pub trait Sink {
    /// A card scored, in print order, with the data it was scored from.
    fn card(&mut self, card: &CardData, scored: &ScoredCard) -> io::Result<()>;

    /// Whether `rewind` can take back the cards had so far.
    fn can_rewind(&self) -> bool;

    /// Takes back every card had so far, as if none had come.
    fn rewind(&mut self) -> io::Result<()>;
}

/// Where a sink writes, when what is written there can be taken back: a spool, or
/// a file of one's own not yet put in place.
pub trait Rewind {
    /// Whether `rewind` can take back what was written so far.
    fn can_rewind(&self) -> bool;

    /// Takes back everything written so far.
    fn rewind(&mut self) -> io::Result<()>;
}

impl Rewind for Vec<u8> {
    fn can_rewind(&self) -> bool {
        true
    }

    fn rewind(&mut self) -> io::Result<()> {
        self.clear();
        Ok(())
    }
}

/// A sink that keeps nothing (`kpi check`, or output that will not be written).
pub struct Discard;

impl Sink for Discard {
    fn card(&mut self, _: &CardData, _: &ScoredCard) -> io::Result<()> {
        Ok(())
    }

    fn can_rewind(&self) -> bool {
        true
    }

    fn rewind(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a progress display reads while a run goes on.
#[derive(Debug, Default)]
pub struct Counts {
    /// Rows read so far, counted a few thousand at a time.
    pub rows: AtomicU64,
    /// Every data file has been read.
    pub read: AtomicBool,
}

/// Everything the pipeline needs to know, resolved before it runs.
pub struct Settings<'a> {
    pub def: &'a Scorecard,
    pub read: ReadOptions,
    pub roll_up: RollUp,
    pub partial: bool,
    pub missing: MissingPolicy,
    /// Bytes of rows held in memory before sorted runs spill to disk.
    pub memory: usize,
    /// Where spilled runs go (unnamed files: gone however the process ends).
    pub spill_dir: PathBuf,
    /// `--sheet`: the sheet of a workbook to read.
    pub sheet: Option<String>,
    /// Targets per subject (SPEC §2.4), when a targets file is in force.
    pub targets: Option<&'a SubjectTargets>,
    /// `--strict`: a warning in the files keeps every card from the sink, as an
    /// error does.
    pub strict: bool,
    /// Counts for a progress display; `None` when nobody watches.
    pub counts: Option<Arc<Counts>>,
}

impl Settings<'_> {
    /// How cards are made of the rows of `files`.
    fn grouping<'f>(&'f self, files: &'f [String], names: &'f [String]) -> Grouping<'f> {
        Grouping {
            def: self.def,
            files,
            names,
            roll_up: self.roll_up,
            partial: self.partial,
            targets: self.targets,
        }
    }
}

/// Rows read between two updates of the progress display's count.
const PROGRESS_STEP: u64 = 8192;

/// Cards handed from the scoring thread to the writing one at a time: as many as hold
/// this many values, counting a rolled-up card's sources (a year card of months holds
/// 13 times a month card's), so that the cards in flight take the same memory
/// whatever their period.
const BATCH_VALUES: usize = 256 * 11;

/// The default memory budget for rows: the other bounds of a run (buffers, the
/// merge, output) fit beside it in 64 MiB.
pub const DEFAULT_MEMORY: usize = 24 << 20;

/// A data file to read.
pub enum Input<'a> {
    /// `name` as messages give it, and its bytes.
    Open {
        name: String,
        reader: Box<dyn Read + 'a>,
    },
    /// A file that could not be opened: the problem says why.
    Failed { name: String, problem: Diagnostic },
}

impl Input<'_> {
    /// The file's name, as messages give it.
    pub fn name(&self) -> &str {
        match self {
            Input::Open { name, .. } | Input::Failed { name, .. } => name,
        }
    }
}

/// The data files read, and their rows sorted, ready to make cards.
struct Reading {
    store: Store,
    files: Vec<String>,
    /// Each indicator as messages name it (`Indicator::label`).
    names: Vec<String>,
    rejected: Vec<bool>,
    problems: Problems,
    sheets: Vec<CellMap>,
}

/// What a run found.
#[derive(Debug)]
pub struct Outcome {
    /// Every problem and warning, located.
    pub diagnostics: Vec<Diagnostic>,
    /// Cards scored and handed to the sink.
    pub cards: usize,
    /// The data files, as messages name them.
    pub files: Vec<String>,
    /// Per subject of the targets file in force, whether any card is of it.
    pub subjects: Vec<bool>,
}

/// Runs the pipeline: every data file read, every row made part of a card, every card
/// rolled up and scored and handed to `sink`, in print order. Problems are all looked
/// for; once the files show an error (or, under `strict`, a warning), no card goes to
/// the sink, and once a card shows one, no later card does (SPEC §8).
///
/// Rows that come in print order make cards as they are read, on a thread of their
/// own (when the sink can take cards back, should a later row come out of order).
/// Otherwise cards are made once the last row is read and sorted.
pub fn run(
    settings: &Settings<'_>,
    inputs: Vec<Input<'_>>,
    sink: &mut (dyn Sink + Send),
) -> io::Result<Outcome> {
    let files: Vec<String> = inputs.iter().map(|i| i.name().to_string()).collect();
    // Provisional names: a problem loses the bet, so no message uses them.
    let names: Vec<String> = settings
        .def
        .indicators
        .iter()
        .map(|i| i.label(None, settings.read.lang))
        .collect();
    let bet_on: &mut (dyn Sink + Send) = &mut *sink;
    let (reading, bet) = std::thread::scope(|scope| -> io::Result<_> {
        let (feed, betting) = if bet_on.can_rewind() {
            let (feed, sorted) = Sorted::fed();
            let (files, names) = (&files, &names);
            let betting = std::thread::Builder::new().spawn_scoped(scope, move || {
                hand_on(
                    settings,
                    sorted,
                    files,
                    names,
                    &mut Problems::default(),
                    bet_on,
                    true,
                )
            })?;
            (Some(feed), Some(betting))
        } else {
            (None, None)
        };
        let reading = read(settings, inputs, feed);
        let bet = betting.map(|betting| {
            betting
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the scoring thread failed")))
        });
        Ok((reading?, bet))
    })?;
    if let Some(counts) = &settings.counts {
        counts.read.store(true, Ordering::Relaxed);
    }
    let Reading {
        store,
        files,
        names,
        rejected,
        mut problems,
        sheets,
    } = reading;
    let failed = problems.has_errors()
        || (settings.strict && problems.has_warnings())
        || rejected.contains(&true);
    let handed = match bet {
        Some(Ok(handed)) if handed.won && store.fed_all() && !failed => handed,
        bet => {
            if bet.is_some() {
                sink.rewind()?;
            }
            let sink: &mut (dyn Sink + Send) = if failed { &mut Discard } else { sink };
            let sorted = store.into_sorted(rejected)?;
            hand_on(settings, sorted, &files, &names, &mut problems, sink, false)?
        }
    };
    let mut diagnostics = problems.into_sorted(&files);
    for map in &sheets {
        map.locate(&mut diagnostics);
    }
    Ok(Outcome {
        diagnostics,
        cards: handed.cards,
        files,
        subjects: handed.subjects,
    })
}

/// Reads every data file, its rows sorted (and, while they come in print order,
/// handed to `feed` as they are read).
fn read(
    settings: &Settings<'_>,
    inputs: Vec<Input<'_>>,
    feed: Option<Feed>,
) -> io::Result<Reading> {
    let mut store = Store::new(&settings.spill_dir);
    let (compactor, spiller) = Compactor::new(settings.memory);
    let mut reader = Reader {
        settings,
        files: Vec::new(),
        rejected: Vec::new(),
        problems: Problems::default(),
        named: vec![None; settings.def.indicators.len()],
        sheets: Vec::new(),
        compactor,
        counted: 0,
    };
    // Two threads: this one reads, parses and makes rows compact; the other sorts
    // each run of rows and spills it while the next one is read.
    std::thread::scope(|scope| -> io::Result<()> {
        let storing =
            std::thread::Builder::new().spawn_scoped(scope, || store.spill_all(spiller, feed))?;
        for input in inputs {
            reader.read_input(input);
        }
        reader.compactor.finish();
        storing
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the sorting thread failed")))
    })?;
    let Reader {
        files,
        rejected,
        problems,
        sheets,
        named,
        ..
    } = reader;
    // Named as the first file to name them names them, else in the language asked for.
    let names = settings
        .def
        .indicators
        .iter()
        .zip(&named)
        .map(|(indicator, named)| indicator.label(named.as_deref(), settings.read.lang))
        .collect();
    Ok(Reading {
        store,
        files,
        names,
        rejected,
        problems,
        sheets,
    })
}

/// The reading side of `read`.
struct Reader<'s> {
    settings: &'s Settings<'s>,
    files: Vec<String>,
    /// Per indicator, the first text that named it, in the order of the files.
    named: Vec<Option<String>>,
    rejected: Vec<bool>,
    problems: Problems,
    sheets: Vec<CellMap>,
    compactor: Compactor,
    /// Rows read but not yet counted for the progress display.
    counted: u64,
}

impl Reader<'_> {
    fn read_input(&mut self, input: Input<'_>) {
        let file = self.files.len();
        match input {
            Input::Failed { name, problem } => {
                self.files.push(name);
                self.rejected.push(true);
                self.problems.push(problem);
            }
            Input::Open { name, mut reader } => {
                self.files.push(name.clone());
                self.rejected.push(false);
                let rejected = self.read_one(file, &name, &mut *reader);
                self.rejected[file] = rejected;
            }
        }
    }

    /// Reads one file; whether its rows are to be dropped.
    fn read_one(&mut self, file: usize, name: &str, reader: &mut dyn Read) -> bool {
        let settings = self.settings;
        let compactor = &mut self.compactor;
        let counted = &mut self.counted;
        let mut emit_and_send = |record: rows::Record<'_>| {
            compactor.push(&record);
            // Counted a few thousand at a time, not row by row across threads.
            *counted += 1;
            if *counted == PROGRESS_STEP {
                *counted = 0;
                if let Some(counts) = &settings.counts {
                    counts.rows.fetch_add(PROGRESS_STEP, Ordering::Relaxed);
                }
            }
        };
        let mut notes = Vec::new();
        let opened = source::open(name, reader, settings.sheet.as_deref(), &mut notes);
        for note in notes {
            self.problems.push(note);
        }
        let mut text = match opened {
            Ok(text) => text,
            Err(problem) => {
                self.problems.push(*problem);
                return true;
            }
        };
        let options = text.options(&settings.read);
        let result = rows::read(
            settings.def,
            settings.targets,
            name,
            file,
            &mut text.reader(),
            &options,
            &mut emit_and_send,
        );
        if let Some(map) = text.into_map() {
            self.sheets.push(map);
        }
        self.problems
            .absorb(name, result.diagnostics, result.unlisted);
        for (first, named) in self.named.iter_mut().zip(result.named) {
            if first.is_none() {
                *first = named;
            }
        }
        result.rejected
    }
}

/// What handing cards on came to.
struct Handed {
    /// Cards scored and handed to the sink.
    cards: usize,
    /// Per subject of the targets file in force, whether any card is of it.
    subjects: Vec<bool>,
    /// On a bet: every row came and made a card, with no problem.
    won: bool,
}

/// Cards made of sorted rows, rolled up, scored and handed to `sink`. On a `bet`
/// (rows fed as they are read), the first problem stops it: the bet is lost.
fn hand_on(
    settings: &Settings<'_>,
    sorted: Sorted,
    files: &[String],
    names: &[String],
    problems: &mut Problems,
    sink: &mut (dyn Sink + Send),
    bet: bool,
) -> io::Result<Handed> {
    let how = settings.grouping(files, names);
    let mut cards = Cards::new(sorted, how);
    let mut subjects = vec![false; settings.targets.map_or(0, |t| t.subject_count())];
    // Two threads (and the merge on a third, in `Sorted`): this one groups, rolls
    // up and scores; the other renders and writes. Cards pass in order, so the
    // bytes are those of one.
    let (handed, written) = std::thread::scope(|scope| -> io::Result<(Handed, io::Result<()>)> {
        let (to_sink, from_scorer) =
            std::sync::mpsc::sync_channel::<Vec<(CardData, ScoredCard)>>(4);
        let writer =
            std::thread::Builder::new().spawn_scoped(scope, move || -> io::Result<()> {
                for batch in from_scorer {
                    for (card, scored) in &batch {
                        sink.card(card, scored)?;
                    }
                }
                Ok(())
            })?;
        let mut scored_cards = 0;
        let mut batch = Vec::new();
        let mut values_in_batch = 0;
        let targets = settings.targets;
        let mut receiver_gone = false;
        let mut won = bet;
        let scorer = Scorer::new(settings.def);
        while let Some(card) = cards.next_card(problems)? {
            if bet && problems.has_any() {
                won = false;
                break;
            }
            if let Some(s) = targets.and_then(|t| t.subject_index(&card.key.subject)) {
                subjects[s] = true;
            }
            match card.score(&scorer, settings.missing) {
                // After the first problem, cards are scored for their problems
                // only: output stops where the data went wrong (SPEC §8).
                Ok(_) if problems.has_errors() || receiver_gone => {}
                Ok(scored) => {
                    values_in_batch +=
                        card.values.len() + card.parts.iter().map(Vec::len).sum::<usize>();
                    batch.push((card, scored));
                    scored_cards += 1;
                    if values_in_batch >= BATCH_VALUES {
                        let full = std::mem::take(&mut batch);
                        values_in_batch = 0;
                        receiver_gone = to_sink.send(full).is_err();
                    }
                }
                Err(_) if bet => {
                    won = false;
                    break;
                }
                Err(errors) => {
                    for d in card_problems(settings.def, names, files, &card, &errors) {
                        problems.push(d);
                    }
                }
            }
        }
        if bet && problems.has_any() {
            won = false;
        }
        if !batch.is_empty() && !receiver_gone && (won || !bet) {
            let _ = to_sink.send(batch);
        }
        drop(to_sink);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writing thread failed")));
        let handed = Handed {
            cards: scored_cards,
            subjects,
            won,
        };
        Ok((handed, written))
    })?;
    written?;
    Ok(handed)
}

/// The cards a run makes of its data, unscored, and the problems found making them:
/// the pipeline without its last step, for tests and tools.
pub fn cards_of(
    settings: &Settings<'_>,
    inputs: Vec<Input<'_>>,
) -> io::Result<(Vec<CardData>, Vec<Diagnostic>)> {
    let Reading {
        store,
        files,
        names,
        rejected,
        mut problems,
        ..
    } = read(settings, inputs, None)?;
    let how = settings.grouping(&files, &names);
    let mut cards = Cards::new(store.into_sorted(rejected)?, how);
    let mut all = Vec::new();
    while let Some(card) = cards.next_card(&mut problems)? {
        all.push(card);
    }
    Ok((all, problems.into_sorted(&files)))
}

/// Located diagnostics for a card that could not be scored. Indicators absent from
/// the data are listed in one message; an empty cell gets its own; a cell that did
/// not parse was reported already.
fn card_problems(
    def: &Scorecard,
    names: &[String],
    files: &[String],
    card: &CardData,
    errors: &[CardError],
) -> Vec<Diagnostic> {
    let at = |loc: rows::Loc, message: String, hint: &str| {
        Diagnostic::error(&files[loc.file], loc.line, loc.col, message)
            .with_offset(loc.offset)
            .with_hint(Some(hint.to_string()))
    };
    let describe = card.key.describe();
    let kind = card.key.kind;
    let mut problems = Vec::new();
    let mut absent = Vec::new();
    let mut empty = Vec::new();
    for error in errors {
        let CardError::MissingValue(i) = *error else {
            continue;
        };
        match &card.values[i] {
            Some(o) if o.invalid => {}
            Some(o) => empty.push((names[i].clone(), o.loc)),
            None => absent.push(names[i].clone()),
        }
    }
    // Empty cells of one card are one problem per file, at the first of them there.
    let mut empty_in: Vec<usize> = empty.iter().map(|(_, loc)| loc.file).collect();
    empty_in.sort_unstable();
    empty_in.dedup();
    for file in empty_in {
        let here: Vec<&(String, rows::Loc)> =
            empty.iter().filter(|(_, loc)| loc.file == file).collect();
        let Some(loc) = here
            .iter()
            .map(|(_, loc)| *loc)
            .min_by_key(|loc| loc.offset)
        else {
            continue;
        };
        let (message, hint) = if let [(id, _)] = here.as_slice() {
            (
                format!("no value for {id} ({describe}), which has a {kind} target"),
                "give it a value, or use --missing zero or --missing skip",
            )
        } else {
            let ids: Vec<&str> = here.iter().map(|(id, _)| id.as_str()).collect();
            (
                format!(
                    "no values for {} ({describe}), which have {kind} targets: their cells are empty",
                    ids.join(", ")
                ),
                "give them values, or use --missing zero or --missing skip",
            )
        };
        problems.push(at(loc, message, hint));
    }
    if !absent.is_empty() {
        let message = if absent.len() == 1 {
            format!(
                "no value for {} ({describe}), which has a {kind} target",
                absent[0]
            )
        } else {
            format!(
                "no values for {} ({describe}), which have {kind} targets",
                absent.join(", ")
            )
        };
        problems.push(at(
            card.first,
            message,
            "give them values, or use --missing zero or --missing skip",
        ));
    }
    let reported = card.values.iter().flatten().any(|o| o.invalid);
    if errors.contains(&CardError::NothingToScore) && !reported {
        let any_target = match &card.targets {
            Some(in_force) => in_force.thresholds.iter().any(Option::is_some),
            None => def.indicators.iter().any(|i| i.thresholds(kind).is_some()),
        };
        let message = if any_target {
            format!(
                "nothing to score for {describe}: no indicator with a {kind} target has a value"
            )
        } else {
            format!("nothing to score for {describe}: no indicator has a {kind} target")
        };
        problems.push(at(
            card.first,
            message,
            "give a value for an indicator assessed in this period, or score another --period",
        ));
    }
    problems
}
