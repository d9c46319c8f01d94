//! The output format, settled once before any work: `--format`, else the extension of
//! `--output`, else a table. An extension that names no format kpi writes, or one
//! that contradicts `--format`, is a usage error in clap's own form (exit 2).

use std::path::Path;

use clap::CommandFactory;
use clap::error::ErrorKind;

use crate::app::args::{Cli, FormatArg, OutputArgs};
use kpi::model::Lang;

/// Why `--format` and `--output` do not settle a format.
#[derive(Debug, PartialEq, Eq)]
pub enum FormatProblem {
    /// No `--format`, and the extension (as written) is not one of kpi's formats.
    UnknownExtension(String),
    /// `--format` says one format, the extension (as written) another.
    Contradiction {
        format: FormatArg,
        extension: String,
        means: FormatArg,
    },
}

/// The format an extension stands for, in any case (`R.XLSX`).
pub fn format_of_extension(extension: &str) -> Option<FormatArg> {
    Some(match extension.to_ascii_lowercase().as_str() {
        "txt" => FormatArg::Table,
        "csv" => FormatArg::Csv,
        "json" => FormatArg::Json,
        "md" | "markdown" => FormatArg::Markdown,
        "html" | "htm" => FormatArg::Html,
        "xlsx" => FormatArg::Xlsx,
        _ => return None,
    })
}

/// `--format`, else what the extension of `--output` stands for, else a table. With
/// `--format`, an extension that is none of kpi's is taken as the user wrote it
/// (`-f csv -o data.dat`); without, it is refused rather than guessed at. A path
/// without an extension (`/dev/stdout`, a FIFO) is a table unless `--format` says.
pub fn choose(
    format: Option<FormatArg>,
    output: Option<&Path>,
) -> Result<FormatArg, FormatProblem> {
    let extension = output
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().into_owned());
    match (format, extension) {
        (Some(format), Some(extension)) => match format_of_extension(&extension) {
            Some(means) if means != format => Err(FormatProblem::Contradiction {
                format,
                extension,
                means,
            }),
            _ => Ok(format),
        },
        (Some(format), None) => Ok(format),
        (None, Some(extension)) => {
            format_of_extension(&extension).ok_or(FormatProblem::UnknownExtension(extension))
        }
        (None, None) => Ok(FormatArg::Table),
    }
}

/// The format of `kpi <command>`'s output, or the usage error that says why there is
/// none, as clap words and exits with its own (`error: …`, the usage line, exit 2).
pub fn output_format(
    out: &OutputArgs,
    command: &str,
    lang: Lang,
) -> Result<FormatArg, clap::Error> {
    let problem = match choose(out.format, out.output.as_deref()) {
        Ok(format) => return Ok(format),
        Err(problem) => problem,
    };
    let output = out
        .output
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let (kind, message) = match problem {
        FormatProblem::UnknownExtension(extension) => (
            ErrorKind::InvalidValue,
            match lang {
                Lang::En => format!(
                    "kpi does not write .{extension} files (--output {output})\n\n  \
                     tip: kpi writes .xlsx, .html or .htm, .json, .csv, .md or .markdown, \
                     and .txt (a table); name the file with one of these, or choose the \
                     format with --format table|csv|json|markdown|html|xlsx"
                ),
                Lang::Zh => format!(
                    "kpi 不写 .{extension} 文件（--output {output}）\n\n  \
                     tip: kpi 写 .xlsx、.html 或 .htm、.json、.csv、.md 或 .markdown、\
                     .txt（表格）；请用其中一个扩展名，或用 \
                     --format table|csv|json|markdown|html|xlsx 指定格式"
                ),
            },
        ),
        FormatProblem::Contradiction {
            format,
            extension,
            means,
        } => {
            let wanted = extension_of(format);
            let (written, meant) = (in_words(format, lang), in_words(means, lang));
            let (format, means) = (name(format), name(means));
            (
                ErrorKind::ArgumentConflict,
                match lang {
                    Lang::En => format!(
                        "--format {format} contradicts --output {output}, whose extension \
                         .{extension} means {means}\n\n  \
                         tip: leave out --format to write {meant}, or name the file .{wanted} \
                         for {written}"
                    ),
                    Lang::Zh => format!(
                        "--format {format} 与 --output {output} 的扩展名 .{extension}（即 \
                         {means}）矛盾\n\n  \
                         tip: 去掉 --format 则写 {meant}；要写 {written}，请把文件名改为 .{wanted}"
                    ),
                },
            )
        }
    };
    Err(usage(command, kind, message))
}

/// A usage error of `kpi <command>`, with that command's usage line.
pub fn usage(command: &str, kind: ErrorKind, message: String) -> clap::Error {
    let mut cli = Cli::command();
    cli.build();
    match cli.find_subcommand_mut(command) {
        Some(sub) => sub.error(kind, message),
        None => cli.error(kind, message),
    }
}

/// The format's name, as `--format` takes it.
fn name(format: FormatArg) -> &'static str {
    match format {
        FormatArg::Table => "table",
        FormatArg::Csv => "csv",
        FormatArg::Json => "json",
        FormatArg::Markdown => "markdown",
        FormatArg::Html => "html",
        FormatArg::Xlsx => "xlsx",
    }
}

/// The format in a sentence: `a table`, `csv`.
fn in_words(format: FormatArg, lang: Lang) -> &'static str {
    match (format, lang) {
        (FormatArg::Table, Lang::En) => "a table",
        (FormatArg::Table, Lang::Zh) => "表格",
        (other, _) => name(other),
    }
}

/// The extension a file of the format has.
fn extension_of(format: FormatArg) -> &'static str {
    match format {
        FormatArg::Table => "txt",
        FormatArg::Markdown => "md",
        other => name(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(format: Option<FormatArg>, output: &str) -> Result<FormatArg, FormatProblem> {
        choose(format, Some(Path::new(output)))
    }

    #[test]
    fn each_extension_chooses_its_format_in_any_case() {
        for (output, format) in [
            ("r.xlsx", FormatArg::Xlsx),
            ("R.XLSX", FormatArg::Xlsx),
            ("dir.d/r.html", FormatArg::Html),
            ("r.htm", FormatArg::Html),
            ("r.Json", FormatArg::Json),
            ("r.csv", FormatArg::Csv),
            ("r.md", FormatArg::Markdown),
            ("r.markdown", FormatArg::Markdown),
            ("r.txt", FormatArg::Table),
            ("no-extension", FormatArg::Table),
            ("/dev/null", FormatArg::Table),
            (".csv", FormatArg::Table),
        ] {
            assert_eq!(chosen(None, output), Ok(format), "{output}");
        }
        assert_eq!(choose(None, None), Ok(FormatArg::Table));
    }

    #[test]
    fn other_extensions_are_refused_without_format() {
        for output in [
            "r.xls", "r.ods", "r.pdf", "r.docx", "r.tsv", "r.xlsm", "r.et", "r.csv.gz",
        ] {
            assert!(
                matches!(
                    chosen(None, output),
                    Err(FormatProblem::UnknownExtension(_))
                ),
                "{output}"
            );
        }
    }

    #[test]
    fn format_must_agree_with_a_known_extension_and_wins_over_others() {
        assert_eq!(
            chosen(Some(FormatArg::Csv), "r.xlsx"),
            Err(FormatProblem::Contradiction {
                format: FormatArg::Csv,
                extension: "xlsx".into(),
                means: FormatArg::Xlsx
            })
        );
        assert!(chosen(Some(FormatArg::Csv), "r.txt").is_err());
        assert_eq!(chosen(Some(FormatArg::Xlsx), "R.XLSX"), Ok(FormatArg::Xlsx));
        assert_eq!(chosen(Some(FormatArg::Csv), "r.dat"), Ok(FormatArg::Csv));
        assert_eq!(chosen(Some(FormatArg::Json), "out"), Ok(FormatArg::Json));
    }
}
