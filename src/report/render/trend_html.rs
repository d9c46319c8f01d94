//! `kpi trend --format html`: the score report's document (inline CSS and SVG, no
//! script, nothing fetched) with one printable A4 page per subject's trend — a line
//! chart of the total per period over the shaded band zones, and the indicators'
//! scores as a heat map (indicators × periods, cells in band colours).

use std::io::{self, Write};

use rust_decimal::Decimal;

use super::html::{band_class, escape};
use super::trend_words::{change_text, title, trend_words};
use super::{RenderOptions, words};
use crate::model::{Band, Lang, Scorecard};
use crate::num::{fixed, plain, round_half_up};
use crate::report::trend::Trend;

/// The chart's and heat map's CSS, after the report's own. The zones are paler than
/// the band fills of the cells, so that the line stands out on them.
pub(crate) const STYLE: &str = r#"
.trend { margin-bottom: 2mm; }
svg .zone.below { fill: #fce8e6; } svg .zone.meets { fill: #fdf7e1; }
svg .zone.exceeds { fill: #e6f3fb; } svg .zone.far { fill: #e3f6e7; }
svg .zone-label { font-size: 8px; fill: #57606a; }
svg polyline.total { fill: none; stroke: #0550ae; stroke-width: 2; stroke-linejoin: round; }
svg circle.point { fill: #fff; stroke: #0550ae; stroke-width: 1.5; }
svg .value { font-size: 8.5px; font-weight: 600; }
table.heat td.num { text-align: center; }
table.heat.many { font-size: 7.5pt; }
table.heat.many th, table.heat.many td { padding: 1mm 0.8mm; }
tr.change td { color: #57606a; background: #fff; }
"#;

struct Words {
    generated: &'static str,
    latest: &'static str,
    chart: &'static str,
    from: &'static str,
}

fn html_words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            generated: "Generated",
            latest: "Total",
            chart: "Total per period; the shaded zones are the bands",
            from: "from",
        },
        Lang::Zh => Words {
            generated: "生成日期",
            latest: "总分",
            chart: "各期总分；底色为绩效分档",
            from: "起",
        },
    }
}

/// One trend's page, dated with `options.date`.
pub fn trend(
    def: &Scorecard,
    trend: &Trend,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = options.lang;
    let w = html_words(lang);
    writeln!(out, "<section class=\"page\">")?;
    writeln!(out, "<h1>{}</h1>", escape(def.title(lang)))?;
    let full = title(def, trend, lang);
    let heading = full
        .strip_prefix(def.title(lang))
        .map(|rest| rest.trim_start_matches(" · ").to_string())
        .unwrap_or(full);
    writeln!(out, "<h2>{}</h2>", escape(&heading))?;
    if let (Some(period), Some((total, band)), Some(change)) = (
        trend.periods.last(),
        trend.totals.last(),
        trend.changes.last(),
    ) {
        let change = match change {
            Some(_) => format!(" {}: {}", trend_words(lang).change, change_text(*change)),
            None => String::new(),
        };
        writeln!(
            out,
            "<p class=\"summary\">{} {}: <strong>{}</strong> <span class=\"badge {}\">{}</span>{}</p>",
            escape(period),
            w.latest,
            fixed(*total, 2),
            band_class(*band),
            escape(band.label(lang)),
            escape(&change)
        )?;
    }
    chart(def, trend, lang, out)?;
    writeln!(out, "<p class=\"notes\">{}</p>", escape(w.chart))?;
    heat_map(def, trend, lang, out)?;
    writeln!(out, "<footer>{} {}</footer>", w.generated, options.date)?;
    writeln!(out, "</section>")
}

/// Indicators as rows, periods as columns: each score in its band's colour; the
/// total and its change below.
fn heat_map(def: &Scorecard, trend: &Trend, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let many = if trend.periods.len() > 8 { " many" } else { "" };
    writeln!(out, "<table class=\"heat{many}\">")?;
    write!(out, "<tr><th>{}</th>", escape(words(lang).headers[0]))?;
    for period in &trend.periods {
        write!(out, "<th>{}</th>", escape(period))?;
    }
    writeln!(out, "</tr>")?;
    let cell = |out: &mut dyn Write, score: Option<(Decimal, Band)>| match score {
        Some((score, band)) => write!(
            out,
            "<td class=\"num {}\">{}</td>",
            band_class(band),
            fixed(score, 2)
        ),
        None => write!(out, "<td class=\"num none\">—</td>"),
    };
    for (indicator, scores) in def.indicators.iter().zip(&trend.scores) {
        write!(out, "<tr><td>{}</td>", escape(indicator.display_name(lang)))?;
        for score in scores {
            cell(out, *score)?;
        }
        writeln!(out, "</tr>")?;
    }
    write!(out, "<tr class=\"total\"><td>{}</td>", words(lang).total)?;
    for total in &trend.totals {
        cell(out, Some(*total))?;
    }
    writeln!(out, "</tr>")?;
    write!(
        out,
        "<tr class=\"change\"><td>{}</td>",
        trend_words(lang).change
    )?;
    for change in &trend.changes {
        write!(out, "<td class=\"num\">{}</td>", change_text(*change))?;
    }
    writeln!(out, "</tr>")?;
    writeln!(out, "</table>")
}

// The chart's frame, in SVG units: the plot area and the margins for the labels.
const LEFT: i64 = 34;
const TOP: i64 = 12;
const PLOT_WIDTH: i64 = 600;
const PLOT_HEIGHT: i64 = 200;
const RIGHT: i64 = 120;
const BOTTOM: i64 = 22;

/// An SVG coordinate to the hundredth of a unit (a drawing position, not a score).
fn coordinate(value: Decimal) -> String {
    plain(round_half_up(value, 2))
}

/// The height of a score on the 0–100 axis (0 at the bottom); scores outside the
/// scale are drawn at its edge.
fn y_of(score: Decimal) -> Decimal {
    let score = score.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
    Decimal::from(TOP)
        + Decimal::from(PLOT_HEIGHT) * (Decimal::ONE_HUNDRED - score) / Decimal::ONE_HUNDRED
}

/// The middle of period `index`'s slot, of `count` slots across the plot.
fn x_of(index: usize, count: usize) -> Decimal {
    let slots = Decimal::from(2 * count.max(1));
    Decimal::from(LEFT) + Decimal::from(PLOT_WIDTH) * Decimal::from(2 * index + 1) / slots
}

/// The totals as a line over the band zones: below target up to the meets point,
/// meets to the exceeds point, exceeds to far exceeds, far exceeds to 100.
fn chart(def: &Scorecard, trend: &Trend, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let w = html_words(lang);
    let bands = def.bands;
    writeln!(
        out,
        "<svg class=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {} {}\" role=\"img\">",
        LEFT + PLOT_WIDTH + RIGHT,
        TOP + PLOT_HEIGHT + BOTTOM
    )?;
    let zones = [
        (Band::Below, Decimal::ZERO, bands.meets),
        (Band::Meets, bands.meets, bands.exceeds),
        (Band::Exceeds, bands.exceeds, bands.far_exceeds),
        (Band::FarExceeds, bands.far_exceeds, Decimal::ONE_HUNDRED),
    ];
    for (band, low, high) in zones {
        let (top, bottom) = (y_of(high), y_of(low));
        if bottom <= top {
            continue;
        }
        writeln!(
            out,
            "<rect class=\"zone {}\" x=\"{LEFT}\" y=\"{}\" width=\"{PLOT_WIDTH}\" height=\"{}\"/>",
            band_class(band),
            coordinate(top),
            coordinate(bottom - top)
        )?;
        let label = if band == Band::Below {
            band.label(lang).to_string()
        } else {
            match lang {
                Lang::En => format!("{} {} {}", band.label(lang), w.from, plain(low)),
                Lang::Zh => format!("{}（{}{}）", band.label(lang), plain(low), w.from),
            }
        };
        writeln!(
            out,
            "<text class=\"zone-label\" x=\"{}\" y=\"{}\">{}</text>",
            LEFT + PLOT_WIDTH + 4,
            coordinate((top + bottom) / Decimal::TWO + Decimal::from(3)),
            escape(&label)
        )?;
    }
    // The axis: 0, the band points and 100.
    for points in [
        Decimal::ZERO,
        bands.meets,
        bands.exceeds,
        bands.far_exceeds,
        Decimal::ONE_HUNDRED,
    ] {
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LEFT - 4,
            coordinate(y_of(points) + Decimal::from(3)),
            plain(points)
        )?;
    }
    let count = trend.periods.len();
    for (index, period) in trend.periods.iter().enumerate() {
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            coordinate(x_of(index, count)),
            TOP + PLOT_HEIGHT + 14,
            escape(period)
        )?;
    }
    let points: Vec<String> = trend
        .totals
        .iter()
        .enumerate()
        .map(|(index, (total, _))| {
            format!(
                "{},{}",
                coordinate(x_of(index, count)),
                coordinate(y_of(*total))
            )
        })
        .collect();
    writeln!(
        out,
        "<polyline class=\"total\" points=\"{}\"/>",
        points.join(" ")
    )?;
    for (index, (total, _)) in trend.totals.iter().enumerate() {
        let (x, y) = (coordinate(x_of(index, count)), y_of(*total));
        writeln!(
            out,
            "<circle class=\"point\" cx=\"{x}\" cy=\"{}\" r=\"3\"/>",
            coordinate(y)
        )?;
        writeln!(
            out,
            "<text class=\"value\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            coordinate(y - Decimal::from(6)),
            fixed(*total, 2)
        )?;
    }
    writeln!(out, "</svg>")
}
