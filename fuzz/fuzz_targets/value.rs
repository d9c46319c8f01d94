//! Any cell text for any unit: a value within the SPEC's limits or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const UNITS: [&str; 4] = ["%", "次/台", "次", ""];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let unit = UNITS[usize::from(selector) % UNITS.len()];
    let cell = String::from_utf8_lossy(rest);
    if let Ok(Some(value)) = kpi::read::value::parse_value(&cell, unit) {
        let v = value.amount.normalize();
        assert!(v.abs() < Decimal::from(1_000_000_000_000_000i64), "{cell:?} → {v}");
        assert!(v.scale() <= 12, "{cell:?} → {v}");
        // What is printed parses back to the same value.
        let again = kpi::read::value::parse_value(&kpi::num::plain(v), "").unwrap().unwrap();
        assert_eq!(again.amount, v);
    }
});
