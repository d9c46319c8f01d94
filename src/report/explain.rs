//! `--explain`: the trace a reviewer needs to trust a number — where each value came
//! from, how values were combined, which breakpoints bracket the actual, the
//! interpolation with its numbers, the rounding, the effective weight and the points.
//!
//! Pure: it recomputes nothing the score module decides, only shows the arithmetic
//! behind it with the same exact decimals.

use rust_decimal::Decimal;

use crate::cards::{CardData, Part};
use crate::diag::quoted;
use crate::model::{
    Aggregate, BandPoints, Better, Indicator, Lang, Method, PeriodKind, Scorecard, Thresholds,
};
use crate::num::{fixed, plain};
use crate::read::value::Value;
use crate::score::{IndicatorScore, ScoredCard, breakpoints};
use crate::targets::TargetSource;

/// One indicator's trace, as lines of text.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    /// Each value used, with where it came from.
    pub sources: Vec<String>,
    /// How several values became one, when they did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub combined: Option<String>,
    /// From the actual to the points.
    pub steps: Vec<String>,
}

/// Places shown of a quotient that does not end: enough to check by hand.
const SHOWN_PLACES: u32 = 6;

/// An exact quotient for reading: `65.714285…` when it goes on, `67.5` when it ends.
fn quotient(numerator: Decimal, denominator: Decimal) -> String {
    match numerator.checked_div(denominator) {
        Some(q) => {
            let shown = q.round_dp(SHOWN_PLACES);
            if shown == q {
                plain(q)
            } else {
                format!("{}…", plain(q.trunc_with_scale(SHOWN_PLACES)))
            }
        }
        None => "?".to_string(),
    }
}

/// A value as written in the data, with its unit.
fn written(value: &Value, unit: &str) -> String {
    match value.parts {
        Some((a, b)) => format!("{}/{}", plain(a), plain(b)),
        None => with_unit(value.amount, unit),
    }
}

fn with_unit(value: Decimal, unit: &str) -> String {
    match unit {
        "" => plain(value),
        "%" => format!("{}%", plain(value)),
        unit => format!("{} {unit}", plain(value)),
    }
}

/// Explains every indicator of a scored card. `files` names the data files.
pub fn explain_card(
    def: &Scorecard,
    card: &CardData,
    scored: &ScoredCard,
    files: &[String],
    lang: Option<Lang>,
) -> Vec<Explanation> {
    let score = &scored.score;
    let total_weight: Decimal = def
        .indicators
        .iter()
        .zip(&score.indicators)
        .filter(|(_, line)| line.effective_weight.is_some())
        .map(|(i, _)| i.weight)
        .sum();
    def.indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| {
            let mut explanation = Explanation::default();
            let unit = indicator.unit_in(lang);
            let place = |loc: crate::read::rows::Loc| {
                format!("{}:{}:{}", files[loc.file], loc.line, loc.col)
            };
            match card.parts.get(i) {
                Some(parts) if !card.parts.is_empty() => {
                    explanation.sources = parts
                        .iter()
                        .map(|p| {
                            format!(
                                "{} {} ({})",
                                p.period,
                                written(&p.value, unit),
                                place(p.loc)
                            )
                        })
                        .collect();
                    if let Some(v) = card.values[i].as_ref().and_then(|o| o.value) {
                        explanation.combined = Some(combination(indicator, unit, parts, &v));
                    }
                }
                _ => {
                    if let Some(observation) = &card.values[i] {
                        let text = match observation.value {
                            Some(v) => match v.parts {
                                Some((a, b)) => {
                                    let scale = if unit == "%" { " × 100" } else { "" };
                                    format!(
                                        "{} = {}{scale} = {} (rounded half-up to 4 places)",
                                        written(&v, unit),
                                        quotient(a, b),
                                        with_unit(v.amount, unit)
                                    )
                                }
                                None => with_unit(v.amount, unit),
                            },
                            None => "no value".to_string(),
                        };
                        explanation
                            .sources
                            .push(format!("{text} ({})", place(observation.loc)));
                    }
                }
            }
            explanation.steps = steps(
                def,
                indicator,
                unit,
                card.key.kind,
                scored.thresholds(def, i),
                &score.indicators[i],
                total_weight,
            );
            // With a targets file, where the subject's target came from (SPEC §2.4).
            let subject = quoted(&card.key.subject);
            let said = match scored.targets.as_ref().map(|t| (t, t.sources.get(i))) {
                Some((in_force, Some(TargetSource::Line(line)))) => {
                    scored.thresholds(def, i).map(|t| {
                        format!(
                            "target {} for {subject} from {}:{line}",
                            with_unit(t.target, unit),
                            in_force.file
                        )
                    })
                }
                Some((in_force, Some(TargetSource::NotAssessed(Some(line))))) => {
                    // Said instead of "no month target", which the card has.
                    explanation.steps.clear();
                    Some(format!(
                        "not assessed for {subject} by {}:{line}",
                        in_force.file
                    ))
                }
                _ => None,
            };
            if let Some(said) = said {
                explanation.steps.insert(0, said);
            }
            explanation
        })
        .collect()
}

/// How the parts of a rolled-up value were combined.
fn combination(indicator: &Indicator, unit: &str, parts: &[Part], result: &Value) -> String {
    let amounts: Vec<String> = parts.iter().map(|p| plain(p.value.amount)).collect();
    let shown = with_unit(result.amount, unit);
    let n = parts.len();
    match indicator.aggregate {
        Aggregate::Sum => format!("sum {} = {shown}", amounts.join(" + ")),
        Aggregate::Mean => format!(
            "mean ({}) / {n} = {shown} (rounded half-up to 4 places)",
            amounts.join(" + ")
        ),
        Aggregate::Last => format!("last: {shown}"),
        Aggregate::Min => format!("min of {} = {shown}", amounts.join(", ")),
        Aggregate::Max => format!("max of {} = {shown}", amounts.join(", ")),
        Aggregate::Ratio => match result.parts {
            Some((a, b)) => {
                let scale = if unit == "%" { " × 100" } else { "" };
                format!(
                    "ratio of sums {}/{} = {}{scale} = {shown} (rounded half-up to 4 places)",
                    plain(a),
                    plain(b),
                    quotient(a, b)
                )
            }
            None => format!(
                "mean ({}) / {n} = {shown} (rounded half-up to 4 places)",
                amounts.join(" + ")
            ),
        },
    }
}

/// From the actual to the score, then to the points.
fn steps(
    def: &Scorecard,
    indicator: &Indicator,
    unit: &str,
    kind: PeriodKind,
    thresholds: Option<&Thresholds>,
    line: &IndicatorScore,
    total_weight: Decimal,
) -> Vec<String> {
    let Some(thresholds) = thresholds else {
        return vec![format!("no {kind} target: not assessed")];
    };
    let (Some(v), Some(score)) = (line.actual, line.score) else {
        return match line.score {
            Some(_) => vec![
                "no value: scored 0 (--missing zero)".to_string(),
                weights(indicator, line, total_weight),
            ],
            None => vec![
                "no value: left out, its weight shared among the rest (--missing skip)".to_string(),
            ],
        };
    };
    let mut steps = match indicator.method {
        Method::Bands => band_steps(indicator.better, thresholds, &def.bands, v, unit),
        Method::PassFail => {
            let reached = indicator.better.reaches(v, thresholds.target);
            vec![format!(
                "pass/fail: {} {} target {} → {}",
                with_unit(v, unit),
                if reached { "reaches" } else { "does not reach" },
                with_unit(thresholds.target, unit),
                plain(score)
            )]
        }
        Method::Deduct { per_unit } => {
            let target = thresholds.target;
            if indicator.better.reaches(v, target) {
                vec![format!(
                    "deduct: {} reaches target {}: nothing deducted → 100",
                    with_unit(v, unit),
                    with_unit(target, unit)
                )]
            } else {
                let shortfall = (v - target).abs();
                vec![format!(
                    "deduct: shortfall {}; 100 − {} × {} = {} → {} (at least 0)",
                    plain(shortfall),
                    plain(per_unit),
                    plain(shortfall),
                    plain(Decimal::ONE_HUNDRED - per_unit * shortfall),
                    fixed(score, 2)
                )]
            }
        }
        Method::Ratio { cap } => {
            let target = thresholds.target;
            let raw = match indicator.better {
                Better::Higher => format!(
                    "100 × {} / {} = {}",
                    plain(v),
                    plain(target),
                    quotient(Decimal::ONE_HUNDRED * v, target)
                ),
                Better::Lower if v <= Decimal::ZERO => {
                    format!("{} is not above 0: the cap", plain(v))
                }
                Better::Lower => format!(
                    "100 × {} / {} = {}",
                    plain(target),
                    plain(v),
                    quotient(Decimal::ONE_HUNDRED * target, v)
                ),
            };
            vec![format!(
                "ratio: {raw}, kept within 0 and {} → {}",
                plain(cap),
                fixed(score, 2)
            )]
        }
    };
    steps.push(weights(indicator, line, total_weight));
    steps
}

fn band_steps(
    better: Better,
    t: &Thresholds,
    bands: &BandPoints,
    v: Decimal,
    unit: &str,
) -> Vec<String> {
    let points = breakpoints(t, bands);
    let list: Vec<String> = points
        .iter()
        .map(|b| {
            format!(
                "{} {} → {}",
                b.name,
                with_unit(b.value, unit),
                plain(b.points)
            )
        })
        .collect();
    let mut steps = vec![format!("breakpoints, worst to best: {}", list.join(", "))];
    let shown = with_unit(v, unit);
    let reached = points.iter().rposition(|b| better.reaches(v, b.value));
    match reached {
        None => {
            let first = &points[0];
            steps.push(format!(
                "{shown} does not reach {} {}: 0 points",
                first.name,
                with_unit(first.value, unit)
            ));
        }
        Some(k) if k + 1 == points.len() => {
            let last = &points[k];
            steps.push(format!(
                "{shown} reaches {} {}: {} points",
                last.name,
                with_unit(last.value, unit),
                plain(last.points)
            ));
        }
        Some(k) => {
            let (lo, hi) = (&points[k], &points[k + 1]);
            steps.push(format!(
                "{shown} is between {} {} ({} points) and {} {} ({} points)",
                lo.name,
                with_unit(lo.value, unit),
                plain(lo.points),
                hi.name,
                with_unit(hi.value, unit),
                plain(hi.points)
            ));
            let numerator =
                lo.points * (hi.value - lo.value) + (hi.points - lo.points) * (v - lo.value);
            let exact = quotient(numerator, hi.value - lo.value);
            steps.push(format!(
                "{} + ({} − {}) × ({} − {}) / ({} − {}) = {exact} → {} (rounded half-up to 2 places)",
                plain(lo.points),
                plain(hi.points),
                plain(lo.points),
                plain(v),
                plain(lo.value),
                plain(hi.value),
                plain(lo.value),
                fixed(crate::num::div_half_up(numerator, hi.value - lo.value, 2).unwrap_or_default(), 2)
            ));
        }
    }
    steps
}

fn weights(indicator: &Indicator, line: &IndicatorScore, total_weight: Decimal) -> String {
    let (Some(score), Some(effective), Some(points)) =
        (line.score, line.effective_weight, line.points)
    else {
        return String::new();
    };
    let w = plain(indicator.weight);
    let total = plain(total_weight);
    format!(
        "effective weight {w} × 100 / {total} = {}; points {} × {w} / {total} = {} → {}",
        fixed(effective, 2),
        fixed(score, 2),
        quotient(score * indicator.weight, total_weight),
        fixed(points, 2)
    )
}
