//! External corpora, copied into `tests/corpora/` with their licences: every toml-test
//! file as a scorecard definition and every csv-spectrum file as actuals must end in
//! exit 0 or 1 with a located message, never a crash.

use std::path::{Path, PathBuf};

use crate::util::{Dir, tests_dir};

fn files_under(root: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("a corpus folder")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Whether `output` holds `name:line:col:` for some line and column.
fn located(output: &str, name: &str) -> bool {
    output.lines().any(|line| {
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(l, rest)| {
                l.parse::<usize>().is_ok_and(|l| l > 0)
                    && rest
                        .split_once(':')
                        .is_some_and(|(c, _)| c.parse::<usize>().is_ok_and(|c| c > 0))
            })
    })
}

#[test]
fn every_toml_test_file_is_a_config_error_or_a_scorecard() {
    let files = files_under(&tests_dir().join("corpora/toml-test"), "toml");
    assert!(
        files.len() > 700,
        "expected the toml-test corpus, found {} files",
        files.len()
    );
    let dir = Dir::new();
    let (mut syntax, mut not_a_scorecard, mut accepted) = (0, 0, 0);
    let mut failures = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        let output = dir
            .kpi()
            .args(["check", "--config"])
            .arg(file)
            .output()
            .expect("running kpi");
        let text = String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => accepted += 1,
            Some(1) if located(&text, &name) => {
                if text.contains("invalid TOML") || text.contains("not valid UTF-8") {
                    syntax += 1;
                } else {
                    not_a_scorecard += 1;
                }
            }
            code => failures.push(format!("{name}: exit {code:?}\n{text}")),
        }
    }
    eprintln!(
        "toml-test: {} files: {syntax} rejected as invalid TOML, {not_a_scorecard} valid TOML rejected as not a scorecard, {accepted} accepted",
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(accepted, 0, "no toml-test file is a scorecard");
}

#[test]
fn every_csv_spectrum_file_is_scored_or_rejected_with_a_location() {
    let files = files_under(&tests_dir().join("corpora/csv-spectrum/csvs"), "csv");
    assert!(
        files.len() >= 12,
        "expected the csv-spectrum corpus, found {}",
        files.len()
    );
    let dir = Dir::new();
    let mut failures = Vec::new();
    let mut rejected = 0;
    for file in &files {
        let name = file.display().to_string();
        for command in ["check", "score"] {
            let output = dir
                .kpi()
                .arg(command)
                .arg(file)
                .output()
                .expect("running kpi");
            let text = String::from_utf8_lossy(&output.stdout).to_string()
                + &String::from_utf8_lossy(&output.stderr);
            let ok = match output.status.code() {
                Some(0) => true,
                Some(1) => located(&text, &name) || text.contains(&format!("{name}: ")),
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{command} {name}: exit {:?}\n{text}",
                    output.status.code()
                ));
            }
            if command == "check" && output.status.code() == Some(1) {
                rejected += 1;
            }
        }
    }
    eprintln!(
        "csv-spectrum: {} files: {rejected} rejected with a located message, {} accepted",
        files.len(),
        files.len() - rejected
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_location_check_rejects_unlocated_text() {
    assert!(located("a.toml:3:7: bad", "a.toml"));
    assert!(!located("a.toml: bad", "a.toml"));
    assert!(!located("kpi: error: a.toml", "a.toml"));
    assert!(!located("a.toml:0:0: bad", "a.toml"));
}
