//! A data file opened as what it is (SPEC §5): text to read as it streams, or a
//! workbook's sheet as CSV text. Actuals and targets files are opened the same way.

use std::io::{self, Read};

use crate::diag::Diagnostic;
use crate::read::encoding::Encoding;
use crate::read::kind::{self, Named};
use crate::read::rows::{ReadOptions, read_error};
use crate::read::sheet::{self, CellMap, Opened};

/// A data file's text.
pub enum Source<'r> {
    /// Text, read as it streams (its first bytes, read to tell what it is, put back).
    Stream(io::Chain<io::Cursor<Vec<u8>>, &'r mut dyn Read>),
    /// A file read whole that is text after all.
    Whole(Vec<u8>),
    /// A workbook's sheet as CSV text, and where its cells came from.
    Sheet(String, CellMap),
}

impl Source<'_> {
    /// The options to read this text with: a sheet's CSV text is UTF-8 and
    /// comma-separated, whatever `--encoding` and `--delimiter` say of text files.
    pub fn options(&self, options: &ReadOptions) -> ReadOptions {
        match self {
            Source::Sheet(..) => ReadOptions {
                encoding: Some(Encoding::Utf8),
                delimiter: Some(b','),
                ..options.clone()
            },
            _ => options.clone(),
        }
    }

    /// The text's bytes, to read.
    pub fn reader(&mut self) -> Box<dyn Read + '_> {
        match self {
            Source::Stream(stream) => Box::new(stream),
            Source::Whole(bytes) => Box::new(bytes.as_slice()),
            Source::Sheet(csv, _) => Box::new(csv.as_bytes()),
        }
    }

    /// Where a sheet's cells came from; `None` for text.
    pub fn into_map(self) -> Option<CellMap> {
        match self {
            Source::Sheet(_, map) => Some(map),
            _ => None,
        }
    }
}

/// Opens `name`: what it is comes from its name, else its first bytes. A workbook
/// is read whole and its sheet (`sheet`, else the first with data) becomes CSV
/// text; what kpi cannot read is refused with a problem saying what it is. Warnings
/// about the file (read by its bytes under another name, another sheet read) are
/// pushed to `notes`.
pub fn open<'r>(
    name: &str,
    reader: &'r mut dyn Read,
    sheet: Option<&str>,
    notes: &mut Vec<Diagnostic>,
) -> Result<Source<'r>, Box<Diagnostic>> {
    let mut head = Vec::with_capacity(kind::HEAD_LEN);
    (&mut *reader)
        .take(kind::HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| Box::new(read_error(name, &e)))?;
    let whole = sheet::is_spreadsheet(name) || kind::needs_whole(&head);
    if !whole {
        if let Some(refusal) = kind::refusal(name, Named::Text, kind::of_head(&head)) {
            return Err(Box::new(refusal));
        }
        return Ok(Source::Stream(io::Cursor::new(head).chain(reader)));
    }
    let mut bytes = head;
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Box::new(read_error(name, &e)))?;
    match sheet::open(name, bytes, sheet)? {
        Opened::Sheet(grid) => {
            notes.extend(grid.notes);
            Ok(Source::Sheet(grid.csv, grid.map))
        }
        Opened::Text(bytes, note) => {
            notes.extend(note);
            Ok(Source::Whole(bytes))
        }
    }
}
