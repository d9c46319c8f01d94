//! `kpi trend`: each subject's scorecards side by side, period by period — scores per
//! indicator, totals, the change against the previous period, and a sparkline.
//! Pure: built from scored cards, no I/O.

use rust_decimal::Decimal;

use crate::model::{Band, PeriodKind};
use crate::score::ScoredCard;

/// One subject's cards of one kind, in period order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trend {
    pub subject: String,
    pub kind: PeriodKind,
    /// Normalised period labels, one per column.
    pub periods: Vec<String>,
    /// Per indicator (in config order), per period: the score and band, if scored.
    pub scores: Vec<Vec<Option<(Decimal, Band)>>>,
    /// Per indicator, per period: the score's change against the period before.
    pub score_changes: Vec<Vec<Option<Decimal>>>,
    /// Per period: the total and its band.
    pub totals: Vec<(Decimal, Band)>,
    /// Per period: the total's change against the period before (none for the first).
    pub changes: Vec<Option<Decimal>>,
    /// The totals as a sparkline on the 0–100 scale.
    pub sparkline: String,
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A bar for a total between 0 and 100: eight steps of 12.5 points.
pub fn bar(total: Decimal) -> char {
    let step = (total / Decimal::new(125, 1)).floor();
    let index = u8::try_from(step.mantissa().clamp(0, 7)).unwrap_or(0);
    BARS[usize::from(index).min(BARS.len() - 1)]
}

/// Groups scored cards (in print order) into trends, one per subject and kind.
pub fn trends(cards: &[ScoredCard]) -> Vec<Trend> {
    let mut trends: Vec<Trend> = Vec::new();
    let mut order: Vec<&ScoredCard> = cards.iter().collect();
    // Print order is by subject then period; a stable sort by kind keeps that within
    // each subject's kind.
    order.sort_by(|a, b| (&a.subject, a.kind).cmp(&(&b.subject, b.kind)));
    for card in order {
        let same = trends
            .last()
            .is_some_and(|t| t.subject == card.subject && t.kind == card.kind);
        if !same {
            trends.push(Trend {
                subject: card.subject.clone(),
                kind: card.kind,
                periods: Vec::new(),
                scores: vec![Vec::new(); card.score.indicators.len()],
                score_changes: vec![Vec::new(); card.score.indicators.len()],
                totals: Vec::new(),
                changes: Vec::new(),
                sparkline: String::new(),
            });
        }
        let Some(trend) = trends.last_mut() else {
            continue;
        };
        trend.periods.push(card.period.clone());
        for ((row, changes), line) in trend
            .scores
            .iter_mut()
            .zip(trend.score_changes.iter_mut())
            .zip(&card.score.indicators)
        {
            let previous = row.last().copied().flatten();
            changes.push(
                previous
                    .zip(line.score)
                    .map(|((before, _), now)| now - before),
            );
            row.push(line.score.map(|s| (s, line.band)));
        }
        let change = trend
            .totals
            .last()
            .map(|(previous, _)| card.score.total - previous);
        trend.changes.push(change);
        trend.totals.push((card.score.total, card.score.band));
        trend.sparkline.push(bar(card.score.total));
    }
    trends
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn bars_cover_the_scale() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(bar(d("0")), '▁');
        assert_eq!(bar(d("12.49")), '▁');
        assert_eq!(bar(d("12.5")), '▂');
        assert_eq!(bar(d("60")), '▅');
        assert_eq!(bar(d("87.5")), '█');
        assert_eq!(bar(d("100")), '█');
    }
}
