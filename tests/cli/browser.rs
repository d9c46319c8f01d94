//! The HTML report in a real browser: `tests/browser/run.sh` prints it with headless
//! Chromium and checks the PDF and a screenshot (one A4 page per scorecard, the chart,
//! Chinese text), and `kpi rank`'s report (one A4 page per period). `.ci/run` installs what it needs and runs it with `--include-ignored`.

use crate::util::tests_dir;

#[test]
#[ignore = "needs Chromium, a Noto Sans CJK font and poppler-utils"]
fn the_html_report_prints_one_a4_page_per_scorecard_in_chromium() {
    let output = std::process::Command::new("bash")
        .arg(tests_dir().join("browser/run.sh"))
        .env("KPI_BIN", env!("CARGO_BIN_EXE_kpi"))
        .output()
        .expect("running bash");
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("browser: 9 passed, 0 failed"), "{text}");
}
