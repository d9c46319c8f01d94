//! What goes in the data-entry form of `kpi template`: one row per subject, period
//! and assessed indicator, with the target in force and room for the actual value;
//! and each subject's thresholds per kind of period, in the layout of a targets file
//! (SPEC §2.4). With a targets file, each subject's own targets and assessed
//! indicators. Pure data: nothing is scored, nothing is written.

use rust_decimal::Decimal;

use crate::model::{Indicator, PeriodKind, Scorecard, Thresholds};
use crate::period::Period;
use crate::targets::SubjectTargets;

/// The form: subjects × periods × the indicators assessed in each period's kind.
#[derive(Clone, Debug)]
pub struct Form<'a> {
    pub def: &'a Scorecard,
    /// The subjects, in the order given; empty for a form without a subject column
    /// (the one subject of a file that names none).
    pub subjects: Vec<String>,
    /// The periods, in order (by last day, the finer kind first), each once.
    pub periods: Vec<Period>,
    /// Targets per subject, when a targets file is in force.
    pub targets: Option<&'a SubjectTargets>,
}

/// One line of the form, to be filled in with the actual value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FormRow<'a> {
    /// `""` in a form without a subject column.
    pub subject: &'a str,
    pub period: Period,
    pub indicator: &'a Indicator,
    /// The target in force for the period's kind (the indicator is assessed there).
    pub target: Decimal,
}

/// One subject's thresholds for one indicator in one kind of period: a row of a
/// targets file that restates the card's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThresholdRow<'a> {
    pub subject: &'a str,
    pub kind: PeriodKind,
    pub indicator: &'a Indicator,
    pub thresholds: Thresholds,
}

impl<'a> Form<'a> {
    /// The form for `subjects` (duplicates after the first dropped) and `periods`
    /// (put in order, duplicates dropped).
    pub fn new(def: &'a Scorecard, subjects: &[String], periods: &[Period]) -> Form<'a> {
        let mut unique: Vec<String> = Vec::with_capacity(subjects.len());
        let mut seen = std::collections::HashSet::new();
        for subject in subjects {
            if seen.insert(subject.as_str()) {
                unique.push(subject.clone());
            }
        }
        let mut periods = periods.to_vec();
        periods.sort_by_key(|p| p.sort_key());
        periods.dedup();
        Form {
            def,
            subjects: unique,
            periods,
            targets: None,
        }
    }

    /// The form with each subject's targets (and indicators assessed) from a
    /// targets file.
    pub fn with_targets(self, targets: Option<&'a SubjectTargets>) -> Form<'a> {
        Form { targets, ..self }
    }

    /// Whether the form has a subject column.
    pub fn has_subject(&self) -> bool {
        !self.subjects.is_empty()
    }

    /// The subjects a row can have: the named ones, or the empty one.
    fn subject_list(&self) -> Vec<&str> {
        if self.subjects.is_empty() {
            vec![""]
        } else {
            self.subjects.iter().map(String::as_str).collect()
        }
    }

    /// Indicators assessed for `subject` in a period (`None`: every period of
    /// `kind`), with their thresholds there: the subject's, with a targets file.
    fn assessed(
        &self,
        subject: &str,
        period: Option<Period>,
        kind: PeriodKind,
    ) -> Vec<(&'a Indicator, Thresholds)> {
        let def = self.def;
        match self.targets {
            Some(targets) => def
                .indicators
                .iter()
                .zip(
                    targets
                        .in_force_or_card(def, subject, period, kind)
                        .thresholds,
                )
                .filter_map(|(i, t)| t.map(|t| (i, t)))
                .collect(),
            None => def
                .indicators
                .iter()
                .filter_map(|i| i.thresholds(kind).map(|t| (i, *t)))
                .collect(),
        }
    }

    /// How many rows the form has.
    pub fn len(&self) -> usize {
        if self.targets.is_none() {
            // Every subject has the card's rows.
            let subject = self.subject_list().first().copied().unwrap_or("");
            let per_subject: usize = self
                .periods
                .iter()
                .map(|&p| self.assessed(subject, Some(p), p.kind).len())
                .sum();
            return per_subject.saturating_mul(self.subject_list().len());
        }
        self.subject_list()
            .into_iter()
            .flat_map(|s| {
                self.periods
                    .iter()
                    .map(move |&p| self.assessed(s, Some(p), p.kind).len())
            })
            .fold(0usize, usize::saturating_add)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows: by subject (in the order given), period, then indicator (in the
    /// scorecard's order).
    pub fn rows(&self) -> impl Iterator<Item = FormRow<'_>> + '_ {
        self.subject_list().into_iter().flat_map(move |subject| {
            self.periods.iter().flat_map(move |&period| {
                self.assessed(subject, Some(period), period.kind)
                    .into_iter()
                    .map(move |(indicator, thresholds)| FormRow {
                        subject,
                        period,
                        indicator,
                        target: thresholds.target,
                    })
            })
        })
    }

    /// The kinds of period the form holds, finest first.
    pub fn kinds(&self) -> Vec<PeriodKind> {
        let mut kinds: Vec<PeriodKind> = self.periods.iter().map(|p| p.kind).collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// The thresholds in force for the form's rows: by subject, kind, then indicator.
    pub fn thresholds(&self) -> impl Iterator<Item = ThresholdRow<'_>> + '_ {
        let kinds = self.kinds();
        self.subject_list().into_iter().flat_map(move |subject| {
            kinds.clone().into_iter().flat_map(move |kind| {
                self.assessed(subject, None, kind).into_iter().map(
                    move |(indicator, thresholds)| ThresholdRow {
                        subject,
                        kind,
                        indicator,
                        thresholds,
                    },
                )
            })
        })
    }
}

/// Every period of `kind` in `year`, in order: 12 months, 4 quarters, 2 halves or
/// the year itself.
pub fn periods_of(kind: PeriodKind, year: u16) -> Vec<Period> {
    Period {
        year,
        kind: PeriodKind::Year,
        index: 1,
    }
    .constituents(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::config::{BUILTIN, parse};

    fn builtin() -> Scorecard {
        parse(BUILTIN, "builtin").expect("the built-in scorecard")
    }

    fn label(text: &str) -> Period {
        Period::parse(text).expect("a period label")
    }

    #[test]
    fn a_month_leaves_out_the_indicators_without_a_monthly_target() {
        let def = builtin();
        let form = Form::new(&def, &["华东办事处".to_string()], &[label("2026-11")]);
        let ids: Vec<&str> = form.rows().map(|r| r.indicator.id.as_str()).collect();
        assert_eq!(ids.len(), 9);
        assert!(!ids.contains(&"commissioning_timeliness"));
        assert!(!ids.contains(&"visit_completion"));
        assert_eq!(form.len(), 9);
        let first = form.rows().next().expect("a row");
        assert_eq!(first.subject, "华东办事处");
        assert_eq!(first.period.to_string(), "2026-11");
        assert_eq!(first.target.to_string(), "0.92");
    }

    #[test]
    fn rows_go_by_subject_then_period_then_indicator() {
        let def = builtin();
        let subjects = ["North office".to_string(), "华东办事处".to_string()];
        let form = Form::new(&def, &subjects, &periods_of(PeriodKind::Quarter, 2026));
        assert_eq!(form.len(), 2 * 4 * 11);
        let keys: Vec<(String, String)> = form
            .rows()
            .filter(|r| r.indicator.id == "complaints")
            .map(|r| (r.subject.to_string(), r.period.to_string()))
            .collect();
        assert_eq!(keys[0], ("North office".to_string(), "2026-Q1".to_string()));
        assert_eq!(keys[4], ("华东办事处".to_string(), "2026-Q1".to_string()));
        assert_eq!(keys.len(), 8);
    }

    #[test]
    fn the_target_is_the_one_in_force_for_the_kind() {
        let def = builtin();
        let form = Form::new(&def, &[], &[label("2026-H2"), label("2026")]);
        let complaints: Vec<String> = form
            .rows()
            .filter(|r| r.indicator.id == "complaints")
            .map(|r| format!("{} {}", r.period, r.target))
            .collect();
        assert_eq!(complaints, ["2026-H2 1", "2026 2"]);
        assert!(form.rows().all(|r| r.subject.is_empty()));
        assert!(!form.has_subject());
    }

    #[test]
    fn periods_are_put_in_order_once_and_subjects_kept_in_the_order_given() {
        let def = builtin();
        let subjects = ["b".to_string(), "a".to_string(), "b".to_string()];
        let periods = [label("2026-Q1"), label("2026-03"), label("2026-03")];
        let form = Form::new(&def, &subjects, &periods);
        assert_eq!(form.subjects, ["b", "a"]);
        let shown: Vec<String> = form.periods.iter().map(Period::to_string).collect();
        assert_eq!(shown, ["2026-03", "2026-Q1"]);
        assert_eq!(form.len(), 2 * (9 + 11));
        assert_eq!(
            form.kinds(),
            [PeriodKind::Month, PeriodKind::Quarter],
            "finest first"
        );
    }

    #[test]
    fn thresholds_cover_each_subject_kind_and_assessed_indicator() {
        let def = builtin();
        let form = Form::new(
            &def,
            &["x".to_string()],
            &periods_of(PeriodKind::Month, 2026),
        );
        let rows: Vec<ThresholdRow<'_>> = form.thresholds().collect();
        assert_eq!(
            rows.len(),
            9,
            "one kind, nine indicators with a monthly target"
        );
        let complaints = rows
            .iter()
            .find(|r| r.indicator.id == "complaints")
            .expect("complaints");
        assert_eq!(complaints.thresholds.worst, Some(Decimal::from(3)));
        assert_eq!(complaints.kind, PeriodKind::Month);
    }

    #[test]
    fn every_period_of_a_kind_in_a_year() {
        let shown = |kind| -> Vec<String> {
            periods_of(kind, 2026)
                .iter()
                .map(Period::to_string)
                .collect()
        };
        assert_eq!(shown(PeriodKind::Month).len(), 12);
        assert_eq!(shown(PeriodKind::Month)[0], "2026-01");
        assert_eq!(
            shown(PeriodKind::Quarter),
            ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        );
        assert_eq!(shown(PeriodKind::Half), ["2026-H1", "2026-H2"]);
        assert_eq!(shown(PeriodKind::Year), ["2026"]);
    }
}
