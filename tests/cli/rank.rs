//! `kpi rank`: league tables (ranks with ties, changes since the period before) and the
//! distribution of totals, checked by hand on small files; forced grades; `--top` and
//! `--bottom`; a golden file per format.

use crate::util::{Dir, tests_dir};

fn example(name: &str) -> String {
    std::fs::read_to_string(tests_dir().join("../examples").join(name)).expect("an example")
}

/// One indicator scored by ratio against a target of 100, so that each total is the
/// actual value itself: totals can be written straight into the data.
const AS_IS: &str = r#"
[[indicator]]
id = "result"
name = "结果"
better = "higher"
weight = 100
method = "ratio"
target = 100
"#;

fn run(dir: &Dir, args: &[&str]) -> (i32, String, String) {
    let output = dir
        .kpi()
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .args(args)
        .output()
        .expect("running kpi");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn stdout_of(dir: &Dir, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(dir, args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

/// Two months of five offices; in November two tie, one is new, one is unchanged.
fn two_months(dir: &Dir) {
    dir.write("kpi.toml", AS_IS).write(
        "d.csv",
        "subject,period,result\n\
         North office,2026-10,70\n\
         South office,2026-10,80\n\
         West office,2026-10,61.05\n\
         East office,2026-10,91.1\n\
         North office,2026-11,72.31\n\
         South office,2026-11,72.31\n\
         West office,2026-11,60\n\
         East office,2026-11,91.1\n\
         华东办事处,2026-11,55.2\n",
    );
}

/// Ten subjects of one month with the given totals, named s01, s02, ….
fn ten(dir: &Dir, totals: &[&str]) {
    let mut csv = String::from("subject,period,result\n");
    for (i, total) in totals.iter().enumerate() {
        csv.push_str(&format!("s{:02},2026-11,{total}\n", i + 1));
    }
    dir.write("kpi.toml", AS_IS).write("ten.csv", csv);
}

#[test]
fn ranks_ties_changes_and_the_distribution_checked_by_hand() {
    let dir = Dir::new();
    two_months(&dir);
    // October, totals 61.05 70 80 91.10 (n = 4):
    //   Q1 at position 3 × 0.25 = 0.75: 61.05 + 0.75 × 8.95 = 67.7625 → 67.76
    //   median at 1.5: 70 + 0.5 × 10 = 75; Q3 at 2.25: 80 + 0.25 × 11.10 = 82.775 → 82.78
    //   mean 302.15 / 4 = 75.5375 → 75.54 (half-up)
    // November, totals 55.20 60 72.31 72.31 91.10 (n = 5): Q1, median, Q3 at positions
    //   1, 2, 3: 60, 72.31, 72.31; mean 350.92 / 5 = 70.184 → 70.18. North and South
    //   tie at 72.31 and share rank 2 (North first by code point), West is 4th.
    //   Changes: North 72.31 − 70 = +2.31, South 72.31 − 80 = −7.69, West 60 − 61.05 =
    //   −1.05, East 0; 华东办事处 has no October.
    let expected = "\
2026-10 · Ranking
┌──────┬──────────────┬───────┬────────────────────┐
│ Rank ┆ Subject      ┆ Total ┆ Band               │
╞══════╪══════════════╪═══════╪════════════════════╡
│    1 ┆ East office  ┆ 91.10 ┆ far exceeds target │
│    2 ┆ South office ┆ 80.00 ┆ exceeds target     │
│    3 ┆ North office ┆ 70.00 ┆ exceeds target     │
│    4 ┆ West office  ┆ 61.05 ┆ meets target       │
└──────┴──────────────┴───────┴────────────────────┘

Distribution of 4 subjects
┌────────────────────┬───────┬────────┐
│ Band               ┆ Count ┆ Share  │
╞════════════════════╪═══════╪════════╡
│ far exceeds target ┆     1 ┆ 25.00% │
│ exceeds target     ┆     2 ┆ 50.00% │
│ meets target       ┆     1 ┆ 25.00% │
│ below target       ┆     0 ┆  0.00% │
└────────────────────┴───────┴────────┘
┌───────┬───────┬────────┬───────┬───────┬───────┐
│ Min   ┆ Q1    ┆ Median ┆ Q3    ┆ Max   ┆ Mean  │
╞═══════╪═══════╪════════╪═══════╪═══════╪═══════╡
│ 61.05 ┆ 67.76 ┆  75.00 ┆ 82.78 ┆ 91.10 ┆ 75.54 │
└───────┴───────┴────────┴───────┴───────┴───────┘

2026-11 · Ranking
┌──────┬──────────────┬───────┬────────────────────┬────────┐
│ Rank ┆ Subject      ┆ Total ┆ Band               ┆ Change │
╞══════╪══════════════╪═══════╪════════════════════╪════════╡
│    1 ┆ East office  ┆ 91.10 ┆ far exceeds target ┆ → 0.00 │
│    2 ┆ North office ┆ 72.31 ┆ exceeds target     ┆ ↑ 2.31 │
│    2 ┆ South office ┆ 72.31 ┆ exceeds target     ┆ ↓ 7.69 │
│    4 ┆ West office  ┆ 60.00 ┆ meets target       ┆ ↓ 1.05 │
│    5 ┆ 华东办事处   ┆ 55.20 ┆ below target       ┆      — │
└──────┴──────────────┴───────┴────────────────────┴────────┘

Distribution of 5 subjects
┌────────────────────┬───────┬────────┐
│ Band               ┆ Count ┆ Share  │
╞════════════════════╪═══════╪════════╡
│ far exceeds target ┆     1 ┆ 20.00% │
│ exceeds target     ┆     2 ┆ 40.00% │
│ meets target       ┆     1 ┆ 20.00% │
│ below target       ┆     1 ┆ 20.00% │
└────────────────────┴───────┴────────┘
┌───────┬───────┬────────┬───────┬───────┬───────┐
│ Min   ┆ Q1    ┆ Median ┆ Q3    ┆ Max   ┆ Mean  │
╞═══════╪═══════╪════════╪═══════╪═══════╪═══════╡
│ 55.20 ┆ 60.00 ┆  72.31 ┆ 72.31 ┆ 91.10 ┆ 70.18 │
└───────┴───────┴────────┴───────┴───────┴───────┘
";
    assert_eq!(
        stdout_of(&dir, &["rank", "--lang", "en", "d.csv"]),
        expected
    );
    // The same numbers in CSV: changes signed, empty where there is none.
    assert_eq!(
        stdout_of(&dir, &["rank", "-f", "csv", "d.csv"]),
        "period,period_kind,rank,subject,total,band,change,grade\n\
         2026-10,month,1,East office,91.10,far_exceeds,,\n\
         2026-10,month,2,South office,80.00,exceeds,,\n\
         2026-10,month,3,North office,70.00,exceeds,,\n\
         2026-10,month,4,West office,61.05,meets,,\n\
         2026-11,month,1,East office,91.10,far_exceeds,0.00,\n\
         2026-11,month,2,North office,72.31,exceeds,2.31,\n\
         2026-11,month,2,South office,72.31,exceeds,-7.69,\n\
         2026-11,month,4,West office,60.00,meets,-1.05,\n\
         2026-11,month,5,华东办事处,55.20,below,,\n"
    );
}

#[test]
fn forced_grades_keep_ties_at_a_boundary_together() {
    let dir = Dir::new();
    // A:20,B:70,C:10 of ten: A ends at rank 2, B at 9. The 2nd and 3rd tie: both A,
    // and B has five instead of six.
    ten(
        &dir,
        &["95", "88", "88", "80", "75", "70", "66", "64", "61", "40"],
    );
    let grades = |dir: &Dir| -> Vec<String> {
        stdout_of(
            dir,
            &["rank", "-f", "csv", "--grades", "A:20,B:70,C:10", "ten.csv"],
        )
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{} {} {}", cells[2], cells[3], cells[7])
        })
        .collect()
    };
    assert_eq!(
        grades(&dir),
        [
            "1 s01 A", "2 s02 A", "2 s03 A", "4 s04 B", "5 s05 B", "6 s06 B", "7 s07 B", "8 s08 B",
            "9 s09 B", "10 s10 C"
        ]
    );
    // The 9th and 10th tie across the B/C boundary: both B, and C is empty.
    ten(
        &dir,
        &["95", "90", "88", "80", "75", "70", "66", "64", "50", "50"],
    );
    let shown = grades(&dir);
    assert_eq!(&shown[8..], ["9 s09 B", "9 s10 B"]);
    let json = stdout_of(
        &dir,
        &[
            "rank",
            "-f",
            "json",
            "--grades",
            "A:20,B:70,C:10",
            "ten.csv",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let counts: Vec<u64> = doc["rankings"][0]["grades"]
        .as_array()
        .expect("grades")
        .iter()
        .map(|g| g["count"].as_u64().expect("a count"))
        .collect();
    assert_eq!(counts, [2, 8, 0]);
}

#[test]
fn grades_that_do_not_add_up_to_100_are_a_usage_error() {
    let dir = Dir::new();
    two_months(&dir);
    let (code, stdout, stderr) = run(&dir, &["rank", "--grades", "A:20,B:70,C:5", "d.csv"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.contains(
            "invalid value 'A:20,B:70,C:5' for '--grades <GRADES>': the shares add up to 95, \
             not 100"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = run(&dir, &["rank", "--grades", "A:50,A:50", "d.csv"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("grade \"A\" is given twice"), "{stderr}");
    let (code, _, _) = run(&dir, &["rank", "--top", "0", "d.csv"]);
    assert_eq!(code, 2);
}

#[test]
fn top_and_bottom_keep_ties_at_the_edge_and_the_distribution_stays_over_all() {
    let dir = Dir::new();
    two_months(&dir);
    let subjects = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["rank", "-f", "csv", "d.csv"];
        all.extend_from_slice(args);
        stdout_of(&dir, &all)
            .lines()
            .skip(1)
            .filter(|l| l.starts_with("2026-11"))
            .map(|l| l.split(',').nth(3).unwrap_or_default().to_string())
            .collect()
    };
    // North and South tie for 2nd: --top 2 shows both.
    assert_eq!(
        subjects(&["--top", "2"]),
        ["East office", "North office", "South office"]
    );
    assert_eq!(subjects(&["--bottom", "1"]), ["华东办事处"]);
    assert_eq!(
        subjects(&["--top", "1", "--bottom", "2"]),
        ["East office", "West office", "华东办事处"]
    );
    let json = stdout_of(&dir, &["rank", "-f", "json", "--top", "1", "d.csv"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let november = &doc["rankings"][1];
    assert_eq!(november["subjects"], 5);
    assert_eq!(november["shown"], 1);
    assert_eq!(november["distribution"]["count"], 5);
    assert_eq!(november["distribution"]["mean"].to_string(), "70.18");
    // The table says how many it shows.
    let table = stdout_of(&dir, &["rank", "--lang", "en", "--top", "1", "d.csv"]);
    assert!(table.contains("Shown: 1 of 5 subjects\n"), "{table}");
}

#[test]
fn html_and_xlsx_need_an_output_file() {
    let dir = Dir::new();
    two_months(&dir);
    for format in ["html", "xlsx"] {
        assert_eq!(
            run(&dir, &["rank", "-f", format, "d.csv"]),
            (
                2,
                String::new(),
                "kpi: error: --format html and xlsx write a file; give it with --output PATH\n"
                    .to_string()
            )
        );
    }
}

#[test]
fn the_workbook_holds_the_league_the_distribution_and_the_grades() {
    use calamine::{Data, Reader};
    let dir = Dir::new();
    two_months(&dir);
    let (code, stdout, stderr) = run(
        &dir,
        &[
            "rank",
            "--grades",
            "A:20,B:70,C:10",
            "-o",
            "r.xlsx",
            "d.csv",
        ],
    );
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    let mut workbook = calamine::open_workbook_auto(dir.join("r.xlsx")).expect("a workbook");
    assert_eq!(workbook.sheet_names(), ["Ranking", "Distribution", "Grade"]);
    let text = |cell: &Data| match cell {
        Data::Empty => String::new(),
        Data::Float(f) => format!("{f}"),
        other => other.to_string(),
    };
    let rows = |workbook: &mut calamine::Sheets<_>, name: &str| -> Vec<String> {
        let range = workbook.worksheet_range(name).expect("a sheet");
        range
            .rows()
            .map(|r| r.iter().map(text).collect::<Vec<_>>().join(","))
            .collect()
    };
    let ranking = rows(&mut workbook, "Ranking");
    assert_eq!(ranking[0], "Period,Rank,Subject,Total,Band,Change,Grade");
    assert_eq!(
        ranking[6],
        "2026-11,2,North office,72.31,exceeds target,2.31,B"
    );
    assert_eq!(
        ranking[7],
        "2026-11,2,South office,72.31,exceeds target,-7.69,B"
    );
    assert_eq!(ranking[9], "2026-11,5,华东办事处,55.2,below target,,B");
    let distribution = rows(&mut workbook, "Distribution");
    assert_eq!(
        distribution[1],
        "2026-10,4,1,25,2,50,1,25,0,0,61.05,67.76,75,82.78,91.1,75.54"
    );
    let grades = rows(&mut workbook, "Grade");
    assert_eq!(grades[4], "2026-11,A,20,1,20");
}

#[test]
fn invalid_data_is_reported_and_nothing_is_written() {
    let dir = Dir::new();
    two_months(&dir);
    dir.write(
        "bad.csv",
        "subject,period,result\nNorth office,2026-12,zz\n",
    );
    let (code, stdout, stderr) = run(&dir, &["rank", "-o", "r.csv", "d.csv", "bad.csv"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(
        stderr.contains("bad.csv:2:22: invalid value \"zz\""),
        "{stderr}"
    );
    assert!(!dir.join("r.csv").exists());
}

#[test]
fn quarters_of_months_are_ranked_when_rolled_up() {
    let dir = Dir::new();
    dir.write(
        "kpi.toml",
        AS_IS.replace(
            "method = \"ratio\"",
            "method = \"ratio\"\naggregate = \"mean\"",
        ),
    )
    .write(
        "m.csv",
        "subject,period,result\n\
             a,2026-01,60\na,2026-02,70\na,2026-03,80\n\
             b,2026-01,90\nb,2026-02,90\nb,2026-03,90\n",
    );
    assert_eq!(
        stdout_of(&dir, &["rank", "-f", "csv", "--period", "quarter", "m.csv"]),
        "period,period_kind,rank,subject,total,band,change,grade\n\
         2026-Q1,quarter,1,b,90.00,far_exceeds,,\n\
         2026-Q1,quarter,2,a,70.00,exceeds,,\n"
    );
}

// ---- golden files ----------------------------------------------------------------------

#[test]
fn golden_rank_formats() {
    let dir = Dir::new();
    dir.write("q.csv", example("offices-quarters.csv"));
    let grades = ["--grades", "A:20,B:70,C:10"];
    let with = |args: &[&str]| {
        let mut all = vec!["rank", "q.csv"];
        all.extend_from_slice(args);
        stdout_of(&dir, &all)
    };
    insta::assert_snapshot!(
        "rank_table_en",
        with(&["--lang", "en", grades[0], grades[1]])
    );
    insta::assert_snapshot!("rank_table_zh", with(&["--lang", "zh", "--top", "3"]));
    insta::assert_snapshot!(
        "rank_markdown",
        with(&["-f", "markdown", grades[0], grades[1]])
    );
    insta::assert_snapshot!("rank_csv", with(&["-f", "csv", grades[0], grades[1]]));
    insta::assert_snapshot!("rank_json", with(&["-f", "json", grades[0], grades[1]]));
    let (code, _, stderr) = run(
        &dir,
        &[
            "rank", "--lang", "zh", "-o", "r.html", grades[0], grades[1], "q.csv",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("rank_html", dir.read("r.html"));
}
