//! `kpi rank`: many subjects at a glance — per period, a league table (ranks with
//! ties, the change since the period before) and the distribution of the totals
//! (bands, quartiles as Excel's `QUARTILE.INC`, mean), with forced grades by rank
//! (强制分布) when asked for. Pure: exact decimals, no I/O. Only each card's subject,
//! period, total and band are kept, never the cards.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::model::Band;
use crate::names::Names;
use crate::num::{div_half_up, round_half_up};
use crate::period::{Period, PeriodKind};

/// The four bands a total can have, best first: the rows of a distribution.
pub const BANDS: [Band; 4] = [Band::FarExceeds, Band::Exceeds, Band::Meets, Band::Below];

/// One subject's line in a league table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// 1 + the number of subjects with a strictly greater total (1, 2, 2, 4).
    pub rank: usize,
    /// 1 + the number of subjects with a strictly smaller total: the rank from the
    /// bottom, for `--bottom`.
    pub from_bottom: usize,
    pub subject: String,
    pub total: Decimal,
    pub band: Band,
    /// The total's change since the immediately preceding period of the same kind,
    /// when the data has that period for this subject.
    pub change: Option<Decimal>,
    /// The forced grade (an index into the grades asked for), when asked for.
    pub grade: Option<usize>,
}

/// The distribution of one period's totals. Statistics are rounded half-up to 2
/// places, shares are percentages rounded half-up to 2 places.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    pub count: usize,
    /// Per band of `BANDS`: the count and its share of `count`, in percent.
    pub bands: [(Band, usize, Decimal); 4],
    pub min: Decimal,
    pub q1: Decimal,
    pub median: Decimal,
    pub q3: Decimal,
    pub max: Decimal,
    pub mean: Decimal,
}

/// One period's league table and distribution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct League {
    pub kind: PeriodKind,
    /// `None` when the data has no period column.
    pub period: Option<Period>,
    /// Every subject, by total (highest first), ties by subject code point.
    pub standings: Vec<Standing>,
    pub distribution: Distribution,
    /// Per grade asked for, the number of subjects given it.
    pub grade_counts: Option<Vec<usize>>,
}

impl League {
    /// The normalised period label, empty without one.
    pub fn label(&self) -> String {
        self.period.map(|p| p.to_string()).unwrap_or_default()
    }

    /// Whether any standing has a change: the table then shows the column.
    pub fn has_changes(&self) -> bool {
        self.standings.iter().any(|s| s.change.is_some())
    }
}

/// One grade of a forced distribution: its name and its share in percent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeShare {
    pub name: String,
    pub share: Decimal,
}

/// The grades of `--grades`, best first; their shares add up to exactly 100.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grades(pub Vec<GradeShare>);

/// `A:20,B:70,C:10` (also `优：20，良：70，差：10`, and `20%`): grades best first,
/// each with its share in percent. Shares must add up to exactly 100.
pub fn parse_grades(text: &str) -> Result<Grades, String> {
    let mut grades: Vec<GradeShare> = Vec::new();
    for part in text.split([',', '，']) {
        let part = part.trim();
        let Some((name, share)) = part.split_once([':', '：']) else {
            return Err(format!(
                "{part:?} is not NAME:SHARE; write grades like A:20,B:70,C:10"
            ));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("{part:?} has no grade name; write it like A:20"));
        }
        if grades.iter().any(|g| g.name == name) {
            return Err(format!("grade {name:?} is given twice"));
        }
        let number = share.trim();
        let number = number.strip_suffix(['%', '％']).unwrap_or(number).trim();
        let share = Decimal::from_str(number)
            .ok()
            .filter(|s| *s >= Decimal::ZERO && *s <= Decimal::ONE_HUNDRED)
            .ok_or_else(|| {
                format!("the share of grade {name:?} ({share:?}) is not a percentage from 0 to 100")
            })?;
        grades.push(GradeShare {
            name: name.to_string(),
            share,
        });
    }
    let sum: Decimal = grades.iter().map(|g| g.share).sum();
    if sum != Decimal::ONE_HUNDRED {
        return Err(format!(
            "the shares add up to {}, not 100",
            crate::num::plain(sum)
        ));
    }
    Ok(Grades(grades))
}

/// Ranks of totals sorted highest first: 1 + the number of strictly greater totals.
pub fn ranks(totals_desc: &[Decimal]) -> Vec<usize> {
    let mut ranks = Vec::with_capacity(totals_desc.len());
    for (i, total) in totals_desc.iter().enumerate() {
        let rank = match (i, ranks.last()) {
            (0, _) | (_, None) => 1,
            (_, Some(&previous)) if *total == totals_desc[i - 1] => previous,
            _ => i + 1,
        };
        ranks.push(rank);
    }
    ranks
}

/// Ranks from the bottom of totals sorted highest first: 1 + the number of strictly
/// smaller totals.
pub fn ranks_from_bottom(totals_desc: &[Decimal]) -> Vec<usize> {
    let n = totals_desc.len();
    let mut from_bottom = vec![0; n];
    let mut i = n;
    while i > 0 {
        i -= 1;
        from_bottom[i] = if i + 1 < n && totals_desc[i] == totals_desc[i + 1] {
            from_bottom[i + 1]
        } else {
            n - i
        };
    }
    from_bottom
}

/// Excel's `QUARTILE.INC` (and `PERCENTILE.INC`) of totals sorted lowest first, exact:
/// the position (n − 1)·p, interpolated linearly between the two closest ranks.
/// `None` for no totals or `p` outside 0–1.
pub fn quartile_inc(sorted_asc: &[Decimal], p: Decimal) -> Option<Decimal> {
    if sorted_asc.is_empty() || p < Decimal::ZERO || p > Decimal::ONE {
        return None;
    }
    let position = Decimal::from(sorted_asc.len() - 1) * p;
    let lower = position.floor();
    let fraction = position - lower;
    let index = lower.to_usize()?;
    let low = *sorted_asc.get(index)?;
    match sorted_asc.get(index + 1) {
        Some(high) if !fraction.is_zero() => Some(low + fraction * (*high - low)),
        _ => Some(low),
    }
}

/// The distribution of totals and their bands (any order).
pub fn distribution(totals: &[(Decimal, Band)]) -> Option<Distribution> {
    let mut sorted: Vec<Decimal> = totals.iter().map(|(t, _)| *t).collect();
    sorted.sort();
    let count = sorted.len();
    let n = Decimal::from(count);
    let quartile = |p: Decimal| quartile_inc(&sorted, p).map(|q| round_half_up(q, 2));
    let mut bands = BANDS.map(|b| (b, 0usize, Decimal::ZERO));
    for (_, band) in totals {
        if let Some(row) = bands.iter_mut().find(|(b, _, _)| b == band) {
            row.1 += 1;
        }
    }
    for row in &mut bands {
        row.2 = div_half_up(Decimal::from(row.1) * Decimal::ONE_HUNDRED, n, 2)?;
    }
    let sum: Decimal = sorted.iter().sum();
    Some(Distribution {
        count,
        bands,
        min: round_half_up(*sorted.first()?, 2),
        q1: quartile(Decimal::new(25, 2))?,
        median: quartile(Decimal::new(5, 1))?,
        q3: quartile(Decimal::new(75, 2))?,
        max: round_half_up(*sorted.last()?, 2),
        mean: div_half_up(sum, n, 2)?,
    })
}

/// Where each grade ends, as a count of subjects from the top: grade k ends at rank
/// round_half_up(n × cumulative share k / 100), so the last ends at n.
pub fn grade_ends(n: usize, shares: &[Decimal]) -> Vec<usize> {
    let mut cumulative = Decimal::ZERO;
    shares
        .iter()
        .map(|share| {
            cumulative += *share;
            let end = round_half_up(Decimal::from(n) * cumulative / Decimal::ONE_HUNDRED, 0);
            end.to_usize().unwrap_or(n).min(n)
        })
        .collect()
}

/// Forced grades of totals sorted highest first: by rank, each grade up to its end
/// (`grade_ends`); ties never split — a total equal to the one above takes its grade,
/// and the grades below shrink by as many. The grade index of each total.
pub fn forced_grades(totals_desc: &[Decimal], shares: &[Decimal]) -> Vec<usize> {
    let ends = grade_ends(totals_desc.len(), shares);
    let last = shares.len().saturating_sub(1);
    let mut grades: Vec<usize> = Vec::with_capacity(totals_desc.len());
    for (i, total) in totals_desc.iter().enumerate() {
        let grade = match grades.last() {
            Some(&above) if i > 0 && *total == totals_desc[i - 1] => above,
            _ => ends.iter().position(|&end| i < end).unwrap_or(last),
        };
        grades.push(grade);
    }
    grades
}

/// The period of the same kind just before `period` (2026-01 → 2025-12).
pub fn preceding(period: Period) -> Option<Period> {
    if period.index > 1 {
        return Some(Period {
            index: period.index - 1,
            ..period
        });
    }
    let per_year = u8::try_from(12 / period.kind.months()).ok()?;
    Some(Period {
        year: period.year.checked_sub(1)?,
        kind: period.kind,
        index: per_year,
    })
}

/// What a rank run keeps of each card: its subject, period, total and band, in 12
/// bytes (1.2 M cards: 14 MB), never the card.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    /// Subjects, each once per run of cards of that subject (cards come by subject),
    /// with the index of its first entry: an entry's subject is found, not kept.
    subjects: Names,
    starts: Vec<u32>,
    entries: Entries,
    /// The current subject's entries so far, for the change since the period before.
    recent: Vec<u32>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Kind, band and period, packed (`pack`).
    key: u32,
    /// The total in hundredths: a total is a sum of points with 2 decimals.
    cents: u32,
    /// 1 + the index of this subject's entry for the period just before; 0: none.
    before: u32,
}

/// Entries in blocks of 65,536: growing never copies them all (a copy of a million
/// at once would double their memory for a moment).
#[derive(Clone, Debug, Default)]
struct Entries {
    blocks: Vec<Vec<Entry>>,
    len: usize,
}

const BLOCK: usize = 1 << 16;

impl Entries {
    fn push(&mut self, entry: Entry) {
        if self.len.is_multiple_of(BLOCK) {
            self.blocks.push(Vec::with_capacity(BLOCK));
        }
        if let Some(block) = self.blocks.last_mut() {
            block.push(entry);
            self.len += 1;
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl std::ops::Index<usize> for Entries {
    type Output = Entry;

    fn index(&self, i: usize) -> &Entry {
        &self.blocks[i / BLOCK][i % BLOCK]
    }
}

const BAND_CODES: [Band; 4] = BANDS;

/// Kind (2 bits), band (2), whether there is a period (1), its index (4), its year (16).
fn pack(kind: PeriodKind, band: Band, period: Option<Period>) -> u32 {
    let band = BAND_CODES.iter().position(|&b| b == band).unwrap_or(3) as u32;
    let mut key = kind.index() as u32 | band << 2;
    if let Some(p) = period {
        key |= 1 << 4 | u32::from(p.index) << 5 | u32::from(p.year) << 9;
    }
    key
}

fn unpack(key: u32) -> (PeriodKind, Band, Option<Period>) {
    let kind = PeriodKind::ALL[(key & 3) as usize];
    let band = BAND_CODES[((key >> 2) & 3) as usize];
    let period = (key & 1 << 4 != 0).then_some(Period {
        year: (key >> 9) as u16,
        kind,
        index: ((key >> 5) & 15) as u8,
    });
    (kind, band, period)
}

impl Totals {
    /// Keeps one card's total. Cards of a subject come together (print order); a
    /// total with more than 2 decimals, or outside 0 to 42 million, is refused (a
    /// scored card has neither).
    pub fn push(
        &mut self,
        subject: &str,
        kind: PeriodKind,
        period: Option<Period>,
        total: Decimal,
        band: Band,
    ) -> Result<(), String> {
        let scaled = total * Decimal::ONE_HUNDRED;
        let cents = scaled
            .fract()
            .is_zero()
            .then(|| scaled.to_u32())
            .flatten()
            .ok_or_else(|| format!("a total of {total} cannot be ranked"))?;
        if self.subjects.last().is_none_or(|s| s != subject) {
            self.subjects.push(subject);
            self.starts.push(self.entries.len() as u32);
            self.recent.clear();
        }
        let before = period.and_then(preceding).and_then(|wanted| {
            self.recent
                .iter()
                .rev()
                .find(|&&e| unpack(self.entries[e as usize].key).2 == Some(wanted))
                .copied()
        });
        self.recent.push(self.entries.len() as u32);
        self.entries.push(Entry {
            key: pack(kind, band, period),
            cents,
            before: before.map_or(0, |e| e + 1),
        });
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The subject of entry `i`.
    fn subject_of(&self, i: u32) -> &str {
        let at = self.starts.partition_point(|&start| start <= i);
        self.subjects.get(at.wrapping_sub(1))
    }

    /// One league per period (per kind, for cards without a period), in print order,
    /// made one at a time as they are read (`Leagues::iter`).
    pub fn leagues(&self, grades: Option<&Grades>) -> Leagues<'_> {
        // Entries by period (in print order of periods), then by total, highest
        // first, then by subject: a list of indices, not a copy of the entries.
        let period_key = |e: &Entry| {
            let (kind, _, period) = unpack(e.key);
            (period.map(Period::sort_key), kind)
        };
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        // Unstable is enough: a subject has one card per period, so no two are equal.
        order.sort_unstable_by(|&a, &b| {
            let (ea, eb) = (&self.entries[a as usize], &self.entries[b as usize]);
            period_key(ea)
                .cmp(&period_key(eb))
                .then(eb.cents.cmp(&ea.cents))
                .then_with(|| self.subject_of(a).cmp(self.subject_of(b)))
        });
        let mut groups = Vec::new();
        let mut start = 0;
        for i in 1..=order.len() {
            let ends = i == order.len()
                || period_key(&self.entries[order[i] as usize])
                    != period_key(&self.entries[order[start] as usize]);
            if ends {
                groups.push(start..i);
                start = i;
            }
        }
        Leagues {
            totals: self,
            order,
            groups,
            shares: grades.map(|g| g.0.iter().map(|grade| grade.share).collect()),
        }
    }
}

/// The league tables of a run, each made when it is read: a period of 100,000
/// subjects is one table in memory, never every period at once.
pub struct Leagues<'t> {
    totals: &'t Totals,
    order: Vec<u32>,
    groups: Vec<std::ops::Range<usize>>,
    shares: Option<Vec<Decimal>>,
}

impl Leagues<'_> {
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The leagues in print order.
    pub fn iter(&self) -> impl Iterator<Item = League> + '_ {
        self.groups
            .iter()
            .filter_map(|range| self.league(&self.order[range.clone()]))
    }

    fn league(&self, order: &[u32]) -> Option<League> {
        let totals = self.totals;
        let entries: Vec<&Entry> = order.iter().map(|&i| &totals.entries[i as usize]).collect();
        let total = |e: &Entry| Decimal::new(i64::from(e.cents), 2);
        let sorted: Vec<Decimal> = entries.iter().map(|e| total(e)).collect();
        let pairs: Vec<(Decimal, Band)> = entries
            .iter()
            .map(|e| (total(e), unpack(e.key).1))
            .collect();
        let distribution = distribution(&pairs)?;
        // Made first, so that its copies are gone before the standings are made.
        drop(pairs);
        let ranks = ranks(&sorted);
        let from_bottom = ranks_from_bottom(&sorted);
        let forced = self.shares.as_ref().map(|s| forced_grades(&sorted, s));
        let (kind, _, period) = unpack(entries.first()?.key);
        let standings = entries
            .iter()
            .zip(order)
            .enumerate()
            .map(|(i, (e, &at))| Standing {
                rank: ranks[i],
                from_bottom: from_bottom[i],
                subject: totals.subject_of(at).to_string(),
                total: total(e),
                band: unpack(e.key).1,
                change: e
                    .before
                    .checked_sub(1)
                    .map(|b| total(e) - total(&totals.entries[b as usize])),
                grade: forced.as_ref().map(|g| g[i]),
            })
            .collect();

        let grade_counts = forced.as_ref().zip(self.shares.as_ref()).map(|(g, s)| {
            let mut counts = vec![0; s.len()];
            for grade in g {
                if let Some(count) = counts.get_mut(*grade) {
                    *count += 1;
                }
            }
            counts
        });
        Some(League {
            kind,
            period,
            standings,
            distribution,
            grade_counts,
        })
    }
}

/// Which standings a table shows: all, or those within `--top N` from the top or
/// `--bottom N` from the bottom (ties at the edge included: a tie is never cut).
pub fn is_shown(standing: &Standing, top: Option<usize>, bottom: Option<usize>) -> bool {
    match (top, bottom) {
        (None, None) => true,
        _ => {
            top.is_some_and(|n| standing.rank <= n)
                || bottom.is_some_and(|n| standing.from_bottom <= n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap_or_else(|_| panic!("{text} is a decimal"))
    }

    fn ds(texts: &[&str]) -> Vec<Decimal> {
        texts.iter().map(|t| d(t)).collect()
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        let totals = ds(&["90", "80", "80", "70", "70", "70", "10"]);
        assert_eq!(ranks(&totals), [1, 2, 2, 4, 4, 4, 7]);
        assert_eq!(ranks_from_bottom(&totals), [7, 5, 5, 2, 2, 2, 1]);
        assert_eq!(ranks(&[]), Vec::<usize>::new());
    }

    #[test]
    fn quartiles_are_excel_quartile_inc() {
        // Excel: QUARTILE.INC({1,2,3,4},1) = 1.75, median 2.5, Q3 3.25.
        let x = ds(&["1", "2", "3", "4"]);
        assert_eq!(quartile_inc(&x, d("0.25")), Some(d("1.75")));
        assert_eq!(quartile_inc(&x, d("0.5")), Some(d("2.5")));
        assert_eq!(quartile_inc(&x, d("0.75")), Some(d("3.25")));
        assert_eq!(quartile_inc(&x, d("0")), Some(d("1")));
        assert_eq!(quartile_inc(&x, d("1")), Some(d("4")));
        // Five values: positions 1, 2, 3 exactly.
        let y = ds(&["55.20", "61.00", "69.41", "77.97", "91.30"]);
        assert_eq!(quartile_inc(&y, d("0.25")), Some(d("61.00")));
        assert_eq!(quartile_inc(&y, d("0.75")), Some(d("77.97")));
        // One value is every quartile; none has none.
        assert_eq!(quartile_inc(&ds(&["42"]), d("0.25")), Some(d("42")));
        assert_eq!(quartile_inc(&[], d("0.5")), None);
    }

    #[test]
    fn distribution_counts_shares_and_rounds_statistics_half_up() {
        // Totals 62.35, 70.00, 70.00, 91.10 (bands meets, exceeds, exceeds, far).
        let totals = [
            (d("70.00"), Band::Exceeds),
            (d("62.35"), Band::Meets),
            (d("91.10"), Band::FarExceeds),
            (d("70.00"), Band::Exceeds),
        ];
        let dist = distribution(&totals).expect("a distribution");
        assert_eq!(dist.count, 4);
        assert_eq!(
            dist.bands,
            [
                (Band::FarExceeds, 1, d("25.00")),
                (Band::Exceeds, 2, d("50.00")),
                (Band::Meets, 1, d("25.00")),
                (Band::Below, 0, d("0.00")),
            ]
        );
        assert_eq!(dist.min, d("62.35"));
        // Q1: position 0.75 → 62.35 + 0.75 × 7.65 = 68.0875 → 68.09 (half-up).
        assert_eq!(dist.q1, d("68.09"));
        assert_eq!(dist.median, d("70.00"));
        // Q3: position 2.25 → 70 + 0.25 × 21.10 = 75.275 → 75.28.
        assert_eq!(dist.q3, d("75.28"));
        assert_eq!(dist.max, d("91.10"));
        // Mean: 293.45 / 4 = 73.3625 → 73.36.
        assert_eq!(dist.mean, d("73.36"));
        // Thirds: 1/3 = 33.333… → 33.33, 2/3 → 66.67.
        let thirds = distribution(&[
            (d("1"), Band::Below),
            (d("2"), Band::Below),
            (d("95"), Band::FarExceeds),
        ])
        .expect("a distribution");
        assert_eq!(thirds.bands[0].2, d("33.33"));
        assert_eq!(thirds.bands[3].2, d("66.67"));
        assert_eq!(thirds.mean, d("32.67"));
        assert_eq!(distribution(&[]), None);
    }

    #[test]
    fn grade_ends_are_cumulative_and_rounded_half_up() {
        let shares = ds(&["20", "70", "10"]);
        assert_eq!(grade_ends(10, &shares), [2, 9, 10]);
        // 7 × 20% = 1.4 → 1; 7 × 90% = 6.3 → 6.
        assert_eq!(grade_ends(7, &shares), [1, 6, 7]);
        // 5 × 10% = 0.5 → 1 (half-up); 5 × 80% = 4.
        assert_eq!(grade_ends(5, &ds(&["10", "70", "20"])), [1, 4, 5]);
        assert_eq!(grade_ends(0, &shares), [0, 0, 0]);
    }

    #[test]
    fn forced_grades_never_split_a_tie_and_the_next_grade_shrinks() {
        let shares = ds(&["20", "70", "10"]);
        // Ten subjects: A ends at 2, B at 9. The 2nd and 3rd tie: both A, B loses one.
        let totals = ds(&["95", "88", "88", "80", "75", "70", "66", "64", "61", "40"]);
        assert_eq!(
            forced_grades(&totals, &shares),
            [0, 0, 0, 1, 1, 1, 1, 1, 1, 2]
        );
        // The 9th and 10th tie at the B/C boundary: both B, C is empty.
        let totals = ds(&["95", "90", "88", "80", "75", "70", "66", "64", "50", "50"]);
        assert_eq!(
            forced_grades(&totals, &shares),
            [0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
        );
        // A tie across two whole grades: all take the best; the grades below begin
        // where their cumulative boundary says.
        let shares = ds(&["10", "10", "80"]);
        let totals = ds(&["90", "90", "90", "80", "70", "60", "50", "40", "30", "20"]);
        assert_eq!(
            forced_grades(&totals, &shares),
            [0, 0, 0, 2, 2, 2, 2, 2, 2, 2]
        );
        // Everyone equal: everyone the grade of the first rank. With three subjects
        // A's 10% ends at rank round(0.3) = 0, so the first rank is a B.
        assert_eq!(forced_grades(&ds(&["60", "60", "60"]), &shares), [1, 1, 1]);
        let shares = ds(&["20", "70", "10"]);
        assert_eq!(forced_grades(&ds(&["60", "60", "60"]), &shares), [0, 0, 0]);
    }

    #[test]
    fn grades_are_parsed_and_must_add_up_to_100() {
        let grades = parse_grades("A:20,B:70,C:10").expect("grades");
        assert_eq!(grades.0.len(), 3);
        assert_eq!(grades.0[1].name, "B");
        assert_eq!(grades.0[1].share, d("70"));
        let zh = parse_grades("优：20%，良：70.5， 差 : 9.5").expect("grades");
        assert_eq!(zh.0[2].name, "差");
        assert_eq!(zh.0[1].share, d("70.5"));
        assert_eq!(
            parse_grades("A:20,B:70,C:5"),
            Err("the shares add up to 95, not 100".into())
        );
        assert!(parse_grades("A:20,A:80").is_err());
        assert!(parse_grades("A20,B:80").is_err());
        assert!(parse_grades(":20,B:80").is_err());
        assert!(parse_grades("A:-20,B:120").is_err());
        assert!(parse_grades("A:x,B:100").is_err());
        assert!(parse_grades("").is_err());
    }

    #[test]
    fn the_preceding_period_crosses_years() {
        let p = |s: &str| Period::parse(s).expect("a period");
        assert_eq!(preceding(p("2026-11")), Some(p("2026-10")));
        assert_eq!(preceding(p("2026-01")), Some(p("2025-12")));
        assert_eq!(preceding(p("2026-Q3")), Some(p("2026-Q2")));
        assert_eq!(preceding(p("2026-Q1")), Some(p("2025-Q4")));
        assert_eq!(preceding(p("2026-H1")), Some(p("2025-H2")));
        assert_eq!(preceding(p("2026")), Some(p("2025")));
    }

    #[test]
    fn leagues_per_period_with_changes_against_the_period_before() {
        let p = |s: &str| Period::parse(s);
        let mut totals = Totals::default();
        let m = PeriodKind::Month;
        // Cards in print order: by subject, then period.
        for (subject, period, total, band) in [
            ("North office", "2026-10", "70.00", Band::Exceeds),
            ("North office", "2026-11", "72.31", Band::Exceeds),
            ("South office", "2026-09", "80.00", Band::Exceeds),
            ("South office", "2026-11", "72.31", Band::Exceeds),
            ("West office", "2026-10", "61.05", Band::Meets),
            ("West office", "2026-11", "60.00", Band::Meets),
        ] {
            totals
                .push(subject, m, p(period), d(total), band)
                .expect("a total");
        }
        let leagues: Vec<League> = totals.leagues(None).iter().collect();
        let labels: Vec<String> = leagues.iter().map(League::label).collect();
        assert_eq!(labels, ["2026-09", "2026-10", "2026-11"]);
        let november = &leagues[2];
        let lines: Vec<(usize, &str, Option<Decimal>)> = november
            .standings
            .iter()
            .map(|s| (s.rank, s.subject.as_str(), s.change))
            .collect();
        assert_eq!(
            lines,
            [
                (1, "North office", Some(d("2.31"))),
                // South has no October: no change (September is not the period before).
                (1, "South office", None),
                (3, "West office", Some(d("-1.05"))),
            ]
        );
        assert!(november.has_changes());
        assert!(!leagues[0].has_changes());
    }

    #[test]
    fn top_and_bottom_keep_ties_at_the_edge() {
        let mut totals = Totals::default();
        for (subject, total) in [
            ("a", "90"),
            ("b", "80"),
            ("c", "80"),
            ("d", "50"),
            ("e", "50"),
        ] {
            totals
                .push(subject, PeriodKind::Month, None, d(total), Band::Below)
                .expect("a total");
        }
        let league = &totals.leagues(None).iter().next().expect("a league");
        let shown = |top, bottom| -> Vec<&str> {
            league
                .standings
                .iter()
                .filter(|s| is_shown(s, top, bottom))
                .map(|s| s.subject.as_str())
                .collect()
        };
        assert_eq!(shown(Some(2), None), ["a", "b", "c"]);
        assert_eq!(shown(Some(1), None), ["a"]);
        assert_eq!(shown(None, Some(1)), ["d", "e"]);
        assert_eq!(shown(Some(1), Some(2)), ["a", "d", "e"]);
        assert_eq!(shown(None, None).len(), 5);
    }
}
