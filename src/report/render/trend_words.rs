//! The words every trend document shares: its title, the change of a total, and the
//! words of the Change and Trend rows, in each language. Apart from the writers, so
//! that the table, html and xlsx writers take them from one place below them all.

use rust_decimal::Decimal;

use crate::model::{Lang, Scorecard};
use crate::num::fixed;
use crate::report::trend::Trend;

pub(crate) fn change_text(change: Option<Decimal>) -> String {
    match change {
        None => "—".to_string(),
        Some(c) if c > Decimal::ZERO => format!("+{}", fixed(c, 2)),
        Some(c) if c < Decimal::ZERO => format!("−{}", fixed(-c, 2)),
        Some(_) => fixed(Decimal::ZERO, 2),
    }
}

pub(crate) fn title(def: &Scorecard, trend: &Trend, lang: Lang) -> String {
    let mut parts = vec![def.title(lang).to_string()];
    if !trend.subject.is_empty() {
        parts.push(trend.subject.clone());
    }
    parts.push(match (lang, trend.periods.first(), trend.periods.last()) {
        (_, Some(first), Some(last)) if first != last => format!("{first} – {last}"),
        (_, Some(only), _) => only.clone(),
        _ => String::new(),
    });
    parts.retain(|p| !p.is_empty());
    parts.join(" · ")
}

pub(crate) struct Words {
    pub change: &'static str,
    pub trend: &'static str,
}

pub(crate) fn trend_words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            change: "Change",
            trend: "Trend",
        },
        Lang::Zh => Words {
            change: "变化",
            trend: "趋势",
        },
    }
}
