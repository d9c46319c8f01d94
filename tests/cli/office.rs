//! Workbooks as offices have them: behind a password, with an empty cover sheet first,
//! in a format kpi does not read, under a text file's name, damaged. Each case is
//! named in a sentence about the user's file, with the way out, and pinned whole.
//! Fixtures made by LibreOffice are in `tests/fixtures/workbooks/office` (its README
//! says how); what LibreOffice cannot make is made here.

use std::io::{Cursor, Read, Write};

use crate::util::{Dir, tests_dir};

/// Copies `tests/fixtures/workbooks/<from>` into `dir` as `to`.
fn fixture(dir: &Dir, from: &str, to: &str) {
    std::fs::copy(
        tests_dir().join("fixtures/workbooks").join(from),
        dir.join(to),
    )
    .expect("a fixture workbook");
}

fn fixture_bytes(from: &str) -> Vec<u8> {
    std::fs::read(tests_dir().join("fixtures/workbooks").join(from)).expect("a fixture")
}

/// Exit code, standard output and standard error of `kpi ARGS` in `dir`.
fn run(dir: &Dir, args: &[&str]) -> (i32, String, String) {
    let output = dir.kpi().args(args).output().expect("running kpi");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// The scores of the fixtures' data, read from its CSV.
fn expected_scores(dir: &Dir) -> String {
    fixture(dir, "考核数据.csv", "source.csv");
    let (code, stdout, stderr) = run(dir, &["score", "-f", "csv", "source.csv"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    stdout
}

/// A zip archive holding `parts` (name, contents).
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, contents) in parts {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("a zip entry");
        writer.write_all(contents).expect("writing a zip entry");
    }
    writer.finish().expect("a zip archive").into_inner()
}

/// A compound file holding `streams` (name, contents).
fn compound_of(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("a compound file");
    for (name, contents) in streams {
        file.create_stream(name)
            .and_then(|mut s| s.write_all(contents))
            .expect("a stream");
    }
    file.flush().expect("flushing a compound file");
    file.into_inner().into_inner()
}

/// Each file of `files` (name, bytes), scored alone: exit 1, nothing on standard
/// output, and exactly `name: ` and the message on standard error.
fn assert_refused(files: &[(&str, Vec<u8>)], message: &str) {
    let dir = Dir::new();
    for (name, bytes) in files {
        dir.write(name, bytes);
        let (code, stdout, stderr) = run(&dir, &["score", name]);
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (1, "", format!("{name}: {message}").as_str()),
            "{name}"
        );
    }
}

const ENCRYPTED: &str = "the workbook is encrypted (protected by a password), so kpi cannot read it
  hint: open it in Excel or WPS, remove the password (Excel: File → Info → Protect Workbook), save, and run kpi on that copy
";

#[test]
fn an_encrypted_xlsx_says_so_and_how_to_get_a_copy_kpi_reads() {
    let bytes = fixture_bytes("office/password.xlsx");
    // A compound file, not a zip, whatever it is named.
    assert!(bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"));
    assert_refused(
        &[
            ("password.xlsx", bytes.clone()),
            ("考核数据.csv", bytes.clone()),
            ("password.xls", bytes),
        ],
        ENCRYPTED,
    );
}

#[test]
fn an_encrypted_xls_is_known_by_its_filepass_record_before_its_size_is_judged() {
    // Its encrypted cells once read as a sheet of 2,653,094,531 rows.
    let bytes = fixture_bytes("office/password.xls");
    assert_refused(
        &[
            ("password.xls", bytes.clone()),
            ("password.txt", bytes.clone()),
            ("password.xlsx", bytes),
        ],
        ENCRYPTED,
    );
    let dir = Dir::new();
    fixture(&dir, "office/password.xls", "password.xls");
    let (code, stdout, _) = run(&dir, &["check", "password.xls"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        format!("password.xls: {ENCRYPTED}1 error, 0 warnings in 1 file\n")
    );
}

#[test]
fn an_empty_first_sheet_gives_way_to_the_only_sheet_with_data_with_a_warning() {
    let dir = Dir::new();
    let expected = expected_scores(&dir);
    for extension in ["xlsx", "ods", "xls"] {
        let name = format!("empty-first-sheet.{extension}");
        fixture(&dir, &format!("office/{name}"), &name);
        let warning = format!(
            "{name}: warning: the first sheet \"说明\" is empty; read sheet \"考核数据\", the only one with data\n"
        );
        let (code, stdout, stderr) = run(&dir, &["score", "-f", "csv", &name]);
        assert_eq!((code, stdout.as_str()), (0, expected.as_str()), "{name}");
        assert_eq!(stderr, warning, "{name}");
        let (code, stdout, _) = run(&dir, &["check", &name]);
        assert_eq!(code, 0);
        assert_eq!(stdout, format!("{warning}0 errors, 1 warning in 1 file\n"));
        assert_eq!(run(&dir, &["check", "--strict", &name]).0, 1);
        // Named, the sheet is read without a word.
        let (code, stdout, stderr) =
            run(&dir, &["score", "-f", "csv", "--sheet", "考核数据", &name]);
        assert_eq!((code, stdout, stderr), (0, expected.clone(), String::new()));
    }
}

#[test]
fn several_sheets_with_data_after_an_empty_first_one_ask_for_sheet() {
    let dir = Dir::new();
    fixture(&dir, "office/two-data-sheets.xlsx", "book.xlsx");
    let (code, stdout, stderr) = run(&dir, &["score", "book.xlsx"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "book.xlsx: the first sheet \"封面\" is empty, and 2 sheets hold data: \"十月\", \"十一月\"
  hint: choose one with --sheet NAME, such as --sheet 十月
"
    );
    let (code, stdout, stderr) = run(
        &dir,
        &["score", "-f", "csv", "--sheet", "十一月", "book.xlsx"],
    );
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        stdout.contains("华东办事处,2026-11,total,Total,,,meets,,100.00,69.41"),
        "{stdout}"
    );
}

#[test]
fn an_empty_sheet_is_called_empty() {
    let dir = Dir::new();
    fixture(&dir, "office/empty-first-sheet.xlsx", "book.xlsx");
    let hint = "  hint: a sheet of actuals starts with a header row, such as indicator, actual\n";
    let (code, _, stderr) = run(&dir, &["score", "--sheet", "说明", "book.xlsx"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!("book.xlsx: the sheet \"说明\" is empty\n{hint}")
    );

    let mut one = rust_xlsxwriter::Workbook::new();
    one.add_worksheet();
    one.save(dir.join("one.xlsx")).unwrap();
    let (code, _, stderr) = run(&dir, &["score", "one.xlsx"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!("one.xlsx: the sheet \"Sheet1\" is empty\n{hint}")
    );

    let mut two = rust_xlsxwriter::Workbook::new();
    two.add_worksheet();
    two.add_worksheet().write_string(3, 2, "  ").unwrap();
    two.save(dir.join("two.xlsx")).unwrap();
    let (code, _, stderr) = run(&dir, &["score", "two.xlsx"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!("two.xlsx: the workbook holds no data: all its sheets are empty\n{hint}")
    );
}

/// A hidden sheet of lists (for drop-downs) is no rival to the visible data sheet.
#[test]
fn a_hidden_sheet_with_data_gives_way_to_a_visible_one() {
    let dir = Dir::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("说明").unwrap();
    let lists = book.add_worksheet();
    lists.set_name("lists").unwrap().set_hidden(true);
    lists.write_string(0, 0, "complaints").unwrap();
    let data = book.add_worksheet();
    data.set_name("Q4 data").unwrap();
    data.write_row(0, 0, ["indicator", "actual"]).unwrap();
    data.write_row(1, 0, ["complaints", "1"]).unwrap();
    book.save(dir.join("book.xlsx")).unwrap();
    let (_, stdout, _) = run(&dir, &["check", "book.xlsx"]);
    assert!(
        stdout.starts_with(
            "book.xlsx: warning: the first sheet \"说明\" is empty; read sheet \"Q4 data\", the only one with data\n"
        ),
        "{stdout}"
    );
}

#[test]
fn formats_kpi_does_not_read_are_named_by_extension_with_the_way_out() {
    let xlsb = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.bin", b"\x83\x01\x00"),
    ]);
    let numbers = zip_of(&[
        ("Index/Document.iwa", b"\x00\x01"),
        ("Metadata/Properties.plist", b""),
    ]);
    let excel = "  hint: open it in Excel or WPS, save it as .xlsx (File → Save As → Excel Workbook) or as CSV, and run kpi on that copy\n";
    let wps = "  hint: open it in WPS, save it as .xlsx (File → Save As → Excel Workbook) or as CSV, and run kpi on that copy\n";
    let calc =
        "  hint: open it in LibreOffice Calc, save it as .xlsx or CSV, and run kpi on that copy\n";
    assert_refused(
        &[("book.xlsb", xlsb)],
        &format!("kpi cannot read an Excel binary workbook (.xlsb)\n{excel}"),
    );
    assert_refused(
        &[("book.numbers", numbers)],
        "kpi cannot read an Apple Numbers spreadsheet (.numbers)
  hint: in Numbers, File → Export To → Excel (or CSV), and run kpi on the exported file
",
    );
    for extension in ["et", "ett"] {
        // WPS keeps its own format in a compound file.
        let bytes = compound_of(&[("Workbook", b"\x09\x08")]);
        assert_refused(
            &[(&format!("book.{extension}"), bytes)],
            &format!("kpi cannot read a WPS Spreadsheets workbook (.{extension})\n{wps}"),
        );
    }
    for extension in ["wk1", "wk3", "wk4", "123", "WK1"] {
        let lower = extension.to_ascii_lowercase();
        assert_refused(
            &[(
                &format!("book.{extension}"),
                b"\x00\x00\x02\x00\x06\x04".to_vec(),
            )],
            &format!("kpi cannot read a Lotus 1-2-3 worksheet (.{lower})\n{calc}"),
        );
    }
}

#[test]
fn formats_kpi_does_not_read_are_named_by_their_bytes_under_any_name() {
    let xlsb = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.bin", b"\x83\x01\x00"),
    ]);
    assert_refused(
        &[("book.xlsx", xlsb.clone()), ("book.csv", xlsb)],
        "this file is an Excel binary workbook (.xlsb), which kpi cannot read
  hint: open it in Excel or WPS, save it as .xlsx (File → Save As → Excel Workbook) or as CSV, and run kpi on that copy
",
    );
    let numbers = "this file is an Apple Numbers spreadsheet (.numbers), which kpi cannot read
  hint: in Numbers, File → Export To → Excel (or CSV), and run kpi on the exported file
";
    assert_refused(
        &[
            ("a.csv", zip_of(&[("Index/Document.iwa", b"\x00\x01")])),
            ("b.xlsx", zip_of(&[("Index.zip", b"PK\x05\x06")])),
        ],
        numbers,
    );
    assert_refused(
        &[("lotus.csv", b"\x00\x00\x1A\x00\x02\x10\x04\x00".to_vec())],
        "this file is a Lotus 1-2-3 worksheet (.wk1, .wk3, .wk4, .123), which kpi cannot read
  hint: open it in LibreOffice Calc, save it as .xlsx or CSV, and run kpi on that copy
",
    );
}

#[test]
fn a_workbook_under_a_text_name_is_read_as_the_workbook_it_is() {
    let dir = Dir::new();
    let expected = expected_scores(&dir);
    for (from, to, what) in [
        ("考核数据.xlsx", "data.csv", "an .xlsx workbook"),
        ("考核数据.xls", "data.txt", "an .xls workbook"),
        ("考核数据.ods", "data.tsv", "an .ods workbook"),
        ("考核数据.xlsx", "data", "an .xlsx workbook"),
    ] {
        fixture(&dir, from, to);
        let (code, stdout, stderr) = run(&dir, &["score", "-f", "csv", to]);
        assert_eq!((code, stdout.as_str()), (0, expected.as_str()), "{to}");
        assert_eq!(
            stderr,
            format!("{to}: warning: this file is {what}, not text; read as one\n")
        );
    }
    // Problems are named by sheet and cell, as for any workbook.
    fixture(&dir, "bad-value.xlsx", "bad.csv");
    let (_, stdout, _) = run(&dir, &["check", "bad.csv"]);
    assert!(stdout.contains("bad.csv:bad!D2: "), "{stdout}");
    // Standard input too.
    let output = dir
        .kpi()
        .args(["score", "-f", "csv", "-"])
        .write_stdin(fixture_bytes("考核数据.xlsx"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "<stdin>: warning: standard input is an .xlsx workbook, not text; read as one\n"
    );
}

#[test]
fn a_workbook_under_another_workbooks_name_is_read_by_its_bytes() {
    let dir = Dir::new();
    let expected = expected_scores(&dir);
    fixture(&dir, "考核数据.xls", "book.xlsx");
    let (code, stdout, stderr) = run(&dir, &["score", "-f", "csv", "book.xlsx"]);
    assert_eq!((code, stdout), (0, expected.clone()));
    assert_eq!(
        stderr,
        "book.xlsx: warning: this file is an .xls workbook, not an .xlsx; read as one\n"
    );
    // Templates are workbooks of their kind: no warning.
    fixture(&dir, "考核数据.xlsx", "book.xltx");
    fixture(&dir, "考核数据.xls", "book.xlt");
    for name in ["book.xltx", "book.xlt"] {
        assert_eq!(
            run(&dir, &["score", "-f", "csv", name]),
            (0, expected.clone(), String::new())
        );
    }
}

#[test]
fn text_under_a_workbook_name_is_read_as_text_and_a_web_page_is_refused() {
    let dir = Dir::new();
    let expected = expected_scores(&dir);
    fixture(&dir, "考核数据.csv", "export.xls");
    let (code, stdout, stderr) = run(&dir, &["score", "-f", "csv", "export.xls"]);
    assert_eq!((code, stdout), (0, expected));
    assert_eq!(
        stderr,
        "export.xls: warning: this file is text, not a workbook; read as CSV\n"
    );
    assert_refused(
        &[(
            "export.xls",
            "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>指标</td></tr></table></body></html>"
                .into(),
        )],
        "this file is a web page (HTML), not a workbook, though named as one
  hint: open it in Excel or WPS, save it as .xlsx (File → Save As → Excel Workbook), and run kpi on that copy
",
    );
}

#[test]
fn other_files_under_a_text_name_say_what_they_seem_to_be() {
    let reads = "kpi reads CSV text and .xlsx, .xls and .ods workbooks\n";
    let docx = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
    ]);
    assert_refused(
        &[("report.csv", docx)],
        &format!("this file is a Word document (.docx), not text; {reads}"),
    );
    assert_refused(
        &[("data.csv", compound_of(&[("WordDocument", b"\xEC\xA5")]))],
        &format!("this file is a Word 97–2003 document (.doc), not text; {reads}"),
    );
    assert_refused(
        &[("data.csv", zip_of(&[("data.csv", b"indicator,actual\n")]))],
        &format!("this file is a zip archive of other files, not text; {reads}"),
    );
    assert_refused(
        &[("data.csv", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec())],
        &format!("this file is a PDF document, not text; {reads}"),
    );
    assert_refused(
        &[(
            "data.csv",
            b"SQLite format 3\x00\x10\x00\x01\x01\x00\x40\x20\x20\x00\x00\x00\x01".to_vec(),
        )],
        &format!("this file is binary data, not text; {reads}"),
    );
    // Under a workbook's name, a zip of other things is no workbook either.
    assert_refused(
        &[(
            "book.xlsx",
            zip_of(&[("word/document.xml", b"<w:document/>")]),
        )],
        &format!("this file is a Word document (.docx), not a workbook; {reads}"),
    );
}

/// The reader's own words (`Xml error: …`, `Expecting 'table-cell', found …`) never
/// reach the user: a sentence about the file does.
#[test]
fn a_damaged_workbook_is_told_in_words_about_the_file() {
    let repair =
        "  hint: open it in Excel, WPS or LibreOffice, save it again, and run kpi on that copy\n";
    let rewrite = |from: &str, part: &str, change: &dyn Fn(Vec<u8>) -> Vec<u8>| {
        let mut archive = zip::ZipArchive::new(Cursor::new(fixture_bytes(from))).unwrap();
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            let name = file.name().unwrap().to_string();
            let bytes = if name == part { change(bytes) } else { bytes };
            parts.push((name, bytes));
        }
        let parts: Vec<(&str, &[u8])> = parts
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        zip_of(&parts)
    };
    let cut = |bytes: Vec<u8>| bytes[..bytes.len() / 2].to_vec();
    assert_refused(
        &[(
            "book.xlsx",
            rewrite("考核数据.xlsx", "xl/worksheets/sheet1.xml", &cut),
        )],
        &format!("the workbook is damaged: its sheet \"考核数据\" cannot be read\n{repair}"),
    );
    let stray = |bytes: Vec<u8>| {
        String::from_utf8(bytes)
            .unwrap()
            .replacen(
                "<table:table-cell",
                "<text:p>stray</text:p><table:table-cell",
                1,
            )
            .into_bytes()
    };
    assert_refused(
        &[
            ("book.ods", rewrite("考核数据.ods", "content.xml", &stray)),
            (
                "book.xlsx",
                rewrite("考核数据.xlsx", "xl/workbook.xml", &cut),
            ),
            ("cut.xlsx", fixture_bytes("考核数据.xlsx")[..3000].to_vec()),
        ],
        &format!("the workbook is damaged and cannot be read\n{repair}"),
    );
    assert_refused(
        &[
            ("junk.ods", b"\x00\x01\x02".to_vec()),
            ("junk.xls", b"\x1B[0m\x07 not text".to_vec()),
        ],
        &format!("the file is damaged, or is not a workbook\n{repair}"),
    );
}

/// A DIMENSIONS record's last row and column are one past the last used: rows 0 to
/// 999,999 and columns 0 to 199 are 1,000,000 rows × 200 columns, not one more.
#[test]
fn an_xls_sheet_size_counts_its_dimensions_exactly() {
    let original = fixture_bytes("考核数据.xls");
    let mut container = cfb::CompoundFile::open(Cursor::new(original)).unwrap();
    let mut stream = Vec::new();
    container
        .open_stream("/Workbook")
        .unwrap()
        .read_to_end(&mut stream)
        .unwrap();
    let mut at = 0;
    loop {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        if kind == 0x0200 {
            stream[at + 8..at + 12].copy_from_slice(&1_000_000u32.to_le_bytes());
            stream[at + 14..at + 16].copy_from_slice(&200u16.to_le_bytes());
            break;
        }
        at += 4 + len;
    }
    let bytes = compound_of(&[("Workbook", &stream)]);
    assert_refused(
        &[("wide.xls", bytes)],
        "a sheet spans 1000000 rows × 200 columns for 40 cells; kpi reads sheets whose cells fill their extent
  hint: copy the cells that hold the data into a new workbook, save it, and run kpi on that
",
    );
}
