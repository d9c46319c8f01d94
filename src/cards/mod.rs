//! Cards: row records kept compactly, sorted (spilling sorted runs to temporary files
//! past a memory budget) and merged into cards in print order (SPEC §5), then rolled
//! up (§6). Rows that arrive in print order already are merged with nothing to sort.

use std::sync::Arc;

use crate::diag::quoted;
use crate::model::{PeriodKind, Scorecard};
use crate::period::Period;
use crate::read::rows::{Loc, Observation};
use crate::read::value::Value;
use crate::score::{CardError, MissingPolicy, ScoredCard, Scorer, ThresholdsOf};
use crate::targets::{InForce, SubjectTargets};

pub mod group;
pub mod rollup;
pub mod store;

/// Which cards to make of the data's (SPEC §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RollUp {
    /// Each card as read.
    None,
    /// `--period KIND`: finer cards rolled up into this kind.
    Into(PeriodKind),
    /// `--period all`: each card as read, and every coarser one the data completes.
    All,
}

/// How cards are made.
pub struct Grouping<'a> {
    pub def: &'a Scorecard,
    /// The data files, as messages name them.
    pub files: &'a [String],
    /// Each indicator as messages name it: as the data names it, with its id.
    pub names: &'a [String],
    pub roll_up: RollUp,
    pub partial: bool,
    /// Targets per subject (SPEC §2.4), when a targets file is in force.
    pub targets: Option<&'a SubjectTargets>,
}

impl Grouping<'_> {
    /// The thresholds in force for a card when a targets file is (the subject's, or
    /// the card's for a subject it does not name); `None` without a targets file.
    pub fn in_force(&self, key: &CardKey) -> Option<Arc<InForce>> {
        let targets = self.targets?;
        let in_force = targets.in_force_or_card(self.def, &key.subject, key.period, key.kind);
        Some(Arc::new(in_force))
    }

    /// Whether indicator `i` is assessed on a card, given what `in_force` said.
    pub fn assessed(&self, in_force: Option<&Arc<InForce>>, key: &CardKey, i: usize) -> bool {
        match in_force {
            Some(in_force) => in_force.thresholds[i].is_some(),
            None => self.def.indicators[i].thresholds(key.kind).is_some(),
        }
    }
}

/// Which scorecard a row belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CardKey {
    pub subject: String,
    /// The period label, normalised; `None` when the file has no period column.
    pub period: Option<Period>,
    pub kind: PeriodKind,
}

impl CardKey {
    /// Print order (§5): subject by code point, then period by last day, finer first.
    pub fn sort_key(&self) -> (&str, Option<(u16, u32, PeriodKind)>, PeriodKind) {
        (&self.subject, self.period.map(Period::sort_key), self.kind)
    }

    /// The normalised period label, empty without one.
    pub fn period_label(&self) -> String {
        self.period.map(|p| p.to_string()).unwrap_or_default()
    }

    /// How messages name the card: `subject "a", period 2026-Q3`.
    pub fn describe(&self) -> String {
        match (self.subject.is_empty(), self.period) {
            (false, Some(p)) => format!("subject {}, period {p}", quoted(&self.subject)),
            (false, None) => format!("subject {}, {} card", quoted(&self.subject), self.kind),
            (true, Some(p)) => format!("period {p}"),
            (true, None) => format!("the {} card", self.kind),
        }
    }
}

/// The values of one scorecard, indexed like the definition's indicators.
#[derive(Clone, Debug)]
pub struct CardData {
    pub key: CardKey,
    /// The first row that belongs to this card.
    pub first: Loc,
    pub values: Vec<Option<Observation>>,
    /// A rolled-up card's sources: per indicator, the values combined, in period
    /// order. Empty for a card read as it is.
    pub parts: Vec<Vec<Part>>,
    /// Per indicator, the constituent periods that had no value (under `--partial`).
    pub gaps: Vec<(usize, Vec<Period>)>,
    /// The subject's thresholds when a targets file is in force (SPEC §2.4), shared
    /// with the scored card.
    pub targets: Option<Arc<InForce>>,
}

impl CardData {
    /// Scores the card (§4): its values, then the gaps a `--partial` roll-up left.
    pub fn score(
        &self,
        scorer: &Scorer<'_>,
        missing: MissingPolicy,
    ) -> Result<ScoredCard, Vec<CardError>> {
        let values: Vec<_> = self
            .values
            .iter()
            .map(|o| o.as_ref().and_then(|o| o.value).map(|v| v.amount))
            .collect();
        let thresholds = match &self.targets {
            Some(in_force) => ThresholdsOf::Subject(&in_force.thresholds),
            None => ThresholdsOf::Card(self.key.kind),
        };
        let score = scorer.score_card(thresholds, &values, missing)?;
        Ok(ScoredCard {
            subject: self.key.subject.clone(),
            period: self.key.period_label(),
            kind: self.key.kind,
            score,
            gaps: self
                .gaps
                .iter()
                .map(|(i, periods)| (*i, periods.iter().map(ToString::to_string).collect()))
                .collect(),
            targets: self.targets.clone(),
        })
    }
}

/// One value that went into a rolled-up one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub period: Period,
    pub value: Value,
    pub loc: Loc,
}
