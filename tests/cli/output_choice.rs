//! Where the output goes and what it is: the extension of `--output` choosing the
//! format, a folder that is not there named as the user wrote it, `--fail-under`'s
//! range and its list of cards, and a `$KPI_CONFIG` that leads nowhere. Every message
//! is pinned whole.

use crate::util::{Dir, tests_dir};

/// `examples/monthly-zh.csv`: one office's month, total 69.41.
fn month(dir: &Dir) -> &'static str {
    std::fs::copy(
        tests_dir().join("../examples/monthly-zh.csv"),
        dir.join("m.csv"),
    )
    .expect("the example");
    "m.csv"
}

/// Exit status, standard output and standard error of `kpi ARGS` in `dir`.
fn run(dir: &Dir, args: &[&str]) -> (i32, String, String) {
    let output = dir.kpi().args(args).output().expect("running kpi");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn stdout_of(dir: &Dir, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(dir, args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
}

// ---- the extension chooses the format ------------------------------------------------

/// The files in `dir` whose names start with `.kpi-`: temporary outputs left behind.
fn leftovers(dir: &Dir) -> Vec<String> {
    std::fs::read_dir(dir.path())
        .expect("listing the folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".kpi-"))
        .collect()
}

#[test]
fn the_extension_of_output_chooses_the_format_in_any_case() {
    let dir = Dir::new();
    let data = month(&dir);
    for (name, format) in [
        ("r.txt", "table"),
        ("R.TXT", "table"),
        ("r.csv", "csv"),
        ("r.Csv", "csv"),
        ("r.json", "json"),
        ("r.md", "markdown"),
        ("r.markdown", "markdown"),
        ("no-extension", "table"),
    ] {
        let printed = stdout_of(&dir, &["score", "-f", format, data]);
        let (code, stdout, stderr) = run(&dir, &["score", "-o", name, data]);
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (0, "", ""),
            "{name}"
        );
        assert_eq!(dir.read(name), printed, "{name}");
    }
    for name in ["t.csv", "t.json", "t.md", "t.txt"] {
        let format = match name {
            "t.md" => "markdown",
            "t.txt" => "table",
            other => &other[2..],
        };
        let printed = stdout_of(&dir, &["trend", "-f", format, data]);
        assert_eq!(stdout_of(&dir, &["trend", "-o", name, data]), "", "{name}");
        assert_eq!(dir.read(name), printed, "trend {name}");
    }
}

#[test]
fn html_and_xlsx_are_chosen_by_their_extensions_without_format() {
    let dir = Dir::new();
    let data = month(&dir);
    for (name, explicit) in [
        ("r.html", "html"),
        ("R.HTM", "html"),
        ("r.xlsx", "xlsx"),
        ("R.XLSX", "xlsx"),
    ] {
        let chosen = dir
            .kpi()
            .env("SOURCE_DATE_EPOCH", "1795000000")
            .args(["score", "-o", name, data])
            .output()
            .expect("running kpi");
        assert_eq!(chosen.status.code(), Some(0), "{name}");
        let bytes = std::fs::read(dir.join(name)).expect("the output");
        if explicit == "xlsx" {
            assert!(bytes.starts_with(b"PK\x03\x04"), "{name} is not a workbook");
        } else {
            dir.kpi()
                .env("SOURCE_DATE_EPOCH", "1795000000")
                .args(["score", "-f", "html", "-o", "explicit.html", data])
                .assert()
                .success();
            assert_eq!(bytes, std::fs::read(dir.join("explicit.html")).unwrap());
        }
    }
}

#[test]
fn an_extension_kpi_does_not_write_is_a_usage_error_naming_the_formats() {
    let dir = Dir::new();
    let data = month(&dir);
    assert_eq!(
        run(&dir, &["score", "-o", "r.xls", data]),
        (
            2,
            String::new(),
            "error: kpi does not write .xls files (--output r.xls)\n\
             \n  \
             tip: kpi writes .xlsx, .html or .htm, .json, .csv, .md or .markdown, and .txt \
             (a table); name the file with one of these, or choose the format with \
             --format table|csv|json|markdown|html|xlsx\n\
             \n\
             Usage: kpi score [OPTIONS] [FILE]...\n\
             \n\
             For more information, try '--help'.\n"
                .to_string()
        )
    );
    for ext in [
        "ods", "pdf", "docx", "tsv", "xlsm", "et", "XLS", "dat", "gz",
    ] {
        let name = format!("r.{ext}");
        for command in ["score", "trend"] {
            let (code, stdout, stderr) = run(&dir, &[command, "-o", &name, data]);
            assert_eq!(code, 2, "{command} {name}: {stderr}");
            assert_eq!(stdout, "");
            assert!(
                stderr.starts_with(&format!(
                    "error: kpi does not write .{ext} files (--output {name})\n"
                )),
                "{command} {name}: {stderr}"
            );
            assert!(
                stderr.contains(&format!("Usage: kpi {command} [OPTIONS] [FILE]...")),
                "{stderr}"
            );
            assert!(!dir.join(&name).exists(), "{name} was written");
        }
    }
    assert_eq!(leftovers(&dir), Vec::<String>::new());
    // In Chinese, the message is Chinese; the words around it are clap's.
    let output = dir
        .kpi()
        .env("LANG", "zh_CN.UTF-8")
        .args(["score", "-o", "r.ods", data])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with(
            "error: kpi 不写 .ods 文件（--output r.ods）\n\n  tip: kpi 写 .xlsx、.html 或 .htm、\
             .json、.csv、.md 或 .markdown、.txt（表格）；请用其中一个扩展名，或用 \
             --format table|csv|json|markdown|html|xlsx 指定格式\n"
        ),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_format_that_contradicts_the_extension_is_a_usage_error_saying_both() {
    let dir = Dir::new();
    let data = month(&dir);
    assert_eq!(
        run(&dir, &["score", "-f", "csv", "-o", "r.xlsx", data]),
        (
            2,
            String::new(),
            "error: --format csv contradicts --output r.xlsx, whose extension .xlsx means xlsx\n\
             \n  \
             tip: leave out --format to write xlsx, or name the file .csv for csv\n\
             \n\
             Usage: kpi score [OPTIONS] [FILE]...\n\
             \n\
             For more information, try '--help'.\n"
                .to_string()
        )
    );
    let (code, _, stderr) = run(&dir, &["trend", "--format", "json", "-o", "t.txt", data]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: --format json contradicts --output t.txt, whose extension .txt means table\n\
             \n  \
             tip: leave out --format to write a table, or name the file .json for json\n\
             \n\
             Usage: kpi trend [OPTIONS] [FILE]...\n"
        ),
        "{stderr}"
    );
    assert!(!dir.join("r.xlsx").exists() && !dir.join("t.txt").exists());
    // Agreeing, in any case, or an extension that is no format of kpi's: as asked.
    let printed = stdout_of(&dir, &["score", "-f", "csv", data]);
    assert_eq!(
        stdout_of(&dir, &["score", "-f", "csv", "-o", "R.CSV", data]),
        ""
    );
    assert_eq!(dir.read("R.CSV"), printed);
    assert_eq!(
        stdout_of(&dir, &["score", "-f", "csv", "-o", "scores.dat", data]),
        ""
    );
    assert_eq!(dir.read("scores.dat"), printed);
}

#[test]
fn trend_writes_html_and_xlsx_when_the_extension_names_them() {
    let dir = Dir::new();
    let data = month(&dir);
    for (name, format) in [("t.html", "html"), ("t.xlsx", "xlsx")] {
        let asked = format!("asked.{format}");
        let (code, stdout, stderr) = run(&dir, &["trend", "-f", format, "-o", &asked, data]);
        assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
        let (code, stdout, stderr) = run(&dir, &["trend", "-o", name, data]);
        assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
        let bytes = std::fs::read(dir.join(name)).expect("the trend report");
        match format {
            "html" => assert_eq!(bytes, std::fs::read(dir.join(&asked)).expect("the report")),
            _ => assert!(bytes.starts_with(b"PK"), "a zip"),
        }
    }
    // Without a file to write to, as for score.
    for format in ["html", "xlsx"] {
        let (code, stdout, stderr) = run(&dir, &["trend", "-f", format, data]);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stdout, "");
        assert_eq!(
            stderr,
            "kpi: error: --format html and xlsx write a file; give it with --output PATH\n"
        );
    }
}

// ---- a folder that is not there --------------------------------------------------------

#[test]
fn a_missing_output_folder_is_named_as_written() {
    let dir = Dir::new();
    let data = month(&dir);
    for (args, message) in [
        (
            vec!["score", "-o", "no/such/r.xlsx", data],
            "kpi: error: cannot write no/such/r.xlsx: the folder no/such does not exist\n",
        ),
        (
            vec!["score", "-f", "csv", "-o", "/nonexistent-kpi/r.csv", data],
            "kpi: error: cannot write /nonexistent-kpi/r.csv: the folder /nonexistent-kpi does \
             not exist\n",
        ),
        (
            vec!["trend", "-o", "no/such/t.csv", data],
            "kpi: error: cannot write no/such/t.csv: the folder no/such does not exist\n",
        ),
        (
            vec!["init", "sub/dir/my.toml"],
            "kpi: error: cannot write sub/dir/my.toml: the folder sub/dir does not exist\n",
        ),
        (
            vec!["score", "-o", "m.csv/r.csv", data],
            "kpi: error: cannot write m.csv/r.csv: m.csv is not a folder\n",
        ),
    ] {
        assert_eq!(
            run(&dir, &args),
            (1, String::new(), message.to_string()),
            "{args:?}"
        );
    }
    assert!(!dir.join("no").exists() && !dir.join("sub").exists());
}

#[test]
fn a_missing_output_folder_is_said_before_any_data_is_read() {
    // The data has a problem that reading would report; the folder is said first, alone.
    let dir = Dir::new();
    dir.write("bad.csv", "indicator,actual\n客户投诉量,lots\n");
    assert_eq!(
        run(&dir, &["score", "-o", "out/r.csv", "bad.csv"]),
        (
            1,
            String::new(),
            "kpi: error: cannot write out/r.csv: the folder out does not exist\n".to_string()
        )
    );
    assert_eq!(
        run(&dir, &["trend", "-o", "out/t.csv", "bad.csv"]),
        (
            1,
            String::new(),
            "kpi: error: cannot write out/t.csv: the folder out does not exist\n".to_string()
        )
    );
}

#[test]
fn an_output_that_is_a_folder_is_named() {
    let dir = Dir::new();
    let data = month(&dir);
    std::fs::create_dir(dir.join("reports")).unwrap();
    assert_eq!(
        run(&dir, &["score", "-o", "reports", data]),
        (
            1,
            String::new(),
            "kpi: error: cannot write reports: it is a folder; give a file name\n".to_string()
        )
    );
}

// ---- --fail-under ----------------------------------------------------------------------

#[test]
fn fail_under_outside_0_to_100_is_a_usage_error() {
    let dir = Dir::new();
    let data = month(&dir);
    for (n, why) in [
        ("150", "above 100"),
        ("100.01", "above 100"),
        ("-5", "below 0"),
        ("-0.01", "below 0"),
        ("abc", "not a number"),
        ("60%", "not a number"),
    ] {
        assert_eq!(
            run(&dir, &["score", "--fail-under", n, data]),
            (
                2,
                String::new(),
                format!(
                    "error: invalid value '{n}' for '--fail-under <N>': {why}; N is a total from \
                     0 to 100\n\nFor more information, try '--help'.\n"
                )
            ),
            "{n}"
        );
    }
    let (code, _, stderr) = run(&dir, &["score", "--fail-under", "0", data]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let (code, _, _) = run(&dir, &["score", "--fail-under", "100", data]);
    assert_eq!(code, 3);
}

#[test]
fn cards_below_fail_under_are_listed_on_stderr_and_the_output_is_unchanged() {
    let dir = Dir::new();
    let data = month(&dir);
    let printed = stdout_of(&dir, &["score", "-f", "csv", data]);
    assert_eq!(
        run(&dir, &["score", "-f", "csv", "--fail-under", "70", data]),
        (
            3,
            printed.clone(),
            "kpi: subject \"华东办事处\", period 2026-10: total 69.41 is below --fail-under 70\n"
                .to_string()
        )
    );
    assert_eq!(
        run(&dir, &["score", "-f", "csv", "--fail-under", "69.41", data]),
        (0, printed.clone(), String::new())
    );
    // The same list with --output, and the file as it would be without --fail-under.
    assert_eq!(
        run(
            &dir,
            &[
                "score",
                "-f",
                "csv",
                "-o",
                "r.csv",
                "--fail-under",
                "69.5",
                data
            ]
        ),
        (
            3,
            String::new(),
            "kpi: subject \"华东办事处\", period 2026-10: total 69.41 is below --fail-under 69.5\n"
                .to_string()
        )
    );
    assert_eq!(dir.read("r.csv"), printed);
    let output = dir
        .kpi()
        .args(["score", "--lang", "zh", "--fail-under", "70", data])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "kpi: 对象 \"华东办事处\"，期间 2026-10：总分 69.41 低于 --fail-under 70\n"
    );
}

#[test]
fn past_50_cards_below_fail_under_the_rest_are_counted() {
    let dir = Dir::new();
    // 60 offices, 6 of them with no complaint (100.00) and 54 with three (0.00).
    let mut csv = String::from("subject,complaints\n");
    for n in 0..60 {
        csv.push_str(&format!(
            "office {n:02},{}\n",
            if n % 10 == 0 { 0 } else { 3 }
        ));
    }
    dir.write("offices.csv", csv);
    let args = ["score", "-f", "csv", "--missing", "skip", "offices.csv"];
    let printed = stdout_of(&dir, &args);
    let (code, stdout, stderr) = run(&dir, &[&args[..], &["--fail-under", "60"]].concat());
    assert_eq!(code, 3);
    assert_eq!(stdout, printed);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 51, "{stderr}");
    assert_eq!(
        lines[0],
        "kpi: subject \"office 01\", month card: total 0.00 is below --fail-under 60"
    );
    assert_eq!(
        lines[49],
        "kpi: subject \"office 55\", month card: total 0.00 is below --fail-under 60"
    );
    assert_eq!(
        lines[50],
        "kpi: 4 more cards are below --fail-under 60, not listed"
    );
    assert!(!stderr.contains("office 10\""), "{stderr}");
}

// ---- where the scorecard definition came from -------------------------------------------

#[test]
fn a_config_path_that_leads_nowhere_says_who_named_it() {
    let dir = Dir::new();
    let data = month(&dir);
    let output = dir
        .kpi()
        .env("KPI_CONFIG", "nope.toml")
        .args(["score", data])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "nope.toml: no such file (named by $KPI_CONFIG)\n  \
         hint: fix $KPI_CONFIG, or unset it (unset KPI_CONFIG) to use ./kpi.toml or the \
         built-in scorecard\n"
    );
    for command in [&["check"][..], &["targets"], &["trend", data]] {
        let output = dir
            .kpi()
            .env("KPI_CONFIG", "nope.toml")
            .args(command)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        let all = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(
            all.contains("nope.toml: no such file (named by $KPI_CONFIG)\n  hint: fix"),
            "{command:?}: {all}"
        );
    }
    // --config wins over $KPI_CONFIG, and says so.
    let output = dir
        .kpi()
        .env("KPI_CONFIG", "nope.toml")
        .args(["score", "-c", "missing.toml", data])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "missing.toml: no such file (named by --config)\n"
    );
}

/// A folder that exists but takes no new files (Linux's /proc answers "no such file")
/// is not said to be missing.
#[cfg(target_os = "linux")]
#[test]
fn a_folder_that_takes_no_files_is_not_called_missing() {
    let dir = Dir::new();
    let data = month(&dir);
    assert_eq!(
        run(&dir, &["score", "-o", "/proc/r.csv", data]),
        (
            1,
            String::new(),
            "kpi: error: cannot write /proc/r.csv: the folder /proc does not take new files\n"
                .to_string()
        )
    );
}
