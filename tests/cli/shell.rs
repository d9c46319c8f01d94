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
