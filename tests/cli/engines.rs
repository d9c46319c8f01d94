//! The streaming, parallel and buffered paths of `kpi score` give the same output,
//! byte for byte, on sorted and shuffled input, in every format; and a stream that
//! meets a problem falls back to the buffered path's exact diagnostics.

use crate::util::{Dir, tests_dir};

const ENGINES: [&str; 3] = ["buffered", "stream", "parallel"];

fn year() -> String {
    std::fs::read_to_string(tests_dir().join("fixtures/year-long.csv")).expect("the fixture")
}

/// The same rows in a scrambled but fixed order (header first).
fn shuffled(csv: &str) -> String {
    let mut lines: Vec<&str> = csv.lines().collect();
    let header = lines.remove(0);
    let n = lines.len();
    let mut order: Vec<usize> = (0..n).map(|i| (i * 7919 + 13) % n).collect();
    order.dedup();
    let mut seen = vec![false; n];
    let mut out = vec![header.to_string()];
    for i in order.into_iter().chain(0..n) {
        if !std::mem::replace(&mut seen[i], true) {
            out.push(lines[i].to_string());
        }
    }
    out.join("\n") + "\n"
}

/// Wide layout of the long fixture: one row per subject and month.
fn wide(csv: &str) -> String {
    let mut out = String::new();
    let mut names: Vec<String> = Vec::new();
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.splitn(4, ',').collect();
        let key = format!("{},{}", cells[0], cells[1]);
        if !names.iter().any(|n| n == cells[2]) {
            names.push(cells[2].to_string());
        }
        match rows.last_mut() {
            Some((k, values)) if *k == key => values.push(cells[3].to_string()),
            _ => rows.push((key, vec![cells[3].to_string()])),
        }
    }
    out.push_str(&format!("subject,period,{}\n", names.join(",")));
    for (key, values) in rows {
        let quoted: Vec<String> = values
            .iter()
            .map(|v| {
                if v.contains(',') {
                    format!("\"{v}\"")
                } else {
                    v.clone()
                }
            })
            .collect();
        out.push_str(&format!("{key},{}\n", quoted.join(",")));
    }
    out
}

/// `kpi` with standard output redirected to `file`, as `> file` does.
fn redirected(dir: &Dir, args: &[&str], file: std::fs::File) -> std::process::ExitStatus {
    std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("KPI_CONFIG")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .stdout(file)
        .status()
        .expect("running kpi")
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

#[test]
fn every_engine_writes_the_same_bytes() {
    let dir = Dir::new();
    let long = year();
    dir.write("sorted.csv", &long)
        .write("shuffled.csv", shuffled(&long))
        .write("wide.csv", wide(&long));
    for file in ["sorted.csv", "shuffled.csv", "wide.csv"] {
        for format in ["csv", "json", "table", "markdown"] {
            for period in [None, Some("quarter"), Some("year")] {
                let mut args = vec!["score", "-f", format, "--lang", "en", file];
                if let Some(p) = period {
                    args.extend(["--period", p]);
                }
                let outputs: Vec<(i32, String, String)> = ENGINES
                    .iter()
                    .map(|engine| {
                        let mut with_engine = args.clone();
                        with_engine.extend(["--engine", engine]);
                        run(&dir, &with_engine, None)
                    })
                    .collect();
                assert_eq!(outputs[0].0, 0, "{args:?}: {}", outputs[0].2);
                for (engine, output) in ENGINES.iter().zip(&outputs).skip(1) {
                    assert!(
                        *output == outputs[0],
                        "{engine} differs from buffered for {args:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn sorted_and_shuffled_input_give_the_same_scorecards() {
    let dir = Dir::new();
    let long = year();
    dir.write("sorted.csv", &long)
        .write("shuffled.csv", shuffled(&long));
    let sorted = run(&dir, &["score", "-f", "csv", "sorted.csv"], None);
    let scrambled = run(&dir, &["score", "-f", "csv", "shuffled.csv"], None);
    assert_eq!(sorted.0, 0);
    assert_eq!(sorted, scrambled);
}

#[test]
fn standard_input_streams_and_falls_back_alike() {
    let dir = Dir::new();
    let long = year();
    dir.write("sorted.csv", &long);
    let from_file = run(&dir, &["score", "-f", "csv", "sorted.csv"], None);
    for engine in ENGINES {
        let sorted = run(
            &dir,
            &["score", "-f", "csv", "--engine", engine, "-"],
            Some(&long),
        );
        assert_eq!(sorted, from_file, "{engine}, sorted stdin");
        let scrambled = run(
            &dir,
            &["score", "-f", "csv", "--engine", engine, "-"],
            Some(&shuffled(&long)),
        );
        assert_eq!(scrambled, from_file, "{engine}, shuffled stdin");
    }
}

#[test]
fn a_stream_that_meets_a_problem_reports_it_like_the_buffered_path() {
    let dir = Dir::new();
    let mut broken = year();
    broken = broken.replacen(",0.", ",zero point ", 1);
    broken.push_str("office-000000,2026-01,客户投诉量,1\n");
    dir.write("broken.csv", &broken);
    dir.write("out.csv", "before\n");
    let outputs: Vec<(i32, String, String)> = ENGINES
        .iter()
        .map(|engine| {
            run(
                &dir,
                &[
                    "score",
                    "-f",
                    "csv",
                    "--engine",
                    engine,
                    "-o",
                    "out.csv",
                    "broken.csv",
                ],
                None,
            )
        })
        .collect();
    assert_eq!(outputs[0].0, 1);
    assert!(
        outputs[0].2.contains("invalid value \"zero point"),
        "{}",
        outputs[0].2
    );
    assert!(outputs[0].2.contains("duplicate value"), "{}", outputs[0].2);
    for output in &outputs[1..] {
        assert_eq!(output, &outputs[0]);
    }
    assert_eq!(
        dir.read("out.csv"),
        "before\n",
        "a failed run must not touch the output"
    );
    // Standard output redirected to a file is cut back to what it held.
    let file = std::fs::File::create(dir.join("redirected.csv")).unwrap();
    let status = redirected(
        &dir,
        &["score", "-f", "csv", "--engine", "stream", "broken.csv"],
        file,
    );
    assert_eq!(status.code(), Some(1));
    assert_eq!(dir.read("redirected.csv"), "");
}

#[test]
fn a_late_disorder_falls_back_without_leaving_partial_output() {
    let dir = Dir::new();
    let long = year();
    // Sorted until the last row, which belongs to the first card.
    let mut lines: Vec<&str> = long.lines().collect();
    let first_row = lines.remove(1);
    lines.push(first_row);
    let late = lines.join("\n") + "\n";
    dir.write("late.csv", &late).write("sorted.csv", &long);
    let expected = run(&dir, &["score", "-f", "csv", "sorted.csv"], None);
    for engine in ENGINES {
        assert_eq!(
            run(
                &dir,
                &["score", "-f", "csv", "--engine", engine, "late.csv"],
                None
            ),
            expected,
            "{engine}"
        );
        let file = std::fs::File::create(dir.join("redirected.csv")).unwrap();
        redirected(
            &dir,
            &["score", "-f", "csv", "--engine", engine, "late.csv"],
            file,
        );
        assert_eq!(
            dir.read("redirected.csv"),
            expected.1,
            "{engine}, redirected"
        );
    }
}

#[test]
fn appending_to_a_file_keeps_what_it_held_even_when_the_stream_falls_back() {
    let dir = Dir::new();
    let long = year();
    dir.write("shuffled.csv", shuffled(&long))
        .write("sorted.csv", &long);
    let expected = run(&dir, &["score", "-f", "csv", "sorted.csv"], None).1;
    std::fs::write(dir.join("log.csv"), "earlier runs\n").unwrap();
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("log.csv"))
        .unwrap();
    let status = redirected(&dir, &["score", "-f", "csv", "shuffled.csv"], file);
    assert!(status.success());
    assert_eq!(dir.read("log.csv"), format!("earlier runs\n{expected}"));
}
