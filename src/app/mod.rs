//! Commands: the only code that reads files, the environment and the terminal.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use crate::app::args::{Cli, Command, EncodingArg, InputArgs, MissingArg, PeriodChoice};
use kpi::actuals::{Actuals, CardData, ReadOptions};
use kpi::diag::Diagnostic;
use kpi::model::{Lang, Scorecard};
use kpi::read::config;
use kpi::read::encoding::Encoding;
use kpi::score::{CardError, MissingPolicy, ScoredCard};

pub mod args;
pub mod check;
pub mod init;
pub mod score;
pub mod shell;
pub mod targets;
pub mod trend;

/// Exit statuses (SPEC §8).
pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_FAIL_UNDER: i32 = 3;

pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Score(args) => score::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Targets(args) => targets::run(&args),
        Command::Trend(args) => trend::run(&args),
        Command::Completions(args) => shell::completions(args.shell),
        Command::Man => shell::man(),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`kpi score … | head -1`) is the reader's choice, not an error.
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            usage_error(detect_lang(), format!("{e:#}"), None);
            EXIT_INVALID
        }
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
    let path = explicit
        .map(Path::to_path_buf)
        .or(from_env)
        .or_else(|| local.is_file().then(|| local.to_path_buf()));
    let Some(path) = path else {
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
        Err(e) => return Err(vec![read_error(&name, &e)]),
    };
    config::parse(&text, &name).map(|def| (def, name))
}

/// A file that could not be read, as a diagnostic.
pub fn read_error(name: &str, error: &io::Error) -> Diagnostic {
    let message = match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "is a directory, not a file".to_string(),
        _ => format!("cannot read: {error}"),
    };
    Diagnostic::error(name, 0, 0, message)
}

/// What every command that reads data has in hand: the definition, the data, and the
/// problems found so far.
pub struct Loaded {
    pub def: Scorecard,
    pub actuals: Actuals,
    /// The cards to score, in print order: rolled up when `--period` asks for it.
    pub cards: Vec<CardData>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files read: the definition (when from a file) and the data files.
    pub files: usize,
    /// How to name the cells of spreadsheet data files in diagnostics.
    pub sheets: Vec<kpi::read::sheet::CellMap>,
}

impl Loaded {
    /// The diagnostics, with spreadsheet problems named by sheet and cell.
    pub fn diagnostics(&mut self) -> &[Diagnostic] {
        for map in &self.sheets {
            map.locate(&mut self.diagnostics);
        }
        &self.diagnostics
    }
}

/// Loads the definition and every data file, collecting every problem. `Err` holds the
/// definition's problems: without a definition, no data can be read.
pub fn load(input: &InputArgs, read_stdin_by_default: bool) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(input, read_stdin_by_default, None)
}

/// How data files are to be read, from the command line.
pub fn read_options(input: &InputArgs) -> ReadOptions {
    ReadOptions {
        encoding: input.encoding.map(|e| match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gb18030 => Encoding::Gb18030,
            EncodingArg::Utf16le => Encoding::Utf16Le,
            EncodingArg::Utf16be => Encoding::Utf16Be,
        }),
        delimiter: input.delimiter,
        period: match input.period {
            Some(PeriodChoice::Kind(kind)) => Some(kind),
            _ => None,
        },
        ignore_unknown: input.ignore_unknown,
    }
}

/// `load`, with standard input's bytes already in hand when `stdin` is given (the
/// streaming path read them first).
pub fn load_with(
    input: &InputArgs,
    read_stdin_by_default: bool,
    mut stdin: Option<Vec<u8>>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let (def, config_name) = load_config(input.config.as_deref())?;
    let options = read_options(input);
    let mut files = input.files.clone();
    if files.is_empty() && read_stdin_by_default {
        files.push("-".to_string());
    }
    let mut actuals = Actuals::new();
    let mut diagnostics = Vec::new();
    let mut sheets = Vec::new();
    for file in &files {
        let (name, bytes) = if let (true, Some(bytes)) = (file == "-", stdin.take()) {
            ("<stdin>".to_string(), bytes)
        } else if file == "-" {
            let mut bytes = Vec::new();
            match io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => ("<stdin>".to_string(), bytes),
                Err(e) => {
                    diagnostics.push(read_error("<stdin>", &e));
                    continue;
                }
            }
        } else {
            match std::fs::read(file) {
                Ok(bytes) => (file.clone(), bytes),
                Err(e) => {
                    diagnostics.push(read_error(file, &e));
                    continue;
                }
            }
        };
        if kpi::read::sheet::is_spreadsheet(&name) {
            match kpi::read::sheet::read(&name, bytes, input.sheet.as_deref()) {
                Ok(grid) => {
                    let csv = ReadOptions {
                        encoding: Some(Encoding::Utf8),
                        delimiter: Some(b','),
                        ..options.clone()
                    };
                    diagnostics.extend(actuals.read(&def, &name, grid.csv.as_bytes(), &csv));
                    sheets.push(grid.map);
                }
                Err(problem) => diagnostics.push(*problem),
            }
            continue;
        }
        diagnostics.extend(actuals.read(&def, &name, &bytes, &options));
    }
    actuals.sort();
    let cards = match input.period {
        Some(PeriodChoice::Kind(kind)) => {
            let (cards, problems) =
                kpi::cards::rollup::roll_up(&def, &actuals, kind, input.partial);
            diagnostics.extend(problems);
            cards
        }
        Some(PeriodChoice::All) => {
            for file in 0..actuals.files.len() {
                if let Some(card) = actuals
                    .cards
                    .iter()
                    .find(|c| c.first.file == file && c.key.period.is_none())
                {
                    diagnostics.push(
                        Diagnostic::error(
                            &actuals.files[file],
                            card.first.line,
                            1,
                            "--period all needs period labels, and this file has no period column",
                        )
                        .with_hint(Some(
                            "add a period column, or name one kind: --period month".into(),
                        )),
                    );
                }
            }
            let (cards, problems) = kpi::cards::rollup::roll_up_all(&def, &actuals, input.partial);
            diagnostics.extend(problems);
            cards
        }
        None => std::mem::take(&mut actuals.cards),
    };
    diagnostics.extend(kpi::actuals::warnings(&def, &actuals, &cards));
    let config_files = usize::from(config_name != config::BUILTIN_NAME);
    Ok(Loaded {
        def,
        actuals,
        cards,
        diagnostics,
        files: files.len() + config_files,
        sheets,
    })
}

pub fn missing_policy(arg: MissingArg) -> MissingPolicy {
    match arg {
        MissingArg::Error => MissingPolicy::Error,
        MissingArg::Zero => MissingPolicy::Zero,
        MissingArg::Skip => MissingPolicy::Skip,
    }
}

/// Scores every card read, adding a located diagnostic for each card that cannot be;
/// with `explain`, each card carries the trace of its numbers.
pub fn score_all(loaded: &mut Loaded, missing: MissingPolicy, explain: bool) -> Vec<ScoredCard> {
    let def = &loaded.def;
    let actuals = &loaded.actuals;
    let mut cards = Vec::with_capacity(loaded.cards.len());
    for card in &loaded.cards {
        match card.score(def, missing) {
            Ok(mut scored) => {
                if explain {
                    scored.explain = kpi::report::explain::explain_card(
                        def,
                        card,
                        &scored.score,
                        &actuals.files,
                    );
                }
                cards.push(scored);
            }
            Err(errors) => {
                let problems = card_problems(def, actuals, card, &errors);
                loaded.diagnostics.extend(problems);
            }
        }
    }
    cards
}

/// Located diagnostics for a card that could not be scored. Indicators absent from
/// the data are listed in one message; an empty cell gets its own; a cell that did
/// not parse was reported already.
fn card_problems(
    def: &Scorecard,
    actuals: &Actuals,
    card: &CardData,
    errors: &[CardError],
) -> Vec<Diagnostic> {
    let at = |loc: kpi::actuals::Loc, message: String, hint: &str| {
        Diagnostic::error(&actuals.files[loc.file], loc.line, loc.col, message)
            .with_hint(Some(hint.to_string()))
    };
    let describe = card.key.describe();
    let kind = card.key.kind;
    let mut problems = Vec::new();
    let mut absent = Vec::new();
    for error in errors {
        let CardError::MissingValue(i) = *error else {
            continue;
        };
        let id = &def.indicators[i].id;
        match &card.values[i] {
            Some(o) if o.invalid => {}
            Some(o) => problems.push(at(
                o.loc,
                format!("no value for `{id}` ({describe}), which has a {kind} target"),
                "give it a value, or use --missing zero or --missing skip",
            )),
            None => absent.push(format!("`{id}`")),
        }
    }
    if !absent.is_empty() {
        let message = if absent.len() == 1 {
            format!(
                "no value for {} ({describe}), which has a {kind} target",
                absent[0]
            )
        } else {
            format!(
                "no values for {} ({describe}), which have {kind} targets",
                absent.join(", ")
            )
        };
        problems.push(at(
            card.first,
            message,
            "give them values, or use --missing zero or --missing skip",
        ));
    }
    let reported = card.values.iter().flatten().any(|o| o.invalid);
    if errors.contains(&CardError::NothingToScore) && !reported {
        let any_target = def.indicators.iter().any(|i| i.thresholds(kind).is_some());
        let message = if any_target {
            format!(
                "nothing to score for {describe}: no indicator with a {kind} target has a value"
            )
        } else {
            format!("nothing to score for {describe}: no indicator has a {kind} target")
        };
        problems.push(at(
            card.first,
            message,
            "give a value for an indicator assessed in this period, or score another --period",
        ));
    }
    problems
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
/// Writes `output` to `path`: atomically (a temporary file in the same folder, then a
/// rename) when `path` is a regular file or does not exist yet; directly for anything
/// else, such as `/dev/null` or a FIFO, which must never be replaced.
pub fn write_output(path: &Path, output: &mut dyn Read) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
            io::copy(output, &mut file)?;
            return file.flush();
        }
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new().prefix(".kpi-").tempfile_in(dir)?;
    io::copy(output, &mut temp)?;
    temp.as_file().sync_all()?;
    keep_permissions(path, temp.as_file())?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A replaced file keeps its permissions; a new one gets the usual 0644, not the
/// temporary file's 0600.
pub(crate) fn keep_permissions(path: &Path, temp: &std::fs::File) -> io::Result<()> {
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                return Ok(());
            }
        }
    };
    temp.set_permissions(permissions)
}
