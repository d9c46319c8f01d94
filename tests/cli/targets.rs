//! Targets per subject (SPEC §2.4): the hand-checked cases of `tests/targets/`, each
//! run as a user would (`--targets targets.csv` in the working folder), and every
//! rule's message.

use std::path::Path;

use crate::conformance::{cases, same};
use crate::util::{Dir, tests_dir};

/// Runs one case folder; returns the differences (empty when it passes).
fn run_case(case: &Path) -> Vec<String> {
    let dir = Dir::new();
    std::fs::copy(case.join("targets.csv"), dir.path().join("targets.csv")).expect("copy");
    let args = std::fs::read_to_string(case.join("args")).unwrap_or_default();
    let mut cmd = dir.kpi();
    cmd.args(["score", "--format", "json", "--targets", "targets.csv"]);
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
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(case.join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is JSON");
    let actual: serde_json::Value = match serde_json::from_slice(&output.stdout) {
        Ok(v) => v,
        Err(e) => return vec![format!("output is not JSON: {e}")],
    };
    let mut problems = Vec::new();
    same(&expected, &actual, "$", &mut problems);
    problems
}

#[test]
fn every_hand_checked_targets_case_passes() {
    let root = tests_dir().join("targets");
    let cases = cases(&root);
    assert!(cases.len() >= 10, "the targets cases are there: {root:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let problems = run_case(case);
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", case.display(), problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
