//! Spreadsheet actuals (.xlsx, .ods, .xls): fixture workbooks saved by LibreOffice from
//! `tests/fixtures/workbooks/考核数据.csv` (percent-formatted cells, a Chinese sheet
//! name, an empty row, a period typed as `2026-10` that the spreadsheet made a date).

use crate::util::{Dir, tests_dir};

fn workbook(dir: &Dir, name: &str) -> String {
    std::fs::copy(
        tests_dir().join("fixtures/workbooks").join(name),
        dir.join(name),
    )
    .expect("a fixture workbook");
    name.to_string()
}

fn run(dir: &Dir, args: &[&str]) -> (i32, String, String) {
    let output = dir.kpi().args(args).output().expect("running kpi");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn an_xlsx_reads_as_its_csv_percentages_dates_and_all() {
    let dir = Dir::new();
    let csv = workbook(&dir, "考核数据.csv");
    let xlsx = workbook(&dir, "考核数据.xlsx");
    let from_csv = run(&dir, &["score", "-f", "csv", &csv]);
    let from_xlsx = run(&dir, &["score", "-f", "csv", &xlsx]);
    assert_eq!(from_csv.0, 0, "{}", from_csv.2);
    assert_eq!(from_xlsx, from_csv);
    assert!(
        from_xlsx
            .1
            .contains("华东办事处,2026-10,total,Total,,,meets,,100.00,69.41"),
        "{}",
        from_xlsx.1
    );
}

#[test]
fn an_ods_reads_as_its_csv_too() {
    let dir = Dir::new();
    let csv = workbook(&dir, "考核数据.csv");
    let ods = workbook(&dir, "考核数据.ods");
    assert_eq!(
        run(&dir, &["score", "-f", "csv", &ods]),
        run(&dir, &["score", "-f", "csv", &csv])
    );
}

#[test]
fn an_xls_reads_as_its_csv_too() {
    let dir = Dir::new();
    let csv = workbook(&dir, "考核数据.csv");
    let xls = workbook(&dir, "考核数据.xls");
    assert_eq!(
        run(&dir, &["score", "-f", "csv", &xls]),
        run(&dir, &["score", "-f", "csv", &csv])
    );
}

#[test]
fn problems_name_the_sheet_and_cell() {
    let dir = Dir::new();
    let bad = workbook(&dir, "bad-value.xlsx");
    insta::assert_snapshot!(run(&dir, &["check", &bad]).1);
    let json = run(&dir, &["check", "-f", "json", &bad]).1;
    assert!(json.contains("\"cell\": \"bad!D2\""), "{json}");
    let (code, _, stderr) = run(&dir, &["score", "--sheet", "Sheet9", &bad]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "bad-value.xlsx: no sheet named \"Sheet9\"; the sheets are [\"bad\"]\n"
    );
}

#[test]
fn kpis_own_workbook_reads_back_to_the_same_scores() {
    let dir = Dir::new();
    std::fs::copy(
        tests_dir().join("../examples/quarter-wide.csv"),
        dir.join("q.csv"),
    )
    .unwrap();
    assert_eq!(
        run(&dir, &["score", "-f", "xlsx", "-o", "q.xlsx", "q.csv"]).0,
        0
    );
    let original = run(&dir, &["score", "-f", "csv", "q.csv"]);
    let again = run(&dir, &["score", "-f", "csv", "--ignore-unknown", "q.xlsx"]);
    assert_eq!(again, original);
}

#[test]
fn a_broken_workbook_is_an_error_not_a_crash() {
    let dir = Dir::new();
    let good = std::fs::read(tests_dir().join("fixtures/workbooks/考核数据.xls")).unwrap();
    for (name, bytes) in [
        ("junk.xlsx", b"PK\x03\x04 not really a zip".to_vec()),
        ("junk.ods", b"\x00\x01\x02".to_vec()),
        (
            "junk.xls",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0],
        ),
        ("cut.xls", good[..good.len() / 2].to_vec()),
    ] {
        dir.write(name, &bytes);
        let (code, _, stderr) = run(&dir, &["score", name]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.starts_with(&format!("{name}: ")), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

/// Text files as LibreOffice saves them from the same sheet: UTF-16 LE with a BOM and
/// tabs (what Excel calls "Unicode text"), and GB18030 with semicolons.
#[test]
fn text_files_a_spreadsheet_saved_read_as_the_original() {
    let dir = Dir::new();
    let csv = workbook(&dir, "考核数据.csv");
    let expected = run(&dir, &["score", "-f", "csv", &csv]);
    for name in ["考核数据-utf16-tab.csv", "考核数据-gb18030-semicolon.csv"] {
        let file = workbook(&dir, name);
        let bytes = std::fs::read(dir.join(&file)).unwrap();
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "{name} must not be UTF-8"
        );
        assert_eq!(
            run(&dir, &["score", "-f", "csv", &file]),
            expected,
            "{name}"
        );
    }
}

#[test]
fn a_sheet_that_is_nearly_all_empty_extent_is_refused() {
    // Two cells, at A1 and XFD1048576: laid out as a grid, 17 billion cells.
    let dir = Dir::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "subject").unwrap();
    sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    book.save(dir.join("sparse.xlsx")).unwrap();
    let (code, _, stderr) = run(&dir, &["score", "sparse.xlsx"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "sparse.xlsx: a sheet spans 1048576 rows × 16384 columns for 2 cells; kpi reads sheets whose cells fill their extent\n  \
         hint: copy the cells that hold the data into a new workbook, save it, and run kpi on that\n"
    );
}
