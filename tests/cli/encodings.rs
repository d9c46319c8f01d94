//! Encodings (SPEC §5): `--encoding` takes any WHATWG label; what the automatic
//! choice tried is said when it fails; Big5 and Windows-1252 files, which read as
//! GB18030 nonsense, are named where that nonsense shows. The Big5 and Windows-1252
//! files were saved by LibreOffice (`tests/fixtures/encodings/README.md`).

use crate::util::{Dir, kpi, tests_dir};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(tests_dir().join("fixtures/encodings").join(name)).expect("a fixture")
}

/// Exit status, standard output and standard error of `kpi ARGS` in `dir`.
fn run(dir: &Dir, args: &[&str]) -> (i32, String, String) {
    let output = dir.kpi().args(args).output().expect("running kpi");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The Big5 file's two indicators, by their Traditional names.
const TRADITIONAL: &str = r#"
[scorecard]
title = "台北"

[[indicator]]
id = "service_cost_rate"
name = "服務費用率"
unit = "%"
better = "lower"
weight = 60
target = 0.92

[[indicator]]
id = "complaints"
name = "客戶投訴量"
unit = "次"
better = "lower"
weight = 40
target = 0
worst = 3
"#;

#[test]
fn big5_named_reads_the_traditional_subject() {
    let dir = Dir::new();
    dir.write("kpi.toml", TRADITIONAL)
        .write("big5.csv", fixture("big5.csv"));
    let (code, out, err) = run(
        &dir,
        &["score", "-f", "json", "--encoding", "big5", "big5.csv"],
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON output");
    let card = &json["scorecards"][0];
    assert_eq!(card["subject"], "台北辦事處");
    assert_eq!(card["indicators"][0]["name"], "服務費用率");
    assert_eq!(card["total"].to_string(), "52.00");
}

#[test]
fn windows_1252_named_reads_the_accents() {
    let dir = Dir::new();
    dir.write("w.csv", fixture("windows-1252.csv"));
    for label in ["windows-1252", "latin1", "CP1252"] {
        let args = [
            "score",
            "-f",
            "csv",
            "--missing",
            "skip",
            "--encoding",
            label,
            "w.csv",
        ];
        let (code, out, err) = run(&dir, &args);
        assert_eq!((code, err.as_str()), (0, ""), "{label}");
        let totals: Vec<&str> = out.lines().filter(|l| l.contains(",total,")).collect();
        assert_eq!(
            totals,
            [
                "Bureau Montréal,2026-10,total,Total,,,below,,100.00,59.78",
                "Zürich office,2026-10,total,Total,,,below,,100.00,59.78"
            ],
            "{label}"
        );
    }
}

#[test]
fn any_whatwg_label_is_read_as_it_streams() {
    // Shift_JIS, which nothing detects: a subject in Japanese, and past the first
    // 64 KiB a byte Shift_JIS does not allow, named by its line.
    let mut text = String::from("subject,indicator,actual\n");
    for n in 0..3000 {
        text.push_str(&format!("東京支社{n},complaints,1\n"));
    }
    let (mut bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let dir = Dir::new();
    dir.write("jp.csv", bytes.as_ref());
    let args = [
        "score",
        "-f",
        "csv",
        "--missing",
        "skip",
        "--encoding",
        "shift_jis",
        "jp.csv",
    ];
    let (code, out, err) = run(&dir, &args);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.contains("\n東京支社2999,,complaints,客户投诉量,0,1,"),
        "{out}"
    );
    assert!(bytes.len() > 64 * 1024);
    bytes.to_mut().extend_from_slice(b"x\xA0,complaints,1\n");
    dir.write("jp.csv", bytes.as_ref());
    let (code, _, err) = run(&dir, &args);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "jp.csv:3002:2: the text here is not valid Shift_JIS (named by --encoding)\n  \
         hint: name the file's own encoding (--encoding utf8, --encoding gb18030, \
         --encoding big5, --encoding windows-1252, …), or save it as UTF-8\n"
    );
}

#[test]
fn utf16_labels_keep_their_byte_order_marks() {
    let text = "indicator,actual\ncomplaints,1\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let dir = Dir::new();
    dir.write("le.csv", &le).write("be.csv", &be);
    for (file, labels) in [
        ("le.csv", ["utf-16le", "utf16le", "UTF-16"]),
        ("be.csv", ["utf-16be", "utf16be", "unicodefffe"]),
    ] {
        for label in labels {
            let args = [
                "score",
                "-f",
                "csv",
                "--missing",
                "skip",
                "--encoding",
                label,
                file,
            ];
            let (code, out, err) = run(&dir, &args);
            assert_eq!((code, err.as_str()), (0, ""), "{file} {label}");
            assert!(out.contains(",total,Total,,,below,,100.00,40.00"), "{out}");
        }
    }
}

#[test]
fn an_unknown_label_is_a_usage_error_naming_common_ones() {
    for (label, why) in [
        ("klingon", "unknown encoding"),
        ("replacement", "not an encoding data files can be read in"),
        (
            "x-user-defined",
            "not an encoding data files can be read in",
        ),
    ] {
        let output = kpi()
            .args(["score", "--encoding", label, "x.csv"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{label}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!(
                "error: invalid value '{label}' for '--encoding <LABEL>': {why}; name one such as \
                 utf8, gb18030, big5, windows-1252, shift_jis, euc-kr or utf-16le (any WHATWG \
                 encoding label)\n\nFor more information, try '--help'.\n"
            )
        );
    }
}

#[test]
fn completion_offers_the_common_labels_not_files() {
    let output = kpi().args(["completions", "bash"]).output().unwrap();
    let script = String::from_utf8_lossy(&output.stdout);
    let offered = "--encoding)\n                    COMPREPLY=($(compgen -W \"utf8 gb18030 gbk big5 \
                   utf-16le utf-16be windows-1252 shift_jis euc-kr\" -- \"${cur}\"))";
    assert!(script.contains(offered), "{script}");
    let output = kpi().args(["completions", "fish"]).output().unwrap();
    let script = String::from_utf8_lossy(&output.stdout);
    assert!(
        script.contains("-l encoding -d '") && script.contains("big5\\t'Traditional Chinese"),
        "{script}"
    );
}

#[test]
fn when_the_automatic_choice_fails_it_says_what_was_tried() {
    // Not UTF-8 (华东 in GB18030), so GB18030; then a byte neither allows.
    let (gb, _, _) = encoding_rs::GB18030.encode("subject,indicator,actual\n华东,complaints,1\n");
    let mut bytes = gb.into_owned();
    bytes.extend_from_slice(b"x\xFF,complaints,1\n");
    let dir = Dir::new();
    dir.write("data.csv", &bytes);
    let (code, _, err) = run(&dir, &["score", "data.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "data.csv:3:2: the text here is not valid UTF-8 or GB18030 (tried in that order)\n  \
         hint: if the file is in another encoding, name it: --encoding big5, --encoding windows-1252, …\n"
    );
    // A byte order mark names one encoding, and so does the message.
    dir.write(
        "bom.csv",
        b"\xEF\xBB\xBFsubject,indicator,actual\na\xFF,complaints,1\n",
    );
    let (code, _, err) = run(&dir, &["score", "bom.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "bom.csv:2:2: the text here is not valid UTF-8, which the file's byte order mark names\n  \
         hint: save the file again as UTF-8\n"
    );
}

#[test]
fn big5_read_as_gb18030_names_big5() {
    let dir = Dir::new();
    dir.write("big5.csv", fixture("big5.csv"));
    let (code, _, err) = run(&dir, &["score", "big5.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "big5.csv:2:15: no indicator name in this file is known: \"狝叭禣ノ瞯\", \"\\u{e085}めщ禗秖\" \
         (2 names on 2 rows), read as GB18030 as the file is not UTF-8\n  \
         hint: if the file is in Big5 or Windows-1252, name it: --encoding big5, --encoding \
         windows-1252; otherwise, name an indicator by its id, name or English name (see `kpi \
         targets`); --ignore-unknown skips unknown ones\n"
    );
    // A wide Big5 file whose header reads as nothing.
    let (wide, _, _) = encoding_rs::BIG5.encode("對象,期間,服務費用率\n台北辦事處,2026-10,0.88%\n");
    dir.write("wide.csv", wide.as_ref());
    let (code, _, err) = run(&dir, &["score", "wide.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "wide.csv:1:1: the header \"癸禜, 戳丁, 狝叭禣ノ瞯\" (3 columns) names no indicator and no \
         column kpi knows, read as GB18030 as the file is not UTF-8\n  \
         hint: if the file is in Big5 or Windows-1252, name it: --encoding big5, --encoding \
         windows-1252; otherwise, a KPI file's header is long, `subject,period,indicator,actual` \
         (考核对象,期间,指标,实际), or wide, `subject,period` then one column per indicator name or \
         id (`kpi targets` lists them); the README's examples/monthly-zh.csv is one\n"
    );
}

#[test]
fn windows_1252_read_as_gb18030_is_warned_of() {
    let dir = Dir::new();
    dir.write("w.csv", fixture("windows-1252.csv"));
    let (code, out, _) = run(&dir, &["check", "--missing", "skip", "w.csv"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "w.csv:2:1: warning: the subject \"Bureau Montr閍l\" looks like Windows-1252 text read as \
         GB18030 (the file is not UTF-8)\n  \
         hint: if the file is in Windows-1252, name it: --encoding windows-1252\n\
         0 errors, 1 warning in 1 file\n"
    );
    // Chinese text between Latin letters is not taken for it: 栋 is GB2312's.
    let (gb, _, _) = encoding_rs::GB18030.encode("subject,indicator,actual\nA栋B区,complaints,1\n");
    dir.write("gb.csv", gb.as_ref());
    let (code, out, _) = run(&dir, &["check", "--missing", "skip", "gb.csv"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "0 errors, 0 warnings in 1 file\n")
    );
}
