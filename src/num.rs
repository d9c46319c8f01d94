//! Exact decimal arithmetic: half-up rounding and quotients rounded exactly.
//!
//! `rust_decimal` divides to 28 significant digits, which is almost always enough,
//! but a quotient that lies a hair off a rounding midpoint could round the wrong way.
//! Every division in `kpi` ends in a rounding to a fixed number of places, so it is done
//! here in integers: the result is the exact quotient rounded half-up (halves away from
//! zero, 四舍五入).

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds half away from zero to `dp` decimal places.
pub fn round_half_up(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// `numerator / denominator`, rounded half-up to `dp` places; `None` when the
/// denominator is zero or the result does not fit a `Decimal`.
pub fn div_half_up(numerator: Decimal, denominator: Decimal, dp: u32) -> Option<Decimal> {
    if denominator.is_zero() {
        return None;
    }
    if let Some(q) = i64::try_from(numerator.mantissa())
        .ok()
        .and_then(|n| quotient_in_64_bits(n, numerator.scale(), denominator, dp))
    {
        return Some(q);
    }
    exact_div(numerator, denominator, dp).or_else(|| {
        // Operands too large for i128 arithmetic: fall back to a 28-digit quotient.
        numerator
            .checked_div(denominator)
            .map(|q| round_half_up(q, dp))
    })
}

fn exact_div(numerator: Decimal, denominator: Decimal, dp: u32) -> Option<Decimal> {
    // n = a / 10^sa, d = b / 10^sb, so n / d * 10^dp = a * 10^(sb + dp) / (b * 10^sa).
    let a = numerator.mantissa();
    let b = denominator.mantissa();
    let num = a.checked_mul(pow10(denominator.scale() + dp)?)?;
    let den = b.checked_mul(pow10(numerator.scale())?)?;
    quotient_half_up(num, den, dp)
}

/// `num / den` rounded half-up to an integer, as a decimal of `dp` places (`num` is
/// already scaled by 10^dp); `None` when it does not fit. `den` is not zero.
fn quotient_half_up(num: i128, den: i128, dp: u32) -> Option<Decimal> {
    let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
    // Most quotients fit 64 bits, where division is several times faster.
    let (mut q, r) = match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => (u128::from(n / d), u128::from(n % d)),
        _ => (n / d, n % d),
    };
    if r >= d - r {
        q += 1;
    }
    let q = i128::try_from(q).ok()?;
    let signed = if (num < 0) != (den < 0) { -q } else { q };
    Decimal::try_from_i128_with_scale(signed, dp).ok()
}

/// The value at `v` on the line through `(b_low, p_low)` and `(b_high, p_high)`, rounded
/// half-up to `dp` places: `(p_low·span + (p_high − p_low)(v − b_low)) / span`, with
/// `span = b_high − b_low`, as one exact quotient. `None` when the span is zero or the
/// result does not fit a `Decimal`.
pub fn interpolate_half_up(
    (b_low, p_low): (Decimal, Decimal),
    (b_high, p_high): (Decimal, Decimal),
    v: Decimal,
    dp: u32,
) -> Option<Decimal> {
    if let Some(q) = interpolate_in_integers([b_low, p_low, b_high, p_high, v], dp) {
        return Some(q);
    }
    let span = b_high.checked_sub(b_low)?;
    let step = p_high
        .checked_sub(p_low)?
        .checked_mul(v.checked_sub(b_low)?)?;
    let numerator = p_low.checked_mul(span)?.checked_add(step)?;
    div_half_up(numerator, span, dp)
}

/// `interpolate_half_up` in `i128`, the five numbers brought to one scale: the same
/// result as the `Decimal` arithmetic, in a fraction of its time, when every step fits
/// 96 bits (where the `Decimal` steps are exact too); `None` when one does not.
fn interpolate_in_integers(
    [b_low, p_low, b_high, p_high, v]: [Decimal; 5],
    dp: u32,
) -> Option<Decimal> {
    let scale = [b_low, p_low, b_high, p_high, v]
        .iter()
        .map(Decimal::scale)
        .max()?;
    let at = |d: Decimal| mantissa_at(d, scale);
    let (b_low, p_low, b_high, p_high, v) =
        (at(b_low)?, at(p_low)?, at(b_high)?, at(p_high)?, at(v)?);
    interpolate_scaled([b_low, p_low, b_high, p_high, v], scale, dp)
}

/// `interpolate_half_up` on the mantissas of numbers at one `scale` (at most 12): the
/// same result as the `Decimal` arithmetic when every step fits 96 bits; `None` when
/// one does not.
pub fn interpolate_scaled(
    [b_low, p_low, b_high, p_high, v]: [i128; 5],
    scale: u32,
    dp: u32,
) -> Option<Decimal> {
    if let Some(q) = interpolate_in_64_bits([b_low, p_low, b_high, p_high, v], scale, dp) {
        return Some(q);
    }
    let span = b_high.checked_sub(b_low)?;
    let rise = p_high.checked_sub(p_low)?;
    let run = v.checked_sub(b_low)?;
    let (base, step) = (p_low.checked_mul(span)?, rise.checked_mul(run)?);
    let numerator = base.checked_add(step)?;
    if span == 0
        || scale > 12
        || ![span, rise, run, base, step, numerator]
            .into_iter()
            .all(fits_96_bits)
    {
        return None;
    }
    // numerator / 10^(2·scale) over span / 10^scale, to dp places.
    quotient_half_up(
        numerator.checked_mul(pow10(dp)?)?,
        span.checked_mul(pow10(scale)?)?,
        dp,
    )
}

/// `interpolate_scaled` when every step fits 63 bits (and so 96 bits), where it is
/// several times cheaper than in `i128`; `None` when one does not.
fn interpolate_in_64_bits(numbers: [i128; 5], scale: u32, dp: u32) -> Option<Decimal> {
    let [b_low, p_low, b_high, p_high, v] = numbers.map(|n| i64::try_from(n).ok());
    let (b_low, p_low, b_high, p_high, v) = (b_low?, p_low?, b_high?, p_high?, v?);
    let span = b_high.checked_sub(b_low)?;
    let step = (p_high.checked_sub(p_low)?).checked_mul(v.checked_sub(b_low)?)?;
    let numerator = p_low.checked_mul(span)?.checked_add(step)?;
    if span == 0 || scale > 12 {
        return None;
    }
    let num = numerator.checked_mul(POW10_64.get(dp as usize).copied()?)?;
    let den = span.checked_mul(POW10_64.get(scale as usize).copied()?)?;
    quotient_half_up_64(num, den, dp)
}

/// 10^n for n up to 18.
const POW10_64: [i64; 19] = {
    let mut table = [1i64; 19];
    let mut i = 1;
    while i < 19 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `quotient_half_up` in 64 bits.
fn quotient_half_up_64(num: i64, den: i64, dp: u32) -> Option<Decimal> {
    let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
    let (mut q, r) = (n / d, n % d);
    if r >= d - r {
        q += 1;
    }
    let q = i64::try_from(q).ok()?;
    let signed = if (num < 0) != (den < 0) { -q } else { q };
    Decimal::try_new(signed, dp).ok()
}

/// The mantissa of `d` at `scale` places; `None` when `d` has more places or the
/// mantissa does not fit.
pub fn mantissa_at(d: Decimal, scale: u32) -> Option<i128> {
    d.mantissa()
        .checked_mul(pow10(scale.checked_sub(d.scale())?)?)
}

/// Whether `0 < |d| ≤ 1`, in integers: asked of every value read.
pub fn within_one(d: Decimal) -> bool {
    let m = d.mantissa().unsigned_abs();
    m != 0 && pow10(d.scale()).is_some_and(|one| m <= one.unsigned_abs())
}

/// Whether `n` fits a `Decimal`'s 96-bit mantissa, where its arithmetic is exact.
pub fn fits_96_bits(n: i128) -> bool {
    n.unsigned_abs() < 1 << 96
}

/// `a · b / c`, rounded half-up to `dp` places, as `div_half_up(a * b, c, dp)` (the
/// product exact in integers); `None` when `c` is zero or the result does not fit.
pub fn mul_div_half_up(a: Decimal, b: Decimal, c: Decimal, dp: u32) -> Option<Decimal> {
    if c.is_zero() {
        return None;
    }
    if let Some(q) = mul_div_in_64_bits(a, b, c, dp) {
        return Some(q);
    }
    let product = a.mantissa().checked_mul(b.mantissa());
    let exact = product.filter(|&p| fits_96_bits(p)).and_then(|p| {
        // a·b = p / 10^(sa + sb), c = m / 10^sc: the quotient is p·10^(sc + dp) / (m·10^(sa + sb)).
        let scale = a.scale() + b.scale();
        let num = p.checked_mul(pow10(c.scale() + dp)?)?;
        let den = c.mantissa().checked_mul(pow10(scale)?)?;
        quotient_half_up(num, den, dp)
    });
    exact.or_else(|| div_half_up(a.checked_mul(b)?, c, dp))
}

/// `mul_div_half_up` when every step fits 63 bits: the common case (a score times a
/// weight), several times cheaper than in `i128`; `None` when one does not.
fn mul_div_in_64_bits(a: Decimal, b: Decimal, c: Decimal, dp: u32) -> Option<Decimal> {
    let narrow = |d: Decimal| i64::try_from(d.mantissa()).ok();
    let product = narrow(a)?.checked_mul(narrow(b)?)?;
    quotient_in_64_bits(product, a.scale() + b.scale(), c, dp)
}

/// `n / 10^scale` over `c` (not zero), rounded half-up to `dp` places, when every
/// step fits 63 bits.
fn quotient_in_64_bits(n: i64, scale: u32, c: Decimal, dp: u32) -> Option<Decimal> {
    // n / 10^scale over m / 10^sc is n·10^(sc + dp) / (m·10^scale), to dp places.
    let up = |n: u32| POW10_64.get(n as usize).copied();
    let num = n.checked_mul(up(c.scale() + dp)?)?;
    let den = i64::try_from(c.mantissa()).ok()?.checked_mul(up(scale)?)?;
    quotient_half_up_64(num, den, dp)
}

/// 10^n for n up to 38, from a table: scoring divides millions of times in a batch.
fn pow10(n: u32) -> Option<i128> {
    const TABLE: [i128; 39] = {
        let mut table = [1i128; 39];
        let mut i = 1;
        while i < 39 {
            table[i] = table[i - 1] * 10;
            i += 1;
        }
        table
    };
    TABLE.get(n as usize).copied()
}

/// A decimal with exactly `dp` places, for output (`66` → `66.00`).
pub fn fixed(value: Decimal, dp: u32) -> String {
    let mut out = String::with_capacity(24);
    push_fixed(&mut out, value, dp);
    out
}

/// A decimal without trailing zeros (`2.70` → `2.7`, `95.0` → `95`).
pub fn plain(value: Decimal) -> String {
    let mut out = String::with_capacity(24);
    push_plain(&mut out, value);
    out
}

/// Appends `value` rounded half-up to exactly `dp` places. Output formatting is hot in
/// batch runs, so digits are written straight from the mantissa.
pub fn push_fixed(out: &mut String, value: Decimal, dp: u32) {
    // Scores and points come rounded to their places already: nothing to round.
    if value.scale() <= dp
        && let Some(mantissa) =
            pow10(dp - value.scale()).and_then(|p| value.mantissa().checked_mul(p))
    {
        return push_scaled(out, mantissa, dp);
    }
    let mut v = round_half_up(value, dp);
    v.rescale(dp);
    push_scaled(out, v.mantissa(), v.scale());
}

/// Appends `value` without trailing zeros.
pub fn push_plain(out: &mut String, value: Decimal) {
    let (mut mantissa, mut scale) = (value.mantissa(), value.scale());
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    push_scaled(out, mantissa, scale);
}

/// Appends `mantissa / 10^scale` in plain decimal notation; zero has no sign.
fn push_scaled(out: &mut String, mantissa: i128, scale: u32) {
    let mut digits = [0u8; 40];
    let mut len = 0;
    let mut put = |d: u8| {
        digits[39 - len] = b'0' + d;
        len += 1;
    };
    // 64-bit division is far cheaper than 128-bit, and almost every number fits;
    // two digits at a time halves the divisions.
    match u64::try_from(mantissa.unsigned_abs()) {
        Ok(mut n) => {
            while n >= 100 {
                let pair = (n % 100) as u8;
                n /= 100;
                put(pair % 10);
                put(pair / 10);
            }
            put((n % 10) as u8);
            if n >= 10 {
                put((n / 10) as u8);
            }
        }
        Err(_) => {
            let mut n = mantissa.unsigned_abs();
            loop {
                put((n % 10) as u8);
                n /= 10;
                if n == 0 {
                    break;
                }
            }
        }
    }
    // At least one digit before the point.
    let scale = scale as usize;
    while len <= scale {
        digits[digits.len() - 1 - len] = b'0';
        len += 1;
    }
    if mantissa < 0 {
        out.push('-');
    }
    let all = &digits[digits.len() - len..];
    let (int, frac) = all.split_at(len - scale);
    out.extend(int.iter().map(|&d| d as char));
    if scale > 0 {
        out.push('.');
        out.extend(frac.iter().map(|&d| d as char));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    /// A decimal of up to `digits` digits and up to 6 places, of either sign.
    fn decimal(digits: u32) -> impl Strategy<Value = Decimal> {
        (-(10i64.pow(digits) - 1)..10i64.pow(digits), 0u32..=6)
            .prop_map(|(m, scale)| Decimal::new(m, scale))
    }

    proptest! {
        /// Numbers are written as `Decimal` writes them: `plain` normalised, `fixed`
        /// rounded half-up to its places (and never `-0.00`).
        #[test]
        fn fast_formatting_is_decimal_display(
            mantissa in any::<i64>(), scale in 0u32..=20, dp in 0u32..=4,
        ) {
            let v = Decimal::new(mantissa, scale);
            prop_assert_eq!(plain(v), v.normalize().to_string());
            let mut r = round_half_up(v, dp);
            r.rescale(dp);
            let want = if r.is_zero() { r.abs().to_string() } else { r.to_string() };
            prop_assert_eq!(fixed(v, dp), want);
        }

        /// The integer interpolation, where it answers, is the `Decimal` one exactly.
        #[test]
        fn interpolation_in_integers_is_that_in_decimals(
            b_low in decimal(12), p_low in decimal(5), b_high in decimal(12),
            p_high in decimal(5), v in decimal(12), dp in 0u32..=4,
        ) {
            prop_assume!(b_low != b_high);
            let span = b_high - b_low;
            let numerator = p_low * span + (p_high - p_low) * (v - b_low);
            let want = div_half_up(numerator, span, dp);
            if let Some(got) = interpolate_in_integers([b_low, p_low, b_high, p_high, v], dp) {
                prop_assert_eq!(Some(got), want);
            }
        }

        /// And it answers for the numbers scoring meets: thresholds and values of up
        /// to 15 digits, 4 of them places, and points of up to 3 digits and 2 places.
        #[test]
        fn interpolation_in_integers_answers_for_scores(
            (b_low, b_high, v) in (decimal(15), decimal(15), decimal(15)),
            p_low in decimal(5), p_high in decimal(5),
        ) {
            let fit = |d: Decimal, places: u32| {
                let mut d = d;
                d.rescale(places.min(d.scale()));
                d
            };
            let (b_low, b_high, v) = (fit(b_low, 4), fit(b_high, 4), fit(v, 4));
            let (p_low, p_high) = (fit(p_low, 2), fit(p_high, 2));
            prop_assume!(b_low != b_high);
            let got = interpolate_in_integers([b_low, p_low, b_high, p_high, v], 2);
            prop_assert!(got.is_some());
        }

        /// In 64 bits, where it answers, the interpolation is that in 128 bits; and it
        /// answers for everyday numbers (up to 9 digits, 4 places).
        #[test]
        fn interpolation_in_64_bits_is_that_in_128(
            numbers in prop::array::uniform5(prop_oneof![
                -(10i128.pow(6))..10i128.pow(6),
                -(10i128.pow(13))..10i128.pow(13),
            ]),
            scale in 0u32..=6, dp in 0u32..=4,
        ) {
            let [b_low, _, b_high, ..] = numbers;
            prop_assume!(b_low != b_high);
            let everyday = numbers.iter().all(|n| n.abs() < 10i128.pow(9)) && scale <= 4;
            match interpolate_in_64_bits(numbers, scale, dp) {
                Some(got) => {
                    // The i128 steps alone, as interpolate_scaled takes them.
                    let [b_low, p_low, b_high, p_high, v] = numbers;
                    let span = b_high - b_low;
                    let numerator = p_low * span + (p_high - p_low) * (v - b_low);
                    let want = quotient_half_up(numerator * pow10(dp).unwrap(), span * pow10(scale).unwrap(), dp);
                    prop_assert_eq!(Some(got), want);
                }
                None => prop_assert!(!everyday, "no answer for {numbers:?}"),
            }
        }

        /// `a · b / c` and `a / c` are the quotients in 128 bits, whether 64 bits
        /// answer or not.
        #[test]
        fn quotients_in_64_bits_are_those_in_128(
            a in decimal(6), b in prop_oneof![decimal(3), decimal(12)],
            c in prop_oneof![decimal(2), decimal(12)], dp in 0u32..=4,
        ) {
            prop_assume!(!c.is_zero());
            prop_assert_eq!(mul_div_half_up(a, b, c, dp), exact_div(a * b, c, dp));
            prop_assert_eq!(div_half_up(a, c, dp), exact_div(a, c, dp));
        }

        /// `within_one` is `0 < |d| ≤ 1` for any decimal.
        #[test]
        fn within_one_is_the_comparison(
            (mantissa, scale) in (0u32..=28).prop_flat_map(|scale| {
                let one = 10i128.pow(scale);
                let near = (-2i128..=2, any::<bool>())
                    .prop_map(move |(d, neg)| if neg { -one + d } else { one + d });
                (prop_oneof![near, any::<i128>().prop_map(|m| m >> 32), -2i128..=2], Just(scale))
            }),
        ) {
            let d = Decimal::try_from_i128_with_scale(mantissa, scale).unwrap();
            prop_assert_eq!(within_one(d), !d.is_zero() && d.abs() <= Decimal::ONE);
        }
    }

    #[test]
    fn interpolation_past_96_bits_is_left_to_decimals_which_do_not_panic() {
        let big = Decimal::from_i128_with_scale(10i128.pow(27), 0);
        let args = [Decimal::ZERO, Decimal::ONE, big, Decimal::ONE_HUNDRED, big];
        assert_eq!(
            interpolate_in_integers(args, 2),
            None,
            "99 × 1e27 is past 96 bits"
        );
        let got = interpolate_half_up((args[0], args[1]), (args[2], args[3]), args[4], 2);
        assert_eq!(got, None, "and too large for a Decimal");
        let half = Decimal::new(5_000_000_000_000, 13);
        let args = [
            Decimal::ZERO,
            Decimal::ZERO,
            Decimal::ONE,
            Decimal::ONE_HUNDRED,
            half,
        ];
        assert_eq!(interpolate_in_integers(args, 2), None, "13 places");
        let got = interpolate_half_up((args[0], args[1]), (args[2], args[3]), args[4], 2);
        assert_eq!(got, Some(Decimal::new(5000, 2)));
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounds_halves_away_from_zero() {
        assert_eq!(round_half_up(d("60.125"), 2), d("60.13"));
        assert_eq!(round_half_up(d("60.135"), 2), d("60.14"));
        assert_eq!(round_half_up(d("-0.005"), 2), d("-0.01"));
        assert_eq!(round_half_up(d("2.345"), 2), d("2.35"));
    }

    #[test]
    fn division_rounds_the_exact_quotient() {
        assert_eq!(div_half_up(d("1"), d("3"), 2), Some(d("0.33")));
        assert_eq!(div_half_up(d("2"), d("3"), 2), Some(d("0.67")));
        // 20 * 100 / 89 = 22.4719...
        assert_eq!(div_half_up(d("2000"), d("89"), 2), Some(d("22.47")));
        // exactly a half: 1 / 8 = 0.125
        assert_eq!(div_half_up(d("1"), d("8"), 2), Some(d("0.13")));
        assert_eq!(div_half_up(d("-1"), d("8"), 2), Some(d("-0.13")));
        assert_eq!(div_half_up(d("1"), d("-8"), 2), Some(d("-0.13")));
        assert_eq!(div_half_up(d("0.5"), d("0.04"), 0), Some(d("13")));
        assert_eq!(div_half_up(d("1"), d("0"), 2), None);
        // The same as a product over a divisor: score · weight / W, weight · 100 / W.
        for (a, b, c, want) in [
            ("0.5", "2", "8", Some("0.13")),
            ("-1", "1", "8", Some("-0.13")),
            ("1", "-1", "8", Some("-0.13")),
            ("62.5", "20", "89", Some("14.04")),
            ("20", "100", "89", Some("22.47")),
            ("1", "1", "0", None),
        ] {
            let got = mul_div_half_up(d(a), d(b), d(c), 2);
            assert_eq!(got, want.map(d), "{a} · {b} / {c}");
        }
        // Past 64 bits: 10^14 · 10^14 / 8.
        let big = d("100000000000000");
        let want = d("1250000000000000000000000000");
        assert_eq!(mul_div_half_up(big, big, d("8"), 0), Some(want));
    }

    #[test]
    fn fast_formatting_matches_decimal_display() {
        for text in [
            "0",
            "1",
            "-1",
            "0.5",
            "-0.5",
            "66",
            "66.00",
            "2.70",
            "0.000000000001",
            "999999999999999",
            "-123.456",
            "100",
            "0.92",
            "1234567890.123456789012",
            "-0.010",
        ] {
            let v = d(text);
            assert_eq!(plain(v), v.normalize().to_string(), "{text}");
            let mut r = round_half_up(v, 2);
            r.rescale(2);
            let expected = if r.is_zero() {
                "0.00".to_string()
            } else {
                r.to_string()
            };
            assert_eq!(fixed(v, 2), expected, "{text}");
        }
        assert_eq!(fixed(d("-0.001"), 2), "0.00");
    }

    #[test]
    fn fixed_and_plain_forms() {
        assert_eq!(fixed(d("66"), 2), "66.00");
        assert_eq!(fixed(d("2.7"), 2), "2.70");
        assert_eq!(plain(d("2.70")), "2.7");
        assert_eq!(plain(d("95.000")), "95");
        assert_eq!(plain(d("0.92")), "0.92");
    }
}
