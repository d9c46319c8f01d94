//! The validated scorecard definition: what `config` builds and `score` reads.

use rust_decimal::Decimal;

pub use crate::period::PeriodKind;

/// A whole scorecard definition (`kpi.toml`).
#[derive(Clone, Debug, PartialEq)]
pub struct Scorecard {
    pub title: String,
    pub title_en: Option<String>,
    /// `targets` under `[scorecard]`: a targets file (SPEC §2.4), as written, relative
    /// to the kpi.toml that names it.
    pub targets: Option<String>,
    pub bands: BandPoints,
    pub indicators: Vec<Indicator>,
}

/// Points awarded at each threshold (`[bands]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BandPoints {
    pub meets: Decimal,
    pub exceeds: Decimal,
    pub far_exceeds: Decimal,
}

impl Default for BandPoints {
    fn default() -> Self {
        BandPoints {
            meets: Decimal::from(60),
            exceeds: Decimal::from(70),
            far_exceeds: Decimal::from(90),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

impl Better {
    pub fn key(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
        }
    }

    /// Whether `value` reaches `threshold` in this direction.
    pub fn reaches(self, value: Decimal, threshold: Decimal) -> bool {
        match self {
            Better::Higher => value >= threshold,
            Better::Lower => value <= threshold,
        }
    }
}

/// How an indicator's values combine when periods are rolled up (§6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Mean,
    Ratio,
    Last,
    Min,
    Max,
}

impl Aggregate {
    pub const NAMES: [&'static str; 6] = ["sum", "mean", "ratio", "last", "min", "max"];

    pub fn from_key(key: &str) -> Option<Aggregate> {
        Some(match key {
            "sum" => Aggregate::Sum,
            "mean" => Aggregate::Mean,
            "ratio" => Aggregate::Ratio,
            "last" => Aggregate::Last,
            "min" => Aggregate::Min,
            "max" => Aggregate::Max,
            _ => return None,
        })
    }
}

/// How a value becomes a score (§4, §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Breakpoints and linear interpolation (§4).
    Bands,
    /// `100 · v / target` (or `target / v`), capped.
    Ratio { cap: Decimal },
    /// `100 − per_unit · shortfall`.
    Deduct { per_unit: Decimal },
    /// 100 when the target is reached, else 0.
    PassFail,
}

/// One period's thresholds for an indicator. Only `target` is required.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    pub target: Decimal,
    pub exceeds: Option<Decimal>,
    pub far_exceeds: Option<Decimal>,
    pub best: Option<Decimal>,
    pub worst: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub unit: String,
    /// The unit in English documents (`calls/unit` for `次/台`); `unit` where absent.
    pub unit_en: Option<String>,
    pub better: Better,
    pub weight: Decimal,
    pub aggregate: Aggregate,
    pub method: Method,
    /// Thresholds per period kind, indexed by `PeriodKind::index`; `None` where the
    /// indicator is not assessed.
    pub periods: [Option<Thresholds>; 4],
}

impl Indicator {
    pub fn thresholds(&self, kind: PeriodKind) -> Option<&Thresholds> {
        self.periods[kind.index()].as_ref()
    }

    /// Whether a data file's `text` names this indicator: by `id` or `name_en`
    /// (ASCII-case-insensitive), or by `name` (exactly).
    pub fn is_named(&self, text: &str) -> bool {
        self.name == text
            || self.id.eq_ignore_ascii_case(text)
            || self
                .name_en
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(text))
    }

    /// The unit as a document in `lang` shows it; `None` is the machine contract
    /// (csv, json): the unit as configured. `%` is the same in every language.
    pub fn unit_in(&self, lang: Option<Lang>) -> &str {
        match (lang, &self.unit_en) {
            (Some(Lang::En), Some(unit_en)) if self.unit != "%" => unit_en,
            _ => &self.unit,
        }
    }

    /// The indicator as a message names it, in the user's words: as the data file
    /// names it (`as_written`), else by its name in `lang`, with its id in parentheses
    /// (`客户投诉量 (complaints)`); just the id where that is the name used.
    pub fn label(&self, as_written: Option<&str>, lang: Lang) -> String {
        let name = as_written.unwrap_or_else(|| self.display_name(lang));
        if name.eq_ignore_ascii_case(&self.id) {
            self.id.clone()
        } else {
            format!("{name} ({})", self.id)
        }
    }

    /// The display name in a language.
    pub fn display_name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.name,
            Lang::En => self.name_en.as_deref().unwrap_or(&self.name),
        }
    }
}

impl Scorecard {
    /// The index of the indicator a data file's `text` names.
    pub fn find(&self, text: &str) -> Option<usize> {
        self.indicators.iter().position(|i| i.is_named(text))
    }

    /// Every string that names an indicator, for did-you-mean suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.indicators.iter().flat_map(|i| {
            [
                Some(i.id.as_str()),
                Some(i.name.as_str()),
                i.name_en.as_deref(),
            ]
            .into_iter()
            .flatten()
        })
    }

    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.title,
            Lang::En => self.title_en.as_deref().unwrap_or(&self.title),
        }
    }
}

/// The language of human words in table, markdown and html output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// A scored indicator's or scorecard's band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Band {
    FarExceeds,
    Exceeds,
    Meets,
    Below,
    /// No value, left out under `--missing skip`.
    Missing,
    /// No target for this period kind.
    NotAssessed,
}

impl Band {
    /// The machine id, as in CSV and JSON output.
    pub fn id(self) -> &'static str {
        match self {
            Band::FarExceeds => "far_exceeds",
            Band::Exceeds => "exceeds",
            Band::Meets => "meets",
            Band::Below => "below",
            Band::Missing => "missing",
            Band::NotAssessed => "not_assessed",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, Band::FarExceeds) => "far exceeds target",
            (Lang::En, Band::Exceeds) => "exceeds target",
            (Lang::En, Band::Meets) => "meets target",
            (Lang::En, Band::Below) => "below target",
            (Lang::En, Band::Missing) => "missing",
            (Lang::En, Band::NotAssessed) => "not assessed",
            (Lang::Zh, Band::FarExceeds) => "远超目标",
            (Lang::Zh, Band::Exceeds) => "超过目标",
            (Lang::Zh, Band::Meets) => "达到目标",
            (Lang::Zh, Band::Below) => "未达目标",
            (Lang::Zh, Band::Missing) => "缺失",
            (Lang::Zh, Band::NotAssessed) => "不考核",
        }
    }
}

/// The columns of a data file that are not indicators (§5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Subject,
    Period,
    Indicator,
    Actual,
    /// Columns for people (`unit`, `target`, `note`): information, never scored.
    Unit,
    Target,
    Note,
}

impl Column {
    /// Every recognised header name, English and Chinese.
    pub const NAMES: [(&'static str, Column); 18] = [
        ("subject", Column::Subject),
        ("对象", Column::Subject),
        ("考核对象", Column::Subject),
        ("period", Column::Period),
        ("期间", Column::Period),
        ("考核期间", Column::Period),
        ("indicator", Column::Indicator),
        ("指标", Column::Indicator),
        ("actual", Column::Actual),
        ("实际", Column::Actual),
        ("实际值", Column::Actual),
        ("unit", Column::Unit),
        ("单位", Column::Unit),
        ("target", Column::Target),
        ("目标", Column::Target),
        ("note", Column::Note),
        ("备注", Column::Note),
        ("说明", Column::Note),
    ];

    /// The column a header cell names (ASCII-case-insensitive), if it is recognised.
    pub fn recognise(header: &str) -> Option<Column> {
        Column::NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(header))
            .map(|&(_, column)| column)
    }

    /// A column for people: shown in the file, never scored.
    pub fn is_information(self) -> bool {
        matches!(self, Column::Unit | Column::Target | Column::Note)
    }

    pub fn key(self) -> &'static str {
        match self {
            Column::Subject => "subject",
            Column::Period => "period",
            Column::Indicator => "indicator",
            Column::Actual => "actual",
            Column::Unit => "unit",
            Column::Target => "target",
            Column::Note => "note",
        }
    }
}
