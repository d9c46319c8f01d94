//! Any bytes as a data file, through the whole pipeline — read, sort, roll up, score,
//! render. It must never panic; and the same rows read with a budget so small that
//! they spill in many runs, or in reverse order, must give the same cards.
#![no_main]

use libfuzzer_sys::fuzz_target;

use kpi::cards::RollUp;
use kpi::model::{Lang, PeriodKind};
use kpi::pipeline::{self, Input, Settings};
use kpi::read::rows::ReadOptions;
use kpi::report::render::{Format, RenderOptions, Rendered};
use kpi::score::MissingPolicy;

fn run(def: &kpi::model::Scorecard, settings: &Settings<'_>, bytes: &[u8]) -> (Vec<u8>, usize) {
    let inputs = vec![Input::Open { name: "fuzz.csv".into(), reader: Box::new(bytes) }];
    let options = RenderOptions { lang: Lang::Zh, color: false, bom: false, date: String::new(), width: None };
    let mut sink = Rendered::new(Format::Csv, def, options, None, Vec::new());
    let outcome = pipeline::run(settings, inputs, &mut sink).expect("reading memory");
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    (sink.end(errors > 0).expect("writing memory"), errors)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let def = kpi::read::config::parse(kpi::read::config::BUILTIN, "builtin").expect("the built-in card");
    let period = match selector % 5 {
        0 => None,
        n => Some(PeriodKind::ALL[usize::from(n - 1)]),
    };
    let missing = [MissingPolicy::Error, MissingPolicy::Zero, MissingPolicy::Skip][usize::from(selector / 5 % 3)];
    let settings = |memory| Settings {
        def: &def,
        read: ReadOptions { period, ignore_unknown: selector & 0x80 != 0, ..ReadOptions::default() },
        roll_up: period.map_or(RollUp::None, RollUp::Into),
        partial: false,
        missing,
        memory,
        spill_dir: std::env::temp_dir(),
        sheet: None,
        targets: None,
        strict: false,
        counts: None,
    };
    let (wide_budget, errors) = run(&def, &settings(pipeline::DEFAULT_MEMORY), bytes);
    let (tiny_budget, tiny_errors) = run(&def, &settings(1024), bytes);
    assert_eq!(errors, tiny_errors);
    assert_eq!(String::from_utf8_lossy(&wide_budget), String::from_utf8_lossy(&tiny_budget));
    // The same lines in reverse order (header first) score the same, when they score.
    if errors == 0 && !bytes.contains(&b'"') && !bytes.contains(&b'\r') {
        if let Ok(text) = std::str::from_utf8(bytes) {
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.len() > 1 {
                let header = lines.remove(0);
                lines.reverse();
                let reversed = format!("{header}\n{}\n", lines.join("\n"));
                let (again, again_errors) = run(&def, &settings(pipeline::DEFAULT_MEMORY), reversed.as_bytes());
                if again_errors == 0 {
                    assert_eq!(String::from_utf8_lossy(&again), String::from_utf8_lossy(&wide_budget));
                }
            }
        }
    }
});
