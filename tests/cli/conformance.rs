//! The hand-checked cases of the SPEC (`tests/conformance/`, copied from
//! `../shared/conformance/`): each `actuals.csv` with its `args` and `kpi.toml` must
//! print `expected.json`, compared by value with numbers as exact decimals.

use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::util::{Dir, tests_dir};

/// Compares two JSON values; numbers by exact decimal value (`66.00` equals `66`).
pub fn same(expected: &Value, actual: &Value, at: &str, problems: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            let a = Decimal::from_str(&a.to_string()).ok();
            let b = Decimal::from_str(&b.to_string()).ok();
            if a.is_none() || a != b {
                problems.push(format!("{at}: expected {expected}, got {actual}"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => same(x, y, &format!("{at}.{key}"), problems),
                    (Some(_), None) => problems.push(format!("{at}.{key}: missing")),
                    (None, _) => problems.push(format!("{at}.{key}: not expected")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                problems.push(format!("{at}: expected {} items, got {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                same(x, y, &format!("{at}[{i}]"), problems);
            }
        }
        _ if expected == actual => {}
        _ => problems.push(format!("{at}: expected {expected}, got {actual}")),
    }
}

/// Runs one case folder; returns the differences (empty when it passes). A case with
/// a `targets.csv` is run as a user would run it: `--targets targets.csv` in the
/// working folder.
fn run_case(case: &Path) -> Vec<String> {
    let dir = Dir::new();
    let args = std::fs::read_to_string(case.join("args")).unwrap_or_default();
    let mut cmd = dir.kpi();
    cmd.arg("score").arg("--format").arg("json");
    if case.join("targets.csv").is_file() {
        std::fs::copy(case.join("targets.csv"), dir.path().join("targets.csv")).expect("copy");
        cmd.args(["--targets", "targets.csv"]);
    }
    cmd.args(args.split_whitespace());
    let config = case.join("kpi.toml");
    if config.exists() {
        cmd.arg("--config").arg(&config);
    }
    cmd.arg(case.join("actuals.csv"));
    let output = cmd.output().expect("running kpi");
    if !output.status.success() {
        return vec![format!(
            "exit {:?}: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        )];
    }
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(case.join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is JSON");
    let actual: Value = match serde_json::from_slice(&output.stdout) {
        Ok(v) => v,
        Err(e) => return vec![format!("output is not JSON: {e}")],
    };
    let mut problems = Vec::new();
    same(&expected, &actual, "$", &mut problems);
    problems
}

fn cases(root: &Path) -> Vec<std::path::PathBuf> {
    let mut cases: Vec<_> = std::fs::read_dir(root)
        .expect("a conformance folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    cases.sort();
    cases
}

/// Runs every case under `root`, of which there are at least `at_least`.
pub fn check_all(root: &Path, at_least: usize) {
    let cases = cases(root);
    assert!(
        cases.len() >= at_least,
        "expected the cases in {}",
        root.display()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let problems = run_case(case);
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", case.display(), problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_conformance_case_passes() {
    check_all(&tests_dir().join("conformance"), 11);
}

#[test]
fn the_comparison_catches_a_wrong_number() {
    let expected: Value = serde_json::from_str(r#"{"a": [66.00, "x"]}"#).unwrap();
    let mut problems = Vec::new();
    same(
        &expected,
        &serde_json::from_str(r#"{"a": [66, "x"]}"#).unwrap(),
        "$",
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    same(
        &expected,
        &serde_json::from_str(r#"{"a": [66.01, "x"]}"#).unwrap(),
        "$",
        &mut problems,
    );
    same(
        &expected,
        &serde_json::from_str(r#"{"a": [66, "x"], "b": 1}"#).unwrap(),
        "$",
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}
