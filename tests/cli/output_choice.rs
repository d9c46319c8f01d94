//! Where the output goes and what it is: the extension of `--output` choosing the
//! format, a folder that is not there named as the user wrote it, `--fail-under`'s
//! range and its list of cards, and a `$KPI_CONFIG` that leads nowhere. Every message
//! is pinned whole.

use crate::util::{Dir, tests_dir};

/// `examples/monthly-zh.csv`: one office's month, total 69.41.
fn month(dir: &Dir) -> &'static str {
    std::fs::copy(
        tests_dir().join("../examples/monthly-zh.csv"),
        dir.join("m.csv"),
    )
    .expect("the example");
    "m.csv"
}

// ---- where the scorecard definition came from -------------------------------------------

#[test]
fn a_config_path_that_leads_nowhere_says_who_named_it() {
    let dir = Dir::new();
    let data = month(&dir);
    let output = dir
        .kpi()
        .env("KPI_CONFIG", "nope.toml")
        .args(["score", data])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "nope.toml: no such file (named by $KPI_CONFIG)\n  \
         hint: fix $KPI_CONFIG, or unset it (unset KPI_CONFIG) to use ./kpi.toml or the \
         built-in scorecard\n"
    );
    for command in [&["check"][..], &["targets"], &["trend", data]] {
        let output = dir
            .kpi()
            .env("KPI_CONFIG", "nope.toml")
            .args(command)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        let all = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(
            all.contains("nope.toml: no such file (named by $KPI_CONFIG)\n  hint: fix"),
            "{command:?}: {all}"
        );
    }
    // --config wins over $KPI_CONFIG, and says so.
    let output = dir
        .kpi()
        .env("KPI_CONFIG", "nope.toml")
        .args(["score", "-c", "missing.toml", data])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "missing.toml: no such file (named by --config)\n"
    );
}
