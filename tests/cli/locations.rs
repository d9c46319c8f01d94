//! Where problems are, in every form a data file comes in: the same logical file with
//! LF, CRLF, CR or mixed line ends, in UTF-8 (with and without BOM), GB18030 and
//! UTF-16 LE and BE, in the long and the wide layout, names every problem at the same
//! line and column, and its offset puts the caret under that line and column.
//!
//! Regression: CRLF files named every row one line early (`crlf.csv:3:29` for a value
//! on line 4, a card's `no values` at `1:1`), with the caret under the line before.

use kpi::diag::{Diagnostic, LineIndex};
use kpi::pipeline::{Discard, Input, Settings};
use kpi::read::encoding::decode;
use serde_json::Value;

use crate::util::Dir;

/// The long layout, `\n` standing for each line end: blank lines before the header
/// and between rows, a subject quoted across a line break, and one of each problem.
const LONG_DATA: &str = "
subject,period,indicator,actual
A,2026-10,service_cost_rate,0.9%
A,2026-10,complaints,1
A,2026-10,repair_timeliness,zz

A,2026-10,complaints,2
A,2026-10,shipping_accuracy
A,2026-10,complaint,3
A,2026-13,complaints,1
\"乙区
\",2026-10,complaints,
乙区,2026-10,repair_timeliness,0.95
";

/// A header cell quoted across a line break, an unknown column after it, no data.
const LONG_HEADER: &str = "

对象,期间,\"指标
\",实际,bogus

";

/// Counted by hand on the LF text: (file, line, column, start of the message).
const LONG_EXPECTED: &[(&str, usize, usize, &str)] = &[
    (
        "data.csv",
        3,
        1,
        "no values for Service calls per unit in warranty (warranty_service_calls)",
    ),
    (
        "data.csv",
        5,
        29,
        "invalid value \"zz\" for repair_timeliness",
    ),
    (
        "data.csv",
        7,
        22,
        "duplicate value for complaints (subject \"A\", period 2026-10): also given at data.csv:4",
    ),
    (
        "data.csv",
        8,
        1,
        "this row has 3 cells but the header has 4",
    ),
    ("data.csv", 9, 11, "unknown indicator \"complaint\""),
    ("data.csv", 10, 3, "unrecognised period \"2026-13\""),
    (
        "data.csv",
        11,
        1,
        "no values for service_cost_rate, Service calls per unit in warranty (warranty_service_calls)",
    ),
    (
        "data.csv",
        12,
        22,
        "no value for complaints (subject \"乙区\"",
    ),
    (
        "data.csv",
        13,
        30,
        "0.95 for repair_timeliness looks like a fraction",
    ),
    ("header.csv", 3, 1, "the file has a header but no data rows"),
    ("header.csv", 4, 6, "unknown column \"bogus\""),
];

/// The wide layout, with the same kinds of problem.
const WIDE_DATA: &str = "
subject,period,service_cost_rate,complaints,repair_timeliness
A,2026-10,0.9%,1,zz

A,2026-10,0.8%,2,
A,2026-10,0.8%
A,2026-13,0.8%,2,
\"乙区
\",2026-10,0.95%,,0.95
";

const WIDE_HEADER: &str = "

对象,期间,\"服务费用率
\",bogus

";

const WIDE_EXPECTED: &[(&str, usize, usize, &str)] = &[
    (
        "data.csv",
        3,
        1,
        "no values for Service calls per unit in warranty (warranty_service_calls)",
    ),
    (
        "data.csv",
        3,
        18,
        "invalid value \"zz\" for repair_timeliness",
    ),
    (
        "data.csv",
        5,
        1,
        "duplicate row for subject \"A\", period 2026-10: also given at data.csv:3",
    ),
    (
        "data.csv",
        6,
        1,
        "this row has 3 cells but the header has 5",
    ),
    ("data.csv", 7, 3, "unrecognised period \"2026-13\""),
    (
        "data.csv",
        8,
        1,
        "no values for Service calls per unit in warranty (warranty_service_calls), Spare parts sold on time (parts_sales_timeliness)",
    ),
    (
        "data.csv",
        9,
        17,
        "no value for complaints (subject \"乙区\"",
    ),
    (
        "data.csv",
        9,
        18,
        "0.95 for repair_timeliness looks like a fraction",
    ),
    ("header.csv", 3, 1, "the file has a header but no data rows"),
    ("header.csv", 4, 3, "unknown indicator or column \"bogus\""),
];

/// Line-end forms: each line end of the text becomes the next of the form's, in turn.
const LINE_ENDS: [(&str, &[&str]); 4] = [
    ("LF", &["\n"]),
    ("CRLF", &["\r\n"]),
    ("CR", &["\r"]),
    ("mixed", &["\r\n", "\n", "\r", "\r\n", "\r\n", "\n"]),
];

const ENCODINGS: [&str; 5] = ["UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE", "UTF-16BE"];

fn with_line_ends(text: &str, ends: &[&str]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str(ends[(i - 1) % ends.len()]);
        }
        out.push_str(line);
    }
    out
}

fn encode(text: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        "UTF-8" => text.as_bytes().to_vec(),
        "UTF-8 BOM" => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        "GB18030" => encoding_rs::GB18030.encode(text).0.into_owned(),
        "UTF-16LE" => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        "UTF-16BE" => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        other => panic!("no such encoding in the matrix: {other}"),
    }
}

/// `kpi check -f json data.csv header.csv`: each problem's file, line, column and
/// message.
fn check(files: &[(&str, Vec<u8>)]) -> Vec<(String, usize, usize, String)> {
    let dir = Dir::new();
    for (name, bytes) in files {
        dir.write(name, bytes);
    }
    let output = dir
        .kpi()
        .args(["check", "-f", "json", "data.csv", "header.csv"])
        .output()
        .expect("running kpi");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let field = |d: &Value, key: &str| d[key].as_u64().unwrap_or(0) as usize;
    report["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                field(d, "line"),
                field(d, "column"),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The same files through the library, for the offsets the terminal's caret comes
/// from (`kpi check` prints them only on a terminal).
fn diagnostics(files: &[(&str, Vec<u8>)]) -> Vec<Diagnostic> {
    let def = kpi::read::config::parse(kpi::read::config::BUILTIN, "builtin")
        .expect("the built-in scorecard");
    let settings = Settings {
        def: &def,
        read: Default::default(),
        roll_up: kpi::cards::RollUp::None,
        targets: None,
        partial: false,
        missing: kpi::score::MissingPolicy::Error,
        memory: kpi::pipeline::DEFAULT_MEMORY,
        spill_dir: std::env::temp_dir(),
        sheet: None,
        strict: false,
        counts: None,
    };
    let inputs = files
        .iter()
        .map(|(name, bytes)| Input::Open {
            name: name.to_string(),
            reader: Box::new(bytes.as_slice()),
        })
        .collect();
    kpi::pipeline::run(&settings, inputs, &mut Discard)
        .expect("reading memory")
        .diagnostics
}

/// Terminal cells of the first `chars` characters of a line (CJK counting two).
fn width(line: &str, chars: usize) -> usize {
    line.chars()
        .take(chars)
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum()
}

/// Every form of the layout's two files gives the problems of the LF UTF-8 form, at
/// the hand-counted places, with the caret under each.
fn assert_every_form_locates_alike(
    data: &str,
    header: &str,
    expected: &[(&str, usize, usize, &str)],
) -> usize {
    let mut baseline = None;
    let mut cases = 0;
    for (form, ends) in LINE_ENDS {
        for encoding in ENCODINGS {
            let case = format!("{form} {encoding}");
            let files = [
                ("data.csv", encode(&with_line_ends(data, ends), encoding)),
                (
                    "header.csv",
                    encode(&with_line_ends(header, ends), encoding),
                ),
            ];
            let found = check(&files);
            let places: Vec<(&str, usize, usize)> = found
                .iter()
                .map(|(path, line, col, _)| (path.as_str(), *line, *col))
                .collect();
            let wanted: Vec<(&str, usize, usize)> = expected
                .iter()
                .map(|&(path, line, col, _)| (path, line, col))
                .collect();
            assert_eq!(places, wanted, "{case}: {found:#?}");
            for ((.., message), (.., start)) in found.iter().zip(expected) {
                assert!(message.starts_with(start), "{case}: {message}");
            }
            match &baseline {
                None => baseline = Some(found),
                Some(lf) => assert_eq!(&found, lf, "{case}"),
            }

            // The caret: the offset names the line and column given, in the text
            // that `with_snippets` reads back.
            let lines = [("data.csv", data), ("header.csv", header)];
            for d in diagnostics(&files) {
                let (name, bytes) = files
                    .iter()
                    .find(|(name, _)| *name == d.path)
                    .expect("a file of the run");
                let offset = d.offset.unwrap_or_else(|| panic!("{case}: no offset: {d}"));
                let (text, _) = decode(bytes, None).expect("valid text");
                let snippet = LineIndex::new(&text).snippet(offset as usize);
                let logical = lines
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, text)| text.split('\n').nth(d.line - 1).unwrap_or_default())
                    .unwrap_or_default();
                assert_eq!(snippet.text, logical, "{case}: {d}");
                assert_eq!(snippet.caret, width(logical, d.col - 1), "{case}: {d}");
            }
            cases += 1;
        }
    }
    cases
}

#[test]
fn long_files_locate_problems_alike_in_every_line_end_and_encoding() {
    let cases = assert_every_form_locates_alike(LONG_DATA, LONG_HEADER, LONG_EXPECTED);
    assert_eq!(cases, LINE_ENDS.len() * ENCODINGS.len());
}

#[test]
fn wide_files_locate_problems_alike_in_every_line_end_and_encoding() {
    let cases = assert_every_form_locates_alike(WIDE_DATA, WIDE_HEADER, WIDE_EXPECTED);
    assert_eq!(cases, LINE_ENDS.len() * ENCODINGS.len());
}

/// The repro of the report, as Excel on Windows saves it.
#[test]
fn a_crlf_file_names_the_lines_an_editor_shows() {
    let dir = Dir::new();
    dir.write(
        "crlf.csv",
        "subject,period,indicator,actual\r\nA,2026-10,service_cost_rate,0.9%\r\n\
         A,2026-10,complaints,1\r\nA,2026-10,repair_timeliness,zz\r\n",
    );
    let output = dir.kpi().args(["check", "crlf.csv"]).output().expect("kpi");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let places: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("crlf.csv:"))
        .filter_map(|l| l.split(": ").next())
        .collect();
    assert_eq!(places, ["crlf.csv:2:1", "crlf.csv:4:29"], "{stdout}");
}

/// Files LibreOffice saved with two errors, turned to CRLF as Excel on Windows saves
/// them (tests/fixtures/line-ends/README.md): each error on the line a person counts.
#[test]
fn files_saved_by_an_office_with_crlf_locate_their_errors() {
    let folder = crate::util::tests_dir().join("fixtures/line-ends");
    for file in ["crlf-errors.csv", "utf16-crlf-errors.txt"] {
        let output = crate::util::kpi()
            .current_dir(&folder)
            .args(["check", file])
            .output()
            .expect("running kpi");
        let said = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            said,
            format!(
                "{file}:6:24: invalid value \"abc\" for 零配件销售及时率 (parts_sales_timeliness): \
                 not a number; write a number such as 95, 95.5%, 1,234.5 or a ratio such as 171/180\n\
                 {file}:12:25: duplicate value for 保修期服务平均次数 (warranty_service_calls) \
                 (subject \"华东办事处\", period 2026-10): also given at {file}:3\n  \
                 hint: keep one row per subject, period and indicator\n\
                 2 errors, 0 warnings in 1 file\n"
            )
        );
    }
}
