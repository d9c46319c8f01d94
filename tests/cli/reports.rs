//! HTML and xlsx reports, shell completions and the manual page.

use std::str::FromStr;

use calamine::{Data, Reader};
use rust_decimal::Decimal;

use crate::util::{Dir, tests_dir};

fn example(dir: &Dir, name: &str) -> String {
    std::fs::copy(tests_dir().join("../examples").join(name), dir.join(name)).expect("an example");
    name.to_string()
}

#[test]
fn html_is_one_self_contained_page_per_scorecard() {
    let dir = Dir::new();
    let data = example(&dir, "quarter-wide.csv");
    dir.kpi()
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .args([
            "score",
            "-f",
            "html",
            "--lang",
            "zh",
            "-o",
            "report.html",
            &data,
        ])
        .assert()
        .success();
    let html = dir.read("report.html");
    assert_eq!(
        html.matches("<section class=\"page\">").count(),
        3,
        "one page per scorecard"
    );
    assert!(html.contains("break-after: page"));
    assert!(!html.contains("<script"), "no script");
    assert!(
        !html.contains(" src=") && !html.contains(" href="),
        "nothing fetched"
    );
    assert!(
        html.contains("<svg") && html.contains("class=\"bar "),
        "a bar chart"
    );
    assert!(html.contains("生成日期 2026-11-18"), "the date");
    assert!(
        html.contains("Noto Sans CJK SC") && html.contains("Microsoft YaHei"),
        "a CJK font stack"
    );
    insta::assert_snapshot!(html);
}

#[test]
fn html_and_xlsx_need_an_output_file() {
    let dir = Dir::new();
    let data = example(&dir, "quarter-wide.csv");
    for format in ["html", "xlsx"] {
        dir.kpi()
            .args(["score", "-f", format, &data])
            .assert()
            .code(2);
    }
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

/// The cells of a Markdown table's rows (not its header or rule), in order.
fn markdown_rows(markdown: &str) -> Vec<Vec<String>> {
    markdown
        .lines()
        .filter(|l| {
            l.starts_with("| ") && !l.starts_with("| 指标") && !l.starts_with("| Indicator")
        })
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().trim_matches('*').to_string())
                .collect()
        })
        .collect()
}

/// The workbook holds the CSV's values (subjects, periods, ids, numbers) and the
/// words of the other documents in the `--lang` language: indicator names and bands
/// as the Markdown table has them, and headers in that language.
#[test]
fn xlsx_round_trips_every_value_of_the_csv() {
    let dir = Dir::new();
    let data = example(&dir, "quarter-wide.csv");
    let csv = dir
        .kpi()
        .args(["score", "-f", "csv", &data])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    let expected: Vec<Vec<String>> = csv
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    for (lang, header) in [
        (
            "en",
            "Subject,Period,Indicator ID,Indicator,Target,Actual,Band,Score,Weight,Points",
        ),
        (
            "zh",
            "考核对象,期间,指标编号,指标,目标,实际,绩效,分数,权重,得分",
        ),
    ] {
        let name = format!("cards-{lang}.xlsx");
        dir.kpi()
            .args(["score", "-f", "xlsx", "--lang", lang, "-o", &name, &data])
            .assert()
            .success();
        let markdown = dir
            .kpi()
            .args(["score", "-f", "markdown", "--lang", lang, &data])
            .output()
            .unwrap();
        let words = markdown_rows(&String::from_utf8(markdown.stdout).unwrap());
        // Targets and actuals stay numbers, shown with their unit in that language.
        let mut zip = zip::ZipArchive::new(std::fs::File::open(dir.join(&name)).unwrap()).unwrap();
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles)
            .unwrap();
        let unit = if lang == "en" {
            "calls/unit"
        } else {
            "次/台"
        };
        assert!(
            styles.contains(&format!("General&quot; {unit}&quot;")),
            "{styles}"
        );
        let mut workbook = calamine::open_workbook_auto(dir.join(&name)).expect("a workbook");
        let range = workbook.worksheet_range("kpi").expect("the kpi sheet");
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        assert_eq!(rows.len(), expected.len());
        assert_eq!(rows[0].join(","), header);
        assert_eq!(words.len(), rows.len() - 1);
        for ((got, want), words) in rows[1..].iter().zip(&expected[1..]).zip(&words) {
            for (col, (g, w)) in got.iter().zip(want).enumerate() {
                match col {
                    3 => assert_eq!(g, &words[0], "{lang}: {got:?} vs {words:?}"),
                    6 => assert_eq!(g, &words[3], "{lang}: {got:?} vs {words:?}"),
                    _ => match (Decimal::from_str(g), Decimal::from_str(w)) {
                        (Ok(g), Ok(w)) => assert_eq!(g, w, "{lang}: {got:?} vs {want:?}"),
                        _ => assert_eq!(g, w, "{lang}: {got:?} vs {want:?}"),
                    },
                }
            }
        }
    }
    let mut workbook = calamine::open_workbook_auto(dir.join("cards-en.xlsx")).expect("a workbook");
    // Each total is a SUM over its card's points, with the value cached.
    let formulas = workbook.worksheet_formula("kpi").expect("formulas");
    let sums: Vec<String> = formulas
        .rows()
        .flat_map(|r| r.iter().filter(|f| !f.is_empty()).cloned())
        .collect();
    assert_eq!(sums, ["SUM(J2:J12)", "SUM(J14:J24)", "SUM(J26:J36)"]);
}

#[test]
fn completions_and_the_manual_page() {
    let dir = Dir::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = dir.kpi().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("score") && text.contains("fail-under"),
            "{shell}"
        );
    }
    let man = dir.kpi().arg("man").output().unwrap();
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(
        text.starts_with(".ie") || text.contains(".TH kpi 1"),
        "{text}"
    );
    assert!(text.contains("score"));
}

/// The workbook's totals are formulas that recalculate to the computed totals: with the
/// cached values zeroed, LibreOffice (told to recalculate on load) must arrive at the
/// same numbers. `.ci/run` installs LibreOffice and runs it with `--include-ignored`.
#[test]
#[ignore = "needs LibreOffice (soffice)"]
fn libreoffice_recalculates_the_totals_to_the_same_numbers() {
    let _one_at_a_time = crate::util::libreoffice();
    use std::io::{Read, Write};
    let dir = Dir::new();
    let data = example(&dir, "quarter-wide.csv");
    dir.kpi()
        .args(["score", "-f", "xlsx", "-o", "cards.xlsx", &data])
        .assert()
        .success();
    // A copy with every formula's cached value set to 0.
    let mut source =
        zip::ZipArchive::new(std::fs::File::open(dir.join("cards.xlsx")).unwrap()).unwrap();
    let mut zeroed = zip::ZipWriter::new(std::fs::File::create(dir.join("zeroed.xlsx")).unwrap());
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let name = entry.name().expect("an entry name").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(bytes).unwrap();
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("</f><v>") {
                let (head, tail) = rest.split_at(at + "</f><v>".len());
                out.push_str(head);
                out.push('0');
                rest = &tail[tail.find("</v>").unwrap()..];
            }
            out.push_str(rest);
            bytes = out.into_bytes();
        }
        zeroed
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zeroed.write_all(&bytes).unwrap();
    }
    zeroed.finish().unwrap();
    let profile = dir.join("profile/user");
    std::fs::create_dir_all(&profile).unwrap();
    std::fs::write(
        profile.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .args(["--headless", "--convert-to", "csv", "--outdir"])
        .arg(dir.path())
        .arg(dir.join("zeroed.xlsx"))
        .output()
        .expect("running LibreOffice");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let recalculated = dir.read("zeroed.csv");
    let totals: Vec<&str> = recalculated
        .lines()
        .filter(|l| l.contains(",total,"))
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(totals, ["83.41", "48.53", "66.65"], "{recalculated}");
}

/// More scorecards than a sheet has rows (1,048,576): the cards continue on a second
/// sheet, each card whole, each sheet with its header; the workbook is written in
/// constant memory.
#[test]
fn xlsx_past_a_million_rows_continues_on_another_sheet() {
    let dir = Dir::new();
    let offices = 87_400; // 12 rows a card: 87,381 fill the first sheet
    let mut csv = String::from(
        "subject,服务费用率,保修期服务平均次数,报修处理及时率,零配件销售及时率,发货差错率,安装、调试、维修满意率,客户投诉量,投诉处理满意率,报表上交及时准确率\n",
    );
    for n in 0..offices {
        csv.push_str(&format!("o{n:06},0.9,2.5,96,97,100,99.5,0,100,100\n"));
    }
    dir.write("many.csv", csv);
    let output = dir
        .kpi()
        .args(["score", "-f", "xlsx", "-o", "many.xlsx", "many.csv"])
        .output()
        .expect("running kpi");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut workbook = calamine::open_workbook_auto(dir.join("many.xlsx")).expect("a workbook");
    assert_eq!(workbook.sheet_names(), ["kpi", "kpi 2"]);
    let second = workbook.worksheet_range("kpi 2").expect("the second sheet");
    let cards_there = offices - 1_048_575 / 12;
    assert_eq!(second.height(), 1 + 12 * cards_there);
    assert_eq!(second.get((0, 0)), Some(&Data::String("Subject".into())));
    assert_eq!(
        second.get((1, 0)),
        Some(&Data::String(format!("o{:06}", offices - cards_there)))
    );
    assert_eq!(second.get((12, 2)), Some(&Data::String("total".into())));
}
