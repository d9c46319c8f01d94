//! Spreadsheet actuals (`.xlsx`, `.xlsm`, `.xls`, `.ods` and their templates, with
//! `calamine`): the first sheet (or, when it is empty, the only other one with data),
//! or the one `--sheet` names, turned into the same rows a CSV file gives, so the long
//! and wide rules are one piece of code. Problems are then named by sheet and cell
//! (`Sheet1!C7`) instead of line and column. Which reader a file gets is decided by its
//! bytes (`kind`), not its name; encrypted and damaged workbooks are refused in words
//! about the file, never the reader's.
//!
//! What a cell means: a number is its shortest round-trip decimal (0.92, never
//! 0.9200000000000000399); a number formatted as a percentage (xlsx) is that many
//! hundredths, so 0.95 shown as 95% is `95%`; a date in the period column is its month
//! (Excel turns a typed `2026-11` into 1 November 2026), elsewhere its ISO day; an
//! empty cell is no value; an error cell (`#DIV/0!`) is text, reported as not a number.

use std::io::Cursor;
use std::str::FromStr;

use calamine::{Data, Range, Reader, SheetType, SheetVisible, Sheets};
use rust_decimal::Decimal;

use crate::diag::Diagnostic;
use crate::model::Column;
use crate::num::plain;
use crate::read::kind::{self, Book, Kind, Named};

/// Whether a data file is read whole, as a workbook, by its name: a workbook kpi
/// reads, or one it names as a format it does not. Other names are text unless their
/// first bytes say otherwise (`kind::needs_whole`, `kind::of_head`).
pub fn is_spreadsheet(path: &str) -> bool {
    kind::named(path) != Named::Text
}

/// A sheet as CSV text, with what is needed to name its cells.
pub struct Grid {
    pub csv: String,
    pub map: CellMap,
    /// Warnings about the file: read by its bytes under another name, or a sheet
    /// other than the first read because the first is empty.
    pub notes: Vec<Diagnostic>,
}

/// A data file read whole: a sheet, or text under a workbook's name.
pub enum Opened {
    Sheet(Grid),
    /// The file's bytes, to be read as CSV text, and a warning saying so when its
    /// name said workbook.
    Text(Vec<u8>, Option<Diagnostic>),
}

/// Where CSV lines and columns of a converted sheet came from.
#[derive(Clone, Debug)]
pub struct CellMap {
    /// The file, as diagnostics name it.
    pub path: String,
    pub sheet: String,
    /// The sheet row and column of the CSV's first line and cell (0-based).
    origin: (u32, u32),
    /// For each CSV line, the character column where each cell starts.
    starts: Vec<Vec<usize>>,
}

impl CellMap {
    /// `Sheet1!C7` for a 1-based CSV line and character column.
    pub fn cell(&self, line: usize, col: usize) -> Option<String> {
        let starts = self.starts.get(line.checked_sub(1)?)?;
        let field = starts.iter().rposition(|&s| s <= col).unwrap_or(0);
        let row = self.origin.0 as usize + line; // 1-based
        let column = self.origin.1 as usize + field;
        let sheet = if self.sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
            self.sheet.clone()
        } else {
            format!("'{}'", self.sheet.replace('\'', "''"))
        };
        Some(format!("{sheet}!{}{row}", column_letters(column)))
    }

    /// The sheet row (1-based) before the CSV text's first line: line n of the text
    /// is sheet row `first_row() + n`.
    pub fn first_row(&self) -> u32 {
        self.origin.0
    }

    /// Names the cells of this file's diagnostics.
    pub fn locate(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics
            .iter_mut()
            .filter(|d| d.path == self.path && d.line > 0)
        {
            d.cell = self.cell(d.line, d.col);
            d.snippet = None;
        }
    }
}

/// `A`, …, `Z`, `AA`, … for a 0-based column.
fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Reads one sheet of a workbook as CSV text; text is refused.
pub fn read(path: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Grid, Box<Diagnostic>> {
    match open(path, bytes, sheet)? {
        Opened::Sheet(grid) => Ok(grid),
        Opened::Text(..) => Err(Box::new(Diagnostic::error(
            path,
            0,
            0,
            "the file is text, not a workbook",
        ))),
    }
}

/// Reads a data file whole, as what its bytes are: one sheet of a workbook as CSV
/// text (whatever the file's name), text to be read as such, or a refusal that says
/// what the file is and how to get one kpi reads.
///
/// The workbook readers are not ours, and a malformed file has made one panic (an
/// `assert_eq!` in calamine's compound-file code, found by `cargo fuzz`): a panic there
/// is turned into an error naming the file, and its message is kept off the terminal.
pub fn open(path: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Opened, Box<Diagnostic>> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        open_file(path, bytes, sheet)
    }));
    std::panic::set_hook(previous);
    result.unwrap_or_else(|_| Err(Box::new(kind::damaged(path))))
}

fn open_file(path: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Opened, Box<Diagnostic>> {
    let named = kind::named(path);
    let found = kind::of_named(named, &bytes);
    if let Some(refusal) = kind::refusal(path, named, found) {
        return Err(Box::new(refusal));
    }
    match found {
        Kind::Book(book) => {
            let mut grid = read_book(path, bytes, book, sheet)?;
            grid.notes.splice(0..0, kind::misnamed(path, named, book));
            Ok(Opened::Sheet(grid))
        }
        _ => {
            // An empty file is no more text than workbook: the reader says it is empty.
            let note = (named != Named::Text && !bytes.is_empty()).then(|| {
                Diagnostic::warning(path, 0, 0, "this file is text, not a workbook; read as CSV")
            });
            Ok(Opened::Text(bytes, note))
        }
    }
}

/// A sentence about the user's file for a reader's error, never the reader's words:
/// the workbook has a password, or it (or its sheet `sheet`) is damaged.
fn reader_error(
    path: &str,
    book: Book,
    sheet: Option<&str>,
    error: &calamine::Error,
) -> Box<Diagnostic> {
    let password = matches!(
        error,
        calamine::Error::Xls(calamine::XlsError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password)
    );
    Box::new(match sheet {
        _ if password => kind::encrypted(path, book),
        Some(name) => Diagnostic::error(
            path,
            0,
            0,
            format!("the workbook is damaged: its sheet {name:?} cannot be read"),
        )
        .with_hint(Some(kind::REPAIR.into())),
        None => kind::damaged(path),
    })
}

fn read_book(
    path: &str,
    bytes: Vec<u8>,
    book: Book,
    sheet: Option<&str>,
) -> Result<Grid, Box<Diagnostic>> {
    let damaged = || Box::new(kind::damaged(path));
    // An .xls's BIFF records, read once: for its encryption, its extent, its percent
    // cells, and the compound file the reader is given. One the `cfb` crate cannot
    // open is damaged.
    let biff = if book == Book::Xls {
        let (name, stream) = workbook_stream(&bytes).ok_or_else(damaged)?;
        // Encrypted cells read as records would be nonsense (and take any size).
        if is_encrypted_biff(&stream) {
            return Err(Box::new(kind::encrypted(path, book)));
        }
        Some((name, stream))
    } else {
        None
    };
    // The reader lays each sheet out as a dense grid of its cells' bounding box: a
    // small file naming cell A1 and cell XFD1048576 would take gigabytes. Such a sparse
    // sheet is refused before it is read.
    let shape = match (&biff, book) {
        (Some((_, stream)), _) => Some(xls_shape(stream)),
        (None, Book::Xlsx) => xlsx_shape(&bytes),
        _ => None,
    };
    if let Some(shape) = shape.filter(Shape::too_sparse) {
        return Err(Box::new(
            Diagnostic::error(
                path,
                0,
                0,
                format!(
                    "a sheet spans {} rows × {} columns for {} cells; kpi reads sheets whose cells fill their extent",
                    shape.rows, shape.columns, shape.cells
                ),
            )
            .with_hint(Some(
                "copy the cells that hold the data into a new workbook, save it, and run kpi on that"
                    .into(),
            )),
        ));
    }
    // The reader's compound-file code has been made to loop and to reserve gigabytes
    // on damaged containers (found by fuzzing): an .xls reaches it only as a compound
    // file written here, and an .xlsx or .ods only as a zip archive (`kind::of`).
    let bytes = match &biff {
        Some((name, stream)) => rebuild_xls(name, stream).ok_or_else(damaged)?,
        None => bytes,
    };
    let ods = (book == Book::Ods).then(|| bytes.clone());
    // The reader for the file's kind only: guessing would hand any bytes to each.
    let cursor = Cursor::new(bytes);
    let opened = match book {
        Book::Xls => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Xls)
            .map_err(calamine::Error::Xls),
        Book::Ods => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Ods)
            .map_err(calamine::Error::Ods),
        Book::Xlsx => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Xlsx)
            .map_err(calamine::Error::Xlsx),
    };
    let mut workbook = opened.map_err(|e| reader_error(path, book, None, &e))?;
    let (name, range, note) = choose_sheet(path, book, &mut workbook, sheet)?;
    let percent = match (&mut workbook, ods, &biff) {
        (Sheets::Xlsx(xlsx), _, _) => Percent::Styles(xlsx.worksheet_style(&name).ok()),
        (_, Some(bytes), _) => Percent::Cells(ods_percent_cells(bytes, &name).unwrap_or_default()),
        (_, _, Some((_, stream))) => {
            Percent::Cells(xls_percent_cells(stream, &name).unwrap_or_default())
        }
        _ => Percent::Unknown,
    };
    let mut grid = to_csv(path, &name, &range, &percent);
    grid.notes.extend(note);
    Ok(grid)
}

/// The sheet to read, its cells, and a warning when it is not the one asked for: the
/// one `--sheet` names, else the first worksheet, else (when that is empty) the only
/// other one that holds data.
fn choose_sheet<RS: std::io::Read + std::io::Seek>(
    path: &str,
    book: Book,
    workbook: &mut Sheets<RS>,
    wanted: Option<&str>,
) -> Result<(String, Range<Data>, Option<Diagnostic>), Box<Diagnostic>> {
    let error = |message: String, hint: Option<String>| {
        Box::new(Diagnostic::error(path, 0, 0, message).with_hint(hint))
    };
    let sheets = workbook.sheets_metadata().to_vec();
    let is_cells = |s: &calamine::Sheet| s.typ == SheetType::WorkSheet;
    let mut range_of = |name: &str| {
        workbook
            .worksheet_range(name)
            .map_err(|e| reader_error(path, book, Some(name), &e))
    };
    let empty_hint =
        || Some("a sheet of actuals starts with a header row, such as indicator, actual".into());
    if let Some(wanted) = wanted {
        let Some(found) = sheets.iter().find(|s| s.name == wanted) else {
            let names: Vec<&String> = sheets.iter().map(|s| &s.name).collect();
            return Err(error(
                format!("no sheet named {wanted:?}; the sheets are {names:?}"),
                None,
            ));
        };
        if !is_cells(found) {
            return Err(error(
                format!("the sheet {wanted:?} is a chart or macro sheet, not a sheet of cells"),
                None,
            ));
        }
        let range = range_of(wanted)?;
        if !holds_data(&range) {
            return Err(error(
                format!("the sheet {wanted:?} is empty"),
                empty_hint(),
            ));
        }
        return Ok((wanted.to_string(), range, None));
    }
    let mut worksheets = sheets.iter().filter(|s| is_cells(s));
    let Some(first) = worksheets.next() else {
        return Err(error("the workbook has no sheet of cells".into(), None));
    };
    let range = range_of(&first.name)?;
    if holds_data(&range) {
        return Ok((first.name.clone(), range, None));
    }
    // The first sheet is empty (a cover or instructions sheet): another with data is
    // read when there is only one, a hidden one only when no visible one has data.
    let mut with_data = Vec::new();
    for other in worksheets {
        if holds_data(&range_of(&other.name)?) {
            with_data.push(other);
        }
    }
    if with_data.iter().any(|s| s.visible == SheetVisible::Visible) {
        with_data.retain(|s| s.visible == SheetVisible::Visible);
    }
    let first_name = &first.name;
    match with_data.as_slice() {
        [] if sheets.iter().filter(|s| is_cells(s)).count() == 1 => Err(error(
            format!("the sheet {first_name:?} is empty"),
            empty_hint(),
        )),
        [] => Err(error(
            "the workbook holds no data: all its sheets are empty".into(),
            empty_hint(),
        )),
        [only] => {
            let range = range_of(&only.name)?;
            let note = Diagnostic::warning(
                path,
                0,
                0,
                format!(
                    "the first sheet {first_name:?} is empty; read sheet {:?}, the only one with data",
                    only.name
                ),
            );
            Ok((only.name.clone(), range, Some(note)))
        }
        several => {
            let names: Vec<String> = several.iter().map(|s| format!("{:?}", s.name)).collect();
            Err(error(
                format!(
                    "the first sheet {first_name:?} is empty, and {} sheets hold data: {}",
                    several.len(),
                    names.join(", ")
                ),
                Some(format!(
                    "choose one with --sheet NAME, such as --sheet {}",
                    shell_word(&several[0].name)
                )),
            ))
        }
    }
}

/// Whether any cell of a sheet holds something other than blanks.
fn holds_data(range: &Range<Data>) -> bool {
    range.used_cells().any(|(_, _, cell)| match cell {
        Data::Empty => false,
        Data::String(s) => !s.trim().is_empty(),
        _ => true,
    })
}

/// A sheet name as it would be typed after `--sheet` in a shell.
fn shell_word(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        name.to_string()
    } else {
        let mut quoted = String::from('"');
        for c in name.chars() {
            if matches!(c, '"' | '\\' | '$' | '`') {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        quoted
    }
}

/// Which cells are formatted as percentages: xlsx keeps number formats in its styles
/// (which calamine reads); ods marks each cell's value type (read here from
/// content.xml); xls keeps them in its BIFF records (read here from the Workbook
/// stream, which calamine reads for values only).
pub(crate) enum Percent {
    Styles(Option<calamine::StyleRange>),
    Cells(std::collections::HashSet<(u32, u32)>),
    Unknown,
}

/// The cells of an ods sheet whose value type is `percentage`, by (row, column).
fn ods_percent_cells(bytes: Vec<u8>, sheet: &str) -> Option<std::collections::HashSet<(u32, u32)>> {
    use quick_xml::events::Event;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut content = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("content.xml").ok()?, &mut content).ok()?;
    let mut reader = quick_xml::Reader::from_str(&content);
    let mut found = std::collections::HashSet::new();
    let (mut in_sheet, mut row, mut col, mut rows_repeated) = (false, 0u32, 0u32, 1u32);
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.into_inner() == name)
            .map(|a| a.value.to_string())
    };
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => match e.name().into_inner() {
                "table:table" => {
                    in_sheet = attr(&e, "table:name").as_deref() == Some(sheet);
                    row = 0;
                }
                "table:table-row" if in_sheet => {
                    col = 0;
                    rows_repeated = attr(&e, "table:number-rows-repeated")
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(1);
                }
                "table:table-cell" | "table:covered-table-cell" if in_sheet => {
                    let repeat: u32 = attr(&e, "table:number-columns-repeated")
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(1);
                    if attr(&e, "office:value-type").as_deref() == Some("percentage") {
                        for k in 0..repeat.min(1 << 14) {
                            found.insert((row, col + k));
                        }
                    }
                    col = col.saturating_add(repeat);
                }
                _ => {}
            },
            Event::End(e) if in_sheet && e.name().into_inner() == "table:table-row" => {
                row = row.saturating_add(rows_repeated);
            }
            Event::End(e) if in_sheet && e.name().into_inner() == "table:table" => {
                return Some(found);
            }
            Event::Eof => return Some(found),
            _ => {}
        }
    }
}

/// The largest sheet of a workbook: its extent and how many cells it holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Shape {
    rows: u64,
    columns: u64,
    cells: u64,
}

impl Shape {
    /// Whether laying the sheet out as a grid would take far more than the cells do.
    fn too_sparse(&self) -> bool {
        let area = self.rows * self.columns;
        area > 1_000_000 && area > 16 * (self.cells + 1)
    }

    fn widest(self, other: Shape) -> Shape {
        if other.rows * other.columns > self.rows * self.columns {
            other
        } else {
            self
        }
    }
}

/// The extent of the sparsest-looking sheet of an xlsx: from every `<c r="…">` of
/// every worksheet part.
fn xlsx_shape(bytes: &[u8]) -> Option<Shape> {
    use quick_xml::events::Event;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let names: Vec<String> = archive
        .file_names()
        .flatten()
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .map(|n| n.to_string())
        .collect();
    let mut widest = Shape::default();
    for name in names {
        let mut xml = String::new();
        // A part that will not inflate is the reader's to report.
        let part = archive.by_name(&name).ok()?;
        std::io::Read::read_to_string(&mut std::io::Read::take(part, 1 << 30), &mut xml).ok()?;
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut shape = Shape::default();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) if e.name().into_inner() == "c" => {
                    shape.cells += 1;
                    let reference = e.attributes().flatten().find(|a| a.key.into_inner() == "r");
                    if let Some((row, column)) = reference.and_then(|a| cell_position(&a.value)) {
                        shape.rows = shape.rows.max(row + 1);
                        shape.columns = shape.columns.max(column + 1);
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        widest = widest.widest(shape);
    }
    Some(widest)
}

/// `C7` → (6, 2), 0-based.
fn cell_position(reference: &str) -> Option<(u64, u64)> {
    let letters = reference.bytes().take_while(u8::is_ascii_uppercase).count();
    let column = reference[..letters]
        .bytes()
        .try_fold(0u64, |n, b| {
            n.checked_mul(26)?.checked_add(u64::from(b - b'A' + 1))
        })?
        .checked_sub(1)?;
    let row: u64 = reference[letters..].parse().ok()?;
    Some((row.checked_sub(1)?, column))
}

/// An xls's Workbook stream (or a BIFF5 file's Book stream): its name and bytes.
fn workbook_stream(bytes: &[u8]) -> Option<(&'static str, Vec<u8>)> {
    use std::io::Read as _;
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let name = if file.exists("/Workbook") {
        "/Workbook"
    } else {
        "/Book"
    };
    let mut stream = Vec::new();
    file.open_stream(name).ok()?.read_to_end(&mut stream).ok()?;
    Some((name, stream))
}

/// The BIFF records of a Workbook stream from byte `from`: type and data.
fn records(stream: &[u8], from: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = from;
    std::iter::from_fn(move || {
        let kind = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at + 2)?);
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((kind, data))
    })
}

fn u16_at(bytes: &[u8], i: usize) -> Option<u16> {
    bytes
        .get(i..i + 2)
        .map(|x| u16::from_le_bytes([x[0], x[1]]))
}

fn u32_at(bytes: &[u8], i: usize) -> Option<u32> {
    bytes
        .get(i..i + 4)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
}

/// A BIFF8 string's `count` characters: one byte each, or UTF-16 when `wide`.
fn biff_text(text: &[u8], count: usize, wide: bool) -> String {
    if wide {
        let units: Vec<u16> = text
            .chunks_exact(2)
            .take(count)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        text.iter().take(count).map(|&b| char::from(b)).collect()
    }
}

/// The Workbook stream in a fresh compound file: the reader's own compound-file code
/// has been made to reserve gigabytes by a damaged container (found by fuzzing), so it
/// only ever sees a container written here.
fn rebuild_xls(name: &str, stream: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    let mut fresh =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).ok()?;
    fresh.create_stream(name).ok()?.write_all(stream).ok()?;
    fresh.flush().ok()?;
    Some(fresh.into_inner().into_inner())
}

/// Whether an xls is encrypted: a FILEPASS record in its workbook globals (right
/// after their BOF, MS-XLS 2.4.117). Only the records' data is encrypted, not their
/// headers, so the records still read as records.
fn is_encrypted_biff(stream: &[u8]) -> bool {
    records(stream, 0)
        .skip(1)
        .take_while(|&(kind, _)| kind != 0x000A && kind != 0x0809)
        .any(|(kind, _)| kind == 0x002F)
}

/// The rows and columns a DIMENSIONS record gives, as the reader computes them to
/// reserve room for the cells (so that a damaged record is seen as what it costs).
/// The last row and column of the record are one past the last used (MS-XLS
/// 2.4.90): rows 0 to 10 are `rwMic` 0, `rwMac` 11. BIFF8 has 32-bit rows, BIFF5 16.
fn xls_dimensions(data: &[u8]) -> Option<(u64, u64)> {
    let (first_row, past_row, first_col, past_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)?),
            u32::from(u16_at(data, 2)?),
            u32::from(u16_at(data, 4)?),
            u32::from(u16_at(data, 6)?),
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u32::from(u16_at(data, 8)?),
            u32::from(u16_at(data, 10)?),
        ),
        _ => return None,
    };
    // As the reader: a first column past 255, or after the last, counts from 0.
    let first_col = if first_col > 0xFF || past_col < first_col {
        0
    } else {
        first_col
    };
    if past_row == 0 || past_col == 0 {
        return Some((1, 1));
    }
    // A first row after the last wraps around in the reader: a huge count, refused.
    let rows = past_row.wrapping_sub(first_row);
    let columns = past_col - first_col;
    Some((u64::from(rows), u64::from(columns)))
}

/// The extent of the sparsest-looking sheet of an xls, from its BIFF cell records.
fn xls_shape(stream: &[u8]) -> Shape {
    let mut widest = Shape::default();
    let mut shape = Shape::default();
    let row_col = |d: &[u8]| Some((u64::from(u16_at(d, 0)?), u64::from(u16_at(d, 2)?)));
    for (kind, data) in records(stream, 0) {
        match kind {
            0x0809 => shape = Shape::default(), // BOF: a new substream
            // DIMENSIONS, which the reader trusts to reserve room for the cells.
            0x0200 => {
                if let Some((rows, columns)) = xls_dimensions(data) {
                    shape.rows = shape.rows.max(rows);
                    shape.columns = shape.columns.max(columns);
                }
            }
            0x000A => widest = widest.widest(shape), // EOF
            // NUMBER, RK, FORMULA, LABELSST, LABEL, BLANK, BOOLERR: one cell each
            0x0203 | 0x027E | 0x0006 | 0x00FD | 0x0204 | 0x0201 | 0x0205 => {
                if let Some((row, column)) = row_col(data) {
                    shape.cells += 1;
                    shape.rows = shape.rows.max(row + 1);
                    shape.columns = shape.columns.max(column + 1);
                }
            }
            // MULRK, MULBLANK: a run of cells, the last column at the end
            0x00BD | 0x00BE => {
                let last = data.len().checked_sub(2).and_then(|i| u16_at(data, i));
                if let (Some((row, first)), Some(last)) = (row_col(data), last) {
                    let last = u64::from(last);
                    shape.cells += last.saturating_sub(first) + 1;
                    shape.rows = shape.rows.max(row + 1);
                    shape.columns = shape.columns.max(last + 1);
                }
            }
            _ => {}
        }
    }
    // A substream cut short, without its EOF, counts too.
    widest.widest(shape)
}

/// Whether a number format code shows a percentage: a `%` outside quotes and brackets
/// (`0%`, `0.00%`; not `"%"` text or `[Red]`).
fn percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    code.chars().any(|c| {
        match c {
            '"' => quoted = !quoted,
            '[' => bracket = true,
            ']' => bracket = false,
            '%' if !quoted && !bracket => return true,
            _ => {}
        }
        false
    })
}

/// The number cells of an xls sheet formatted as percentages, by (row, column): from
/// the BIFF8 records of its Workbook stream — FORMAT (custom codes), XF (each cell
/// style's format), BOUNDSHEET8 (where the sheet starts), then the sheet's NUMBER, RK,
/// MULRK and FORMULA cells with their XF index.
fn xls_percent_cells(stream: &[u8], sheet: &str) -> Option<std::collections::HashSet<(u32, u32)>> {
    // Built-in formats 9 and 10 are `0%` and `0.00%`.
    let mut percent_formats: std::collections::HashSet<u16> = [9, 10].into_iter().collect();
    let mut xf_percent: Vec<bool> = Vec::new();
    let mut sheet_at = None;
    for (kind, data) in records(stream, 0) {
        match kind {
            0x041E => {
                let (Some(ifmt), Some(cch)) = (u16_at(data, 0), u16_at(data, 2)) else {
                    continue;
                };
                let wide = data.get(4).is_some_and(|f| f & 1 == 1);
                let code = biff_text(data.get(5..).unwrap_or_default(), usize::from(cch), wide);
                if percent_format(&code) {
                    percent_formats.insert(ifmt);
                }
            }
            0x00E0 => {
                xf_percent.push(u16_at(data, 2).is_some_and(|ifmt| percent_formats.contains(&ifmt)))
            }
            0x0085 => {
                let cch = usize::from(*data.get(6)?);
                let wide = data.get(7).is_some_and(|f| f & 1 == 1);
                let found = biff_text(data.get(8..).unwrap_or_default(), cch, wide);
                if found == sheet {
                    sheet_at = u32_at(data, 0).map(|p| p as usize);
                }
            }
            _ => {}
        }
    }
    let is_percent_xf = |ixfe: Option<u16>| {
        ixfe.and_then(|i| xf_percent.get(usize::from(i)))
            .copied()
            .unwrap_or(false)
    };
    let mut cells = std::collections::HashSet::new();
    for (kind, data) in records(stream, sheet_at?).skip(1) {
        match kind {
            0x000A => break, // EOF of the sheet
            0x0203 | 0x027E | 0x0006 => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2))
                    && is_percent_xf(u16_at(data, 4))
                {
                    cells.insert((u32::from(row), u32::from(col)));
                }
            }
            0x00BD => {
                let (Some(row), Some(first)) = (u16_at(data, 0), u16_at(data, 2)) else {
                    continue;
                };
                let count = data.len().saturating_sub(6) / 6;
                for k in 0..count {
                    if is_percent_xf(u16_at(data, 4 + 6 * k)) {
                        cells.insert((u32::from(row), u32::from(first) + k as u32));
                    }
                }
            }
            _ => {}
        }
    }
    Some(cells)
}

fn is_percent(percent: &Percent, pos: (u32, u32)) -> bool {
    let styles = match percent {
        Percent::Styles(styles) => styles,
        Percent::Cells(cells) => return cells.contains(&pos),
        Percent::Unknown => return false,
    };
    let Some(styles) = styles else { return false };
    let Some(format) = styles.get(pos).and_then(|s| s.number_format.as_ref()) else {
        return false;
    };
    percent_format(&format.format_code)
}

fn to_csv(path: &str, sheet: &str, range: &Range<Data>, styles: &Percent) -> Grid {
    let origin = range.start().unwrap_or((0, 0));
    let rows: Vec<&[Data]> = range.rows().collect();
    // The period column, from the header (the first row with any text).
    let header = rows
        .iter()
        .find(|r| r.iter().any(|c| !matches!(c, Data::Empty)));
    let period_column = header.and_then(|r| {
        r.iter().position(
            |c| matches!(c, Data::String(s) if Column::recognise(s.trim()) == Some(Column::Period)),
        )
    });
    let mut csv = String::new();
    let mut starts = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let mut line_starts = Vec::with_capacity(row.len());
        let mut col = 1;
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                csv.push(',');
                col += 1;
            }
            line_starts.push(col);
            let pos = (origin.0 + r as u32, origin.1 + c as u32);
            let text = cell_text(cell, Some(c) == period_column, is_percent(styles, pos));
            // Always quoted; a line break inside a cell becomes a space, so that each
            // sheet row stays one CSV line and the cell names stay right.
            let text = text.replace(['\r', '\n'], " ").replace('"', "\"\"");
            csv.push('"');
            csv.push_str(&text);
            csv.push('"');
            col += text.chars().count() + 2;
        }
        csv.push('\n');
        starts.push(line_starts);
    }
    Grid {
        csv,
        map: CellMap {
            path: path.to_string(),
            sheet: sheet.to_string(),
            origin,
            starts,
        },
        notes: Vec::new(),
    }
}

/// A cell's text, as it would stand in a CSV file.
fn cell_text(cell: &Data, period: bool, percent: bool) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) if percent => format!("{}%", Decimal::from(*i) * Decimal::ONE_HUNDRED),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            // Rust prints the shortest decimal that reads back as the same double.
            let shortest = format!("{f}");
            match (percent, Decimal::from_str(&shortest)) {
                (true, Ok(d)) => format!("{}%", plain(d * Decimal::ONE_HUNDRED)),
                _ => shortest,
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => {
            // Days since 1899-12-30 (Excel's epoch, past its 1900 leap-year slip).
            // Clamped to years 1900–9999 and beyond harmlessly: a serial is a day count.
            let days = (dt.as_f64().clamp(-1e7, 1e7).floor() as i64) - 25_569;
            let date = crate::period::civil_date(days);
            match date.get(..7) {
                Some(month) if period => month.to_string(),
                _ => date,
            }
        }
        Data::DateTimeIso(s) => match s.get(..7) {
            Some(month) if period => month.to_string(),
            _ => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_sheets_are_told_apart_from_full_ones() {
        assert_eq!(cell_position("A1"), Some((0, 0)));
        assert_eq!(cell_position("C7"), Some((6, 2)));
        assert_eq!(cell_position("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_position("7"), None);
        let full = Shape {
            rows: 100_000,
            columns: 20,
            cells: 2_000_000,
        };
        let sparse = Shape {
            rows: 1_048_576,
            columns: 16_384,
            cells: 2,
        };
        assert!(!full.too_sparse());
        assert!(sparse.too_sparse());
        assert!(
            !Shape {
                rows: 1000,
                columns: 1000,
                cells: 1
            }
            .too_sparse()
        );
    }

    #[test]
    fn xls_dimensions_count_from_first_to_one_before_last() {
        // BIFF8: rows 0 to 10 (rwMac 11), columns A to D (colMac 4).
        let mut biff8 = Vec::new();
        biff8.extend_from_slice(&0u32.to_le_bytes());
        biff8.extend_from_slice(&11u32.to_le_bytes());
        biff8.extend_from_slice(&[0, 0, 4, 0, 0, 0]);
        assert_eq!(xls_dimensions(&biff8), Some((11, 4)));
        // BIFF5: rows 2 to 4, columns B to C.
        assert_eq!(
            xls_dimensions(&[2, 0, 5, 0, 1, 0, 3, 0, 0, 0]),
            Some((3, 2))
        );
        // An empty sheet, and a first row after the last (which the reader wraps).
        assert_eq!(xls_dimensions(&[0; 14]), Some((1, 1)));
        assert_eq!(
            xls_dimensions(&[5, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0]),
            Some((u64::from(u32::MAX - 1), 1))
        );
        assert_eq!(xls_dimensions(&[0; 12]), None);
    }

    #[test]
    fn a_filepass_record_after_bof_means_encrypted() {
        let record = |kind: u16, data: &[u8]| {
            let mut r = kind.to_le_bytes().to_vec();
            r.extend_from_slice(&(data.len() as u16).to_le_bytes());
            r.extend_from_slice(data);
            r
        };
        let bof = record(0x0809, &[0; 16]);
        let filepass = record(0x002F, &[1, 0, 1, 0, 1, 0]);
        let eof = record(0x000A, &[]);
        assert!(is_encrypted_biff(
            &[bof.clone(), filepass.clone(), eof.clone()].concat()
        ));
        assert!(!is_encrypted_biff(&[bof.clone(), eof.clone()].concat()));
        // Only in the workbook globals, before their EOF.
        assert!(!is_encrypted_biff(
            &[bof.clone(), eof, bof, filepass].concat()
        ));
        assert!(!is_encrypted_biff(&[]));
    }

    #[test]
    fn sheet_names_are_shell_words() {
        assert_eq!(shell_word("十月"), "十月");
        assert_eq!(shell_word("Sheet_2"), "Sheet_2");
        assert_eq!(shell_word("Q4 data"), "\"Q4 data\"");
        assert_eq!(shell_word("a\"$b"), "\"a\\\"\\$b\"");
    }

    #[test]
    fn column_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn numbers_are_their_shortest_decimals() {
        assert_eq!(cell_text(&Data::Float(0.92), false, false), "0.92");
        assert_eq!(
            cell_text(
                &Data::Float("0.9200000000000000399".parse().unwrap()),
                false,
                false
            ),
            "0.92"
        );
        assert_eq!(cell_text(&Data::Float(0.95), false, true), "95%");
        assert_eq!(cell_text(&Data::Float(0.0088), false, true), "0.88%");
        assert_eq!(cell_text(&Data::Float(100.0), false, false), "100");
        assert_eq!(cell_text(&Data::Int(3), false, false), "3");
        assert_eq!(cell_text(&Data::Int(1), false, true), "100%");
        assert_eq!(cell_text(&Data::Empty, false, false), "");
        assert_eq!(
            cell_text(
                &Data::DateTimeIso("2026-11-01T00:00:00".into()),
                true,
                false
            ),
            "2026-11"
        );
        // Not ASCII at the cut: kept whole, not sliced through a character.
        assert_eq!(
            cell_text(&Data::DateTimeIso("二〇二六年十一月".into()), true, false),
            "二〇二六年十一月"
        );
    }

    #[test]
    fn sheets_name_cells() {
        let range = Range::from_sparse(vec![
            calamine::Cell::new((2, 1), Data::String("subject".into())),
            calamine::Cell::new((2, 2), Data::String("complaints".into())),
            calamine::Cell::new((3, 1), Data::String("a, b".into())),
            calamine::Cell::new((3, 2), Data::Float(1.0)),
        ]);
        let grid = to_csv("book.xlsx", "考核 1", &range, &Percent::Unknown);
        assert_eq!(grid.csv, "\"subject\",\"complaints\"\n\"a, b\",\"1\"\n");
        assert_eq!(grid.map.cell(2, 8).as_deref(), Some("'考核 1'!C4"));
        assert_eq!(grid.map.cell(1, 1).as_deref(), Some("'考核 1'!B3"));
    }
}
