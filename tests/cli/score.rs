//! `kpi score`, `check` and `init` on the real binary: every option, input form and
//! exit code, and golden files for every output format.

use std::io::Read;
use std::process::Stdio;

use predicates::prelude::*;

use crate::util::{Dir, kpi, tests_dir};

fn example(name: &str) -> String {
    std::fs::read_to_string(tests_dir().join("../examples").join(name)).expect("an example")
}

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let output = cmd.output().expect("running kpi");
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// One office's month on the built-in card, every value present.
const MONTH: &str = "indicator,actual\n\
    服务费用率,0.88%\n保修期服务平均次数,270/100\n报修处理及时率,96.5\n零配件销售及时率,95%\n\
    发货差错率,100\n安装、调试、维修满意率,99.2\n客户投诉量,1\n投诉处理满意率,100\n报表上交及时准确率,100%\n";

// ---- golden files for every format -------------------------------------------------

#[test]
fn golden_csv() {
    let dir = Dir::new();
    dir.write("q.csv", example("quarter-wide.csv"));
    insta::assert_snapshot!(stdout_of(
        dir.kpi().args(["score", "--format", "csv", "q.csv"])
    ));
}

#[test]
fn golden_json() {
    let dir = Dir::new();
    dir.write("m.csv", example("monthly-zh.csv"));
    insta::assert_snapshot!(stdout_of(
        dir.kpi().args(["score", "--format", "json", "m.csv"])
    ));
}

#[test]
fn golden_table_in_both_languages() {
    let dir = Dir::new();
    dir.write("q.csv", example("quarter-wide.csv"));
    insta::assert_snapshot!(
        "table_en",
        stdout_of(dir.kpi().args(["score", "--lang", "en", "q.csv"]))
    );
    insta::assert_snapshot!(
        "table_zh",
        stdout_of(dir.kpi().args(["score", "--lang", "zh", "q.csv"]))
    );
}

#[test]
fn golden_markdown_in_both_languages() {
    let dir = Dir::new();
    dir.write("m.csv", example("monthly-zh.csv"));
    insta::assert_snapshot!(
        "markdown_en",
        stdout_of(
            dir.kpi()
                .args(["score", "--format", "markdown", "--lang", "en", "m.csv"])
        )
    );
    insta::assert_snapshot!(
        "markdown_zh",
        stdout_of(
            dir.kpi()
                .args(["score", "--format", "markdown", "--lang", "zh", "m.csv"])
        )
    );
}

// ---- language ------------------------------------------------------------------------

#[test]
fn the_locale_chooses_the_language_and_lang_overrides_it() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH);
    let zh = stdout_of(
        dir.kpi()
            .env("LANG", "zh_CN.UTF-8")
            .args(["score", "m.csv"]),
    );
    assert!(zh.contains("总分") && zh.contains("达到目标"), "{zh}");
    let all = stdout_of(
        dir.kpi()
            .env("LANG", "zh_CN.UTF-8")
            .env("LC_ALL", "en_US.UTF-8")
            .args(["score", "m.csv"]),
    );
    assert!(all.contains("Total") && !all.contains("总分"), "{all}");
    let messages = stdout_of(
        dir.kpi()
            .env("LC_MESSAGES", "zh_TW")
            .args(["score", "m.csv"]),
    );
    assert!(messages.contains("总分"), "{messages}");
    let forced = stdout_of(
        dir.kpi()
            .env("LANG", "zh_CN.UTF-8")
            .args(["score", "--lang", "en", "m.csv"]),
    );
    assert!(forced.contains("meets target"), "{forced}");
    // Machine formats never change with the language.
    let csv_zh = stdout_of(
        dir.kpi()
            .args(["score", "--lang", "zh", "-f", "csv", "m.csv"]),
    );
    let csv_en = stdout_of(
        dir.kpi()
            .args(["score", "--lang", "en", "-f", "csv", "m.csv"]),
    );
    assert_eq!(csv_zh, csv_en);
}

#[test]
fn no_colour_when_piped_or_with_no_color() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH);
    let out = stdout_of(dir.kpi().env_remove("NO_COLOR").args(["score", "m.csv"]));
    assert!(!out.contains('\u{1b}'), "escape codes in piped output");
}

// ---- output --------------------------------------------------------------------------

#[test]
fn output_is_written_atomically_and_equals_stdout() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH);
    let printed = stdout_of(dir.kpi().args(["score", "-f", "csv", "m.csv"]));
    dir.kpi()
        .args(["score", "-f", "csv", "-o", "out.csv", "m.csv"])
        .assert()
        .success()
        .stdout("");
    assert_eq!(dir.read("out.csv"), printed);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".kpi-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn a_failed_run_leaves_the_output_file_untouched() {
    let dir = Dir::new();
    dir.write("bad.csv", "indicator,actual\n客户投诉量,lots\n");
    dir.write("out.csv", "previous contents\n");
    dir.kpi()
        .args(["score", "-f", "csv", "-o", "out.csv", "bad.csv"])
        .assert()
        .code(1);
    assert_eq!(dir.read("out.csv"), "previous contents\n");
    dir.kpi()
        .args(["score", "-f", "csv", "-o", "new.csv", "bad.csv"])
        .assert()
        .code(1);
    assert!(!dir.join("new.csv").exists());
}

#[cfg(unix)]
#[test]
fn output_to_a_device_writes_it_and_never_replaces_it() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH);
    dir.kpi()
        .args(["score", "-f", "csv", "-o", "/dev/null", "m.csv"])
        .assert()
        .success();
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null was replaced by a file");
}

#[test]
fn output_refuses_to_overwrite_an_input() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH);
    dir.kpi()
        .args(["score", "-f", "csv", "-o", "m.csv", "m.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is also an input file"));
    assert_eq!(dir.read("m.csv"), MONTH);
}

#[test]
fn bom_starts_csv_for_excel() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH);
    let out = stdout_of(dir.kpi().args(["score", "-f", "csv", "--bom", "m.csv"]));
    assert!(out.starts_with("\u{FEFF}subject,period,"), "{out:?}");
    let plain = stdout_of(dir.kpi().args(["score", "-f", "csv", "m.csv"]));
    assert!(plain.starts_with("subject,period,"));
}

#[test]
fn formula_injection_payloads_are_neutralised_in_csv_only() {
    let payloads = [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        // Cells are trimmed on input, so tab- and CR-led text arrives without them.
        "\t=1+1",
        "\r=2+2",
    ];
    let mut csv = String::from("subject,indicator,actual\n");
    for p in payloads {
        let quoted = format!("\"{}\"", p.replace('"', "\"\""));
        csv.push_str(&format!("{quoted},complaints,0\n"));
    }
    let toml = "[[indicator]]\nid = \"complaints\"\nname = \"投诉\"\nbetter = \"lower\"\nweight = 100\ntarget = 0\n";
    let dir = Dir::new();
    dir.write("d.csv", csv).write("kpi.toml", toml);
    let out = stdout_of(dir.kpi().args(["score", "-f", "csv", "d.csv"]));
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let subjects: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    for p in payloads {
        let p = p.trim();
        assert!(
            subjects.contains(&format!("'{p}")),
            "{p:?} not neutralised in {subjects:?}"
        );
    }
    assert!(subjects.iter().all(|s| s.starts_with('\'')));
    // JSON keeps the text as it is.
    let json = stdout_of(dir.kpi().args(["score", "-f", "json", "d.csv"]));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first = value["scorecards"][0]["subject"].as_str().unwrap();
    assert!(payloads.iter().any(|p| p.trim() == first), "{first:?}");
}

#[test]
fn fail_under_exits_3_after_printing() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH);
    dir.kpi()
        .args(["score", "-f", "csv", "--fail-under", "70", "m.csv"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "total,Total,,,meets,,100.00,69.41",
        ));
    dir.kpi()
        .args(["score", "--fail-under", "69.41", "m.csv"])
        .assert()
        .code(0);
    dir.kpi()
        .args(["score", "--fail-under", "69.42", "m.csv"])
        .assert()
        .code(3);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut csv = String::from("subject,complaints\n");
    for n in 0..5000 {
        csv.push_str(&format!("office {n},0\n"));
    }
    let toml = "[[indicator]]\nid = \"complaints\"\nname = \"投诉\"\nbetter = \"lower\"\nweight = 100\ntarget = 0\n";
    let dir = Dir::new();
    dir.write("d.csv", csv).write("kpi.toml", toml);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["score", "-f", "csv", "d.csv"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the pipe is closed, as `| head -c 16` would.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// Output to a pipe whose reader is already gone (as `| head -1` leaves it once it has
/// read its line), for the commands that print a text of their own: exit 0, no panic.
#[test]
fn completions_and_the_manual_to_a_closed_pipe_end_quietly() {
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["completions", "powershell"],
        &["completions", "elvish"],
        &["man"],
        &["targets"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

// ---- input ---------------------------------------------------------------------------

#[test]
fn stdin_with_a_dash_or_no_file() {
    let csv = stdout_of(kpi().args(["score", "-f", "csv", "-"]).write_stdin(MONTH));
    assert!(csv.contains(",,total,Total,,,meets,,100.00,69.41"), "{csv}");
    let again = stdout_of(kpi().args(["score", "-f", "csv"]).write_stdin(MONTH));
    assert_eq!(csv, again);
}

#[test]
fn several_files_in_one_run_are_sorted_together() {
    let dir = Dir::new();
    let toml = "[[indicator]]\nid = \"complaints\"\nname = \"投诉\"\nbetter = \"lower\"\nweight = 100\ntarget = 0\nworst = 4\n";
    dir.write("kpi.toml", toml)
        .write(
            "b.csv",
            "subject,period,indicator,actual\nb,2026-02,complaints,1\na,2026-02,complaints,2\n",
        )
        .write(
            "a.csv",
            "subject,period,indicator,actual\nb,2026-01,complaints,0\n",
        );
    let out = stdout_of(dir.kpi().args(["score", "-f", "csv", "b.csv", "a.csv"]));
    let totals: Vec<&str> = out.lines().filter(|l| l.contains(",total,")).collect();
    assert_eq!(
        totals,
        [
            "a,2026-02,total,Total,,,below,,100.00,30.00",
            "b,2026-01,total,Total,,,meets,,100.00,60.00",
            "b,2026-02,total,Total,,,below,,100.00,45.00",
        ]
    );
}

#[test]
fn config_comes_from_the_flag_then_the_environment_then_the_folder() {
    let dir = Dir::new();
    let card = |id: &str| {
        format!(
            "[[indicator]]\nid = \"{id}\"\nname = \"{id}\"\nbetter = \"lower\"\nweight = 100\ntarget = 0\n"
        )
    };
    dir.write("kpi.toml", card("local"))
        .write("env.toml", card("env"))
        .write("flag.toml", card("flag"))
        .write("d.csv", "subject,local,env,flag\na,0,0,0\n");
    let which = |cmd: &mut assert_cmd::Command, extra: &[&str]| {
        let out = stdout_of(
            cmd.args(["score", "-f", "csv", "--ignore-unknown", "d.csv"])
                .args(extra),
        );
        out.lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(2)
            .unwrap()
            .to_string()
    };
    assert_eq!(which(&mut dir.kpi(), &[]), "local");
    assert_eq!(which(dir.kpi().env("KPI_CONFIG", "env.toml"), &[]), "env");
    assert_eq!(
        which(
            dir.kpi().env("KPI_CONFIG", "env.toml"),
            &["--config", "flag.toml"]
        ),
        "flag"
    );
    // Without any: the built-in scorecard.
    let empty = Dir::new();
    empty.write("m.csv", MONTH);
    assert!(
        stdout_of(empty.kpi().args(["score", "-f", "csv", "m.csv"])).contains("service_cost_rate")
    );
}

#[test]
fn period_kinds_on_the_command_line() {
    let dir = Dir::new();
    dir.write(
        "q.csv",
        example("quarter-wide.csv")
            .replace("subject,period,", "subject,x,")
            .replace(",2026-Q3,", ",,"),
    );
    for kind in ["quarter", "Q", "quarterly", "季度", "季"] {
        let out = stdout_of(dir.kpi().args([
            "score",
            "-f",
            "json",
            "--ignore-unknown",
            "--period",
            kind,
            "q.csv",
        ]));
        assert!(
            out.contains("\"period_kind\": \"quarter\""),
            "{kind}: {out}"
        );
    }
}

#[test]
fn missing_zero_scores_nothing_for_an_absent_value() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH.replace("客户投诉量,1\n", "客户投诉量,\n"));
    let out = stdout_of(
        dir.kpi()
            .args(["score", "-f", "csv", "--missing", "zero", "m.csv"]),
    );
    assert!(
        out.contains(",complaints,客户投诉量,0,,below,0.00,6.74,0.00\n"),
        "{out}"
    );
    let out = stdout_of(
        dir.kpi()
            .args(["score", "-f", "csv", "--missing", "skip", "m.csv"]),
    );
    assert!(
        out.contains(",complaints,客户投诉量,0,,missing,,,\n"),
        "{out}"
    );
}

#[test]
fn ignore_unknown_skips_rows_and_columns() {
    let dir = Dir::new();
    let with_note: String = MONTH
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},comment\n")
            } else {
                format!("{l},x\n")
            }
        })
        .collect::<String>()
        + "turnover,12,x\n";
    dir.write("m.csv", with_note);
    dir.kpi().args(["score", "m.csv"]).assert().code(1);
    let out = stdout_of(
        dir.kpi()
            .args(["score", "-f", "csv", "--ignore-unknown", "m.csv"]),
    );
    assert!(out.contains("total,Total,,,meets,,100.00,69.41"), "{out}");
}

#[test]
fn encodings_delimiters_and_line_ends_as_spreadsheets_save_them() {
    let expected = stdout_of(kpi().args(["score", "-f", "csv", "-"]).write_stdin(MONTH));
    let (gb, _, _) = encoding_rs::GB18030.encode(MONTH);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(MONTH.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in MONTH.replace(',', "\t").encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let mut utf16be = vec![0xFE, 0xFF];
    for unit in MONTH.encode_utf16() {
        utf16be.extend_from_slice(&unit.to_be_bytes());
    }
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        ("gb18030 detected", gb.to_vec(), vec![]),
        ("gb18030 forced", gb.to_vec(), vec!["--encoding", "gb18030"]),
        ("utf-8 bom", bom, vec![]),
        ("utf-16le tabs", utf16, vec![]),
        ("utf-16be", utf16be, vec![]),
        ("semicolons", MONTH.replace(',', ";").into_bytes(), vec![]),
        (
            "tabs forced",
            MONTH.replace(',', "\t").into_bytes(),
            vec!["--delimiter", "tab"],
        ),
        ("crlf", MONTH.replace('\n', "\r\n").into_bytes(), vec![]),
        ("lone cr", MONTH.replace('\n', "\r").into_bytes(), vec![]),
        (
            "trailing empty column and rows",
            MONTH
                .replace('\n', ",\n")
                .into_bytes()
                .into_iter()
                .chain(b",\n,\n".iter().copied())
                .collect(),
            vec![],
        ),
    ];
    for (name, bytes, args) in cases {
        let dir = Dir::new();
        dir.write("d.csv", &bytes);
        let out = stdout_of(
            dir.kpi()
                .args(["score", "-f", "csv"])
                .args(&args)
                .arg("d.csv"),
        );
        assert_eq!(out, expected, "{name}");
    }
}

#[test]
fn a_forced_wrong_encoding_is_an_error_naming_the_line() {
    let (gb, _, _) = encoding_rs::GB18030.encode(MONTH);
    let dir = Dir::new();
    dir.write("d.csv", gb.as_ref());
    dir.kpi()
        .args(["score", "--encoding", "utf8", "d.csv"])
        .assert()
        .code(1)
        .stderr("d.csv:2:1: the text here is not valid UTF-8 (named by --encoding)\n  hint: name the file's own encoding (--encoding utf8, --encoding gb18030, --encoding big5, --encoding windows-1252, …), or save it as UTF-8\n");
}

// ---- check and init ------------------------------------------------------------------

#[test]
fn check_prints_a_summary_and_every_problem() {
    let dir = Dir::new();
    dir.write("good.csv", MONTH)
        .write("bad.csv", "indicator,actual\n客户投诉量,x\n投诉量,1\n");
    dir.kpi()
        .args(["check", "good.csv"])
        .assert()
        .code(0)
        .stdout("0 errors, 0 warnings in 1 file\n");
    dir.kpi()
        .args(["check", "good.csv", "bad.csv"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "bad.csv:2:7: invalid value \"x\" for 客户投诉量 (complaints)",
        ))
        .stdout(predicate::str::contains(
            "bad.csv:3:1: unknown indicator \"投诉量\"",
        ))
        .stdout(predicate::str::ends_with(
            "3 errors, 0 warnings in 2 files\n",
        ));
    dir.kpi()
        .arg("check")
        .assert()
        .code(0)
        .stdout("0 errors, 0 warnings in 1 file\n");
}

#[test]
fn init_writes_the_built_in_card_and_refuses_to_overwrite() {
    let dir = Dir::new();
    dir.kpi().arg("init").assert().success();
    let written = dir.read("kpi.toml");
    assert_eq!(
        written,
        std::fs::read_to_string(tests_dir().join("../src/read/builtin.toml")).unwrap()
    );
    dir.write("kpi.toml", "mine\n");
    dir.kpi()
        .arg("init")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(dir.read("kpi.toml"), "mine\n");
    dir.kpi().args(["init", "--force"]).assert().success();
    assert_eq!(dir.read("kpi.toml"), written);
    dir.kpi().args(["init", "other.toml"]).assert().success();
    assert_eq!(dir.read("other.toml"), written);
}

#[test]
fn help_has_examples() {
    kpi()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    kpi()
        .args(["score", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--fail-under"));
}

#[test]
fn targets_shows_the_definition_in_both_languages() {
    let dir = Dir::new();
    insta::assert_snapshot!(
        "targets_en",
        stdout_of(dir.kpi().args(["targets", "--lang", "en"]))
    );
    insta::assert_snapshot!(
        "targets_zh",
        stdout_of(dir.kpi().args(["targets", "--lang", "zh"]))
    );
    let methods = tests_dir().join("conformance/06-methods/kpi.toml");
    let out = stdout_of(
        dir.kpi()
            .args(["targets", "--lang", "en", "--config"])
            .arg(methods),
    );
    assert!(out.contains("ratio method, capped at 100"), "{out}");
    assert!(
        out.contains("deduct method, 5 points per unit short"),
        "{out}"
    );
    assert!(!out.contains("发货差错率 is called"), "{out}");
    dir.write("bad.toml", "[[indicator]]\n");
    dir.kpi()
        .args(["targets", "-c", "bad.toml"])
        .assert()
        .code(1);
}

#[test]
fn every_example_scores_in_every_format() {
    let examples = tests_dir().join("../examples");
    let mut fine = Vec::new();
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        // An example that exists to show errors says so in its name, and has them.
        if path.to_string_lossy().contains("errors") {
            Dir::new().kpi().arg("check").arg(&path).assert().code(1);
            continue;
        }
        // A targets file is no data file: it is checked as what it is, with the
        // data it is for.
        if path.to_string_lossy().contains("targets") {
            Dir::new()
                .kpi()
                .args(["check", "--targets"])
                .arg(&path)
                .arg(examples.join("offices-quarters.csv"))
                .assert()
                .success();
            continue;
        }
        for format in ["table", "csv", "json", "markdown"] {
            let out = stdout_of(Dir::new().kpi().args(["score", "-f", format]).arg(&path));
            assert!(!out.is_empty(), "{} as {format}", path.display());
        }
        Dir::new().kpi().arg("check").arg(&path).assert().success();
        fine.push(path);
    }
    assert!(
        fine.len() >= 4,
        "expected the examples in {}",
        examples.display()
    );
    // Together too: no two examples give the same subject, period and indicator.
    Dir::new().kpi().arg("check").args(&fine).assert().success();
}

#[test]
fn the_gb18030_example_reads_as_its_utf8_text() {
    let bytes = std::fs::read(tests_dir().join("../examples/monthly-gb18030.csv")).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the example must really be GB18030"
    );
    let (text, _, had_errors) = encoding_rs::GB18030.decode(&bytes);
    assert!(!had_errors);
    let dir = Dir::new();
    dir.write("utf8.csv", text.as_bytes())
        .write("gb.csv", &bytes);
    let from_utf8 = stdout_of(dir.kpi().args(["score", "-f", "csv", "utf8.csv"]));
    let from_gb = stdout_of(dir.kpi().args(["score", "-f", "csv", "gb.csv"]));
    assert_eq!(from_gb, from_utf8);
    assert!(
        from_gb.contains("华东办事处,2026-11,total,Total,,,meets,,100.00,69.41"),
        "{from_gb}"
    );
}

#[test]
fn the_commands_own_messages_follow_the_locale() {
    let dir = Dir::new();
    dir.write("m.csv", MONTH);
    dir.kpi()
        .env("LANG", "zh_CN.UTF-8")
        .args(["check", "m.csv"])
        .assert()
        .success()
        .stdout("1 个文件：0 个错误，0 个警告\n");
    dir.kpi()
        .env("LANG", "zh_CN.UTF-8")
        .arg("init")
        .assert()
        .success()
        .stderr("已写入 kpi.toml\n");
    dir.kpi()
        .env("LANG", "zh_CN.UTF-8")
        .arg("init")
        .assert()
        .code(1)
        .stderr("kpi: 错误： kpi.toml 已存在\n  提示： 加 --force 覆盖，或换一个路径\n");
    dir.kpi()
        .args(["score", "--lang", "zh", "-f", "xlsx", "m.csv"])
        .assert()
        .code(2)
        .stderr("kpi: 错误： --format html 和 xlsx 生成文件，请用 --output PATH 指定\n");
}

/// `unit_en` is the unit of English documents; Chinese documents, CSV and JSON keep
/// `unit`.
#[test]
fn unit_en_is_the_unit_of_english_documents_only() {
    let dir = Dir::new();
    dir.write(
        "kpi.toml",
        "[[indicator]]\nid = \"sold\"\nname = \"销量\"\nunit = \"台\"\nunit_en = \"units\"\nbetter = \"higher\"\nweight = 100\ntarget = 10\n",
    )
    .write("d.csv", "indicator,actual\nsold,12\n");
    let en = stdout_of(
        dir.kpi()
            .args(["score", "-f", "markdown", "--lang", "en", "d.csv"]),
    );
    assert!(en.contains("| 销量 | 10 units | 12 units |"), "{en}");
    let zh = stdout_of(
        dir.kpi()
            .args(["score", "-f", "markdown", "--lang", "zh", "d.csv"]),
    );
    assert!(zh.contains("| 销量 | 10 台 | 12 台 |"), "{zh}");
    let json = stdout_of(
        dir.kpi()
            .args(["score", "-f", "json", "--lang", "en", "d.csv"]),
    );
    assert!(json.contains(r#""unit": "台""#), "{json}");
    dir.write(
        "kpi.toml",
        "[[indicator]]\nid = \"sold\"\nname = \"销量\"\nunit_en = 5\nbetter = \"higher\"\nweight = 100\ntarget = 10\n",
    );
    dir.kpi()
        .args(["check", "d.csv"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "kpi.toml:4:11: `unit_en` must be a string",
        ));
}
