//! Periods (SPEC §6): roll-up of months into quarters, halves and years, `--period
//! all`, `--partial`, `--explain` and `kpi trend`.

use crate::util::{Dir, tests_dir};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(tests_dir().join("fixtures").join(name)).expect("a fixture")
}

fn run(dir: &Dir, args: &[&str]) -> String {
    let output = dir.kpi().args(args).output().expect("running kpi");
    format!(
        "exit {}\n{}{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Totals rows of CSV output: `subject,period,…,total`.
fn totals(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.contains(",total,Total,"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{} {} {} {}", cells[0], cells[1], cells[6], cells[9])
        })
        .collect()
}

const ONE_COUNT: &str = r#"
[[indicator]]
id = "complaints"
name = "客户投诉量"
unit = "次"
better = "lower"
weight = 60
aggregate = "sum"
target = { month = 0, quarter = 0, half = 1, year = 2 }
best = 0
worst = { month = 3, quarter = 5, half = 8, year = 12 }

[[indicator]]
id = "on_time"
name = "及时率"
unit = "%"
better = "higher"
weight = 40
aggregate = "ratio"
target = 95
best = 100
worst = 80
"#;

fn months(rows: &[(&str, &str, &str)]) -> String {
    let mut csv = String::from("subject,period,indicator,actual\n");
    for (period, complaints, on_time) in rows {
        csv.push_str(&format!(
            "a,{period},complaints,{complaints}\na,{period},on_time,{on_time}\n"
        ));
    }
    csv
}

#[test]
fn the_classic_ratio_of_sums_not_an_average_of_rates() {
    let dir = Dir::new();
    dir.write("kpi.toml", ONE_COUNT).write(
        "d.csv",
        months(&[
            ("2026-01", "0", "2/4"),
            ("2026-02", "0", "2/100"),
            ("2026-03", "0", "96/96"),
        ]),
    );
    let out = run(&dir, &["score", "-f", "csv", "--period", "q", "d.csv"]);
    // (2 + 2 + 96) / (4 + 100 + 96) = 50%, where the mean of the rates is 67.17%.
    assert!(
        out.contains("a,2026-Q1,on_time,及时率,95,50,below,0.00,40.00,0.00"),
        "{out}"
    );
}

#[test]
fn complaints_are_summed_against_each_periods_target() {
    let dir = Dir::new();
    let rows: Vec<(String, &str, &str)> = (1..=12)
        .map(|m| {
            (
                format!("2026-{m:02}"),
                if m % 4 == 0 { "1" } else { "0" },
                "96",
            )
        })
        .collect();
    let rows: Vec<(&str, &str, &str)> = rows.iter().map(|(p, c, o)| (p.as_str(), *c, *o)).collect();
    dir.write("kpi.toml", ONE_COUNT)
        .write("d.csv", months(&rows));
    let out = run(&dir, &["score", "-f", "csv", "--period", "all", "d.csv"]);
    let complaints: Vec<&str> = out.lines().filter(|l| l.contains(",complaints,")).collect();
    // April, August and December have one complaint each.
    assert!(
        complaints.contains(&"a,2026-04,complaints,客户投诉量,0,1,below,40.00,60.00,24.00"),
        "{out}"
    );
    // Q1: none, target 0 → 100.
    assert!(
        complaints.contains(&"a,2026-Q1,complaints,客户投诉量,0,0,far_exceeds,100.00,60.00,60.00"),
        "{out}"
    );
    // Q2: one, target 0, worst 5 → 60 × 4/5 = 48.
    assert!(
        complaints.contains(&"a,2026-Q2,complaints,客户投诉量,0,1,below,48.00,60.00,28.80"),
        "{out}"
    );
    // H1: one, target 1 → 60; H2: two, worst 8 → 60 × 6/7 = 51.43.
    assert!(
        complaints.contains(&"a,2026-H1,complaints,客户投诉量,1,1,meets,60.00,60.00,36.00"),
        "{out}"
    );
    assert!(
        complaints.contains(&"a,2026-H2,complaints,客户投诉量,1,2,below,51.43,60.00,30.86"),
        "{out}"
    );
    // The year: three, target 2, worst 12 → 60 × 9/10 = 54.
    assert!(
        complaints.contains(&"a,2026,complaints,客户投诉量,2,3,below,54.00,60.00,32.40"),
        "{out}"
    );
    // 12 months, 4 quarters, 2 halves, 1 year.
    assert_eq!(totals(&out).len(), 19, "{out}");
}

#[test]
fn quarters_roll_up_into_a_year() {
    let dir = Dir::new();
    let mut csv = String::from("subject,period,indicator,actual\n");
    for (q, c, o) in [
        ("2026-Q1", "1", "90/100"),
        ("2026-Q2", "0", "95/100"),
        ("2026-Q3", "0", "100/100"),
        ("2026-Q4", "0", "95/100"),
    ] {
        csv.push_str(&format!("a,{q},complaints,{c}\na,{q},on_time,{o}\n"));
    }
    dir.write("kpi.toml", ONE_COUNT).write("d.csv", csv);
    let out = run(&dir, &["score", "-f", "csv", "--period", "year", "d.csv"]);
    assert!(
        out.contains("a,2026,complaints,客户投诉量,2,1,exceeds,80.00,60.00,48.00"),
        "{out}"
    );
    assert!(
        out.contains("a,2026,on_time,及时率,95,95,meets,60.00,40.00,24.00"),
        "{out}"
    );
    let out = run(&dir, &["score", "-f", "csv", "--period", "half", "d.csv"]);
    // H1: one complaint against 1 → 60; (90 + 95) / 200 = 92.5% → 60 × 12.5/15 = 50.
    // H2: none → 100; 195/200 = 97.5% → 60 + 40 × 2.5/5 = 80.
    assert_eq!(
        totals(&out),
        ["a 2026-H1 below 56.00", "a 2026-H2 far_exceeds 92.00"],
        "{out}"
    );
}

#[test]
fn a_missing_month_is_an_error_listing_it_unless_partial() {
    let dir = Dir::new();
    dir.write("kpi.toml", ONE_COUNT).write(
        "d.csv",
        months(&[("2026-01", "0", "96"), ("2026-03", "1", "97")]),
    );
    insta::assert_snapshot!(run(
        &dir,
        &["score", "-f", "csv", "--period", "quarter", "d.csv"]
    ));
    insta::assert_snapshot!(
        "partial_json",
        run(
            &dir,
            &[
                "score",
                "-f",
                "json",
                "--period",
                "quarter",
                "--partial",
                "d.csv"
            ]
        )
    );
    insta::assert_snapshot!(
        "partial_table",
        run(
            &dir,
            &[
                "score",
                "--lang",
                "en",
                "--period",
                "quarter",
                "--partial",
                "d.csv"
            ]
        )
    );
    // --period all leaves out the incomplete quarter, half and year.
    let out = run(&dir, &["score", "-f", "csv", "--period", "all", "d.csv"]);
    // January: 100 × 0.6 + 68 × 0.4; March: 40 × 0.6 + 76 × 0.4.
    assert_eq!(
        totals(&out),
        ["a 2026-01 exceeds 87.20", "a 2026-03 below 54.40"],
        "{out}"
    );
}

#[test]
fn mixed_ratio_forms_and_direct_totals_are_errors() {
    let dir = Dir::new();
    let mixed = months(&[
        ("2026-01", "0", "96"),
        ("2026-02", "0", "9/10"),
        ("2026-03", "0", "97"),
    ]);
    dir.write("kpi.toml", ONE_COUNT).write("d.csv", &mixed);
    insta::assert_snapshot!(
        "mixed_ratio",
        run(
            &dir,
            &["score", "-f", "csv", "--period", "quarter", "d.csv"]
        )
    );
    dir.write(
        "d.csv",
        mixed + "a,2026-Q1,complaints,0\na,2026-Q1,on_time,96\n",
    );
    insta::assert_snapshot!(
        "direct_total",
        run(
            &dir,
            &["score", "-f", "csv", "--period", "quarter", "d.csv"]
        )
    );
}

#[test]
fn period_all_needs_period_labels() {
    let dir = Dir::new();
    dir.write("d.csv", "indicator,actual\n客户投诉量,0\n");
    insta::assert_snapshot!(run(
        &dir,
        &["score", "--period", "all", "--missing", "skip", "d.csv"]
    ));
}

#[test]
fn period_all_on_a_year_of_offices() {
    let dir = Dir::new();
    dir.write("y.csv", fixture("year-long.csv"));
    let out = run(&dir, &["score", "-f", "csv", "--period", "all", "y.csv"]);
    assert!(out.starts_with("exit 0\n"), "{out}");
    insta::assert_snapshot!(totals(&out).join("\n"));
}

#[test]
fn explain_shows_the_arithmetic() {
    let dir = Dir::new();
    let case = tests_dir().join("conformance/10-rollup-quarter");
    let config = case.join("kpi.toml");
    let data = case.join("actuals.csv");
    std::fs::copy(&config, dir.join("kpi.toml")).unwrap();
    std::fs::copy(&data, dir.join("d.csv")).unwrap();
    insta::assert_snapshot!(
        "explain_table",
        run(
            &dir,
            &[
                "score",
                "--explain",
                "--lang",
                "en",
                "--period",
                "quarter",
                "d.csv"
            ]
        )
    );
    insta::assert_snapshot!(
        "explain_json",
        run(
            &dir,
            &[
                "score",
                "--explain",
                "-f",
                "json",
                "--period",
                "quarter",
                "d.csv"
            ]
        )
    );
    let month = Dir::new();
    std::fs::copy(
        tests_dir().join("../examples/monthly-zh.csv"),
        month.join("m.csv"),
    )
    .unwrap();
    insta::assert_snapshot!(
        "explain_month",
        run(&month, &["score", "--explain", "--lang", "zh", "m.csv"])
    );
}

#[test]
fn trend_in_every_format() {
    let dir = Dir::new();
    dir.write("y.csv", fixture("year-long.csv"));
    insta::assert_snapshot!(
        "trend_table_en",
        run(&dir, &["trend", "--lang", "en", "y.csv"])
    );
    insta::assert_snapshot!(
        "trend_quarters_zh",
        run(
            &dir,
            &["trend", "--lang", "zh", "--period", "quarter", "y.csv"]
        )
    );
    insta::assert_snapshot!(
        "trend_markdown",
        run(
            &dir,
            &[
                "trend", "-f", "markdown", "--lang", "en", "--period", "half", "y.csv"
            ]
        )
    );
    insta::assert_snapshot!(
        "trend_json",
        run(
            &dir,
            &["trend", "-f", "json", "--period", "quarter", "y.csv"]
        )
    );
    let csv = run(
        &dir,
        &["trend", "-f", "csv", "--period", "quarter", "y.csv"],
    );
    assert!(
        csv.starts_with(
            "exit 0\nsubject,period,period_kind,indicator_id,indicator,score,band,change\n"
        ),
        "{csv}"
    );
    insta::assert_snapshot!("trend_csv", csv);
}
