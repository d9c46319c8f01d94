//! Row records in a compact form, sorted into print order in bounded memory.
//!
//! Rows are kept as fixed-size records (subjects interned, values parsed once,
//! locations as numbers) up to a memory budget. Past it, the rows in hand are sorted
//! and spilled to a temporary file as a run, and at the end the runs are merged:
//! external sorting, as `sort` and databases do it. Rows that arrive in order make
//! runs that are already sorted and merge without interleaving. Spill files are
//! unnamed (unlinked at creation), so nothing is left behind however the process ends.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

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

/// Runs merged at once at most; past this, runs are merged into one first, so that
/// a small budget cannot run out of file handles.
const MAX_RUNS: usize = 64;

/// Rows made compact, on their way from the reading thread to the store.
#[derive(Debug, Default)]
pub struct Batch {
    rows: Vec<Compact>,
    /// The `a/b` parts of values, indexed by the rows.
    parts: Vec<(Decimal, Decimal)>,
    /// Subjects met for the first time, in the order of their indexes.
    names: Vec<Box<str>>,
    /// More subjects than an index can number.
    overflow: bool,
}

/// Rows handed on at a time.
const BATCH_ROWS: usize = 8192;

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.names.is_empty()
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

/// Makes records compact: subjects interned, values kept as numbers, locations as
/// integers. It runs where the rows are read, so that the store can sort and spill
/// on another thread.
#[derive(Debug, Default)]
pub struct Compactor {
    index: HashMap<Box<str>, u32>,
    /// The subject of the row before, and its index: rows come in runs of one subject.
    /// (The text is copied into the same buffer each time, not allocated anew.)
    last: String,
    last_id: Option<u32>,
    batch: Batch,
}

impl Compactor {
    fn intern(&mut self, subject: &str) -> u32 {
        if let Some(id) = self.last_id
            && self.last == subject
        {
            return id;
        }
        let id = match self.index.get(subject) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.index.len()).unwrap_or_else(|_| {
                    self.batch.overflow = true;
                    0
                });
                self.index.insert(subject.into(), id);
                self.batch.names.push(subject.into());
                id
            }
        };
        self.last.clear();
        self.last.push_str(subject);
        self.last_id = Some(id);
        id
    }

    /// Takes one record; a full batch when there is one to hand on.
    pub fn push(&mut self, record: &Record<'_>) -> Option<Batch> {
        let subject = self.intern(record.subject);
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
                        self.batch.parts.push(p);
                        (self.batch.parts.len() - 1) as u32
                    }
                    None => NO_PARTS,
                };
                (v.amount, parts)
            }
            None => (Decimal::ZERO, NO_PARTS),
        };
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.batch.rows.push(Compact {
            subject,
            kind: record.kind.index() as u8,
            flags,
            indicator: u16::try_from(record.indicator).unwrap_or(u16::MAX),
            file: narrow(o.loc.file),
            line: narrow(o.loc.line),
            col: narrow(o.loc.col),
            row_line: narrow(record.row.line),
            order: order_of(record.period),
            offset: o.loc.offset,
            row_offset: record.row.offset,
            amount,
            parts,
        });
        (self.batch.rows.len() >= BATCH_ROWS).then(|| self.take())
    }

    /// What is in hand.
    pub fn take(&mut self) -> Batch {
        std::mem::take(&mut self.batch)
    }
}

/// Rows, sorted and spilled past the budget.
pub struct Store {
    names: Vec<Box<str>>,
    rows: Vec<Compact>,
    parts: Vec<(Decimal, Decimal)>,
    /// Bytes of rows and parts held in memory before a run is spilled.
    budget: usize,
    spill_dir: PathBuf,
    runs: Vec<File>,
    /// Rows whose subject could not be interned (more than 4 billion subjects).
    overflow: bool,
}

impl Store {
    /// A store that keeps about `budget` bytes of rows in memory, and spills to
    /// unnamed files in `spill_dir` past that.
    pub fn new(budget: usize, spill_dir: &Path) -> Store {
        Store {
            names: Vec::new(),
            rows: Vec::new(),
            parts: Vec::new(),
            budget,
            spill_dir: spill_dir.to_path_buf(),
            runs: Vec::new(),
            overflow: false,
        }
    }

    /// Takes a batch of rows.
    pub fn take(&mut self, batch: Batch) -> io::Result<()> {
        self.names.extend(batch.names);
        self.overflow |= batch.overflow;
        for mut row in batch.rows {
            let held = self.rows.len() * std::mem::size_of::<Compact>()
                + self.parts.len() * std::mem::size_of::<(Decimal, Decimal)>();
            if !self.rows.is_empty() && held >= self.budget {
                self.spill()?;
            }
            if self.rows.capacity() == 0 {
                let capacity = self.budget / std::mem::size_of::<Compact>() + 1;
                // The whole budget at once: growing by doubling would leave the
                // smaller copies behind in the allocator, and pages not yet written
                // take no memory. (Where that much cannot be had, the Vec grows.)
                let _ = self.rows.try_reserve_exact(capacity);
                let _ = self.parts.try_reserve_exact(capacity / 2);
            }
            if let Some(&p) = batch.parts.get(row.parts as usize) {
                self.parts.push(p);
                row.parts = (self.parts.len() - 1) as u32;
            }
            self.rows.push(row);
        }
        Ok(())
    }

    /// Sorts the rows in hand by subject name, period and input order.
    fn sort(&mut self) {
        // The subjects in hand are ranked by name once; rows then sort by numbers,
        // not by looking names up in every comparison.
        let mut present: Vec<u32> = self.rows.iter().map(|r| r.subject).collect();
        present.sort_unstable();
        present.dedup();
        let names = &self.names;
        present.sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut rank = vec![0u32; self.names.len()];
        for (place, &id) in present.iter().enumerate() {
            rank[id as usize] = place as u32;
        }
        self.rows.sort_unstable_by_key(|row| row.key(&rank));
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

    /// Writes the rows in hand, sorted, as a run.
    fn spill(&mut self) -> io::Result<()> {
        self.sort();
        let rows = std::mem::take(&mut self.rows);
        let parts = std::mem::take(&mut self.parts);
        let run = self.write_run(rows.iter().map(|row| {
            let p = parts.get(row.parts as usize).copied();
            Ok((*row, p))
        }));
        // The room is kept for the next run.
        (self.rows, self.parts) = (rows, parts);
        self.rows.clear();
        self.parts.clear();
        self.runs.push(run?);
        if self.runs.len() >= MAX_RUNS {
            self.merge_runs()?;
        }
        Ok(())
    }

    /// Merges every run so far into one.
    fn merge_runs(&mut self) -> io::Result<()> {
        let runs = std::mem::take(&mut self.runs);
        let sources = runs
            .into_iter()
            .map(|f| Source::read(f, 1 << 14))
            .collect::<io::Result<_>>()?;
        let mut merge = Merge::new(sources, self.ranks())?;
        let run = self.write_run(std::iter::from_fn(|| merge.next_compact().transpose()))?;
        self.runs.push(run);
        Ok(())
    }

    /// A new run of `rows`, which come sorted.
    fn write_run(&self, rows: impl Iterator<Item = io::Result<Spilled>>) -> io::Result<File> {
        let file = self.spill_file()?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        let mut buf = Vec::with_capacity(ENCODED + PARTS_ENCODED);
        for row in rows {
            let (row, parts) = row?;
            buf.clear();
            row.encode(parts, &mut buf);
            out.write_all(&buf).map_err(|e| self.spill_error(e))?;
        }
        out.into_inner()
            .map_err(|e| self.spill_error(e.into_error()))
    }

    /// Each subject's place in code point order.
    fn ranks(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.names.len() as u32).collect();
        ids.sort_unstable_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut rank = vec![0; self.names.len()];
        for (place, id) in ids.into_iter().enumerate() {
            rank[id as usize] = place as u32;
        }
        rank
    }

    /// Every row in print order, then input order, leaving out the files in
    /// `rejected`.
    pub fn into_sorted(mut self, rejected: Vec<bool>) -> io::Result<Sorted> {
        if self.overflow {
            return Err(io::Error::other("more than 4,294,967,295 subjects"));
        }
        self.sort();
        let rank = self.ranks();
        let mut sources: Vec<Source> = std::mem::take(&mut self.runs)
            .into_iter()
            .map(|f| Source::read(f, 1 << 16))
            .collect::<io::Result<_>>()?;
        let rows = std::mem::take(&mut self.rows);
        let parts = std::mem::take(&mut self.parts);
        sources.push(Source::Memory(rows.into_iter(), parts));
        Ok(Sorted {
            merge: Merge::new(sources, rank)?,
            names: self.names,
            rejected,
        })
    }
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

/// The rows of a run, in print order.
pub struct Sorted {
    merge: Merge,
    names: Vec<Box<str>>,
    rejected: Vec<bool>,
}

impl Sorted {
    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> io::Result<Option<Row>> {
        loop {
            let Some((row, parts)) = self.merge.next_compact()? else {
                return Ok(None);
            };
            if self
                .rejected
                .get(row.file as usize)
                .copied()
                .unwrap_or(false)
            {
                continue;
            }
            return Ok(Some(to_row(&row, parts)));
        }
    }

    /// The subject an interned index stands for.
    pub fn subject(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }
}
