//! Shell completion as bash runs it: the generated script sourced, its function
//! called the way bash calls it, and what it offers compared.

use crate::util::Dir;

/// What bash's completion offers after `kpi score OPTION ` in a folder holding a file.
fn bash_offers(option: &str) -> String {
    let dir = Dir::new();
    dir.write("data.csv", "");
    let script = format!(
        r#"source <("{kpi}" completions bash)
COMP_WORDS=(kpi score {option} ""); COMP_CWORD=3
COMP_LINE="kpi score {option} "; COMP_POINT=${{#COMP_LINE}}
_kpi kpi "" {option} 2>/dev/null
echo "${{COMPREPLY[*]}}""#,
        kpi = env!("CARGO_BIN_EXE_kpi")
    );
    let output = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir.path())
        .output()
        .expect("running bash");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn bash_completes_option_values_and_files_only_where_files_go() {
    for (option, offered) in [
        ("--period", "month quarter half year all"),
        ("--format", "table csv json markdown html xlsx"),
        ("--lang", "en zh"),
        ("--missing", "error zero skip"),
        ("--delimiter", ", ; tab"),
        ("--memory", ""),
        ("--sheet", ""),
        ("--fail-under", ""),
        ("--config", "data.csv"),
        ("--output", "data.csv"),
    ] {
        assert_eq!(bash_offers(option), offered, "after {option}");
    }
    assert!(
        bash_offers("--encoding").starts_with("utf8 gb18030"),
        "{}",
        bash_offers("--encoding")
    );
}

/// `kpi man --dir` writes a page per command, each naming every option of its command,
/// with the examples line for line (no-fill) as `--help` shows them.
#[test]
fn man_writes_a_page_per_command_with_every_option() {
    let dir = Dir::new();
    dir.kpi()
        .args(["man", "--dir", "pages"])
        .assert()
        .success()
        .stderr("wrote 10 manual pages to pages\n");
    for (page, options) in [
        ("kpi.1", &["--help", "--version"][..]),
        (
            "kpi-score.1",
            &[
                "--config",
                "--period",
                "--missing",
                "--partial",
                "--ignore-unknown",
                "--encoding",
                "--sheet",
                "--delimiter",
                "--memory",
                "--quiet",
                "--format",
                "--output",
                "--lang",
                "--bom",
                "--explain",
                "--strict",
                "--fail-under",
            ],
        ),
        (
            "kpi-check.1",
            &["--config", "--strict", "--format", "--memory"],
        ),
        (
            "kpi-trend.1",
            &["--config", "--format", "--output", "--lang"],
        ),
        (
            "kpi-rank.1",
            &[
                "--config", "--period", "--format", "--output", "--lang", "--top", "--bottom",
                "--grades",
            ],
        ),
        ("kpi-init.1", &["--force"]),
        ("kpi-targets.1", &["--config", "--lang"]),
        ("kpi-completions.1", &["--help"]),
        ("kpi-man.1", &["--dir"]),
        (
            "kpi-template.1",
            &["--subject", "--subjects", "--period", "--year", "--lang"],
        ),
    ] {
        let text = dir.read(&format!("pages/{page}"));
        for option in options {
            assert!(
                text.contains(&option.replace('-', "\\-")),
                "{page} does not document {option}"
            );
        }
    }
    let score = dir.read("pages/kpi-score.1");
    assert!(
        score.contains(".SH EXAMPLES\n.nf\n  kpi score actuals.csv\n"),
        "{score}"
    );
    assert!(score.contains("kpi score \\-\\-missing skip \\-\\-fail\\-under 60 offices.csv"));
    // The page printed for a command is the one written for it.
    let printed = dir.kpi().args(["man", "score"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&printed.stdout), score);
    dir.kpi()
        .args(["man", "bogus"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no manual page for \"bogus\"; the commands are score, check, trend, rank, init",
        ));
}
