//! The README is run: every `console` block's commands, with their output compared by
//! trycmd (`...` stands for lines left out, `[..]` for the rest of a line, `? 1` for an
//! exit status), and every block that shows a file (```` ```csv file=PATH ````) compared
//! with the file. A README that disagrees with the program fails here.
//!
//! A test binary of its own: the environment is pinned by setting this process's own
//! (trycmd's defaults would override a session's `LANG=…`), which is sound only where
//! no other test is starting processes at the same time.

use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_console_session_in_the_readme_runs_as_shown() {
    // SAFETY: no other thread of this test binary reads or writes the environment:
    // the other tests here read files only.
    unsafe {
        std::env::set_var("LANG", "C");
        std::env::set_var("NO_COLOR", "1");
        std::env::set_var("SOURCE_DATE_EPOCH", "1795000000");
        for name in ["LC_ALL", "LC_MESSAGES", "KPI_CONFIG"] {
            std::env::remove_var(name);
        }
    }
    // The sessions run in the repository's root.
    trycmd::TestCases::new()
        .register_bin("kpi", Path::new(env!("CARGO_BIN_EXE_kpi")))
        .case(repository().join("README.md"));
}

/// The fenced blocks of a Markdown text whose info string names a file: (path, content).
fn shown_files(markdown: &str) -> Vec<(String, String)> {
    let mut shown = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut content = String::new();
        for line in lines.by_ref() {
            if line.starts_with("```") {
                break;
            }
            content.push_str(line);
            content.push('\n');
        }
        if let Some(path) = info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("file="))
        {
            shown.push((path.to_string(), content));
        }
    }
    shown
}

#[test]
fn every_file_the_readme_shows_is_the_file_in_the_repository() {
    let readme = std::fs::read_to_string(repository().join("README.md")).expect("README.md");
    let shown = shown_files(&readme);
    assert!(!shown.is_empty(), "the README shows no file");
    for (path, content) in shown {
        let file = std::fs::read_to_string(repository().join(&path))
            .unwrap_or_else(|e| panic!("the README shows {path}, which cannot be read: {e}"));
        assert_eq!(content, file, "the README's {path} differs from the file");
    }
}

#[test]
fn a_shown_file_is_found_with_its_content() {
    let shown = shown_files("text\n```csv file=a.csv\nx,y\n1,2\n```\n```sh\nls\n```\n");
    assert_eq!(shown, [("a.csv".to_string(), "x,y\n1,2\n".to_string())]);
}
