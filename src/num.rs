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
    use std::str::FromStr;

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
