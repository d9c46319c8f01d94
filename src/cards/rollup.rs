//! Rolling periods up (SPEC §6): monthly (or quarterly, half-yearly) cards combined
//! into coarser ones by each indicator's `aggregate`, with every constituent period
//! required unless `--partial`.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::cards::{CardData, CardKey, Grouping, Part};
use crate::diag::Diagnostic;
use crate::model::{Aggregate, Indicator, PeriodKind};
use crate::num::{div_half_up, round_half_up};
use crate::period::Period;
use crate::read::rows::{Loc, Observation};
use crate::read::value::Value;

/// Places every rolled-up value is rounded to.
const PLACES: u32 = 4;

/// Why values cannot be combined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CombineError {
    /// `ratio` over values some of which are `a/b` and some not.
    MixedRatio,
    /// Σb = 0 for a ratio of sums.
    ZeroDenominator,
    /// The result is out of the range of an exact decimal.
    Overflow,
}

/// Combines one indicator's values (in period order) by its aggregate, rounded to 4 places.
pub fn combine(indicator: &Indicator, values: &[Value]) -> Result<Value, CombineError> {
    let amounts = values.iter().map(|v| v.amount);
    let count = Decimal::from(values.len());
    let mean = |total: Decimal| div_half_up(total, count, PLACES).ok_or(CombineError::Overflow);
    let plain = |amount: Decimal| Value {
        amount: round_half_up(amount, PLACES),
        parts: None,
    };
    Ok(match indicator.aggregate {
        Aggregate::Sum => plain(checked_sum(amounts.clone())?),
        Aggregate::Mean => plain(mean(checked_sum(amounts.clone())?)?),
        Aggregate::Last => plain(values.last().map_or(Decimal::ZERO, |v| v.amount)),
        Aggregate::Min => plain(amounts.clone().min().unwrap_or_default()),
        Aggregate::Max => plain(amounts.clone().max().unwrap_or_default()),
        Aggregate::Ratio => {
            let with_parts = values.iter().filter(|v| v.parts.is_some()).count();
            if with_parts == 0 {
                plain(mean(checked_sum(amounts.clone())?)?)
            } else if with_parts < values.len() {
                return Err(CombineError::MixedRatio);
            } else {
                let parts: Vec<(Decimal, Decimal)> =
                    values.iter().filter_map(|v| v.parts).collect();
                let a = checked_sum(parts.iter().map(|p| p.0))?;
                let b = checked_sum(parts.iter().map(|p| p.1))?;
                if b.is_zero() {
                    return Err(CombineError::ZeroDenominator);
                }
                let numerator = if indicator.unit == "%" {
                    a.checked_mul(Decimal::ONE_HUNDRED)
                        .ok_or(CombineError::Overflow)?
                } else {
                    a
                };
                Value {
                    amount: div_half_up(numerator, b, PLACES).ok_or(CombineError::Overflow)?,
                    parts: Some((a, b)),
                }
            }
        }
    })
}

fn checked_sum(mut values: impl Iterator<Item = Decimal>) -> Result<Decimal, CombineError> {
    values
        .try_fold(Decimal::ZERO, |acc, x| acc.checked_add(x))
        .ok_or(CombineError::Overflow)
}

/// Cards finer than `kind`, grouped by the card of `kind` they fall in, in print order.
fn group_by_target(cards: &[CardData], kind: PeriodKind) -> Vec<(CardKey, Vec<&CardData>)> {
    let mut groups: Vec<(CardKey, Vec<&CardData>)> = Vec::new();
    let mut index: HashMap<CardKey, usize> = HashMap::new();
    for card in cards {
        let Some(target) = card
            .key
            .period
            .filter(|p| p.kind < kind)
            .and_then(|p| p.within(kind))
        else {
            continue;
        };
        let key = CardKey {
            subject: card.key.subject.clone(),
            period: Some(target),
            kind,
        };
        let n = *index.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[n].1.push(card);
    }
    groups
}

/// Rolls every card (of one subject and year, or more) finer than `kind` up into cards of `kind`. Cards
/// already of that kind pass through.
pub fn roll_up(
    how: &Grouping<'_>,
    cards: &[CardData],
    kind: PeriodKind,
) -> (Vec<CardData>, Vec<Diagnostic>) {
    let files = how.files;
    let mut diagnostics = Vec::new();
    let mut out: Vec<CardData> = cards
        .iter()
        .filter(|c| c.key.period.is_none_or(|p| p.kind >= kind))
        .cloned()
        .collect();
    // A card of the target kind beside finer ones for the same period is ambiguous.
    let passed: HashMap<&CardKey, &CardData> = out.iter().map(|c| (&c.key, c)).collect();
    let mut rolled = Vec::new();
    for (key, group) in &group_by_target(cards, kind) {
        if let Some(existing) = passed.get(key) {
            let at = existing.first;
            let part = group[0];
            diagnostics.push(
                Diagnostic::error(
                    &files[at.file],
                    at.line,
                    at.col,
                    format!(
                        "{} is given directly and also as {} rows to roll up (such as {}:{})",
                        key.describe(),
                        part.key.kind,
                        files[part.first.file],
                        part.first.line
                    ),
                )
                .with_offset(at.offset)
                .with_hint(Some(
                    "give each period once: either the total or its parts".into(),
                )),
            );
            continue;
        }
        if let Some(card) = roll_group(how, key, group, &mut diagnostics) {
            rolled.push(card);
        }
    }
    out.extend(rolled);
    out.sort_by(|a, b| a.key.sort_key().cmp(&b.key.sort_key()));
    (out, diagnostics)
}

/// `--period all`: every card the data supports — each card as read, and each
/// quarter, half and year whose constituent periods are all there (with `--partial`,
/// any that has some).
pub fn roll_up_all(how: &Grouping<'_>, cards: &[CardData]) -> (Vec<CardData>, Vec<Diagnostic>) {
    let partial = how.partial;
    let mut diagnostics = Vec::new();
    let mut out: Vec<CardData> = cards.to_vec();
    for kind in [PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year] {
        for (key, group) in group_by_target(cards, kind) {
            if cards.iter().any(|c| c.key == key) {
                continue; // given directly
            }
            // Rolled from the finest kind there is, so that months, not quarters, make a year.
            let finest = group
                .iter()
                .map(|c| c.key.kind)
                .min()
                .unwrap_or(PeriodKind::Month);
            let group: Vec<&CardData> =
                group.into_iter().filter(|c| c.key.kind == finest).collect();
            let Some(target) = key.period else { continue };
            let complete = target
                .constituents(finest)
                .iter()
                .all(|p| group.iter().any(|c| c.key.period == Some(*p)));
            if !complete && !partial {
                continue;
            }
            if let Some(card) = roll_group(how, &key, &group, &mut diagnostics) {
                out.push(card);
            }
        }
    }
    out.sort_by(|a, b| a.key.sort_key().cmp(&b.key.sort_key()));
    (out, diagnostics)
}

pub(crate) fn roll_group(
    how: &Grouping<'_>,
    key: &CardKey,
    cards: &[&CardData],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CardData> {
    let (def, files, names, partial) = (how.def, how.files, how.names, how.partial);
    // A roll-up is scored against the subject's thresholds for the coarser period.
    let in_force = how.in_force(key);
    let first = cards[0].first;
    let here = |loc: Loc, message: String, hint: &str| {
        Diagnostic::error(&files[loc.file], loc.line, loc.col, message)
            .with_offset(loc.offset)
            .with_hint(Some(hint.to_string()))
    };
    let data_kind = cards[0].key.kind;
    if let Some(other) = cards.iter().find(|c| c.key.kind != data_kind) {
        diagnostics.push(here(
            other.first,
            format!(
                "{} mixes {} and {} rows; rolling up needs one kind",
                key.describe(),
                data_kind,
                other.key.kind
            ),
            "give every row of a subject the same kind of period",
        ));
        return None;
    }
    let target = key.period?;
    let constituents = target.constituents(data_kind);
    let mut values = Vec::with_capacity(def.indicators.len());
    let mut all_parts = Vec::with_capacity(def.indicators.len());
    let mut gaps = Vec::new();
    // Problems of several indicators of this card are given once, listing them.
    let mut missing_periods_of: Vec<(usize, Vec<Period>)> = Vec::new();
    let mut uncombined: Vec<(usize, CombineError, Loc)> = Vec::new();
    // Assessed indicators with values for the card: when every one lacks the same
    // periods, the message says so rather than list them all.
    let mut with_values = 0;
    for (i, indicator) in def.indicators.iter().enumerate() {
        let mut given: Vec<(Period, &Observation)> = Vec::new();
        let mut invalid = false;
        for card in cards {
            if let (Some(period), Some(observation)) = (card.key.period, &card.values[i]) {
                invalid |= observation.invalid;
                if observation.value.is_some() {
                    given.push((period, observation));
                }
            }
        }
        given.sort_by_key(|(p, _)| p.sort_key());
        let loc = given.first().map_or(first, |(_, o)| o.loc);
        all_parts.push(
            given
                .iter()
                .filter_map(|(period, o)| {
                    o.value.map(|value| Part {
                        period: *period,
                        value,
                        loc: o.loc,
                    })
                })
                .collect::<Vec<Part>>(),
        );
        if invalid {
            values.push(Some(Observation {
                value: None,
                invalid: true,
                loc,
            }));
            continue;
        }
        if given.is_empty() {
            values.push(None);
            continue;
        }
        let assessed = how.assessed(in_force.as_ref(), key, i);
        if assessed {
            with_values += 1;
        }
        let missing_periods: Vec<Period> = constituents
            .iter()
            .filter(|p| !given.iter().any(|(g, _)| g == *p))
            .copied()
            .collect();
        if assessed && !missing_periods.is_empty() {
            missing_periods_of.push((i, missing_periods.clone()));
            if partial {
                gaps.push((i, missing_periods));
            } else {
                values.push(Some(Observation {
                    value: None,
                    invalid: true,
                    loc,
                }));
                continue;
            }
        }
        let parts: Vec<Value> = given.iter().filter_map(|(_, o)| o.value).collect();
        match combine(indicator, &parts) {
            Ok(value) => values.push(Some(Observation {
                value: Some(value),
                invalid: false,
                loc,
            })),
            Err(error) => {
                if assessed {
                    uncombined.push((i, error, loc));
                }
                values.push(Some(Observation {
                    value: None,
                    invalid: true,
                    loc,
                }));
            }
        }
    }
    if !missing_periods_of.is_empty() {
        let message = missing_message(
            names,
            key,
            &missing_periods_of,
            with_values,
            (constituents.len(), data_kind),
        );
        diagnostics.push(if partial {
            Diagnostic::warning(
                &files[first.file],
                first.line,
                first.col,
                format!("{message}; combined the values there are"),
            )
            .with_offset(first.offset)
        } else {
            here(
                first,
                message,
                "add the missing periods, or use --partial to combine the values there are",
            )
        });
    }
    for kind in [
        CombineError::MixedRatio,
        CombineError::ZeroDenominator,
        CombineError::Overflow,
    ] {
        let of_kind: Vec<&(usize, CombineError, Loc)> =
            uncombined.iter().filter(|(_, e, _)| *e == kind).collect();
        let Some(&&(_, _, at)) = of_kind.first() else {
            continue;
        };
        let ids = ids(names, of_kind.iter().map(|(i, _, _)| *i));
        let (one, many) = (of_kind.len() == 1, key.describe());
        let message = match kind {
            CombineError::MixedRatio if one => format!(
                "{ids} for {many} mixes a/b values with plain ones; aggregate = \"ratio\" needs one form"
            ),
            CombineError::MixedRatio => format!(
                "{ids} for {many} mix a/b values with plain ones; aggregate = \"ratio\" needs one form"
            ),
            CombineError::ZeroDenominator if one => {
                format!("{ids} for {many}: the denominators of its a/b values sum to 0")
            }
            CombineError::ZeroDenominator => {
                format!("{ids} for {many}: the denominators of each one's a/b values sum to 0")
            }
            CombineError::Overflow if one => {
                format!("{ids} for {many}: the combined value is too large")
            }
            CombineError::Overflow => {
                format!("{ids} for {many}: the combined values are too large")
            }
        };
        diagnostics.push(here(
            at,
            message,
            "write every value of an indicator the same way, as a/b or as a number",
        ));
    }
    Some(CardData {
        key: key.clone(),
        first,
        values,
        parts: all_parts,
        gaps,
        targets: in_force,
    })
}

/// Indicators as messages list them, by their `names` (`客户投诉量 (complaints)`).
fn ids(names: &[String], indicators: impl Iterator<Item = usize>) -> String {
    indicators
        .map(|i| names[i].as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The periods a card's indicators lack, in one message: by indicator when one lacks
/// them or all lack the same (counted when they are all those given, and many), else
/// by period. `with_values` indicators were looked
/// at; `(constituents, data_kind)` is what the card is made of (3 months).
fn missing_message(
    names: &[String],
    key: &CardKey,
    missing: &[(usize, Vec<Period>)],
    with_values: usize,
    (constituents, data_kind): (usize, PeriodKind),
) -> String {
    let labels = |periods: &[Period]| {
        periods
            .iter()
            .map(Period::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let all = ids(names, missing.iter().map(|(i, _)| *i));
    let describe = key.describe();
    let (first, rest) = (&missing[0].1, &missing[1..]);
    if rest.is_empty() {
        return format!(
            "{all} for {describe} has no value for {} of its {constituents} {data_kind}s",
            labels(first)
        );
    }
    let same = rest.iter().all(|(_, periods)| periods == first);
    // Listing a few indicators helps; listing eleven is noise.
    if same && missing.len() == with_values && missing.len() > 3 {
        return format!(
            "{describe} has no value for {} of its {constituents} {data_kind}s, for any of the {} indicators given",
            labels(first),
            missing.len()
        );
    }
    if same {
        return format!(
            "{all} for {describe} have no value for {} of its {constituents} {data_kind}s",
            labels(first)
        );
    }
    let mut periods: Vec<Period> = missing
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .collect();
    periods.sort_by_key(|p| p.sort_key());
    periods.dedup();
    let by_period: Vec<String> = periods
        .iter()
        .map(|period| {
            let lacking = missing
                .iter()
                .filter(|(_, p)| p.contains(period))
                .map(|(i, _)| *i);
            format!("{period} ({})", ids(names, lacking))
        })
        .collect();
    format!(
        "{all} for {describe} have no value for some of its {constituents} {data_kind}s: {}",
        by_period.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Better, Method};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn indicator(unit: &str, aggregate: Aggregate) -> Indicator {
        Indicator {
            id: "x".into(),
            name: "x".into(),
            name_en: None,
            unit_en: None,
            unit: unit.into(),
            better: Better::Higher,
            weight: d("100"),
            aggregate,
            method: Method::Bands,
            periods: [None; 4],
        }
    }

    fn v(text: &str, unit: &str) -> Value {
        crate::read::value::parse_value(text, unit)
            .unwrap()
            .unwrap()
    }

    fn amount(unit: &str, aggregate: Aggregate, cells: &[&str]) -> Result<Decimal, CombineError> {
        let values: Vec<Value> = cells.iter().map(|c| v(c, unit)).collect();
        combine(&indicator(unit, aggregate), &values).map(|v| v.amount)
    }

    #[test]
    fn ratio_of_sums_not_the_average_of_rates() {
        // 2/4 and 2/100: 4/104 = 3.8462%, where averaging the rates gives 26%.
        assert_eq!(
            amount("%", Aggregate::Ratio, &["2/4", "2/100"]),
            Ok(d("3.8462"))
        );
        assert_eq!(
            amount("%", Aggregate::Ratio, &["2/4", "2/100", "0/20"]),
            Ok(d("3.2258"))
        );
        assert_eq!(
            amount("次/台", Aggregate::Ratio, &["270/100", "30/50"]),
            Ok(d("2"))
        );
    }

    #[test]
    fn ratio_of_plain_values_is_their_mean_and_mixed_forms_are_an_error() {
        assert_eq!(
            amount("%", Aggregate::Ratio, &["95", "90.5", "88"]),
            Ok(d("91.1667"))
        );
        assert_eq!(
            amount("%", Aggregate::Ratio, &["95", "9/10"]),
            Err(CombineError::MixedRatio)
        );
        assert_eq!(
            amount("%", Aggregate::Ratio, &["1/2", "3/4"]),
            Ok(d("66.6667"))
        );
        assert_eq!(
            amount("%", Aggregate::Ratio, &["1/2", "1/-2"]),
            Err(CombineError::ZeroDenominator)
        );
    }

    #[test]
    fn sum_mean_last_min_max() {
        let cells = ["1", "0", "2"];
        assert_eq!(amount("次", Aggregate::Sum, &cells), Ok(d("3")));
        assert_eq!(amount("次", Aggregate::Mean, &cells), Ok(d("1")));
        assert_eq!(amount("次", Aggregate::Last, &cells), Ok(d("2")));
        assert_eq!(amount("次", Aggregate::Min, &cells), Ok(d("0")));
        assert_eq!(amount("次", Aggregate::Max, &cells), Ok(d("2")));
        // means round half-up to 4 places: 0.00005 → 0.0001
        assert_eq!(
            amount("", Aggregate::Mean, &["0.0001", "0"]),
            Ok(d("0.0001"))
        );
        assert_eq!(
            amount("", Aggregate::Mean, &["1", "1", "2"]),
            Ok(d("1.3333"))
        );
    }
}
