//! `kpi.toml` → a validated `Scorecard` (SPEC §2), with every problem collected as a
//! `Diagnostic` at its TOML line and column.
//!
//! The document is read with spans (`toml::de::DeTable`) rather than through serde, so
//! that numbers keep their written text (0.92 stays exactly 0.92) and one run can report
//! every unknown key, wrong type and broken rule at once.

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, LineIndex, did_you_mean};
use crate::model::{
    Aggregate, BandPoints, Better, Column, Indicator, Method, PeriodKind, Scorecard, Thresholds,
};
use crate::read::value::{ValueError, scan_number};

/// The built-in scorecard: the seed's form, compiled in.
pub const BUILTIN: &str = include_str!("builtin.toml");
/// How the built-in scorecard is named in messages.
pub const BUILTIN_NAME: &str = "<built-in kpi.toml>";

/// Significant digits a config number may have (§2.2).
const MAX_SIGNIFICANT_DIGITS: usize = 15;

type Item<'i> = Spanned<DeValue<'i>>;

const TOP_KEYS: [&str; 3] = ["scorecard", "bands", "indicator"];
const SCORECARD_KEYS: [&str; 3] = ["title", "title_en", "targets"];
const BAND_KEYS: [&str; 3] = ["meets", "exceeds", "far_exceeds"];
const INDICATOR_KEYS: [&str; 16] = [
    "id",
    "name",
    "name_en",
    "unit",
    "unit_en",
    "better",
    "weight",
    "aggregate",
    "method",
    "target",
    "exceeds",
    "far_exceeds",
    "best",
    "worst",
    "cap",
    "per_unit",
];
const METHODS: [&str; 4] = ["bands", "ratio", "deduct", "pass_fail"];
const THRESHOLD_KEYS: [&str; 4] = ["exceeds", "far_exceeds", "best", "worst"];

/// Parses and validates a scorecard definition. `path` names the file in diagnostics.
pub fn parse(text: &str, path: &str) -> Result<Scorecard, Vec<Diagnostic>> {
    let mut loader = Loader {
        path,
        lines: LineIndex::new(text),
        diagnostics: Vec::new(),
    };
    let (doc, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        for error in syntax_errors {
            let span = error.span().unwrap_or(0..0);
            let message = format!("invalid TOML: {}", error.message().trim_end());
            loader.error(span, message, None);
        }
        return Err(loader.diagnostics);
    }
    let scorecard = loader.scorecard(doc.get_ref());
    // Problems in the order of the file, whatever order they were found in.
    loader.diagnostics.sort_by_key(|d| (d.line, d.col));
    match scorecard {
        Some(card) if loader.diagnostics.is_empty() => Ok(card),
        _ => Err(loader.diagnostics),
    }
}

struct Loader<'a> {
    path: &'a str,
    lines: LineIndex<'a>,
    diagnostics: Vec<Diagnostic>,
}

/// What names an indicator, and its weight, read without judging the rest.
struct Names {
    id: Option<String>,
    name: Option<String>,
    name_en: Option<String>,
    weight: Option<Decimal>,
}

impl Names {
    fn peek(table: &DeTable<'_>) -> Names {
        let text = |key: &str| match table.get(key).map(|v| v.get_ref()) {
            Some(DeValue::String(s)) => Some(s.to_string()),
            _ => None,
        };
        let weight = match table.get("weight").map(|v| v.get_ref()) {
            Some(DeValue::Integer(i)) if i.radix() == 10 => decimal_literal(i.as_str()).ok(),
            Some(DeValue::Float(f)) => decimal_literal(f.as_str()).ok(),
            _ => None,
        };
        Names {
            id: text("id"),
            name: text("name"),
            name_en: text("name_en"),
            weight,
        }
    }
}

/// Two neighbouring thresholds out of order, and the periods where they are.
struct OrderProblem<'k> {
    low: (&'k str, Decimal),
    high: (&'k str, Decimal),
    span: Range<usize>,
    kinds: Vec<&'static str>,
}

/// A threshold as written: one number for every period, or a table by period.
struct PerPeriod {
    values: [Option<Decimal>; 4],
    is_table: bool,
    span: Range<usize>,
}

impl Loader<'_> {
    fn error(&mut self, span: Range<usize>, message: String, hint: Option<String>) {
        let (line, col) = self.lines.locate(span.start);
        self.diagnostics.push(
            Diagnostic::error(self.path, line, col, message)
                .with_hint(hint)
                .with_snippet(Some(self.lines.snippet(span.start))),
        );
    }

    fn scorecard(&mut self, root: &DeTable<'_>) -> Option<Scorecard> {
        self.check_keys(root, &TOP_KEYS, "at the top level");
        let mut title = String::new();
        let mut title_en = None;
        let mut targets = None;
        if let Some(item) = root.get("scorecard")
            && let Some(table) = self.table(item, "[scorecard]")
        {
            self.check_keys(table, &SCORECARD_KEYS, "in [scorecard]");
            if let Some(t) = table.get("title") {
                title = self.string(t, "title").unwrap_or_default();
            }
            title_en = table
                .get("title_en")
                .and_then(|t| self.string(t, "title_en"));
            if let Some(item) = table.get("targets") {
                targets = self.string(item, "targets");
                if targets.as_deref().is_some_and(|t| t.trim().is_empty()) {
                    self.error(
                        item.span(),
                        "`targets` names no file".into(),
                        Some("give a targets file's path, relative to this kpi.toml, or remove the key".into()),
                    );
                }
            }
        }
        let bands = root
            .get("bands")
            .map(|item| self.bands(item))
            .unwrap_or_default();
        // Each indicator, the strings that name it and its weight as far as they can be
        // read (so that one bad field does not hide a clash or a wrong sum), and the
        // spans of its table, id, name and name_en.
        let mut indicators: Vec<(Option<Indicator>, Names, [Range<usize>; 4])> = Vec::new();
        let mut all_weights = true;
        match root.get("indicator") {
            None => self.error(
                0..0,
                "the scorecard has no indicator".into(),
                Some("add one or more [[indicator]] tables".into()),
            ),
            Some(item) => match item.get_ref() {
                DeValue::Array(array) => {
                    for element in array {
                        let Some(table) = self.table(element, "[[indicator]]") else {
                            all_weights = false;
                            continue;
                        };
                        let at = |key| table.get(key).map_or(element.span(), |v| v.span());
                        let spans = [element.span(), at("id"), at("name"), at("name_en")];
                        let names = Names::peek(table);
                        let indicator = self.indicator(table, element.span());
                        indicators.push((indicator, names, spans));
                    }
                    if array.is_empty() {
                        self.error(item.span(), "the scorecard has no indicator".into(), None);
                    }
                }
                _ => self.error(
                    item.span(),
                    "`indicator` must be an array of tables, written [[indicator]]".into(),
                    None,
                ),
            },
        }
        let names: Vec<(&Names, &[Range<usize>; 4])> =
            indicators.iter().map(|(_, n, s)| (n, s)).collect();
        self.check_names(&names);
        let weights: Option<Vec<Decimal>> = indicators.iter().map(|(_, n, _)| n.weight).collect();
        if let (true, Some(weights)) = (all_weights && !indicators.is_empty(), weights) {
            let sum: Decimal = weights.iter().sum();
            if sum != Decimal::ONE_HUNDRED {
                let span = indicators[0].2[0].clone();
                self.error(
                    span,
                    format!("weights sum to {}, need exactly 100", sum.normalize()),
                    Some("weights are percentages of the whole scorecard".into()),
                );
            }
        }
        Some(Scorecard {
            title,
            title_en,
            targets,
            bands,
            indicators: indicators.into_iter().filter_map(|(i, _, _)| i).collect(),
        })
    }

    fn bands(&mut self, item: &Item<'_>) -> BandPoints {
        let mut bands = BandPoints::default();
        let Some(table) = self.table(item, "[bands]") else {
            return bands;
        };
        self.check_keys(table, &BAND_KEYS, "in [bands]");
        for (key, slot) in [
            ("meets", &mut bands.meets),
            ("exceeds", &mut bands.exceeds),
            ("far_exceeds", &mut bands.far_exceeds),
        ] {
            if let Some(value) = table.get(key).and_then(|v| self.number(v, key)) {
                *slot = value;
            }
        }
        let ordered = Decimal::ZERO < bands.meets
            && bands.meets <= bands.exceeds
            && bands.exceeds <= bands.far_exceeds
            && bands.far_exceeds < Decimal::ONE_HUNDRED;
        if !ordered {
            self.error(
                item.span(),
                format!(
                    "band points must satisfy 0 < meets ≤ exceeds ≤ far_exceeds < 100, got meets = {}, exceeds = {}, far_exceeds = {}",
                    bands.meets.normalize(),
                    bands.exceeds.normalize(),
                    bands.far_exceeds.normalize()
                ),
                None,
            );
        }
        bands
    }

    fn indicator(&mut self, table: &DeTable<'_>, span: Range<usize>) -> Option<Indicator> {
        self.check_keys(table, &INDICATOR_KEYS, "in [[indicator]]");
        let before = self.diagnostics.len();
        let id = self
            .required(table, "id", &span)
            .and_then(|v| self.string(v, "id"));
        if let Some(id) = &id {
            let valid = id.starts_with(|c: char| c.is_ascii_lowercase())
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                let item = &table["id"];
                self.error(
                    item.span(),
                    format!("id {id:?} must be lowercase ASCII letters, digits and _, starting with a letter"),
                    Some("for example id = \"repair_timeliness\"".into()),
                );
            }
        }
        let name = self
            .required(table, "name", &span)
            .and_then(|v| self.string(v, "name"));
        if let (Some(name), Some(item)) = (&name, table.get("name"))
            && name.trim().is_empty()
        {
            self.error(item.span(), "name must not be empty".into(), None);
        }
        let name_en = table.get("name_en").and_then(|v| self.string(v, "name_en"));
        let unit = table
            .get("unit")
            .and_then(|v| self.string(v, "unit"))
            .unwrap_or_default();
        let unit_en = table.get("unit_en").and_then(|v| self.string(v, "unit_en"));
        let better = self
            .required(table, "better", &span)
            .and_then(|v| self.choice(v, "better", &["higher", "lower"]))
            .map(|b| {
                if b == "higher" {
                    Better::Higher
                } else {
                    Better::Lower
                }
            });
        let weight = self
            .required(table, "weight", &span)
            .and_then(|v| self.number(v, "weight").map(|w| (w, v.span())));
        if let Some((w, span)) = &weight
            && *w <= Decimal::ZERO
        {
            self.error(
                span.clone(),
                format!("weight must be above 0, got {}", w.normalize()),
                None,
            );
        }
        let aggregate = match table.get("aggregate") {
            None => Some(Aggregate::Mean),
            Some(v) => self
                .choice(v, "aggregate", &Aggregate::NAMES)
                .and_then(|a| Aggregate::from_key(&a)),
        };
        let method_name = match table.get("method") {
            None => Some("bands".to_string()),
            Some(v) => self.choice(v, "method", &METHODS),
        };
        let target = self
            .required(table, "target", &span)
            .and_then(|v| self.per_period(v, "target"));
        if let (Some(t), Some(item)) = (&target, table.get("target"))
            && t.values.iter().all(Option::is_none)
            && self.diagnostics.len() == before
        {
            self.error(
                item.span(),
                "`target` gives no period, so the indicator would never be assessed".into(),
                Some("give a number for every period, or a table such as { month = 95, quarter = 95 }".into()),
            );
        }
        let mut thresholds: [Option<PerPeriod>; 4] = Default::default();
        for (slot, key) in thresholds.iter_mut().zip(THRESHOLD_KEYS) {
            *slot = table.get(key).and_then(|v| self.per_period(v, key));
        }
        let cap = table
            .get("cap")
            .and_then(|v| self.number(v, "cap").map(|c| (c, v.span())));
        let per_unit = table
            .get("per_unit")
            .and_then(|v| self.number(v, "per_unit").map(|p| (p, v.span())));

        let method = method_name
            .and_then(|m| self.method(&m, table, &span, &target, &thresholds, cap, per_unit));
        if let (Some(target), Some(better)) = (&target, better) {
            self.check_thresholds(id.as_deref().unwrap_or("?"), better, target, &thresholds);
        }
        if self.diagnostics.len() > before {
            return None;
        }
        let target = target?;
        let [exceeds, far_exceeds, best, worst] = thresholds;
        let get = |t: &Option<PerPeriod>, i: usize| t.as_ref().and_then(|t| t.values[i]);
        let periods = std::array::from_fn(|i| {
            target.values[i].map(|target| Thresholds {
                target,
                exceeds: get(&exceeds, i),
                far_exceeds: get(&far_exceeds, i),
                best: get(&best, i),
                worst: get(&worst, i),
            })
        });
        Some(Indicator {
            id: id?,
            name: name?,
            name_en,
            unit,
            unit_en,
            better: better?,
            weight: weight?.0,
            aggregate: aggregate?,
            method: method?,
            periods,
        })
    }

    /// The method and the rules of §4.1 that go with it.
    #[allow(clippy::too_many_arguments)]
    fn method(
        &mut self,
        name: &str,
        table: &DeTable<'_>,
        span: &Range<usize>,
        target: &Option<PerPeriod>,
        thresholds: &[Option<PerPeriod>; 4],
        cap: Option<(Decimal, Range<usize>)>,
        per_unit: Option<(Decimal, Range<usize>)>,
    ) -> Option<Method> {
        if name != "bands" {
            for (key, threshold) in THRESHOLD_KEYS.iter().zip(thresholds) {
                if let Some(t) = threshold {
                    self.error(
                        t.span.clone(),
                        format!("`{key}` cannot be used with method = \"{name}\", which scores against the target alone"),
                        Some("remove it, or use method = \"bands\"".into()),
                    );
                }
            }
        }
        if name != "ratio"
            && let Some((_, span)) = &cap
        {
            self.error(
                span.clone(),
                format!("`cap` is for method = \"ratio\" only, not \"{name}\""),
                None,
            );
        }
        if name != "deduct"
            && let Some((_, span)) = &per_unit
        {
            self.error(
                span.clone(),
                format!("`per_unit` is for method = \"deduct\" only, not \"{name}\""),
                None,
            );
        }
        match name {
            "bands" => Some(Method::Bands),
            "pass_fail" => Some(Method::PassFail),
            "ratio" => {
                if let Some(target) = target
                    && target.values.iter().flatten().any(|t| *t <= Decimal::ZERO)
                {
                    self.error(
                        target.span.clone(),
                        "method = \"ratio\" needs a target above 0 in every period".into(),
                        None,
                    );
                }
                let cap = match cap {
                    None => Decimal::ONE_HUNDRED,
                    Some((c, span)) => {
                        if c <= Decimal::ZERO || c > Decimal::ONE_HUNDRED {
                            self.error(
                                span,
                                format!(
                                    "cap must be above 0 and at most 100, got {}",
                                    c.normalize()
                                ),
                                None,
                            );
                        }
                        c
                    }
                };
                Some(Method::Ratio { cap })
            }
            "deduct" => match per_unit {
                None => {
                    let at = table.get("method").map_or(span.clone(), |m| m.span());
                    self.error(
                        at,
                        "method = \"deduct\" needs `per_unit`, the points taken off per unit of shortfall".into(),
                        Some("for example per_unit = 5 for \"每降低1%扣5分\"".into()),
                    );
                    None
                }
                Some((p, span)) => {
                    if p <= Decimal::ZERO {
                        self.error(
                            span,
                            format!("per_unit must be above 0, got {}", p.normalize()),
                            None,
                        );
                    }
                    Some(Method::Deduct { per_unit: p })
                }
            },
            _ => None,
        }
    }

    /// Threshold tables cover the target's periods; thresholds are in order (§2.2).
    fn check_thresholds(
        &mut self,
        id: &str,
        better: Better,
        target: &PerPeriod,
        thresholds: &[Option<PerPeriod>; 4],
    ) {
        for (key, threshold) in THRESHOLD_KEYS.iter().zip(thresholds) {
            let Some(t) = threshold else { continue };
            if !t.is_table {
                continue;
            }
            let missing: Vec<&str> = PeriodKind::ALL
                .iter()
                .filter(|k| target.values[k.index()].is_some() && t.values[k.index()].is_none())
                .map(|k| k.key())
                .collect();
            if !missing.is_empty() {
                self.error(
                    t.span.clone(),
                    format!(
                        "`{key}` of `{id}` has no value for {}, which `target` has",
                        missing.join(", ")
                    ),
                    Some(format!(
                        "give `{key}` a value for every period of `target`, or one number for all"
                    )),
                );
            }
        }
        let [exceeds, far_exceeds, best, worst] = thresholds;
        let order = [
            ("worst", worst.as_ref()),
            ("target", Some(target)),
            ("exceeds", exceeds.as_ref()),
            ("far_exceeds", far_exceeds.as_ref()),
            ("best", best.as_ref()),
        ];
        // The first pair out of order in each period; the same pair failing in several
        // periods (a threshold given as one number) is one problem.
        let mut problems: Vec<OrderProblem> = Vec::new();
        for kind in PeriodKind::ALL {
            if target.values[kind.index()].is_none() {
                continue;
            }
            let present: Vec<(&str, Decimal, Range<usize>)> = order
                .iter()
                .filter_map(|(key, t)| {
                    let t = (*t)?;
                    Some((*key, t.values[kind.index()]?, t.span.clone()))
                })
                .collect();
            let broken = present
                .windows(2)
                .find(|pair| better.reaches(pair[0].1, pair[1].1) && pair[0].1 != pair[1].1);
            if let Some([(low_key, low, _), (high_key, high, span)]) = broken {
                let low = (*low_key, *low);
                let high = (*high_key, *high);
                match problems.iter_mut().find(|p| p.low == low && p.high == high) {
                    Some(problem) => problem.kinds.push(kind.key()),
                    None => problems.push(OrderProblem {
                        low,
                        high,
                        span: span.clone(),
                        kinds: vec![kind.key()],
                    }),
                }
            }
        }
        let (rule, relation) = match better {
            Better::Higher => ("worst ≤ target ≤ exceeds ≤ far_exceeds ≤ best", "below"),
            Better::Lower => ("worst ≥ target ≥ exceeds ≥ far_exceeds ≥ best", "above"),
        };
        for OrderProblem {
            low,
            high,
            span,
            kinds,
        } in problems
        {
            self.error(
                span,
                format!(
                    "thresholds of `{id}` are out of order for {}: {} = {} is {relation} {} = {}",
                    kinds.join(", "),
                    high.0,
                    high.1.normalize(),
                    low.0,
                    low.1.normalize()
                ),
                Some(format!(
                    "with better = \"{}\" they must run {rule}",
                    better.key()
                )),
            );
        }
    }

    /// Duplicate ids and names, and names that clash with data-file columns.
    fn check_names(&mut self, indicators: &[(&Names, &[Range<usize>; 4])]) {
        // (text, case-insensitive?, which indicator, which field)
        let mut seen: Vec<(&str, bool, usize, &str)> = Vec::new();
        for (n, (names, spans)) in indicators.iter().enumerate() {
            let fields = [
                names.id.as_deref().map(|t| (t, true, "id")),
                names.name.as_deref().map(|t| (t, false, "name")),
                names.name_en.as_deref().map(|t| (t, true, "name_en")),
            ];
            for (k, field) in fields.into_iter().enumerate() {
                let Some((text, insensitive, field)) = field else {
                    continue;
                };
                let span = &spans[k + 1];
                if let Some(column) = Column::recognise(text) {
                    self.error(
                        span.clone(),
                        format!(
                            "{field} {text:?} is the name of the data column `{}`",
                            column.key()
                        ),
                        Some("choose another name, so data files stay unambiguous".into()),
                    );
                }
                let clash = seen.iter().find(|(other, other_insensitive, m, _)| {
                    *m != n
                        && if insensitive || *other_insensitive {
                            other.eq_ignore_ascii_case(text)
                        } else {
                            *other == text
                        }
                });
                if let Some((_, _, m, other_field)) = clash {
                    let other_id = indicators[*m]
                        .0
                        .id
                        .clone()
                        .unwrap_or_else(|| format!("#{}", m + 1));
                    self.error(
                        span.clone(),
                        format!("{field} {text:?} is already used as the {other_field} of indicator `{other_id}`"),
                        Some("ids, names and English names must each name one indicator".into()),
                    );
                }
            }
            for field in fields.into_iter().flatten() {
                seen.push((field.0, field.1, n, field.2));
            }
        }
    }

    fn check_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], context: &str) {
        for key in table.keys() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let hint = did_you_mean(key.get_ref(), allowed.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some(format!("known keys: {}", allowed.join(", "))));
                self.error(
                    key.span(),
                    format!("unknown key `{}` {context}", key.get_ref()),
                    hint,
                );
            }
        }
    }

    fn required<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        key: &str,
        span: &Range<usize>,
    ) -> Option<&'t Item<'i>> {
        let item = table.get(key);
        if item.is_none() {
            self.error(span.clone(), format!("indicator is missing `{key}`"), None);
        }
        item
    }

    fn table<'t, 'i>(&mut self, item: &'t Item<'i>, what: &str) -> Option<&'t DeTable<'i>> {
        match item.get_ref() {
            DeValue::Table(table) => Some(table),
            other => {
                self.error(
                    item.span(),
                    format!("{what} must be a table, not {}", type_name(other)),
                    None,
                );
                None
            }
        }
    }

    fn string(&mut self, item: &Item<'_>, key: &str) -> Option<String> {
        match item.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.error(
                    item.span(),
                    format!("`{key}` must be a string, not {}", type_name(other)),
                    None,
                );
                None
            }
        }
    }

    /// A string that must be one of `choices`, exactly.
    fn choice(&mut self, item: &Item<'_>, key: &str, choices: &[&str]) -> Option<String> {
        let value = self.string(item, key)?;
        if choices.contains(&value.as_str()) {
            return Some(value);
        }
        let list: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
        let hint =
            did_you_mean(&value, choices.iter().copied()).map(|s| format!("did you mean {s:?}?"));
        self.error(
            item.span(),
            format!("`{key}` must be one of {}, not {value:?}", list.join(", ")),
            hint,
        );
        None
    }

    /// A number, exactly as written.
    fn number(&mut self, item: &Item<'_>, key: &str) -> Option<Decimal> {
        let result = match item.get_ref() {
            DeValue::Integer(i) if i.radix() != 10 => i64::from_str_radix(i.as_str(), i.radix())
                .map(Decimal::from)
                .map_err(|_| ValueError::TooLarge),
            DeValue::Integer(i) => decimal_literal(i.as_str()),
            DeValue::Float(f) => decimal_literal(f.as_str()),
            other => {
                self.error(
                    item.span(),
                    format!("`{key}` must be a number, not {}", type_name(other)),
                    None,
                );
                return None;
            }
        };
        match result {
            Ok(d) => Some(d),
            Err(e) => {
                let message = match e {
                    ValueError::NotANumber => format!("`{key}` must be a finite number"),
                    ValueError::TooManyDigits => {
                        format!("`{key}` has more than {MAX_SIGNIFICANT_DIGITS} significant digits")
                    }
                    other => format!("`{key}`: {other}"),
                };
                self.error(item.span(), message, None);
                None
            }
        }
    }

    /// A threshold: one number for every period, or a table keyed by period.
    fn per_period(&mut self, item: &Item<'_>, key: &str) -> Option<PerPeriod> {
        let span = item.span();
        if let DeValue::Table(table) = item.get_ref() {
            let period_keys: Vec<&str> = PeriodKind::ALL.iter().map(|k| k.key()).collect();
            self.check_keys(
                table,
                &period_keys,
                &format!("in `{key}` (periods are month, quarter, half, year)"),
            );
            let mut values = [None; 4];
            for kind in PeriodKind::ALL {
                if let Some(v) = table.get(kind.key()) {
                    values[kind.index()] = self.number(v, &format!("{key}.{kind}"));
                }
            }
            return Some(PerPeriod {
                values,
                is_table: true,
                span,
            });
        }
        let value = self.number(item, key)?;
        Some(PerPeriod {
            values: [Some(value); 4],
            is_table: false,
            span,
        })
    }
}

/// A TOML number's text as an exact decimal, within the limits of §2.2 and §3.
fn decimal_literal(text: &str) -> Result<Decimal, ValueError> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    scan_number(&cleaned)
        .ok_or(ValueError::NotANumber)?
        .to_decimal(MAX_SIGNIFICANT_DIGITS)
}

fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}
