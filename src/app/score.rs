//! `kpi score`: read, score, render; every problem reported before anything is written.
//!
//! One data file is streamed (`kpi::stream`) when nothing asks for the whole data at
//! once; the output is spooled, so when the stream falls back to the buffered path
//! nothing has reached the user yet.

use std::io::{self, Read, Seek, Write};
use std::path::Path;

use anyhow::Context;

use super::{
    EXIT_FAIL_UNDER, EXIT_INVALID, EXIT_OK, EXIT_USAGE, format_of, lang_of, load_config, load_with,
    missing_policy, print_diagnostics, read_options, say, score_all, stderr_is_terminal,
    usage_error, use_color,
};
use crate::app::args::{Engine, FormatArg, PeriodChoice, ScoreArgs};
use kpi::diag::Diagnostic;
use kpi::report::render::{CardWriter, RenderOptions, render};
use kpi::score::ScoredCard;
use kpi::stream::{self, Outcome, Settings};

/// Output kept in memory up to this size, then in a temporary file.
const SPOOL_IN_MEMORY: usize = 8 << 20;

pub fn run(args: &ScoreArgs) -> anyhow::Result<i32> {
    let lang = lang_of(args.out.lang);
    if args.input.files.is_empty() && io::IsTerminal::is_terminal(&io::stdin()) {
        usage_error(
            lang,
            say(lang, "no data file given", "没有给出数据文件").into(),
            Some(
                say(
                    lang,
                    "name a CSV file (kpi score actuals.csv), or pipe one in with `-`",
                    "给出一个 CSV 文件（kpi score actuals.csv），或用 `-` 从管道读入",
                )
                .into(),
            ),
        );
        return Ok(EXIT_USAGE);
    }
    if matches!(args.out.format, FormatArg::Html | FormatArg::Xlsx) && args.out.output.is_none() {
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
        return Ok(EXIT_USAGE);
    }
    if let Some(output) = &args.out.output {
        for input in args.input.files.iter().filter(|f| *f != "-") {
            if same_file(output, Path::new(input)) {
                usage_error(
                    lang,
                    format!(
                        "--output {} {}",
                        output.display(),
                        say(
                            lang,
                            "is also an input file; it would be overwritten",
                            "也是输入文件，会被覆盖"
                        )
                    ),
                    None,
                );
                return Ok(EXIT_USAGE);
            }
        }
    }
    let options = RenderOptions {
        lang: lang_of(args.out.lang),
        color: args.out.format == FormatArg::Table && use_color(args.out.output.is_none()),
        bom: args.out.bom,
        date: super::today(),
    };
    let mut stdin_seen = None;
    if streamable(args) {
        match streamed(args, &options)? {
            Streamed::Done(code) => return Ok(code),
            Streamed::Fallback(stdin) => stdin_seen = stdin,
        }
    }
    buffered(args, &options, stdin_seen)
}

/// Whether the streaming path may try: one data file, and nothing that needs all the
/// data at once (`--explain`, `--partial`, `--period all`).
fn streamable(args: &ScoreArgs) -> bool {
    let one_file = args.input.files.len() <= 1
        && !args
            .input
            .files
            .iter()
            .any(|f| kpi::read::sheet::is_spreadsheet(f));
    let whole_data =
        args.explain || args.input.partial || args.input.period == Some(PeriodChoice::All);
    match args.engine {
        Engine::Buffered => false,
        Engine::Auto | Engine::Stream | Engine::Parallel => one_file && !whole_data,
    }
}

enum Streamed {
    Done(i32),
    /// Run the buffered path; with what was read of standard input, if it was used.
    Fallback(Option<Vec<u8>>),
}

fn streamed(args: &ScoreArgs, options: &RenderOptions) -> anyhow::Result<Streamed> {
    let Ok((def, _)) = load_config(args.input.config.as_deref()) else {
        return Ok(Streamed::Fallback(None)); // the buffered path reports the config
    };
    let read = read_options(&args.input);
    let path = args.input.files.first().map_or("-", String::as_str);
    // Standard input cannot be read twice: a copy of what the stream reads is kept
    // in a temporary file, for the buffered path should the stream fall back.
    let mut stdin_copy = None;
    let input: Box<dyn Read + Send> = if path == "-" {
        let copy = tempfile::tempfile().context("cannot create a temporary file")?;
        let writer = copy.try_clone().context("cannot create a temporary file")?;
        stdin_copy = Some(copy);
        Box::new(Tee {
            inner: io::stdin(),
            copy: writer,
        })
    } else {
        match std::fs::File::open(path) {
            Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => Box::new(file),
            _ => return Ok(Streamed::Fallback(None)), // the buffered path says why
        }
    };
    let settings = Settings {
        def: &def,
        read: &read,
        missing: missing_policy(args.input.missing),
        roll_up: match args.input.period {
            Some(PeriodChoice::Kind(kind)) => Some(kind),
            _ => None,
        },
        parallel: args.engine != Engine::Stream,
    };
    let mut sink = Sink::open(args.out.output.as_deref())?;
    let mut writer = CardWriter::begin(
        format_of(args.out.format),
        &def,
        options.clone(),
        sink.writer(),
    )?;
    let mut below = false;
    let mut on_card = |card: &ScoredCard| {
        below |= args.fail_under.is_some_and(|n| card.score.total < n);
    };
    let outcome = stream::score(&settings, input, &mut writer, sink.writer(), &mut on_card)?;
    let Outcome::Done { check_warnings, .. } = outcome else {
        sink.abandon()?;
        let stdin = match stdin_copy {
            Some(mut copy) => {
                let mut bytes = Vec::new();
                copy.rewind()?;
                copy.read_to_end(&mut bytes)?;
                io::stdin().read_to_end(&mut bytes)?;
                Some(bytes)
            }
            None => None,
        };
        return Ok(Streamed::Fallback(stdin));
    };
    writer.end(sink.writer())?;
    sink.finish(args)?;
    if check_warnings {
        // The stream cannot place a warning exactly; the buffered path can.
        let stdin = match stdin_copy {
            Some(mut copy) => {
                let mut bytes = Vec::new();
                copy.rewind()?;
                copy.read_to_end(&mut bytes)?;
                Some(bytes)
            }
            None => None,
        };
        if let Ok(loaded) = load_with(&args.input, true, stdin) {
            let warnings: Vec<Diagnostic> = loaded
                .diagnostics
                .into_iter()
                .filter(|d| !d.is_error())
                .collect();
            print_diagnostics(&mut io::stderr(), &warnings, stderr_is_terminal())?;
        }
    }
    Ok(Streamed::Done(if below {
        EXIT_FAIL_UNDER
    } else {
        EXIT_OK
    }))
}

/// Where streamed output goes until it is known to be complete.
enum Sink {
    /// `--output` to a regular file: a temporary file beside it, renamed at the end.
    Atomic(io::BufWriter<tempfile::NamedTempFile>, std::path::PathBuf),
    /// Standard output redirected to a regular file: written in place, and cut back
    /// to where it started should the stream fall back.
    InPlace(io::BufWriter<std::fs::File>, u64),
    /// Standard output is `/dev/null`: nothing to hold back.
    Discard(io::Sink),
    /// Anything else (a pipe, a terminal, a device): held back, then copied.
    Spool(io::BufWriter<tempfile::SpooledTempFile>),
}

/// Output is written in blocks this large, not card by card.
const WRITE_BUFFER: usize = 1 << 16;

impl Sink {
    fn open(output: Option<&Path>) -> io::Result<Sink> {
        if let Some(path) = output {
            let regular = std::fs::metadata(path).map_or(true, |m| m.is_file());
            if regular {
                let dir = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                let temp = tempfile::Builder::new().prefix(".kpi-").tempfile_in(dir)?;
                return Ok(Sink::Atomic(
                    io::BufWriter::with_capacity(WRITE_BUFFER, temp),
                    path.to_path_buf(),
                ));
            }
        } else {
            match stdout_kind() {
                StdoutKind::File(mut file) => {
                    // Only when writing at the file's end (`> out.csv`): in append
                    // mode (`>> log.csv`) the offset is not where the output lands,
                    // and cutting back to it would cut the file's earlier contents.
                    let start = file.stream_position()?;
                    if start == file.metadata()?.len() {
                        return Ok(Sink::InPlace(
                            io::BufWriter::with_capacity(WRITE_BUFFER, file),
                            start,
                        ));
                    }
                }
                StdoutKind::Null => return Ok(Sink::Discard(io::sink())),
                StdoutKind::Other => {}
            }
        }
        let spool = tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY);
        Ok(Sink::Spool(io::BufWriter::with_capacity(
            WRITE_BUFFER,
            spool,
        )))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Atomic(temp, _) => temp,
            Sink::InPlace(file, _) => file,
            Sink::Discard(sink) => sink,
            Sink::Spool(spool) => spool,
        }
    }

    /// The stream fell back: nothing it wrote may remain.
    fn abandon(self) -> io::Result<()> {
        if let Sink::InPlace(writer, start) = self {
            let (mut file, _unwritten) = writer.into_parts();
            file.set_len(start)?;
            file.seek(io::SeekFrom::Start(start))?;
        }
        Ok(())
    }

    /// The output is complete: put it where it belongs.
    fn finish(self, args: &ScoreArgs) -> anyhow::Result<()> {
        match self {
            Sink::Atomic(writer, path) => {
                let temp = writer.into_inner().map_err(|e| e.into_error())?;
                temp.as_file().sync_all()?;
                super::keep_permissions(&path, temp.as_file())?;
                temp.persist(&path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok(())
            }
            Sink::InPlace(mut file, _) => Ok(file.flush()?),
            Sink::Discard(_) => Ok(()),
            Sink::Spool(writer) => {
                let mut spool = writer.into_inner().map_err(|e| e.into_error())?;
                spool.rewind()?;
                deliver(args, &mut spool)
            }
        }
    }
}

/// What standard output is, as far as holding output back is concerned.
enum StdoutKind {
    /// A regular file (`kpi score … > out.csv`), which can be cut back.
    File(std::fs::File),
    /// `/dev/null`.
    Null,
    /// A pipe, a terminal, anything else.
    Other,
}

fn stdout_kind() -> StdoutKind {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() else {
            return StdoutKind::Other;
        };
        let file = std::fs::File::from(fd);
        let Ok(meta) = file.metadata() else {
            return StdoutKind::Other;
        };
        if meta.is_file() {
            return StdoutKind::File(file);
        }
        let null = std::fs::metadata("/dev/null");
        if null.is_ok_and(|n| n.rdev() == meta.rdev() && n.dev() == meta.dev() && meta.rdev() != 0)
        {
            return StdoutKind::Null;
        }
        StdoutKind::Other
    }
    #[cfg(not(unix))]
    {
        StdoutKind::Other
    }
}

/// Copies what is read from standard input to a file as well.
struct Tee<R> {
    inner: R,
    copy: std::fs::File,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// Sends finished output to `--output` (atomically) or standard output.
fn deliver(args: &ScoreArgs, output: &mut dyn Read) -> anyhow::Result<()> {
    match &args.out.output {
        Some(path) => super::write_output(path, output)
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            io::copy(output, &mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

fn buffered(
    args: &ScoreArgs,
    options: &RenderOptions,
    stdin: Option<Vec<u8>>,
) -> anyhow::Result<i32> {
    let stderr = &mut io::stderr();
    let mut loaded = match load_with(&args.input, true, stdin) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            print_diagnostics(stderr, &diagnostics, stderr_is_terminal())?;
            return Ok(EXIT_INVALID);
        }
    };
    let cards = score_all(
        &mut loaded,
        missing_policy(args.input.missing),
        args.explain,
    );
    print_diagnostics(stderr, loaded.diagnostics(), stderr_is_terminal())?;
    if loaded.diagnostics.iter().any(|d| d.is_error()) {
        return Ok(EXIT_INVALID);
    }
    let format = format_of(args.out.format);
    let mut bytes = Vec::new();
    render(format, &loaded.def, &cards, options, &mut bytes)?;
    deliver(args, &mut bytes.as_slice())?;
    if let Some(threshold) = args.fail_under
        && cards.iter().any(|c| c.score.total < threshold)
    {
        return Ok(EXIT_FAIL_UNDER);
    }
    Ok(EXIT_OK)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
