//! The same problem across many indicators of one card, or many rows of one file, is
//! one message that lists them; different cards keep a message each.

use crate::util::Dir;

/// Exit status and standard output of `kpi check ARGS` in a folder holding `d.csv`.
fn check(data: &str, args: &[&str]) -> (i32, String) {
    let dir = Dir::new();
    dir.write("d.csv", data);
    let output = dir
        .kpi()
        .arg("check")
        .args(args)
        .arg("d.csv")
        .output()
        .expect("running kpi");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// Every indicator of the built-in card with a value that meets its targets.
const VALUES: [(&str, &str); 11] = [
    ("service_cost_rate", "0.88%"),
    ("warranty_service_calls", "2.7"),
    ("repair_timeliness", "96"),
    ("commissioning_timeliness", "99"),
    ("parts_sales_timeliness", "95"),
    ("shipping_accuracy", "100"),
    ("service_satisfaction", "99.2"),
    ("visit_completion", "90"),
    ("complaints", "1"),
    ("complaint_satisfaction", "100"),
    ("report_accuracy", "100"),
];

/// A long file: for each (subject, month), every indicator but those left out.
fn months(cards: &[(&str, &str, &[&str])]) -> String {
    let mut csv = String::from("subject,period,indicator,actual\n");
    for (subject, month, left_out) in cards {
        for (id, value) in VALUES {
            if !left_out.contains(&id) {
                csv.push_str(&format!("{subject},{month},{id},{value}\n"));
            }
        }
    }
    csv
}

const ADD_PERIODS: &str =
    "  hint: add the missing periods, or use --partial to combine the values there are\n";

#[test]
fn a_month_missing_from_a_roll_up_is_one_message_per_card() {
    // Office a lacks February altogether; office b lacks two indicators in February
    // and one in March.
    let data = months(&[
        ("a", "2026-01", &[]),
        ("a", "2026-03", &[]),
        ("b", "2026-01", &[]),
        ("b", "2026-02", &["complaints", "report_accuracy"]),
        ("b", "2026-03", &["complaints"]),
    ]);
    let (code, out) = check(&data, &["--period", "quarter"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "d.csv:2:1: subject \"a\", period 2026-Q1 has no value for 2026-02 of its 3 months, \
             for any of the 11 indicators given\n{ADD_PERIODS}\
             d.csv:24:1: complaints, report_accuracy for subject \"b\", period 2026-Q1 have no \
             value for some of its 3 months: 2026-02 (complaints, report_accuracy), 2026-03 \
             (complaints)\n{ADD_PERIODS}\
             2 errors, 0 warnings in 1 file\n"
        )
    );
    // With --partial, the same, as warnings.
    let (code, out) = check(&data, &["--period", "quarter", "--partial"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "d.csv:2:1: warning: subject \"a\", period 2026-Q1 has no value for 2026-02 of its 3 \
         months, for any of the 11 indicators given; combined the values there are\n\
         d.csv:24:1: warning: complaints, report_accuracy for subject \"b\", period 2026-Q1 \
         have no value for some of its 3 months: 2026-02 (complaints, report_accuracy), \
         2026-03 (complaints); combined the values there are\n\
         0 errors, 2 warnings in 1 file\n"
    );
    // A few indicators lacking the same months are named.
    let data = months(&[
        ("a", "2026-01", &[]),
        ("a", "2026-02", &["complaints", "report_accuracy"]),
        ("a", "2026-03", &["complaints", "report_accuracy"]),
    ]);
    let (code, out) = check(&data, &["--period", "quarter"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "d.csv:2:1: complaints, report_accuracy for subject \"a\", period 2026-Q1 have no \
             value for 2026-02, 2026-03 of its 3 months\n{ADD_PERIODS}\
             1 error, 0 warnings in 1 file\n"
        )
    );
}

#[test]
fn values_that_cannot_be_combined_are_one_message_per_card() {
    let data = "subject,period,indicator,actual\n\
        a,2026-01,service_cost_rate,1/100\na,2026-01,repair_timeliness,95/100\n\
        a,2026-02,service_cost_rate,0.9\na,2026-02,repair_timeliness,96\n\
        a,2026-03,service_cost_rate,1/100\na,2026-03,repair_timeliness,95/100\n";
    let (code, out) = check(data, &["--period", "quarter", "--missing", "skip"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "d.csv:2:29: service_cost_rate, repair_timeliness for subject \"a\", period 2026-Q1 mix \
         a/b values with plain ones; aggregate = \"ratio\" needs one form\n  \
         hint: write every value of an indicator the same way, as a/b or as a number\n\
         1 error, 0 warnings in 1 file\n"
    );
}

#[test]
fn a_block_pasted_twice_is_one_duplicate_message_per_card() {
    let data = "subject,indicator,actual\n\
        a,complaints,1\na,repair_timeliness,96\nb,complaints,1\n\
        a,complaints,1\na,repair_timeliness,96\nb,complaints,1\n";
    let (code, out) = check(data, &["--missing", "skip"]);
    assert_eq!(code, 1);
    let hint = "  hint: keep one row per subject, period and indicator\n";
    assert_eq!(
        out,
        format!(
            "d.csv:5:14: 2 duplicate values for complaints, repair_timeliness (subject \"a\", \
             month card): also given at d.csv:2, d.csv:3\n{hint}\
             d.csv:7:14: duplicate value for complaints (subject \"b\", month card): also given \
             at d.csv:4\n{hint}\
             2 errors, 0 warnings in 1 file\n"
        )
    );
}

#[test]
fn a_file_given_twice_is_one_duplicate_message_in_the_second() {
    let dir = Dir::new();
    let month: String = VALUES
        .iter()
        .map(|(id, value)| format!("a,2026-10,{id},{value}\n"))
        .collect();
    let data = format!("subject,period,indicator,actual\n{month}");
    dir.write("one.csv", &data).write("two.csv", &data);
    let output = dir
        .kpi()
        .args(["check", "one.csv", "two.csv"])
        .output()
        .expect("running kpi");
    let ids = VALUES
        .iter()
        .map(|(id, _)| id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!(
            "two.csv:2:29: 11 duplicate values for {ids} (subject \"a\", period 2026-10): also \
             given at one.csv:2, one.csv:3, one.csv:4, 8 more rows\n  \
             hint: keep one row per subject, period and indicator\n\
             1 error, 0 warnings in 2 files\n"
        )
    );
}

#[test]
fn an_unknown_indicator_name_is_one_message_however_many_rows_give_it() {
    let data = "subject,indicator,actual\n\
        a,complaint,1\nb,complaint,2\nc,complaint,3\nc,turnover,1\nc,complaints,1\n";
    let (code, out) = check(data, &["--missing", "skip"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "d.csv:2:3: unknown indicator \"complaint\" (3 rows, the first here)\n  \
         hint: did you mean \"complaints\"?\n\
         d.csv:5:3: unknown indicator \"turnover\"\n  \
         hint: name an indicator by its id, name or English name (see `kpi targets`); \
         --ignore-unknown skips unknown ones\n\
         2 errors, 0 warnings in 1 file\n"
    );
}

#[test]
fn empty_cells_of_a_card_are_one_message() {
    let data = "subject,service_cost_rate,complaints,repair_timeliness\na,,,96\nb,,1,\n";
    let (code, out) = check(data, &[]);
    assert_eq!(code, 1);
    let ids = "Service calls per unit in warranty (warranty_service_calls), \
               Spare parts sold on time (parts_sales_timeliness), \
               Shipping accuracy (shipping_accuracy), \
               Installation and repair satisfaction (service_satisfaction), \
               Complaint handling satisfaction (complaint_satisfaction), \
               Reports on time and correct (report_accuracy)";
    let hint = "  hint: give them values, or use --missing zero or --missing skip\n";
    assert_eq!(
        out,
        format!(
            "d.csv:2:1: no values for {ids} (subject \"a\", month card), which have month \
             targets\n{hint}\
             d.csv:2:3: no values for service_cost_rate, complaints (subject \"a\", month \
             card), which have month targets: their cells are empty\n{hint}\
             d.csv:3:1: no values for {ids} (subject \"b\", month card), which have month \
             targets\n{hint}\
             d.csv:3:3: no values for service_cost_rate, repair_timeliness (subject \"b\", \
             month card), which have month targets: their cells are empty\n{hint}\
             4 errors, 0 warnings in 1 file\n"
        )
    );
}
