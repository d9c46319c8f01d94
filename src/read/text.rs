//! Text records of a data file, as they stream: the text decoded from its encoding
//! (SPEC §5), split into CSV records, each with the line it starts on and a way to
//! find where any of its cells is. Both readers of data files, actuals (`rows`) and
//! targets (`targets`), read through this.
//!
//! Memory does not grow with the file: the text is decoded in blocks, and only the
//! record being read is kept (for the columns of its cells).

use std::io::{self, Read};

use csv::ByteRecord;

use crate::diag::Diagnostic;
use crate::read::encoding::{Encoding, SNIFF_LEN, sniff};
use crate::read::header::{cell_starts, detect_delimiter};

/// Where a cell is: a file (its index in the run), a 1-based line and character
/// column, and the byte offset in the file's text (for showing the source line): the
/// text as decoded to UTF-8, without its BOM, as the snippet maker decodes it again.
/// A line is what an editor shows: CRLF, LF and a lone CR each end one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    pub file: usize,
    pub line: usize,
    pub col: usize,
    pub offset: u64,
}

/// The records of one file, with their places.
pub(crate) struct Records<'r> {
    file: usize,
    delimiter: u8,
    csv: csv::Reader<Text<'r>>,
    lines: Lines,
    /// Where the cells of the row at `offsets_of` start.
    offsets: Vec<u64>,
    offsets_of: Option<u64>,
    /// That row has no quote, so it lies on one line: columns count from its start.
    plain: bool,
}

/// A record and where it starts.
pub(crate) struct Row<'b> {
    pub record: &'b ByteRecord,
    /// Byte offset of the record in the text.
    pub start: u64,
    /// Line of the record's start.
    pub line: usize,
}

impl<'r> Records<'r> {
    /// Opens a file's text: its encoding (`forced`, else a BOM, else sniffed) and
    /// delimiter (`delimiter`, else detected from the header line). `file` is the
    /// file's index in the run, for locations.
    pub(crate) fn open(
        input: &'r mut dyn Read,
        forced: Option<Encoding>,
        delimiter: Option<u8>,
        file: usize,
    ) -> io::Result<Records<'r>> {
        let text = Text::open(input, forced)?;
        let delimiter = delimiter.unwrap_or(text.delimiter);
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(text);
        Ok(Records {
            file,
            delimiter,
            csv,
            lines: Lines::default(),
            offsets: Vec::new(),
            offsets_of: None,
            plain: false,
        })
    }

    pub(crate) fn encoding(&self) -> Encoding {
        self.csv.get_ref().encoding
    }

    pub(crate) fn chosen(&self) -> Chosen {
        self.csv.get_ref().chosen
    }

    /// The next record, and where it starts; `None` at the end of the text.
    pub(crate) fn next<'b>(&mut self, record: &'b mut ByteRecord) -> io::Result<Option<Row<'b>>> {
        if !self.csv.read_byte_record(record).map_err(into_io)? {
            return Ok(None);
        }
        // The CSV reader's position is where it stopped after the record before,
        // which is not always where this one starts: a CR ends a record, so the LF
        // of a CRLF is read with the next one, as are blank lines it skips.
        let stopped = record.position().map_or(0, |p| p.byte());
        let start = self.csv.get_ref().past_line_ends(stopped);
        self.lines.advance(self.csv.get_ref(), start);
        Ok(Some(Row {
            record: &*record,
            start,
            line: self.lines.line,
        }))
    }

    /// Done with the row starting at `start`: only the record being read is kept
    /// for its columns.
    pub(crate) fn done_with(&mut self, start: u64) {
        let keep = start.min(self.lines.line_start);
        self.csv.get_mut().forget_before(keep);
    }

    /// After reading failed: the place where the text stopped being valid in its
    /// encoding, as a problem of `path`; `None` when reading failed otherwise.
    pub(crate) fn undecodable(&mut self, path: &str) -> Option<Diagnostic> {
        let offset = self.csv.get_ref().bad_text?;
        let (line, col) = self.locate(offset);
        let (message, hint) = undecodable(self.encoding(), self.chosen());
        Some(
            Diagnostic::error(path, line, col, message)
                .with_offset(offset)
                .with_hint(Some(hint)),
        )
    }

    /// Line and column of a byte offset at or after the current record's start.
    pub(crate) fn locate(&mut self, offset: u64) -> (usize, usize) {
        let text = self.csv.get_ref();
        let from = self.lines.line_start.max(text.base);
        let (lines, last_start) = text.count_lines(from, offset);
        let line = self.lines.line.max(1) + lines;
        let col = 1 + text.chars_between(last_start.max(from), offset);
        (line, col)
    }

    /// Where each cell of a row starts in the text, found once per row.
    fn cell_offsets(&mut self, row: &Row<'_>) -> &[u64] {
        if self.offsets_of == Some(row.start) {
            return &self.offsets;
        }
        self.offsets_of = Some(row.start);
        self.offsets.clear();
        let record = row.record;
        let cells = record.len();
        let text = self.csv.get_ref();
        let window = text.window_from(row.start);
        // Without a quote before the last cell, a cell starts where the fields before
        // it and their delimiters end; with one, the raw text is walked.
        let plain_len = (record.as_slice().len() + cells.saturating_sub(1)).min(window.len());
        self.plain = memchr::memchr(b'"', &window[..plain_len]).is_none();
        if self.plain {
            for j in 0..cells {
                let at = record.range(j).map_or(0, |r| r.start) + j;
                self.offsets.push(row.start + at as u64);
            }
        } else {
            let starts = cell_starts(window, 0, self.delimiter, cells);
            let last = starts.last().copied().unwrap_or(0);
            for j in 0..cells.max(1) {
                let at = starts.get(j).copied().unwrap_or(last);
                self.offsets.push(row.start + at as u64);
            }
        }
        &self.offsets
    }

    /// The location of cell `j` of a row.
    pub(crate) fn cell_loc(&mut self, row: &Row<'_>, j: usize) -> Loc {
        let offsets = self.cell_offsets(row);
        let offset = offsets
            .get(j)
            .or(offsets.last())
            .copied()
            .unwrap_or(row.start);
        let (line, col) = if self.plain {
            let text = self.csv.get_ref();
            (row.line, 1 + text.chars_between(row.start, offset))
        } else {
            self.locate(offset)
        };
        Loc {
            file: self.file,
            line,
            col,
            offset,
        }
    }

    /// Where each cell of a row starts.
    pub(crate) fn cell_locs(&mut self, row: &Row<'_>) -> Vec<Loc> {
        let offsets = self.cell_offsets(row).to_vec();
        // One walk along the row, not one from its start per cell: a header of a
        // million cells stays linear.
        let mut locs = Vec::with_capacity(offsets.len());
        let (mut line, mut col) = (0, 0);
        let mut at = None;
        for offset in offsets {
            match at {
                Some(previous) if offset >= previous => {
                    let text = self.csv.get_ref();
                    let (lines, last_start) = text.count_lines(previous, offset);
                    if lines > 0 {
                        line += lines;
                        col = 1 + text.chars_between(last_start, offset);
                    } else {
                        col += text.chars_between(previous, offset);
                    }
                }
                _ => (line, col) = self.locate(offset),
            }
            at = Some(offset);
            locs.push(Loc {
                file: self.file,
                line,
                col,
                offset,
            });
        }
        locs
    }

    pub(crate) fn row_loc(&self, row: &Row<'_>) -> Loc {
        Loc {
            file: self.file,
            line: row.line,
            col: 1,
            offset: row.start,
        }
    }
}

/// What the encodings worth naming are, for hints.
pub(crate) const OTHER_ENCODINGS: &str = "--encoding big5, --encoding windows-1252, …";

/// Text that is not valid in the encoding read: what was tried, and how to name another.
pub(crate) fn undecodable(encoding: Encoding, chosen: Chosen) -> (String, String) {
    let name = encoding.name();
    match chosen {
        Chosen::Named => (
            format!("the text here is not valid {name} (named by --encoding)"),
            format!(
                "name the file's own encoding (--encoding utf8, --encoding gb18030, {OTHER_ENCODINGS}), or save it as UTF-8"
            ),
        ),
        Chosen::ByteOrderMark => (
            format!("the text here is not valid {name}, which the file's byte order mark names"),
            "save the file again as UTF-8".into(),
        ),
        Chosen::Detected if encoding == Encoding::Gb18030 => (
            "the text here is not valid UTF-8 or GB18030 (tried in that order)".into(),
            format!("if the file is in another encoding, name it: {OTHER_ENCODINGS}"),
        ),
        Chosen::Detected => (
            format!("the text here is not valid {name}, the encoding of the file's first 64 KiB"),
            format!(
                "if the file is in another encoding, name it: --encoding gb18030, {OTHER_ENCODINGS}"
            ),
        ),
    }
}

/// A file that could not be read, as a diagnostic.
pub fn read_error(name: &str, error: &io::Error) -> Diagnostic {
    let message = match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "is a directory, not a file".to_string(),
        _ => format!("cannot read: {error}"),
    };
    Diagnostic::error(name, 0, 0, message)
}

fn into_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Counts lines as LineIndex does: CRLF, LF and a lone CR each end one.
#[derive(Default)]
struct Lines {
    /// Scanned up to this offset.
    pos: u64,
    /// 1-based line at `pos` (0 before anything is read).
    line: usize,
    /// Offset where that line starts.
    line_start: u64,
}

impl Lines {
    /// Moves to `to`, a record's start.
    fn advance(&mut self, text: &Text<'_>, to: u64) {
        if self.line == 0 {
            self.line = 1;
        }
        if to <= self.pos {
            return;
        }
        let (lines, last_start) = text.count_lines(self.pos, to);
        self.line += lines;
        if lines > 0 {
            self.line_start = last_start;
        }
        self.pos = to;
    }
}

/// What chose a file's encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Chosen {
    /// `--encoding`.
    Named,
    ByteOrderMark,
    /// The first 64 KiB: UTF-8 if they are valid UTF-8, else GB18030.
    Detected,
}

/// A data file's text as UTF-8, decoded as it is read, with the bytes from the
/// current record on kept for locating cells.
pub(crate) struct Text<'r> {
    inner: &'r mut dyn Read,
    decoder: encoding_rs::Decoder,
    encoding: Encoding,
    chosen: Chosen,
    delimiter: u8,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    /// The input is used up.
    done: bool,
    /// The decoder has been told so and has flushed: it must not be called again.
    finished: bool,
    /// Malformed input follows what has been handed out.
    malformed: bool,
    /// The decoded text from offset `base` on.
    window: Vec<u8>,
    base: u64,
    /// Where the text stops being valid, once found.
    bad_text: Option<u64>,
}

impl<'r> Text<'r> {
    /// Decides the encoding (a BOM, else the first 64 KiB, SPEC §5) and the delimiter.
    fn open(input: &'r mut dyn Read, forced: Option<Encoding>) -> io::Result<Text<'r>> {
        let mut head = Vec::with_capacity(SNIFF_LEN);
        (&mut *input)
            .take(SNIFF_LEN as u64)
            .read_to_end(&mut head)?;
        let (bom, bom_len) = match head.as_slice() {
            [0xEF, 0xBB, 0xBF, ..] => (Some(Encoding::Utf8), 3),
            [0xFF, 0xFE, ..] => (Some(Encoding::Utf16Le), 2),
            [0xFE, 0xFF, ..] => (Some(Encoding::Utf16Be), 2),
            _ => (None, 0),
        };
        let (encoding, chosen) = match (forced, bom) {
            (Some(named), _) => (named, Chosen::Named),
            (None, Some(marked)) => (marked, Chosen::ByteOrderMark),
            (None, None) => (sniff(&head), Chosen::Detected),
        };
        let skip = if bom == Some(encoding) { bom_len } else { 0 };
        let (sample, _) = encoding.codec().decode_without_bom_handling(&head[skip..]);
        let delimiter = detect_delimiter(&sample);
        let raw_end = head.len();
        head.resize(raw_end.max(1 << 16), 0);
        Ok(Text {
            inner: input,
            decoder: encoding.codec().new_decoder_without_bom_handling(),
            encoding,
            chosen,
            delimiter,
            raw: head,
            raw_start: skip,
            raw_end,
            done: false,
            finished: false,
            malformed: false,
            window: Vec::with_capacity(1 << 17),
            base: 0,
            bad_text: None,
        })
    }

    fn end(&self) -> u64 {
        self.base + self.window.len() as u64
    }

    /// The kept text from `offset` on.
    fn window_from(&self, offset: u64) -> &[u8] {
        let from = offset.saturating_sub(self.base) as usize;
        self.window.get(from..).unwrap_or(&[])
    }

    /// Drops the text before `offset`, now and then (not for every record).
    fn forget_before(&mut self, offset: u64) {
        let drop = offset.saturating_sub(self.base) as usize;
        if drop >= (1 << 20) || drop == self.window.len() {
            let drop = drop.min(self.window.len());
            self.window.drain(..drop);
            self.base += drop as u64;
        }
    }

    /// The offset of the first byte at or after `offset` that does not end a line.
    fn past_line_ends(&self, offset: u64) -> u64 {
        let skipped = self
            .window_from(offset)
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        offset + skipped as u64
    }

    /// Line ends in `[from, to)`, and where the line after the last one starts. A
    /// range must not end between the CR and LF of a CRLF: that line end would be
    /// counted in the range after it.
    fn count_lines(&self, from: u64, to: u64) -> (usize, u64) {
        let bytes = self.window_from(from);
        let len = (to.saturating_sub(from) as usize).min(bytes.len());
        let mut lines = 0;
        let mut last_start = from;
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[..len]) {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue; // the LF ends this line
            }
            lines += 1;
            last_start = from + i as u64 + 1;
        }
        (lines, last_start)
    }

    /// Characters in `[from, to)`.
    fn chars_between(&self, from: u64, to: u64) -> usize {
        let bytes = self.window_from(from);
        let len = (to.saturating_sub(from) as usize).min(bytes.len());
        bytes[..len].iter().filter(|&&b| (b & 0xC0) != 0x80).count()
    }

    fn decode_into(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.malformed {
            self.bad_text = Some(self.end());
            return Err(io::Error::new(io::ErrorKind::InvalidData, "invalid text"));
        }
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
                    // What came before the bad bytes is read first, so that the
                    // error's place is known.
                    self.malformed = true;
                    if written > 0 {
                        return Ok(written);
                    }
                    self.bad_text = Some(self.end());
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

impl Read for Text<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.decode_into(buf)?;
        self.window.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}
