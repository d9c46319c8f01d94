//! Any bytes as a data file, through the whole path: read, roll up, score, render.
#![no_main]

use libfuzzer_sys::fuzz_target;

use kpi::actuals::{Actuals, ReadOptions};
use kpi::model::{Lang, PeriodKind};
use kpi::render::{Format, RenderOptions, render};
use kpi::score::{MissingPolicy, ScoredCard, score_card};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let def = kpi::config::parse(kpi::config::BUILTIN, "builtin").expect("the built-in card");
    let period = match selector % 5 {
        0 => None,
        n => Some(PeriodKind::ALL[usize::from(n - 1)]),
    };
    let missing = [MissingPolicy::Error, MissingPolicy::Zero, MissingPolicy::Skip][usize::from(selector / 5 % 3)];
    let options = ReadOptions { period, ignore_unknown: selector & 0x80 != 0, ..ReadOptions::default() };
    let mut actuals = Actuals::new();
    let _ = actuals.read(&def, "fuzz.csv", bytes, &options);
    actuals.sort();
    let cards = match period {
        Some(kind) => kpi::rollup::roll_up(&def, &actuals, kind, selector & 0x40 != 0).0,
        None => actuals.cards.clone(),
    };
    let mut scored = Vec::new();
    for card in &cards {
        let values: Vec<_> = card.values.iter().map(|o| o.as_ref().and_then(|o| o.value).map(|v| v.amount)).collect();
        if let Ok(score) = score_card(&def, card.key.kind, &values, missing) {
            assert!(score.total >= rust_decimal::Decimal::ZERO && score.total <= rust_decimal::Decimal::ONE_HUNDRED);
            scored.push(ScoredCard {
                subject: card.key.subject.clone(),
                period: card.key.period_label(),
                kind: card.key.kind,
                score,
            });
        }
    }
    let options = RenderOptions { lang: Lang::Zh, color: false, bom: false };
    for format in [Format::Csv, Format::Json, Format::Table, Format::Markdown] {
        let mut out = Vec::new();
        render(format, &def, &scored, &options, &mut out).expect("rendering to memory");
    }
});
