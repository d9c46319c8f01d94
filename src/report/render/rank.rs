//! `kpi rank` output: per period, the league table and the distribution of totals, as
//! a terminal table, Markdown, CSV (the league tables), JSON (both), an HTML report (a
//! page per period with a histogram) or a workbook (league tables, distribution and
//! grades on their own sheets). The sink keeps each card's total only; everything is
//! written once the last card has come.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment};
use rust_decimal::Decimal;
use serde::Serialize;

use super::csv::neutralise;
use super::markdown::escape;
use super::table::band_color;
use super::{Format, RenderOptions, kind_word};
use crate::cards::CardData;
use crate::model::{Lang, Scorecard};
use crate::num::{fixed, plain};
use crate::pipeline::Sink;
use crate::report::rank::{Grades, League, Leagues, Standing, Totals, is_shown};
use crate::score::ScoredCard;

/// What `kpi rank` shows, beyond the format: flags resolved once.
#[derive(Clone, Debug, Default)]
pub struct RankOptions {
    /// `--top N`: the table shows the N best (ties at the edge included).
    pub top: Option<usize>,
    /// `--bottom N`: the table shows the N worst (ties at the edge included).
    pub bottom: Option<usize>,
    /// `--grades`: a forced distribution by rank.
    pub grades: Option<Grades>,
}

/// The sink of `kpi rank`: keeps each card's subject, period, total and band.
#[derive(Default)]
pub struct RankSink {
    pub totals: Totals,
}

impl Sink for RankSink {
    fn card(&mut self, card: &CardData, scored: &ScoredCard) -> io::Result<()> {
        self.totals
            .push(
                &scored.subject,
                scored.kind,
                card.key.period,
                scored.score.total,
                scored.score.band,
            )
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn can_rewind(&self) -> bool {
        true
    }

    fn rewind(&mut self) -> io::Result<()> {
        self.totals = Totals::default();
        Ok(())
    }
}

struct Words {
    ranking: &'static str,
    rank: &'static str,
    subject: &'static str,
    total: &'static str,
    band: &'static str,
    change: &'static str,
    grade: &'static str,
    count: &'static str,
    share: &'static str,
    quota: &'static str,
    statistics: [&'static str; 6],
}

fn rank_words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            ranking: "Ranking",
            rank: "Rank",
            subject: "Subject",
            total: "Total",
            band: "Band",
            change: "Change",
            grade: "Grade",
            count: "Count",
            share: "Share",
            quota: "Quota",
            statistics: ["Min", "Q1", "Median", "Q3", "Max", "Mean"],
        },
        Lang::Zh => Words {
            ranking: "排名",
            rank: "排名",
            subject: "对象",
            total: "总分",
            band: "绩效",
            change: "变化",
            grade: "等级",
            count: "数量",
            share: "占比",
            quota: "配额",
            statistics: ["最低", "下四分位", "中位数", "上四分位", "最高", "平均"],
        },
    }
}

/// `Distribution of 5 subjects` / `分布（5 个对象）`.
fn distribution_title(count: usize, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => "Distribution of 1 subject".to_string(),
        (Lang::En, _) => format!("Distribution of {count} subjects"),
        (Lang::Zh, _) => format!("分布（{count} 个对象）"),
    }
}

/// `Shown: 3 of 10 subjects` / `显示 10 个对象中的 3 个`, when not all are.
fn shown_note(shown: usize, count: usize, lang: Lang) -> Option<String> {
    (shown < count).then(|| match lang {
        Lang::En => format!("Shown: {shown} of {count} subjects"),
        Lang::Zh => format!("显示 {count} 个对象中的 {shown} 个"),
    })
}

/// `Customer Service Manager KPI Scorecard · 2026-11 · Ranking`.
fn title(def: &Scorecard, league: &League, lang: Lang) -> String {
    let label = league.label();
    let period = if label.is_empty() {
        kind_word(league.kind, lang).to_string()
    } else {
        label
    };
    let mut parts = Vec::new();
    let card = def.title(lang);
    if !card.is_empty() {
        parts.push(card.to_string());
    }
    parts.push(period);
    parts.push(rank_words(lang).ranking.to_string());
    parts.join(" · ")
}

/// `↑ 2.31`, `↓ 1.05`, `→ 0.00`, or `—` without a period before.
fn change_text(change: Option<Decimal>) -> String {
    match change {
        None => "—".to_string(),
        Some(c) if c > Decimal::ZERO => format!("↑ {}", fixed(c, 2)),
        Some(c) if c < Decimal::ZERO => format!("↓ {}", fixed(-c, 2)),
        Some(_) => format!("→ {}", fixed(Decimal::ZERO, 2)),
    }
}

fn grade_name<'g>(grades: Option<&'g Grades>, standing: &Standing) -> &'g str {
    grades
        .zip(standing.grade)
        .and_then(|(g, i)| g.0.get(i))
        .map_or("", |g| g.name.as_str())
}

/// The cells of one league table line, as people read them, and which hold numbers.
fn league_header(league: &League, options: &RankOptions, lang: Lang) -> Vec<(String, bool)> {
    let w = rank_words(lang);
    let mut header = vec![
        (w.rank.to_string(), true),
        (w.subject.to_string(), false),
        (w.total.to_string(), true),
        (w.band.to_string(), false),
    ];
    if league.has_changes() {
        header.push((w.change.to_string(), true));
    }
    if options.grades.is_some() {
        header.push((w.grade.to_string(), false));
    }
    header
}

fn league_line(
    league: &League,
    standing: &Standing,
    options: &RankOptions,
    lang: Lang,
) -> Vec<String> {
    let mut line = vec![
        standing.rank.to_string(),
        standing.subject.clone(),
        fixed(standing.total, 2),
        standing.band.label(lang).to_string(),
    ];
    if league.has_changes() {
        line.push(change_text(standing.change));
    }
    if options.grades.is_some() {
        line.push(grade_name(options.grades.as_ref(), standing).to_string());
    }
    line
}

fn shown<'l>(league: &'l League, options: &RankOptions) -> Vec<&'l Standing> {
    league
        .standings
        .iter()
        .filter(|s| is_shown(s, options.top, options.bottom))
        .collect()
}

/// The distribution's rows: band, count, share (with `%`).
fn band_rows(league: &League, lang: Lang) -> Vec<[String; 3]> {
    league
        .distribution
        .bands
        .iter()
        .map(|(band, count, share)| {
            [
                band.label(lang).to_string(),
                count.to_string(),
                format!("{}%", fixed(*share, 2)),
            ]
        })
        .collect()
}

fn statistics(league: &League) -> [String; 6] {
    let d = &league.distribution;
    [d.min, d.q1, d.median, d.q3, d.max, d.mean].map(|v| fixed(v, 2))
}

/// The grades' rows: grade, quota, count, share.
fn grade_rows(league: &League, options: &RankOptions) -> Vec<[String; 4]> {
    let (Some(grades), Some(counts)) = (&options.grades, &league.grade_counts) else {
        return Vec::new();
    };
    let n = Decimal::from(league.distribution.count);
    grades
        .0
        .iter()
        .zip(counts)
        .map(|(grade, count)| {
            let share = crate::num::div_half_up(Decimal::from(*count) * Decimal::ONE_HUNDRED, n, 2)
                .unwrap_or_default();
            [
                grade.name.clone(),
                format!("{}%", plain(grade.share)),
                count.to_string(),
                format!("{}%", fixed(share, 2)),
            ]
        })
        .collect()
}

/// Writes every league in `format`.
pub fn write(
    format: Format,
    def: &Scorecard,
    leagues: &Leagues<'_>,
    rank: &RankOptions,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Csv => csv(leagues, rank, options, out),
        Format::Json => json(leagues, rank, out),
        Format::Markdown => {
            for (i, league) in leagues.iter().enumerate() {
                let league = &league;
                markdown(def, league, i == 0, rank, options.lang, out)?;
            }
            Ok(())
        }
        Format::Html => html(def, leagues, rank, options, out),
        Format::Xlsx => xlsx(leagues, rank, options, out),
        Format::Table => {
            for (i, league) in leagues.iter().enumerate() {
                let league = &league;
                table(def, league, i == 0, rank, options, out)?;
            }
            Ok(())
        }
    }
}

fn table(
    def: &Scorecard,
    league: &League,
    first: bool,
    rank: &RankOptions,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = options.lang;
    let w = rank_words(lang);
    if !first {
        writeln!(out)?;
    }
    writeln!(out, "{}", title(def, league, lang))?;
    let header = league_header(league, rank, lang);
    let mut table = super::new_table(options.color, options.width);
    table.set_header(header.iter().map(|(h, _)| Cell::new(h)));
    let shown = shown(league, rank);
    for standing in &shown {
        let line = league_line(league, standing, rank, lang);
        table.add_row(
            line.into_iter()
                .zip(&header)
                .enumerate()
                .map(|(j, (text, (_, number)))| {
                    let mut cell = Cell::new(text);
                    if *number {
                        cell = cell.set_alignment(CellAlignment::Right);
                    }
                    if j == 3
                        && options.color
                        && let Some(c) = band_color(standing.band)
                    {
                        cell = cell.fg(c);
                    }
                    cell
                }),
        );
    }
    let numbers: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, (_, number))| *number)
        .map(|(j, _)| j)
        .collect();
    super::keep_whole(&mut table, numbers);
    writeln!(out, "{table}")?;
    if let Some(note) = shown_note(shown.len(), league.standings.len(), lang) {
        writeln!(out, "{note}")?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{}",
        distribution_title(league.distribution.count, lang)
    )?;
    let mut bands = super::new_table(options.color, options.width);
    bands.set_header([w.band, w.count, w.share].map(Cell::new));
    for row in band_rows(league, lang) {
        bands.add_row(row.into_iter().enumerate().map(|(j, text)| {
            let cell = Cell::new(text);
            if j == 0 {
                cell
            } else {
                cell.set_alignment(CellAlignment::Right)
            }
        }));
    }
    super::keep_whole(&mut bands, [1, 2]);
    writeln!(out, "{bands}")?;
    let mut stats = super::new_table(options.color, options.width);
    stats.set_header(w.statistics.map(Cell::new));
    stats.add_row(
        statistics(league).map(|text| Cell::new(text).set_alignment(CellAlignment::Right)),
    );
    super::keep_whole(&mut stats, 0..6);
    writeln!(out, "{stats}")?;
    let grades = grade_rows(league, rank);
    if !grades.is_empty() {
        let mut table = super::new_table(options.color, options.width);
        table.set_header([w.grade, w.quota, w.count, w.share].map(Cell::new));
        for row in grades {
            table.add_row(row.into_iter().enumerate().map(|(j, text)| {
                let cell = Cell::new(text);
                if j == 0 {
                    cell
                } else {
                    cell.set_alignment(CellAlignment::Right)
                }
            }));
        }
        super::keep_whole(&mut table, [1, 2, 3]);
        writeln!(out, "{table}")?;
    }
    Ok(())
}

fn markdown_row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
    writeln!(out, "| {} |", cells.join(" | "))
}

fn markdown(
    def: &Scorecard,
    league: &League,
    first: bool,
    rank: &RankOptions,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let w = rank_words(lang);
    if !first {
        writeln!(out)?;
    }
    writeln!(out, "### {}", escape(&title(def, league, lang)))?;
    writeln!(out)?;
    let header = league_header(league, rank, lang);
    let names: Vec<String> = header.iter().map(|(h, _)| h.clone()).collect();
    markdown_row(out, &names)?;
    let rule: Vec<&str> = header
        .iter()
        .map(|(_, number)| if *number { "---:" } else { "---" })
        .collect();
    writeln!(out, "|{}|", rule.join("|"))?;
    let shown = shown(league, rank);
    for standing in &shown {
        markdown_row(out, &league_line(league, standing, rank, lang))?;
    }
    if let Some(note) = shown_note(shown.len(), league.standings.len(), lang) {
        writeln!(out)?;
        writeln!(out, "{note}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "#### {}",
        distribution_title(league.distribution.count, lang)
    )?;
    writeln!(out)?;
    markdown_row(out, &[w.band, w.count, w.share].map(String::from))?;
    writeln!(out, "|---|---:|---:|")?;
    for row in band_rows(league, lang) {
        markdown_row(out, &row)?;
    }
    writeln!(out)?;
    markdown_row(out, &w.statistics.map(String::from))?;
    writeln!(out, "|---:|---:|---:|---:|---:|---:|")?;
    markdown_row(out, &statistics(league))?;
    let grades = grade_rows(league, rank);
    if !grades.is_empty() {
        writeln!(out)?;
        markdown_row(out, &[w.grade, w.quota, w.count, w.share].map(String::from))?;
        writeln!(out, "|---|---:|---:|---:|")?;
        for row in grades {
            markdown_row(out, &row)?;
        }
    }
    Ok(())
}

/// CSV: the league tables, one row per subject shown, every period one after another.
/// The header is always the same; `change` and `grade` are empty when there is none.
fn csv(
    leagues: &Leagues<'_>,
    rank: &RankOptions,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    if options.bom {
        out.write_all("\u{FEFF}".as_bytes())?;
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record([
        "period",
        "period_kind",
        "rank",
        "subject",
        "total",
        "band",
        "change",
        "grade",
    ])?;
    for league in leagues.iter() {
        let league = &league;
        let label = league.label();
        for standing in shown(league, rank) {
            writer.write_record([
                label.as_str(),
                league.kind.key(),
                &standing.rank.to_string(),
                &neutralise(&standing.subject),
                &fixed(standing.total, 2),
                standing.band.id(),
                &standing.change.map(|c| fixed(c, 2)).unwrap_or_default(),
                &neutralise(grade_name(rank.grades.as_ref(), standing)),
            ])?;
        }
    }
    writer.flush()?;
    Ok(())
}

fn number(d: Decimal) -> io::Result<serde_json::Number> {
    use std::str::FromStr;
    let text = fixed(d, 2);
    serde_json::Number::from_str(&text)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("number {text:?}: {e}")))
}

#[derive(Serialize)]
struct JsonRanking<'a> {
    period: Option<String>,
    period_kind: &'static str,
    subjects: usize,
    shown: usize,
    /// Always empty here: the standings are written one by one in its place.
    table: [(); 0],
    distribution: JsonDistribution,
    grades: Option<Vec<JsonGrade<'a>>>,
}

#[derive(Serialize)]
struct JsonStanding<'a> {
    rank: usize,
    subject: &'a str,
    total: serde_json::Number,
    band: &'static str,
    change: Option<serde_json::Number>,
    grade: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonDistribution {
    count: usize,
    bands: Vec<JsonBand>,
    min: serde_json::Number,
    q1: serde_json::Number,
    median: serde_json::Number,
    q3: serde_json::Number,
    max: serde_json::Number,
    mean: serde_json::Number,
}

#[derive(Serialize)]
struct JsonBand {
    band: &'static str,
    count: usize,
    share: serde_json::Number,
}

#[derive(Serialize)]
struct JsonGrade<'a> {
    grade: &'a str,
    quota: serde_json::Number,
    count: usize,
    share: serde_json::Number,
}

fn json(leagues: &Leagues<'_>, rank: &RankOptions, out: &mut dyn Write) -> io::Result<()> {
    // Written a period at a time, indented as in the whole document, so that the
    // bytes are those of `serde_json`'s pretty printer with every table in memory.
    super::json::open_array("rankings", out)?;
    let mut first = true;
    for league in leagues.iter() {
        let league = &league;
        let shown = shown(league, rank);
        let d = &league.distribution;
        let distribution = JsonDistribution {
            count: d.count,
            bands: d
                .bands
                .iter()
                .map(|(band, count, share)| {
                    Ok(JsonBand {
                        band: band.id(),
                        count: *count,
                        share: number(*share)?,
                    })
                })
                .collect::<io::Result<Vec<_>>>()?,
            min: number(d.min)?,
            q1: number(d.q1)?,
            median: number(d.median)?,
            q3: number(d.q3)?,
            max: number(d.max)?,
            mean: number(d.mean)?,
        };
        let grades = match (&rank.grades, &league.grade_counts) {
            (Some(grades), Some(counts)) => {
                let n = Decimal::from(d.count);
                Some(
                    grades
                        .0
                        .iter()
                        .zip(counts)
                        .map(|(grade, count)| {
                            let share = crate::num::div_half_up(
                                Decimal::from(*count) * Decimal::ONE_HUNDRED,
                                n,
                                2,
                            )
                            .unwrap_or_default();
                            Ok(JsonGrade {
                                grade: &grade.name,
                                quota: number(grade.share)?,
                                count: *count,
                                share: number(share)?,
                            })
                        })
                        .collect::<io::Result<Vec<_>>>()?,
                )
            }
            _ => None,
        };
        let ranking = JsonRanking {
            period: league.period.map(|p| p.to_string()),
            period_kind: league.kind.key(),
            subjects: league.standings.len(),
            shown: shown.len(),
            table: [],
            distribution,
            grades,
        };
        let text = serde_json::to_string_pretty(&ranking)?;
        // The standings go where the empty table stands, one at a time.
        match text.split_once("\n  \"table\": [],\n") {
            Some((head, tail)) if !shown.is_empty() => {
                super::json::item(head, first, 4, out)?;
                out.write_all(b"\n      \"table\": [")?;
                for (i, s) in shown.iter().enumerate() {
                    let standing = JsonStanding {
                        rank: s.rank,
                        subject: &s.subject,
                        total: number(s.total)?,
                        band: s.band.id(),
                        change: s.change.map(number).transpose()?,
                        grade: rank
                            .grades
                            .as_ref()
                            .map(|_| grade_name(rank.grades.as_ref(), s)),
                    };
                    let text = serde_json::to_string_pretty(&standing)?;
                    super::json::item(&text, i == 0, 8, out)?;
                }
                out.write_all(b"\n      ],\n")?;
                super::json::indent(tail, 4, out)?;
            }
            _ => super::json::item(&text, first, 4, out)?,
        }
        first = false;
    }
    super::json::close_array(!first, out)
}

/// HTML: one printable A4 page per period — a histogram of the totals with the band
/// thresholds, the league table with band colours, the distribution and the grades —
/// in one self-contained file (inline CSS and SVG, no script), styled as the score
/// report.
fn html(
    def: &Scorecard,
    leagues: &Leagues<'_>,
    rank: &RankOptions,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    use super::html::{STYLE, band_class, escape};
    let lang = options.lang;
    let w = rank_words(lang);
    let lang_attr = match lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    };
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"{lang_attr}\">")?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<title>{} · {}</title>",
        escape(def.title(lang)),
        w.ranking
    )?;
    // Denser than the score report, so that a period of a few dozen subjects fits its
    // A4 page.
    writeln!(
        out,
        "<style>{STYLE}svg .bar.all {{ fill: #8c959f; }}\n\
         svg.histogram {{ max-height: 42mm; }}\n\
         th, td {{ padding: 0.8mm 2mm; }} table {{ margin-bottom: 4mm; }}\n\
         h2 {{ margin-bottom: 3mm; }}</style>"
    )?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    let cells = |out: &mut dyn Write, tag: &str, cells: &[(String, &str)]| -> io::Result<()> {
        write!(out, "<tr>")?;
        for (text, class) in cells {
            if class.is_empty() {
                write!(out, "<{tag}>{}</{tag}>", escape(text))?;
            } else {
                write!(out, "<{tag} class=\"{class}\">{}</{tag}>", escape(text))?;
            }
        }
        writeln!(out, "</tr>")
    };
    for league in leagues.iter() {
        let league = &league;
        writeln!(out, "<section class=\"page\">")?;
        writeln!(out, "<h1>{}</h1>", escape(def.title(lang)))?;
        let heading = title(def, league, lang);
        let heading = heading
            .strip_prefix(def.title(lang))
            .map_or(heading.as_str(), |rest| rest.trim_start_matches(" · "));
        writeln!(out, "<h2>{}</h2>", escape(heading))?;
        histogram(def, league, lang, out)?;
        writeln!(out, "<table>")?;
        let header = league_header(league, rank, lang);
        write!(out, "<tr>")?;
        for (name, _) in &header {
            write!(out, "<th>{}</th>", escape(name))?;
        }
        writeln!(out, "</tr>")?;
        let shown = shown(league, rank);
        for standing in &shown {
            let line = league_line(league, standing, rank, lang);
            let row: Vec<(String, &str)> = line
                .into_iter()
                .zip(&header)
                .enumerate()
                .map(|(j, (text, (_, number)))| {
                    let class = if j == 3 {
                        band_class(standing.band)
                    } else if *number {
                        "num"
                    } else {
                        ""
                    };
                    (text, class)
                })
                .collect();
            cells(out, "td", &row)?;
        }
        writeln!(out, "</table>")?;
        if let Some(note) = shown_note(shown.len(), league.standings.len(), lang) {
            writeln!(out, "<p class=\"notes\">{}</p>", escape(&note))?;
        }
        writeln!(
            out,
            "<h2>{}</h2>",
            escape(&distribution_title(league.distribution.count, lang))
        )?;
        writeln!(out, "<table>")?;
        cells(
            out,
            "th",
            &[w.band, w.count, w.share].map(|h| (h.to_string(), "")),
        )?;
        for ((band, _, _), row) in league
            .distribution
            .bands
            .iter()
            .zip(band_rows(league, lang))
        {
            let [name, count, share] = row;
            cells(
                out,
                "td",
                &[(name, band_class(*band)), (count, "num"), (share, "num")],
            )?;
        }
        writeln!(out, "</table>")?;
        writeln!(out, "<table>")?;
        cells(out, "th", &w.statistics.map(|h| (h.to_string(), "")))?;
        cells(out, "td", &statistics(league).map(|v| (v, "num")))?;
        writeln!(out, "</table>")?;
        let grades = grade_rows(league, rank);
        if !grades.is_empty() {
            writeln!(out, "<table>")?;
            cells(
                out,
                "th",
                &[w.grade, w.quota, w.count, w.share].map(|h| (h.to_string(), "")),
            )?;
            for [grade, quota, count, share] in grades {
                cells(
                    out,
                    "td",
                    &[(grade, ""), (quota, "num"), (count, "num"), (share, "num")],
                )?;
            }
            writeln!(out, "</table>")?;
        }
        let generated = match lang {
            Lang::En => "Generated",
            Lang::Zh => "生成日期",
        };
        writeln!(out, "<footer>{generated} {}</footer>", options.date)?;
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

/// The totals in ten bins of ten points (the last holds 100), bars to scale, with
/// dashed lines at the band thresholds.
fn histogram(def: &Scorecard, league: &League, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    use super::html::escape;
    use rust_decimal::prelude::ToPrimitive;
    const LEFT: u32 = 30;
    const WIDTH: u32 = 500;
    const HEIGHT: u32 = 120;
    // Room above the tallest bar for its count.
    const TOP: u32 = 14;
    let mut bins = [0u64; 10];
    for standing in &league.standings {
        let bin = (standing.total / Decimal::TEN)
            .floor()
            .to_usize()
            .unwrap_or(0)
            .min(9);
        bins[bin] += 1;
    }
    let most = bins.iter().copied().max().unwrap_or(1).max(1);
    let x = |points: Decimal| -> String {
        let scaled = points * Decimal::from(WIDTH) / Decimal::ONE_HUNDRED;
        plain(crate::num::round_half_up(scaled, 2))
    };
    writeln!(
        out,
        "<svg class=\"histogram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {} {}\" role=\"img\">",
        LEFT + WIDTH + 20,
        TOP + HEIGHT + 34
    )?;
    let bin_width = WIDTH / 10;
    for (i, count) in bins.iter().enumerate() {
        let i = i as u32;
        // At most HEIGHT, so it fits a u32 again.
        let height = u32::try_from(count * u64::from(HEIGHT) / most).unwrap_or(HEIGHT);
        let left = LEFT + i * bin_width;
        if *count > 0 {
            writeln!(
                out,
                "<rect class=\"bar all\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{height}\"/>",
                left + 2,
                TOP + HEIGHT - height,
                bin_width - 4
            )?;
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{count}</text>",
                left + bin_width / 2,
                TOP + HEIGHT - height - 3
            )?;
        }
        writeln!(
            out,
            "<text x=\"{left}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            TOP + HEIGHT + 12,
            i * 10
        )?;
    }
    writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">100</text>",
        LEFT + WIDTH,
        TOP + HEIGHT + 12
    )?;
    writeln!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{axis}\" x2=\"{}\" y2=\"{axis}\"/>",
        LEFT + WIDTH,
        axis = TOP + HEIGHT
    )?;
    for points in [def.bands.meets, def.bands.exceeds, def.bands.far_exceeds] {
        writeln!(
            out,
            "<line class=\"line\" x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{}\" transform=\"translate({} 0)\"/>",
            TOP + HEIGHT,
            x(points)
        )?;
    }
    let caption = match lang {
        Lang::En => {
            "Subjects by total, in bins of 10 points; dashed lines mark the band thresholds"
        }
        Lang::Zh => "按总分分段（每段 10 分）的对象数；虚线为绩效分档线",
    };
    writeln!(
        out,
        "<text x=\"{LEFT}\" y=\"{}\">{}</text>",
        TOP + HEIGHT + 28,
        escape(caption)
    )?;
    writeln!(out, "</svg>")
}

/// Cells of a rank workbook's sheet, with the widest text of each column.
struct XlsxSheet<'w> {
    sheet: &'w mut rust_xlsxwriter::Worksheet,
    widths: Vec<usize>,
}

impl XlsxSheet<'_> {
    fn text(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &rust_xlsxwriter::Format,
    ) -> io::Result<()> {
        use unicode_width::UnicodeWidthStr;
        if let Some(width) = self.widths.get_mut(usize::from(col)) {
            *width = (*width).max(text.width());
        }
        self.sheet
            .write_string_with_format(row, col, text, format)
            .map(|_| ())
            .map_err(super::xlsx::xlsx_error)
    }

    /// A number shown with 2 places (a share with a literal `%`), kept a number.
    fn number(&mut self, row: u32, col: u16, value: Decimal, percent: bool) -> io::Result<()> {
        let shown = fixed(value, 2);
        if let Some(width) = self.widths.get_mut(usize::from(col)) {
            *width = (*width).max(shown.len() + usize::from(percent));
        }
        let format = rust_xlsxwriter::Format::new().set_num_format(if percent {
            "0.00\"%\""
        } else {
            "0.00"
        });
        self.sheet
            .write_number_with_format(row, col, super::xlsx::double(value), &format)
            .map(|_| ())
            .map_err(super::xlsx::xlsx_error)
    }

    fn count(&mut self, row: u32, col: u16, count: usize) -> io::Result<()> {
        if let Some(width) = self.widths.get_mut(usize::from(col)) {
            *width = (*width).max(count.to_string().len());
        }
        self.sheet
            .write_number(row, col, count as f64)
            .map(|_| ())
            .map_err(super::xlsx::xlsx_error)
    }

    fn header(&mut self, headers: &[String]) -> io::Result<()> {
        let bold = rust_xlsxwriter::Format::new()
            .set_bold()
            .set_background_color(rust_xlsxwriter::Color::RGB(0xF6F8FA));
        self.widths = vec![0; headers.len()];
        for (col, header) in headers.iter().enumerate() {
            self.text(0, u16::try_from(col).unwrap_or(u16::MAX), header, &bold)?;
        }
        self.sheet
            .set_freeze_panes(1, 0)
            .map(|_| ())
            .map_err(super::xlsx::xlsx_error)
    }

    fn fit(&mut self) -> io::Result<()> {
        for (col, width) in self.widths.iter().enumerate() {
            self.sheet
                .set_column_width(
                    u16::try_from(col).unwrap_or(u16::MAX),
                    (*width as f64 + 2.0).min(60.0),
                )
                .map_err(super::xlsx::xlsx_error)?;
        }
        Ok(())
    }
}

/// xlsx: the league tables on a first sheet (band cells filled in band colours), the
/// distribution of each period on a second, the grades on a third when asked for.
fn xlsx(
    leagues: &Leagues<'_>,
    rank: &RankOptions,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    use super::xlsx::{MAX_ROWS, band_fill, xlsx_error};
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let lang = options.lang;
    let w = rank_words(lang);
    let period_word = match lang {
        Lang::En => "Period",
        Lang::Zh => "期间",
    };
    let subjects_word = match lang {
        Lang::En => "Subjects",
        Lang::Zh => "对象数",
    };
    let label = |league: &League| {
        let label = league.label();
        if label.is_empty() {
            kind_word(league.kind, lang).to_string()
        } else {
            label
        }
    };
    let rows: usize = leagues.iter().map(|l| shown(&l, rank).len()).sum();
    if rows >= MAX_ROWS as usize {
        return Err(io::Error::other(format!(
            "the ranking has {rows} rows, more than an xlsx sheet holds; write csv instead"
        )));
    }
    let mut workbook = Workbook::new();
    let plain_format = CellFormat::new();
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(w.ranking).map_err(xlsx_error)?;
        let mut sheet = XlsxSheet {
            sheet,
            widths: Vec::new(),
        };
        let mut headers: Vec<String> = [period_word, w.rank, w.subject, w.total, w.band, w.change]
            .map(String::from)
            .to_vec();
        if rank.grades.is_some() {
            headers.push(w.grade.to_string());
        }
        sheet.header(&headers)?;
        let mut row = 1u32;
        for league in leagues.iter() {
            let league = &league;
            let period = label(league);
            for standing in shown(league, rank) {
                sheet.text(row, 0, &period, &plain_format)?;
                sheet.count(row, 1, standing.rank)?;
                sheet.text(row, 2, &neutralise(&standing.subject), &plain_format)?;
                sheet.number(row, 3, standing.total, false)?;
                let band = match band_fill(standing.band) {
                    Some(fill) => CellFormat::new().set_background_color(fill),
                    None => plain_format.clone(),
                };
                sheet.text(row, 4, standing.band.label(lang), &band)?;
                if let Some(change) = standing.change {
                    sheet.number(row, 5, change, false)?;
                }
                if rank.grades.is_some() {
                    let grade = grade_name(rank.grades.as_ref(), standing);
                    sheet.text(row, 6, &neutralise(grade), &plain_format)?;
                }
                row += 1;
            }
        }
        sheet.fit()?;
    }
    {
        let name = match lang {
            Lang::En => "Distribution",
            Lang::Zh => "分布",
        };
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(xlsx_error)?;
        let mut sheet = XlsxSheet {
            sheet,
            widths: Vec::new(),
        };
        let mut headers = vec![period_word.to_string(), subjects_word.to_string()];
        for band in crate::report::rank::BANDS {
            headers.push(band.label(lang).to_string());
            headers.push(format!("{} {}", band.label(lang), w.share));
        }
        headers.extend(w.statistics.map(String::from));
        sheet.header(&headers)?;
        // Each band's count is headed in the band's colour.
        for (col, band) in (2u16..).step_by(2).zip(crate::report::rank::BANDS) {
            if let Some(fill) = band_fill(band) {
                let format = CellFormat::new().set_bold().set_background_color(fill);
                sheet.text(0, col, band.label(lang), &format)?;
            }
        }
        for (row, league) in (1u32..).zip(leagues.iter()) {
            let league = &league;
            let d = &league.distribution;
            sheet.text(row, 0, &label(league), &plain_format)?;
            sheet.count(row, 1, d.count)?;
            let mut col = 2u16;
            for (_, count, share) in &d.bands {
                sheet.count(row, col, *count)?;
                sheet.number(row, col + 1, *share, true)?;
                col += 2;
            }
            for value in [d.min, d.q1, d.median, d.q3, d.max, d.mean] {
                sheet.number(row, col, value, false)?;
                col += 1;
            }
        }
        sheet.fit()?;
    }
    if let Some(grades) = &rank.grades {
        let sheet = workbook.add_worksheet();
        sheet.set_name(w.grade).map_err(xlsx_error)?;
        let mut sheet = XlsxSheet {
            sheet,
            widths: Vec::new(),
        };
        let headers = [period_word, w.grade, w.quota, w.count, w.share].map(String::from);
        sheet.header(&headers)?;
        let mut row = 1u32;
        for league in leagues.iter() {
            let league = &league;
            let counts = league.grade_counts.clone().unwrap_or_default();
            let n = Decimal::from(league.distribution.count);
            for (grade, count) in grades.0.iter().zip(counts) {
                let share =
                    crate::num::div_half_up(Decimal::from(count) * Decimal::ONE_HUNDRED, n, 2)
                        .unwrap_or_default();
                sheet.text(row, 0, &label(league), &plain_format)?;
                sheet.text(row, 1, &neutralise(&grade.name), &plain_format)?;
                sheet.number(row, 2, grade.share, true)?;
                sheet.count(row, 3, count)?;
                sheet.number(row, 4, share, true)?;
                row += 1;
            }
        }
        sheet.fit()?;
    }
    let mut file = tempfile::tempfile()?;
    workbook.save_to_writer(&mut file).map_err(xlsx_error)?;
    io::Seek::rewind(&mut file)?;
    io::copy(&mut file, out)?;
    Ok(())
}
