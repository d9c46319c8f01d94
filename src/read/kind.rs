//! What a data file is, from its bytes as much as its name: text, a workbook `kpi`
//! reads, one it recognises and does not read (and how to get one it does), or
//! something else altogether. HR officers rename files, get "Excel" files that are web
//! pages, and keep workbooks behind passwords: each case is named in a sentence about
//! their file, never in a library's words.

use std::io::{Cursor, Read};
use std::path::Path;

use crate::diag::Diagnostic;

/// The workbook formats `kpi` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Book {
    Xlsx,
    Xls,
    Ods,
}

impl Book {
    /// `an .xlsx workbook`.
    pub fn describe(self) -> &'static str {
        match self {
            Book::Xlsx => "an .xlsx workbook",
            Book::Xls => "an .xls workbook",
            Book::Ods => "an .ods workbook",
        }
    }

    /// The extensions a workbook of this format is saved under, templates included.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Book::Xlsx => &["xlsx", "xlsm", "xltx", "xltm"],
            Book::Xls => &["xls", "xlt"],
            Book::Ods => &["ods", "ots"],
        }
    }
}

/// Spreadsheet formats `kpi` recognises and does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Foreign {
    Xlsb,
    Numbers,
    Wps,
    Lotus,
    /// Excel 2.x–4.0: a bare BIFF stream, not in a compound file.
    OldExcel,
}

impl Foreign {
    fn by_extension(extension: &str) -> Option<Foreign> {
        Some(match extension {
            "xlsb" => Foreign::Xlsb,
            "numbers" => Foreign::Numbers,
            "et" | "ett" => Foreign::Wps,
            "wk1" | "wk3" | "wk4" | "123" => Foreign::Lotus,
            _ => return None,
        })
    }

    fn what(self) -> &'static str {
        match self {
            Foreign::Xlsb => "an Excel binary workbook",
            Foreign::Numbers => "an Apple Numbers spreadsheet",
            Foreign::Wps => "a WPS Spreadsheets workbook",
            Foreign::Lotus => "a Lotus 1-2-3 worksheet",
            Foreign::OldExcel => "an Excel 4.0 (or older) worksheet",
        }
    }

    /// The extensions it goes by, for a file found by its bytes under another name.
    fn extensions(self) -> &'static str {
        match self {
            Foreign::Xlsb => ".xlsb",
            Foreign::Numbers => ".numbers",
            Foreign::Wps => ".et",
            Foreign::Lotus => ".wk1, .wk3, .wk4, .123",
            Foreign::OldExcel => ".xls",
        }
    }

    fn way_out(self) -> &'static str {
        match self {
            Foreign::Xlsb => {
                "open it in Excel or WPS, save it as .xlsx (File → Save As → Excel Workbook) or as CSV, and run kpi on that copy"
            }
            Foreign::Numbers => {
                "in Numbers, File → Export To → Excel (or CSV), and run kpi on the exported file"
            }
            Foreign::Wps => {
                "open it in WPS, save it as .xlsx (File → Save As → Excel Workbook) or as CSV, and run kpi on that copy"
            }
            Foreign::Lotus | Foreign::OldExcel => {
                "open it in LibreOffice Calc, save it as .xlsx or CSV, and run kpi on that copy"
            }
        }
    }
}

/// What a file's name says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    Book(Book),
    Foreign(Foreign),
    /// Anything else: text (CSV, TSV, `.txt`, no extension, standard input).
    Text,
}

/// The name's word for what the file is, from its extension.
pub fn named(path: &str) -> Named {
    let extension = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let book = [Book::Xlsx, Book::Xls, Book::Ods]
        .into_iter()
        .find(|b| b.extensions().contains(&extension.as_str()));
    match (book, Foreign::by_extension(&extension)) {
        (Some(book), _) => Named::Book(book),
        (None, Some(foreign)) => Named::Foreign(foreign),
        (None, None) => Named::Text,
    }
}

/// What a file's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Book(Book),
    /// A workbook encrypted with a password (an .xls is found so by `sheet`, from the
    /// FILEPASS record of its Workbook stream).
    Encrypted(Book),
    Foreign(Foreign),
    /// A zip archive or compound file that holds no workbook: what it holds.
    Other(&'static str),
    /// It begins as a zip archive or a compound file and cannot be opened as one.
    Damaged,
    /// Not text, and nothing else kpi can name: what it seems to be.
    Binary(&'static str),
    /// A web page or an XML spreadsheet, as web systems export "Excel" files.
    Markup(&'static str),
    Text,
}

/// How much of a file's start tells text from the rest.
pub const HEAD_LEN: usize = 1024;

const ZIP: [&[u8]; 3] = [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];
const COMPOUND: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Whether the whole file is needed to say what it is: a zip archive or a compound
/// file is known by its parts, which can be anywhere in it.
pub fn needs_whole(head: &[u8]) -> bool {
    ZIP.iter().any(|m| head.starts_with(m)) || head.starts_with(COMPOUND)
}

/// What a file is, from its whole bytes.
pub fn of(bytes: &[u8]) -> Kind {
    if ZIP.iter().any(|m| bytes.starts_with(m)) {
        zip_kind(bytes)
    } else if bytes.starts_with(COMPOUND) {
        compound_kind(bytes)
    } else {
        of_head(&bytes[..bytes.len().min(HEAD_LEN)])
    }
}

/// What a file named as `named` is, from its whole bytes. Under a workbook's name,
/// text must look like text all through its first KiB: a few stray control bytes are
/// a damaged workbook rather than a CSV file.
pub fn of_named(named: Named, bytes: &[u8]) -> Kind {
    match of(bytes) {
        Kind::Text if named != Named::Text && !is_textual(&bytes[..bytes.len().min(HEAD_LEN)]) => {
            Kind::Binary("binary data")
        }
        kind => kind,
    }
}

/// No control bytes but tab, line ends, form feed and DOS's end of file; or a UTF-16
/// byte order mark, after which NULs are text too.
fn is_textual(head: &[u8]) -> bool {
    head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF")
        || head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
}

/// What a file is, from its first bytes, when they are not those of a zip archive or
/// a compound file (see `needs_whole`).
pub fn of_head(head: &[u8]) -> Kind {
    const MAGIC: [(&[u8], Kind); 12] = [
        (b"%PDF", Kind::Binary("a PDF document")),
        (b"\x89PNG", Kind::Binary("a PNG image")),
        (b"\xFF\xD8\xFF", Kind::Binary("a JPEG image")),
        (b"GIF8", Kind::Binary("a GIF image")),
        (b"\x1F\x8B", Kind::Binary("a gzip archive")),
        (b"7z\xBC\xAF\x27\x1C", Kind::Binary("a 7-Zip archive")),
        (b"Rar!", Kind::Binary("a RAR archive")),
        // Lotus: a BOF record, type 0, of 2 bytes (WK1) or 26 (WK3, WK4).
        (b"\x00\x00\x02\x00", Kind::Foreign(Foreign::Lotus)),
        (b"\x00\x00\x1A\x00", Kind::Foreign(Foreign::Lotus)),
        // Excel 2.x, 3.0, 4.0: a BIFF BOF record at the very start.
        (b"\x09\x00\x04\x00", Kind::Foreign(Foreign::OldExcel)),
        (b"\x09\x02\x06\x00", Kind::Foreign(Foreign::OldExcel)),
        (b"\x09\x04\x06\x00", Kind::Foreign(Foreign::OldExcel)),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| head.starts_with(magic)) {
        return *kind;
    }
    if is_binary(head) {
        return Kind::Binary("binary data");
    }
    markup(head).map_or(Kind::Text, Kind::Markup)
}

/// Two NUL bytes in one code unit at an even offset: no text in an encoding kpi
/// reads has them (UTF-16 text has single NULs beside ASCII letters), and nearly
/// every binary format has them in its first KiB.
fn is_binary(head: &[u8]) -> bool {
    head.chunks_exact(2).any(|unit| unit == [0, 0])
}

/// A web page, or Excel's XML Spreadsheet 2003, as "Excel" exports of web systems are.
fn markup(head: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    if start.starts_with("<?xml") && text.contains("urn:schemas-microsoft-com:office:spreadsheet") {
        Some("an Excel 2003 XML spreadsheet")
    } else if [
        "<!doctype html",
        "<html",
        "<table",
        "<meta",
        "<head",
        "<body",
    ]
    .iter()
    .any(|tag| start.starts_with(tag))
        || (start.starts_with('<') && text.contains("<table"))
    {
        Some("a web page (HTML)")
    } else {
        None
    }
}

fn zip_kind(bytes: &[u8]) -> Kind {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Kind::Damaged;
    };
    let has = |archive: &zip::ZipArchive<_>, name: &str| archive.index_for_name(name).is_some();
    if has(&archive, "xl/workbook.bin") {
        return Kind::Foreign(Foreign::Xlsb);
    }
    // An .xlsx has `xl/workbook.xml`; one whose parts under `xl/` are there without
    // it is damaged, which the reader will find.
    if has(&archive, "xl/workbook.xml") || archive.file_names_raw().any(|n| n.starts_with(b"xl/")) {
        return Kind::Book(Book::Xlsx);
    }
    if has(&archive, "Index/Document.iwa") || has(&archive, "Index.zip") {
        return Kind::Foreign(Foreign::Numbers);
    }
    let mut mimetype = Vec::new();
    if let Ok(part) = archive.by_name("mimetype") {
        // A damaged part leaves the type empty.
        let _ = part.take(100).read_to_end(&mut mimetype);
    }
    if mimetype.starts_with(b"application/vnd.oasis.opendocument.spreadsheet") {
        let mut manifest = Vec::new();
        if let Ok(part) = archive.by_name("META-INF/manifest.xml") {
            let _ = part.take(1 << 20).read_to_end(&mut manifest);
        }
        // Each encrypted part has its <manifest:encryption-data>.
        return if memchr::memmem::find(&manifest, b"encryption-data").is_some() {
            Kind::Encrypted(Book::Ods)
        } else {
            Kind::Book(Book::Ods)
        };
    }
    if mimetype.starts_with(b"application/vnd.oasis.opendocument.text") {
        return Kind::Other("an OpenDocument text document (.odt)");
    }
    if mimetype.starts_with(b"application/vnd.oasis.opendocument") {
        return Kind::Other("an OpenDocument file that is not a spreadsheet");
    }
    if has(&archive, "word/document.xml") {
        return Kind::Other("a Word document (.docx)");
    }
    if has(&archive, "ppt/presentation.xml") {
        return Kind::Other("a PowerPoint presentation (.pptx)");
    }
    Kind::Other("a zip archive of other files")
}

fn compound_kind(bytes: &[u8]) -> Kind {
    let Ok(file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Kind::Damaged;
    };
    if file.exists("/EncryptionInfo") && file.exists("/EncryptedPackage") {
        Kind::Encrypted(Book::Xlsx)
    } else if file.exists("/Workbook") || file.exists("/Book") {
        Kind::Book(Book::Xls)
    } else if file.exists("/WordDocument") {
        Kind::Other("a Word 97–2003 document (.doc)")
    } else if file.exists("/PowerPoint Document") {
        Kind::Other("a PowerPoint 97–2003 presentation (.ppt)")
    } else {
        Kind::Other("an Office file that holds no workbook")
    }
}

/// How to get a copy of a workbook that is damaged that kpi can read.
pub const REPAIR: &str =
    "open it in Excel, WPS or LibreOffice, save it again, and run kpi on that copy";

/// The workbook is damaged (or the reader failed on it).
pub fn damaged(path: &str) -> Diagnostic {
    Diagnostic::error(path, 0, 0, "the workbook is damaged and cannot be read")
        .with_hint(Some(REPAIR.into()))
}

/// The workbook has a password.
pub fn encrypted(path: &str, book: Book) -> Diagnostic {
    let hint = match book {
        Book::Ods => {
            "open it in LibreOffice with its password, File → Save As with \"Save with password\" unticked, and run kpi on that copy"
        }
        Book::Xlsx | Book::Xls => {
            "open it in Excel or WPS, remove the password (Excel: File → Info → Protect Workbook), save, and run kpi on that copy"
        }
    };
    Diagnostic::error(
        path,
        0,
        0,
        "the workbook is encrypted (protected by a password), so kpi cannot read it",
    )
    .with_hint(Some(hint.into()))
}

/// Why a file is not read, when its name or bytes say it cannot be; `None` when it
/// is a workbook kpi reads, or text.
pub fn refusal(path: &str, named: Named, kind: Kind) -> Option<Diagnostic> {
    let error = |message: String, hint: Option<&str>| {
        Diagnostic::error(path, 0, 0, message).with_hint(hint.map(str::to_string))
    };
    let not = if named == Named::Text {
        "not text"
    } else {
        "not a workbook"
    };
    const READS: &str = "kpi reads CSV text and .xlsx, .xls and .ods workbooks";
    Some(match (named, kind) {
        (_, Kind::Encrypted(book)) => encrypted(path, book),
        (Named::Foreign(foreign), _) => {
            let extension = Path::new(path)
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            error(
                format!("kpi cannot read {} (.{extension})", foreign.what()),
                Some(foreign.way_out()),
            )
        }
        (_, Kind::Foreign(foreign)) => error(
            format!(
                "this file is {} ({}), which kpi cannot read",
                foreign.what(),
                foreign.extensions()
            ),
            Some(foreign.way_out()),
        ),
        (_, Kind::Other(what)) => error(format!("this file is {what}, {not}; {READS}"), None),
        (_, Kind::Damaged) => damaged(path),
        (Named::Text, Kind::Binary(what)) => {
            error(format!("this file is {what}, {not}; {READS}"), None)
        }
        (_, Kind::Binary(_)) => error(
            "the file is damaged, or is not a workbook".into(),
            Some(REPAIR),
        ),
        (Named::Book(_), Kind::Markup(what)) => error(
            format!("this file is {what}, not a workbook, though named as one"),
            Some(
                "open it in Excel or WPS, save it as .xlsx (File → Save As → Excel Workbook), and run kpi on that copy",
            ),
        ),
        (_, Kind::Book(_) | Kind::Markup(_) | Kind::Text) => return None,
    })
}

/// A warning when a workbook's name says something else: the file is read by its bytes.
pub fn misnamed(path: &str, named: Named, book: Book) -> Option<Diagnostic> {
    let this = if path == "<stdin>" {
        "standard input is"
    } else {
        "this file is"
    };
    let message = match named {
        Named::Book(b) if b == book => return None,
        Named::Book(b) => format!(
            "{this} {}, not {}; read as one",
            book.describe(),
            b.describe().trim_end_matches(" workbook")
        ),
        Named::Text | Named::Foreign(_) => {
            format!("{this} {}, not text; read as one", book.describe())
        }
    };
    Some(Diagnostic::warning(path, 0, 0, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_a_file_should_be() {
        assert_eq!(named("考核数据.XLSX"), Named::Book(Book::Xlsx));
        assert_eq!(named("template.xltm"), Named::Book(Book::Xlsx));
        assert_eq!(named("old.xlt"), Named::Book(Book::Xls));
        assert_eq!(named("a.ots"), Named::Book(Book::Ods));
        assert_eq!(named("a.et"), Named::Foreign(Foreign::Wps));
        assert_eq!(named("a.123"), Named::Foreign(Foreign::Lotus));
        assert_eq!(named("a.csv"), Named::Text);
        assert_eq!(named("<stdin>"), Named::Text);
        assert_eq!(named("xlsx"), Named::Text);
    }

    #[test]
    fn text_is_told_from_binary() {
        assert_eq!(of_head(b"subject,actual\n"), Kind::Text);
        assert_eq!(of_head("对象,实际\n".as_bytes()), Kind::Text);
        // UTF-16 without a BOM: single NULs, and 一 (U+4E00) beside an ASCII letter
        // puts two NULs together at an odd offset only.
        assert_eq!(of_head(b"a\x00\x00\x4E,\x00b\x00"), Kind::Text);
        assert_eq!(of_head(b"\x00a\x00b"), Kind::Text);
        assert_eq!(of_head(b"ab\x00\x00cd"), Kind::Binary("binary data"));
        assert_eq!(of_head(b"%PDF-1.7\n"), Kind::Binary("a PDF document"));
        assert_eq!(
            of_head(b"\x00\x00\x02\x00\x06\x04"),
            Kind::Foreign(Foreign::Lotus)
        );
        assert_eq!(
            of_head(b"\xEF\xBB\xBF <html><body><table>"),
            Kind::Markup("a web page (HTML)")
        );
        assert_eq!(
            of_head(b"<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"),
            Kind::Markup("an Excel 2003 XML spreadsheet")
        );
        assert!(needs_whole(b"PK\x03\x04rest"));
        assert!(!needs_whole(b"PKI,actual\n"));
        assert_eq!(of(b"PK\x03\x04 not really a zip"), Kind::Damaged);
        assert_eq!(of(COMPOUND), Kind::Damaged);
        // Under a workbook's name, stray control bytes are no text.
        let book = Named::Book(Book::Ods);
        assert_eq!(of_named(book, b"\x00\x01\x02"), Kind::Binary("binary data"));
        assert_eq!(of_named(Named::Text, b"\x00\x01\x02"), Kind::Text);
        assert_eq!(of_named(book, b"indicator\tactual\r\n"), Kind::Text);
        assert_eq!(of_named(book, b"\xFF\xFEi\x00"), Kind::Text);
    }
}
