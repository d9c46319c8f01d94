//! Any text as kpi.toml: a scorecard or located diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match kpi::read::config::parse(&text, "fuzz.toml") {
        Ok(card) => assert!(!card.indicators.is_empty()),
        Err(diagnostics) => assert!(!diagnostics.is_empty()),
    }
});
