//! HTML report (SPEC §7): one self-contained file — inline CSS and SVG, no script, no
//! network — with one printable A4 page per scorecard: the table with band colours, a
//! bar chart of the scores against the band lines, the total and the date.

use std::io::{self, Write};

use super::{RenderOptions, card_title, human_row, human_total, notes, words};
use rust_decimal::prelude::ToPrimitive;

use crate::model::{Band, Lang, Scorecard};
use crate::num::{fixed, plain};
use crate::report::explain::Explanation;
use crate::score::ScoredCard;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fill colours by band: the same hues as the terminal's, light enough to print.
pub(crate) fn band_class(band: Band) -> &'static str {
    match band {
        Band::FarExceeds => "far",
        Band::Exceeds => "exceeds",
        Band::Meets => "meets",
        Band::Below => "below",
        Band::Missing | Band::NotAssessed => "none",
    }
}

pub(crate) const STYLE: &str = r#"
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #1f2328; background: #fff;
  font-family: "Segoe UI", "Helvetica Neue", Arial, "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", sans-serif; font-size: 10.5pt; }
.page { page-break-after: always; break-after: page; padding: 8mm 0; max-width: 182mm; margin: 0 auto; }
.page:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; font-weight: 600; margin: 0 0 5mm; color: #57606a; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6mm; }
th, td { border: 1px solid #d0d7de; padding: 1.6mm 2mm; }
th { background: #f6f8fa; text-align: left; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; background: #f6f8fa; }
.far { background: #c7eecf; } .exceeds { background: #cde8f6; }
.meets { background: #fbefc4; } .below { background: #f8d0cd; } .none { color: #8c959f; }
.summary { font-size: 13pt; margin: 0 0 5mm; }
.summary .badge { padding: 1mm 3mm; border-radius: 2mm; }
.notes { font-size: 9pt; color: #57606a; white-space: pre-wrap; }
footer { font-size: 8.5pt; color: #8c959f; margin-top: 4mm; }
svg text { font-size: 9px; fill: #1f2328; }
svg .bar.far { fill: #2da44e; } svg .bar.exceeds { fill: #218bff; }
svg .bar.meets { fill: #d4a72c; } svg .bar.below { fill: #cf222e; }
svg .line { stroke: #57606a; stroke-dasharray: 3 2; stroke-width: 0.8; }
svg .axis { stroke: #d0d7de; }
"#;

struct Words {
    generated: &'static str,
    total: &'static str,
    chart: &'static str,
}

fn html_words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            generated: "Generated",
            total: "Total",
            chart: "Scores by indicator; dashed lines mark the band thresholds",
        },
        Lang::Zh => Words {
            generated: "生成日期",
            total: "总分",
            chart: "各指标分数；虚线为绩效分档线",
        },
    }
}

pub fn begin(def: &Scorecard, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    begin_with_style(def, options, "", out)
}

/// The document's head, with `more_style` after the report's own CSS (the trend
/// report's chart and heat map).
pub(crate) fn begin_with_style(
    def: &Scorecard,
    options: &RenderOptions,
    more_style: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang_attr = match options.lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    };
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"{lang_attr}\">")?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(out, "<title>{}</title>", escape(def.title(options.lang)))?;
    writeln!(out, "<style>{STYLE}{more_style}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")
}

pub fn end(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

/// One scorecard's page. `date` is the day the report is made (`YYYY-MM-DD`).
pub fn card(
    def: &Scorecard,
    card: &ScoredCard,
    explain: &[Explanation],
    options: &RenderOptions,
    date: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = options.lang;
    let w = html_words(lang);
    writeln!(out, "<section class=\"page\">")?;
    writeln!(out, "<h1>{}</h1>", escape(def.title(lang)))?;
    writeln!(
        out,
        "<h2>{}</h2>",
        escape(&card_title_without_title(def, card, lang))
    )?;
    writeln!(
        out,
        "<p class=\"summary\">{}: <strong>{}</strong> <span class=\"badge {}\">{}</span></p>",
        w.total,
        fixed(card.score.total, 2),
        band_class(card.score.band),
        escape(card.score.band.label(lang))
    )?;
    writeln!(out, "<table>")?;
    write!(out, "<tr>")?;
    for header in words(lang).headers {
        write!(out, "<th>{}</th>", escape(header))?;
    }
    writeln!(out, "</tr>")?;
    for (indicator, line) in def.indicators.iter().zip(&card.score.indicators) {
        row(out, &human_row(indicator, line, lang), line.band, false)?;
    }
    row(out, &human_total(card, lang), card.score.band, true)?;
    writeln!(out, "</table>")?;
    chart(def, card, lang, out)?;
    writeln!(out, "<p class=\"notes\">{}</p>", escape(w.chart))?;
    let notes = notes(def, card, explain, lang);
    if !notes.is_empty() {
        writeln!(
            out,
            "<pre class=\"notes\">{}</pre>",
            escape(&notes.join("\n"))
        )?;
    }
    writeln!(out, "<footer>{} {date}</footer>", w.generated)?;
    writeln!(out, "</section>")
}

/// The card's subject and period, without the scorecard's title (the page's heading).
fn card_title_without_title(def: &Scorecard, card: &ScoredCard, lang: Lang) -> String {
    let full = card_title(def, card, lang);
    let title = def.title(lang);
    full.strip_prefix(title)
        .map(|rest| rest.trim_start_matches(" · ").to_string())
        .unwrap_or(full)
}

fn row(out: &mut dyn Write, cells: &[String; 7], band: Band, total: bool) -> io::Result<()> {
    write!(out, "<tr{}>", if total { " class=\"total\"" } else { "" })?;
    for (j, cell) in cells.iter().enumerate() {
        let class = match j {
            3 => band_class(band),
            0 => "",
            _ => "num",
        };
        if class.is_empty() {
            write!(out, "<td>{}</td>", escape(cell))?;
        } else {
            write!(out, "<td class=\"{class}\">{}</td>", escape(cell))?;
        }
    }
    writeln!(out, "</tr>")
}

/// A horizontal bar per indicator on a 0–100 axis, with dashed lines at the band points.
fn chart(def: &Scorecard, card: &ScoredCard, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    const LABEL: u32 = 190;
    const WIDTH: u32 = 470;
    const BAR: u32 = 14;
    const GAP: u32 = 6;
    let rows = def.indicators.len() as u32;
    let height = rows * (BAR + GAP) + 24;
    let x = |score: rust_decimal::Decimal| -> String {
        // Exact to the hundredth of a pixel; an SVG coordinate, not a score.
        let scaled =
            score * rust_decimal::Decimal::from(WIDTH) / rust_decimal::Decimal::ONE_HUNDRED;
        plain(crate::num::round_half_up(scaled, 2))
    };
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {} {height}\" role=\"img\">",
        LABEL + WIDTH + 40
    )?;
    for (n, (indicator, line)) in def
        .indicators
        .iter()
        .zip(&card.score.indicators)
        .enumerate()
    {
        let y = n as u32 * (BAR + GAP);
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL - 6,
            y + BAR - 3,
            escape(indicator.display_name(lang))
        )?;
        match line.score {
            Some(score) => {
                writeln!(
                    out,
                    "<rect class=\"bar {}\" x=\"{LABEL}\" y=\"{y}\" width=\"{}\" height=\"{BAR}\"/>",
                    band_class(line.band),
                    x(score)
                )?;
                let end = (score * rust_decimal::Decimal::from(WIDTH)
                    / rust_decimal::Decimal::ONE_HUNDRED)
                    .floor()
                    .to_u32()
                    .unwrap_or(0)
                    .min(WIDTH);
                writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\">{}</text>",
                    LABEL + 4 + end,
                    y + BAR - 3,
                    fixed(score, 2)
                )?;
            }
            None => writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" class=\"none\">—</text>",
                LABEL + 4,
                y + BAR - 3
            )?,
        }
    }
    let axis_y = rows * (BAR + GAP);
    writeln!(
        out,
        "<line class=\"axis\" x1=\"{LABEL}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\"/>",
        LABEL + WIDTH
    )?;
    for points in [def.bands.meets, def.bands.exceeds, def.bands.far_exceeds] {
        let px = x(points);
        writeln!(
            out,
            "<line class=\"line\" x1=\"{LABEL}\" y1=\"0\" x2=\"{LABEL}\" y2=\"{axis_y}\" transform=\"translate({px} 0)\"/>"
        )?;
        writeln!(
            out,
            "<text x=\"{LABEL}\" y=\"{}\" text-anchor=\"middle\" transform=\"translate({px} 0)\">{}</text>",
            axis_y + 14,
            plain(points)
        )?;
    }
    writeln!(out, "</svg>")
}
