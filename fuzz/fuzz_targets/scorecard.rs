//! Any bytes as a data file, through the whole path — read, roll up, score, render —
//! by both engines: the buffered path must never panic, and whenever the streaming
//! path finishes, it must have written exactly what the buffered path writes.
#![no_main]

use libfuzzer_sys::fuzz_target;

use kpi::actuals::{Actuals, ReadOptions};
use kpi::model::{Lang, PeriodKind};
use kpi::report::render::{CardWriter, Format, RenderOptions, render};
use kpi::score::MissingPolicy;
use kpi::stream::{self, Outcome, Settings};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let def = kpi::read::config::parse(kpi::read::config::BUILTIN, "builtin").expect("the built-in card");
    let period = match selector % 5 {
        0 => None,
        n => Some(PeriodKind::ALL[usize::from(n - 1)]),
    };
    let missing = [MissingPolicy::Error, MissingPolicy::Zero, MissingPolicy::Skip][usize::from(selector / 5 % 3)];
    let options = ReadOptions { period, ignore_unknown: selector & 0x80 != 0, ..ReadOptions::default() };
    let render_options = RenderOptions { lang: Lang::Zh, color: false, bom: false, date: String::new() };

    // The buffered path.
    let mut actuals = Actuals::new();
    let mut problems = actuals.read(&def, "fuzz.csv", bytes, &options).iter().filter(|d| d.is_error()).count();
    actuals.sort();
    let cards = match period {
        Some(kind) => {
            let (cards, diagnostics) = kpi::cards::rollup::roll_up(&def, &actuals, kind, false);
            problems += diagnostics.iter().filter(|d| d.is_error()).count();
            cards
        }
        None => actuals.cards.clone(),
    };
    let mut scored = Vec::new();
    for card in &cards {
        match card.score(&def, missing) {
            Ok(card) => {
                assert!(card.score.total >= rust_decimal::Decimal::ZERO);
                scored.push(card);
            }
            Err(_) => problems += 1,
        }
    }
    let mut buffered = Vec::new();
    for format in [Format::Json, Format::Table, Format::Markdown, Format::Csv] {
        buffered.clear();
        render(format, &def, &scored, &render_options, &mut buffered).expect("rendering to memory");
    }

    // The streaming path, on one thread or two.
    let settings = Settings { def: &def, read: &options, missing, roll_up: period, parallel: selector & 0x40 != 0 };
    let mut streamed = Vec::new();
    let mut writer = CardWriter::begin(Format::Csv, &def, render_options.clone(), &mut streamed).expect("writing to memory");
    let outcome = stream::score(&settings, Box::new(bytes), &mut writer, &mut streamed, &mut |_| {}).expect("reading memory");
    if let Outcome::Done { .. } = outcome {
        writer.end(&mut streamed).expect("writing to memory");
        assert_eq!(problems, 0, "the stream finished where the buffered path found problems");
        assert_eq!(String::from_utf8_lossy(&streamed), String::from_utf8_lossy(&buffered));
    }
});
