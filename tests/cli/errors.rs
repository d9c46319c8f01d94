//! Every error class of SPEC §2–§5, with its full text pinned: a worse message is a
//! failing test. Each case runs in a temporary folder with relative paths.

use crate::util::Dir;

/// Runs `kpi score` (or the given args) in a folder holding `files`, returning
/// `exit N` and standard error, for a snapshot.
fn run(files: &[(&str, &[u8])], args: &[&str]) -> String {
    let dir = Dir::new();
    for (name, contents) in files {
        dir.write(name, contents);
    }
    let output = dir.kpi().args(args).output().expect("running kpi");
    format!(
        "exit {}\n{}{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn score_csv(csv: &str, extra: &[&str]) -> String {
    let mut args = vec!["score", "--format", "csv"];
    args.extend_from_slice(extra);
    args.push("data.csv");
    run(&[("data.csv", csv.as_bytes())], &args)
}

fn score_config(toml: &str) -> String {
    run(
        &[
            ("kpi.toml", toml.as_bytes()),
            ("data.csv", b"indicator,actual\nrate,95\n"),
        ],
        &["score", "--format", "csv", "data.csv"],
    )
}

const ONE: &str = r#"
[scorecard]
title = "t"

[[indicator]]
id = "rate"
name = "及时率"
unit = "%"
better = "higher"
weight = 100
target = 95
"#;

#[test]
fn a_valid_one_indicator_config_scores() {
    insta::assert_snapshot!(score_config(ONE));
}

#[test]
fn config_every_problem_at_once_with_line_and_column() {
    let toml = r#"
[scorecard]
title = "t"
colour = "red"

[[indicator]]
id = "Rate"
name = "及时率"
unit = "%"
better = "Higher"
weight = 0
target = { month = 95, quater = 95 }
aggregate = "avg"

[[indicator]]
id = "cost"
name = "及时率"
better = "lower"
weight = "20"
target = 1
worst = 0.5
"#;
    insta::assert_snapshot!(score_config(toml));
}

#[test]
fn config_weights_must_sum_to_100() {
    insta::assert_snapshot!(score_config(&ONE.replace("weight = 100", "weight = 98")));
}

#[test]
fn config_thresholds_out_of_order_name_the_period() {
    let toml = ONE.replace(
        "target = 95",
        "target = { month = 95, quarter = 95 }\nexceeds = { month = 97, quarter = 94 }\nworst = { month = 80 }",
    );
    insta::assert_snapshot!(score_config(&toml));
}

#[test]
fn config_bands_must_be_ordered() {
    let toml = ONE.replace(
        "[[indicator]]",
        "[bands]\nmeets = 75\nexceeds = 70\n\n[[indicator]]",
    );
    insta::assert_snapshot!(score_config(&toml));
}

#[test]
fn config_method_rules() {
    let toml = r#"
[[indicator]]
id = "sales"
name = "销售"
better = "higher"
weight = 40
method = "ratio"
target = 0
cap = 120
best = 100

[[indicator]]
id = "sat"
name = "满意"
better = "higher"
weight = 30
method = "deduct"
target = 99

[[indicator]]
id = "rep"
name = "报表"
better = "higher"
weight = 30
method = "pass_fail"
target = 100
per_unit = 5
"#;
    insta::assert_snapshot!(score_config(toml));
}

#[test]
fn config_names_clash_with_each_other_and_with_columns() {
    let toml = r#"
[[indicator]]
id = "rate"
name = "Period"
name_en = "Cost"
better = "higher"
weight = 50
target = 1

[[indicator]]
id = "cost"
name = "成本"
better = "lower"
weight = 50
target = 1
"#;
    insta::assert_snapshot!(score_config(toml));
}

#[test]
fn config_numbers_are_exact_and_limited() {
    let toml = ONE.replace("target = 95", "target = 95.1234567890123456\nbest = inf");
    insta::assert_snapshot!(score_config(&toml));
}

#[test]
fn config_syntax_error_and_no_indicator() {
    insta::assert_snapshot!(score_config("[scorecard\ntitle = 1\n"));
    insta::assert_snapshot!(score_config("[scorecard]\ntitle = \"empty\"\n"));
}

#[test]
fn config_missing_file_from_the_command_line_and_environment() {
    insta::assert_snapshot!(run(
        &[("data.csv", b"indicator,actual\nrate,1\n")],
        &["score", "--config", "nope.toml", "data.csv"]
    ));
    let dir = Dir::new();
    dir.write("data.csv", "indicator,actual\nrate,1\n");
    let output = dir
        .kpi()
        .env("KPI_CONFIG", "missing.toml")
        .args(["score", "data.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "missing.toml: no such file (named by $KPI_CONFIG)\n  \
         hint: fix $KPI_CONFIG, or unset it (unset KPI_CONFIG) to use ./kpi.toml or the \
         built-in scorecard\n"
    );
}

#[test]
fn values_that_are_not_values() {
    let csv = "indicator,actual\n\
               服务费用率,abc\n\
               保修期服务平均次数,次/台\n\
               报修处理及时率,5/0\n\
               零配件销售及时率,1e15\n\
               发货差错率,1E-30\n\
               安装、调试、维修满意率,0.1234567890123456789012\n\
               客户投诉量,95%\n\
               投诉处理满意率,.5\n\
               报表上交及时准确率,96.\n";
    insta::assert_snapshot!(score_csv(csv, &[]));
}

#[test]
fn a_missing_value_is_an_error_naming_the_indicator() {
    let csv = "subject,indicator,actual\na,服务费用率,0.9\n";
    insta::assert_snapshot!(score_csv(csv, &[]));
}

#[test]
fn an_empty_cell_in_a_wide_file_is_located() {
    let csv = "subject,service_cost_rate,complaints\na,0.9,\n";
    let toml = r#"
[[indicator]]
id = "service_cost_rate"
name = "费用率"
unit = "%"
better = "lower"
weight = 50
target = 0.92

[[indicator]]
id = "complaints"
name = "投诉"
better = "lower"
weight = 50
target = 0
"#;
    insta::assert_snapshot!(run(
        &[("kpi.toml", toml.as_bytes()), ("data.csv", csv.as_bytes())],
        &["score", "--format", "csv", "data.csv"]
    ));
}

#[test]
fn nothing_to_score_names_the_subject_and_period() {
    let csv = "subject,period,indicator,actual\na,2026-01,commissioning_timeliness,99\n";
    insta::assert_snapshot!(score_csv(csv, &["--missing", "skip"]));
}

#[test]
fn unknown_indicators_and_columns_suggest_a_name() {
    insta::assert_snapshot!(score_csv("indicator,actual,notes\ncomplaint,1,x\n", &[]));
    insta::assert_snapshot!(score_csv(
        "subject,complaint,repair_timelines\na,1,2\n",
        &[]
    ));
}

#[test]
fn ragged_rows_and_duplicates_name_their_lines() {
    let csv = "subject,indicator,actual\na,complaints,1\na,complaints,2,3\na,客户投诉量,0\nb,complaints\n";
    insta::assert_snapshot!(score_csv(csv, &[]));
}

#[test]
fn duplicates_across_files_name_both_files() {
    let first = b"subject,period,indicator,actual\na,2026-01,complaints,1\n";
    let second = b"subject,period,indicator,actual\na,2026/1,Customer Complaints,1\n";
    insta::assert_snapshot!(run(
        &[("one.csv", first), ("two.csv", second)],
        &[
            "score",
            "--format",
            "csv",
            "--missing",
            "skip",
            "one.csv",
            "two.csv"
        ]
    ));
}

#[test]
fn empty_and_header_only_files() {
    insta::assert_snapshot!(score_csv("", &[]));
    insta::assert_snapshot!(score_csv("indicator,actual\n,\n", &[]));
}

#[test]
fn bad_period_labels_and_a_finer_period() {
    let csv = "period,indicator,actual\n2026-13,complaints,1\n,complaints,1\n2026Q1,complaints,0\n";
    insta::assert_snapshot!(score_csv(csv, &["--missing", "skip"]));
    let csv = "period,indicator,actual\n2026-Q1,complaints,1\n";
    insta::assert_snapshot!(score_csv(csv, &["--period", "month", "--missing", "skip"]));
}

#[test]
fn a_column_with_data_but_no_header() {
    insta::assert_snapshot!(score_csv(
        "indicator,,actual\ncomplaints,x,1\n",
        &["--missing", "skip"]
    ));
}

#[test]
fn invalid_utf8_after_the_first_64_kib_names_its_line() {
    let mut csv = b"subject,indicator,actual\n".to_vec();
    let mut n = 0;
    while csv.len() < 70 * 1024 {
        csv.extend_from_slice(format!("s{n},complaints,1\n").as_bytes());
        n += 1;
    }
    csv.extend_from_slice(b"bad\xff,complaints,1\n");
    let out = run(
        &[("data.csv", &csv)],
        &["score", "--format", "csv", "--missing", "skip", "data.csv"],
    );
    insta::assert_snapshot!(out);
}

#[test]
fn unreadable_inputs() {
    let dir = Dir::new();
    std::fs::create_dir(dir.join("folder")).unwrap();
    let output = dir
        .kpi()
        .args(["score", "missing.csv", "folder"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stderr));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["score", "--format", "xml", "x.csv"][..],
        &["score", "--period", "week", "x.csv"],
        &["score", "--missing", "maybe", "x.csv"],
        &["score", "--delimiter", "|", "x.csv"],
        &["score", "--fail-under", "abc", "x.csv"],
        &["frobnicate"],
    ] {
        let output = Dir::new().kpi().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn a_bad_header_still_has_every_row_checked() {
    let csv = "subject,complaints,zzz\na,bad,1\nb,2\n";
    insta::assert_snapshot!(score_csv(csv, &[]));
}

#[test]
fn a_bad_period_still_has_its_values_checked() {
    let csv = "period,complaints\n2026-13,xyz\n";
    insta::assert_snapshot!(score_csv(csv, &[]));
}

#[test]
fn a_stray_quote_inside_a_cell_does_not_move_the_column() {
    let csv = "subject,complaints\n5\",abc\n";
    insta::assert_snapshot!(score_csv(csv, &[]));
}

#[test]
fn a_blank_first_line_does_not_hide_the_delimiter() {
    let out = score_csv(
        "\nsubject\tcomplaints\ta\t1\n",
        &["--ignore-unknown", "--missing", "skip"],
    );
    assert!(out.starts_with("exit 1\n"), "{out}");
    let out = score_csv("\nsubject\tcomplaints\na\t0\n", &["--missing", "skip"]);
    assert!(
        out.contains("a,,complaints,客户投诉量,0,0,far_exceeds,100.00,100.00,100.00"),
        "{out}"
    );
}

#[test]
fn config_target_with_no_period_is_an_error() {
    insta::assert_snapshot!(score_config(&ONE.replace("target = 95", "target = {}")));
}

#[test]
fn a_card_of_a_kind_nothing_is_assessed_in() {
    let toml = ONE.replace("target = 95", "target = { quarter = 95 }");
    insta::assert_snapshot!(run(
        &[
            ("kpi.toml", toml.as_bytes()),
            ("data.csv", b"period,rate\n2026-01,5\n")
        ],
        &["score", "data.csv"]
    ));
}

#[test]
fn a_million_bad_columns_are_counted_not_listed() {
    // Beside an indicator, each unknown column is a problem: 200 listed, the rest
    // (and that the file has no data row) counted.
    let mut header = String::from("subject,complaints");
    for n in 0..300_000 {
        header.push_str(&format!(",bogus{n}"));
    }
    let csv = format!("{header}\n");
    let out = score_csv(&csv, &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() < 1000, "{} lines", lines.len());
    assert_eq!(
        lines.last(),
        Some(
            &"data.csv: 299801 more problems in this file are not listed; fix the ones above first"
        )
    );
    // Without one, the header is not a KPI file's: one problem.
    let csv = csv.replacen(",complaints", "", 1);
    assert_eq!(
        score_csv(&csv, &[]),
        "exit 1\n\
         data.csv:1:1: the header \"subject, bogus0, bogus1, …\" (300001 columns) names no indicator\n  \
         hint: a KPI file's header is long, `subject,period,indicator,actual` (考核对象,期间,指标,实际), \
         or wide, `subject,period` then one column per indicator name or id (`kpi targets` lists them); \
         the README's examples/monthly-zh.csv is one\n"
    );
}

#[test]
fn check_warns_of_fractions_and_strict_fails_on_warnings() {
    let files: &[(&str, &[u8])] = &[(
        "d.csv",
        "indicator,actual\n报修处理及时率,0.95\n".as_bytes(),
    )];
    insta::assert_snapshot!(run(files, &["check", "--missing", "skip", "d.csv"]));
    let strict = run(files, &["check", "--strict", "--missing", "skip", "d.csv"]);
    assert!(strict.starts_with("exit 1\n"), "{strict}");
    insta::assert_snapshot!(run(
        files,
        &["check", "--format", "json", "--missing", "skip", "d.csv"]
    ));
    // score prints the warning and scores all the same.
    let scored = run(files, &["score", "-f", "csv", "--missing", "skip", "d.csv"]);
    assert!(
        scored.starts_with("exit 0\n")
            && scored.contains(
                "warning: 0.95 for 报修处理及时率 (repair_timeliness) looks like a fraction"
            ),
        "{scored}"
    );
}

/// The warning covers every `%` indicator, small targets too: a plain value of at most
/// 1 whose hundredfold lies between worst and best (or within 50% of the target) is
/// counted, one warning per indicator and file; a value with `%`, a ratio, or one that
/// is plausible as written is not. `--strict` makes them errors in `score` too.
#[test]
fn fractions_of_1_are_counted_per_indicator_and_file() {
    let files: &[(&str, &[u8])] = &[(
        "d.csv",
        "subject,indicator,actual\n\
         a,服务费用率,0.0088\n\
         b,服务费用率,0.009\n\
         c,服务费用率,0.88\n\
         a,报修处理及时率,0.5\n\
         b,报修处理及时率,0.96%\n\
         c,报修处理及时率,96/100\n"
            .as_bytes(),
    )];
    assert_eq!(
        run(files, &["check", "--missing", "skip", "d.csv"]),
        "exit 0\n\
         d.csv:3:9: warning: 0.009 for 服务费用率 (service_cost_rate) looks like a fraction of 1 (0.9%), as does 1 more value of it in this file\n\
         \x20 hint: a % indicator's values are percentages: 0.009 means 0.009%; write 0.9 or 0.9% if that is what it is\n\
         0 errors, 1 warning in 1 file\n"
    );
    let strict = run(
        files,
        &[
            "score",
            "--strict",
            "-f",
            "csv",
            "--missing",
            "skip",
            "d.csv",
        ],
    );
    assert_eq!(
        strict,
        "exit 1\n\
         d.csv:3:9: 0.009 for 服务费用率 (service_cost_rate) looks like a fraction of 1 (0.9%), as does 1 more value of it in this file\n\
         \x20 hint: a % indicator's values are percentages: 0.009 means 0.009%; write 0.9 or 0.9% if that is what it is\n"
    );
    let dir = crate::util::Dir::new();
    dir.write("d.csv", files[0].1);
    dir.kpi()
        .args([
            "score",
            "--strict",
            "--missing",
            "skip",
            "-o",
            "out.csv",
            "d.csv",
        ])
        .assert()
        .code(1);
    assert!(!dir.join("out.csv").exists(), "--strict wrote a file");
}

#[test]
fn nul_bytes_a_huge_cell_and_embedded_newlines() {
    // A NUL in a value is not a number; in a subject it is text like any other.
    let out = score_csv(
        "subject,indicator,actual\na\0b,complaints,1\0\n",
        &["--missing", "skip"],
    );
    assert!(
        out.starts_with("exit 1\n") && out.contains("invalid value \"1\\0\" for complaints"),
        "{out}"
    );
    // A 10 MB cell: reported, shown as a short window, and quickly.
    let huge = "9".repeat(10 << 20);
    let out = score_csv(
        &format!("subject,indicator,actual\na,complaints,{huge}\n"),
        &[],
    );
    assert!(
        out.starts_with("exit 1\n") && out.contains("the number is too large"),
        "{}",
        &out[..200.min(out.len())]
    );
    assert!(
        out.len() < 4096,
        "the message repeats the cell: {} bytes",
        out.len()
    );
    // A quoted cell may hold a line break; the next row's line number stays right.
    let out = score_csv(
        "subject,indicator,actual\n\"two\nlines\",complaints,x\n",
        &[],
    );
    assert!(out.contains("data.csv:3:"), "{out}");
}

#[test]
fn deeply_nested_toml_is_an_error_not_a_crash() {
    let depth = 100_000;
    let toml = format!("x = {}{}", "[".repeat(depth), "]".repeat(depth));
    let out = score_config(&toml);
    assert!(
        out.starts_with("exit 1\n"),
        "{}",
        &out[..300.min(out.len())]
    );
    assert!(
        out.contains("kpi.toml:1:"),
        "{}",
        &out[..300.min(out.len())]
    );
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_directly() {
    let dir = Dir::new();
    dir.write("d.csv", "indicator,actual\n客户投诉量,0\n");
    let fifo = dir.join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let reader = std::thread::spawn({
        let fifo = fifo.clone();
        move || std::fs::read_to_string(fifo).expect("reading the fifo")
    });
    dir.kpi()
        .args([
            "score",
            "-f",
            "csv",
            "--missing",
            "skip",
            "-o",
            "pipe",
            "d.csv",
        ])
        .assert()
        .success();
    let written = reader.join().expect("the reader");
    assert!(written.contains(",total,Total,"), "{written}");
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(!meta.is_file(), "the fifo was replaced by a file");
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_read_is_named() {
    // Root reads any file, so a read error is provoked with a file that fails on read.
    for command in ["score", "check"] {
        let output = Dir::new()
            .kpi()
            .args([command, "/proc/self/mem"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{command}");
        let stderr = String::from_utf8_lossy(&output.stderr).to_string()
            + &String::from_utf8_lossy(&output.stdout);
        assert!(
            stderr.contains("/proc/self/mem: cannot read: "),
            "{command}: {stderr}"
        );
    }
}

#[test]
fn a_decimal_comma_gets_a_decimal_comma_hint() {
    let out = run(
        &[(
            "data.csv",
            "indicator,actual\n服务费用率,\"0,88%\"\n客户投诉量,\"1,5\"\n".as_bytes(),
        )],
        &["check", "--missing", "skip", "data.csv"],
    );
    assert_eq!(
        out,
        "exit 1\n\
         data.csv:2:7: invalid value \"0,88%\" for 服务费用率 (service_cost_rate): a decimal comma: write a decimal point instead (a comma only groups thousands, as in 1,234.5)\n\
         data.csv:3:7: invalid value \"1,5\" for 客户投诉量 (complaints): a decimal comma: write a decimal point instead (a comma only groups thousands, as in 1,234.5)\n\
         2 errors, 0 warnings in 1 file\n"
    );
}

#[test]
fn a_file_where_the_command_goes_suggests_kpi_score() {
    let out = run(&[("q3.csv", b"")], &["q3.csv"]);
    assert_eq!(
        out,
        "exit 2\n\
         error: unrecognized subcommand 'q3.csv'\n\
         \n  tip: to score a file, use 'kpi score q3.csv'\n\
         \nUsage: kpi <COMMAND>\n\
         \nFor more information, try '--help'.\n"
    );
    let out = run(&[], &["bogus"]);
    assert!(!out.contains("tip"), "{out}");
}

/// Messages name an indicator in the user's words: as the file names it, with its id
/// in parentheses; one the file does not name, by its name in the --lang language.
#[test]
fn indicators_are_named_in_the_users_words() {
    let dir = crate::util::Dir::new();
    dir.write(
        "d.csv",
        "indicator,actual\nCustomer complaints,x\n服务费用率,0.9\n",
    );
    for (lang, absent) in [
        ("zh", "保修期服务平均次数 (warranty_service_calls)"),
        (
            "en",
            "Service calls per unit in warranty (warranty_service_calls)",
        ),
    ] {
        let out = dir
            .kpi()
            .args(["score", "--lang", lang, "d.csv"])
            .output()
            .expect("running kpi");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(
                "d.csv:2:21: invalid value \"x\" for Customer complaints (complaints): not a number"
            ),
            "{said}"
        );
        assert!(
            said.contains(&format!("no values for {absent}, ")),
            "{lang}: {said}"
        );
    }
}
