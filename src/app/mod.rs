//! The binary's commands: arguments resolved once into settings, the pipeline run,
//! output written. The only code that reads the environment and the terminal.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::app::args::{Cli, Command, InputArgs, MissingArg, PeriodChoice};
use kpi::cards::RollUp;
use kpi::diag::Diagnostic;
use kpi::model::{Lang, Scorecard};
use kpi::pipeline::{DEFAULT_MEMORY, Input, Settings};
use kpi::read::config;
use kpi::read::encoding::Encoding;
use kpi::read::rows::{ReadOptions, read_error};
use kpi::score::MissingPolicy;
use kpi::targets::SubjectTargets;

pub mod args;
pub mod check;
pub mod format;
pub mod init;
pub mod output;
pub mod progress;
pub mod rank;
pub mod score;
pub mod shell;
pub mod targets;
pub mod template;
pub mod trend;

/// Exit statuses (SPEC §8).
pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_FAIL_UNDER: i32 = 3;

pub fn run(cli: Cli) -> i32 {
    output::remove_on_interrupt();
    let result = match cli.command {
        Command::Score(args) => score::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Targets(args) => targets::run(&args),
        Command::Trend(args) => trend::run(&args),
        Command::Template(args) => template::run(&args),
        Command::Rank(args) => rank::run(&args),
        Command::Completions(args) => shell::completions(args.shell),
        Command::Man(args) => shell::man(&args),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`kpi score … | head -1`) is the reader's choice, not an error.
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) => match e.downcast::<clap::Error>() {
            // Usage errors found while settling the settings are worded and printed
            // as clap's own.
            Ok(usage) => {
                let _ = usage.print();
                EXIT_USAGE
            }
            Err(e) => {
                usage_error(detect_lang(), format!("{e:#}"), None);
                EXIT_INVALID
            }
        },
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(caused_by_broken_pipe)
}

/// Whether an error is, or wraps, a broken pipe: writers wrap I/O errors in their own.
fn caused_by_broken_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(io) = error.downcast_ref::<io::Error>() {
        if io.kind() == io::ErrorKind::BrokenPipe {
            return true;
        }
        if let Some(inner) = io.get_ref() {
            return caused_by_broken_pipe(inner);
        }
    }
    if let Some(csv) = error.downcast_ref::<csv::Error>()
        && let csv::ErrorKind::Io(io) = csv.kind()
    {
        return io.kind() == io::ErrorKind::BrokenPipe;
    }
    error.source().is_some_and(caused_by_broken_pipe)
}

/// The scorecard definition in force (SPEC §2.1), with the name messages use for it.
pub fn load_config(explicit: Option<&Path>) -> Result<(Scorecard, String), Vec<Diagnostic>> {
    let from_env = std::env::var_os("KPI_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let local = Path::new("kpi.toml");
    let named = explicit
        .map(|path| (path.to_path_buf(), ConfigSource::Flag))
        .or(from_env.map(|path| (path, ConfigSource::Environment)))
        .or_else(|| {
            local
                .is_file()
                .then(|| (local.to_path_buf(), ConfigSource::CurrentFolder))
        });
    let Some((path, source)) = named else {
        return config::parse(config::BUILTIN, config::BUILTIN_NAME)
            .map(|def| (def, config::BUILTIN_NAME.to_string()));
    };
    let name = path.display().to_string();
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                return Err(vec![
                    Diagnostic::error(
                        &name,
                        line,
                        1,
                        "the scorecard definition is not valid UTF-8",
                    )
                    .with_hint(Some("save kpi.toml as UTF-8".into())),
                ]);
            }
        },
        Err(e) => return Err(vec![source.named(read_error(&name, &e))]),
    };
    config::parse(&text, &name).map(|def| (def, name))
}

/// Where the path of the scorecard definition came from, so that a path that leads
/// nowhere says who named it: an old `export KPI_CONFIG=…` is easily forgotten.
#[derive(Clone, Copy)]
enum ConfigSource {
    Flag,
    Environment,
    CurrentFolder,
}

impl ConfigSource {
    /// `problem` (the definition could not be read), saying where its path came from.
    fn named(self, mut problem: Diagnostic) -> Diagnostic {
        match self {
            ConfigSource::Flag => problem.message.push_str(" (named by --config)"),
            ConfigSource::Environment => {
                problem.message.push_str(" (named by $KPI_CONFIG)");
                problem.hint = Some(
                    "fix $KPI_CONFIG, or unset it (unset KPI_CONFIG) to use ./kpi.toml or \
                     the built-in scorecard"
                        .into(),
                );
            }
            ConfigSource::CurrentFolder => {}
        }
        problem
    }
}

/// `--encoding`, as the reader names it.
fn encoding_of(input: &InputArgs) -> Option<Encoding> {
    input.encoding
}

/// What a run scores against: the scorecard, and the targets per subject in force.
pub struct Definition {
    pub def: Scorecard,
    /// The scorecard's name in messages.
    pub name: String,
    pub targets: Option<SubjectTargets>,
    /// Warnings about the targets file (a sheet other than the first read, …).
    pub warnings: Vec<Diagnostic>,
}

/// The scorecard in force and the targets file in force: `--targets`, else
/// `targets` under `[scorecard]`, a path relative to the kpi.toml that names it
/// (SPEC §2.4). Any problem in either stops the run, as a config problem does.
pub fn load_definition(
    config: Option<&Path>,
    targets: Option<&Path>,
    reading: &TargetsReading,
) -> Result<Definition, Vec<Diagnostic>> {
    let (def, name) = load_config(config)?;
    let path = match (targets, &def.targets) {
        (Some(path), _) => Some(path.to_path_buf()),
        (None, Some(written)) => {
            let folder = Path::new(&name).parent().unwrap_or(Path::new(""));
            Some(folder.join(written))
        }
        (None, None) => None,
    };
    let Some(path) = path else {
        return Ok(Definition {
            def,
            name,
            targets: None,
            warnings: Vec::new(),
        });
    };
    let file = path.display().to_string();
    if file == "-" {
        return Err(vec![
            Diagnostic::error(
                &file,
                0,
                0,
                "a targets file is read from a file, not from standard input",
            )
            .with_hint(Some("save it and name it: --targets targets.csv".into())),
        ]);
    }
    let options = ReadOptions {
        encoding: reading.encoding,
        delimiter: reading.delimiter,
        ignore_unknown: reading.ignore_unknown,
        lang: detect_lang(),
        ..ReadOptions::default()
    };
    let mut open =
        || -> io::Result<Box<dyn io::Read>> { Ok(Box::new(std::fs::File::open(&path)?)) };
    let read = kpi::read::targets::read(&def, &file, &mut open, &options);
    match read.targets {
        Some(targets) => Ok(Definition {
            def,
            name,
            targets: Some(targets),
            warnings: read.diagnostics,
        }),
        None => {
            let mut diagnostics = read.diagnostics;
            if targets.is_none() {
                for d in &mut diagnostics {
                    if d.line == 0 && d.is_error() {
                        d.message
                            .push_str(&format!(" (named by `targets` in {name})"));
                    }
                }
            }
            Err(diagnostics)
        }
    }
}

/// How a targets file is read: as the data files are (`--encoding`, `--delimiter`,
/// `--ignore-unknown`).
#[derive(Clone, Copy, Debug, Default)]
pub struct TargetsReading {
    pub encoding: Option<Encoding>,
    pub delimiter: Option<u8>,
    pub ignore_unknown: bool,
}

impl TargetsReading {
    pub fn of(input: &InputArgs) -> TargetsReading {
        TargetsReading {
            encoding: encoding_of(input),
            delimiter: input.delimiter,
            ignore_unknown: input.ignore_unknown,
        }
    }
}

/// The definition in force, or its problems printed on standard error; its
/// warnings are printed too.
pub fn definition_or_report(input: &InputArgs) -> io::Result<Option<Definition>> {
    let reading = TargetsReading::of(input);
    match load_definition(input.config.as_deref(), input.targets.as_deref(), &reading) {
        Ok(mut definition) => {
            let warnings = std::mem::take(&mut definition.warnings);
            if !warnings.is_empty() {
                report_problems(warnings, input)?;
            }
            Ok(Some(definition))
        }
        Err(diagnostics) => {
            report_problems(diagnostics, input)?;
            Ok(None)
        }
    }
}

/// `load_definition` for the commands without data files (`targets`, `template`):
/// its warnings printed, or its problems printed and `None`.
pub fn definition_or_print(
    config: Option<&Path>,
    targets: Option<&Path>,
    reading: &TargetsReading,
) -> io::Result<Option<Definition>> {
    let (definition, shown) = match load_definition(config, targets, reading) {
        Ok(mut definition) => {
            let warnings = std::mem::take(&mut definition.warnings);
            (Some(definition), warnings)
        }
        Err(diagnostics) => (None, diagnostics),
    };
    print_diagnostics(&mut io::stderr(), &shown, stderr_is_terminal())?;
    Ok(definition)
}

/// `html` and `xlsx` are files, not a stream for a terminal: without `--output`, a
/// usage error, said here, and the exit status to end with.
pub fn needs_output(
    format: crate::app::args::FormatArg,
    out: &crate::app::args::OutputArgs,
    lang: Lang,
) -> Option<i32> {
    use crate::app::args::FormatArg;
    if !matches!(format, FormatArg::Html | FormatArg::Xlsx) || out.output.is_some() {
        return None;
    }
    usage_error(
        lang,
        say(
            lang,
            "--format html and xlsx write a file; give it with --output PATH",
            "--format html 和 xlsx 生成文件，请用 --output PATH 指定",
        )
        .into(),
        None,
    );
    Some(EXIT_USAGE)
}

/// Prints a run's problems and warnings on standard error, each with its source line
/// and a caret on a terminal.
pub fn report_problems(mut diagnostics: Vec<Diagnostic>, input: &InputArgs) -> io::Result<()> {
    let terminal = stderr_is_terminal();
    if terminal {
        with_snippets(&mut diagnostics, input);
    }
    print_diagnostics(&mut io::stderr(), &diagnostics, terminal)
}

/// Output settings, resolved once, for the format `format::output_format` settled.
pub fn render_options(
    out: &crate::app::args::OutputArgs,
    format: crate::app::args::FormatArg,
) -> kpi::report::render::RenderOptions {
    kpi::report::render::RenderOptions {
        lang: lang_of(out.lang),
        color: format == crate::app::args::FormatArg::Table && use_color(out.output.is_none()),
        bom: out.bom,
        date: today(),
        width: terminal_width(out.output.is_none()),
    }
}

/// The width of the terminal that standard output is, when output goes there.
pub fn terminal_width(to_stdout: bool) -> Option<u16> {
    if !to_stdout || !io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| w.0)
}

/// Under `--strict`, warnings are errors, and are shown as such.
pub fn strictly(diagnostics: &mut [Diagnostic], strict: bool) {
    if strict {
        for d in diagnostics {
            d.severity = kpi::diag::Severity::Error;
        }
    }
}

/// The pipeline's settings, resolved once from the command line.
pub fn settings<'a>(definition: &'a Definition, input: &InputArgs) -> Settings<'a> {
    Settings {
        def: &definition.def,
        targets: definition.targets.as_ref(),
        read: ReadOptions {
            encoding: encoding_of(input),
            delimiter: input.delimiter,
            period: match input.period {
                Some(PeriodChoice::Kind(kind)) => Some(kind),
                _ => None,
            },
            all_periods: input.period == Some(PeriodChoice::All),
            ignore_unknown: input.ignore_unknown,
            lang: detect_lang(),
        },
        roll_up: match input.period {
            Some(PeriodChoice::Kind(kind)) => RollUp::Into(kind),
            Some(PeriodChoice::All) => RollUp::All,
            None => RollUp::None,
        },
        partial: input.partial,
        missing: missing_policy(input.missing),
        memory: input.memory.unwrap_or(DEFAULT_MEMORY),
        spill_dir: std::env::temp_dir(),
        sheet: input.sheet.clone(),
        strict: false,
        counts: None,
    }
}

/// The data files to read, opened, each counting its bytes into `progress`; `-` (or
/// none, when `stdin_by_default`) is standard input. Also their size, when known.
pub fn inputs(
    input: &InputArgs,
    stdin_by_default: bool,
    bytes: &std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> (Vec<Input<'static>>, Option<u64>) {
    let mut files = input.files.clone();
    if files.is_empty() && stdin_by_default {
        files.push("-".to_string());
    }
    let mut total = Some(0u64);
    let inputs = files
        .into_iter()
        .map(|file| {
            if file == "-" {
                total = None;
                return Input::Open {
                    name: "<stdin>".to_string(),
                    reader: Box::new(progress::Counted {
                        inner: io::stdin(),
                        bytes: bytes.clone(),
                    }),
                };
            }
            match std::fs::File::open(&file) {
                Ok(f) => {
                    let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                    total = total.zip(size).map(|(t, s)| t + s);
                    Input::Open {
                        name: file,
                        reader: Box::new(progress::Counted {
                            inner: f,
                            bytes: bytes.clone(),
                        }),
                    }
                }
                Err(e) => Input::Failed {
                    problem: read_error(&file, &e),
                    name: file,
                },
            }
        })
        .collect();
    (inputs, total)
}

/// A run begun: its data files opened, its settings resolved, and a progress
/// display watching both.
pub fn begin<'a>(
    definition: &'a Definition,
    input: &InputArgs,
    stdin_by_default: bool,
) -> (Vec<Input<'static>>, Settings<'a>, progress::Progress) {
    let bytes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (inputs, total) = inputs(input, stdin_by_default, &bytes);
    let progress = progress::Progress::start(input.quiet, total, bytes);
    let mut settings = settings(definition, input);
    settings.counts = Some(progress.counts.clone());
    (inputs, settings, progress)
}

/// The files a run read, for the summary of `check`: the data files, and the
/// definition when it came from a file.
pub fn files_read(data_files: usize, config_name: &str) -> usize {
    data_files + usize::from(config_name != config::BUILTIN_NAME)
}

/// Adds to each diagnostic the source line it points at, for a terminal. Problems
/// found after sorting carry only a byte offset, so the file is read again here.
pub fn with_snippets(diagnostics: &mut [Diagnostic], input: &InputArgs) {
    let forced = encoding_of(input);
    let mut paths: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.offset.is_some() && d.snippet.is_none() && d.cell.is_none())
        .map(|d| d.path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        if path == "<stdin>" || kpi::read::sheet::is_spreadsheet(&path) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok((text, _)) = kpi::read::encoding::decode(&bytes, forced) else {
            continue;
        };
        let lines = kpi::diag::LineIndex::new(&text);
        for d in diagnostics.iter_mut().filter(|d| d.path == path) {
            if let (Some(offset), None) = (d.offset, &d.snippet) {
                d.snippet = Some(lines.snippet(offset as usize));
            }
        }
    }
}

pub fn missing_policy(arg: MissingArg) -> MissingPolicy {
    match arg {
        MissingArg::Error => MissingPolicy::Error,
        MissingArg::Zero => MissingPolicy::Zero,
        MissingArg::Skip => MissingPolicy::Skip,
    }
}

/// One of the command's own messages in the user's language (diagnostics of the
/// data and definition stay in English, so that they can be searched for).
pub fn say(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// Prints `kpi: error: …` and a hint, in the user's language.
pub fn usage_error(lang: Lang, message: String, hint: Option<String>) {
    eprintln!("kpi: {} {message}", say(lang, "error:", "错误："));
    if let Some(hint) = hint {
        eprintln!("  {} {hint}", say(lang, "hint:", "提示："));
    }
}

/// The language of human words (SPEC §7): `--lang`, else the locale.
pub fn lang_of(arg: Option<crate::app::args::LangArg>) -> Lang {
    match arg {
        Some(crate::app::args::LangArg::En) => Lang::En,
        Some(crate::app::args::LangArg::Zh) => Lang::Zh,
        None => detect_lang(),
    }
}

/// The renderer's format for a `--format` value.
pub fn format_of(arg: crate::app::args::FormatArg) -> kpi::report::render::Format {
    use crate::app::args::FormatArg;
    use kpi::report::render::Format;
    match arg {
        FormatArg::Table => Format::Table,
        FormatArg::Csv => Format::Csv,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Xlsx => Format::Xlsx,
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`; `$SOURCE_DATE_EPOCH` fixes it, for
/// reproducible reports and tests.
pub fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    kpi::period::civil_date(seconds.div_euclid(86_400))
}

/// The language the locale asks for.
pub fn detect_lang() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if locale.starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// Colours on a terminal only, and never with `NO_COLOR`.
pub fn use_color(to_stdout: bool) -> bool {
    to_stdout
        && io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints diagnostics, one after another; with the source line and a caret under
/// the column when `terminal`.
pub fn print_diagnostics(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    terminal: bool,
) -> io::Result<()> {
    for d in diagnostics {
        writeln!(out, "{}", d.render(terminal))?;
    }
    Ok(())
}

/// Whether standard error is a terminal, for snippets in messages.
pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// `kpi check FILE` on a terminal: the problems with their snippets, as shown,
    /// the file's path written `data.csv`.
    fn shown_on_a_terminal(bytes: &[u8]) -> String {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("data.csv");
        std::fs::write(&path, bytes).expect("writing the data file");
        let path = path.to_string_lossy().into_owned();
        let Command::Check(args) = Cli::try_parse_from(["kpi", "check", path.as_str()])
            .expect("a check command")
            .command
        else {
            panic!("not a check command");
        };
        let definition = Definition {
            def: config::parse(config::BUILTIN, "builtin").expect("the built-in scorecard"),
            name: "builtin".into(),
            targets: None,
            warnings: Vec::new(),
        };
        let settings = settings(&definition, &args.input);
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (inputs, _) = inputs(&args.input, false, &counter);
        let mut diagnostics = kpi::pipeline::run(&settings, inputs, &mut kpi::pipeline::Discard)
            .expect("reading the data file")
            .diagnostics;
        with_snippets(&mut diagnostics, &args.input);
        let mut out = Vec::new();
        print_diagnostics(&mut out, &diagnostics, true).expect("printing to memory");
        String::from_utf8_lossy(&out).replace(&path, "data.csv")
    }

    fn utf16le(text: &str) -> Vec<u8> {
        [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    }

    #[test]
    fn the_caret_stands_under_the_place_in_crlf_utf16_and_gb18030_files() {
        let lf = "subject,period,indicator,actual\n乙区,2026-10,complaints,1\n\
                  乙区,2026-10,repair_timeliness,zz\n乙区,2026-10,complaints,2\n";
        // Carets: 乙区 is four cells wide, so `zz` (column 30) is under cell 32 and
        // the second value (column 23) under cell 25.
        let expected = [
            "data.csv:2:1: no values for Service cost rate (service_cost_rate), \
             Service calls per unit in warranty (warranty_service_calls), \
             Spare parts sold on time (parts_sales_timeliness), \
             Shipping accuracy (shipping_accuracy), \
             Installation and repair satisfaction (service_satisfaction), \
             Complaint handling satisfaction (complaint_satisfaction), \
             Reports on time and correct (report_accuracy) (subject \"乙区\", period 2026-10), \
             which have month targets",
            "  |",
            "2 | 乙区,2026-10,complaints,1",
            "  | ^",
            "  hint: give them values, or use --missing zero or --missing skip",
            "data.csv:3:30: invalid value \"zz\" for repair_timeliness: not a number; \
             write a number such as 95, 95.5%, 1,234.5 or a ratio such as 171/180",
            "  |",
            "3 | 乙区,2026-10,repair_timeliness,zz",
            &format!("  | {}^", " ".repeat(31)),
            "data.csv:4:23: duplicate value for complaints (subject \"乙区\", \
             period 2026-10): also given at data.csv:2",
            "  |",
            "4 | 乙区,2026-10,complaints,2",
            &format!("  | {}^", " ".repeat(24)),
            "  hint: keep one row per subject, period and indicator",
            "",
        ]
        .join("\n");
        assert_eq!(shown_on_a_terminal(lf.as_bytes()), expected);
        let crlf = lf.replace('\n', "\r\n");
        let cr = lf.replace('\n', "\r");
        assert_eq!(shown_on_a_terminal(&utf16le(&crlf)), expected);
        assert_eq!(
            shown_on_a_terminal(&encoding_rs::GB18030.encode(&crlf).0),
            expected
        );
        assert_eq!(
            shown_on_a_terminal(&encoding_rs::GB18030.encode(&cr).0),
            expected
        );
    }
}
