//! `kpi check`: validate the definition and the data files, report every problem, and
//! end with a one-line summary (or, with `--format json`, a JSON document).

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use super::{
    EXIT_INVALID, EXIT_OK, begin, files_read, load_definition, print_diagnostics, with_snippets,
};
use crate::app::args::{CheckArgs, CheckFormat};
use kpi::diag::{Diagnostic, Severity, quoted};
use kpi::pipeline::{self, Discard};
use kpi::targets::SubjectTargets;

pub fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    let input = &args.input;
    let with_targets = usize::from(input.targets.is_some());
    let (mut diagnostics, files) = match load_definition(
        input.config.as_deref(),
        input.targets.as_deref(),
        &super::TargetsReading::of(input),
    ) {
        Ok(mut definition) => {
            let warnings = std::mem::take(&mut definition.warnings);
            let (inputs, settings, progress) = begin(&definition, input, false);
            let data_files = inputs.len();
            let outcome = pipeline::run(&settings, inputs, &mut Discard)?;
            drop(progress);
            let mut diagnostics = warnings;
            if let Some(targets) = &definition.targets
                && data_files > 0
            {
                diagnostics.extend(unmentioned(targets, &outcome.subjects));
            }
            diagnostics.extend(outcome.diagnostics);
            let files = files_read(data_files, &definition.name)
                + usize::from(definition.targets.is_some());
            (diagnostics, files)
        }
        Err(diagnostics) => (diagnostics, 1 + with_targets + input.files.len()),
    };
    let files = files.max(1);
    super::strictly(&mut diagnostics, args.strict);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    if terminal {
        with_snippets(&mut diagnostics, &args.input);
    }
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        CheckFormat::Text => {
            print_diagnostics(&mut out, &diagnostics, terminal)?;
            writeln!(
                out,
                "{}",
                summary(super::detect_lang(), errors, warnings, files)
            )?;
        }
        CheckFormat::Json => write_json(&mut out, &diagnostics, errors, warnings, files)?,
    }
    out.flush()?;
    let failed = errors > 0;
    Ok(if failed { EXIT_INVALID } else { EXIT_OK })
}

/// Subjects of the targets file that no data file mentions: one warning listing
/// them (SPEC §2.4).
fn unmentioned(targets: &SubjectTargets, seen: &[bool]) -> Option<Diagnostic> {
    const SHOWN: usize = 10;
    let names: Vec<&str> = targets
        .subjects()
        .zip(seen)
        .filter(|(_, seen)| !**seen)
        .map(|(name, _)| name)
        .collect();
    if names.is_empty() {
        return None;
    }
    let mut listed: Vec<String> = names.iter().take(SHOWN).map(|n| quoted(n)).collect();
    if names.len() > SHOWN {
        listed.push(format!("and {} more", names.len() - SHOWN));
    }
    let what = if names.len() == 1 {
        "subject"
    } else {
        "subjects"
    };
    Some(
        Diagnostic::warning(
            targets.file(),
            0,
            0,
            format!(
                "{} {what} of the targets file {} in no data file: {}",
                names.len(),
                if names.len() == 1 { "is" } else { "are" },
                listed.join(", ")
            ),
        )
        .with_hint(Some(
            "check the subjects' spelling (they match exactly, case and all), or the data files given".into(),
        )),
    )
}

/// `2 errors, 1 warning in 3 files`, or `3 个文件：2 个错误，1 个警告`.
pub fn summary(lang: kpi::model::Lang, errors: usize, warnings: usize, files: usize) -> String {
    if lang == kpi::model::Lang::Zh {
        return format!("{files} 个文件：{errors} 个错误，{warnings} 个警告");
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files, "file")
    )
}

#[derive(Serialize)]
struct Report<'a> {
    diagnostics: Vec<Entry<'a>>,
    errors: usize,
    warnings: usize,
    files: usize,
}

#[derive(Serialize)]
struct Entry<'a> {
    severity: &'static str,
    path: &'a str,
    /// 1-based; `null` when the problem is the whole file's.
    line: Option<usize>,
    column: Option<usize>,
    /// For a spreadsheet: the sheet and cell, such as `Sheet1!C7`.
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<&'a str>,
    message: &'a str,
    hint: Option<&'a str>,
}

fn write_json(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    errors: usize,
    warnings: usize,
    files: usize,
) -> io::Result<()> {
    let report = Report {
        diagnostics: diagnostics
            .iter()
            .map(|d| Entry {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                path: &d.path,
                line: (d.line > 0).then_some(d.line),
                column: (d.line > 0).then_some(d.col),
                cell: d.cell.as_deref(),
                message: &d.message,
                hint: d.hint.as_deref(),
            })
            .collect(),
        errors,
        warnings,
        files,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
