//! `kpi targets`: print the active scorecard definition, or one subject's
//! thresholds from the targets file in force (`--subject`).

use std::io::{self, Write};

use super::{
    EXIT_INVALID, EXIT_OK, EXIT_USAGE, definition_or_print, lang_of, print_diagnostics, say,
    stderr_is_terminal, terminal_width, usage_error,
};
use crate::app::args::TargetsArgs;
use kpi::diag::{Diagnostic, did_you_mean, quoted};
use kpi::report::render::targets;

pub fn run(args: &TargetsArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.lang);
    let reading = super::TargetsReading {
        encoding: args.encoding,
        delimiter: args.delimiter,
        ignore_unknown: args.ignore_unknown,
    };
    let Some(definition) =
        definition_or_print(args.config.as_deref(), args.targets.as_deref(), &reading)?
    else {
        return Ok(EXIT_INVALID);
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let width = terminal_width(true);
    match (&args.subject, &definition.targets) {
        (None, _) => targets::write(&definition.def, lang, width, &mut out)?,
        (Some(_), None) => {
            usage_error(
                lang,
                say(
                    lang,
                    "--subject shows a subject's thresholds from a targets file, and none is in force",
                    "--subject 显示目标文件中某一对象的阈值，但没有目标文件",
                )
                .into(),
                Some(
                    say(
                        lang,
                        "give one with --targets FILE, or targets = \"FILE\" under [scorecard] in kpi.toml",
                        "用 --targets FILE 指定，或在 kpi.toml 的 [scorecard] 下写 targets = \"FILE\"",
                    )
                    .into(),
                ),
            );
            return Ok(EXIT_USAGE);
        }
        (Some(subject), Some(file)) => match file.card_of(&definition.def, subject.trim()) {
            Some(card) => {
                let subject = subject.trim();
                let exceptions = file.exceptions(&definition.def, subject);
                targets::write_subject(&card, subject, &exceptions, lang, width, &mut out)?;
            }
            None => {
                // A subject differing only in case is the likeliest slip.
                let lower = subject.to_lowercase();
                let hint = file
                    .subjects()
                    .find(|s| s.to_lowercase() == lower)
                    .or_else(|| did_you_mean(subject, file.subjects()))
                    .map(|s| format!("did you mean {}?", quoted(s)))
                    .unwrap_or_else(|| {
                        "subjects match exactly, case and all; without a row of its own a subject has the card's thresholds (kpi targets)".into()
                    });
                let problem = Diagnostic::error(
                    file.file(),
                    0,
                    0,
                    format!(
                        "no row of the targets file is for subject {}",
                        quoted(subject)
                    ),
                )
                .with_hint(Some(hint));
                print_diagnostics(&mut io::stderr(), &[problem], stderr_is_terminal())?;
                return Ok(EXIT_INVALID);
            }
        },
    }
    out.flush()?;
    Ok(EXIT_OK)
}
