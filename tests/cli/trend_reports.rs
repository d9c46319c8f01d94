//! `kpi trend --format html` and `--format xlsx`: many subjects at a glance.

use std::collections::BTreeMap;
use std::io::Read;
use std::str::FromStr;

use calamine::{Data, Reader};
use rust_decimal::Decimal;

use crate::util::{Dir, tests_dir};

fn year(dir: &Dir) -> &'static str {
    std::fs::copy(
        tests_dir().join("fixtures/year-long.csv"),
        dir.join("y.csv"),
    )
    .expect("the fixture");
    "y.csv"
}

fn written(dir: &Dir, args: &[&str]) {
    let output = dir
        .kpi()
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .args(args)
        .output()
        .expect("running kpi");
    assert!(
        output.status.success() && output.stdout.is_empty() && output.stderr.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The text between `open` and the next `close`, each time it occurs.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    text.split(open)
        .skip(1)
        .filter_map(|rest| rest.split(close).next())
        .collect()
}

#[test]
fn trend_html_is_a_page_per_subject_with_a_line_over_the_band_zones() {
    let dir = Dir::new();
    let data = year(&dir);
    written(
        &dir,
        &[
            "trend", "-f", "html", "--lang", "zh", "--period", "quarter", "-o", "t.html", data,
        ],
    );
    let html = dir.read("t.html");
    let pages: Vec<&str> = html.split("<section class=\"page\">").skip(1).collect();
    assert_eq!(pages.len(), 3, "one page per subject");
    for (page, subject) in pages
        .iter()
        .zip(["office-000000", "office-000001", "office-000002"])
    {
        assert!(page.contains(&format!("<h2>{subject} · 2026-Q1 – 2026-Q4</h2>")));
        let lines = between(page, "<polyline class=\"total\" points=\"", "\"");
        assert_eq!(lines.len(), 1, "one line");
        assert_eq!(lines[0].split(' ').count(), 4, "a point per period");
        assert_eq!(page.matches("<circle class=\"point\"").count(), 4);
        for zone in ["below", "meets", "exceeds", "far"] {
            assert_eq!(
                page.matches(&format!("<rect class=\"zone {zone}\""))
                    .count(),
                1,
                "the {zone} zone"
            );
        }
        // The heat map: a row per indicator (11), the total and the change, each with a
        // cell per period.
        let table = between(page, "<table class=\"heat\">", "</table>");
        assert_eq!(table.len(), 1);
        assert_eq!(table[0].matches("<tr").count(), 1 + 11 + 2);
        assert_eq!(table[0].matches("<td class=\"num").count(), 13 * 4);
        assert!(table[0].contains("<td class=\"num far\">100.00</td>"));
    }
    // The default band points: zones at 60, 70 and 90 on a 200-unit high axis from y=12.
    assert!(
        pages[0].contains(
            "<rect class=\"zone below\" x=\"34\" y=\"92\" width=\"600\" height=\"120\"/>"
        )
    );
    assert!(
        pages[0]
            .contains("<rect class=\"zone far\" x=\"34\" y=\"12\" width=\"600\" height=\"20\"/>")
    );
    assert!(!html.contains("<script"), "no script");
    assert!(
        !html.contains(" src=") && !html.contains(" href=") && !html.contains("url("),
        "nothing fetched"
    );
    assert!(html.contains("break-after: page"), "printable a page each");
    assert!(html.contains("Noto Sans CJK SC") && html.contains("Microsoft YaHei"));
    assert!(html.contains("生成日期 2026-11-18"), "the date");
    assert!(
        html.contains("各期总分；底色为绩效分档"),
        "words in Chinese"
    );
    insta::assert_snapshot!("trend_html_zh", html);

    written(
        &dir,
        &[
            "trend", "-f", "html", "--lang", "en", "--period", "half", "-o", "t.html", data,
        ],
    );
    insta::assert_snapshot!("trend_html_en", dir.read("t.html"));
}

#[test]
fn trend_html_zones_follow_the_band_points_of_the_scorecard() {
    let dir = Dir::new();
    let data = year(&dir);
    dir.kpi().args(["init", "kpi.toml"]).assert().success();
    let toml = dir.read("kpi.toml");
    let bands = "[bands]\nmeets = 60\nexceeds = 70\nfar_exceeds = 90\n";
    assert!(toml.contains(bands), "{toml}");
    let changed = toml.replace(
        bands,
        "[bands]\nmeets = 50\nexceeds = 75\nfar_exceeds = 95\n",
    );
    dir.write("kpi.toml", changed);
    written(
        &dir,
        &["trend", "-f", "html", "--lang", "en", "-o", "t.html", data],
    );
    let html = dir.read("t.html");
    // 50 → y 112 (100 high), 75 → 62 (25), 95 → 22 (40), 100 → 12 (10).
    for zone in [
        "<rect class=\"zone below\" x=\"34\" y=\"112\" width=\"600\" height=\"100\"/>",
        "<rect class=\"zone meets\" x=\"34\" y=\"62\" width=\"600\" height=\"50\"/>",
        "<rect class=\"zone exceeds\" x=\"34\" y=\"22\" width=\"600\" height=\"40\"/>",
        "<rect class=\"zone far\" x=\"34\" y=\"12\" width=\"600\" height=\"10\"/>",
    ] {
        assert!(html.contains(zone), "{zone}");
    }
    assert!(html.contains("exceeds target from 75"));
    // Twelve months: a point each, and a smaller heat map.
    let line = between(&html, "<polyline class=\"total\" points=\"", "\"");
    assert_eq!(line[0].split(' ').count(), 12);
    assert!(html.contains("<table class=\"heat many\">"));
}

/// A cell as text: numbers by their shortest decimal form.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// `(subject, period, indicator id)` → (score, change) of `kpi trend -f csv`; the
/// total's change is the row `change`'s value.
fn csv_values(csv: &str) -> BTreeMap<(String, String, String), String> {
    let mut values = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let key = |id: &str| (cells[0].to_string(), cells[1].to_string(), id.to_string());
        values.insert(key(cells[3]), cells[5].to_string());
        if cells[3] == "total" {
            values.insert(key("change"), cells[7].to_string());
        }
    }
    values
}

/// The same, read from the trend sheet: each block's header names the periods.
fn sheet_values(
    rows: &[Vec<String>],
    subject_header: &str,
) -> BTreeMap<(String, String, String), String> {
    let mut values = BTreeMap::new();
    let mut periods: Vec<String> = Vec::new();
    for row in rows {
        match row.first().map(String::as_str) {
            None | Some("") => periods.clear(),
            Some(first) if first == subject_header => periods = row[3..].to_vec(),
            Some(subject) => {
                let cells = row.get(3..).unwrap_or_default();
                for (p, period) in periods.iter().enumerate() {
                    // Cells past the row's end are empty.
                    let value = cells.get(p).cloned().unwrap_or_default();
                    let id = row.get(1).cloned().unwrap_or_default();
                    values.insert((subject.to_string(), period.clone(), id), value);
                }
            }
        }
    }
    values
}

fn same_number(got: &str, want: &str) -> bool {
    match (Decimal::from_str(got), Decimal::from_str(want)) {
        (Ok(g), Ok(w)) => g == w,
        _ => got == want,
    }
}

#[test]
fn trend_xlsx_holds_the_values_of_the_csv_with_headers_in_each_language() {
    let dir = Dir::new();
    let data = year(&dir);
    let csv = dir
        .kpi()
        .args(["trend", "-f", "csv", "--period", "quarter", data])
        .output()
        .expect("running kpi");
    let want = csv_values(&String::from_utf8_lossy(&csv.stdout));
    assert_eq!(want.len(), 3 * 4 * 13);
    for (lang, sheet, charts, header, total, change) in [
        (
            "en",
            "Trend",
            "Charts",
            ["Subject", "Indicator ID", "Indicator"],
            "Total",
            "Change",
        ),
        (
            "zh",
            "趋势",
            "图表",
            ["考核对象", "指标编号", "指标"],
            "总分",
            "变化",
        ),
    ] {
        let name = format!("t-{lang}.xlsx");
        written(
            &dir,
            &[
                "trend", "-f", "xlsx", "--lang", lang, "--period", "quarter", "-o", &name, data,
            ],
        );
        let mut workbook = calamine::open_workbook_auto(dir.join(&name)).expect("a workbook");
        assert_eq!(workbook.sheet_names(), [sheet, charts]);
        let range = workbook.worksheet_range(sheet).expect("the trend sheet");
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        assert_eq!(
            rows[0],
            [
                header[0], header[1], header[2], "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"
            ],
            "{lang}"
        );
        assert!(
            rows[12][1..3] == ["total".to_string(), total.to_string()],
            "{:?}",
            rows[12]
        );
        assert!(
            rows[13][1..3] == ["change".to_string(), change.to_string()],
            "{:?}",
            rows[13]
        );
        let got = sheet_values(&rows, header[0]);
        assert_eq!(got.len(), want.len(), "{lang}");
        for (key, value) in &want {
            let cell = got.get(key).map(String::as_str).unwrap_or("absent");
            assert!(
                same_number(cell, value),
                "{lang} {key:?}: {cell} vs {value}"
            );
        }
        // A chart per subject, a native line chart with the totals cached for viewers
        // that do not calculate.
        let mut zip = zip::ZipArchive::new(std::fs::File::open(dir.join(&name)).expect("the file"))
            .expect("a zip");
        let mut names: Vec<String> = zip
            .file_names()
            .filter_map(Result::ok)
            .map(|n| n.into_owned())
            .collect();
        names.retain(|n| n.starts_with("xl/charts/chart"));
        names.sort();
        assert_eq!(
            names,
            [
                "xl/charts/chart1.xml",
                "xl/charts/chart2.xml",
                "xl/charts/chart3.xml"
            ]
        );
        let mut chart = String::new();
        zip.by_name("xl/charts/chart1.xml")
            .expect("the first chart")
            .read_to_string(&mut chart)
            .expect("its xml");
        assert!(chart.contains("<c:lineChart>"), "{chart}");
        let first = &want[&("office-000000".into(), "2026-Q1".into(), "total".into())];
        assert!(
            chart.contains(&format!(
                "<c:v>{}</c:v>",
                first.trim_end_matches('0').trim_end_matches('.')
            )),
            "the totals are cached: {chart}"
        );
        assert_eq!(
            chart.matches("<c:ser>").count(),
            4,
            "the totals and three band lines"
        );
    }
}

/// Charts are held until the workbook is saved: past a thousand subjects the chart
/// sheet says how many it leaves out; the trend sheet has every subject.
#[test]
fn trend_xlsx_charts_the_first_thousand_subjects_and_says_so() {
    let dir = Dir::new();
    let mut csv = String::from(
        "subject,服务费用率,保修期服务平均次数,报修处理及时率,零配件销售及时率,发货差错率,安装、调试、维修满意率,客户投诉量,投诉处理满意率,报表上交及时准确率\n",
    );
    for n in 0..1_002 {
        csv.push_str(&format!("o{n:04},0.9,2.5,96,97,100,99.5,0,100,100\n"));
    }
    dir.write("many.csv", csv);
    written(
        &dir,
        &["trend", "--lang", "en", "-o", "many.xlsx", "many.csv"],
    );
    let zip = zip::ZipArchive::new(std::fs::File::open(dir.join("many.xlsx")).expect("the file"))
        .expect("a zip");
    let charts = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("xl/charts/chart"))
        .count();
    assert_eq!(charts, 1_000);
    let mut workbook = calamine::open_workbook_auto(dir.join("many.xlsx")).expect("a workbook");
    let sheet = workbook.worksheet_range("Charts").expect("the chart sheet");
    assert_eq!(
        sheet.get((0, 0)),
        Some(&Data::String(
            "Total per period, a chart per subject; the dashed lines are the band points \
             (the first 1000; 2 more are on the Trend sheet only)"
                .into()
        ))
    );
    let trend = workbook.worksheet_range("Trend").expect("the trend sheet");
    let subjects = trend
        .rows()
        .filter(|r| matches!(r.get(1), Some(Data::String(id)) if id == "total"))
        .count();
    assert_eq!(subjects, 1_002);
}

/// LibreOffice opens the trend workbook and, converting its first sheet to CSV, shows
/// the numbers of `kpi trend -f csv`. `.ci/run` installs LibreOffice and runs it with
/// `--include-ignored`.
#[test]
#[ignore = "needs LibreOffice (soffice)"]
fn libreoffice_opens_the_trend_workbook_with_the_same_numbers() {
    let _one_at_a_time = crate::util::libreoffice();
    let dir = Dir::new();
    let data = year(&dir);
    let csv = dir
        .kpi()
        .args(["trend", "-f", "csv", "--period", "quarter", data])
        .output()
        .expect("running kpi");
    let want = csv_values(&String::from_utf8_lossy(&csv.stdout));
    written(
        &dir,
        &[
            "trend", "--lang", "zh", "--period", "quarter", "-o", "t.xlsx", data,
        ],
    );
    let converted = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        // Comma, double quote, UTF-8: the first sheet, cells as shown.
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(dir.join("t.xlsx"))
        .output()
        .expect("running LibreOffice");
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    let shown = dir.read("t.csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(shown.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            r.expect("a CSV row")
                .iter()
                // As shown: a change carries its sign, `+` or the minus sign.
                .map(|c| c.trim_start_matches('+').replace('−', "-"))
                .collect()
        })
        .collect();
    assert_eq!(
        rows[0][..4],
        ["考核对象", "指标编号", "指标", "2026-Q1"],
        "{shown}"
    );
    let got = sheet_values(&rows, "考核对象");
    assert_eq!(got.len(), want.len(), "{shown}");
    for (key, value) in &want {
        let cell = got.get(key).map(String::as_str).unwrap_or("absent");
        assert!(
            same_number(cell, value),
            "{key:?}: {cell} vs {value}\n{shown}"
        );
    }
}

/// More trend blocks than a sheet has rows (1,048,576): the blocks continue on a second
/// trend sheet, each whole and with its header; the chart sheet stays after them.
#[test]
fn trend_xlsx_past_a_million_rows_continues_on_another_sheet() {
    let dir = Dir::new();
    let subjects = 70_000; // 15 rows a block (header, 11 indicators, total, change, gap)
    let mut csv = String::from(
        "subject,服务费用率,保修期服务平均次数,报修处理及时率,零配件销售及时率,发货差错率,安装、调试、维修满意率,客户投诉量,投诉处理满意率,报表上交及时准确率\n",
    );
    for n in 0..subjects {
        csv.push_str(&format!("o{n:06},0.9,2.5,96,97,100,99.5,0,100,100\n"));
    }
    dir.write("many.csv", csv);
    written(
        &dir,
        &["trend", "--lang", "en", "-o", "many.xlsx", "many.csv"],
    );
    let mut workbook = calamine::open_workbook_auto(dir.join("many.xlsx")).expect("a workbook");
    assert_eq!(workbook.sheet_names(), ["Trend", "Charts", "Trend 2"]);
    let first_sheet = 1_048_576 / 15;
    let second = workbook
        .worksheet_range("Trend 2")
        .expect("the second sheet");
    assert_eq!(
        second.get((0, 0)),
        Some(&Data::String("Subject".into())),
        "a header"
    );
    assert_eq!(
        second.get((1, 0)),
        Some(&Data::String(format!("o{first_sheet:06}")))
    );
    let blocks = second
        .rows()
        .filter(|r| matches!(r.get(1), Some(Data::String(id)) if id == "total"))
        .count();
    assert_eq!(blocks, subjects - first_sheet);
}
