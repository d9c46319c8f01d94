//! Period kinds and labels (SPEC §5): parsing every label form, the normalised
//! label, and the order in which scorecards are printed.

use std::fmt;

/// How long a scorecard's period is. Ordered from finest to coarsest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Half,
        PeriodKind::Year,
    ];

    /// The machine name, as in `kpi.toml` keys and JSON `period_kind`.
    pub fn key(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::Year => "year",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Months in one period of this kind.
    pub fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Half => 6,
            PeriodKind::Year => 12,
        }
    }

    /// A kind as written on the command line: `month|quarter|half|year`, their
    /// abbreviations and adjectives, and the Chinese words, in any case.
    pub fn from_cli(text: &str) -> Option<PeriodKind> {
        let lower = text.trim().to_ascii_lowercase();
        Some(match lower.as_str() {
            "month" | "m" | "monthly" | "月" | "月度" => PeriodKind::Month,
            "quarter" | "q" | "quarterly" | "季" | "季度" => PeriodKind::Quarter,
            "half" | "h" | "half-year" | "半年" | "半年度" => PeriodKind::Half,
            "year" | "y" | "annual" | "yearly" | "年" | "年度" => PeriodKind::Year,
            _ => return None,
        })
    }
}

impl fmt::Display for PeriodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One calendar period: `index` is the month (1–12), quarter (1–4), half (1–2) or 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub year: u16,
    pub kind: PeriodKind,
    pub index: u8,
}

impl Period {
    /// Parses a period label in any of the forms of SPEC §5.
    pub fn parse(label: &str) -> Option<Period> {
        let label = label.trim();
        let year_digits = label.bytes().take_while(u8::is_ascii_digit).count();
        if year_digits != 4 {
            return None;
        }
        let year: u16 = label[..4].parse().ok()?;
        let rest = &label[4..];
        let (kind, index) = parse_after_year(rest)?;
        let count = 12 / kind.months();
        if index == 0 || u32::from(index) > count {
            return None;
        }
        Some(Period { year, kind, index })
    }

    /// The last month of the period (1–12).
    pub fn last_month(self) -> u32 {
        u32::from(self.index) * self.kind.months()
    }

    /// Sort key: by the period's last day, and for the same last day the finer kind first.
    pub fn sort_key(self) -> (u16, u32, PeriodKind) {
        (self.year, self.last_month(), self.kind)
    }

    /// The period of kind `kind` that contains this one, if `kind` is not finer.
    pub fn within(self, kind: PeriodKind) -> Option<Period> {
        if kind < self.kind {
            return None;
        }
        let first_month = (self.last_month() - self.kind.months()) as u8; // 0-based
        let index = first_month / kind.months() as u8 + 1;
        Some(Period {
            year: self.year,
            kind,
            index,
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(f, "{}-{:02}", self.year, self.index),
            PeriodKind::Quarter => write!(f, "{}-Q{}", self.year, self.index),
            PeriodKind::Half => write!(f, "{}-H{}", self.year, self.index),
            PeriodKind::Year => write!(f, "{}", self.year),
        }
    }
}

fn parse_after_year(rest: &str) -> Option<(PeriodKind, u8)> {
    if rest.is_empty() || rest == "年" || rest == "年度" {
        return Some((PeriodKind::Year, 1));
    }
    if let Some(after) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('/')) {
        if let Some(n) = after.strip_prefix(['Q', 'q']) {
            return (rest.starts_with('-')).then_some((PeriodKind::Quarter, small_number(n)?));
        }
        if let Some(n) = after.strip_prefix(['H', 'h']) {
            return (rest.starts_with('-')).then_some((PeriodKind::Half, small_number(n)?));
        }
        return Some((PeriodKind::Month, small_number(after)?));
    }
    if let Some(n) = rest.strip_prefix(['Q', 'q']) {
        return Some((PeriodKind::Quarter, small_number(n)?));
    }
    if let Some(n) = rest.strip_prefix(['H', 'h']) {
        return Some((PeriodKind::Half, small_number(n)?));
    }
    let after = rest.strip_prefix('年')?;
    match after {
        "上半年" => return Some((PeriodKind::Half, 1)),
        "下半年" => return Some((PeriodKind::Half, 2)),
        _ => {}
    }
    if let Some(month) = after.strip_suffix('月') {
        return Some((PeriodKind::Month, small_number(month)?));
    }
    let quarter = after.strip_prefix('第')?.strip_suffix("季度")?;
    let index = match quarter {
        "一" => 1,
        "二" => 2,
        "三" => 3,
        "四" => 4,
        digits => small_number(digits)?,
    };
    Some((PeriodKind::Quarter, index))
}

/// One or two ASCII digits.
fn small_number(text: &str) -> Option<u8> {
    if text.is_empty() || text.len() > 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(s: &str) -> Option<String> {
        Period::parse(s).map(|p| p.to_string())
    }

    #[test]
    fn month_labels() {
        for s in ["2026-11", "2026/11", "2026年11月"] {
            assert_eq!(label(s).as_deref(), Some("2026-11"), "{s}");
        }
        for s in ["2026-1", "2026-01", "2026/1", "2026年1月", "2026年01月"] {
            assert_eq!(label(s).as_deref(), Some("2026-01"), "{s}");
        }
    }

    #[test]
    fn quarter_half_and_year_labels() {
        for s in [
            "2026-Q4",
            "2026-q4",
            "2026Q4",
            "2026年第4季度",
            "2026年第四季度",
        ] {
            assert_eq!(label(s).as_deref(), Some("2026-Q4"), "{s}");
        }
        for s in ["2026-H2", "2026h2", "2026年下半年"] {
            assert_eq!(label(s).as_deref(), Some("2026-H2"), "{s}");
        }
        assert_eq!(label("2026年上半年").as_deref(), Some("2026-H1"));
        for s in ["2026", "2026年", "2026年度"] {
            assert_eq!(label(s).as_deref(), Some("2026"), "{s}");
        }
    }

    #[test]
    fn rejects_bad_labels() {
        for s in [
            "",
            "26-11",
            "2026-13",
            "2026-0",
            "2026-Q5",
            "2026-H3",
            "2026-Q0",
            "2026年第五季度",
            "２０２６-11",
            "2026-11-01",
            "2026-",
            "2026/Q1",
            "Q1 2026",
            "2026年13月",
            "20261",
        ] {
            assert_eq!(label(s), None, "{s}");
        }
    }

    #[test]
    fn kinds_on_the_command_line() {
        for (s, k) in [
            ("M", PeriodKind::Month),
            ("Monthly", PeriodKind::Month),
            ("月度", PeriodKind::Month),
            ("q", PeriodKind::Quarter),
            ("季", PeriodKind::Quarter),
            ("half-year", PeriodKind::Half),
            ("半年度", PeriodKind::Half),
            ("ANNUAL", PeriodKind::Year),
            ("yearly", PeriodKind::Year),
            ("年", PeriodKind::Year),
        ] {
            assert_eq!(PeriodKind::from_cli(s), Some(k), "{s}");
        }
        assert_eq!(PeriodKind::from_cli("week"), None);
    }

    #[test]
    fn order_is_by_last_day_then_finer_first() {
        let mut labels: Vec<Period> = [
            "2026", "2026-H2", "2026-Q4", "2026-12", "2026-04", "2026-Q1", "2026-03", "2026-H1",
            "2026-06", "2026-Q2",
        ]
        .iter()
        .map(|s| Period::parse(s).unwrap())
        .collect();
        labels.sort_by_key(|p| p.sort_key());
        let printed: Vec<String> = labels.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            printed,
            [
                "2026-03", "2026-Q1", "2026-04", "2026-06", "2026-Q2", "2026-H1", "2026-12",
                "2026-Q4", "2026-H2", "2026"
            ]
        );
    }

    #[test]
    fn periods_within_coarser_kinds() {
        let may = Period::parse("2026-05").unwrap();
        assert_eq!(
            may.within(PeriodKind::Quarter).unwrap().to_string(),
            "2026-Q2"
        );
        assert_eq!(may.within(PeriodKind::Half).unwrap().to_string(), "2026-H1");
        assert_eq!(may.within(PeriodKind::Year).unwrap().to_string(), "2026");
        let q3 = Period::parse("2026-Q3").unwrap();
        assert_eq!(q3.within(PeriodKind::Half).unwrap().to_string(), "2026-H2");
        assert_eq!(q3.within(PeriodKind::Month), None);
    }
}

impl Period {
    /// Every period of kind `kind` inside this one, in order (`2026-Q1` → three months).
    pub fn constituents(self, kind: PeriodKind) -> Vec<Period> {
        if kind > self.kind {
            return Vec::new();
        }
        let first_month = self.last_month() - self.kind.months(); // 0-based
        let count = self.kind.months() / kind.months();
        let first = first_month / kind.months() + 1;
        (0..count)
            .map(|n| Period {
                year: self.year,
                kind,
                index: (first + n) as u8,
            })
            .collect()
    }
}

#[cfg(test)]
mod constituent_tests {
    use super::*;

    fn labels(target: &str, kind: PeriodKind) -> Vec<String> {
        Period::parse(target)
            .unwrap()
            .constituents(kind)
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn constituents_of_each_kind() {
        assert_eq!(
            labels("2026-Q2", PeriodKind::Month),
            ["2026-04", "2026-05", "2026-06"]
        );
        assert_eq!(
            labels("2026-H2", PeriodKind::Quarter),
            ["2026-Q3", "2026-Q4"]
        );
        assert_eq!(labels("2026", PeriodKind::Half), ["2026-H1", "2026-H2"]);
        assert_eq!(labels("2026", PeriodKind::Month).len(), 12);
        assert_eq!(labels("2026-Q1", PeriodKind::Quarter), ["2026-Q1"]);
        assert!(labels("2026-Q1", PeriodKind::Year).is_empty());
    }
}

#[cfg(test)]
mod calendar_tests {
    use super::civil_date;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_419), "2025-11-27");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(-1), "1969-12-31");
    }
}
