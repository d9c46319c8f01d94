//! Property tests of the scorecard contract (/work/shared/SPEC.md): values (§3), scoring
//! (§4, §4.1) and actuals (§5). Each property holds for every input; proptest checks it
//! on generated ones and shrinks any counterexample to a small one.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::OnceLock;

use kpi::cards::{CardData, CardKey};
use kpi::model::{
    Aggregate, Band, BandPoints, Better, Indicator, Method, PeriodKind, Scorecard, Thresholds,
};
use kpi::num::{fixed, plain};
use kpi::read::encoding::Encoding;
use kpi::read::rows::ReadOptions;
use kpi::read::value::{Value, parse_value};
use kpi::score::{CardError, MissingPolicy, ThresholdsOf, band_of, score_card, score_value};
use proptest::prelude::*;
use proptest::sample::Index;
use rust_decimal::{Decimal, RoundingStrategy};

/// Cases per property: enough to find the corners, few enough for a quick debug run.
/// Failures are not persisted to a regressions file: shrunk inputs are in the report.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    }
}

/// The built-in scorecard, parsed once.
fn builtin() -> &'static Scorecard {
    static CARD: OnceLock<Scorecard> = OnceLock::new();
    CARD.get_or_init(|| {
        kpi::read::config::parse(kpi::read::config::BUILTIN, "builtin")
            .expect("the built-in kpi.toml is valid")
    })
}

/// Rounds half away from zero (四舍五入), as SPEC §4 step 3 asks.
fn half_up(v: Decimal, dp: u32) -> Decimal {
    v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Decimal places of a value, trailing zeros not counted.
fn places(v: Decimal) -> u32 {
    v.normalize().scale()
}

/// Half of the last place of a 2-decimal result: 0.005.
fn half_cent() -> Decimal {
    Decimal::new(5, 3)
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal")
}

/// "Reached" of SPEC §4 step 2, written out here rather than taken from the library.
fn reaches(better: Better, v: Decimal, b: Decimal) -> bool {
    match better {
        Better::Higher => v >= b,
        Better::Lower => v <= b,
    }
}

// ---------------------------------------------------------------------------------------
// Strategies: numbers
// ---------------------------------------------------------------------------------------

fn better() -> impl Strategy<Value = Better> {
    prop_oneof![Just(Better::Higher), Just(Better::Lower)]
}

/// A decimal of everyday size: |mantissa| ≤ 10^10, up to 4 decimals.
fn everyday() -> impl Strategy<Value = Decimal> {
    (-10_000_000_000i64..=10_000_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s))
}

/// A threshold: often a small integer (so that thresholds coincide), often near the
/// seed's percentages, sometimes anything of everyday size; with `wide`, also anything
/// kpi.toml allows (15 significant digits, up to 12 decimals, below 10^15).
fn threshold(wide: bool) -> BoxedStrategy<Decimal> {
    let narrow = prop_oneof![
        (0i64..=4).prop_map(Decimal::from),
        (-20_000i64..=20_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s)),
        everyday(),
    ];
    if wide {
        prop_oneof![3 => narrow, 1 => within_limits(15)].boxed()
    } else {
        narrow.boxed()
    }
}

fn positive(wide: bool) -> BoxedStrategy<Decimal> {
    let narrow = prop_oneof![
        (1i64..=20_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s)),
        (1i64..=10_000_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
    ];
    if wide {
        let tiny = Decimal::new(1, 12);
        prop_oneof![3 => narrow, 1 => within_limits(15).prop_map(move |d| d.abs().max(tiny))]
            .boxed()
    } else {
        narrow.boxed()
    }
}

/// A `ratio` cap: above 0 and at most 100 (§4.1), with up to 3 decimals so that its
/// rounding matters.
fn cap() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ONE_HUNDRED),
        (1i64..=100_000).prop_map(|m| Decimal::new(m, 3).normalize()),
    ]
}

/// A value within the limits of SPEC §3 rule 6: |v| < 10^15, at most 12 decimals and at
/// most 20 significant digits.
fn spec_value() -> impl Strategy<Value = Decimal> {
    within_limits(20)
}

/// A number below 10^15 in magnitude, with at most 12 decimals and at most
/// `max_digits` significant digits.
fn within_limits(max_digits: u32) -> impl Strategy<Value = Decimal> {
    (1..=max_digits, 0u32..=12, any::<bool>(), any::<u128>()).prop_map(
        |(digits, scale, negative, raw)| {
            let digits = digits.min(scale + 15);
            let m = (raw % 10u128.pow(digits)) as i128;
            Decimal::from_i128_with_scale(if negative { -m } else { m }, scale)
        },
    )
}

/// A small step off a threshold, down to a millionth.
fn nudge() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ZERO),
        (-1000i64..=1000, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}

/// Band points with 0 < meets ≤ exceeds ≤ far_exceeds < 100 (§2.2): up to 3 decimals;
/// with `wide`, also up to 12.
fn band_points(wide: bool) -> BoxedStrategy<BandPoints> {
    let scaled = |range: std::ops::Range<i64>, scale: u32| {
        prop::array::uniform3(range).prop_map(move |mut p| {
            p.sort_unstable();
            BandPoints {
                meets: Decimal::new(p[0], scale).normalize(),
                exceeds: Decimal::new(p[1], scale).normalize(),
                far_exceeds: Decimal::new(p[2], scale).normalize(),
            }
        })
    };
    if wide {
        prop_oneof![
            Just(BandPoints::default()),
            scaled(1..100_000, 3),
            scaled(1..100_000_000_000_000, 12),
        ]
        .boxed()
    } else {
        prop_oneof![Just(BandPoints::default()), scaled(1..100_000, 3)].boxed()
    }
}

/// Thresholds in valid order for the direction (§2.2: for `higher`
/// worst ≤ target ≤ exceeds ≤ far_exceeds ≤ best, for `lower` the reverse), each
/// optional one present or absent.
fn ordered_thresholds(better: Better, wide: bool) -> impl Strategy<Value = Thresholds> {
    (
        prop::array::uniform5(threshold(wide)),
        prop::array::uniform4(any::<bool>()),
    )
        .prop_map(move |(mut b, keep)| {
            b.sort_unstable();
            if better == Better::Lower {
                b.reverse();
            }
            Thresholds {
                worst: keep[0].then_some(b[0]),
                target: b[1],
                exceeds: keep[1].then_some(b[2]),
                far_exceeds: keep[2].then_some(b[3]),
                best: keep[3].then_some(b[4]),
            }
        })
}

/// A scorecard of one indicator, scored as `case` says in months.
fn one_indicator_card(case: &Case) -> Scorecard {
    Scorecard {
        title: "t".into(),
        title_en: None,
        targets: None,
        bands: case.points,
        indicators: vec![Indicator {
            id: "i".into(),
            name: "i".into(),
            name_en: None,
            unit: "%".into(),
            unit_en: None,
            better: case.better,
            weight: Decimal::ONE,
            aggregate: Aggregate::Mean,
            method: case.method,
            periods: [Some(case.t), None, None, None],
        }],
    }
}

fn only_target(target: Decimal) -> Thresholds {
    Thresholds {
        target,
        exceeds: None,
        far_exceeds: None,
        best: None,
        worst: None,
    }
}

/// One indicator's scoring rule in one period: everything `score_value` takes but `v`.
#[derive(Clone, Debug)]
struct Case {
    method: Method,
    better: Better,
    t: Thresholds,
    points: BandPoints,
}

impl Case {
    fn score(&self, v: Decimal) -> Decimal {
        score_value(self.method, self.better, &self.t, &self.points, v)
    }

    /// §4 step 1: the present breakpoints from worst to best, with their points.
    fn breakpoints(&self) -> Vec<(Decimal, Decimal)> {
        let t = &self.t;
        [
            (t.worst, Decimal::ZERO),
            (Some(t.target), self.points.meets),
            (t.exceeds, self.points.exceeds),
            (t.far_exceeds, self.points.far_exceeds),
            (t.best, Decimal::ONE_HUNDRED),
        ]
        .into_iter()
        .filter_map(|(b, p)| b.map(|b| (b, p)))
        .collect()
    }

    /// Values worth trying an actual near: every threshold, and zero.
    fn anchors(&self) -> Vec<Decimal> {
        let mut anchors: Vec<Decimal> = self.breakpoints().into_iter().map(|(b, _)| b).collect();
        anchors.push(Decimal::ZERO);
        anchors
    }
}

fn bands_case(wide: bool) -> BoxedStrategy<Case> {
    (better(), band_points(wide))
        .prop_flat_map(move |(better, points)| {
            ordered_thresholds(better, wide).prop_map(move |t| Case {
                method: Method::Bands,
                better,
                t,
                points,
            })
        })
        .boxed()
}

/// `ratio` (target above 0, cap in (0, 100]), `deduct` (per_unit above 0), `pass_fail`.
fn other_method_case(wide: bool) -> BoxedStrategy<Case> {
    (better(), band_points(wide))
        .prop_flat_map(move |(better, points)| {
            prop_oneof![
                (positive(wide), cap()).prop_map(|(target, cap)| (Method::Ratio { cap }, target)),
                (threshold(wide), positive(wide))
                    .prop_map(|(target, per_unit)| (Method::Deduct { per_unit }, target)),
                threshold(wide).prop_map(|target| (Method::PassFail, target)),
            ]
            .prop_map(move |(method, target)| Case {
                method,
                better,
                t: only_target(target),
                points,
            })
        })
        .boxed()
}

/// Any method; with `wide`, thresholds anywhere kpi.toml allows.
fn any_case(wide: bool) -> BoxedStrategy<Case> {
    prop_oneof![bands_case(wide), other_method_case(wide)].boxed()
}

/// A case with `n` actuals: mostly on or next to a threshold; with `wide`, also
/// anywhere within the limits of §3.
fn with_actuals(
    case: BoxedStrategy<Case>,
    n: usize,
    wide: bool,
) -> impl Strategy<Value = (Case, Vec<Decimal>)> {
    case.prop_flat_map(move |c| {
        let near =
            (prop::sample::select(c.anchors()), nudge()).prop_map(|(anchor, step)| anchor + step);
        let actual = if wide {
            prop_oneof![3 => near, 1 => everyday(), 1 => spec_value()].boxed()
        } else {
            prop_oneof![3 => near, 1 => everyday()].boxed()
        };
        (Just(c), prop::collection::vec(actual, n))
    })
}

// ---------------------------------------------------------------------------------------
// 1, 2 and the formulas: one indicator's score
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// §4 step 3 and §4.1: every method, both directions, gives a score in [0, 100]
    /// rounded to 2 decimals.
    #[test]
    fn every_method_scores_within_0_to_100_with_at_most_2_decimals(
        (case, vs) in with_actuals(any_case(true), 1, true)
    ) {
        let s = case.score(vs[0]);
        prop_assert!(
            s >= Decimal::ZERO && s <= Decimal::ONE_HUNDRED,
            "score {} out of [0, 100]", s
        );
        prop_assert!(places(s) <= 2, "score {} has more than 2 decimals", s);
    }

    /// A better actual never scores less: for `higher`, v1 ≤ v2 ⇒ score(v1) ≤ score(v2);
    /// for `lower`, v1 ≤ v2 ⇒ score(v1) ≥ score(v2).
    #[test]
    fn score_is_monotone_in_the_actual_for_its_direction(
        (case, vs) in with_actuals(any_case(true), 2, true)
    ) {
        let (lo, hi) = (vs[0].min(vs[1]), vs[0].max(vs[1]));
        let (s_lo, s_hi) = (case.score(lo), case.score(hi));
        match case.better {
            Better::Higher => prop_assert!(
                s_lo <= s_hi,
                "higher: score({}) = {} > score({}) = {}", lo, s_lo, hi, s_hi
            ),
            Better::Lower => prop_assert!(
                s_lo >= s_hi,
                "lower: score({}) = {} < score({}) = {}", lo, s_lo, hi, s_hi
            ),
        }
    }

    /// §4 step 2: an actual exactly on a breakpoint scores that breakpoint's points (of
    /// equal breakpoints, the one with more points); past the best present breakpoint the
    /// score stays at its points; worse than the first present one it is 0.
    #[test]
    fn bands_breakpoints_score_their_points_and_the_ends_are_flat(case in bands_case(false)) {
        let bps = case.breakpoints();
        for &(b, _) in &bps {
            let want = bps.iter().rev().find(|(x, _)| *x == b).map(|&(_, p)| p).unwrap_or_default();
            prop_assert_eq!(case.score(b), half_up(want, 2), "at breakpoint {}", b);
        }
        let step = match case.better {
            Better::Higher => Decimal::ONE,
            Better::Lower => Decimal::NEGATIVE_ONE,
        };
        let (first, _) = bps[0];
        let (last, last_points) = bps[bps.len() - 1];
        prop_assert_eq!(case.score(last + step), half_up(last_points, 2));
        prop_assert_eq!(case.score(first - step), Decimal::ZERO);
    }

    /// §4 steps 2–3: the score is the linear interpolation from the last breakpoint
    /// reached towards the next, rounded half-up to 2 decimals. Checked without division:
    /// s − 0.005 ≤ N / span < s + 0.005, multiplied out by span.
    #[test]
    fn bands_score_is_the_rounded_interpolation_from_the_last_breakpoint_reached(
        (case, vs) in with_actuals(bands_case(false), 1, false)
    ) {
        let v = vs[0];
        let s = case.score(v);
        let bps = case.breakpoints();
        match bps.iter().rposition(|&(b, _)| reaches(case.better, v, b)) {
            None => prop_assert_eq!(s, Decimal::ZERO, "nothing reached"),
            Some(k) if k + 1 == bps.len() => {
                prop_assert_eq!(s, half_up(bps[k].1, 2), "last reached")
            }
            Some(k) => {
                let ((b0, p0), (b1, p1)) = (bps[k], bps[k + 1]);
                let span = b1 - b0;
                prop_assert!(!span.is_zero());
                let n = p0 * span + (p1 - p0) * (v - b0);
                let (lo, hi) = ((s - half_cent()) * span, (s + half_cent()) * span);
                if span > Decimal::ZERO {
                    prop_assert!(lo <= n && n < hi, "score {} is not {}/{} rounded", s, n, span);
                } else {
                    prop_assert!(lo >= n && n > hi, "score {} is not {}/{} rounded", s, n, span);
                }
            }
        }
    }

    /// A scorecard's own thresholds are made ready once for a batch (as integers at one
    /// scale); a card scored against them gets the scores `score_value` gives, and the
    /// bands `band_of` gives, for any thresholds, band points and values.
    #[test]
    fn a_card_scored_against_thresholds_made_ready_scores_each_value_as_given(
        (case, vs) in with_actuals(any_case(true), 8, true)
    ) {
        let def = one_indicator_card(&case);
        for v in vs {
            let month = ThresholdsOf::Card(PeriodKind::Month);
            let card = score_card(&def, month, &[Some(v)], MissingPolicy::Error);
            let card = card.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let line = &card.indicators[0];
            prop_assert_eq!(line.score, Some(case.score(v)), "v = {}", v);
            prop_assert_eq!(line.band, band_of(case.score(v), &case.points));
            prop_assert_eq!(card.band, band_of(card.total, &case.points));
        }
    }

    /// §4.1: `ratio` is max(0, min(cap, 100·v/target)) (target/v for `lower`, `cap` when
    /// v ≤ 0), `deduct` is max(0, 100 − per_unit·shortfall), `pass_fail` is 100 or 0;
    /// each rounded half-up to 2 decimals.
    #[test]
    fn ratio_deduct_and_pass_fail_follow_their_formulas(
        (case, vs) in with_actuals(other_method_case(false), 1, false)
    ) {
        let v = vs[0];
        let s = case.score(v);
        let target = case.t.target;
        let hundred = Decimal::ONE_HUNDRED;
        match case.method {
            Method::PassFail => {
                let want = if reaches(case.better, v, target) { hundred } else { Decimal::ZERO };
                prop_assert_eq!(s, want);
            }
            Method::Deduct { per_unit } => {
                let shortfall = if reaches(case.better, v, target) {
                    Decimal::ZERO
                } else {
                    (target - v).abs()
                };
                let want = half_up((hundred - per_unit * shortfall).max(Decimal::ZERO), 2);
                prop_assert_eq!(s, want);
            }
            Method::Ratio { cap } => {
                let cap2 = half_up(cap, 2);
                prop_assert!(
                    s >= Decimal::ZERO && s <= cap2,
                    "ratio score {} outside [0, cap {}]", s, cap2
                );
                if v <= Decimal::ZERO {
                    let want = match case.better {
                        Better::Higher => Decimal::ZERO,
                        Better::Lower => cap2,
                    };
                    prop_assert_eq!(s, want, "v ≤ 0");
                } else {
                    // 100·r = num / den with den > 0.
                    let (num, den) = match case.better {
                        Better::Higher => (hundred * v, target),
                        Better::Lower => (hundred * target, v),
                    };
                    if s == cap2 {
                        prop_assert!(
                            num >= (cap2 - half_cent()) * den,
                            "capped at {} but 100·r = {}/{}", s, num, den
                        );
                    } else {
                        prop_assert!(
                            (s - half_cent()) * den <= num && num < (s + half_cent()) * den,
                            "score {} is not {}/{} rounded", s, num, den
                        );
                    }
                }
            }
            Method::Bands => unreachable!("other_method_case makes no bands case"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// 3: a scored card
// ---------------------------------------------------------------------------------------

fn period_kind() -> impl Strategy<Value = PeriodKind> {
    prop::sample::select(PeriodKind::ALL.to_vec())
}

fn missing_policy() -> impl Strategy<Value = MissingPolicy> {
    prop_oneof![
        Just(MissingPolicy::Error),
        Just(MissingPolicy::Zero),
        Just(MissingPolicy::Skip),
    ]
}

/// Per indicator of the built-in card: no value, or (which threshold to start from, a
/// step off it).
fn card_values() -> impl Strategy<Value = Vec<Option<(Index, Decimal)>>> {
    let step = prop_oneof![
        2 => Just(Decimal::ZERO),
        3 => (-20_000i64..=20_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => everyday(),
    ];
    prop::collection::vec(
        prop::option::weighted(0.9, (any::<Index>(), step)),
        builtin().indicators.len(),
    )
}

/// An actual for indicator `i` of the built-in card in a period of `kind`.
fn card_value(def: &Scorecard, i: usize, kind: PeriodKind, at: Index, step: Decimal) -> Decimal {
    let indicator = &def.indicators[i];
    let t = indicator
        .thresholds(kind)
        .or_else(|| indicator.periods.iter().flatten().next());
    let mut anchors = vec![Decimal::ZERO];
    if let Some(t) = t {
        anchors.extend(
            [Some(t.target), t.worst, t.exceeds, t.far_exceeds, t.best]
                .into_iter()
                .flatten(),
        );
    }
    *at.get(&anchors) + step
}

proptest! {
    #![proptest_config(config())]

    /// §4 "a scorecard": scores follow `score_value`, effective weight = weight·100/W and
    /// points = score·weight/W rounded half-up, the printed points add up exactly to the
    /// printed total, the total is within [0, 100] (within rounding when indicators are
    /// skipped), and a card that cannot be scored reports exactly why.
    #[test]
    fn scored_card_points_add_up_to_the_printed_total(
        kind in period_kind(),
        policy in missing_policy(),
        picks in card_values(),
    ) {
        let def = builtin();
        let n = def.indicators.len();
        let values: Vec<Option<Decimal>> = picks
            .iter()
            .enumerate()
            .map(|(i, p)| p.as_ref().map(|&(at, step)| card_value(def, i, kind, at, step)))
            .collect();
        let assessed: Vec<bool> =
            def.indicators.iter().map(|i| i.thresholds(kind).is_some()).collect();
        let counted: Vec<bool> = (0..n)
            .map(|i| assessed[i] && (values[i].is_some() || policy == MissingPolicy::Zero))
            .collect();
        let weight_of = |of: &[bool]| -> Decimal {
            (0..n).filter(|&i| of[i]).map(|i| def.indicators[i].weight).sum()
        };
        let (w, full_w) = (weight_of(&counted), weight_of(&assessed));

        let mut expected_errors = Vec::new();
        if policy == MissingPolicy::Error {
            expected_errors.extend(
                (0..n)
                    .filter(|&i| assessed[i] && values[i].is_none())
                    .map(CardError::MissingValue),
            );
        }
        if w.is_zero() {
            expected_errors.push(CardError::NothingToScore);
        }

        let card = match score_card(def, ThresholdsOf::Card(kind), &values, policy) {
            Err(errors) => {
                prop_assert_eq!(errors, expected_errors);
                return Ok(());
            }
            Ok(card) => card,
        };
        prop_assert!(expected_errors.is_empty(), "scored although {:?}", expected_errors);
        prop_assert_eq!(card.indicators.len(), n);

        let mut printed_sum = Decimal::ZERO;
        let mut exact_sum = Decimal::ZERO; // Σ score·weight, to compare with total·W
        let mut scored = 0u32;
        for (i, (indicator, line)) in def.indicators.iter().zip(&card.indicators).enumerate() {
            let Some(t) = indicator.thresholds(kind) else {
                prop_assert_eq!(line.band, Band::NotAssessed, "{}", indicator.id);
                prop_assert_eq!(
                    (line.target, line.actual, line.score, line.effective_weight, line.points),
                    (None, None, None, None, None),
                    "{} is not assessed", &indicator.id
                );
                continue;
            };
            prop_assert_eq!(line.target, Some(t.target), "{}", indicator.id);
            prop_assert_eq!(line.actual, values[i], "{}", indicator.id);
            if !counted[i] {
                // --missing skip: band `missing`, left out of W.
                prop_assert_eq!(line.band, Band::Missing, "{}", indicator.id);
                prop_assert_eq!(
                    (line.score, line.effective_weight, line.points),
                    (None, None, None),
                    "{} is skipped", &indicator.id
                );
                continue;
            }
            let score = line.score.expect("a counted line has a score");
            let want = match values[i] {
                Some(v) => score_value(indicator.method, indicator.better, t, &def.bands, v),
                None => Decimal::ZERO, // --missing zero
            };
            prop_assert_eq!(score, want, "{}", indicator.id);
            let band = if values[i].is_some() { band_of(score, &def.bands) } else { Band::Below };
            prop_assert_eq!(line.band, band, "{}", indicator.id);

            let weight = indicator.weight;
            let ew = line.effective_weight.expect("a counted line has an effective weight");
            let points = line.points.expect("a counted line has points");
            prop_assert!(
                places(ew) <= 2 && places(points) <= 2,
                "{}: {} {}", indicator.id, ew, points
            );
            prop_assert!(
                (ew - half_cent()) * w <= weight * Decimal::ONE_HUNDRED
                    && weight * Decimal::ONE_HUNDRED < (ew + half_cent()) * w,
                "{}: effective weight {} is not {}·100/{} rounded", indicator.id, ew, weight, w
            );
            prop_assert!(
                (points - half_cent()) * w <= score * weight
                    && score * weight < (points + half_cent()) * w,
                "{}: points {} are not {}·{}/{} rounded", indicator.id, points, score, weight, w
            );
            printed_sum += dec(&fixed(points, 2));
            exact_sum += score * weight;
            scored += 1;
        }
        let printed_total = dec(&fixed(card.total, 2));
        prop_assert_eq!(printed_sum, printed_total, "printed points do not add up to the total");
        prop_assert_eq!(card.total, printed_total, "the total has more than 2 decimals");
        prop_assert_eq!(card.band, band_of(card.total, &def.bands));
        prop_assert!(card.total >= Decimal::ZERO, "total {} below 0", card.total);
        // Each point is off its exact share by at most 0.005.
        let slack = half_cent() * Decimal::from(scored) * w;
        prop_assert!(
            (card.total * w - exact_sum).abs() <= slack,
            "total {} is not Σ score·weight / W", card.total
        );
        // With every assessed indicator counted, the rounded shares of the built-in
        // weights add up to at most 100. Once `--missing skip` drops some, SPEC §4's exact
        // sum of rounded points can pass 100: weights 20+15+8+8+6 (a quarter card, the
        // rest skipped) at score 100 give 35.09+26.32+14.04+14.04+10.53 = 100.02.
        if w == full_w {
            prop_assert!(card.total <= Decimal::ONE_HUNDRED, "total {} above 100", card.total);
        }
    }
}

// ---------------------------------------------------------------------------------------
// 4: actuals do not depend on row order
// ---------------------------------------------------------------------------------------

const SUBJECTS: [&str; 4] = ["alice", "Bob", "张三", "Zoë"];

/// A period: its printed label, its place in print order and the labels that mean it.
type PeriodForms = (&'static str, PrintOrder, &'static [&'static str]);

/// (year, last month, kind from finest): the order of SPEC §5.
type PrintOrder = (u16, u32, u8);

/// Each indicator's cell in one card: absent, no value, or a value.
type CardCells = Vec<Option<Option<Value>>>;

/// Periods of every kind: the printed label, its place in print order (year, last month,
/// finer first) and label forms of SPEC §5 that mean it.
const PERIODS: [PeriodForms; 9] = [
    (
        "2026-01",
        (2026, 1, 0),
        &["2026-01", "2026-1", "2026/01", "2026/1", "2026年1月"],
    ),
    ("2026-03", (2026, 3, 0), &["2026-03", "2026/3", "2026年3月"]),
    (
        "2026-Q1",
        (2026, 3, 1),
        &[
            "2026-Q1",
            "2026q1",
            "2026Q1",
            "2026年第1季度",
            "2026年第一季度",
        ],
    ),
    ("2026-04", (2026, 4, 0), &["2026-04", "2026年04月"]),
    (
        "2026-H1",
        (2026, 6, 2),
        &["2026-H1", "2026h1", "2026年上半年"],
    ),
    ("2025-12", (2025, 12, 0), &["2025-12", "2025年12月"]),
    (
        "2026-Q4",
        (2026, 12, 1),
        &["2026-Q4", "2026-q4", "2026年第四季度"],
    ),
    (
        "2026-H2",
        (2026, 12, 2),
        &["2026-H2", "2026H2", "2026年下半年"],
    ),
    ("2026", (2026, 12, 3), &["2026", "2026年", "2026年度"]),
];

#[derive(Clone, Debug)]
enum Cell {
    Number(Decimal),
    WithUnit(Decimal),
    Ratio(u32, u32),
    NoValue(&'static str),
}

impl Cell {
    fn render(&self, unit: &str) -> String {
        match self {
            Cell::Number(v) => v.to_string(),
            Cell::WithUnit(v) => format!("{v}{unit}"),
            Cell::Ratio(a, b) => format!("{a}/{b}"),
            Cell::NoValue(text) => (*text).to_string(),
        }
    }
}

fn cell() -> impl Strategy<Value = Cell> {
    let number = || (-200_000i64..=200_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s));
    prop_oneof![
        4 => number().prop_map(Cell::Number),
        2 => number().prop_map(Cell::WithUnit),
        2 => (0u32..=1000, 1u32..=1000).prop_map(|(a, b)| Cell::Ratio(a, b)),
        1 => prop::sample::select(vec!["", "-", "n/a", "N/A", "—"]).prop_map(Cell::NoValue),
    ]
}

/// How a row names its indicator: id, id in upper case, name, name_en, name_en in
/// lower case (§5: by id, name or name_en; id and name_en ASCII-case-insensitively).
fn indicator_label(def: &Scorecard, i: usize, form: Index) -> String {
    let ind = &def.indicators[i];
    let en = ind.name_en.clone().unwrap_or_else(|| ind.id.clone());
    let forms = [
        ind.id.clone(),
        ind.id.to_ascii_uppercase(),
        ind.name.clone(),
        en.clone(),
        en.to_ascii_lowercase(),
    ];
    forms[form.index(forms.len())].clone()
}

/// One (subject, period, indicator) of a long file, with its cell.
#[derive(Clone, Debug)]
struct LongRow {
    subject: usize,
    period: usize,
    indicator: usize,
    text: String,
    cell: String,
}

/// Distinct (subject, period, indicator) rows, in generated order and shuffled, and
/// whether lines end in CRLF.
fn long_rows() -> impl Strategy<Value = (Vec<LongRow>, Vec<LongRow>, bool)> {
    let n = builtin().indicators.len();
    prop::collection::btree_set((0..SUBJECTS.len(), 0..PERIODS.len(), 0..n), 1..=40)
        .prop_flat_map(|keys| {
            let len = keys.len();
            (
                Just(keys.into_iter().collect::<Vec<_>>()),
                prop::collection::vec((any::<Index>(), any::<Index>(), cell()), len),
            )
        })
        .prop_map(|(keys, extras)| {
            let def = builtin();
            keys.into_iter()
                .zip(extras)
                .map(|((s, p, i), (label_form, name_form, cell))| {
                    let forms = PERIODS[p].2;
                    let cell = cell.render(&def.indicators[i].unit);
                    let label = forms[label_form.index(forms.len())];
                    let name = indicator_label(def, i, name_form);
                    LongRow {
                        subject: s,
                        period: p,
                        indicator: i,
                        text: format!("{},{label},{name},{cell}", SUBJECTS[s]),
                        cell,
                    }
                })
                .collect::<Vec<_>>()
        })
        .prop_flat_map(|rows| (Just(rows.clone()), Just(rows).prop_shuffle(), any::<bool>()))
}

fn long_file(rows: &[LongRow], crlf: bool) -> String {
    let end = if crlf { "\r\n" } else { "\n" };
    let mut text = format!("subject,period,indicator,actual{end}");
    for row in rows {
        text.push_str(&row.text);
        text.push_str(end);
    }
    text
}

/// Reads one long file, sorted; the cards and the number of diagnostics.
fn read_long(rows: &[LongRow], crlf: bool) -> (Vec<CardData>, Vec<kpi::diag::Diagnostic>) {
    let text = long_file(rows, crlf);
    read_files(&[("actuals.csv", text.as_bytes())], &ReadOptions::default())
}

/// The pipeline's settings for the built-in card, months as they are, missing values
/// an error, the default memory budget.
fn pipeline_settings(
    read: ReadOptions,
    targets: Option<&kpi::targets::SubjectTargets>,
) -> kpi::pipeline::Settings<'_> {
    kpi::pipeline::Settings {
        def: builtin(),
        read,
        roll_up: kpi::cards::RollUp::None,
        targets,
        partial: false,
        missing: MissingPolicy::Error,
        memory: kpi::pipeline::DEFAULT_MEMORY,
        spill_dir: std::env::temp_dir(),
        sheet: None,
        strict: false,
        counts: None,
    }
}

/// The cards of data files in memory, through the library's pipeline.
fn read_files(
    files: &[(&str, &[u8])],
    options: &ReadOptions,
) -> (Vec<CardData>, Vec<kpi::diag::Diagnostic>) {
    let settings = pipeline_settings(options.clone(), None);
    let inputs = files
        .iter()
        .map(|(name, bytes)| kpi::pipeline::Input::Open {
            name: name.to_string(),
            reader: Box::new(*bytes),
        })
        .collect();
    kpi::pipeline::cards_of(&settings, inputs).expect("reading memory")
}

type CardContents = Vec<(CardKey, Vec<Option<(Option<Value>, bool)>>)>;

/// What a run read: each card's key and values, without file positions.
fn contents(cards: &[CardData]) -> CardContents {
    cards
        .iter()
        .map(|card| {
            let values = card
                .values
                .iter()
                .map(|o| o.as_ref().map(|o| (o.value, o.invalid)))
                .collect();
            (card.key.clone(), values)
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// §5: reading the same long-format rows in any order gives the same cards, with the
    /// same keys and values, in the same (sorted) order.
    #[test]
    fn actuals_do_not_depend_on_row_order((rows, shuffled, crlf) in long_rows()) {
        let (a, da) = read_long(&rows, crlf);
        let (b, db) = read_long(&shuffled, crlf);
        prop_assert!(da.iter().all(|d| !d.is_error()), "{:?}", da);
        prop_assert!(db.iter().all(|d| !d.is_error()), "{:?}", db);
        prop_assert_eq!(da.len(), db.len());
        prop_assert_eq!(contents(&a), contents(&b));
    }

    /// Cards made while the rows are read (on the bet that they come in print order,
    /// taken back when one does not) are the cards made once every row is sorted, in
    /// any order, at any budget, with the same problems.
    #[test]
    fn cards_made_while_reading_are_those_made_after(
        (rows, shuffled, crlf) in long_rows(),
        memory in prop_oneof![Just(256usize), Just(kpi::pipeline::DEFAULT_MEMORY)],
        missing in missing_policy(),
    ) {
        let mut in_order = rows.clone();
        in_order.sort_by_key(|r| (SUBJECTS[r.subject], PERIODS[r.period].1));
        for rows in [&in_order, &rows, &shuffled] {
            let text = long_file(rows, crlf);
            let run = |rewinds: bool| {
                let mut settings = pipeline_settings(ReadOptions::default(), None);
                settings.memory = memory;
                settings.missing = missing;
                let inputs = vec![kpi::pipeline::Input::Open {
                    name: "actuals.csv".into(),
                    reader: Box::new(std::io::Cursor::new(text.clone().into_bytes())),
                }];
                let mut sink = Collect(Vec::new(), rewinds);
                let outcome = kpi::pipeline::run(&settings, inputs, &mut sink)
                    .expect("scoring in memory");
                let problems: Vec<String> =
                    outcome.diagnostics.iter().map(ToString::to_string).collect();
                (format!("{:?}", sink.0), problems, outcome.cards)
            };
            prop_assert_eq!(run(true), run(false));
        }
    }

    /// §5: every row's cell lands in the card of its subject and normalised period, parsed
    /// as §3 says, and the cards come sorted by subject (code point order), then by the
    /// period's last day, the finer kind first.
    #[test]
    fn long_rows_land_in_their_cards_in_print_order((rows, _, crlf) in long_rows()) {
        let def = builtin();
        let (actuals, _) = read_long(&rows, crlf);
        // (subject, place in print order) → (index into PERIODS, cells)
        let mut want: BTreeMap<(&str, PrintOrder), (usize, CardCells)> = BTreeMap::new();
        for row in &rows {
            let entry = want
                .entry((SUBJECTS[row.subject], PERIODS[row.period].1))
                .or_insert_with(|| (row.period, vec![None; def.indicators.len()]));
            let value = parse_value(&row.cell, &def.indicators[row.indicator].unit);
            prop_assert!(value.is_ok(), "cell {:?} does not parse", row.cell);
            entry.1[row.indicator] = Some(value.unwrap_or(None));
        }
        let got: Vec<(String, String, CardCells)> = actuals
            .iter()
            .map(|c| {
                let values = c.values.iter().map(|o| o.as_ref().map(|o| o.value)).collect();
                (c.key.subject.clone(), c.key.period_label(), values)
            })
            .collect();
        let want: Vec<(String, String, CardCells)> = want
            .into_iter()
            .map(|((subject, _), (p, values))| {
                (subject.to_string(), PERIODS[p].0.to_string(), values)
            })
            .collect();
        prop_assert_eq!(got, want);
    }
}

// ---------------------------------------------------------------------------------------
// 5: values the grammar accepts round-trip
// ---------------------------------------------------------------------------------------

/// How a number is written: sign, thousands groups, exponent, extra trailing zeros,
/// the unit suffix, full-width characters and surrounding spaces (§3 rules 1, 3, 5).
#[derive(Clone, Debug)]
struct Form {
    plus: bool,
    groups: bool,
    /// (shift, `E` rather than `e`, `+` on a non-negative exponent, a leading zero)
    exponent: Option<(i32, bool, bool, bool)>,
    trailing_zeros: usize,
    unit_suffix: bool,
    full_width: bool,
    pad: (&'static str, &'static str),
}

fn form() -> impl Strategy<Value = Form> {
    let pad = || prop::sample::select(vec!["", "", " ", "  ", "\u{3000}", " \u{3000}"]);
    (
        any::<bool>(),
        any::<bool>(),
        prop::option::of((-20i32..=20, any::<bool>(), any::<bool>(), any::<bool>())),
        prop_oneof![3 => Just(0usize), 1 => 1usize..=6],
        any::<bool>(),
        prop::bool::weighted(0.3),
        (pad(), pad()),
    )
        .prop_map(
            |(plus, groups, exponent, trailing_zeros, unit_suffix, full_width, pad)| Form {
                plus,
                groups,
                exponent,
                trailing_zeros,
                unit_suffix,
                full_width,
                pad,
            },
        )
}

fn unit() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "%", "次", "次/台"])
}

/// Digits `digits` × 10^pow as integer and fraction digit strings.
fn place_point(digits: &str, pow: i64) -> (String, String) {
    if pow >= 0 {
        if digits == "0" {
            return ("0".into(), String::new());
        }
        return (
            format!("{digits}{}", "0".repeat(pow as usize)),
            String::new(),
        );
    }
    let k = (-pow) as usize;
    if k < digits.len() {
        let (int, frac) = digits.split_at(digits.len() - k);
        (int.into(), frac.into())
    } else {
        (
            "0".into(),
            format!("{}{digits}", "0".repeat(k - digits.len())),
        )
    }
}

/// `1234567` → `1,234,567`.
fn group_thousands(int: &str) -> String {
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn to_full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('０' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            '.' => '．',
            ',' => '，',
            '+' => '＋',
            '-' => '－',
            '%' => '％',
            '/' => '／',
            other => other,
        })
        .collect()
}

/// Writes (sign, digits without leading zeros, scale) — the number
/// ±digits × 10^−scale — in `form`.
fn render(negative: bool, digits: &str, scale: u32, form: &Form, unit: &str) -> String {
    let shift = form.exponent.map_or(0, |e| e.0);
    let (mut int, mut frac) = place_point(digits, -i64::from(scale) - i64::from(shift));
    frac.push_str(&"0".repeat(form.trailing_zeros));
    if form.groups {
        int = group_thousands(&int);
    }
    let mut s = String::new();
    if negative {
        s.push('-');
    } else if form.plus {
        s.push('+');
    }
    s.push_str(&int);
    if !frac.is_empty() {
        s.push('.');
        s.push_str(&frac);
    }
    if let Some((e, upper, plus, zero)) = form.exponent {
        s.push(if upper { 'E' } else { 'e' });
        if e < 0 {
            s.push('-');
        } else if plus {
            s.push('+');
        }
        if zero {
            s.push('0');
        }
        s.push_str(&e.unsigned_abs().to_string());
    }
    if form.unit_suffix {
        s.push_str(unit);
    }
    if form.full_width {
        s = to_full_width(&s);
    }
    format!("{}{s}{}", form.pad.0, form.pad.1)
}

/// A number outside the limits of §3 rule 6, as (negative, digits, scale): too large
/// (≥ 10^15), too precise (a non-zero digit past the 12th decimal) or too many
/// significant digits (more than 20).
fn beyond_limits() -> impl Strategy<Value = (bool, String, u32)> {
    let digit_string = |len: usize| {
        prop::collection::vec(0u8..=9, len).prop_map(|mut d| {
            if let Some(first) = d.first_mut() {
                *first = (*first).max(1);
            }
            if let Some(last) = d.last_mut() {
                *last = (*last).max(1);
            }
            d.into_iter()
                .map(|x| char::from(b'0' + x))
                .collect::<String>()
        })
    };
    prop_oneof![
        // too large: 16–22 integer digits, up to 4 decimals
        (16usize..=22, 0u32..=4, any::<bool>()).prop_flat_map(move |(int, scale, neg)| {
            digit_string(int + scale as usize).prop_map(move |d| (neg, d, scale))
        }),
        // too precise: 13–18 decimals, the last non-zero
        (13u32..=18, 1usize..=6, any::<bool>()).prop_flat_map(move |(scale, len, neg)| {
            digit_string(len).prop_map(move |d| (neg, d, scale))
        }),
        // too many digits: 21–27 significant digits within 15 integer digits and 12 decimals
        (21usize..=27, any::<bool>())
            .prop_flat_map(|(len, neg)| (Just(len), Just(neg), (len as u32 - 15)..=12))
            .prop_flat_map(move |(len, neg, scale)| {
                digit_string(len).prop_map(move |d| (neg, d, scale))
            }),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// §3: a value within the limits, written in any form the grammar accepts, parses to
    /// exactly that value; and `plain` of it parses back to the same value.
    #[test]
    fn accepted_value_forms_round_trip_exactly(v in spec_value(), form in form(), unit in unit()) {
        let n = v.normalize();
        let digits = n.mantissa().unsigned_abs().to_string();
        let text = render(n.is_sign_negative() && !n.is_zero(), &digits, n.scale(), &form, unit);
        let parsed = parse_value(&text, unit);
        let want = Ok(Some(Value { amount: v, parts: None }));
        prop_assert_eq!(&parsed, &want, "cell {:?} unit {:?}", text, unit);
        let printed = plain(v);
        prop_assert!(!printed.contains(['e', 'E']), "plain({}) = {:?}", v, printed);
        prop_assert!(
            !printed.contains('.') || !printed.ends_with('0'),
            "plain({}) = {:?} keeps trailing zeros", v, printed
        );
        let again = parse_value(&printed, unit).map(|o| o.map(|value| value.amount));
        prop_assert_eq!(again, Ok(Some(v)), "plain form {:?}", printed);
    }

    /// §3 rule 6: a number of magnitude 10^15 or more, with a non-zero digit past the 12th
    /// decimal, or with more than 20 significant digits is an error in every form.
    #[test]
    fn values_beyond_the_limits_are_errors(
        (negative, digits, scale) in beyond_limits(),
        form in form(),
        unit in unit(),
    ) {
        let text = render(negative, &digits, scale, &form, unit);
        let parsed = parse_value(&text, unit);
        prop_assert!(parsed.is_err(), "cell {:?} unit {:?} gave {:?}", text, unit, parsed);
    }

    /// §3 rule 4: `a/b` is a/b in the unit (× 100 for `%`) rounded half-up to 4
    /// decimals, keeping a and b.
    #[test]
    fn ratio_cells_are_a_over_b_rounded_half_up_to_4_decimals(
        a in (-1_000_000_000i64..=1_000_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        b in (1i64..=1_000_000, 0u32..=2, any::<bool>())
            .prop_map(|(m, s, neg)| Decimal::new(if neg { -m } else { m }, s)),
        spaces in (prop::sample::select(vec!["", " "]), prop::sample::select(vec!["", " "])),
        unit in unit(),
        suffix in any::<bool>(),
    ) {
        let text = format!("{a}{}/{}{b}{}", spaces.0, spaces.1, if suffix { unit } else { "" });
        let parsed = parse_value(&text, unit);
        let Ok(Some(value)) = parsed else {
            return Err(TestCaseError::fail(format!("cell {text:?} unit {unit:?} gave {parsed:?}")));
        };
        prop_assert_eq!(value.parts, Some((a, b)));
        let num = if unit == "%" { a * Decimal::ONE_HUNDRED } else { a };
        let amount = value.amount;
        prop_assert!(places(amount) <= 4, "amount {} has more than 4 decimals", amount);
        // Half away from zero: |amount| − h ≤ |num / b| < |amount| + h, with h = 0.00005.
        let h = Decimal::new(5, 5);
        prop_assert!(
            (amount.abs() - h) * b.abs() <= num.abs() && num.abs() < (amount.abs() + h) * b.abs(),
            "{} is not {}/{} rounded", amount, num, b
        );
        let negative = num.is_sign_negative() != b.is_sign_negative();
        prop_assert!(
            amount.is_zero() || amount.is_sign_negative() == negative,
            "{} has the wrong sign for {}/{}", amount, num, b
        );
    }
}

// ---------------------------------------------------------------------------------------
// 6: no input panics
// ---------------------------------------------------------------------------------------

/// Pieces of almost-numbers, to be strung together.
const NUMBER_PIECES: &[&str] = &[
    "0",
    "1",
    "12",
    "123",
    "1234",
    "999999999999999",
    ",",
    ",1",
    ",12",
    ",123",
    ",1234",
    ".",
    ".5",
    ".000000000001",
    "e",
    "E",
    "e-",
    "e+",
    "e99999999999",
    "+",
    "-",
    "%",
    "%%",
    "/",
    " / ",
    "/0",
    " ",
    "\u{3000}",
    "０",
    "９",
    "，",
    "．",
    "－",
    "％",
    "／",
    "次",
    "台",
    "次/台",
    "n/a",
    "N/A",
    "—",
    "NaN",
    "inf",
    "0x",
    "١",
];

/// A valid value cell (see `render`) broken by a few edits: cut short, a character
/// dropped, or one of the grammar's characters put in.
fn broken_number() -> impl Strategy<Value = String> {
    let edit = (
        any::<Index>(),
        0u8..3,
        prop::sample::select(",.eE+-/%０，．次 ".chars().collect::<Vec<_>>()),
    );
    (
        spec_value(),
        form(),
        unit(),
        prop::collection::vec(edit, 1..=2),
    )
        .prop_map(|(v, form, unit, edits)| {
            let n = v.normalize();
            let digits = n.mantissa().unsigned_abs().to_string();
            let text = render(n.is_sign_negative(), &digits, n.scale(), &form, unit);
            let mut chars: Vec<char> = text.chars().collect();
            for (at, op, c) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 => chars.truncate(i),
                    1 if i < chars.len() => {
                        chars.remove(i);
                    }
                    _ => chars.insert(i, c),
                }
            }
            chars.into_iter().collect()
        })
}

/// Text near the value grammar: digits, signs, separators, units, full-width forms.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        3 => broken_number(),
        2 => prop::collection::vec(prop::sample::select(NUMBER_PIECES), 0..8)
            .prop_map(|p| p.concat()),
        1 => "[0-9０-９.,．，eE+\\-－＋/／%％ \u{3000}naN/A次台—]{0,30}",
        1 => "[0-9]{1,40}([.][0-9]{0,40})?([eE][+-]?[0-9]{1,25})?",
    ]
}

fn unit_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["", "%", "次", "次/台", "％", "/", "e", "5", " ", "-"])
            .prop_map(String::from),
        any::<String>(),
    ]
}

/// Lines a kpi.toml might hold, valid or not, for a soup of definitions.
const TOML_LINES: &[&str] = &[
    "[scorecard]",
    "title = \"t\"",
    "title_en = 1",
    "[bands]",
    "meets = 60",
    "exceeds = 70",
    "far_exceeds = 90",
    "meets = 100",
    "far_exceeds = -1",
    "exceeds = 1e400",
    "[[indicator]]",
    "[[indicator]]",
    "[indicator]",
    "id = \"a\"",
    "id = \"b\"",
    "id = \"period\"",
    "id = \"A-1\"",
    "name = \"甲\"",
    "name = \"a\"",
    "name_en = \"B\"",
    "name_en = \"实际\"",
    "unit = \"%\"",
    "unit = \"次/台\"",
    "better = \"higher\"",
    "better = \"lower\"",
    "better = \"Higher\"",
    "weight = 100",
    "weight = 50",
    "weight = 0",
    "weight = -100",
    "weight = 33.333333333333333",
    "weight = 1e2",
    "weight = \"10\"",
    "weight = 100.0000000000000000001",
    "aggregate = \"sum\"",
    "aggregate = \"ratio\"",
    "aggregate = \"avg\"",
    "method = \"bands\"",
    "method = \"ratio\"",
    "method = \"deduct\"",
    "method = \"pass_fail\"",
    "method = \"x\"",
    "cap = 100",
    "cap = 0",
    "cap = 150",
    "cap = 50.5",
    "per_unit = 5",
    "per_unit = 0",
    "per_unit = -1",
    "target = 95",
    "target = 0",
    "target = -1",
    "target = { month = 1, quarter = 2 }",
    "target = { week = 1 }",
    "target = { month = 1e400 }",
    "target = {}",
    "target = 0.1234567890123456789",
    "target = inf",
    "target = nan",
    "target = -inf",
    "target = 1_000",
    "target = 0x10",
    "target = [1, 2]",
    "target = 1979-05-27",
    "exceeds = 97",
    "exceeds = { month = 97 }",
    "far_exceeds = 99",
    "best = 100",
    "best = { quarter = 100, half = 100 }",
    "worst = 80",
    "worst = { month = 3, quarter = 5, half = 8, year = 12 }",
    "worst = 1e-20",
    "unknown = 1",
    "indicator = []",
    "= 1",
    "id = ",
    "\"",
    "# comment",
    "",
];

/// Keys of a kpi.toml table with values to try, valid or not.
type KeyValues = (&'static str, &'static [&'static str]);

const NUMBERS: &[&str] = &[
    "95",
    "100",
    "80",
    "0.92",
    "0",
    "-1",
    "1e400",
    "0.1234567890123456789",
    "inf",
    "nan",
    "1_000",
    "0x10",
    "0o777",
    "[1, 2]",
    "1979-05-27",
    "\"95\"",
    "{ month = 1, quarter = 2 }",
    "{ week = 1 }",
    "{}",
    "{ month = 3, quarter = 5, half = 8, year = 12 }",
    "{ quarter = 100, half = 100, year = 100 }",
    "{ month = \"x\" }",
    "{ month = 1e-20 }",
];

const INDICATOR_KEYS: &[KeyValues] = &[
    (
        "id",
        &[
            "\"a\"",
            "\"b\"",
            "\"period\"",
            "\"A-1\"",
            "\"service_cost_rate\"",
            "1",
        ],
    ),
    ("name", &["\"甲\"", "\"a\"", "\"实际\"", "\"\"", "\"B\""]),
    ("name_en", &["\"B\"", "\"a\"", "\"Indicator\"", "\"甲\""]),
    ("unit", &["\"%\"", "\"次/台\"", "\"\"", "5"]),
    ("better", &["\"higher\"", "\"lower\"", "\"Higher\"", "true"]),
    (
        "weight",
        &[
            "100",
            "50",
            "25",
            "0",
            "-100",
            "33.333333333333333",
            "1e2",
            "\"10\"",
            "nan",
            "100.0000000000000000001",
        ],
    ),
    (
        "aggregate",
        &["\"sum\"", "\"mean\"", "\"ratio\"", "\"last\"", "\"avg\""],
    ),
    (
        "method",
        &[
            "\"bands\"",
            "\"ratio\"",
            "\"deduct\"",
            "\"pass_fail\"",
            "\"x\"",
        ],
    ),
    ("cap", &["100", "0", "150", "50.5", "-1", "\"x\""]),
    ("per_unit", &["5", "0", "-1", "0.5", "1e400"]),
    ("target", NUMBERS),
    ("exceeds", NUMBERS),
    ("far_exceeds", NUMBERS),
    ("best", NUMBERS),
    ("worst", NUMBERS),
    ("unknown", &["1"]),
];

const BAND_KEYS: &[KeyValues] = &[
    ("meets", &["60", "0", "100", "50.5", "-1", "1e400", "\"x\""]),
    ("exceeds", &["70", "60", "100", "0.1234567890123456789"]),
    ("far_exceeds", &["90", "99.99", "100", "10"]),
    ("excellent", &["95"]),
];

/// A table of some of `keys`, each with one of its values.
fn toml_table(header: &'static str, keys: &'static [KeyValues]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::option::weighted(0.7, any::<Index>()), keys.len()).prop_map(
        move |picks| {
            let mut text = format!("{header}\n");
            for ((key, values), pick) in keys.iter().zip(picks) {
                if let Some(pick) = pick {
                    text.push_str(&format!("{key} = {}\n", pick.get(values)));
                }
            }
            text
        },
    )
}

fn config_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // a scorecard of a few indicators with keys and values drawn from the lists above
        (
            prop::option::of(toml_table(
                "[scorecard]",
                &[("title", &["\"t\"", "1"]), ("title_en", &["\"T\""])]
            )),
            prop::option::of(toml_table("[bands]", BAND_KEYS)),
            prop::collection::vec(toml_table("[[indicator]]", INDICATOR_KEYS), 0..=4),
        )
            .prop_map(|(card, bands, indicators)| {
                format!(
                    "{}{}{}",
                    card.unwrap_or_default(),
                    bands.unwrap_or_default(),
                    indicators.concat()
                )
            }),
        prop::collection::vec(any::<u8>(), 0..600)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        prop::collection::vec(prop::sample::select(TOML_LINES), 0..40).prop_map(|l| l.join("\n")),
        // the built-in definition with a few bytes replaced, deleted or inserted
        prop::collection::vec((any::<Index>(), any::<u8>(), 0u8..3), 1..6).prop_map(|edits| {
            let mut bytes = kpi::read::config::BUILTIN.as_bytes().to_vec();
            for (at, byte, op) in edits {
                let i = at.index(bytes.len().max(1));
                match op {
                    0 if i < bytes.len() => bytes[i] = byte,
                    1 if i < bytes.len() => {
                        bytes.remove(i);
                    }
                    _ => bytes.insert(i.min(bytes.len()), byte),
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }),
    ]
}

/// Cells a data file might hold, valid or not.
fn csv_token() -> BoxedStrategy<String> {
    let def = builtin();
    let mut tokens: Vec<String> = [
        "subject",
        "period",
        "indicator",
        "actual",
        "对象",
        "考核对象",
        "期间",
        "考核期间",
        "指标",
        "实际",
        "实际值",
        "SUBJECT",
        "2026-01",
        "2026-13",
        "2026-Q1",
        "2026q4",
        "2026年上半年",
        "2026",
        "2026年第五季度",
        "95",
        "95%",
        "0．92%",
        "1,234.5",
        "171/180",
        "5/0",
        "n/a",
        "-",
        "—",
        "1e999999",
        "1E-30",
        "次/台",
        "2.7次/台",
        "\"",
        "\"a,b\"",
        "\"\"",
        "\"x\ny\"",
        "",
        " ",
        "x",
        "\u{feff}",
        ";",
        "\t",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for ind in &def.indicators {
        tokens.push(ind.id.clone());
        tokens.push(ind.name.clone());
        tokens.extend(ind.name_en.clone());
    }
    prop_oneof![
        4 => prop::sample::select(tokens),
        1 => cell_text(),
    ]
    .boxed()
}

fn csv_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::collection::vec(csv_token(), 0..6), 0..8),
        prop::sample::select(vec![",", "\t", ";"]),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
    )
        .prop_map(|(rows, delimiter, end)| {
            rows.iter()
                .map(|cells| cells.join(delimiter))
                .collect::<Vec<_>>()
                .join(end)
        })
}

fn encode(text: &str, how: u8) -> Vec<u8> {
    let utf16 = |big: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    match how {
        0 => text.as_bytes().to_vec(),
        1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        2 => [b"\xFF\xFE".as_slice(), &utf16(false)].concat(),
        3 => [b"\xFE\xFF".as_slice(), &utf16(true)].concat(),
        4 => utf16(false),
        5 => encoding_rs::BIG5.encode(text).0.into_owned(),
        6 => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
        _ => encoding_rs::GB18030.encode(text).0.into_owned(),
    }
}

fn data_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        (
            csv_text(),
            0u8..8,
            prop::option::of((any::<Index>(), any::<u8>()))
        )
            .prop_map(|(text, how, corrupt)| {
                let mut bytes = encode(&text, how);
                if let Some((at, byte)) = corrupt
                    && !bytes.is_empty()
                {
                    let i = at.index(bytes.len());
                    bytes[i] = byte;
                }
                bytes
            }),
    ]
}

fn read_options() -> impl Strategy<Value = ReadOptions> {
    (
        prop::option::of(prop::sample::select(vec![
            Encoding::Utf8,
            Encoding::Gb18030,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
            Encoding::Other(encoding_rs::BIG5),
            Encoding::Other(encoding_rs::WINDOWS_1252),
            Encoding::Other(encoding_rs::SHIFT_JIS),
            Encoding::Other(encoding_rs::ISO_2022_JP),
        ])),
        prop::option::of(prop::sample::select(vec![b',', b'\t', b';'])),
        prop::option::of(period_kind()),
        any::<bool>(),
    )
        .prop_map(
            |(encoding, delimiter, period, ignore_unknown)| ReadOptions {
                encoding,
                delimiter,
                period,
                all_periods: false,
                ignore_unknown,
                lang: kpi::model::Lang::En,
            },
        )
}

proptest! {
    #![proptest_config(config())]

    /// §8 "never a panic": any text, in any unit, gives a value, no value or an error.
    #[test]
    fn parse_value_never_panics(cell in cell_text(), unit in unit_text()) {
        let _ = parse_value(&cell, &unit);
    }

    /// §8 "never a panic": any kpi.toml, however broken, gives a scorecard or diagnostics.
    #[test]
    fn config_parse_never_panics(text in config_text()) {
        if let Err(diagnostics) = kpi::read::config::parse(&text, "fuzz.toml") {
            prop_assert!(!diagnostics.is_empty(), "an invalid config must say why");
        }
    }

    /// §8 "never a panic": any bytes, as one or several data files with any options, are
    /// read (or reported) without panicking, and the cards sort.
    #[test]
    fn reading_actuals_never_panics(
        files in prop::collection::vec(data_bytes(), 1..=3),
        options in read_options(),
    ) {
        let names: Vec<String> = (0..files.len()).map(|i| format!("data{i}.csv")).collect();
        let inputs: Vec<(&str, &[u8])> =
            names.iter().zip(&files).map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        let (cards, _) = read_files(&inputs, &options);
        let keys: BTreeSet<String> = cards.iter().map(|c| format!("{:?}", c.key)).collect();
        prop_assert_eq!(keys.len(), cards.len(), "a card appears twice");
    }
}

// ---------------------------------------------------------------------------------------
// 7: problems are located alike whatever the line ends and encoding
// ---------------------------------------------------------------------------------------

/// Lines of a long file (`\n` inside quotes is a line break in a cell): rows with and
/// without problems, blank lines, cells quoted across line breaks. Rows that repeat are
/// duplicates; cards without every indicator lack values.
const LOCATED_LINES: &[&str] = &[
    "A,2026-10,complaints,1",
    "B,2026-10,service_cost_rate,0.9%",
    "乙区,2026-11,repair_timeliness,96",
    "乙区,2026-11,repair_timeliness,0.95",
    "A,2026-10,repair_timeliness,zz",
    "A,2026-10,shipping_accuracy",
    "A,2026-10,complaint,3",
    "A,2026-13,complaints,1",
    "",
    "  ",
    "\"乙区\n\",2026-10,complaints,",
    "B,2026-10,complaints,\"\n2\"",
    "\"B\",\"2026-10\",\"service_satisfaction\",\"99\n\"",
];

/// A long file as lines, with the number of blank lines before its header.
fn located_file() -> impl Strategy<Value = String> {
    (
        0usize..=2,
        prop::collection::vec(prop::sample::select(LOCATED_LINES), 0..=24),
        any::<bool>(),
    )
        .prop_map(|(blank, rows, last_end)| {
            let mut text = "\n".repeat(blank);
            text.push_str("subject,period,indicator,actual");
            for row in rows {
                text.push('\n');
                text.push_str(row);
            }
            if last_end {
                text.push('\n');
            }
            text
        })
}

/// The text with each LF replaced by the next chosen line end, except that an LF does
/// not follow a CR (after a blank line): CR and LF together are one line end.
fn with_line_ends(text: &str, choices: &[Index]) -> String {
    const ENDS: [&str; 3] = ["\n", "\r\n", "\r"];
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            let end = ENDS[choices[(i - 1) % choices.len()].index(ENDS.len())];
            let end = if out.ends_with('\r') && end.starts_with('\n') {
                "\r"
            } else {
                end
            };
            out.push_str(end);
        }
        out.push_str(line);
    }
    out
}

fn encoded(text: &str, encoding: Index) -> Vec<u8> {
    match encoding.index(5) {
        0 => text.as_bytes().to_vec(),
        1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        2 => encoding_rs::GB18030.encode(text).0.into_owned(),
        3 => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        _ => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
    }
}

/// Every problem of a data file in memory, scoring included, through the library.
fn problems(bytes: &[u8]) -> Vec<kpi::diag::Diagnostic> {
    let settings = pipeline_settings(ReadOptions::default(), None);
    let inputs = vec![kpi::pipeline::Input::Open {
        name: "data.csv".to_string(),
        reader: Box::new(bytes),
    }];
    kpi::pipeline::run(&settings, inputs, &mut kpi::pipeline::Discard)
        .expect("reading memory")
        .diagnostics
}

proptest! {
    #![proptest_config(config())]

    /// §3 "any error names file, line, column": a file whose lines end in any mix of
    /// LF, CRLF and CR, in any encoding, has the problems of its LF UTF-8 form at the
    /// same places; and each offset names that place in the decoded text the caret's
    /// line is taken from.
    #[test]
    fn problems_are_located_alike_in_every_line_end_and_encoding(
        text in located_file(),
        choices in prop::collection::vec(any::<Index>(), 1..=8),
        encoding in any::<Index>(),
    ) {
        let placed = |problems: &[kpi::diag::Diagnostic]| -> Vec<(usize, usize, String)> {
            problems.iter().map(|d| (d.line, d.col, d.to_string())).collect()
        };
        let lf = problems(text.as_bytes());
        let bytes = encoded(&with_line_ends(&text, &choices), encoding);
        let mixed = problems(&bytes);
        prop_assert_eq!(placed(&mixed), placed(&lf));
        let (decoded, _) = kpi::read::encoding::decode(&bytes, None).expect("valid text");
        let index = kpi::diag::LineIndex::new(&decoded);
        for d in mixed.iter().filter(|d| d.line > 0) {
            let offset = d.offset.expect("a located problem has an offset");
            prop_assert_eq!(index.locate(offset as usize), (d.line, d.col), "{}", d);
        }
    }
}

/// `kpi rank`'s leagues of `totals` (hundredths, one subject each) given in `order`.
fn ranked(totals: &[i64], order: &[usize], shares: &[Decimal]) -> kpi::report::rank::League {
    use kpi::report::rank::{GradeShare, Grades, Totals};
    let mut kept = Totals::default();
    for &i in order {
        let total = Decimal::new(totals[i], 2);
        let band = band_of(total, &BandPoints::default());
        kept.push(&format!("s{i:03}"), PeriodKind::Month, None, total, band)
            .expect("a total with 2 decimals");
    }
    let grades = Grades(
        shares
            .iter()
            .enumerate()
            .map(|(i, share)| GradeShare {
                name: format!("G{i}"),
                share: *share,
            })
            .collect(),
    );
    kept.leagues(Some(&grades))
        .iter()
        .last()
        .expect("one league of one kind without a period")
}

/// Shares in percent of 2 to 5 grades, adding up to exactly 100.
fn grade_shares() -> impl Strategy<Value = Vec<Decimal>> {
    prop::collection::vec(0u32..=1000, 1..=4).prop_map(|cuts| {
        // Cut points in tenths of a percent, sorted: the gaps are the shares.
        let mut cuts: Vec<u32> = cuts;
        cuts.sort_unstable();
        let mut shares = Vec::with_capacity(cuts.len() + 1);
        let mut before = 0;
        for cut in cuts.into_iter().chain(std::iter::once(1000)) {
            shares.push(Decimal::new(i64::from(cut - before), 1));
            before = cut;
        }
        shares
    })
}

proptest! {
    #![proptest_config(config())]

    /// `kpi rank`: whatever order the cards come in, the league is the same; each rank
    /// is 1 + the number of strictly greater totals (and from the bottom, 1 + the
    /// number of strictly smaller); the band counts add up to N and their shares to
    /// about 100; the quartiles lie in order between min and max; the forced grades
    /// add up to N, never get better down the table and never split a tie.
    #[test]
    fn ranks_are_a_function_of_the_totals_alone(
        (totals, order) in prop::collection::vec(0i64..=10_000, 1..40)
            .prop_flat_map(|totals| {
                let order: Vec<usize> = (0..totals.len()).collect();
                (Just(totals), Just(order).prop_shuffle())
            }),
        shares in grade_shares(),
    ) {
        let sorted: Vec<usize> = (0..totals.len()).collect();
        let league = ranked(&totals, &order, &shares);
        prop_assert_eq!(&league, &ranked(&totals, &sorted, &shares));
        let n = totals.len();
        prop_assert_eq!(league.standings.len(), n);
        for standing in &league.standings {
            let greater = league.standings.iter().filter(|s| s.total > standing.total).count();
            let smaller = league.standings.iter().filter(|s| s.total < standing.total).count();
            prop_assert_eq!(standing.rank, 1 + greater);
            prop_assert_eq!(standing.from_bottom, 1 + smaller);
        }
        for pair in league.standings.windows(2) {
            prop_assert!(
                pair[0].total > pair[1].total
                    || (pair[0].total == pair[1].total && pair[0].subject < pair[1].subject)
            );
            let (above, below) = (pair[0].grade.expect("a grade"), pair[1].grade.expect("a grade"));
            prop_assert!(above <= below);
            if pair[0].total == pair[1].total {
                prop_assert_eq!(above, below);
            }
        }
        let d = &league.distribution;
        prop_assert_eq!(d.count, n);
        prop_assert_eq!(d.bands.iter().map(|(_, count, _)| count).sum::<usize>(), n);
        let shares_sum: Decimal = d.bands.iter().map(|(_, _, share)| *share).sum();
        prop_assert!((shares_sum - Decimal::ONE_HUNDRED).abs() <= Decimal::new(2, 2));
        prop_assert!(d.min <= d.q1 && d.q1 <= d.median && d.median <= d.q3 && d.q3 <= d.max);
        prop_assert!(d.min <= d.mean && d.mean <= d.max);
        let counts = league.grade_counts.as_ref().expect("grade counts");
        prop_assert_eq!(counts.len(), shares.len());
        prop_assert_eq!(counts.iter().sum::<usize>(), n);
    }
}

// ---------------------------------------------------------------------------------------
// Targets per subject (§2.4)
// ---------------------------------------------------------------------------------------

const TARGET_SUBJECTS: [&str; 3] = ["东区", "West", "north"];

/// Monthly actuals of the built-in card for three subjects and two months, each value
/// a whole percentage or count the card's thresholds make interesting.
fn monthly_actuals() -> impl Strategy<Value = String> {
    let def = builtin();
    let assessed: Vec<usize> = (0..def.indicators.len())
        .filter(|&i| def.indicators[i].thresholds(PeriodKind::Month).is_some())
        .collect();
    let cells = TARGET_SUBJECTS.len() * 2 * assessed.len();
    proptest::collection::vec(0u32..=1000, cells).prop_map(move |raw| {
        let mut text = String::from("subject,period,indicator,actual\n");
        let mut raw = raw.into_iter();
        for subject in TARGET_SUBJECTS {
            for month in ["2026-01", "2026-02"] {
                for &i in &assessed {
                    let indicator = &def.indicators[i];
                    let n = raw.next().unwrap_or(0);
                    // Percentages 90–100 in tenths; counts 0–10 in hundredths.
                    let value = if indicator.unit == "%" {
                        Decimal::new(900 + i64::from(n % 101), 1)
                    } else {
                        Decimal::new(i64::from(n), 2)
                    };
                    text.push_str(&format!("{subject},{month},{},{value}\n", indicator.id));
                }
            }
        }
        text
    })
}

/// A scored card: subject, period, score, and the thresholds in force with a
/// targets file.
type Scored = (
    String,
    String,
    kpi::score::CardScore,
    Option<Vec<Option<Thresholds>>>,
);

/// Each card's subject, period and score, through the library's whole pipeline; and
/// whether it can be rewound (and so be given cards while the rows are read).
struct Collect(Vec<Scored>, bool);

impl kpi::pipeline::Sink for Collect {
    fn card(&mut self, _: &CardData, scored: &kpi::score::ScoredCard) -> std::io::Result<()> {
        self.0.push((
            scored.subject.clone(),
            scored.period.clone(),
            scored.score.clone(),
            scored.targets.as_ref().map(|t| t.thresholds.clone()),
        ));
        Ok(())
    }

    fn can_rewind(&self) -> bool {
        self.1
    }

    fn rewind(&mut self) -> std::io::Result<()> {
        self.0.clear();
        Ok(())
    }
}

/// Reads a targets file held in memory; its problems when it has any.
fn targets_of(text: &str) -> Result<kpi::targets::SubjectTargets, Vec<String>> {
    let bytes = text.as_bytes().to_vec();
    let mut open = || -> std::io::Result<Box<dyn std::io::Read>> {
        Ok(Box::new(std::io::Cursor::new(bytes.clone())))
    };
    let read =
        kpi::read::targets::read(builtin(), "targets.csv", &mut open, &ReadOptions::default());
    match read.targets {
        Some(t) => Ok(t),
        None => Err(read.diagnostics.iter().map(ToString::to_string).collect()),
    }
}

/// Scores actuals with the built-in card and, if given, a targets file.
fn scored_with(actuals: &str, targets: Option<&kpi::targets::SubjectTargets>) -> Collect {
    let settings = pipeline_settings(ReadOptions::default(), targets);
    let inputs = vec![kpi::pipeline::Input::Open {
        name: "actuals.csv".into(),
        reader: Box::new(std::io::Cursor::new(actuals.as_bytes().to_vec())),
    }];
    let mut sink = Collect(Vec::new(), true);
    let outcome = kpi::pipeline::run(&settings, inputs, &mut sink).expect("scoring in memory");
    assert!(
        outcome.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        outcome.diagnostics
    );
    sink
}

fn threshold_cell(v: Option<Decimal>) -> String {
    v.map(plain).unwrap_or_default()
}

/// A row of a targets file for `subject` and indicator `i` giving every threshold the
/// card has in `kind` (empty where it has none), or `-` where it has no target.
fn repeating_row(subject: &str, i: usize, period: &str, kind: PeriodKind) -> String {
    let indicator = &builtin().indicators[i];
    match indicator.thresholds(kind) {
        Some(t) => format!(
            "{subject},{},{period},{},{},{},{},{}\n",
            indicator.id,
            threshold_cell(t.worst),
            plain(t.target),
            threshold_cell(t.exceeds),
            threshold_cell(t.far_exceeds),
            threshold_cell(t.best)
        ),
        None => format!("{subject},{},{period},,-,,,\n", indicator.id),
    }
}

const TARGETS_HEADER: &str = "subject,indicator,period,worst,target,exceeds,far_exceeds,best\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..config() })]

    /// §2.4: a targets file that repeats the card's own thresholds, for any subjects,
    /// indicators and periods (kinds or labels), changes no score.
    #[test]
    fn a_targets_file_repeating_the_card_changes_nothing(
        actuals in monthly_actuals(),
        picks in proptest::collection::vec((0usize..3, 0usize..11, 0usize..6), 0..30),
    ) {
        let mut text = String::from(TARGETS_HEADER);
        let mut seen = BTreeSet::new();
        for (s, i, p) in picks {
            // Periods: a kind, or one of the data's months; rows stay unique.
            let (period, kind) = match p {
                0 => ("month", PeriodKind::Month),
                1 => ("quarter", PeriodKind::Quarter),
                2 => ("half", PeriodKind::Half),
                3 => ("year", PeriodKind::Year),
                4 => ("2026-01", PeriodKind::Month),
                _ => ("2026年2月", PeriodKind::Month),
            };
            if seen.insert((s, i, kind, p)) {
                text.push_str(&repeating_row(TARGET_SUBJECTS[s], i, period, kind));
            }
        }
        let targets = targets_of(&text).map_err(|e| TestCaseError::fail(e.join("\n")))?;
        let without = scored_with(&actuals, None).0;
        let with = scored_with(&actuals, Some(&targets)).0;
        prop_assert_eq!(without.len(), with.len());
        for (a, b) in without.iter().zip(&with) {
            prop_assert_eq!((&a.0, &a.1, &a.2), (&b.0, &b.1, &b.2));
        }
    }

    /// §2.4: rows for one subject change only that subject's cards, whatever they
    /// say (valid ones: a file with a problem scores nothing).
    #[test]
    fn an_override_changes_only_its_own_subjects_cards(
        actuals in monthly_actuals(),
        subject in 0usize..3,
        rows in proptest::collection::vec((0usize..11, -50i64..=50, any::<bool>()), 1..8),
    ) {
        let def = builtin();
        let mut text = String::from(TARGETS_HEADER);
        let mut seen = BTreeSet::new();
        // The target in force for each indicator overridden: a `month` row wins over
        // one without a period.
        let mut in_force: BTreeMap<usize, (bool, Decimal)> = BTreeMap::new();
        for (i, delta, by_kind) in rows {
            if !seen.insert((i, by_kind)) {
                continue;
            }
            // A target moved by up to ±5 from the card's month target: often out of
            // order with the card's other thresholds, which the file must then refuse.
            let Some(t) = def.indicators[i].thresholds(PeriodKind::Month) else { continue };
            let target = t.target + Decimal::new(delta, 1);
            let period = if by_kind { "month" } else { "" };
            match in_force.get(&i) {
                Some((true, _)) if !by_kind => {}
                _ => {
                    in_force.insert(i, (by_kind, target));
                }
            }
            text.push_str(&format!(
                "{},{},{period},,{target},,,\n",
                TARGET_SUBJECTS[subject], def.indicators[i].id
            ));
        }
        let Ok(targets) = targets_of(&text) else {
            return Ok(()); // refused: nothing to compare
        };
        let without = scored_with(&actuals, None).0;
        let with = scored_with(&actuals, Some(&targets)).0;
        prop_assert_eq!(without.len(), with.len());
        for (a, b) in without.iter().zip(&with) {
            prop_assert_eq!((&a.0, &a.1), (&b.0, &b.1));
            if a.0 != TARGET_SUBJECTS[subject] {
                prop_assert_eq!(&a.2, &b.2, "subject {} changed", a.0);
                // Other subjects are scored against the card's thresholds.
                let card: Vec<Option<Thresholds>> = def
                    .indicators
                    .iter()
                    .map(|i| i.thresholds(PeriodKind::Month).copied())
                    .collect();
                prop_assert_eq!(b.3.as_ref(), Some(&card));
            } else {
                let thresholds = b.3.as_ref().expect("thresholds in force");
                for (&i, &(_, target)) in &in_force {
                    prop_assert_eq!(thresholds[i].map(|t| t.target), Some(target));
                }
            }
        }
    }
}

/// Lines of a targets file: good rows, rows with a problem, every period form.
const TARGET_LINES: &[&str] = &[
    "东区,repair_timeliness,,96,",
    "东区,repair_timeliness,quarter,97,99",
    "东区,repair_timeliness,2026-Q3,-,",
    "West,complaints,年度,1,",
    "West,visit_completion,月,75,",
    "West,complaints,2026年11月,不考核,",
    ",service_cost_rate,,0.9,1.3",
    "North,nope,,1,",
    "North,repair_timeliness,2026-13,1,",
    "North,repair_timeliness,,x,",
    "North,repair_timeliness,,99,70",
    "\"North\n\",repair_timeliness,half,96,",
    "North,repair_timeliness,,96",
];

fn targets_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        data_bytes(),
        (
            prop::collection::vec(prop::sample::select(TARGET_LINES), 0..12),
            0u8..8,
        )
            .prop_map(|(lines, how)| {
                let mut text = String::from("subject,indicator,period,target,worst\n");
                for line in lines {
                    text.push_str(line);
                    text.push('\n');
                }
                encode(&text, how)
            }),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// §8 "never a panic": any bytes as a targets file, with any options, are read or
    /// reported without panicking; a file read without an error has every row kept.
    #[test]
    fn reading_targets_never_panics(bytes in targets_bytes(), options in read_options()) {
        let mut open = || -> std::io::Result<Box<dyn std::io::Read>> {
            Ok(Box::new(std::io::Cursor::new(bytes.clone())))
        };
        let read = kpi::read::targets::read(builtin(), "targets.csv", &mut open, &options);
        let failed = read.diagnostics.iter().any(|d| d.is_error());
        prop_assert_eq!(read.targets.is_some(), !failed);
        for d in &read.diagnostics {
            prop_assert!(d.path == "targets.csv");
        }
    }
}
