//! One engine, any row order: the same rows in print order, month by month, shuffled
//! or reversed, in one file or several, from standard input, with the default memory
//! budget or one so small that rows spill to disk in many runs, give the same bytes
//! in every command and format; and the same problems, wherever they are found.

use std::collections::BTreeSet;

use crate::util::{Dir, tests_dir};

/// A year of monthly data for several offices, sorted by subject then period, and
/// three times as many rows again for offices named otherwise (so that a 1K budget
/// makes more runs than are merged at once).
fn sorted() -> String {
    let year =
        std::fs::read_to_string(tests_dir().join("fixtures/year-long.csv")).expect("the fixture");
    let mut lines: Vec<String> = year.lines().map(str::to_string).collect();
    let header = lines.remove(0);
    let mut rows = lines.clone();
    for prefix in ["b-", "c-", "d-"] {
        rows.extend(lines.iter().map(|l| format!("{prefix}{l}")));
    }
    rows.sort_by(|a, b| {
        let key = |l: &str| {
            let cells: Vec<&str> = l.splitn(3, ',').collect();
            (cells[0].to_string(), cells[1].to_string())
        };
        key(a).cmp(&key(b))
    });
    format!("{header}\n{}\n", rows.join("\n"))
}

fn data_rows(csv: &str) -> (String, Vec<String>) {
    let mut lines = csv.lines().map(str::to_string);
    let header = lines.next().unwrap_or_default();
    (header, lines.collect())
}

fn join(header: &str, rows: &[String]) -> String {
    format!("{header}\n{}\n", rows.join("\n"))
}

/// The same rows, month by month (as monthly appends leave them).
fn by_period(csv: &str) -> String {
    let (header, mut rows) = data_rows(csv);
    rows.sort_by_key(|l| l.split(',').nth(1).unwrap_or("").to_string());
    join(&header, &rows)
}

/// The same rows in a scrambled but fixed order.
fn shuffled(csv: &str) -> String {
    let (header, rows) = data_rows(csv);
    let n = rows.len();
    let mut order: Vec<(u64, usize)> = (0..n)
        .map(|i| ((i as u64).wrapping_mul(2_654_435_761) % 1_000_003, i))
        .collect();
    order.sort();
    let rows: Vec<String> = order.into_iter().map(|(_, i)| rows[i].clone()).collect();
    join(&header, &rows)
}

fn reversed(csv: &str) -> String {
    let (header, mut rows) = data_rows(csv);
    rows.reverse();
    join(&header, &rows)
}

fn run(dir: &Dir, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = dir.kpi();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let output = cmd.output().expect("running kpi");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// Every command and format whose output is compared.
const RUNS: &[&[&str]] = &[
    &["score", "-f", "csv"],
    &["score", "-f", "csv", "--period", "quarter"],
    &["score", "-f", "csv", "--period", "year"],
    &["score", "-f", "csv", "--period", "all"],
    &["score", "-f", "json", "--period", "half"],
    &["score", "-f", "table", "--lang", "en"],
    &[
        "score", "-f", "markdown", "--lang", "zh", "--period", "quarter",
    ],
    &["trend", "-f", "csv"],
    &["trend", "-f", "json", "--period", "quarter"],
    &["trend", "-f", "table", "--lang", "en"],
    &["check"],
];

#[test]
fn every_order_and_budget_gives_the_same_bytes() {
    let dir = Dir::new();
    let sorted = sorted();
    dir.write("data.csv", &sorted);
    let expected: Vec<(i32, String, String)> = RUNS
        .iter()
        .map(|args| {
            let mut args = args.to_vec();
            args.push("data.csv");
            run(&dir, &args, None)
        })
        .collect();
    for (args, (code, stdout, stderr)) in RUNS.iter().zip(&expected) {
        assert_eq!(*code, 0, "{args:?}: {stderr}");
        assert!(!stdout.is_empty(), "{args:?}");
    }
    let orders = [
        ("sorted", sorted.clone()),
        ("by period", by_period(&sorted)),
        ("shuffled", shuffled(&sorted)),
        ("reversed", reversed(&sorted)),
    ];
    for (order, text) in &orders {
        dir.write("data.csv", text);
        // Explanations name each value's line, which moves with the rows: they are
        // compared across budgets, in each order.
        let explain = [
            "score",
            "-f",
            "json",
            "--explain",
            "--period",
            "year",
            "data.csv",
        ];
        let explained = run(&dir, &explain, None);
        assert_eq!(explained.0, 0, "{order}: {}", explained.2);
        for memory in ["1K", "8K"] {
            let got = run(&dir, &[&explain[..], &["--memory", memory]].concat(), None);
            assert!(
                got == explained,
                "{order}, --memory {memory}: --explain differs"
            );
        }
        for memory in ["1K", "8K", "32M"] {
            for (args, want) in RUNS.iter().zip(&expected) {
                let mut args = args.to_vec();
                args.extend(["--memory", memory, "data.csv"]);
                assert!(
                    run(&dir, &args, None) == *want,
                    "{order}, --memory {memory}: {args:?} differs from the sorted run"
                );
            }
        }
    }
}

#[test]
fn several_files_and_standard_input_give_the_same_bytes() {
    let dir = Dir::new();
    let sorted = sorted();
    let (header, rows) = data_rows(&shuffled(&sorted));
    let half = rows.len() / 2;
    dir.write("all.csv", &sorted)
        .write("one.csv", join(&header, &rows[..half]))
        .write("two.csv", join(&header, &rows[half..]));
    let expected = run(&dir, &["score", "-f", "csv", "all.csv"], None);
    assert_eq!(expected.0, 0, "{}", expected.2);
    for memory in ["1K", "32M"] {
        let split = run(
            &dir,
            &[
                "score", "-f", "csv", "--memory", memory, "two.csv", "one.csv",
            ],
            None,
        );
        assert_eq!(split, expected, "two files, --memory {memory}");
        let piped = run(
            &dir,
            &["score", "-f", "csv", "--memory", memory, "-"],
            Some(&reversed(&sorted)),
        );
        assert_eq!(piped, expected, "standard input, --memory {memory}");
    }
}

/// Wide rows: one row per subject and month, in any order.
#[test]
fn wide_rows_in_any_order_give_the_same_bytes() {
    let dir = Dir::new();
    let mut wide = String::from(
        "subject,period,服务费用率,保修期服务平均次数,报修处理及时率,零配件销售及时率,发货差错率,安装、调试、维修满意率,客户投诉量,投诉处理满意率,报表上交及时准确率\n",
    );
    let mut rows = Vec::new();
    for office in 0..40 {
        for month in 1..=12 {
            rows.push(format!(
                "o{office:02},2026-{month:02},0.9{},2.{},96,97,100,99.{},{},100,100",
                office % 10,
                month % 10,
                office % 7,
                month % 3
            ));
        }
    }
    let sorted = rows.join("\n") + "\n";
    wide.push_str(&sorted);
    dir.write("data.csv", &wide);
    let expected = run(
        &dir,
        &[
            "score",
            "-f",
            "csv",
            "--period",
            "half",
            "--missing",
            "zero",
            "data.csv",
        ],
        None,
    );
    assert_eq!(expected.0, 0, "{}", expected.2);
    let shuffled = shuffled(&wide);
    dir.write("data.csv", &shuffled);
    for memory in ["1K", "32M"] {
        let got = run(
            &dir,
            &[
                "score",
                "-f",
                "csv",
                "--period",
                "half",
                "--missing",
                "zero",
                "--memory",
                memory,
                "data.csv",
            ],
            None,
        );
        assert_eq!(got, expected, "--memory {memory}");
    }
}

/// The messages of a run, without their locations (which move with the rows).
fn messages(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .map(|line| {
            let message = match line.split_once(": ") {
                Some((place, message)) if place.contains(".csv") => message,
                _ => line,
            };
            // "also given at data.csv:22": the other place moves too.
            match message.split_once("data.csv:") {
                Some((before, _)) => before.to_string(),
                None => message.to_string(),
            }
        })
        .collect()
}

#[test]
fn problems_are_the_same_in_every_order() {
    let dir = Dir::new();
    let sorted = sorted();
    let (header, mut rows) = data_rows(&sorted);
    // An invalid value, a duplicate, and a card with a month missing for a roll-up.
    let k = rows
        .iter()
        .position(|r| r.contains(",0."))
        .expect("a value below 1");
    rows[k] = rows[k].replacen(",0.", ",zero point ", 1);
    let duplicate = rows[20].clone();
    rows.push(duplicate);
    rows.retain(|r| !r.starts_with("b-office-000001,2026-02"));
    let broken = join(&header, &rows);
    dir.write("data.csv", &broken);
    let args = ["score", "-f", "csv", "--period", "quarter", "-o", "out.csv"];
    let expected = run(&dir, &[&args[..], &["data.csv"]].concat(), None);
    assert_eq!(expected.0, 1);
    let want = messages(&expected.2);
    assert!(
        want.iter()
            .any(|m| m.contains("invalid value \"zero point")),
        "{want:?}"
    );
    assert!(
        want.iter().any(|m| m.contains("duplicate value")),
        "{want:?}"
    );
    assert!(
        want.iter().any(|m| m.contains("has no value for 2026-02")),
        "{want:?}"
    );
    for text in [by_period(&broken), shuffled(&broken), reversed(&broken)] {
        dir.write("data.csv", &text);
        for memory in ["1K", "32M"] {
            let got = run(
                &dir,
                &[&args[..], &["--memory", memory, "data.csv"]].concat(),
                None,
            );
            assert_eq!(got.0, 1);
            assert_eq!(messages(&got.2), want, "--memory {memory}");
        }
    }
    assert!(
        !dir.join("out.csv").exists(),
        "a failed run writes no output"
    );
}

/// Spill files have no name, so none is left in `$TMPDIR` after a run, whether it
/// succeeds or fails.
#[test]
fn spilling_leaves_nothing_in_the_temporary_folder() {
    let dir = Dir::new();
    let temp = Dir::new();
    let sorted = sorted();
    dir.write("good.csv", shuffled(&sorted)).write(
        "bad.csv",
        shuffled(&sorted).replacen(",0.", ",zero point ", 1),
    );
    for (file, code) in [("good.csv", 0), ("bad.csv", 1)] {
        let output = dir
            .kpi()
            .env("TMPDIR", temp.path())
            .args(["score", "-f", "csv", "--memory", "1K", file])
            .output()
            .expect("running kpi");
        assert_eq!(output.status.code(), Some(code), "{file}");
        let left: Vec<_> = std::fs::read_dir(temp.path()).unwrap().collect();
        assert!(left.is_empty(), "{file}: {left:?}");
    }
}

/// Ctrl-C while rows are being read (and spilled): nothing is left behind, neither the
/// spilled runs in $TMPDIR nor the temporary file of `--output` (made beside it before
/// anything is read) nor the output itself.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_nothing_behind() {
    use std::io::Write;
    let dir = Dir::new();
    let temp = Dir::new();
    let mut child = dir
        .kpi_process()
        .env("TMPDIR", temp.path())
        .args(["score", "-f", "csv", "--memory", "1K", "-o", "out.csv", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("running kpi");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(shuffled(&sorted()).as_bytes())
        .expect("writing rows");
    stdin.flush().expect("flushing");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let code = child.wait().expect("waiting for kpi").code();
    drop(stdin);
    assert_eq!(code, Some(130));
    let left: Vec<_> = std::fs::read_dir(temp.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    let here: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert!(here.is_empty(), "{here:?}");
}

/// A spill that cannot be written ($TMPDIR names a regular file, as a full or
/// missing disk would fail) is a clear error, and no output file is written.
#[test]
fn a_spill_that_fails_is_a_clear_error_and_writes_no_output() {
    let dir = Dir::new();
    dir.write("data.csv", shuffled(&sorted()))
        .write("not-a-folder", "x");
    let output = dir
        .kpi()
        .env("TMPDIR", dir.join("not-a-folder"))
        .args([
            "score", "-f", "csv", "--memory", "1K", "-o", "out.csv", "data.csv",
        ])
        .output()
        .expect("running kpi");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write rows to a temporary file in")
            && stderr.contains("not-a-folder"),
        "{stderr}"
    );
    assert!(!dir.join("out.csv").exists());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".kpi-")), "{names:?}");
}

/// Workbooks go through the same reader and the same sort: any budget, same bytes.
#[test]
fn workbooks_give_the_same_bytes_at_any_budget() {
    let dir = Dir::new();
    for book in ["考核数据.xlsx", "考核数据.ods", "考核数据.xls"] {
        let path = tests_dir().join("fixtures/workbooks").join(book);
        let path = path.to_string_lossy().to_string();
        let expected = run(&dir, &["score", "-f", "csv", &path], None);
        assert_eq!(expected.0, 0, "{book}: {}", expected.2);
        let tiny = run(&dir, &["score", "-f", "csv", "--memory", "1K", &path], None);
        assert_eq!(tiny, expected, "{book}");
    }
}

/// The fraction warning names the largest small value (the first of equals), so its
/// words are the same whatever the order of the rows.
#[test]
fn the_fraction_warning_reads_the_same_in_any_order() {
    let dir = Dir::new();
    let rows = [
        "a,2026-01,报修处理及时率,0.85",
        "b,2026-01,报修处理及时率,0.97",
        "c,2026-01,报修处理及时率,0.9",
    ];
    let file = |order: &[usize]| {
        let mut text = String::from("subject,period,indicator,actual\n");
        for &i in order {
            text.push_str(rows[i]);
            text.push('\n');
        }
        text
    };
    let mut seen = BTreeSet::new();
    for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2]] {
        dir.write("data.csv", file(&order));
        let (_, stdout, _) = run(&dir, &["check", "data.csv"], None);
        let warning: Vec<String> = messages(&stdout)
            .into_iter()
            .filter(|m| m.contains("looks like a fraction"))
            .collect();
        assert_eq!(warning.len(), 1, "{stdout}");
        assert!(
            warning[0].contains(
                ": 0.97 for 报修处理及时率 (repair_timeliness) looks like a fraction of 1 (97%), as do 2 more values of it in this file"
            ),
            "{stdout}"
        );
        seen.extend(warning);
    }
    assert_eq!(seen.len(), 1, "{seen:?}");
}

/// More cards than go to the writer at once (256 and more, so that some are written
/// before a bet is lost), sorted; and the same rows with the first card's moved to
/// the end: every other card complete and in order.
fn in_order_but_the_first_card() -> (String, String) {
    let (header, rows) = data_rows(&sorted());
    let mut rows: Vec<String> = ["", "x-", "y-"]
        .iter()
        .flat_map(|prefix| rows.iter().map(move |r| format!("{prefix}{r}")))
        .collect();
    let card_of = |l: &str| l.splitn(3, ',').take(2).collect::<Vec<_>>().join(",");
    rows.sort_by_key(|l| card_of(l));
    let sorted = join(&header, &rows);
    let card = card_of(&rows[0]) + ",";
    let (first, rest): (Vec<String>, Vec<String>) =
        rows.into_iter().partition(|r| r.starts_with(&card));
    (sorted, join(&header, &[rest, first].concat()))
}

/// Rows in print order make cards while they are read, on the bet that the rest come
/// in order too. One row out of order at the very end loses the bet after many runs
/// of cards were written: they are taken back, and what is written is what the
/// sorted rows give, byte for byte, on standard output and in `--output`, with the
/// notes of `--fail-under` said once.
#[test]
fn a_row_out_of_order_at_the_end_takes_back_what_was_written() {
    let dir = Dir::new();
    let (sorted, late) = in_order_but_the_first_card();
    let runs: [&[&str]; 4] = [
        &["score", "-f", "csv", "--fail-under", "80"],
        &["score", "-f", "json", "--period", "quarter"],
        &["trend", "-f", "csv"],
        &["rank", "-f", "csv"],
    ];
    for args in runs {
        dir.write("data.csv", &sorted);
        let want = run(&dir, &[args, &["data.csv"]].concat(), None);
        assert!(want.0 == 0 || want.0 == 3, "{args:?}: {}", want.2);
        assert!(!want.1.is_empty(), "{args:?}");
        let out = format!("out.{}", args[2]);
        let to_file = [args, &["-o", &out, "data.csv"]].concat();
        let made = run(&dir, &to_file, None);
        assert_eq!(made.0, want.0, "{args:?}: {}", made.2);
        let want_file = std::fs::read(dir.join(&out)).expect("the output file");
        dir.write("data.csv", &late);
        for memory in ["1K", "8K", "32M"] {
            let got = run(
                &dir,
                &[args, &["--memory", memory, "data.csv"]].concat(),
                None,
            );
            assert!(got == want, "{args:?} --memory {memory}: {got:?}");
            let got = run(&dir, &[&to_file[..], &["--memory", memory]].concat(), None);
            assert_eq!(got.0, want.0, "{args:?} --memory {memory}: {}", got.2);
            let got_file = std::fs::read(dir.join(&out)).expect("the output file");
            assert!(
                got_file == want_file,
                "{args:?} --memory {memory}: -o differs"
            );
        }
    }
}

/// A card that cannot be scored, late in rows that come in order, loses the bet too:
/// standard output holds the cards before it (SPEC §8), as it does for the same rows
/// in any other order, and the problems are the same.
#[test]
fn a_problem_late_in_ordered_rows_stops_the_output_where_it_is() {
    let dir = Dir::new();
    let sorted = sorted();
    let (header, mut rows) = data_rows(&sorted);
    let last = rows.last().expect("rows").clone();
    let subject = last.split(',').next().expect("a subject").to_string();
    let month = last.split(',').nth(1).expect("a period").to_string();
    let prefix = format!("{subject},{month},");
    let gone = rows
        .iter()
        .position(|r| r.starts_with(&prefix))
        .expect("a row");
    rows.remove(gone);
    let broken = join(&header, &rows);
    dir.write("data.csv", shuffled(&broken));
    let args = ["score", "-f", "csv"];
    let want = run(&dir, &[&args[..], &["data.csv"]].concat(), None);
    assert_eq!(want.0, 1, "{}", want.2);
    assert!(want.2.contains("no value for"), "{}", want.2);
    assert!(want.1.lines().count() > 100, "cards before the problem");
    dir.write("data.csv", &broken);
    for memory in ["1K", "32M"] {
        let got = run(
            &dir,
            &[&args[..], &["--memory", memory, "data.csv"]].concat(),
            None,
        );
        assert_eq!(got.0, 1, "--memory {memory}");
        assert!(
            got.1 == want.1,
            "--memory {memory}: standard output differs"
        );
        assert_eq!(messages(&got.2), messages(&want.2), "--memory {memory}");
    }
}

/// Output to `/dev/null` needs no spool to be taken back: it keeps nothing.
#[cfg(unix)]
#[test]
fn output_to_dev_null_is_written_and_kept_nowhere() {
    let dir = Dir::new();
    let sorted = sorted();
    let (header, mut rows) = data_rows(&sorted);
    let first = rows.remove(0);
    rows.push(first);
    dir.write("data.csv", join(&header, &rows));
    let to_null = dir
        .kpi()
        .args([
            "score",
            "-f",
            "csv",
            "--memory",
            "1K",
            "-o",
            "/dev/null",
            "data.csv",
        ])
        .output()
        .expect("running kpi");
    assert_eq!(to_null.status.code(), Some(0));
    let null = std::fs::File::create("/dev/null").expect("/dev/null");
    let status = dir
        .kpi_process()
        .args(["score", "-f", "csv", "--memory", "1K", "data.csv"])
        .stdout(null)
        .status()
        .expect("running kpi");
    assert_eq!(status.code(), Some(0));
}

/// Where no spool can be made for standard output (`$TMPDIR` names a regular file), no
/// bet is placed: a run that needs no spill still writes what it always did.
#[test]
fn without_a_spool_standard_output_is_written_as_before() {
    let dir = Dir::new();
    dir.write("data.csv", sorted()).write("not-a-folder", "x");
    let want = run(&dir, &["score", "-f", "csv", "data.csv"], None);
    assert_eq!(want.0, 0, "{}", want.2);
    let output = dir
        .kpi()
        .env("TMPDIR", dir.join("not-a-folder"))
        .args(["score", "-f", "csv", "data.csv"])
        .output()
        .expect("running kpi");
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout) == want.1);
}

/// Standard output that is a regular file is cut back to where it stood when the bet
/// is lost (or spooled, for `>>`): what was in the file before stays, and what
/// follows is what the sorted rows give. So does a file written after a line of its
/// own (`{ echo …; kpi …; } > file`).
#[cfg(unix)]
#[test]
fn standard_output_to_a_file_is_cut_back_to_where_it_stood() {
    let dir = Dir::new();
    let (sorted, late) = in_order_but_the_first_card();
    dir.write("data.csv", sorted);
    let want = run(&dir, &["score", "-f", "csv", "data.csv"], None);
    assert_eq!(want.0, 0, "{}", want.2);
    dir.write("data.csv", late);
    for (before, append) in [("", false), ("what was here\n", true), ("a line\n", false)] {
        dir.write("out.csv", before);
        let mut out = std::fs::OpenOptions::new()
            .append(append)
            .write(true)
            .open(dir.join("out.csv"))
            .expect("out.csv");
        if !append {
            // At the end of what is there, as a shell leaves it after `echo`.
            std::io::Seek::seek(&mut out, std::io::SeekFrom::End(0)).expect("seek");
        }
        let status = dir
            .kpi_process()
            .args(["score", "-f", "csv", "--memory", "1K", "data.csv"])
            .stdout(out)
            .status()
            .expect("running kpi");
        assert_eq!(status.code(), Some(0));
        let got = std::fs::read_to_string(dir.join("out.csv")).expect("out.csv");
        assert!(got == format!("{before}{}", want.1), "append {append}");
    }
}
