//! Width: on a terminal of 80 columns, tables and help fit it; piped, tables keep their
//! full width. The terminal is a pseudo-terminal made by `script` (util-linux).

use unicode_width::UnicodeWidthStr;

use crate::util::tests_dir;

/// Runs `kpi ARGS` on a pseudo-terminal `columns` wide; what it printed, without
/// the terminal's carriage returns.
fn on_terminal(columns: u16, args: &str) -> String {
    let kpi = env!("CARGO_BIN_EXE_kpi");
    let command = format!("stty cols {columns} rows 50; exec {kpi} {args}");
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(tests_dir().join(".."))
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .env_remove("LC_ALL")
        .env_remove("KPI_CONFIG")
        .output()
        .expect("running script (util-linux)");
    assert!(
        output.status.success(),
        "{args}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n")
}

fn widest(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

#[test]
fn tables_fit_a_terminal_of_80_columns() {
    for args in [
        "score --lang en examples/monthly-zh.csv",
        "score --lang zh examples/quarterly-ids.csv",
        "score --lang en --explain examples/monthly-zh.csv",
        "trend --lang en --period quarter tests/fixtures/year-long.csv",
        "targets --lang en",
        "targets --lang zh",
    ] {
        let shown = on_terminal(80, args);
        assert!(shown.contains("┌"), "{args}: no table in\n{shown}");
        let tables: String = shown
            .lines()
            .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(widest(&tables) <= 80, "{args}:\n{shown}");
    }
}

#[test]
fn piped_tables_keep_their_full_width() {
    let output = crate::util::kpi()
        .current_dir(tests_dir().join(".."))
        .args(["score", "--lang", "en", "examples/monthly-zh.csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(widest(&text) > 100, "{text}");
    // One line a row: nothing wrapped.
    assert!(
        text.contains("│ Service calls per unit in warranty "),
        "{text}"
    );
}

#[test]
fn help_wraps_to_the_terminal() {
    for args in [
        "--help",
        "score --help",
        "check --help",
        "trend --help",
        "score -h",
    ] {
        let shown = on_terminal(80, args);
        assert!(widest(&shown) <= 80, "{args}:\n{shown}");
    }
}

#[test]
fn piped_help_wraps_at_100_columns() {
    for args in [&["--help"][..], &["score", "--help"], &["score", "-h"]] {
        let output = crate::util::kpi().args(args).output().unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(widest(&text) <= 100, "{args:?}:\n{text}");
    }
}
