//! Makes realistic actuals for the built-in scorecard, for benchmarks and tests:
//!
//!     cargo run --release --example gen_actuals -- --subjects 10000 --months 12 > big.csv
//!     … --order period      the same rows month by month (also subject, shuffled, reverse)
//!
//! Every subject gets every month from January, every indicator a value. Each subject
//! writes each indicator one way all year (as `a/b` counts, as `95.5%` or as bare
//! `95.5`), so rates roll up as ratios of sums. Values follow triangular distributions
//! around the form's targets. Deterministic for a given `--seed`.
//!
//!     … --targets       instead, a targets file (SPEC §2.4) for the same subjects:
//!                       each subject's own target for every indicator, in range
//!
//! The random draws use `f64`: they only pick test data, which is then written as
//! decimal text; `kpi` itself never sees a float.

use std::io::{self, BufWriter, Write};

/// id, name, kind, low, mode, high (kind: percentage, calls per unit, or a count).
const INDICATORS: [(&str, &str, Kind, f64, f64, f64); 11] = [
    (
        "service_cost_rate",
        "服务费用率",
        Kind::Percent,
        0.5,
        0.9,
        1.3,
    ),
    (
        "warranty_service_calls",
        "保修期服务平均次数",
        Kind::PerUnit,
        0.8,
        2.8,
        5.5,
    ),
    (
        "repair_timeliness",
        "报修处理及时率",
        Kind::Percent,
        85.0,
        97.0,
        100.0,
    ),
    (
        "commissioning_timeliness",
        "调试及时率",
        Kind::Percent,
        84.0,
        98.5,
        100.0,
    ),
    (
        "parts_sales_timeliness",
        "零配件销售及时率",
        Kind::Percent,
        85.0,
        97.0,
        100.0,
    ),
    (
        "shipping_accuracy",
        "发货差错率",
        Kind::Percent,
        94.0,
        100.0,
        100.0,
    ),
    (
        "service_satisfaction",
        "安装、调试、维修满意率",
        Kind::Percent,
        95.0,
        99.5,
        100.0,
    ),
    (
        "visit_completion",
        "客户拜访完成率",
        Kind::Percent,
        55.0,
        85.0,
        100.0,
    ),
    ("complaints", "客户投诉量", Kind::Count, 0.0, 0.0, 4.0),
    (
        "complaint_satisfaction",
        "投诉处理满意率",
        Kind::Percent,
        88.0,
        100.0,
        100.0,
    ),
    (
        "report_accuracy",
        "报表上交及时准确率",
        Kind::Percent,
        88.0,
        100.0,
        100.0,
    ),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Percent,
    PerUnit,
    Count,
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Ratio,
    Percent,
    Plain,
}

/// SplitMix64: small, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [low, high].
    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    /// Triangular on [low, high] with the given mode (inverse of the CDF).
    fn triangular(&mut self, low: f64, mode: f64, high: f64) -> f64 {
        if high <= low {
            return low;
        }
        let u = self.unit();
        let split = (mode - low) / (high - low);
        if u < split {
            low + (u * (high - low) * (mode - low)).sqrt()
        } else {
            high - ((1.0 - u) * (high - low) * (high - mode)).sqrt()
        }
    }
}

fn value(rng: &mut Rng, form: Form, kind: Kind, low: f64, mode: f64, high: f64) -> String {
    match kind {
        Kind::Count => {
            let n = rng.triangular(low, mode, high + 1.0).floor().min(high);
            format!("{}", n as u64)
        }
        Kind::PerUnit => {
            let units = rng.range(20, 400);
            let calls = (units as f64 * rng.triangular(low, mode, high)).round() as u64;
            format!("{calls}/{units}")
        }
        Kind::Percent => {
            // Targets of 100% are mostly met exactly.
            if high == 100.0 && mode == 100.0 && rng.unit() < 0.8 {
                let n = rng.range(20, 2000);
                return match form {
                    Form::Ratio => format!("{n}/{n}"),
                    Form::Percent => "100%".to_string(),
                    Form::Plain => "100".to_string(),
                };
            }
            if form == Form::Ratio && low >= 50.0 {
                let total = rng.range(20, 2000);
                let share = rng.triangular(low, mode, high) / 100.0;
                let done = ((total as f64 * share).round() as u64).min(total);
                return format!("{done}/{total}");
            }
            let v = (rng.triangular(low, mode, high) * 100.0).round() / 100.0;
            match form {
                Form::Percent => format!("{v}%"),
                _ => format!("{v}"),
            }
        }
    }
}

struct Args {
    subjects: u64,
    months: u32,
    year: u32,
    wide: bool,
    ids: bool,
    seed: u64,
    order: Order,
    targets: bool,
}

/// Per indicator, the targets an office may be given, as (lowest, highest, step) in
/// hundredths: between the card's worst and exceeds, so every one is in order.
const OWN_TARGETS: [(i64, i64, i64); 11] = [
    (85, 100, 1),
    (250, 350, 10),
    (9000, 9700, 50),
    (9000, 9900, 50),
    (9000, 9700, 50),
    (9700, 10000, 50),
    (9500, 9950, 50),
    (7000, 9000, 100),
    (0, 300, 100),
    (9500, 10000, 50),
    (9500, 10000, 50),
];

/// A targets file: one row per subject and indicator, without a period.
fn write_targets(args: &Args, rng: &mut Rng, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "subject,indicator,target")?;
    for s in 0..args.subjects {
        for (i, &(low, high, step)) in OWN_TARGETS.iter().enumerate() {
            let steps = ((high - low) / step) as u64;
            let hundredths = low + step * rng.range(0, steps) as i64;
            let id = INDICATORS[i].0;
            writeln!(
                out,
                "office-{s:06},{id},{}.{:02}",
                hundredths / 100,
                hundredths % 100
            )?;
        }
    }
    Ok(())
}

/// The order rows are written in: the same rows, as an export sorted by subject,
/// monthly appends, a shuffle, or the reverse of the first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Subject,
    Period,
    Shuffled,
    Reverse,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        subjects: 100,
        months: 12,
        year: 2026,
        wide: false,
        ids: false,
        seed: 1,
        order: Order::Subject,
        targets: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--subjects" => args.subjects = number(value()?)?,
            "--months" => args.months = number(value()?)?.clamp(1, 12) as u32,
            "--year" => args.year = number(value()?)? as u32,
            "--seed" => args.seed = number(value()?)?,
            "--layout" => args.wide = value()? == "wide",
            "--targets" => args.targets = true,
            "--names" => args.ids = value()? == "id",
            "--order" => {
                args.order = match value()?.as_str() {
                    "subject" => Order::Subject,
                    "period" => Order::Period,
                    "shuffled" => Order::Shuffled,
                    "reverse" => Order::Reverse,
                    other => {
                        return Err(format!("--order {other}: subject|period|shuffled|reverse"));
                    }
                }
            }
            _ => {
                return Err(format!(
                    "unknown argument {flag}; see the top of examples/gen_actuals.rs"
                ));
            }
        }
    }
    Ok(args)
}

fn main() -> io::Result<()> {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("gen_actuals: {e}");
            std::process::exit(2);
        }
    };
    let mut rng = Rng(args.seed);
    let name = |i: usize| {
        if args.ids {
            INDICATORS[i].0
        } else {
            INDICATORS[i].1
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    if args.targets {
        write_targets(&args, &mut rng, &mut out)?;
        return out.flush();
    }
    if args.wide {
        write!(out, "subject,period")?;
        for i in 0..INDICATORS.len() {
            write!(out, ",{}", name(i))?;
        }
        writeln!(out)?;
    } else {
        writeln!(out, "subject,period,indicator,actual")?;
    }
    // Rows in subject order are written as they are made; other orders are made
    // from them, so that every order holds the same rows.
    let mut held: Vec<(u32, String)> = Vec::new();
    for s in 0..args.subjects {
        let forms: Vec<Form> = INDICATORS
            .iter()
            .map(|_| [Form::Ratio, Form::Percent, Form::Plain][rng.range(0, 2) as usize])
            .collect();
        for month in 1..=args.months {
            let period = format!("{}-{month:02}", args.year);
            let values: Vec<String> = INDICATORS
                .iter()
                .zip(&forms)
                .map(|(&(_, _, kind, low, mode, high), &form)| {
                    value(&mut rng, form, kind, low, mode, high)
                })
                .collect();
            let mut rows = Vec::new();
            if args.wide {
                let mut row = format!("office-{s:06},{period}");
                for v in &values {
                    row.push(',');
                    row.push_str(v);
                }
                rows.push(row);
            } else {
                for (i, v) in values.iter().enumerate() {
                    rows.push(format!("office-{s:06},{period},{},{v}", name(i)));
                }
            }
            for row in rows {
                if args.order == Order::Subject {
                    writeln!(out, "{row}")?;
                } else {
                    held.push((month, row));
                }
            }
        }
    }
    match args.order {
        Order::Subject => {}
        Order::Period => held.sort_by_key(|(month, _)| *month),
        Order::Reverse => held.reverse(),
        Order::Shuffled => {
            for i in (1..held.len()).rev() {
                let j = rng.range(0, i as u64) as usize;
                held.swap(i, j);
            }
        }
    }
    for (_, row) in &held {
        writeln!(out, "{row}")?;
    }
    out.flush()
}
