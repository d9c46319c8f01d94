//! One cell of text → an exact value (SPEC §3): full-width forms, missing markers,
//! a trailing unit, `a/b` ratios, thousands separators and exponents, and the limits
//! that keep every value exact.

use std::fmt;

use rust_decimal::Decimal;

use crate::num::mul_div_half_up;

/// A parsed actual value. `parts` keeps `a` and `b` of an `a/b` cell for roll-up (§6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value {
    pub amount: Decimal,
    pub parts: Option<(Decimal, Decimal)>,
}

/// Why a cell is not a value. The caller adds the file, line, column and cell text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    UnitOnly,
    ZeroDenominator,
    NotANumber,
    /// Digits, one comma, digits, that are not thousands groups: `0,88`, `1,5`.
    DecimalComma,
    /// Magnitude of 10^15 or more.
    TooLarge,
    /// More than 20 significant digits.
    TooManyDigits,
    /// A non-zero digit beyond the 12th decimal place.
    TooPrecise,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueError::UnitOnly => "the cell holds only the unit; write the number before it, or leave the cell empty for no value",
            ValueError::ZeroDenominator => "the ratio divides by zero; the number after / must not be 0",
            ValueError::NotANumber => "not a number; write a number such as 95, 95.5%, 1,234.5 or a ratio such as 171/180",
            ValueError::DecimalComma => "a decimal comma: write a decimal point instead (a comma only groups thousands, as in 1,234.5)",
            ValueError::TooLarge => "the number is too large; values must be below 10^15 in magnitude",
            ValueError::TooManyDigits => "the number has more than 20 significant digits",
            ValueError::TooPrecise => "the number has a non-zero digit beyond the 12th decimal place",
        })
    }
}

/// Limits of §3 rule 6.
const MAX_INTEGER_DIGITS: i64 = 15;
const MAX_SIGNIFICANT_DIGITS: usize = 20;
const MAX_DECIMAL_PLACES: i64 = 12;

/// Maps full-width digits and signs, and the ideographic space, to ASCII (§3 rule 1).
pub fn normalise_width(text: &str) -> std::borrow::Cow<'_, str> {
    // Every form mapped is U+3000 or in U+FF00–U+FFEF, whose UTF-8 starts with E3 or
    // EF: text without those bytes (ASCII, most Chinese) is kept as it is, unallocated.
    if !text.bytes().any(|b| b == 0xE3 || b == 0xEF) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '％' => '%',
            '／' => '/',
            '－' => '-',
            '＋' => '+',
            '，' => ',',
            '\u{3000}' => ' ',
            other => other,
        })
        .collect::<String>()
        .into()
}

/// `text.trim()`, with ASCII spaces trimmed without decoding characters: only text
/// that then starts or ends with a byte outside ASCII (or a vertical tab, white space
/// to `trim` but not to `trim_ascii`) is trimmed of the other spaces.
pub fn trim(text: &str) -> &str {
    let ascii = text.trim_ascii();
    let other = |b: u8| b >= 0x80 || b == 0x0B;
    match (ascii.as_bytes().first(), ascii.as_bytes().last()) {
        (Some(&first), Some(&last)) if other(first) || other(last) => ascii.trim(),
        _ => ascii,
    }
}

/// Parses one cell for an indicator whose unit is `unit`. `Ok(None)` is "no value".
pub fn parse_value(cell: &str, unit: &str) -> Result<Option<Value>, ValueError> {
    let normal = normalise_width(cell);
    let text = trim(&normal);
    if is_no_value(text) {
        return Ok(None);
    }
    let unit = normalise_width(unit);
    let unit = trim(&unit);
    let text = if !unit.is_empty() {
        match text.strip_suffix(unit) {
            Some(rest) if rest.trim().is_empty() => return Err(ValueError::UnitOnly),
            Some(rest) => rest.trim_end(),
            None => text,
        }
    } else {
        text
    };
    let percent = unit == "%";
    if let Some((a, b)) = text.split_once('/') {
        let a = parse_number(a.trim())?;
        let b = parse_number(b.trim())?;
        if b.is_zero() {
            return Err(ValueError::ZeroDenominator);
        }
        let scale = if percent {
            Decimal::ONE_HUNDRED
        } else {
            Decimal::ONE
        };
        let amount = mul_div_half_up(a, scale, b, 4).ok_or(ValueError::TooLarge)?;
        check_limits(amount)?;
        return Ok(Some(Value {
            amount,
            parts: Some((a, b)),
        }));
    }
    Ok(Some(Value {
        amount: parse_number(text)?,
        parts: None,
    }))
}

/// Empty, `-`, `—` or `n/a` in any case (§3 rule 2); `text` is already trimmed.
fn is_no_value(text: &str) -> bool {
    text.is_empty() || text == "-" || text == "—" || text.eq_ignore_ascii_case("n/a")
}

fn check_limits(value: Decimal) -> Result<(), ValueError> {
    // Within both limits as it stands (as every quotient of `a/b`, at 4 places, of a
    // sane size is): nothing to normalise.
    let (mantissa, scale) = (value.mantissa().unsigned_abs(), value.scale());
    if i64::from(scale) <= MAX_DECIMAL_PLACES
        && mantissa < 10u128.pow(MAX_INTEGER_DIGITS as u32 + scale)
    {
        return Ok(());
    }
    let v = value.normalize();
    if v.scale() as i64 > MAX_DECIMAL_PLACES {
        return Err(ValueError::TooPrecise);
    }
    if v.abs() >= Decimal::from(10i64.pow(MAX_INTEGER_DIGITS as u32)) {
        return Err(ValueError::TooLarge);
    }
    Ok(())
}

/// A number per §3 rule 5: `[+-]? D ([.] digits)? ([eE] [+-]? digits)?` where D is
/// digits or 1–3 digits followed by `,ddd` groups; with the limits of rule 6.
pub fn parse_number(text: &str) -> Result<Decimal, ValueError> {
    if let Some(plain) = plain_number(text) {
        return Ok(plain);
    }
    let Some(literal) = scan_number(text) else {
        return Err(if decimal_comma(text) {
            ValueError::DecimalComma
        } else {
            ValueError::NotANumber
        });
    };
    literal.to_decimal(MAX_SIGNIFICANT_DIGITS)
}

/// The number most cells hold, `-?digits(.digits)?` with at most 15 digits before
/// the point and 12 after, evaluated in one pass; `None` for anything else, which the
/// full grammar then reads. The same value as `to_decimal` gives, trailing zeros
/// dropped, and within the limits by its shape.
fn plain_number(text: &str) -> Option<Decimal> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    let (whole, fraction) = match memchr::memchr(b'.', digits) {
        Some(dot) => (&digits[..dot], &digits[dot + 1..]),
        None => (digits, &[][..]),
    };
    let int_digits = whole.iter().skip_while(|&&b| b == b'0').count();
    if whole.is_empty()
        || whole.len() > 18
        || int_digits > MAX_INTEGER_DIGITS as usize
        || fraction.len() > MAX_DECIMAL_PLACES as usize
        || (digits.len() > whole.len() && fraction.is_empty())
    {
        return None;
    }
    let mut mantissa: i64 = 0;
    for &b in whole.iter().chain(fraction) {
        if !b.is_ascii_digit() {
            return None;
        }
        // Past 18 digits this would overflow: the full grammar reads those.
        mantissa = mantissa.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    let mut scale = fraction.len() as u32;
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if mantissa == 0 {
        return Some(Decimal::ZERO);
    }
    Some(Decimal::new(
        if negative { -mantissa } else { mantissa },
        scale,
    ))
}

/// `[+-]? digits , digits` and nothing else: a decimal comma, as much of Europe (and
/// Excel in those locales) writes a number, when it is not a thousands grouping.
fn decimal_comma(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    unsigned.split_once(',').is_some_and(|(whole, fraction)| {
        [whole, fraction]
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The pieces of a number literal, before any arithmetic.
pub(crate) struct Literal<'a> {
    negative: bool,
    integer: &'a str,
    fraction: &'a str,
    exponent: Option<(bool, &'a str)>,
}

/// Matches the grammar of §3 rule 5 (thousands groups allowed), without evaluating it.
pub(crate) fn scan_number(text: &str) -> Option<Literal<'_>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let lead = i - int_start;
    if lead == 0 {
        return None;
    }
    if i < bytes.len() && bytes[i] == b',' {
        if lead > 3 {
            return None;
        }
        while i < bytes.len() && bytes[i] == b',' {
            let group = bytes.get(i + 1..i + 4)?;
            if !group.iter().all(u8::is_ascii_digit) {
                return None;
            }
            i += 4;
        }
        if i < bytes.len() && bytes[i].is_ascii_digit() {
            return None;
        }
    }
    let integer = &text[int_start..i];
    let mut fraction = "";
    if i < bytes.len() && bytes[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        fraction = &text[start..i];
    }
    let mut exponent = None;
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        let exp_negative = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        exponent = Some((exp_negative, &text[start..i]));
    }
    if i != bytes.len() {
        return None;
    }
    Some(Literal {
        negative,
        integer,
        fraction,
        exponent,
    })
}

impl Literal<'_> {
    /// Evaluates the literal exactly, refusing anything beyond the limits.
    pub(crate) fn to_decimal(&self, max_significant: usize) -> Result<Decimal, ValueError> {
        // value = digits × 10^exp, with leading and trailing zeros dropped from digits.
        let all = self
            .integer
            .bytes()
            .filter(u8::is_ascii_digit)
            .chain(self.fraction.bytes());
        let mut exp: i64 = -(self.fraction.len() as i64);
        if let Some((negative, text)) = self.exponent {
            let magnitude: i64 = if text.trim_start_matches('0').len() > 9 {
                i64::from(u32::MAX)
            } else {
                text.parse().unwrap_or(i64::from(u32::MAX))
            };
            exp += if negative { -magnitude } else { magnitude };
        }
        let mut significant = 0usize; // digits from the first non-zero one
        let mut zeros = 0usize; // trailing zeros among them, not yet counted in
        let mut mantissa: u128 = 0;
        let mut overflow = false;
        for d in all.map(|b| b - b'0') {
            if significant == 0 && d == 0 {
                continue;
            }
            significant += 1;
            if d == 0 {
                zeros += 1;
                continue;
            }
            // Pending zeros belong inside the number after all.
            for _ in 0..=zeros {
                match mantissa.checked_mul(10) {
                    Some(m) => mantissa = m,
                    None => overflow = true,
                }
            }
            mantissa += u128::from(d);
            zeros = 0;
        }
        let digits = significant - zeros;
        exp += zeros as i64;
        if digits == 0 {
            return Ok(Decimal::ZERO);
        }
        if digits as i64 + exp > MAX_INTEGER_DIGITS {
            return Err(ValueError::TooLarge);
        }
        if digits > max_significant || overflow {
            return Err(ValueError::TooManyDigits);
        }
        if -exp > MAX_DECIMAL_PLACES {
            return Err(ValueError::TooPrecise);
        }
        let mut mantissa = i128::try_from(mantissa).map_err(|_| ValueError::TooManyDigits)?;
        let scale = if exp < 0 {
            (-exp) as u32
        } else {
            mantissa *= 10i128.pow(exp as u32);
            0
        };
        if self.negative {
            mantissa = -mantissa;
        }
        Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| ValueError::TooLarge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn amount(cell: &str, unit: &str) -> Decimal {
        parse_value(cell, unit).unwrap().unwrap().amount
    }

    /// Every character `str::trim` removes, and some it keeps, at either end.
    const EDGES: [&str; 14] = [
        "", " ", "\t", "\u{b}", "\u{c}", "\u{a0}", "\u{85}", "\u{1680}", "\u{2003}", "\u{3000}",
        "\u{feff}", "x", "服", "\u{ff10}",
    ];

    #[test]
    fn trim_is_str_trim() {
        for a in EDGES {
            for b in EDGES {
                for middle in ["", "95", "服务", " 1 ", "\u{3000}"] {
                    let text = format!("{a}{b}{middle}{b}{a}");
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn width_is_normalised_whatever_comes_before() {
        let full = "０１２３４５６７８９．％／－＋，\u{3000}";
        for before in ["", "a", "服务", "\u{2003}"] {
            let text = format!("{before}{full}");
            assert_eq!(normalise_width(&text), format!("{before}0123456789.%/-+, "));
        }
        assert!(matches!(
            normalise_width("服务费用率 95"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn plain_numbers_are_read_as_the_grammar_reads_them() {
        let full = |text: &str| scan_number(text).map(|l| l.to_decimal(MAX_SIGNIFICANT_DIGITS));
        let exact = |d: Decimal| (d.mantissa(), d.scale());
        let mut texts: Vec<String> = vec![String::new()];
        for _ in 0..7 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| "-0159.".chars().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.extend(
            [
                "999999999999999.999999999999",
                "1000000000000000",
                "0000000000000000000001",
                "123456789012345678",
                "1234567890123456789",
                "0.1234567890123",
                "0.123456789012",
                "-0.000",
                "+1",
                "1e3",
                "1,234",
            ]
            .map(String::from),
        );
        let mut plain = 0;
        for text in &texts {
            if let Some(fast) = plain_number(text) {
                plain += 1;
                match full(text) {
                    Some(Ok(slow)) => assert_eq!(exact(fast), exact(slow), "{text:?}"),
                    other => panic!("{text:?}: plain {fast}, the grammar {other:?}"),
                }
            }
            assert_eq!(
                parse_number(text).map(exact).ok(),
                full(text).and_then(Result::ok).map(exact),
                "{text:?}"
            );
        }
        assert!(plain > 10_000, "the fast path was taken {plain} times");
    }

    #[test]
    fn numbers_of_the_grammar() {
        for (text, want) in [
            ("95", "95"),
            ("-3", "-3"),
            ("+96", "96"),
            ("95.5", "95.5"),
            ("1,234.5", "1234.5"),
            ("1,234,567", "1234567"),
            ("9.5E1", "95"),
            ("9.65e1", "96.5"),
            ("1e-12", "0.000000000001"),
            ("0", "0"),
            ("000.10", "0.1"),
        ] {
            assert_eq!(parse_number(text), Ok(d(want)), "{text}");
        }
    }

    #[test]
    fn a_decimal_comma_is_named() {
        for text in [
            "0,88",
            "0,88%",
            "1,5",
            "-1,5",
            "1,23",
            "1234,567",
            "1,2345",
            "９５，５",
        ] {
            assert_eq!(
                parse_value(text, "%").err(),
                Some(ValueError::DecimalComma),
                "{text}"
            );
        }
        assert_eq!(parse_number("1,234"), Ok(Decimal::from(1234)));
    }

    #[test]
    fn not_numbers() {
        for text in [
            ".5", "96.", "0x10", "95%%", "NaN", "inf", "+", "1e", "1.2.3", "--1", "1 000", "١٢",
            "1,2,3", "1,", ",5", "1,5.5",
        ] {
            assert_eq!(
                parse_value(text, "%").err(),
                Some(ValueError::NotANumber),
                "{text}"
            );
        }
    }

    #[test]
    fn limits_of_rule_six() {
        assert_eq!(parse_number("1E-30"), Err(ValueError::TooPrecise));
        assert_eq!(parse_number("1e999999"), Err(ValueError::TooLarge));
        assert_eq!(
            parse_number("1e99999999999999999999"),
            Err(ValueError::TooLarge)
        );
        assert_eq!(
            parse_number("1234567890123456789012345678901234567890"),
            Err(ValueError::TooLarge)
        );
        assert_eq!(
            parse_number("0.1234567890123456789012"),
            Err(ValueError::TooManyDigits)
        );
        assert_eq!(parse_number("1000000000000000"), Err(ValueError::TooLarge));
        assert_eq!(parse_number("999999999999999"), Ok(d("999999999999999")));
        assert_eq!(parse_number("0.0000000000001"), Err(ValueError::TooPrecise));
        // trailing zeros do not count
        assert_eq!(parse_number("1.000000000000000000000"), Ok(d("1")));
        assert_eq!(parse_number("0e999999"), Ok(d("0")));
    }

    #[test]
    fn full_width_forms_and_spaces() {
        assert_eq!(amount("０．８６％", "%"), d("0.86"));
        assert_eq!(amount("0．92%", "%"), d("0.92"));
        assert_eq!(amount("１００", "%"), d("100"));
        assert_eq!(amount("\u{3000} 95 ", "%"), d("95"));
        assert_eq!(amount("－３", ""), d("-3"));
        assert_eq!(amount("１，２３４", ""), d("1234"));
    }

    #[test]
    fn missing_markers() {
        for text in ["", "  ", "-", "—", "n/a", "N/A", "－"] {
            assert_eq!(parse_value(text, "%"), Ok(None), "{text:?}");
        }
    }

    #[test]
    fn trailing_unit_is_dropped() {
        assert_eq!(amount("2.7次/台", "次/台"), d("2.7"));
        assert_eq!(amount("2.7 次/台", "次/台"), d("2.7"));
        assert_eq!(amount("1次", "次"), d("1"));
        assert_eq!(amount("95%", "%"), d("95"));
        assert_eq!(parse_value("次/台", "次/台"), Err(ValueError::UnitOnly));
        assert_eq!(parse_value("%", "%"), Err(ValueError::UnitOnly));
        assert_eq!(parse_value("95%", "次"), Err(ValueError::NotANumber));
    }

    #[test]
    fn ratios_keep_their_parts() {
        let v = parse_value("270/100", "次/台").unwrap().unwrap();
        assert_eq!(v.amount, d("2.7"));
        assert_eq!(v.parts, Some((d("270"), d("100"))));
        assert_eq!(amount("571/600", "%"), d("95.1667"));
        assert_eq!(amount("1,250 / 500", "次/台"), d("2.5"));
        assert_eq!(amount("2/3", "%"), d("66.6667"));
        assert_eq!(amount("1/8", ""), d("0.125"));
        assert_eq!(amount("1/80000", ""), d("0"));
        assert_eq!(parse_value("5/0", "%"), Err(ValueError::ZeroDenominator));
        assert_eq!(parse_value("5/", "%"), Err(ValueError::NotANumber));
        assert_eq!(parse_value("1/2/3", "%"), Err(ValueError::NotANumber));
    }
}
