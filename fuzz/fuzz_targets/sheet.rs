//! Any bytes as a workbook (.xlsx, .xls or .ods): a grid of text or an error, never
//! a panic; the grid then reads as actuals without one either.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 3] = ["book.xlsx", "book.xls", "book.ods"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    if let Ok(grid) = kpi::read::sheet::read(name, bytes.to_vec(), None) {
        let def = kpi::read::config::parse(kpi::read::config::BUILTIN, "builtin").expect("the built-in card");
        let mut emit = |_: kpi::read::rows::Record<'_>| {};
        let options = kpi::read::rows::ReadOptions::default();
        let _ = kpi::read::rows::read(&def, None, name, 0, &mut grid.csv.as_bytes(), &options, &mut emit);
    }
});
