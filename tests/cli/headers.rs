//! Headers (SPEC §5): a file that is not KPI data gets one message, not one per
//! column; the columns for people (`unit`, `target`, `note`) are read and never
//! scored, and `check` says where a `target` cell differs from the target in force.

use crate::util::Dir;

/// Exit status, standard output and standard error of `kpi ARGS` in a folder holding
/// `files`.
fn run(files: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let dir = Dir::new();
    for (name, contents) in files {
        dir.write(name, contents);
    }
    let output = dir.kpi().args(args).output().expect("running kpi");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const LAYOUTS: &str = "a KPI file's header is long, `subject,period,indicator,actual` \
    (考核对象,期间,指标,实际), or wide, `subject,period` then one column per indicator name or id \
    (`kpi targets` lists them); the README's examples/monthly-zh.csv is one";

#[test]
fn a_file_that_is_not_kpi_data_is_one_problem() {
    // A staff list: twelve columns, one of them (岗位) a character away from 单位, and a
    // 备注 column, as such lists have; and rows of any length, which are not read.
    let staff = "姓名,部门,入职日期,岗位,工号,性别,年龄,学历,电话,邮箱,地址,备注\n\
                 张三,销售部,2020-01-01,经理,001,男,30,本科,138,a@b.c,北京,无\n李四,财务部\n";
    let (code, out, _) = run(&[("staff.csv", staff)], &["check", "staff.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "staff.csv:1:1: the header \"姓名, 部门, 入职日期, …\" (12 columns) names no indicator \
             and no column kpi knows\n  hint: {LAYOUTS}\n1 error, 0 warnings in 1 file\n"
        )
    );
    // Known columns, but nothing to score.
    let (code, _, err) = run(
        &[(
            "d.csv",
            "subject,period,turnover,headcount\na,2026-10,3,12\n",
        )],
        &["score", "d.csv"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "d.csv:1:1: the header \"subject, period, turnover, …\" (4 columns) names no \
             indicator\n  hint: {LAYOUTS}\n"
        )
    );
}

#[test]
fn a_kpi_like_header_keeps_a_problem_per_unknown_column() {
    let csv = "subject,complaints,turnover,repair_timelines\na,1,2,3\n";
    let (code, _, err) = run(&[("d.csv", csv)], &["score", "d.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "d.csv:1:20: unknown indicator or column \"turnover\"\n  \
         hint: name an indicator by its id, name or English name (see `kpi targets`); \
         --ignore-unknown skips unknown columns\n\
         d.csv:1:29: unknown indicator or column \"repair_timelines\"\n  \
         hint: did you mean \"repair_timeliness\"?\n"
    );
}

const MONTH_NOTES: &str = "subject,period,indicator,actual,unit,target,note\n\
    a,2026-10,service_cost_rate,0.88%,%,0.92%,on plan\n\
    a,2026-10,complaints,1,次,0,one late visit\n";

#[test]
fn columns_for_people_are_read_and_never_scored() {
    let plain = "subject,period,indicator,actual\na,2026-10,service_cost_rate,0.88%\na,2026-10,complaints,1\n";
    let args = ["score", "-f", "csv", "--missing", "skip", "d.csv"];
    let (code, expected, err) = run(&[("d.csv", plain)], &args);
    assert_eq!((code, err.as_str()), (0, ""));
    let chinese = "考核对象,期间,指标,实际,单位,目标,备注,说明\n\
        a,2026-10,service_cost_rate,0.88%,%,0.92%,按计划,\n\
        a,2026-10,complaints,1,次,0,,一次迟到\n";
    let wide = "subject,period,service_cost_rate,complaints,note,备注\na,2026-10,0.88%,1,x,y\n";
    for data in [MONTH_NOTES, chinese, wide] {
        let (code, out, err) = run(&[("d.csv", data)], &args);
        assert_eq!((code, err.as_str()), (0, ""), "{data}");
        assert_eq!(out, expected, "{data}");
    }
}

#[test]
fn a_target_cell_that_differs_is_one_warning_per_indicator() {
    let mut data = String::from(MONTH_NOTES);
    for office in ["b", "c", "d"] {
        data.push_str(&format!("{office},2026-10,service_cost_rate,0.88%,%,90,\n"));
    }
    data.push_str("b,2026-10,commissioning_timeliness,99,%,98,\nb,2026-10,complaints,0,次,待定,\n");
    let (code, out, _) = run(
        &[("d.csv", &data)],
        &["check", "--missing", "skip", "d.csv"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "d.csv:4:37: warning: the target column says 90% for service_cost_rate, but the month \
         target in force is 0.92% (and 2 more rows differ)\n  \
         hint: the target column is for people and never scored; scores use the scorecard's \
         targets (see `kpi targets`)\n\
         d.csv:7:41: warning: the target column says 98% for commissioning_timeliness, which has \
         no month target (it is not assessed)\n  \
         hint: the target column is for people and never scored; scores use the scorecard's \
         targets (see `kpi targets`)\n\
         0 errors, 2 warnings in 1 file\n"
    );
}

#[test]
fn an_indicator_may_not_be_named_as_a_column_for_people() {
    let toml = r#"
[scorecard]
title = "t"

[[indicator]]
id = "note"
name = "目标"
name_en = "Unit"
better = "higher"
weight = 50
target = 95

[[indicator]]
id = "rate"
name = "说明"
better = "higher"
weight = 50
target = 95
"#;
    let (code, out, _) = run(&[("kpi.toml", toml)], &["check"]);
    assert_eq!(code, 1);
    let hint = "  hint: choose another name, so data files stay unambiguous\n";
    assert_eq!(
        out,
        format!(
            "kpi.toml:6:6: id \"note\" is the name of the data column `note`\n{hint}\
             kpi.toml:7:8: name \"目标\" is the name of the data column `target`\n{hint}\
             kpi.toml:8:11: name_en \"Unit\" is the name of the data column `unit`\n{hint}\
             kpi.toml:15:8: name \"说明\" is the name of the data column `note`\n{hint}\
             4 errors, 0 warnings in 1 file\n"
        )
    );
}
