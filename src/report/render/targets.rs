//! `kpi targets`: the active scorecard definition as the form's table — weights,
//! targets per period, thresholds, method — with notes a reader needs.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment};
use rust_decimal::Decimal;

use super::with_unit;
use crate::model::{Better, Indicator, Lang, Method, PeriodKind, Scorecard, Thresholds};
use crate::num::plain;
use crate::period::Period;

struct Words {
    headers: [&'static str; 12],
    higher: &'static str,
    lower: &'static str,
    bands: &'static str,
    target_is_best: &'static str,
    accuracy: &'static str,
    subject: &'static str,
    exceptions: &'static str,
    period: &'static str,
    target: &'static str,
    not_assessed: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            headers: [
                "#",
                "Indicator",
                "Better",
                "Weight",
                "Month",
                "Quarter",
                "Half-year",
                "Year",
                "Exceeds",
                "Far exceeds",
                "Best",
                "Worst",
            ],
            higher: "higher",
            lower: "lower",
            bands: "Points at the thresholds: worst 0, target {meets}, exceeds {exceeds}, far exceeds {far_exceeds}, best 100; linear in between.",
            target_is_best: "Target equals best for {list}: reaching the target scores 100.",
            accuracy: "发货差错率 is called an error rate but has a 100% target: it is scored as shipping accuracy, higher is better.",
            subject: "subject",
            exceptions: "Exceptions for single periods:",
            period: "Period",
            target: "Target",
            not_assessed: "not assessed",
        },
        Lang::Zh => Words {
            headers: [
                "#",
                "指标",
                "方向",
                "权重",
                "月度",
                "季度",
                "半年",
                "年度",
                "超过目标",
                "远超目标",
                "最佳",
                "最差",
            ],
            higher: "越高越好",
            lower: "越低越好",
            bands: "各阈值得分：最差 0，目标 {meets}，超过目标 {exceeds}，远超目标 {far_exceeds}，最佳 100；其间线性插值。",
            target_is_best: "目标即最佳值：{list}，达到目标即得 100 分。",
            accuracy: "发货差错率名为差错率，但目标为 100%，故按发货准确率计分，越高越好。",
            subject: "考核对象",
            exceptions: "单个期间的例外：",
            period: "期间",
            target: "目标",
            not_assessed: "不考核",
        },
    }
}

/// A threshold across the periods the indicator is assessed in: one value when it is
/// the same in all, else each period's (`M 3 · Q 5 · H 8 · Y 12`).
fn across(indicator: &Indicator, lang: Lang, pick: fn(&Thresholds) -> Option<Decimal>) -> String {
    let values: Vec<(PeriodKind, Option<Decimal>)> = PeriodKind::ALL
        .iter()
        .filter_map(|&k| indicator.thresholds(k).map(|t| (k, pick(t))))
        .collect();
    let Some(first) = values.first().map(|v| v.1) else {
        return String::new();
    };
    let show = |v: Option<Decimal>| {
        v.map_or_else(
            || "—".to_string(),
            |v| with_unit(v, indicator.unit_in(Some(lang))),
        )
    };
    if values.iter().all(|v| v.1 == first) {
        return show(first);
    }
    values
        .iter()
        .map(|(k, v)| format!("{} {}", period_letter(*k, lang), show(*v)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn period_letter(kind: PeriodKind, lang: Lang) -> &'static str {
    match (lang, kind) {
        (Lang::En, PeriodKind::Month) => "M",
        (Lang::En, PeriodKind::Quarter) => "Q",
        (Lang::En, PeriodKind::Half) => "H",
        (Lang::En, PeriodKind::Year) => "Y",
        (Lang::Zh, PeriodKind::Month) => "月",
        (Lang::Zh, PeriodKind::Quarter) => "季",
        (Lang::Zh, PeriodKind::Half) => "半年",
        (Lang::Zh, PeriodKind::Year) => "年",
    }
}

fn method_note(indicator: &Indicator, lang: Lang) -> Option<String> {
    Some(match (indicator.method, lang) {
        (Method::Bands, _) => return None,
        (Method::Ratio { cap }, Lang::En) => format!("ratio method, capped at {}", plain(cap)),
        (Method::Ratio { cap }, Lang::Zh) => format!("比率法，上限 {}", plain(cap)),
        (Method::Deduct { per_unit }, Lang::En) => {
            format!("deduct method, {} points per unit short", plain(per_unit))
        }
        (Method::Deduct { per_unit }, Lang::Zh) => {
            format!("扣分法，每差 1 扣 {} 分", plain(per_unit))
        }
        (Method::PassFail, Lang::En) => "pass/fail method".to_string(),
        (Method::PassFail, Lang::Zh) => "非此即彼".to_string(),
    })
}

/// One subject's thresholds (SPEC §2.4): the card as the subject has it, per period
/// kind, then the periods where a row of the targets file makes an exception.
pub fn write_subject(
    card: &Scorecard,
    subject: &str,
    exceptions: &[(Period, usize, Option<Thresholds>)],
    lang: Lang,
    width: Option<u16>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let w = words(lang);
    let mut titled = card.clone();
    let sep = if lang == Lang::Zh { "：" } else { ": " };
    titled.title = format!("{} · {}{sep}{subject}", card.title(lang), w.subject);
    titled.title_en = Some(titled.title.clone());
    write(&titled, lang, width, out)?;
    if exceptions.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", w.exceptions)?;
    let mut table = super::new_table(false, width);
    table.set_header([
        w.period,
        w.headers[1],
        w.target,
        w.headers[8],
        w.headers[9],
        w.headers[10],
        w.headers[11],
    ]);
    for (period, i, thresholds) in exceptions {
        let indicator = &card.indicators[*i];
        let unit = indicator.unit_in(Some(lang));
        let show = |v: Option<Decimal>| v.map_or_else(|| "—".to_string(), |v| with_unit(v, unit));
        let mut cells = vec![period.to_string(), indicator.display_name(lang).to_string()];
        match thresholds {
            Some(t) => cells.extend([
                with_unit(t.target, unit),
                show(t.exceeds),
                show(t.far_exceeds),
                show(t.best),
                show(t.worst),
            ]),
            None => cells.extend(
                [w.not_assessed.to_string()]
                    .into_iter()
                    .chain(std::iter::repeat_n(String::new(), 4)),
            ),
        }
        table.add_row(cells.into_iter().enumerate().map(|(j, text)| {
            let cell = Cell::new(text);
            if j == 1 {
                cell
            } else {
                cell.set_alignment(CellAlignment::Right)
            }
        }));
    }
    writeln!(out, "{table}")
}

/// The definition as a table; fitted to `width` when one is given (a terminal).
pub fn write(
    def: &Scorecard,
    lang: Lang,
    width: Option<u16>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let w = words(lang);
    let mut table = super::new_table(false, width);
    table.set_header(w.headers.iter().map(|h| Cell::new(*h)));
    for (n, indicator) in def.indicators.iter().enumerate() {
        let target = |k: PeriodKind| {
            indicator.thresholds(k).map_or_else(
                || "—".to_string(),
                |t| with_unit(t.target, indicator.unit_in(Some(lang))),
            )
        };
        let mut name = indicator.display_name(lang).to_string();
        if let Some(note) = method_note(indicator, lang) {
            name = format!("{name} ({note})");
        }
        let cells = [
            (n + 1).to_string(),
            name,
            match indicator.better {
                Better::Higher => w.higher.to_string(),
                Better::Lower => w.lower.to_string(),
            },
            plain(indicator.weight),
            target(PeriodKind::Month),
            target(PeriodKind::Quarter),
            target(PeriodKind::Half),
            target(PeriodKind::Year),
            across(indicator, lang, |t| t.exceeds),
            across(indicator, lang, |t| t.far_exceeds),
            across(indicator, lang, |t| t.best),
            across(indicator, lang, |t| t.worst),
        ];
        table.add_row(cells.into_iter().enumerate().map(|(j, text)| {
            let cell = Cell::new(text);
            if j == 1 || j == 2 {
                cell
            } else {
                cell.set_alignment(CellAlignment::Right)
            }
        }));
    }
    writeln!(out, "{}", def.title(lang))?;
    writeln!(out, "{table}")?;
    let bands = w
        .bands
        .replace("{meets}", &plain(def.bands.meets))
        .replace("{exceeds}", &plain(def.bands.exceeds))
        .replace("{far_exceeds}", &plain(def.bands.far_exceeds));
    writeln!(out, "{bands}")?;
    let target_is_best: Vec<&str> = def
        .indicators
        .iter()
        .filter(|i| i.method == Method::Bands)
        .filter(|i| {
            PeriodKind::ALL
                .iter()
                .filter_map(|&k| i.thresholds(k))
                .any(|t| t.best == Some(t.target))
        })
        .map(|i| i.display_name(lang))
        .collect();
    if !target_is_best.is_empty() {
        let sep = if lang == Lang::Zh { "、" } else { ", " };
        writeln!(
            out,
            "{}",
            w.target_is_best
                .replace("{list}", &target_is_best.join(sep))
        )?;
    }
    // The form's 发货差错率 is an accuracy in all but name (SPEC §1).
    if def
        .indicators
        .iter()
        .any(|i| i.name == "发货差错率" && i.better == Better::Higher)
    {
        writeln!(out, "{}", w.accuracy)?;
    }
    Ok(())
}
