//! Inputs that once broke `kpi` (found by `cargo fuzz`), kept so they never do again.
//! Each file's first byte picked the fuzz target's options; the rest is the data.

use crate::util::{Dir, tests_dir};

/// `kpi score` on a regression input saved as `as_name`: its exit code and stderr.
fn score_saved_as(input: &str, as_name: &str) -> (Option<i32>, String) {
    let dir = Dir::new();
    dir.write(as_name, regression(input));
    let output = dir
        .kpi()
        .args(["score", as_name])
        .output()
        .expect("running kpi");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// What a damaged workbook is told, after its name.
const DAMAGED: &str = "the workbook is damaged and cannot be read
  hint: open it in Excel, WPS or LibreOffice, save it again, and run kpi on that copy
";

fn regression(name: &str) -> Vec<u8> {
    let bytes =
        std::fs::read(tests_dir().join("regressions").join(name)).expect("a regression input");
    bytes[1..].to_vec()
}

/// The streaming reader (before the one engine) asked GB18030's decoder for more
/// after it had finished, which panics in `encoding_rs`; the reader that replaced it
/// decodes the same way, with any budget.
#[test]
fn stream_decoder_used_after_finishing() {
    let dir = Dir::new();
    dir.write(
        "data.csv",
        regression("stream-decoder-used-after-finishing.bin"),
    );
    for memory in ["1K", "32M"] {
        for period in ["month", "quarter", "year"] {
            let output = dir
                .kpi()
                .args([
                    "score", "-f", "csv", "--memory", memory, "--period", period, "data.csv",
                ])
                .output()
                .expect("running kpi");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                matches!(output.status.code(), Some(0 | 1)),
                "{memory} {period}: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{memory} {period}: {stderr}");
        }
    }
}

/// The streaming path (before the one engine) made a scorecard for a subject whose
/// only row named an unknown indicator (skipped under --ignore-unknown); with
/// --missing zero it scored all zeros. No card comes of skipped rows, at any budget.
#[test]
fn stream_card_of_skipped_rows() {
    let dir = Dir::new();
    dir.write("data.csv", regression("stream-card-of-skipped-rows.bin"));
    let outputs: Vec<(Option<i32>, Vec<u8>)> = ["1K", "64K", "32M"]
        .iter()
        .map(|memory| {
            let output = dir
                .kpi()
                .args([
                    "score",
                    "-f",
                    "csv",
                    "--ignore-unknown",
                    "--missing",
                    "zero",
                    "--period",
                    "half",
                ])
                .args(["--memory", memory, "data.csv"])
                .output()
                .expect("running kpi");
            (output.status.code(), output.stdout)
        })
        .collect();
    assert_eq!(
        outputs[0].1,
        b"subject,period,indicator_id,indicator,target,actual,band,score,weight,points\n"
    );
    assert_eq!(outputs[1], outputs[0]);
    assert_eq!(outputs[2], outputs[0]);
}

/// A damaged .xls made calamine's compound-file reader panic (`assert_eq!` on a
/// sector length); it is an error naming the file now.
#[test]
fn calamine_cfb_assert() {
    let (code, stderr) = score_saved_as("calamine-cfb-assert.bin", "damaged.xls");
    assert_eq!(code, Some(1));
    assert_eq!(stderr, format!("damaged.xls: {DAMAGED}"));
}

/// A damaged .xls whose cells spanned 5,377 rows × 12,292 columns made the workbook
/// reader lay out a grid of gigabytes (out of memory); it is refused now.
#[test]
fn xls_sparse_oom() {
    let (code, stderr) = score_saved_as("xls-sparse-oom.bin", "damaged.xls");
    assert_eq!(code, Some(1));
    assert_eq!(stderr, format!("damaged.xls: {DAMAGED}"));
}

/// An .xls whose DIMENSIONS record claimed 369 million rows × 65,280 columns (its
/// first column, past 255, counts from 0 as the reader counts it), with no EOF after
/// it: the workbook reader reserved room for them all and the allocation failed (an
/// abort, which no `catch_unwind` catches). It is refused before reading.
#[test]
fn xls_dimensions_alloc() {
    let (code, stderr) = score_saved_as("xls-dimensions-alloc.bin", "damaged.xls");
    assert_eq!(code, Some(1));
    assert!(
        stderr
            .starts_with("damaged.xls: a sheet spans 369098752 rows × 65280 columns for 0 cells;"),
        "{stderr}"
    );
}

/// An .xls whose compound-file container made the workbook reader's own container
/// code reserve 2 GB; the reader now only sees a container `kpi` wrote.
#[test]
fn xls_container_alloc() {
    let (code, stderr) = score_saved_as("xls-container-alloc.bin", "damaged.xls");
    assert_eq!(code, Some(1));
    assert!(stderr.starts_with("damaged.xls: "));
}

/// A compound file (as a password-protected xlsx is) named .xlsx: the workbook
/// reader's password check looped on its damaged container, using memory without end.
/// Only a container the `cfb` crate opens, holding a workbook, goes further now.
#[test]
fn xlsx_that_is_a_compound_file() {
    let (code, stderr) = score_saved_as("xlsx-that-is-a-compound-file.bin", "damaged.xlsx");
    assert_eq!(code, Some(1));
    assert_eq!(stderr, format!("damaged.xlsx: {DAMAGED}"));
}
