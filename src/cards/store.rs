//! Row records in a compact form, sorted into print order in bounded memory.
//!
//! Rows are kept as fixed-size records (values parsed once, locations as numbers) in
//! runs of half the memory budget. A full run goes to a thread of its own, which
//! interns its subjects, sorts it and spills it to a temporary file while the reading
//! thread fills the other half; at the end the runs are merged, on a thread of its
//! own too: external sorting, as `sort` and databases do it. Rows that arrive in order
//! go in small runs (to reach the cards soon), already sorted, written on to one spill
//! file: one sorted run. Spill files are unnamed (unlinked at creation), so nothing is
//! left behind however the process ends.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};

use rust_decimal::Decimal;

use crate::model::PeriodKind;
use crate::period::Period;
use crate::read::rows::{Loc, Observation, Record};
use crate::read::value::Value;

/// A row as the merge hands it on.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// Index into the store's subjects.
    pub subject: u32,
    pub period: Option<Period>,
    pub kind: PeriodKind,
    pub indicator: usize,
    pub observation: Observation,
    pub row: Loc,
    pub wide: bool,
}

const HAS_VALUE: u8 = 1;
const INVALID: u8 = 2;
const WIDE: u8 = 4;
const HAS_PARTS: u8 = 8;
/// No parts: the index `parts` holds then.
const NO_PARTS: u32 = u32::MAX;

/// One cell, as kept in memory: 72 bytes.
#[derive(Clone, Copy, Debug)]
struct Compact {
    subject: u32,
    kind: u8,
    flags: u8,
    indicator: u16,
    file: u32,
    line: u32,
    col: u32,
    row_line: u32,
    /// The period's place in print order; 0 without a period.
    order: u64,
    offset: u64,
    row_offset: u64,
    amount: Decimal,
    /// Index into the store's `parts` (an `a/b` value's numerator and denominator).
    parts: u32,
}

/// Bytes a spilled row takes without, and with, its parts.
const ENCODED: usize = 64;
const PARTS_ENCODED: usize = 32;

fn order_of(period: Option<Period>) -> u64 {
    period.map_or(0, |p| {
        let (year, last, kind) = p.sort_key();
        (1 << 40) | (u64::from(year) << 16) | (u64::from(last) << 8) | kind.index() as u64
    })
}

fn period_of(order: u64) -> Option<Period> {
    if order == 0 {
        return None;
    }
    let kind = PeriodKind::ALL[(order & 0xFF) as usize % PeriodKind::ALL.len()];
    let last = ((order >> 8) & 0xFF) as u32;
    Some(Period {
        year: ((order >> 16) & 0xFFFF) as u16,
        kind,
        index: (last / kind.months()) as u8,
    })
}

impl Compact {
    /// The order of print (§5), then of input, given the subjects' ranks.
    fn key(&self, rank: &[u32]) -> MergeKey {
        MergeKey {
            subject: rank[self.subject as usize],
            order: self.order,
            kind: self.kind,
            file: self.file,
            row_offset: self.row_offset,
            col: self.col,
        }
    }

    fn encode(&self, parts: Option<(Decimal, Decimal)>, out: &mut Vec<u8>) {
        let flags = if parts.is_some() {
            self.flags | HAS_PARTS
        } else {
            self.flags & !HAS_PARTS
        };
        out.extend_from_slice(&self.subject.to_le_bytes());
        out.push(self.kind);
        out.push(flags);
        out.extend_from_slice(&self.indicator.to_le_bytes());
        for n in [self.file, self.line, self.col, self.row_line] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for n in [self.order, self.offset, self.row_offset] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.extend_from_slice(&self.amount.serialize());
        if let Some((a, b)) = parts {
            out.extend_from_slice(&a.serialize());
            out.extend_from_slice(&b.serialize());
        }
    }
}

/// Reads one spilled row; `None` at the end of the run.
fn decode(input: &mut impl Read) -> io::Result<Option<Spilled>> {
    let mut buf = [0u8; ENCODED];
    match input.read_exact(&mut buf) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let u32_at = |i: usize| u32::from_le_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]);
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&buf[i..i + 8]);
        u64::from_le_bytes(b)
    };
    let decimal_at = |bytes: &[u8]| {
        let mut b = [0u8; 16];
        b.copy_from_slice(bytes);
        Decimal::deserialize(b)
    };
    let flags = buf[5];
    let row = Compact {
        subject: u32_at(0),
        kind: buf[4],
        flags,
        indicator: u16::from_le_bytes([buf[6], buf[7]]),
        file: u32_at(8),
        line: u32_at(12),
        col: u32_at(16),
        row_line: u32_at(20),
        order: u64_at(24),
        offset: u64_at(32),
        row_offset: u64_at(40),
        amount: decimal_at(&buf[48..64]),
        parts: NO_PARTS,
    };
    let parts = if flags & HAS_PARTS != 0 {
        let mut more = [0u8; PARTS_ENCODED];
        input.read_exact(&mut more)?;
        Some((decimal_at(&more[..16]), decimal_at(&more[16..])))
    } else {
        None
    };
    Ok(Some((row, parts)))
}

fn to_row(row: &Compact, parts: Option<(Decimal, Decimal)>) -> Row {
    let loc = |line: u32, col: u32, offset: u64| Loc {
        file: row.file as usize,
        line: line as usize,
        col: col as usize,
        offset,
    };
    let value = (row.flags & HAS_VALUE != 0).then_some(Value {
        amount: row.amount,
        parts,
    });
    Row {
        subject: row.subject,
        period: period_of(row.order),
        kind: PeriodKind::ALL[usize::from(row.kind) % PeriodKind::ALL.len()],
        indicator: usize::from(row.indicator),
        observation: Observation {
            value,
            invalid: row.flags & INVALID != 0,
            loc: loc(row.line, row.col, row.offset),
        },
        row: loc(row.row_line, 1, row.row_offset),
        wide: row.flags & WIDE != 0,
    }
}

/// A row with its `a/b` parts beside it, as a run is read back.
type Spilled = (Compact, Option<(Decimal, Decimal)>);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct MergeKey {
    subject: u32,
    order: u64,
    kind: u8,
    file: u32,
    row_offset: u64,
    col: u32,
}

/// Bytes a run holds at most while every row has come in print order.
const IN_ORDER_RUN: usize = 1 << 20;

/// Runs merged at once at most; past this, runs are merged into one first, so that
/// a small budget cannot run out of file handles.
const MAX_RUNS: usize = 128;

/// The rows of one run, on their way from the reading thread to the sorting one.
/// A row's `subject` is, until the run is sorted, the place of its subject's text in
/// the run: interning is left to the sorting thread, off the reading one.
#[derive(Debug, Default)]
pub struct Run {
    rows: Vec<Compact>,
    /// The `a/b` parts of values, indexed by the rows.
    parts: Vec<(Decimal, Decimal)>,
    /// The subjects of the rows, one after another, and where each ends.
    text: String,
    ends: Vec<usize>,
    /// Whether this run's rows, and every row before them, came in print order.
    in_order: bool,
    /// The last run: it stays in memory.
    last: bool,
}

impl Run {
    fn held(&self) -> usize {
        self.rows.len() * std::mem::size_of::<Compact>()
            + self.parts.len() * std::mem::size_of::<(Decimal, Decimal)>()
            + self.text.len()
            + self.ends.len() * std::mem::size_of::<usize>()
    }

    fn subject(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..self.ends[i]).unwrap_or("")
    }

    fn clear(&mut self) {
        self.rows.clear();
        self.parts.clear();
        self.text.clear();
        self.ends.clear();
    }
}

/// Makes records compact (values kept as numbers, locations as integers) into runs
/// of half the memory budget, and hands each full run to the sorting thread, which
/// sorts and spills it while the next one fills.
#[derive(Debug)]
pub struct Compactor {
    run: Run,
    /// Bytes a run may hold: half the budget, the other half being sorted.
    limit: usize,
    to_store: Option<SyncSender<Run>>,
    /// Runs the sorting thread is done with, to be filled again.
    empties: Option<Receiver<Run>>,
    /// Whether every row so far came in print order (§5): subject, then period. The
    /// subject and period of the last row, while they do.
    in_order: bool,
    subject: String,
    period: (u64, u8),
}

/// The sorting thread's ends of the channels to a `Compactor`.
pub struct Spiller {
    runs: Receiver<Run>,
    empties: SyncSender<Run>,
}

impl Compactor {
    /// A compactor for `budget` bytes of rows, and the channels its runs go by.
    pub fn new(budget: usize) -> (Compactor, Spiller) {
        // No room for a run in the channel: a full run waits until the sorting thread
        // takes it, so two runs are in memory at most.
        let (to_store, runs) = std::sync::mpsc::sync_channel(0);
        let (back, empties) = std::sync::mpsc::sync_channel(1);
        let _ = back.send(Run::default());
        let compactor = Compactor {
            run: Run::default(),
            limit: (budget / 2).max(1),
            to_store: Some(to_store),
            empties: Some(empties),
            in_order: true,
            subject: String::new(),
            period: (0, 0),
        };
        (
            compactor,
            Spiller {
                runs,
                empties: back,
            },
        )
    }

    /// Takes one record.
    pub fn push(&mut self, record: &Record<'_>) {
        let run = &mut self.run;
        if run.rows.capacity() == 0 {
            // The whole run at once: growing by doubling would leave the smaller copies
            // behind in the allocator, and pages not yet written take no memory.
            let capacity = self.limit / std::mem::size_of::<Compact>() + 1;
            let _ = run.rows.try_reserve_exact(capacity);
        }
        let last = run.ends.len().checked_sub(1);
        let subject = match last {
            Some(i) if run.subject(i) == record.subject => i,
            _ => {
                if self.in_order && record.subject != self.subject {
                    // A subject's rows all together, the subjects in code point order.
                    self.in_order = record.subject > self.subject.as_str();
                    self.subject.clear();
                    self.subject.push_str(record.subject);
                    self.period = (0, 0);
                }
                run.text.push_str(record.subject);
                run.ends.push(run.text.len());
                run.ends.len() - 1
            }
        };
        let order = order_of(record.period);
        let kind = record.kind.index() as u8;
        if self.in_order {
            self.in_order = (order, kind) >= self.period;
            self.period = (order, kind);
        }
        let o = &record.observation;
        let mut flags = 0;
        if o.invalid {
            flags |= INVALID;
        }
        if record.wide {
            flags |= WIDE;
        }
        let (amount, parts) = match o.value {
            Some(v) => {
                flags |= HAS_VALUE;
                let parts = match v.parts {
                    Some(p) => {
                        run.parts.push(p);
                        (run.parts.len() - 1) as u32
                    }
                    None => NO_PARTS,
                };
                (v.amount, parts)
            }
            None => (Decimal::ZERO, NO_PARTS),
        };
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        run.rows.push(Compact {
            subject: narrow(subject),
            kind,
            flags,
            indicator: u16::try_from(record.indicator).unwrap_or(u16::MAX),
            file: narrow(o.loc.file),
            line: narrow(o.loc.line),
            col: narrow(o.loc.col),
            row_line: narrow(record.row.line),
            order,
            offset: o.loc.offset,
            row_offset: record.row.offset,
            amount,
            parts,
        });
        // Rows in order go on in small runs, to reach the cards soon after they are
        // read; they make one sorted run all the same (see `Store::spill_all`).
        let limit = if self.in_order {
            self.limit.min(IN_ORDER_RUN)
        } else {
            self.limit
        };
        if run.held() >= limit {
            self.hand_on();
        }
    }

    /// Hands the full run to the sorting thread and takes an empty one back.
    fn hand_on(&mut self) {
        self.run.in_order = self.in_order;
        let empty = match (&self.to_store, &self.empties) {
            (Some(to_store), Some(empties)) => {
                let full = std::mem::take(&mut self.run);
                match to_store.send(full) {
                    Ok(()) => empties.recv().ok(),
                    Err(_) => None,
                }
            }
            _ => None,
        };
        match empty {
            Some(run) => self.run = run,
            None => {
                // The sorting thread stopped on an error, which it returns: rows are
                // still read for their problems, and dropped.
                self.to_store = None;
                self.empties = None;
                self.run.clear();
            }
        }
    }

    /// Every record is in: the last run, not full, goes to the sorting thread (which
    /// keeps it in memory), and the channel closes.
    pub fn finish(&mut self) {
        self.empties = None;
        let mut run = std::mem::take(&mut self.run);
        run.in_order = self.in_order;
        run.last = true;
        if let Some(to_store) = self.to_store.take() {
            let _ = to_store.send(run);
        }
    }
}

/// Rows, sorted and spilled run by run.
pub struct Store {
    /// Subjects by their index, and the index of each.
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
    /// Every subject's index in code point order of their names, and each one's place
    /// in it: kept up to date as subjects are met, rather than sorted again per run.
    by_name: Vec<u32>,
    rank: Vec<u32>,
    spill_dir: PathBuf,
    runs: Vec<File>,
    /// The run that the runs in print order so far make together, still being written.
    in_order: Option<BufWriter<File>>,
    /// The last run, sorted, kept in memory.
    last: Option<Run>,
    /// More subjects than an index can number (more than 4 billion).
    overflow: bool,
    /// Every row, the last run's too, came in order and went to a feed.
    fed_all: bool,
}

impl Store {
    /// A store that spills runs to unnamed files in `spill_dir`.
    pub fn new(spill_dir: &Path) -> Store {
        Store {
            names: Vec::new(),
            index: HashMap::new(),
            by_name: Vec::new(),
            rank: Vec::new(),
            spill_dir: spill_dir.to_path_buf(),
            runs: Vec::new(),
            in_order: None,
            last: None,
            overflow: false,
            fed_all: false,
        }
    }

    /// Sorts and spills each run the compactor hands on, until it finishes, and keeps
    /// the last one in memory; an error stops the thread (and the compactor then drops
    /// its rows). While the runs come in print order, their rows also go to `feed`,
    /// for cards to be made of them before the reading ends.
    pub fn spill_all(&mut self, spiller: Spiller, mut feed: Option<Feed>) -> io::Result<()> {
        for mut run in spiller.runs {
            if !run.in_order {
                // The bet is lost: closing the feed tells the cards' side.
                feed = None;
            }
            let in_order = run.in_order;
            self.sort(&mut run, in_order);
            if let Some(to_cards) = feed.as_mut()
                && !to_cards.send(&run, &self.names)
            {
                feed = None;
            }
            if run.last {
                self.close_in_order()?;
                self.fed_all = feed.is_some() && !self.overflow;
                self.last = Some(run);
                continue;
            }
            let rows = run.rows.iter().map(|row| {
                let p = run.parts.get(row.parts as usize).copied();
                Ok((*row, p))
            });
            if in_order {
                // This run goes on from where the last one ended: one sorted run.
                let mut out = match self.in_order.take() {
                    Some(out) => out,
                    None => BufWriter::with_capacity(1 << 16, self.spill_file()?),
                };
                self.write_rows(&mut out, rows)?;
                self.in_order = Some(out);
            } else {
                self.close_in_order()?;
                let written = self.write_run(rows);
                self.runs.push(written?);
                if self.runs.len() >= MAX_RUNS {
                    self.merge_runs()?;
                }
            }
            run.clear();
            // The room is kept for the next run.
            let _ = spiller.empties.send(run);
        }
        self.close_in_order()
    }

    /// Ends the run that the rows in print order make, if any.
    fn close_in_order(&mut self) -> io::Result<()> {
        if let Some(out) = self.in_order.take() {
            let file = out
                .into_inner()
                .map_err(|e| self.spill_error(e.into_error()))?;
            self.runs.push(file);
        }
        Ok(())
    }

    /// Whether every row came in print order, and went to the feed given to
    /// `spill_all`, which then saw every row there is.
    pub fn fed_all(&self) -> bool {
        self.fed_all
    }

    /// The subjects of `run` interned: each row's subject becomes its index.
    fn intern(&mut self, run: &mut Run) {
        let mut ids = Vec::with_capacity(run.ends.len());
        for i in 0..run.ends.len() {
            let subject = run.subject(i);
            let id = match self.index.get(subject) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(self.names.len()).unwrap_or_else(|_| {
                        self.overflow = true;
                        0
                    });
                    self.index.insert(subject.into(), id);
                    self.names.push(subject.into());
                    id
                }
            };
            ids.push(id);
        }
        for row in &mut run.rows {
            row.subject = ids.get(row.subject as usize).copied().unwrap_or(0);
        }
    }

    /// Interns the run's subjects, then sorts its rows by subject name, period and
    /// input order, unless they are known to be `in_order`.
    fn sort(&mut self, run: &mut Run, in_order: bool) {
        let known = self.names.len();
        self.intern(run);
        if self.names.len() > known {
            self.rank_new(known);
        }
        if !in_order {
            let rank = &self.rank;
            run.rows.sort_unstable_by_key(|row| row.key(rank));
        }
    }

    /// Places the subjects from index `known` on among those ranked already.
    fn rank_new(&mut self, known: usize) {
        let names = &self.names;
        let by_name = |a: &u32, b: &u32| names[*a as usize].cmp(&names[*b as usize]);
        let mut new: Vec<u32> = (known as u32..names.len() as u32).collect();
        new.sort_unstable_by(by_name);
        let old = std::mem::take(&mut self.by_name);
        let mut merged = Vec::with_capacity(old.len() + new.len());
        let (mut i, mut j) = (0, 0);
        while i < old.len() && j < new.len() {
            if by_name(&new[j], &old[i]).is_lt() {
                merged.push(new[j]);
                j += 1;
            } else {
                merged.push(old[i]);
                i += 1;
            }
        }
        merged.extend_from_slice(&old[i..]);
        merged.extend_from_slice(&new[j..]);
        self.rank.resize(names.len(), 0);
        for (place, &id) in merged.iter().enumerate() {
            self.rank[id as usize] = place as u32;
        }
        self.by_name = merged;
    }

    fn spill_file(&self) -> io::Result<File> {
        tempfile::tempfile_in(&self.spill_dir).map_err(|e| self.spill_error(e))
    }

    fn spill_error(&self, e: io::Error) -> io::Error {
        io::Error::new(
            e.kind(),
            format!(
                "cannot write rows to a temporary file in {} (the data is larger than --memory allows): {e}",
                self.spill_dir.display()
            ),
        )
    }

    /// Merges every run so far into one.
    fn merge_runs(&mut self) -> io::Result<()> {
        let runs = std::mem::take(&mut self.runs);
        let buffer = merge_buffer(runs.len());
        let sources = runs
            .into_iter()
            .map(|f| Source::read(f, buffer))
            .collect::<io::Result<_>>()?;
        let mut merge = Merge::new(sources, self.rank.clone())?;
        let run = self.write_run(std::iter::from_fn(|| merge.next_compact().transpose()))?;
        self.runs.push(run);
        Ok(())
    }

    /// A new run of `rows`, which come sorted.
    fn write_run(&self, rows: impl Iterator<Item = io::Result<Spilled>>) -> io::Result<File> {
        let mut out = BufWriter::with_capacity(1 << 16, self.spill_file()?);
        self.write_rows(&mut out, rows)?;
        out.into_inner()
            .map_err(|e| self.spill_error(e.into_error()))
    }

    fn write_rows(
        &self,
        out: &mut BufWriter<File>,
        rows: impl Iterator<Item = io::Result<Spilled>>,
    ) -> io::Result<()> {
        let mut buf = Vec::with_capacity(ENCODED + PARTS_ENCODED);
        for row in rows {
            let (row, parts) = row?;
            buf.clear();
            row.encode(parts, &mut buf);
            out.write_all(&buf).map_err(|e| self.spill_error(e))?;
        }
        Ok(())
    }

    /// Every row in print order, then input order, leaving out the files in
    /// `rejected`.
    pub fn into_sorted(mut self, rejected: Vec<bool>) -> io::Result<Sorted> {
        if self.overflow {
            return Err(io::Error::other("more than 4,294,967,295 subjects"));
        }
        let rank = std::mem::take(&mut self.rank);
        let runs = std::mem::take(&mut self.runs);
        let buffer = merge_buffer(runs.len());
        let mut sources: Vec<Source> = runs
            .into_iter()
            .map(|f| Source::read(f, buffer))
            .collect::<io::Result<_>>()?;
        if let Some(last) = self.last.take() {
            sources.push(Source::Memory(last.rows.into_iter(), last.parts));
        }
        Sorted::new(
            Merge::new(sources, rank)?,
            std::mem::take(&mut self.names),
            rejected,
        )
    }
}

/// The read buffer of each of `runs` spilled runs being merged: 1 MiB in all (64 KiB
/// each at most, 4 KiB at least). The merge takes rows from the runs in turn, so a
/// buffer is read long after the kernel filled it; buffers that together fit the
/// cache are still there when read (80 buffers of 64 KiB made the merge of 13.2 M
/// shuffled rows wait on memory).
fn merge_buffer(runs: usize) -> usize {
    ((1 << 20) / runs.max(1)).clamp(1 << 12, 1 << 16)
}

/// A sorted run.
enum Source {
    File(BufReader<File>),
    Memory(std::vec::IntoIter<Compact>, Vec<(Decimal, Decimal)>),
}

impl Source {
    /// A spilled run, read from its start.
    fn read(mut file: File, buffer: usize) -> io::Result<Source> {
        std::io::Seek::rewind(&mut file)?;
        Ok(Source::File(BufReader::with_capacity(buffer, file)))
    }

    fn next(&mut self) -> io::Result<Option<Spilled>> {
        match self {
            Source::File(input) => decode(input),
            Source::Memory(rows, parts) => Ok(rows.next().map(|row| {
                let p = parts.get(row.parts as usize).copied();
                (row, p)
            })),
        }
    }
}

/// A k-way merge of sorted runs. The run holding the smallest row is kept out of the
/// heap while its rows stay below every other run's: runs that do not overlap (rows
/// that came in order) merge with one comparison a row.
struct Merge {
    sources: Vec<Source>,
    heads: Vec<Option<Spilled>>,
    /// The run whose head comes next, and that head's key.
    current: Option<(MergeKey, usize)>,
    /// The other runs with rows left, by their heads.
    heap: BinaryHeap<Reverse<(MergeKey, usize)>>,
    rank: Vec<u32>,
}

impl Merge {
    fn new(mut sources: Vec<Source>, rank: Vec<u32>) -> io::Result<Merge> {
        let mut heads = Vec::with_capacity(sources.len());
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (i, source) in sources.iter_mut().enumerate() {
            let head = source.next()?;
            if let Some((row, _)) = &head {
                heap.push(Reverse((row.key(&rank), i)));
            }
            heads.push(head);
        }
        let current = heap.pop().map(|Reverse(top)| top);
        Ok(Merge {
            sources,
            heads,
            current,
            heap,
            rank,
        })
    }

    fn next_compact(&mut self) -> io::Result<Option<Spilled>> {
        let Some((_, i)) = self.current else {
            return Ok(None);
        };
        let next = self.sources[i].next()?;
        self.current = match &next {
            Some((row, _)) => {
                let key = row.key(&self.rank);
                match self.heap.peek_mut() {
                    // Another run's head comes first: it takes this run's place in
                    // the heap, with one sift down.
                    Some(mut top) if top.0 < (key, i) => {
                        Some(std::mem::replace(&mut *top, Reverse((key, i))).0)
                    }
                    _ => Some((key, i)),
                }
            }
            None => self.heap.pop().map(|Reverse(top)| top),
        };
        Ok(std::mem::replace(&mut self.heads[i], next))
    }
}

/// Rows handed from the merging thread to the grouping one at a time.
const MERGED_BATCH: usize = 4096;

/// Rows on their way to the grouping thread, with the subjects first met in them
/// (when the rows come from the feed; the merge knows every subject at its start).
struct Batch {
    rows: Vec<Row>,
    names: Vec<Box<str>>,
}

/// The sorting thread's end of a `Sorted` that is fed rows as they are read, while
/// they come in print order.
pub struct Feed {
    to_cards: SyncSender<io::Result<Batch>>,
    empties: Receiver<Vec<Row>>,
    /// Subjects the cards' side has been told of.
    named: usize,
}

impl Feed {
    /// Hands on the rows of a run, in order; false when the cards' side has stopped.
    fn send(&mut self, run: &Run, names: &[Box<str>]) -> bool {
        for rows in run.rows.chunks(MERGED_BATCH) {
            let mut batch = self
                .empties
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(MERGED_BATCH));
            batch.clear();
            batch.extend(rows.iter().map(|row| {
                let p = run.parts.get(row.parts as usize).copied();
                to_row(row, p)
            }));
            let new = names.get(self.named..).unwrap_or_default().to_vec();
            self.named = names.len();
            let batch = Batch {
                rows: batch,
                names: new,
            };
            if self.to_cards.send(Ok(batch)).is_err() {
                return false;
            }
        }
        true
    }
}

/// The rows of a run, in print order. The merge runs on a thread of its own, a batch
/// of rows ahead of the cards being made of them; or rows come from a feed.
pub struct Sorted {
    merged: Option<Receiver<io::Result<Batch>>>,
    /// Batches done with, for the merging thread to fill again.
    done_with: SyncSender<Vec<Row>>,
    batch: Vec<Row>,
    /// The next row's place in `batch`.
    next: usize,
    merging: Option<std::thread::JoinHandle<()>>,
    names: Vec<Box<str>>,
}

impl Sorted {
    /// Rows to be fed from the sorting thread as they are read, and the feed.
    pub fn fed() -> (Feed, Sorted) {
        let (to_cards, merged) = std::sync::mpsc::sync_channel(2);
        let (done_with, empties) = std::sync::mpsc::sync_channel::<Vec<Row>>(4);
        let feed = Feed {
            to_cards,
            empties,
            named: 0,
        };
        let sorted = Sorted {
            merged: Some(merged),
            done_with,
            batch: Vec::new(),
            next: 0,
            merging: None,
            names: Vec::new(),
        };
        (feed, sorted)
    }

    /// Starts the merge; an error when no thread can be had for it.
    fn new(mut merge: Merge, names: Vec<Box<str>>, rejected: Vec<bool>) -> io::Result<Sorted> {
        let (to_cards, merged) = std::sync::mpsc::sync_channel(2);
        let (done_with, empties) = std::sync::mpsc::sync_channel::<Vec<Row>>(4);
        let merging = std::thread::Builder::new().spawn(move || {
            loop {
                let mut batch = empties
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(MERGED_BATCH));
                batch.clear();
                let mut end = false;
                while batch.len() < MERGED_BATCH {
                    match merge.next_compact() {
                        Ok(Some((row, parts))) => {
                            let rejected = rejected.get(row.file as usize).copied();
                            if !rejected.unwrap_or(false) {
                                batch.push(to_row(&row, parts));
                            }
                        }
                        Ok(None) => {
                            end = true;
                            break;
                        }
                        Err(e) => {
                            let _ = to_cards.send(Err(e));
                            return;
                        }
                    }
                }
                let batch = Batch {
                    rows: batch,
                    names: Vec::new(),
                };
                // The cards' side stopped early: nothing more is wanted.
                if (!batch.rows.is_empty() && to_cards.send(Ok(batch)).is_err()) || end {
                    return;
                }
            }
        })?;
        Ok(Sorted {
            merged: Some(merged),
            done_with,
            batch: Vec::new(),
            next: 0,
            merging: Some(merging),
            names,
        })
    }

    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> io::Result<Option<Row>> {
        loop {
            if let Some(&row) = self.batch.get(self.next) {
                self.next += 1;
                return Ok(Some(row));
            }
            let Some(merged) = &self.merged else {
                return Ok(None);
            };
            match merged.recv() {
                Ok(batch) => {
                    let Batch { rows, names } = batch?;
                    self.names.extend(names);
                    let used = std::mem::replace(&mut self.batch, rows);
                    self.next = 0;
                    let _ = self.done_with.try_send(used);
                }
                Err(_) => {
                    self.merged = None;
                    return Ok(None);
                }
            }
        }
    }

    /// The subject an interned index stands for.
    pub fn subject(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }
}

impl Drop for Sorted {
    fn drop(&mut self) {
        // Closing the channel stops the merge if it is not done.
        self.merged = None;
        if let Some(merging) = self.merging.take() {
            let _ = merging.join();
        }
    }
}
