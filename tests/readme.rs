//! The README is run: every `console` block's commands, with their output compared by
//! trycmd (`...` stands for lines left out, `[..]` for the rest of a line, `? 1` for an
//! exit status), and every block that shows a file (```` ```csv file=PATH ````) compared
//! with the file. A README that disagrees with the program fails here.
//!
//! A test binary of its own: the environment is pinned by setting this process's own
//! (trycmd's defaults would override a session's `LANG=…`); the standard library
//! serialises that with the starting of processes, and nothing else here reads it.

use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_console_session_in_the_readme_runs_as_shown() {
    // SAFETY: no other thread of this test binary writes the environment, and the
    // processes they start take the standard library's environment lock.
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

/// The README's install block (```` ```sh install ````), as lines.
fn install_lines() -> Vec<String> {
    let readme = std::fs::read_to_string(repository().join("README.md")).expect("README.md");
    let start = readme.find("```sh install\n").expect("an install block") + 14;
    let end = start + readme[start..].find("```").expect("its end");
    readme[start..end].lines().map(str::to_string).collect()
}

/// Runs `lines` in bash, in an empty home, with the test's `kpi` first on the PATH.
fn in_a_fresh_home(lines: &[String]) -> (tempfile::TempDir, std::process::Output) {
    let home = tempfile::tempdir().expect("a temporary home");
    let bin = Path::new(env!("CARGO_BIN_EXE_kpi"))
        .parent()
        .expect("the binary's folder")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    let output = std::process::Command::new("bash")
        .args(["-ec", &lines.join("\n")])
        .env("HOME", home.path())
        .env("PATH", path)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "80")
        .env_remove("MANPATH")
        .output()
        .expect("running bash");
    (home, output)
}

#[test]
fn the_install_lines_work_in_a_fresh_home() {
    // All but `man` itself, which a machine may lack (the test below runs it).
    let lines: Vec<String> = install_lines()
        .into_iter()
        .filter(|l| !l.starts_with("man "))
        .collect();
    let (home, output) = in_a_fresh_home(&lines);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in [
        ".local/share/bash-completion/completions/kpi",
        ".zfunc/_kpi",
        ".config/fish/completions/kpi.fish",
        ".local/share/man/man1/kpi.1",
        ".local/share/man/man1/kpi-score.1",
        ".local/share/man/man1/kpi-check.1",
    ] {
        let written =
            std::fs::metadata(home.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(written.len() > 100, "{file} is nearly empty");
    }
}

#[test]
#[ignore = "needs man (man-db)"]
fn man_finds_the_installed_pages() {
    let (_home, output) = in_a_fresh_home(&install_lines());
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(shown.contains("kpi score"), "{shown}");
    assert!(shown.contains("--fail-under"), "{shown}");
}
