//! `kpi template`: the data-entry form for the scorecard in force — one row per
//! subject, period and assessed indicator, with its unit and target and an empty
//! actual cell — as CSV (UTF-8 with a byte order mark, or GB18030) or as a workbook,
//! for people who fill it in with Excel or WPS and score it with `kpi score`.

use std::io::{self, Read};
use std::path::Path;

use clap::error::ErrorKind;

use super::format::{self, FormatProblem};
use super::output::Output;
use super::{
    EXIT_INVALID, EXIT_OK, EXIT_USAGE, lang_of, print_diagnostics, say, stderr_is_terminal,
    usage_error,
};
use crate::app::args::{FormPeriod, FormatArg, TemplateArgs, TemplateEncoding, TemplateFormat};
use kpi::diag::Diagnostic;
use kpi::model::{Lang, PeriodKind};
use kpi::period::Period;
use kpi::read::rows::read_error;
use kpi::report::render::template::{self as render, CsvEncoding, MAX_FORM_ROWS};
use kpi::report::template::{Form, periods_of};

pub fn run(args: &TemplateArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.lang);
    let format = choose_format(args, lang)?;
    let periods = periods(args, lang)?;
    if format == TemplateFormat::Xlsx {
        if args.output.is_none() {
            usage_error(
                lang,
                say(
                    lang,
                    "an xlsx form is a file; give it with --output PATH",
                    "xlsx 表格是一个文件，请用 --output PATH 指定",
                )
                .into(),
                None,
            );
            return Ok(EXIT_USAGE);
        }
        if args.encoding.is_some() || args.no_bom {
            return Err(usage(
                ErrorKind::ArgumentConflict,
                say(
                    lang,
                    "--encoding and --no-bom are for a CSV form, not xlsx",
                    "--encoding 和 --no-bom 只用于 CSV 表格，不用于 xlsx",
                )
                .into(),
            )
            .into());
        }
    }
    if args.encoding == Some(TemplateEncoding::Gb18030) && args.no_bom {
        return Err(usage(
            ErrorKind::ArgumentConflict,
            say(
                lang,
                "--no-bom is for UTF-8: a GB18030 form has no byte order mark",
                "--no-bom 只用于 UTF-8：GB18030 表格本来没有字节顺序标记",
            )
            .into(),
        )
        .into());
    }
    if let Some(path) = &args.output
        && !args.force
        && std::fs::metadata(path).is_ok_and(|m| m.is_file())
    {
        usage_error(
            lang,
            format!("{} {}", path.display(), say(lang, "already exists", "已存在")),
            Some(
                say(
                    lang,
                    "it may be a form already filled in: use --force to replace it, or give another path",
                    "它可能是已填好的表格：加 --force 覆盖，或换一个路径",
                )
                .into(),
            ),
        );
        return Ok(EXIT_INVALID);
    }
    // Opened before any work, so that an output that cannot be written is said at once.
    let out = Output::open(args.output.as_deref())?;
    // The targets file is read as a data file is, its encoding detected (this
    // command's --encoding is the form's).
    let reading = super::TargetsReading::default();
    let Some(definition) =
        super::definition_or_print(args.config.as_deref(), args.targets.as_deref(), &reading)?
    else {
        out.abandon();
        return Ok(EXIT_INVALID);
    };
    let def = &definition.def;
    let mut subjects = args.subjects.clone();
    if let Some(file) = &args.subjects_file {
        match subjects_in(file) {
            Ok(more) => subjects.extend(more),
            Err(problem) => {
                out.abandon();
                print_diagnostics(&mut io::stderr(), &[*problem], stderr_is_terminal())?;
                return Ok(EXIT_INVALID);
            }
        }
    }
    let form = Form::new(def, &subjects, &periods).with_targets(definition.targets.as_ref());
    if form.is_empty() {
        out.abandon();
        let kinds: Vec<&str> = form
            .kinds()
            .into_iter()
            .map(|k| render::kind_word(k, lang))
            .collect();
        usage_error(
            lang,
            match lang {
                Lang::En => format!(
                    "the form would be empty: no indicator has a target for a {}",
                    kinds.join(", ")
                ),
                Lang::Zh => format!("表格为空：没有指标设有{}目标", kinds.join("、")),
            },
            Some(
                say(
                    lang,
                    "choose periods of a kind the scorecard assesses (kpi targets shows them)",
                    "请选择考核表设有目标的期间（kpi targets 可查看）",
                )
                .into(),
            ),
        );
        return Ok(EXIT_INVALID);
    }
    if format == TemplateFormat::Xlsx && form.len() > MAX_FORM_ROWS {
        out.abandon();
        usage_error(
            lang,
            format!(
                "{} {} {} {MAX_FORM_ROWS}",
                say(lang, "the form would have", "表格将有"),
                form.len(),
                say(
                    lang,
                    "rows; a sheet holds at most",
                    "行；一张工作表最多容纳",
                ),
            ),
            Some(
                say(
                    lang,
                    "write CSV, or make several forms with fewer subjects or periods",
                    "请写成 CSV，或按较少的考核对象或期间分成几份表格",
                )
                .into(),
            ),
        );
        return Ok(EXIT_USAGE);
    }
    let mut out = out;
    let written = match format {
        TemplateFormat::Csv => {
            let encoding = match args.encoding {
                Some(TemplateEncoding::Gb18030) => CsvEncoding::Gb18030,
                _ => CsvEncoding::Utf8 { bom: !args.no_bom },
            };
            render::csv(&form, lang, encoding, &mut out)
        }
        TemplateFormat::Xlsx => render::xlsx(&form, lang, &mut out),
    };
    if let Err(e) = written {
        out.abandon();
        return Err(e.into());
    }
    out.finish()?;
    if let Some(path) = &args.output {
        eprintln!("{}", wrote(path, &form, lang));
    }
    Ok(EXIT_OK)
}

/// `wrote form.xlsx: 9 rows (1 subject, 1 period); fill in the actual column`.
fn wrote(path: &Path, form: &Form<'_>, lang: Lang) -> String {
    let (rows, subjects, periods) = (form.len(), form.subjects.len(), form.periods.len());
    let path = path.display();
    match lang {
        Lang::En => {
            let s = |n: usize, one: &str, many: &str| {
                format!("{n} {}", if n == 1 { one } else { many })
            };
            let mut what = Vec::new();
            if subjects > 0 {
                what.push(s(subjects, "subject", "subjects"));
            }
            what.push(s(periods, "period", "periods"));
            format!(
                "wrote {path}: {} ({}); fill in the actual column, then kpi score {path}",
                s(rows, "row", "rows"),
                what.join(", ")
            )
        }
        Lang::Zh => {
            let mut what = Vec::new();
            if subjects > 0 {
                what.push(format!("{subjects} 个考核对象"));
            }
            what.push(format!("{periods} 个期间"));
            format!(
                "已写入 {path}：{rows} 行（{}）；填好“实际”列后运行 kpi score {path}",
                what.join("，")
            )
        }
    }
}

/// The periods the command line asks for: labels, or with `--year` every period of
/// the kinds named.
fn periods(args: &TemplateArgs, lang: Lang) -> Result<Vec<Period>, clap::Error> {
    let labels: Vec<Period> = args
        .period
        .iter()
        .filter_map(|p| match p {
            FormPeriod::Label(period) => Some(*period),
            FormPeriod::Kind(_) => None,
        })
        .collect();
    let kinds: Vec<PeriodKind> = args
        .period
        .iter()
        .filter_map(|p| match p {
            FormPeriod::Kind(kind) => Some(*kind),
            FormPeriod::Label(_) => None,
        })
        .collect();
    match (args.year, labels.first(), kinds.first()) {
        (Some(year), None, Some(_)) => {
            Ok(kinds.iter().flat_map(|&k| periods_of(k, year)).collect())
        }
        (Some(_), Some(label), _) => Err(usage(
            ErrorKind::ArgumentConflict,
            match lang {
                Lang::En => format!(
                    "--year goes with a kind of period, and {label} is one period already\n\n  \
                     tip: leave out --year, or ask for every period of a kind: \
                     --period month --year 2026"
                ),
                Lang::Zh => format!(
                    "--year 只与期间类型连用，{label} 已是一个期间\n\n  \
                     tip: 去掉 --year，或按类型列出全年各期：--period month --year 2026"
                ),
            },
        )),
        (None, _, Some(kind)) => Err(usage(
            ErrorKind::MissingRequiredArgument,
            match lang {
                Lang::En => format!(
                    "--period {kind} needs --year: every {kind} of which year?\n\n  \
                     tip: --period {kind} --year 2026, or one period such as --period 2026-11"
                ),
                Lang::Zh => format!(
                    "--period {kind} 需要 --year：哪一年的各期？\n\n  \
                     tip: --period {kind} --year 2026，或只要一个期间，如 --period 2026-11"
                ),
            },
        )),
        _ => Ok(labels),
    }
}

/// `--format`, else the extension of `--output`, else CSV. Only csv and xlsx are
/// forms: any other extension kpi knows, or none it knows, is a usage error.
fn choose_format(args: &TemplateArgs, lang: Lang) -> Result<TemplateFormat, clap::Error> {
    let given = args.format.map(|f| match f {
        TemplateFormat::Csv => FormatArg::Csv,
        TemplateFormat::Xlsx => FormatArg::Xlsx,
    });
    let output = args.output.as_deref();
    let has_extension = output.and_then(Path::extension).is_some();
    let shown = output.map(|p| p.display().to_string()).unwrap_or_default();
    match format::choose(given, output) {
        Ok(FormatArg::Csv) => Ok(TemplateFormat::Csv),
        Ok(FormatArg::Xlsx) => Ok(TemplateFormat::Xlsx),
        // No format named anywhere: a path without an extension, or standard output.
        Ok(FormatArg::Table) if !has_extension => Ok(TemplateFormat::Csv),
        Ok(_) | Err(FormatProblem::UnknownExtension(_)) => Err(usage(
            ErrorKind::InvalidValue,
            match lang {
                Lang::En => format!(
                    "a form is a .csv or .xlsx file, not {shown}\n\n  \
                     tip: name it .xlsx (for Excel or WPS) or .csv, or choose with --format csv|xlsx"
                ),
                Lang::Zh => format!(
                    "表格须是 .csv 或 .xlsx 文件，而非 {shown}\n\n  \
                     tip: 文件名用 .xlsx（Excel 或 WPS）或 .csv，或用 --format csv|xlsx 指定"
                ),
            },
        )),
        Err(FormatProblem::Contradiction { extension, .. }) => {
            let format = args.format.map_or("", |f| match f {
                TemplateFormat::Csv => "csv",
                TemplateFormat::Xlsx => "xlsx",
            });
            Err(usage(
                ErrorKind::ArgumentConflict,
                match lang {
                    Lang::En => format!(
                        "--format {format} contradicts --output {shown}, whose extension is .{extension}\n\n  \
                         tip: name the file .{format}, or leave out --format"
                    ),
                    Lang::Zh => format!(
                        "--format {format} 与 --output {shown} 的扩展名 .{extension} 矛盾\n\n  \
                         tip: 把文件名改为 .{format}，或去掉 --format"
                    ),
                },
            ))
        }
    }
}

/// A usage error of `kpi template`, laid out by clap.
fn usage(kind: ErrorKind, message: String) -> clap::Error {
    format::usage("template", kind, message)
}

/// The subjects named in `file`, one a line, trimmed, blank lines skipped; `-` is
/// standard input.
fn subjects_in(file: &str) -> Result<Vec<String>, Box<Diagnostic>> {
    let mut bytes = Vec::new();
    let read = if file == "-" {
        io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    let name = if file == "-" { "<stdin>" } else { file };
    read.map_err(|e| Box::new(read_error(name, &e)))?;
    let (text, _) = kpi::read::encoding::decode(&bytes, None).map_err(|e| {
        Box::new(
            Diagnostic::error(
                name,
                e.line,
                e.col,
                format!("a byte sequence that is not {}", e.encoding.name()),
            )
            .with_hint(Some("save the list of subjects as UTF-8".into())),
        )
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::args::{parse_form_period as parse_period, parse_subject};

    #[test]
    fn a_period_is_a_label_or_a_kind() {
        assert_eq!(
            parse_period("2026年11月"),
            Ok(FormPeriod::Label(
                Period::parse("2026-11").expect("a label")
            ))
        );
        assert_eq!(
            parse_period("季度"),
            Ok(FormPeriod::Kind(PeriodKind::Quarter))
        );
        assert_eq!(parse_period("q"), Ok(FormPeriod::Kind(PeriodKind::Quarter)));
        assert!(parse_period("2026-13").is_err());
        assert!(parse_period("week").is_err());
    }

    #[test]
    fn a_subject_has_a_name() {
        assert_eq!(parse_subject("  North office "), Ok("North office".into()));
        assert!(parse_subject("  ").is_err());
    }
}
