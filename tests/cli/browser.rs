//! The HTML report in a real browser: `tests/browser/run.sh` prints it with headless
//! Chromium and checks the PDF and a screenshot (one A4 page per scorecard, the chart,
//! Chinese text) and `kpi rank`'s report (one A4 page per period), and
//! `tests/browser/trend.sh` the trend report. `.ci/run` installs what they need and runs
//! them with `--include-ignored`.

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

/// The trend report (`kpi trend -f html`) in the same browser: `tests/browser/trend.sh`
/// checks one A4 page per subject, Chinese text, the line and the band zones' pixels.
#[test]
#[ignore = "needs Chromium, a Noto Sans CJK font and poppler-utils"]
fn the_trend_report_prints_one_a4_page_per_subject_in_chromium() {
    let output = std::process::Command::new("bash")
        .arg(tests_dir().join("browser/trend.sh"))
        .env("KPI_BIN", env!("CARGO_BIN_EXE_kpi"))
        .output()
        .expect("running bash");
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("browser trend: 8 passed, 0 failed"), "{text}");
}
