//! The scoring math of SPEC §4 and §4.1: pure functions from a definition and values
//! to scores, bands, effective weights and points. No I/O, no error text: problems
//! come back as `CardError`s for the caller to locate.

use rust_decimal::Decimal;

use crate::model::{
    Band, BandPoints, Better, Indicator, Method, PeriodKind, Scorecard, Thresholds,
};
use crate::num::{div_half_up, interpolate_scaled, mantissa_at, mul_div_half_up, round_half_up};
use crate::targets::InForce;

/// What `--missing` says to do with an assessed indicator that has no value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingPolicy {
    #[default]
    Error,
    /// Score 0, band `below`, weight kept.
    Zero,
    /// Band `missing`, left out of `W`.
    Skip,
}

/// One indicator's line on a scorecard. Absent numbers are `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorScore {
    pub target: Option<Decimal>,
    pub actual: Option<Decimal>,
    pub band: Band,
    pub score: Option<Decimal>,
    pub effective_weight: Option<Decimal>,
    pub points: Option<Decimal>,
}

/// A scored card: the total (the exact sum of the points) and each indicator's line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardScore {
    pub total: Decimal,
    pub band: Band,
    pub indicators: Vec<IndicatorScore>,
}

/// A scored card with what it is for: the renderers' input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoredCard {
    pub subject: String,
    /// The normalised period label; empty when the data has none.
    pub period: String,
    pub kind: PeriodKind,
    pub score: CardScore,
    /// Per indicator (by index), the periods that had no value when rolled up under
    /// `--partial`.
    pub gaps: Vec<(usize, Vec<String>)>,
    /// The subject's thresholds, when a targets file is in force (SPEC §2.4);
    /// `None`: the card's.
    pub targets: Option<std::sync::Arc<InForce>>,
}

impl ScoredCard {
    /// The thresholds indicator `i` was scored against; `None`: not assessed.
    pub fn thresholds<'a>(&'a self, def: &'a Scorecard, i: usize) -> Option<&'a Thresholds> {
        let of = match &self.targets {
            Some(in_force) => ThresholdsOf::Subject(&in_force.thresholds),
            None => ThresholdsOf::Card(self.kind),
        };
        of.get(def, i)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardError {
    /// The indicator at this index is assessed but has no value.
    MissingValue(usize),
    /// No assessed indicator has a value: `W` = 0.
    NothingToScore,
}

/// The band a rounded score falls in.
pub fn band_of(score: Decimal, bands: &BandPoints) -> Band {
    if score >= bands.far_exceeds {
        Band::FarExceeds
    } else if score >= bands.exceeds {
        Band::Exceeds
    } else if score >= bands.meets {
        Band::Meets
    } else {
        Band::Below
    }
}

/// The score of value `v` for one indicator in one period, rounded half-up to 2 places.
pub fn score_value(
    method: Method,
    better: Better,
    thresholds: &Thresholds,
    bands: &BandPoints,
    v: Decimal,
) -> Decimal {
    let hundred = Decimal::ONE_HUNDRED;
    let target = thresholds.target;
    match method {
        Method::Bands => interpolate(better, thresholds, bands, v),
        Method::PassFail => {
            if better.reaches(v, target) {
                hundred
            } else {
                Decimal::ZERO
            }
        }
        Method::Deduct { per_unit } => {
            let shortfall = match better {
                _ if better.reaches(v, target) => Decimal::ZERO,
                Better::Higher => target - v,
                Better::Lower => v - target,
            };
            let deducted = per_unit.checked_mul(shortfall).unwrap_or(Decimal::MAX);
            round_half_up((hundred - deducted.min(hundred)).max(Decimal::ZERO), 2)
        }
        Method::Ratio { cap } => {
            // Rounding is monotone, so rounding before the clamps is the same as after.
            let cap = round_half_up(cap, 2);
            let raw = match better {
                Better::Higher if v <= Decimal::ZERO => return Decimal::ZERO,
                Better::Lower if v <= Decimal::ZERO => return cap,
                Better::Higher => div_half_up(hundred * v, target, 2),
                Better::Lower => div_half_up(hundred * target, v, 2),
            };
            raw.unwrap_or(cap).min(cap).max(Decimal::ZERO)
        }
    }
}

/// One breakpoint of §4 step 1: a threshold and the points it is worth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Breakpoint {
    pub name: &'static str,
    pub value: Decimal,
    pub points: Decimal,
}

/// The breakpoints present, from worst to best: worst → 0, target → meets, exceeds →
/// exceeds, far_exceeds → far_exceeds, best → 100.
pub fn breakpoints(t: &Thresholds, bands: &BandPoints) -> Vec<Breakpoint> {
    each_breakpoint(t, bands).collect()
}

fn each_breakpoint(t: &Thresholds, bands: &BandPoints) -> impl Iterator<Item = Breakpoint> {
    [
        ("worst", t.worst, Decimal::ZERO),
        ("target", Some(t.target), bands.meets),
        ("exceeds", t.exceeds, bands.exceeds),
        ("far_exceeds", t.far_exceeds, bands.far_exceeds),
        ("best", t.best, Decimal::ONE_HUNDRED),
    ]
    .into_iter()
    .filter_map(|(name, value, points)| {
        value.map(|value| Breakpoint {
            name,
            value,
            points,
        })
    })
}

/// §4 steps 1–3: the last breakpoint reached, and a linear interpolation towards the
/// next, rounded once at the end. (Scored a million times in a batch: the breakpoints
/// are kept on the stack.)
fn interpolate(better: Better, t: &Thresholds, bands: &BandPoints, v: Decimal) -> Decimal {
    let mut points = [None; 5];
    for (slot, point) in points.iter_mut().zip(each_breakpoint(t, bands)) {
        *slot = Some(point);
    }
    let Some(k) = points
        .iter()
        .rposition(|b| b.is_some_and(|b| better.reaches(v, b.value)))
    else {
        return Decimal::ZERO;
    };
    let Some(low) = points[k] else {
        return Decimal::ZERO;
    };
    let Some(Some(high)) = points.get(k + 1) else {
        return round_half_up(low.points, 2);
    };
    // P_k + (P_k+1 − P_k)(v − b_k) / (b_k+1 − b_k), as one exact quotient:
    // b_k+1 ≠ b_k, since v reaches b_k and not b_k+1.
    crate::num::interpolate_half_up((low.value, low.points), (high.value, high.points), v, 2)
        .unwrap_or(Decimal::ZERO)
}

/// Which thresholds a card is scored against.
#[derive(Clone, Copy, Debug)]
pub enum ThresholdsOf<'a> {
    /// The scorecard's own for a period kind.
    Card(PeriodKind),
    /// A subject's (SPEC §2.4), indexed like the indicators; `None`: not assessed.
    Subject(&'a [Option<Thresholds>]),
}

impl<'a> ThresholdsOf<'a> {
    pub fn get(self, def: &'a Scorecard, i: usize) -> Option<&'a Thresholds> {
        match self {
            ThresholdsOf::Card(kind) => def.indicators.get(i)?.thresholds(kind),
            ThresholdsOf::Subject(thresholds) => thresholds.get(i)?.as_ref(),
        }
    }
}

/// Scores one card: every indicator of `def` against the thresholds in force for
/// it, with `actuals` indexed like `def.indicators`. (To score many cards, make a
/// `Scorer` once.)
pub fn score_card(
    def: &Scorecard,
    thresholds: ThresholdsOf<'_>,
    actuals: &[Option<Decimal>],
    missing: MissingPolicy,
) -> Result<CardScore, Vec<CardError>> {
    Scorer::new(def).score_card(thresholds, actuals, missing)
}

/// Scores the cards of one scorecard. Its own thresholds are made ready once, as
/// integers at one scale (`Ready`): a batch scores millions of values against a few
/// dozen sets of thresholds.
pub struct Scorer<'a> {
    def: &'a Scorecard,
    /// Per period kind (by `PeriodKind::index`), per indicator.
    ready: [Vec<Option<Ready>>; 4],
    /// The band points (meets, exceeds, far exceeds) as mantissas at 2 places, the
    /// places of scores and totals.
    bands: Option<[i128; 3]>,
}

impl<'a> Scorer<'a> {
    pub fn new(def: &'a Scorecard) -> Scorer<'a> {
        // Only banded scoring compares a value with breakpoints.
        let ready = PeriodKind::ALL.map(|kind| {
            def.indicators
                .iter()
                .map(|indicator| match indicator.method {
                    Method::Bands => Ready::new(indicator.thresholds(kind)?, &def.bands),
                    _ => None,
                })
                .collect()
        });
        let b = &def.bands;
        let bands = match [b.meets, b.exceeds, b.far_exceeds].map(|d| mantissa_at(d, 2)) {
            [Some(meets), Some(exceeds), Some(far_exceeds)] => Some([meets, exceeds, far_exceeds]),
            _ => None,
        };
        Scorer { def, ready, bands }
    }

    /// `band_of` a score or total, in integers.
    fn band(&self, score: Decimal) -> Band {
        match (self.bands, mantissa_at(score, 2)) {
            (Some([meets, exceeds, far_exceeds]), Some(s)) => match s {
                _ if s >= far_exceeds => Band::FarExceeds,
                _ if s >= exceeds => Band::Exceeds,
                _ if s >= meets => Band::Meets,
                _ => Band::Below,
            },
            _ => band_of(score, &self.def.bands),
        }
    }

    /// Scores one card: every indicator against the thresholds in force for it, with
    /// `actuals` indexed like the indicators.
    pub fn score_card(
        &self,
        thresholds: ThresholdsOf<'_>,
        actuals: &[Option<Decimal>],
        missing: MissingPolicy,
    ) -> Result<CardScore, Vec<CardError>> {
        let def = self.def;
        let mut errors = Vec::new();
        // First pass: scores, and W over what is scored.
        let mut lines: Vec<(Option<Decimal>, IndicatorScore)> =
            Vec::with_capacity(def.indicators.len());
        let mut total_weight = Decimal::ZERO;
        for (i, indicator) in def.indicators.iter().enumerate() {
            let actual = actuals.get(i).copied().flatten();
            let in_force = thresholds.get(def, i);
            let ready = match thresholds {
                ThresholdsOf::Card(kind) => {
                    self.ready[kind.index()].get(i).and_then(Option::as_ref)
                }
                ThresholdsOf::Subject(_) => None,
            };
            let line = self.score_line(indicator, in_force, ready, actual, missing);
            match line {
                Some((weight, score)) => {
                    if weight.is_some() {
                        total_weight += indicator.weight;
                    }
                    lines.push((weight, score));
                }
                None => {
                    errors.push(CardError::MissingValue(i));
                }
            }
        }
        if total_weight.is_zero() {
            errors.push(CardError::NothingToScore);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Second pass: effective weights and points, now that W is known.
        let mut total = Decimal::ZERO;
        let indicators = lines
            .into_iter()
            .map(|(weight, mut line)| {
                if let (Some(weight), Some(score)) = (weight, line.score) {
                    let points =
                        mul_div_half_up(score, weight, total_weight, 2).unwrap_or_default();
                    line.effective_weight =
                        mul_div_half_up(weight, Decimal::ONE_HUNDRED, total_weight, 2);
                    line.points = Some(points);
                    total += points;
                }
                line
            })
            .collect();
        Ok(CardScore {
            total,
            band: self.band(total),
            indicators,
        })
    }

    /// One indicator's line before weights are known, with the weight it adds to
    /// `W`; `None` when a value is required and missing.
    fn score_line(
        &self,
        indicator: &Indicator,
        thresholds: Option<&Thresholds>,
        ready: Option<&Ready>,
        actual: Option<Decimal>,
        missing: MissingPolicy,
    ) -> Option<(Option<Decimal>, IndicatorScore)> {
        let Some(thresholds) = thresholds else {
            return Some((None, unscored(None, Band::NotAssessed)));
        };
        let target = Some(thresholds.target);
        let Some(v) = actual else {
            return match missing {
                MissingPolicy::Error => None,
                MissingPolicy::Skip => Some((None, unscored(target, Band::Missing))),
                MissingPolicy::Zero => Some((
                    Some(indicator.weight),
                    IndicatorScore {
                        score: Some(Decimal::ZERO),
                        ..unscored(target, Band::Below)
                    },
                )),
            };
        };
        let ready = ready.and_then(|ready| ready.interpolate(indicator.better, v));
        let score = ready.unwrap_or_else(|| {
            score_value(
                indicator.method,
                indicator.better,
                thresholds,
                &self.def.bands,
                v,
            )
        });
        Some((
            Some(indicator.weight),
            IndicatorScore {
                actual: Some(v),
                score: Some(score),
                ..unscored(target, self.band(score))
            },
        ))
    }
}

/// A set of thresholds made ready for banded scoring: its breakpoints, worst to best,
/// and their points, as mantissas at one scale. Comparing a value with them compares
/// integers, where comparing decimals of different scales aligns them every time.
#[derive(Clone, Debug)]
struct Ready {
    scale: u32,
    len: usize,
    values: [i128; 5],
    points: [i128; 5],
    /// The best breakpoint's points, which a value that reaches it scores.
    top: Decimal,
}

impl Ready {
    /// Values of up to this many places are scored in integers (more than anyone
    /// types); others, like numbers too large, by `interpolate`.
    const MIN_SCALE: u32 = 4;

    fn new(t: &Thresholds, bands: &BandPoints) -> Option<Ready> {
        let scale = each_breakpoint(t, bands)
            .map(|b| b.value.scale().max(b.points.scale()))
            .fold(Ready::MIN_SCALE, u32::max);
        let mut ready = Ready {
            scale,
            len: 0,
            values: [0; 5],
            points: [0; 5],
            top: Decimal::ZERO,
        };
        for b in each_breakpoint(t, bands) {
            ready.values[ready.len] = mantissa_at(b.value, scale)?;
            ready.points[ready.len] = mantissa_at(b.points, scale)?;
            ready.top = b.points;
            ready.len += 1;
        }
        Some(ready)
    }

    /// What `interpolate` gives, or `None` when `v` has more places than `scale` or a
    /// step does not fit 96 bits; then `interpolate` is asked, which then gives the
    /// same (its scale is no larger, so its steps fit when these do).
    fn interpolate(&self, better: Better, v: Decimal) -> Option<Decimal> {
        let x = mantissa_at(v, self.scale)?;
        let values = &self.values[..self.len];
        let Some(k) = values.iter().rposition(|&b| match better {
            Better::Higher => x >= b,
            Better::Lower => x <= b,
        }) else {
            return Some(Decimal::ZERO);
        };
        if k + 1 == self.len {
            return Some(round_half_up(self.top, 2));
        }
        let (low, high) = (
            (values[k], self.points[k]),
            (values[k + 1], self.points[k + 1]),
        );
        interpolate_scaled([low.0, low.1, high.0, high.1, x], self.scale, 2)
    }
}

fn unscored(target: Option<Decimal>, band: Band) -> IndicatorScore {
    IndicatorScore {
        target,
        actual: None,
        band,
        score: None,
        effective_weight: None,
        points: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Aggregate;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn th(
        target: &str,
        exceeds: Option<&str>,
        far: Option<&str>,
        best: Option<&str>,
        worst: Option<&str>,
    ) -> Thresholds {
        Thresholds {
            target: d(target),
            exceeds: exceeds.map(d),
            far_exceeds: far.map(d),
            best: best.map(d),
            worst: worst.map(d),
        }
    }

    fn bands(better: Better, t: &Thresholds, v: &str) -> Decimal {
        score_value(Method::Bands, better, t, &BandPoints::default(), d(v))
    }

    /// The seed's repair timeliness: 80 / 95 / 97 / 99 / 100, higher is better.
    fn repair() -> Thresholds {
        th("95", Some("97"), Some("99"), Some("100"), Some("80"))
    }

    /// The seed's service cost rate: 1.20 / 0.92 / 0.85 / 0.75 / 0.60, lower is better.
    fn cost() -> Thresholds {
        th(
            "0.92",
            Some("0.85"),
            Some("0.75"),
            Some("0.60"),
            Some("1.20"),
        )
    }

    #[test]
    fn higher_is_better_scores_each_breakpoint_exactly() {
        let t = repair();
        for (v, want) in [
            ("79.99", "0"),
            ("80", "0"),
            ("95", "60"),
            ("97", "70"),
            ("99", "90"),
            ("100", "100"),
            ("120", "100"),
        ] {
            assert_eq!(bands(Better::Higher, &t, v), d(want), "v = {v}");
        }
    }

    #[test]
    fn higher_is_better_interpolates_between_breakpoints() {
        let t = repair();
        // 60 + 10 * 1.5 / 2
        assert_eq!(bands(Better::Higher, &t, "96.5"), d("67.5"));
        // 0 + 60 * 7.5 / 15
        assert_eq!(bands(Better::Higher, &t, "87.5"), d("30"));
        // 90 + 10 * 0.5 / 1
        assert_eq!(bands(Better::Higher, &t, "99.5"), d("95"));
    }

    #[test]
    fn lower_is_better_interpolates_between_target_and_exceeds() {
        let t = cost();
        // 60 + 10 * (0.88 - 0.92) / (0.85 - 0.92) = 65.714…
        assert_eq!(bands(Better::Lower, &t, "0.88"), d("65.71"));
        assert_eq!(bands(Better::Lower, &t, "0.92"), d("60"));
        assert_eq!(bands(Better::Lower, &t, "0.60"), d("100"));
        assert_eq!(bands(Better::Lower, &t, "0.50"), d("100"));
        assert_eq!(bands(Better::Lower, &t, "1.20"), d("0"));
        assert_eq!(bands(Better::Lower, &t, "1.21"), d("0"));
        // 0 + 60 * (1.05 - 1.2) / (0.92 - 1.2) = 32.142…
        assert_eq!(bands(Better::Lower, &t, "1.05"), d("32.14"));
    }

    #[test]
    fn a_hair_short_of_target_rounds_to_60_but_is_not_reached() {
        let t = th("10", Some("8"), Some("6"), Some("4"), Some("20"));
        // 60 * (20 - 10.0001) / 10 = 59.99994 → 60.00, band from the rounded score.
        let s = bands(Better::Lower, &t, "10.0001");
        assert_eq!(s, d("60.00"));
        assert_eq!(band_of(s, &BandPoints::default()), Band::Meets);
    }

    #[test]
    fn rounds_half_up_where_binary_floats_go_wrong() {
        let t = th("95", Some("96"), Some("98"), Some("100"), Some("85"));
        // 60 + 10 * 0.0125 = 60.125 → 60.13
        assert_eq!(bands(Better::Higher, &t, "95.0125"), d("60.13"));
        // 60 + 10 * 0.015 = 60.15
        assert_eq!(bands(Better::Higher, &t, "95.015"), d("60.15"));
        // 70 + 20 * 0.00125 / 2 = 70.0125 → 70.01
        assert_eq!(bands(Better::Higher, &t, "96.00125"), d("70.01"));
        let calls = th("3", None, None, Some("1"), Some("7"));
        // 60 + 40 * 0.00075 / 2 = 60.015 → 60.02
        assert_eq!(bands(Better::Lower, &calls, "2.99925"), d("60.02"));
        // 60 * 0.00125 / 4 = 0.01875 → 0.02
        assert_eq!(bands(Better::Lower, &calls, "6.99875"), d("0.02"));
    }

    #[test]
    fn equal_thresholds_take_the_one_with_more_points() {
        // target = best = 100: reaching the target scores 100.
        let t = th("100", None, None, Some("100"), Some("95"));
        assert_eq!(bands(Better::Higher, &t, "100"), d("100"));
        assert_eq!(bands(Better::Higher, &t, "99.9"), d("58.8"));
        let complaints = th("0", None, None, Some("0"), Some("3"));
        assert_eq!(bands(Better::Lower, &complaints, "0"), d("100"));
        assert_eq!(bands(Better::Lower, &complaints, "1"), d("40"));
    }

    #[test]
    fn absent_worst_is_a_cliff_and_absent_best_a_plateau() {
        let t = th("80", Some("90"), Some("95"), None, None);
        assert_eq!(bands(Better::Higher, &t, "79.99"), d("0"));
        assert_eq!(bands(Better::Higher, &t, "80"), d("60"));
        assert_eq!(bands(Better::Higher, &t, "92.5"), d("80"));
        assert_eq!(bands(Better::Higher, &t, "95"), d("90"));
        assert_eq!(bands(Better::Higher, &t, "99"), d("90"));
    }

    #[test]
    fn custom_band_points_move_the_breakpoints() {
        let points = BandPoints {
            meets: d("50"),
            exceeds: d("65"),
            far_exceeds: d("85"),
        };
        let t = th("90", Some("95"), Some("98"), Some("100"), Some("70"));
        let s = |v| score_value(Method::Bands, Better::Higher, &t, &points, d(v));
        assert_eq!(s("96.5"), d("75"));
        assert_eq!(s("89"), d("47.5"));
        assert_eq!(band_of(d("64.99"), &points), Band::Meets);
        assert_eq!(band_of(d("65"), &points), Band::Exceeds);
    }

    #[test]
    fn band_boundaries_are_inclusive_from_below() {
        let b = BandPoints::default();
        assert_eq!(band_of(d("100"), &b), Band::FarExceeds);
        assert_eq!(band_of(d("90"), &b), Band::FarExceeds);
        assert_eq!(band_of(d("89.99"), &b), Band::Exceeds);
        assert_eq!(band_of(d("70"), &b), Band::Exceeds);
        assert_eq!(band_of(d("69.99"), &b), Band::Meets);
        assert_eq!(band_of(d("60"), &b), Band::Meets);
        assert_eq!(band_of(d("59.99"), &b), Band::Below);
        assert_eq!(band_of(d("0"), &b), Band::Below);
    }

    #[test]
    fn ratio_method_caps_and_handles_non_positive_values() {
        let b = BandPoints::default();
        let sales = th("100", None, None, None, None);
        let ratio = |cap: &str, better, t: &Thresholds, v: &str| {
            score_value(Method::Ratio { cap: d(cap) }, better, t, &b, d(v))
        };
        assert_eq!(ratio("100", Better::Higher, &sales, "87.5"), d("87.5"));
        assert_eq!(ratio("100", Better::Higher, &sales, "130"), d("100"));
        assert_eq!(ratio("90", Better::Higher, &sales, "95"), d("90"));
        assert_eq!(ratio("89.995", Better::Higher, &sales, "95"), d("90"));
        assert_eq!(ratio("100", Better::Higher, &sales, "-5"), d("0"));
        let cost = th("0.92", None, None, None, None);
        // 100 * 0.92 / 1.15 = 80
        assert_eq!(ratio("100", Better::Lower, &cost, "1.15"), d("80"));
        assert_eq!(ratio("100", Better::Lower, &cost, "0"), d("100"));
        assert_eq!(ratio("95", Better::Lower, &cost, "-1"), d("95"));
        assert_eq!(ratio("100", Better::Lower, &cost, "0.46"), d("100"));
        // 100 * 0.92 / 3 = 30.666…
        assert_eq!(ratio("100", Better::Lower, &cost, "3"), d("30.67"));
    }

    #[test]
    fn deduct_method_takes_points_per_unit_of_shortfall() {
        let b = BandPoints::default();
        let t = th("99", None, None, None, None);
        let deduct = |better, v: &str| {
            score_value(Method::Deduct { per_unit: d("5") }, better, &t, &b, d(v))
        };
        assert_eq!(deduct(Better::Higher, "97.3"), d("91.5"));
        assert_eq!(deduct(Better::Higher, "99.5"), d("100"));
        assert_eq!(deduct(Better::Higher, "70"), d("0"));
        assert_eq!(deduct(Better::Lower, "100"), d("95"));
        assert_eq!(deduct(Better::Lower, "98"), d("100"));
        let huge = score_value(
            Method::Deduct {
                per_unit: d("999999999999999"),
            },
            Better::Higher,
            &t,
            &b,
            d("-999999999999999"),
        );
        assert_eq!(huge, d("0"));
    }

    #[test]
    fn pass_fail_is_all_or_nothing() {
        let b = BandPoints::default();
        let t = th("100", None, None, None, None);
        assert_eq!(
            score_value(Method::PassFail, Better::Higher, &t, &b, d("100")),
            d("100")
        );
        assert_eq!(
            score_value(Method::PassFail, Better::Higher, &t, &b, d("99.99")),
            d("0")
        );
        assert_eq!(
            score_value(Method::PassFail, Better::Lower, &t, &b, d("100.01")),
            d("0")
        );
    }

    fn indicator(id: &str, weight: u32, better: Better, month: Option<Thresholds>) -> Indicator {
        Indicator {
            id: id.into(),
            name: id.into(),
            name_en: None,
            unit_en: None,
            unit: "%".into(),
            better,
            weight: Decimal::from(weight),
            aggregate: Aggregate::Mean,
            method: Method::Bands,
            periods: [month, None, None, None],
        }
    }

    fn card(indicators: Vec<Indicator>) -> Scorecard {
        Scorecard {
            title: "t".into(),
            title_en: None,
            targets: None,
            bands: BandPoints::default(),
            indicators,
        }
    }

    #[test]
    fn weights_renormalise_over_assessed_indicators() {
        // 89 of 100 weight assessed, as on the built-in monthly card.
        let def = card(vec![
            indicator("a", 20, Better::Higher, Some(repair())),
            indicator("b", 69, Better::Higher, Some(repair())),
            indicator("c", 11, Better::Higher, None),
        ]);
        let scored = score_card(
            &def,
            ThresholdsOf::Card(PeriodKind::Month),
            &[Some(d("96.5")), Some(d("100")), Some(d("1"))],
            MissingPolicy::Error,
        )
        .unwrap();
        let a = &scored.indicators[0];
        assert_eq!(a.effective_weight, Some(d("22.47")));
        // 67.5 * 20 / 89 = 15.168…
        assert_eq!(a.points, Some(d("15.17")));
        let b = &scored.indicators[1];
        assert_eq!(b.effective_weight, Some(d("77.53")));
        assert_eq!(b.points, Some(d("77.53")));
        let c = &scored.indicators[2];
        assert_eq!(c.band, Band::NotAssessed);
        assert_eq!(
            (c.target, c.actual, c.score, c.points),
            (None, None, None, None)
        );
        assert_eq!(scored.total, d("92.70"));
        assert_eq!(scored.band, Band::FarExceeds);
    }

    #[test]
    fn missing_values_error_zero_or_skip() {
        let def = card(vec![
            indicator("a", 30, Better::Higher, Some(repair())),
            indicator("b", 70, Better::Higher, Some(repair())),
        ]);
        let values = [Some(d("97")), None];
        assert_eq!(
            score_card(
                &def,
                ThresholdsOf::Card(PeriodKind::Month),
                &values,
                MissingPolicy::Error
            ),
            Err(vec![CardError::MissingValue(1)])
        );
        let zero = score_card(
            &def,
            ThresholdsOf::Card(PeriodKind::Month),
            &values,
            MissingPolicy::Zero,
        )
        .unwrap();
        assert_eq!(zero.indicators[1].band, Band::Below);
        assert_eq!(zero.indicators[1].score, Some(d("0")));
        assert_eq!(zero.indicators[1].actual, None);
        assert_eq!(zero.total, d("21"));
        let skip = score_card(
            &def,
            ThresholdsOf::Card(PeriodKind::Month),
            &values,
            MissingPolicy::Skip,
        )
        .unwrap();
        assert_eq!(skip.indicators[1].band, Band::Missing);
        assert_eq!(skip.indicators[1].target, Some(d("95")));
        assert_eq!(skip.indicators[0].effective_weight, Some(d("100")));
        assert_eq!(skip.total, d("70"));
    }

    #[test]
    fn a_manager_on_every_built_in_target_meets_expectations() {
        // SPEC §1: about 69 (`meets`). Month: W = 89; targets equal to best (shipping,
        // complaints, complaint satisfaction, reports) score 100, the rest 60:
        // 13.48 + 10.11 + 10.11 + 5.39 + 8.99 + 6.74 + 6.74 + 5.62 + 2.25 = 69.43.
        let def = crate::read::config::parse(crate::read::config::BUILTIN, "builtin").unwrap();
        let on_target = |kind| -> Vec<Option<Decimal>> {
            def.indicators
                .iter()
                .map(|i| i.thresholds(kind).map(|t| t.target))
                .collect()
        };
        let month = score_card(
            &def,
            ThresholdsOf::Card(PeriodKind::Month),
            &on_target(PeriodKind::Month),
            MissingPolicy::Error,
        )
        .unwrap();
        let points: Vec<Option<Decimal>> = month.indicators.iter().map(|l| l.points).collect();
        let expected = [
            "13.48", "10.11", "10.11", "", "5.39", "8.99", "6.74", "", "6.74", "5.62", "2.25",
        ];
        for (got, want) in points.iter().zip(expected) {
            assert_eq!(*got, (!want.is_empty()).then(|| d(want)));
        }
        assert_eq!(month.indicators[0].effective_weight, Some(d("22.47")));
        assert_eq!(month.total, d("69.43"));
        assert_eq!(month.band, Band::Meets);
        // Quarter: all eleven assessed, W = 100: 60 × (20+15+15+5+8+10+6) / 100 + 100 ×
        // (8+6+5+2) / 100 = 47.4 + 21 = 68.40.
        let quarter = score_card(
            &def,
            ThresholdsOf::Card(PeriodKind::Quarter),
            &on_target(PeriodKind::Quarter),
            MissingPolicy::Error,
        )
        .unwrap();
        assert_eq!(quarter.total, d("68.40"));
        assert_eq!(quarter.band, Band::Meets);
    }

    #[test]
    fn nothing_to_score_is_an_error() {
        let def = card(vec![indicator("a", 100, Better::Higher, Some(repair()))]);
        assert_eq!(
            score_card(
                &def,
                ThresholdsOf::Card(PeriodKind::Month),
                &[None],
                MissingPolicy::Skip
            ),
            Err(vec![CardError::NothingToScore])
        );
        assert_eq!(
            score_card(
                &def,
                ThresholdsOf::Card(PeriodKind::Quarter),
                &[Some(d("1"))],
                MissingPolicy::Error
            ),
            Err(vec![CardError::NothingToScore])
        );
    }
}
