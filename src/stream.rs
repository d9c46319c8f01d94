//! The streaming path of `kpi score`: one data file read, scored and written card by
//! card, in memory that does not grow with the file.
//!
//! It handles the common case — a valid file whose rows arrive grouped by subject and
//! period in print order, as exports do — and nothing else. At anything it cannot
//! handle (a problem to report, rows out of order, a duplicate) it stops and says
//! `Fallback`; the caller then runs the buffered path, which reads the whole file and
//! reports every problem exactly. Output goes to a spool, never straight to the user,
//! so a fallback leaves nothing behind.
//!
//! With two threads, one reads and groups rows into cards while the other scores and
//! writes them: cards still come out in input order, so the output is the same byte
//! for byte.

use std::io::{self, Read, Write};
use std::sync::mpsc;

use csv::ByteRecord;

use crate::actuals::{
    CardData, CardKey, HeaderCell, Loc, Observation, ReadOptions, classify, detect_delimiter,
    is_long,
};
use crate::cards::rollup::roll_group;
use crate::model::{Column, PeriodKind, Scorecard};
use crate::period::Period;
use crate::read::encoding::{Encoding, SNIFF_LEN, sniff};
use crate::read::value::parse_value;
use crate::report::render::CardWriter;
use crate::score::{MissingPolicy, ScoredCard};

/// How the streaming path ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every card was written. `check_warnings`: some indicator's values look like
    /// fractions, so the buffered path should be run for its warnings (positions and
    /// all), after the output is delivered.
    Done { cards: usize, check_warnings: bool },
    /// The stream met something it does not handle: run the buffered path instead.
    Fallback,
}

/// What the streaming path needs to know.
pub struct Settings<'a> {
    pub def: &'a Scorecard,
    pub read: &'a ReadOptions,
    pub missing: MissingPolicy,
    /// `--period K` coarser than the data rolls months (or quarters …) up into K.
    pub roll_up: Option<PeriodKind>,
    /// Parse CSV on a second thread.
    pub parallel: bool,
}

/// Cards handed from the reading thread to the writing one at a time.
const BATCH: usize = 512;

/// Scores `input` (one data file), writing each card through `writer` to `out` and
/// calling `on_card` with it.
pub fn score(
    settings: &Settings<'_>,
    input: Box<dyn Read + Send + '_>,
    writer: &mut CardWriter<'_>,
    out: &mut dyn Write,
    on_card: &mut dyn FnMut(&ScoredCard),
) -> io::Result<Outcome> {
    // A file that cannot be read is the buffered path's to report, by name.
    let Ok((decoded, delimiter)) = open(input, settings.read) else {
        return Ok(Outcome::Fallback);
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 16)
        .from_reader(decoded);
    let mut grouper = Grouper::new(settings);
    let mut scorer = Scorer {
        settings,
        group: None,
        done: Vec::new(),
    };
    let mut sink = Sink {
        writer,
        out,
        on_card,
        cards: 0,
    };
    if !settings.parallel {
        let mut record = ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => match grouper.record(&record) {
                    Step::More => {}
                    Step::Card(card) => {
                        if !sink.take(&mut scorer, card)? {
                            return Ok(Outcome::Fallback);
                        }
                    }
                    Step::Fallback => return Ok(Outcome::Fallback),
                },
                Ok(false) => break,
                Err(_) => return Ok(Outcome::Fallback),
            }
        }
        return sink.end(&mut scorer, grouper.finish());
    }
    // Two threads: a second one reads, decodes, parses and groups rows into cards;
    // this one rolls up, scores, renders and writes (the two halves cost about the
    // same). The cards pass through a channel in order, so the output is the same.
    std::thread::scope(|scope| {
        let (sender, incoming) = mpsc::sync_channel::<Message>(4);
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let mut record = ByteRecord::new();
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(true) => match grouper.record(&record) {
                        Step::More => continue,
                        Step::Card(card) => batch.push(card),
                        Step::Fallback => {
                            let _ = sender.send(Message::Fallback);
                            return;
                        }
                    },
                    Ok(false) => {
                        let _ = sender.send(Message::Cards(std::mem::take(&mut batch)));
                        let _ = sender.send(Message::End(grouper.finish()));
                        return;
                    }
                    Err(_) => {
                        let _ = sender.send(Message::Fallback);
                        return;
                    }
                }
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if sender.send(Message::Cards(full)).is_err() {
                        return; // the writer stopped early
                    }
                }
            }
        });
        for message in incoming {
            match message {
                Message::Cards(batch) => {
                    for card in batch {
                        if !sink.take(&mut scorer, card)? {
                            return Ok(Outcome::Fallback);
                        }
                    }
                }
                Message::End(ending) => return sink.end(&mut scorer, ending),
                Message::Fallback => return Ok(Outcome::Fallback),
            }
        }
        Ok(Outcome::Fallback)
    })
}

/// Where scored cards are written, and how many were.
struct Sink<'w, 'c> {
    writer: &'w mut CardWriter<'c>,
    out: &'w mut dyn Write,
    on_card: &'w mut dyn FnMut(&ScoredCard),
    cards: usize,
}

impl Sink<'_, '_> {
    /// Scores a complete card and writes whatever is ready; `false`: fall back.
    fn take(&mut self, scorer: &mut Scorer<'_>, card: CardData) -> io::Result<bool> {
        if !scorer.card_done(card) {
            return Ok(false);
        }
        self.write_ready(scorer)?;
        Ok(true)
    }

    /// The input is read: the last card and roll-up, then the outcome.
    fn end(&mut self, scorer: &mut Scorer<'_>, ending: Ending) -> io::Result<Outcome> {
        let check_warnings = ending.check_warnings;
        if !scorer.finish(ending) {
            return Ok(Outcome::Fallback);
        }
        self.write_ready(scorer)?;
        Ok(Outcome::Done {
            cards: self.cards,
            check_warnings,
        })
    }

    fn write_ready(&mut self, scorer: &mut Scorer<'_>) -> io::Result<()> {
        for card in scorer.done.drain(..) {
            self.writer.card(&card, self.out)?;
            (self.on_card)(&card);
            self.cards += 1;
        }
        Ok(())
    }
}

/// What the reading thread tells the writing one.
enum Message {
    Cards(Vec<CardData>),
    End(Ending),
    Fallback,
}

/// What one record meant.
enum Step {
    More,
    /// The record began a new card, so the one before is complete.
    Card(CardData),
    Fallback,
}

/// How the reading ended: the last card, and whether fractions need checking.
struct Ending {
    last: Option<CardData>,
    check_warnings: bool,
}

/// Decides the encoding from the first 64 KiB (SPEC §5) and the delimiter from the
/// header, and returns UTF-8 text to parse with its delimiter.
type Opened<'r> = (Box<dyn Read + Send + 'r>, u8);

fn open<'r>(mut input: Box<dyn Read + Send + 'r>, read: &ReadOptions) -> io::Result<Opened<'r>> {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut input).take(SNIFF_LEN as u64).read_to_end(&mut head)?;
    let (bom, bom_len) = match head.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => (Some(Encoding::Utf8), 3),
        [0xFF, 0xFE, ..] => (Some(Encoding::Utf16Le), 2),
        [0xFE, 0xFF, ..] => (Some(Encoding::Utf16Be), 2),
        _ => (None, 0),
    };
    let encoding = read.encoding.or(bom).unwrap_or_else(|| sniff(&head));
    let skip = if bom == Some(encoding) { bom_len } else { 0 };
    let body = &head[skip..];
    let (sample, _) = encoding.codec().decode_without_bom_handling(body);
    let delimiter = read.delimiter.unwrap_or_else(|| detect_delimiter(&sample));
    let rest = io::Cursor::new(head[skip..].to_vec()).chain(input);
    let decoded: Box<dyn Read + Send + 'r> = match encoding {
        // UTF-8 passes through; each cell is checked when it is read.
        Encoding::Utf8 => Box::new(rest),
        other => Box::new(Decoding::new(rest, other)),
    };
    Ok((decoded, delimiter))
}

/// A reader that turns text in `encoding` into UTF-8, failing on an invalid sequence.
struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    /// The input is used up.
    done: bool,
    /// The decoder has been told so and has flushed: it must not be called again.
    finished: bool,
}

impl<R: Read> Decoding<R> {
    fn new(inner: R, encoding: Encoding) -> Decoding<R> {
        Decoding {
            inner,
            decoder: encoding.codec().new_decoder_without_bom_handling(),
            raw: vec![0; 1 << 16],
            raw_start: 0,
            raw_end: 0,
            done: false,
            finished: false,
        }
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.raw_start == self.raw_end && !self.done {
                self.raw_start = 0;
                self.raw_end = self.inner.read(&mut self.raw)?;
                self.done = self.raw_end == 0;
            }
            let src = &self.raw[self.raw_start..self.raw_end];
            let (result, read, written) = self
                .decoder
                .decode_to_utf8_without_replacement(src, buf, self.done);
            self.raw_start += read;
            match result {
                encoding_rs::DecoderResult::Malformed(_, _) => {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "invalid text"));
                }
                encoding_rs::DecoderResult::InputEmpty if self.done => {
                    self.finished = true;
                    return Ok(written);
                }
                _ if written > 0 => return Ok(written),
                _ => {}
            }
        }
    }
}

/// The reading side: records into complete cards.
struct Grouper<'s> {
    settings: &'s Settings<'s>,
    /// Each column's role, once the header is read.
    columns: Option<Columns>,
    /// Indicator names seen in a long file, and what they name; rows cycle through
    /// the same few, so the next one is looked for after the last one found.
    names: Vec<(Box<[u8]>, Option<usize>)>,
    last_name: usize,
    /// The last period label read, and what it means.
    last_period: Option<(Box<[u8]>, Period)>,
    /// The card being read.
    card: Option<CardData>,
    line: usize,
    fractions: Fractions,
}

/// The header, understood.
struct Columns {
    long: bool,
    count: usize,
    subject: Option<usize>,
    period: Option<usize>,
    indicator: usize,
    actual: usize,
    /// (column, indicator) of a wide file.
    indicators: Vec<(usize, usize)>,
    /// Columns with an empty header: their cells must stay empty.
    empty: Vec<usize>,
}

/// Per indicator: whether every value so far could be a fraction written for a
/// percentage (the `check` warning), as far as a stream can tell.
struct Fractions {
    candidates: Vec<bool>,
    seen_nonzero: Vec<bool>,
}

/// Parses cell `j` as indicator `i`'s value into `card`; `false` on a problem (an
/// invalid value, a duplicate), which the buffered path will report.
fn take_value(
    def: &Scorecard,
    card: &mut Option<CardData>,
    fractions: &mut Fractions,
    record: &ByteRecord,
    line: usize,
    (j, i): (usize, usize),
) -> bool {
    let Ok(text) = std::str::from_utf8(&record[j]) else {
        return false;
    };
    let Ok(value) = parse_value(text, &def.indicators[i].unit) else {
        return false;
    };
    let Some(card) = card.as_mut() else {
        return false;
    };
    if card.values[i].is_some() {
        return false;
    }
    // Only while an indicator might draw the fraction warning is it worth comparing.
    if let Some(v) = value.filter(|_| fractions.candidates[i]) {
        if v.parts.is_none() && v.amount.abs() > rust_decimal::Decimal::ONE {
            fractions.candidates[i] = false;
        }
        if !v.amount.is_zero() {
            fractions.seen_nonzero[i] = true;
        }
    }
    card.values[i] = Some(Observation {
        value,
        invalid: false,
        loc: Loc {
            file: 0,
            line,
            col: 0,
        },
    });
    true
}

impl<'s> Grouper<'s> {
    fn new(settings: &'s Settings<'s>) -> Grouper<'s> {
        let n = settings.def.indicators.len();
        let candidates = settings
            .def
            .indicators
            .iter()
            .map(|i| {
                i.unit == "%"
                    && PeriodKind::ALL
                        .iter()
                        .filter_map(|&k| i.thresholds(k))
                        .any(|t| t.target > rust_decimal::Decimal::ONE)
            })
            .collect();
        Grouper {
            settings,
            columns: None,
            names: Vec::new(),
            last_name: 0,
            last_period: None,
            card: None,
            line: 0,
            fractions: Fractions {
                candidates,
                seen_nonzero: vec![false; n],
            },
        }
    }

    /// Takes one record.
    fn record(&mut self, record: &ByteRecord) -> Step {
        self.line = record
            .position()
            .map_or(self.line + 1, |p| p.line() as usize);
        let Some(columns) = &self.columns else {
            return if self.header(record) {
                Step::More
            } else {
                Step::Fallback
            };
        };
        if record.iter().all(|c| c.trim_ascii().is_empty()) {
            return Step::More;
        }
        if record.len() != columns.count
            || columns
                .empty
                .iter()
                .any(|&j| !record[j].trim_ascii().is_empty())
        {
            return Step::Fallback;
        }
        let text = |j: usize| std::str::from_utf8(&record[j]).ok().map(str::trim);
        let subject = match columns.subject {
            Some(j) => match text(j) {
                Some(s) => s,
                None => return Step::Fallback,
            },
            None => "",
        };
        let (period, kind) = match columns.period {
            Some(j) => {
                let label = &record[j];
                let cached = self
                    .last_period
                    .as_ref()
                    .filter(|(l, _)| **l == *label)
                    .map(|(_, p)| *p);
                match cached.or_else(|| text(j).and_then(Period::parse)) {
                    Some(p) => {
                        if cached.is_none() {
                            self.last_period = Some((label.into(), p));
                        }
                        (Some(p), p.kind)
                    }
                    None => return Step::Fallback,
                }
            }
            None => (None, self.settings.read.period.unwrap_or(PeriodKind::Month)),
        };
        if self.settings.roll_up.is_some_and(|k| k < kind) {
            return Step::Fallback; // a finer --period than the data: an error to report
        }
        // A new card: the one before is complete, if the rows are in print order.
        let same = self.card.as_ref().is_some_and(|c| {
            c.key.subject == subject && c.key.period == period && c.key.kind == kind
        });
        let mut done = None;
        if !same {
            let key = CardKey {
                subject: subject.to_string(),
                period,
                kind,
            };
            if let Some(previous) = self.card.take() {
                if key.sort_key() <= previous.key.sort_key() {
                    return Step::Fallback;
                }
                done = Some(previous);
            }
            self.card = Some(CardData {
                key,
                first: Loc {
                    file: 0,
                    line: self.line,
                    col: 1,
                },
                values: vec![None; self.settings.def.indicators.len()],
                parts: Vec::new(),
                gaps: Vec::new(),
            });
        }
        if !self.values(record) {
            return Step::Fallback;
        }
        // A card whose rows were all skipped (unknown indicators under
        // --ignore-unknown) holds nothing: the buffered path never makes it.
        match done.filter(|card| card.values.iter().any(Option::is_some)) {
            Some(card) => Step::Card(card),
            None => Step::More,
        }
    }

    /// Reads a row's values into the current card; `false` on a problem.
    fn values(&mut self, record: &ByteRecord) -> bool {
        let def = self.settings.def;
        let Some(columns) = &self.columns else {
            return false;
        };
        if !columns.long {
            return columns.indicators.iter().all(|&cell| {
                take_value(
                    def,
                    &mut self.card,
                    &mut self.fractions,
                    record,
                    self.line,
                    cell,
                )
            });
        }
        let name = record[columns.indicator].trim_ascii();
        let count = self.names.len();
        let known = (0..count)
            .map(|k| (self.last_name + 1 + k) % count)
            .find(|&k| *self.names[k].0 == *name);
        let found = match known {
            Some(k) => {
                self.last_name = k;
                self.names[k].1
            }
            None => {
                let found = std::str::from_utf8(name).ok().and_then(|n| def.find(n));
                self.names.push((name.into(), found));
                self.last_name = self.names.len() - 1;
                found
            }
        };
        match found {
            Some(i) => take_value(
                def,
                &mut self.card,
                &mut self.fractions,
                record,
                self.line,
                (columns.actual, i),
            ),
            None => self.settings.read.ignore_unknown && !name.is_empty(),
        }
    }

    /// Reads the header; `false` when it has any problem.
    fn header(&mut self, record: &ByteRecord) -> bool {
        let Ok(cells) = record
            .iter()
            .map(|c| std::str::from_utf8(c).map(str::trim))
            .collect::<Result<Vec<&str>, _>>()
        else {
            return false;
        };
        let long = is_long(&cells);
        let mut columns = Columns {
            long,
            count: cells.len(),
            subject: None,
            period: None,
            indicator: 0,
            actual: 0,
            indicators: Vec::new(),
            empty: Vec::new(),
        };
        let mut seen = vec![false; self.settings.def.indicators.len()];
        for (j, cell) in cells.iter().enumerate() {
            match classify(self.settings.def, cell, long) {
                HeaderCell::Empty => columns.empty.push(j),
                HeaderCell::Known(Column::Indicator) => columns.indicator = j,
                HeaderCell::Known(Column::Actual) => columns.actual = j,
                HeaderCell::Known(column) => {
                    let slot = if column == Column::Subject {
                        &mut columns.subject
                    } else {
                        &mut columns.period
                    };
                    if slot.replace(j).is_some() {
                        return false;
                    }
                }
                HeaderCell::Indicator(i) => {
                    if std::mem::replace(&mut seen[i], true) {
                        return false;
                    }
                    columns.indicators.push((j, i));
                }
                HeaderCell::Unknown if self.settings.read.ignore_unknown => {}
                HeaderCell::Unknown | HeaderCell::Misplaced(_) => return false,
            }
        }
        let twice = |column| {
            cells
                .iter()
                .filter(|c| Column::recognise(c) == Some(column))
                .count()
                > 1
        };
        if twice(Column::Indicator)
            || twice(Column::Actual)
            || (!long && columns.indicators.is_empty())
        {
            return false;
        }
        self.columns = Some(columns);
        true
    }

    fn finish(mut self) -> Ending {
        let check_warnings = self
            .fractions
            .candidates
            .iter()
            .zip(&self.fractions.seen_nonzero)
            .any(|(&candidate, &nonzero)| candidate && nonzero);
        // As above: a card of skipped rows only is no card.
        let last = self
            .card
            .take()
            .filter(|card| card.values.iter().any(Option::is_some));
        Ending {
            last: if self.columns.is_some() { last } else { None },
            check_warnings,
        }
    }
}

/// Complete cards rolled up and scored, in order, ready to be written.
struct Scorer<'s> {
    settings: &'s Settings<'s>,
    /// Cards being gathered for one roll-up: (subject, target period) and its cards.
    group: Option<(CardKey, Vec<CardData>)>,
    /// Scored cards not yet written.
    done: Vec<ScoredCard>,
}

impl Scorer<'_> {
    /// A card whose rows are all read: scored, or gathered for roll-up; `false` when
    /// the buffered path must take over.
    fn card_done(&mut self, card: CardData) -> bool {
        let Some(target_kind) = self.settings.roll_up.filter(|&k| k > card.key.kind) else {
            // Already of the kind wanted, but a roll-up of the same period is pending.
            if self.group.as_ref().is_some_and(|(key, _)| *key == card.key) {
                return false;
            }
            return self.flush_group() && self.score(&card);
        };
        let Some(target) = card.key.period.and_then(|p| p.within(target_kind)) else {
            return false;
        };
        let key = CardKey {
            subject: card.key.subject.clone(),
            period: Some(target),
            kind: target_kind,
        };
        if self.group.as_ref().is_none_or(|(k, _)| *k != key) && !self.flush_group() {
            return false;
        }
        match self.group.as_mut() {
            Some((_, cards)) => cards.push(card),
            None => self.group = Some((key, vec![card])),
        }
        true
    }

    /// Rolls up the gathered cards, if any, and scores the result.
    fn flush_group(&mut self) -> bool {
        let Some((key, cards)) = self.group.take() else {
            return true;
        };
        let refs: Vec<&CardData> = cards.iter().collect();
        let mut problems = Vec::new();
        let files = [String::new()];
        match roll_group(self.settings.def, &files, &key, &refs, false, &mut problems) {
            Some(rolled) if problems.is_empty() => self.score(&rolled),
            _ => false,
        }
    }

    /// Scores a complete card.
    fn score(&mut self, card: &CardData) -> bool {
        if card.values.iter().flatten().any(|o| o.invalid) {
            return false;
        }
        match card.score(self.settings.def, self.settings.missing) {
            Ok(scored) => self.done.push(scored),
            Err(_) => return false,
        }
        true
    }

    /// The last card, and the last roll-up.
    fn finish(&mut self, ending: Ending) -> bool {
        let Some(last) = ending.last else {
            return false; // an empty file, or no data row
        };
        self.card_done(last) && self.flush_group()
    }
}
