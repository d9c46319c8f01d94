//! Targets per subject (SPEC §2.4): the hand-checked cases of `tests/targets/`, each
//! run as a user would (`--targets targets.csv` in the working folder), and every
//! rule's message.

use crate::conformance::check_all;
use crate::util::{Dir, tests_dir};

#[test]
fn every_hand_checked_targets_case_passes() {
    check_all(&tests_dir().join("targets"), 10);
}

/// A small card: a bands indicator, a lower-is-better one, and a ratio one assessed
/// in quarters only.
const CARD: &str = r#"[scorecard]
title = "T"

[[indicator]]
id = "rate"
name = "及时率"
name_en = "On time"
unit = "%"
better = "higher"
weight = 60
target = 95
exceeds = 97
far_exceeds = 99
best = 100
worst = 85

[[indicator]]
id = "calls"
name = "次数"
unit = "次"
better = "lower"
weight = 30
target = 3
best = 1
worst = 7

[[indicator]]
id = "visits"
name = "拜访率"
unit = "%"
better = "higher"
weight = 10
method = "ratio"
target = { quarter = 80 }
"#;

const ACTUALS: &str = "subject,period,indicator,actual\n\
    A,2026-01,rate,96\nA,2026-01,calls,2\nB,2026-01,rate,90\nB,2026-01,calls,4\n";

fn folder(targets: &str) -> Dir {
    let dir = Dir::new();
    dir.write("kpi.toml", CARD)
        .write("actuals.csv", ACTUALS)
        .write("targets.csv", targets);
    dir
}

/// `kpi ARGS` run in `dir`.
fn run(dir: &Dir, args: &[&str]) -> std::process::Output {
    dir.kpi().args(args).output().expect("running kpi")
}

/// What `kpi ARGS` printed on standard error, and its exit status.
fn stderr_of(dir: &Dir, args: &[&str]) -> String {
    let output = run(dir, args);
    format!(
        "exit {:?}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn json_of(dir: &Dir, args: &[&str]) -> serde_json::Value {
    let output = run(dir, args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// Every rule of rows taken alone and together, each with its line and column:
/// a row given twice, a not-assessed row with a threshold, a ratio target of 0, a
/// threshold for a method that takes none, a period that is none, an unknown
/// indicator, thresholds out of order with the card's, a value that is not one, a
/// threshold where no target is in force. Rows that are fine (a best above the
/// card's, a row changing nothing) say nothing.
#[test]
fn every_rule_of_a_targets_file_with_its_place() {
    let dir = folder(
        "subject,indicator,period,target,exceeds,worst,best\n\
         A,rate,,98,,,\n\
         A,rate,,96,,,\n\
         B,calls,,-,,5,\n\
         B,rate,quarterly,,,,\n\
         C,visits,,0,,,\n\
         K,visits,month,,90,,\n\
         D,rate,2026-13,,,,\n\
         E,nope,,1,,,\n\
         F,rate,,,,,101\n\
         G,calls,,,,0.5,\n\
         H,visits,,,,,\n\
         I,rate,,x,,,\n\
         J,calls,month,-,,,\n\
         J,calls,2026-01,,,6,\n",
    );
    let shown = stderr_of(&dir, &["score", "--targets", "targets.csv", "actuals.csv"]);
    assert!(shown.starts_with("exit Some(1)"), "{shown}");
    insta::assert_snapshot!(shown);
    // `check` finds the same, and nothing is scored by `score`.
    let output = run(&dir, &["check", "--targets", "targets.csv", "actuals.csv"]);
    let checked = String::from_utf8_lossy(&output.stdout);
    assert!(
        checked.ends_with("9 errors, 0 warnings in 3 files\n"),
        "{checked}"
    );
}

#[test]
fn header_problems_are_named() {
    for (header, problem) in [
        ("indicator,target\n", "no `subject` (对象) column"),
        ("subject,target\n", "no `indicator` (指标) column"),
        ("subject,indicator,period\n", "no threshold column"),
        ("subject,indicator,targte\n", "did you mean \"target\"?"),
        (
            "subject,indicator,target,目标\n",
            "column \"目标\" appears twice",
        ),
        ("", "the targets file is empty"),
    ] {
        let dir = folder(header);
        let shown = stderr_of(&dir, &["score", "--targets", "targets.csv", "actuals.csv"]);
        assert!(
            shown.starts_with("exit Some(1)") && shown.contains(problem),
            "{header:?}: {shown}"
        );
    }
    // An unknown column is skipped with --ignore-unknown, as is an unknown indicator.
    let dir = folder("subject,indicator,target,owner\nA,rate,96,x\nA,nope,1,y\n");
    let json = json_of(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--ignore-unknown",
            "--targets",
            "targets.csv",
            "actuals.csv",
        ],
    );
    assert_eq!(json["scorecards"][0]["indicators"][0]["target"], 96);
}

/// `targets = "FILE"` under [scorecard] is a path relative to the kpi.toml; the
/// flag wins; a file that is not there is named with who named it.
#[test]
fn targets_from_the_scorecard_relative_to_it() {
    let dir = folder("subject,indicator,target\nA,rate,96\n");
    std::fs::create_dir(dir.join("conf")).expect("a folder");
    dir.write(
        "conf/kpi.toml",
        CARD.replace(
            "title = \"T\"",
            "title = \"T\"\ntargets = \"../targets.csv\"",
        ),
    );
    let json = json_of(
        &dir,
        &[
            "score",
            "-c",
            "conf/kpi.toml",
            "--format",
            "json",
            "actuals.csv",
        ],
    );
    let rate = &json["scorecards"][0]["indicators"][0];
    assert_eq!(rate["target"], 96);
    assert_eq!(rate["target_source"], "conf/../targets.csv:2");
    dir.write("other.csv", "subject,indicator,target\nA,rate,97\n");
    let json = json_of(
        &dir,
        &[
            "score",
            "-c",
            "conf/kpi.toml",
            "--targets",
            "other.csv",
            "--format",
            "json",
            "actuals.csv",
        ],
    );
    assert_eq!(
        json["scorecards"][0]["indicators"][0]["target_source"],
        "other.csv:2"
    );
    dir.write(
        "conf/kpi.toml",
        CARD.replace("title = \"T\"", "title = \"T\"\ntargets = \"gone.csv\""),
    );
    let shown = stderr_of(&dir, &["score", "-c", "conf/kpi.toml", "actuals.csv"]);
    assert!(
        shown.contains("conf/gone.csv: no such file (named by `targets` in conf/kpi.toml)"),
        "{shown}"
    );
}

/// Without a targets file JSON has no `target_source`; with one that has only a
/// header, every card is the card's, said so.
#[test]
fn a_header_only_file_changes_nothing_but_the_source() {
    let dir = folder("subject,indicator,period,target\n");
    let plain = json_of(&dir, &["score", "--format", "json", "actuals.csv"]);
    let with = json_of(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--targets",
            "targets.csv",
            "actuals.csv",
        ],
    );
    let mut stripped = with.clone();
    for card in stripped["scorecards"].as_array_mut().expect("cards") {
        for line in card["indicators"].as_array_mut().expect("lines") {
            let source = line
                .as_object_mut()
                .and_then(|l| l.remove("target_source"))
                .expect("a target_source");
            let expected = if line["band"] == "not_assessed" {
                serde_json::Value::Null
            } else {
                serde_json::json!("card")
            };
            assert_eq!(source, expected);
        }
    }
    assert_eq!(plain, stripped);
    assert!(!plain.to_string().contains("target_source"));
}

/// A GB18030 workbook-free file with CRLF and Chinese headers, and an .xlsx file, are
/// read like actuals.
#[test]
fn targets_files_in_gb18030_and_in_a_workbook() {
    let text = "对象,指标,期间,目标\r\nA,及时率,月度,97\r\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let dir = folder("");
    dir.write("targets.csv", &bytes);
    let json = json_of(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--targets",
            "targets.csv",
            "actuals.csv",
        ],
    );
    assert_eq!(json["scorecards"][0]["indicators"][0]["target"], 97);

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, text) in ["subject", "indicator", "target"].iter().enumerate() {
        sheet.write_string(0, col as u16, *text).expect("a cell");
    }
    sheet.write_string(1, 0, "B").expect("a cell");
    sheet.write_string(1, 1, "rate").expect("a cell");
    sheet.write_number(1, 2, 88).expect("a cell");
    sheet.write_string(2, 0, "B").expect("a cell");
    sheet.write_string(2, 1, "calls").expect("a cell");
    sheet.write_string(2, 2, "oops").expect("a cell");
    book.save(dir.join("targets.xlsx")).expect("a workbook");
    let shown = stderr_of(&dir, &["score", "--targets", "targets.xlsx", "actuals.csv"]);
    assert!(
        shown.contains("targets.xlsx:Sheet1!C3: invalid target \"oops\" for calls"),
        "{shown}"
    );
}

/// `check` warns once of subjects no data file mentions, listing them.
#[test]
fn check_names_subjects_no_data_mentions() {
    let dir = folder("subject,indicator,target\nA,rate,96\nZ,rate,90\nY,calls,2\n");
    let output = run(&dir, &["check", "--targets", "targets.csv", "actuals.csv"]);
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
    assert_eq!(output.status.code(), Some(0));
}

/// `--explain` says which line set the target, or made an indicator not assessed;
/// `kpi targets --subject` shows the subject's thresholds and exceptions.
#[test]
fn explain_and_targets_name_the_subjects_rows() {
    let dir = folder(
        "subject,indicator,period,target,best\nA,rate,,96,\nA,calls,2026-01,-,\nA,rate,2026-Q3,97,99.5\n",
    );
    let output = run(
        &dir,
        &[
            "score",
            "--explain",
            "--targets",
            "targets.csv",
            "actuals.csv",
        ],
    );
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.contains("target 96% for \"A\" from targets.csv:2"),
        "{shown}"
    );
    assert!(
        shown.contains("not assessed for \"A\" by targets.csv:3"),
        "{shown}"
    );
    let output = run(
        &dir,
        &["targets", "--targets", "targets.csv", "--subject", "A"],
    );
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
    let shown = stderr_of(
        &dir,
        &["targets", "--targets", "targets.csv", "--subject", "a"],
    );
    assert!(
        shown.starts_with("exit Some(1)") && shown.contains("did you mean \"A\"?"),
        "{shown}"
    );
    let shown = stderr_of(&dir, &["targets", "--subject", "A"]);
    assert!(shown.starts_with("exit Some(2)"), "{shown}");
}

/// A roll-up is scored against the subject's thresholds for the coarser period, and
/// `rank` and `trend` take the same targets.
#[test]
fn roll_ups_rank_and_trend_use_the_subjects_thresholds() {
    let dir = folder("subject,indicator,period,target,exceeds\nA,rate,quarter,98,98.5\n");
    dir.write(
        "months.csv",
        "subject,period,indicator,actual\nA,2026-01,rate,97\nA,2026-02,rate,96\nA,2026-03,rate,98\n\
         A,2026-01,calls,3\nA,2026-02,calls,3\nA,2026-03,calls,3\n",
    );
    let json = json_of(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "-p",
            "quarter",
            "--missing",
            "skip",
            "--targets",
            "targets.csv",
            "months.csv",
        ],
    );
    let rate = &json["scorecards"][0]["indicators"][0];
    assert_eq!(rate["target"], 98);
    assert_eq!(rate["target_source"], "targets.csv:2");
    // The mean 97 is between worst 85 (0) and the subject's quarter target 98 (60):
    // 60 × (97 − 85) / (98 − 85) = 55.384… → 55.38 (the card's target 95 gives 70).
    assert_eq!(rate["score"].to_string(), "55.38");
    for command in ["rank", "trend"] {
        let output = run(
            &dir,
            &[
                command,
                "--format",
                "csv",
                "-p",
                "quarter",
                "--missing",
                "skip",
                "--targets",
                "targets.csv",
                "months.csv",
            ],
        );
        assert!(output.status.success(), "{command}");
        let without = run(
            &dir,
            &[
                command,
                "--format",
                "csv",
                "-p",
                "quarter",
                "--missing",
                "skip",
                "months.csv",
            ],
        );
        assert_ne!(output.stdout, without.stdout, "{command} takes the targets");
    }
}

/// `check` compares a long file's `target` column with the subject's target in force.
#[test]
fn the_target_column_is_checked_against_the_subjects_target() {
    let dir = folder("subject,indicator,target\nA,rate,96\n");
    dir.write(
        "with-targets.csv",
        "subject,period,indicator,target,actual\nA,2026-01,rate,96,96\nA,2026-01,calls,3,2\n",
    );
    let check = |args: &[&str]| {
        let output = dir
            .kpi()
            .arg("check")
            .args(args)
            .output()
            .expect("running kpi");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let with = check(&["--targets", "targets.csv", "with-targets.csv"]);
    assert!(
        with.ends_with("0 errors, 0 warnings in 3 files\n"),
        "{with}"
    );
    let without = check(&["with-targets.csv"]);
    assert!(
        without
            .contains("the target column says 96% for rate, but the month target in force is 95%"),
        "{without}"
    );
}

/// A row with a problem of its own still counts for rows given twice; a targets file
/// is not read from standard input; `kpi targets` reads the file as `score` does.
#[test]
fn bad_rows_still_pair_and_targets_reads_like_score() {
    let dir = folder("subject,indicator,target\nA,rate,abc\nA,rate,-\n");
    let shown = stderr_of(&dir, &["check", "--targets", "targets.csv"]);
    let output = run(&dir, &["check", "--targets", "targets.csv"]);
    let checked = String::from_utf8_lossy(&output.stdout);
    assert!(
        checked.contains("targets.csv:2:8: invalid target \"abc\""),
        "{checked}"
    );
    assert!(checked.contains("(lines 2 and 3)"), "{checked}{shown}");
    let shown = stderr_of(&dir, &["score", "--targets", "-", "actuals.csv"]);
    assert!(shown.contains("not from standard input"), "{shown}");
    dir.write(
        "noted.csv",
        "subject,indicator,target,owner\nA,rate,96,me\n",
    );
    let shown = stderr_of(
        &dir,
        &["targets", "--targets", "noted.csv", "--subject", " A "],
    );
    assert!(
        shown.starts_with("exit Some(1)") && shown.contains("--ignore-unknown"),
        "{shown}"
    );
    let output = run(
        &dir,
        &[
            "targets",
            "--targets",
            "noted.csv",
            "--ignore-unknown",
            "--subject",
            " A ",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("96%"));
}

/// In a workbook whose table starts lower down (rows 1 and 2 empty), `target_source`
/// names the sheet's row.
#[test]
fn a_workbooks_rows_are_named_as_the_sheet_numbers_them() {
    let dir = folder("");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, text) in ["subject", "indicator", "target"].iter().enumerate() {
        sheet.write_string(2, col as u16, *text).expect("a cell");
    }
    sheet.write_string(3, 0, "A").expect("a cell");
    sheet.write_string(3, 1, "rate").expect("a cell");
    sheet.write_number(3, 2, 96).expect("a cell");
    book.save(dir.join("t.xlsx")).expect("a workbook");
    let json = json_of(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--targets",
            "t.xlsx",
            "actuals.csv",
        ],
    );
    assert_eq!(
        json["scorecards"][0]["indicators"][0]["target_source"],
        "t.xlsx:4"
    );
}

/// `kpi template --targets` gives each subject its own targets and assessed
/// indicators, and the form, filled in, scores with the same file.
#[test]
fn a_template_with_targets_has_each_subjects_rows_and_scores() {
    let dir = Dir::new();
    dir.write(
        "targets.csv",
        "subject,indicator,period,target\nA,repair_timeliness,,92\nB,visit_completion,2026-Q2,-\n",
    );
    let output = run(
        &dir,
        &[
            "template",
            "--targets",
            "targets.csv",
            "--subject",
            "A",
            "--subject",
            "B",
            "-p",
            "2026-Q2",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let form = String::from_utf8(output.stdout).expect("UTF-8");
    let form = form.trim_start_matches('\u{feff}');
    assert!(
        form.contains("A,2026-Q2,Repair requests handled on time,%,92,"),
        "{form}"
    );
    assert!(
        form.contains("A,2026-Q2,Customer visits completed,%,80,"),
        "{form}"
    );
    assert!(
        !form.contains("B,2026-Q2,Customer visits completed"),
        "{form}"
    );
    // Filled in with each row's target, every indicator meets it.
    let filled: String = form
        .lines()
        .enumerate()
        .map(|(n, line)| {
            if n == 0 {
                format!("{line}\n")
            } else {
                let target = line.rsplit(',').nth(1).unwrap_or("");
                format!("{line}{target}\n")
            }
        })
        .collect();
    dir.write("filled.csv", filled);
    let json = json_of(
        &dir,
        &[
            "score",
            "-f",
            "json",
            "--targets",
            "targets.csv",
            "filled.csv",
        ],
    );
    for card in json["scorecards"].as_array().expect("cards") {
        for line in card["indicators"].as_array().expect("lines") {
            let band = line["band"].as_str().unwrap_or("");
            assert!(band != "below", "{card}");
        }
    }
    assert_eq!(
        json["scorecards"][1]["indicators"][7]["band"],
        "not_assessed"
    );
}

/// Headers are ASCII-case-insensitive; two rows for the same period are an error
/// however the period is written (a kind in English and in Chinese, a label in two
/// forms).
#[test]
fn the_same_period_written_two_ways_is_one_period() {
    let dir = folder(
        "Subject,INDICATOR,Period,TARGET\n\
         A,rate,quarter,96\nA,rate,季度,97\n\
         B,rate,2026-Q3,96\nB,rate,2026年第三季度,97\n",
    );
    let output = run(&dir, &["check", "--targets", "targets.csv"]);
    let checked = String::from_utf8_lossy(&output.stdout);
    assert!(
        checked
            .contains("subject \"A\" has two rows for On time (rate) for quarter (lines 2 and 3)"),
        "{checked}"
    );
    assert!(
        checked
            .contains("subject \"B\" has two rows for On time (rate) for 2026-Q3 (lines 4 and 5)"),
        "{checked}"
    );
    assert!(
        checked.ends_with("2 errors, 0 warnings in 2 files\n"),
        "{checked}"
    );
}
