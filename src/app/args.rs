//! Command-line arguments (clap derive). Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use kpi::period::{Period, PeriodKind};
use kpi::read::encoding::{COMMON_LABELS, Encoding, LabelError};

const EXAMPLES: &str = "\
Examples:
  kpi score actuals.csv                      score with ./kpi.toml or the built-in scorecard
  kpi score --format csv -o out.csv *.csv    several files into one CSV
  kpi score --period quarter q3.csv          data without a period column, scored as a quarter
  kpi score --period year months.xlsx        a year of monthly data rolled up, from a workbook
  kpi score -f html -o report.html m.csv     a printable report, one page per scorecard
  kpi trend months.csv                       each office's months side by side
  kpi check actuals.csv                      report every problem in the config and data
  kpi init                                   write the built-in scorecard to ./kpi.toml to edit
  kpi targets                                show the scorecard in force
  kpi template --subject 华东办事处 --period 2026-11 -o 11月.xlsx
                                             a form to fill in with the month's actuals

Exit status: 0 success, 1 invalid config or data, 2 usage error, 3 a total below --fail-under.";

/// Score KPI actuals against a weighted scorecard, exactly.
///
/// kpi reads a scorecard definition (kpi.toml; the customer-service manager's form is
/// built in) and actual values from CSV files or workbooks, and prints banded, weighted
/// scorecards as tables, CSV, JSON, Markdown, HTML or xlsx.
#[derive(Debug, Parser)]
#[command(name = "kpi", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score data files and print the scorecards.
    #[command(after_help = "\
Examples:
  kpi score actuals.csv
  kpi score --format json --period quarter wide.csv
  kpi score --missing skip --fail-under 60 offices.csv
  cat actuals.csv | kpi score -")]
    Score(ScoreArgs),
    /// Check the scorecard definition and data files; report every problem.
    #[command(after_help = "\
Examples:
  kpi check                        check the scorecard definition only
  kpi check data/*.csv             check the definition and every data file
  kpi check --strict data/*.csv    fail on warnings too
  kpi check -f json data/*.csv     diagnostics as JSON, for other tools")]
    Check(CheckArgs),
    /// Show each subject's scores period by period: indicators as rows, periods as
    /// columns, the total, its change and a sparkline.
    #[command(after_help = "\
Examples:
  kpi trend year.csv                     every month side by side, per office
  kpi trend --period quarter year.csv    the four quarters
  kpi trend -f csv year.csv              the same as rows, for a spreadsheet
  kpi trend -o trend.html year.csv       a printable page per office: line chart, heat map
  kpi trend -o trend.xlsx year.csv       a workbook: the tables, and a line chart per office")]
    Trend(TrendArgs),
    /// Rank subjects by total, period by period: a league table with ranks, bands and
    /// changes, and the distribution of the totals (bands, quartiles, mean).
    #[command(after_help = "\
Examples:
  kpi rank offices.csv                         every period's league table and distribution
  kpi rank --top 10 --bottom 5 offices.csv     the ten best and five worst; the distribution of all
  kpi rank --grades A:20,B:70,C:10 offices.csv forced grades by rank (ties take the better grade)
  kpi rank -f csv -o ranks.csv offices.csv     the league tables as rows, for a spreadsheet")]
    Rank(RankArgs),
    /// Write the built-in scorecard definition out as kpi.toml, to edit.
    Init(InitArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    #[command(after_help = "\
Examples:
  kpi completions bash > ~/.local/share/bash-completion/completions/kpi
  kpi completions zsh > ~/.zfunc/_kpi
  kpi completions fish > ~/.config/fish/completions/kpi.fish")]
    Completions(CompletionsArgs),
    /// Print a manual page (roff), for `man`, or write them all to a folder.
    #[command(after_help = "\
Examples:
  kpi man --dir ~/.local/share/man/man1      every page: kpi(1), kpi-score(1), ...
  kpi man score | man -l -                   read kpi-score(1) without installing it")]
    Man(ManArgs),
    /// Print the scorecard definition in force: weights, targets per period, thresholds.
    #[command(after_help = "\
Examples:
  kpi targets                      the definition in force (./kpi.toml, $KPI_CONFIG or built in)
  kpi targets --lang zh -c my.toml")]
    Targets(TargetsArgs),
    /// Write the data-entry form: one row per subject, period and assessed indicator,
    /// with its unit and target, and an empty actual cell to fill in (CSV or xlsx).
    #[command(after_help = TEMPLATE_AFTER_HELP)]
    Template(TemplateArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (score, check, ...) [default: kpi(1) itself].
    #[arg(value_name = "COMMAND", value_hint = ValueHint::Other)]
    pub command: Option<String>,

    /// Write every page (kpi.1, kpi-score.1, ...) into DIR, made if missing, instead.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath, conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// Where the scorecard and the data come from, and how to read them.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Data files: CSV, or .xlsx/.xls/.ods workbooks; `-` (or none) reads standard input.
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub files: Vec<String>,

    /// The scorecard definition [default: $KPI_CONFIG, else ./kpi.toml, else built in].
    #[arg(short, long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Thresholds per subject: a CSV or workbook with columns subject, indicator,
    /// [period,] and any of worst, target, exceeds, far_exceeds, best, replacing the
    /// card's for the subjects it names [default: `targets` under [scorecard] in kpi.toml].
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub targets: Option<PathBuf>,

    /// Period kind of the scorecards: month|quarter|half|year (also m q h y, 月 季 半年 年 …).
    /// Finer data is rolled up into it; data without a period column is scored as this
    /// kind [default: each row's own period kind, or month]. `all`: every card the data
    /// supports (each month, each complete quarter and half, the year).
    #[arg(short, long, value_name = "KIND", value_parser = Listed {
        parse: parse_period,
        values: &["month", "quarter", "half", "year", "all"],
    })]
    pub period: Option<PeriodChoice>,

    /// What to do with an assessed indicator that has no value.
    #[arg(long, value_enum, default_value_t = MissingArg::Error)]
    pub missing: MissingArg,

    /// When rolling up, combine the values there are instead of requiring every month
    /// (or quarter, or half) of the period.
    #[arg(long)]
    pub partial: bool,

    /// Skip unknown indicators and columns instead of failing.
    #[arg(long)]
    pub ignore_unknown: bool,

    /// Read data files in this encoding instead of detecting it: any WHATWG label,
    /// such as utf8, gb18030, big5, windows-1252, shift_jis or utf-16le [default: a
    /// byte order mark decides, else UTF-8 if the first 64 KiB are, else GB18030].
    #[arg(long, value_name = "LABEL", value_parser = EncodingParser)]
    pub encoding: Option<Encoding>,

    /// The sheet of an .xlsx, .xls or .ods data file to read [default: the first, or the only one with data when the first is empty].
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    pub sheet: Option<String>,

    /// Field delimiter of data files: `,` `;` or `tab` [default: detected from the header].
    #[arg(long, value_name = "CHAR", value_parser = Listed {
        parse: parse_delimiter,
        values: &[",", ";", "tab"],
    })]
    pub delimiter: Option<u8>,

    /// Memory for rows before they are sorted in runs on disk (in $TMPDIR), such as
    /// 64M, 1G or 512K [default: 24M]. Output is the same whatever the size.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, value_hint = ValueHint::Other)]
    pub memory: Option<usize>,

    /// No progress bar (one is drawn on a terminal when reading takes over a second).
    #[arg(short, long)]
    pub quiet: bool,
}

/// Where the output goes and how it reads.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: chosen by the extension of --output (.txt .csv .json .md
    /// .html .xlsx), else table].
    #[arg(short, long, value_enum)]
    pub format: Option<FormatArg>,

    /// Write to PATH (atomically: a failed run leaves no partial file) instead of stdout.
    /// Its extension chooses the format when --format is not given.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Language of table, markdown and html words [default: zh when LC_ALL, LC_MESSAGES or LANG starts with zh, else en].
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Start CSV output with a UTF-8 byte order mark, for Excel.
    #[arg(long)]
    pub bom: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub out: OutputArgs,

    /// Show how each number was reached: the values and where they came from, how
    /// they were combined, the breakpoints, the interpolation, the rounding, the weights.
    #[arg(long)]
    pub explain: bool,

    /// Warnings (values that look like fractions of 1, …) are errors too: exit 1, and
    /// nothing is written.
    #[arg(long)]
    pub strict: bool,

    /// Exit with status 3 when any scorecard's total is below N (0 to 100); the cards
    /// below it are listed on standard error.
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = parse_fail_under,
        value_hint = ValueHint::Other
    )]
    pub fail_under: Option<rust_decimal::Decimal>,
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RankArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub out: OutputArgs,

    /// Show only the N highest-ranked subjects (and any tied with the Nth); the
    /// distribution is still over all.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), value_hint = ValueHint::Other)]
    pub top: Option<u32>,

    /// Show only the N lowest-ranked subjects (and any tied with the Nth from the
    /// bottom); with --top, both.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), value_hint = ValueHint::Other)]
    pub bottom: Option<u32>,

    /// A forced distribution (强制分布): grades by rank, best first, with their shares
    /// in percent, adding up to 100, such as A:20,B:70,C:10. Grade k ends at rank
    /// N × (its share and those above) / 100, rounded half-up; tied totals take the
    /// better grade.
    #[arg(long, value_name = "GRADES", value_parser = kpi::report::rank::parse_grades, value_hint = ValueHint::Other)]
    pub grades: Option<kpi::report::rank::Grades>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,

    /// How to report: lines of text, or a JSON document for other tools.
    #[arg(short, long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the definition.
    #[arg(default_value = "kpi.toml")]
    pub path: PathBuf,

    /// Overwrite PATH if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// The scorecard definition [default: $KPI_CONFIG, else ./kpi.toml, else built in].
    #[arg(short, long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Thresholds per subject (see `kpi score --help`) [default: `targets` under
    /// [scorecard] in kpi.toml].
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub targets: Option<PathBuf>,

    /// Show one subject's thresholds per period kind, and its exceptions for single
    /// periods, from the targets file.
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    pub subject: Option<String>,

    /// Read the targets file in this encoding (see `kpi score --help`).
    #[arg(long, value_name = "LABEL", value_parser = EncodingParser)]
    pub encoding: Option<Encoding>,

    /// Field delimiter of the targets file: `,` `;` or `tab` [default: detected].
    #[arg(long, value_name = "CHAR", value_parser = Listed {
        parse: parse_delimiter,
        values: &[",", ";", "tab"],
    })]
    pub delimiter: Option<u8>,

    /// Skip unknown columns and rows of unknown indicators of the targets file.
    #[arg(long)]
    pub ignore_unknown: bool,

    /// Language of the table [default: from LC_ALL, LC_MESSAGES or LANG].
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
    Markdown,
    /// A printable report, one A4 page per scorecard, or per subject for trend (needs
    /// --output).
    Html,
    /// An Excel workbook with band colours and SUM totals, or for trend the tables and
    /// a line chart per subject (needs --output).
    Xlsx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MissingArg {
    /// An assessed indicator without a value is an error.
    Error,
    /// Score it 0 (band below).
    Zero,
    /// Leave it out and share its weight among the rest.
    Skip,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Zh,
}

/// `--encoding LABEL`: any WHATWG label is accepted; the common ones are offered as
/// its possible values, so that shell completion lists them rather than files.
#[derive(Clone, Copy, Debug)]
struct EncodingParser;

impl TypedValueParser for EncodingParser {
    type Value = Encoding;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Encoding, clap::Error> {
        // A plain function's errors are worded as clap words the other options'.
        TypedValueParser::parse_ref(&parse_encoding, cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            COMMON_LABELS
                .iter()
                .map(|&(label, what)| PossibleValue::new(label).help(what)),
        ))
    }
}

fn parse_encoding(text: &str) -> Result<Encoding, String> {
    let common = "name one such as utf8, gb18030, big5, windows-1252, shift_jis, euc-kr or \
                  utf-16le (any WHATWG encoding label)";
    Encoding::from_label(text).map_err(|e| match e {
        LabelError::Unknown => format!("unknown encoding; {common}"),
        LabelError::NotText => format!("not an encoding data files can be read in; {common}"),
    })
}

/// `--period`: one kind, or every kind the data supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodChoice {
    Kind(PeriodKind),
    All,
}

/// A value parser with a list of the values to offer (shell completion, `--help`),
/// though it accepts more than the list: the aliases of a period kind, say.
#[derive(Clone)]
struct Listed<T> {
    parse: fn(&str) -> Result<T, String>,
    values: &'static [&'static str],
}

impl<T: Clone + Send + Sync + 'static> clap::builder::TypedValueParser for Listed<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        self.parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.values
                .iter()
                .map(|v| clap::builder::PossibleValue::new(*v)),
        ))
    }
}

fn parse_period(text: &str) -> Result<PeriodChoice, String> {
    if text.trim().eq_ignore_ascii_case("all") || text.trim() == "全部" {
        return Ok(PeriodChoice::All);
    }
    PeriodKind::from_cli(text)
        .map(PeriodChoice::Kind)
        .ok_or_else(|| {
            format!("unknown period kind {text:?}; use month, quarter, half, year or all")
        })
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        _ => Err(format!("unsupported delimiter {text:?}; use , ; or tab")),
    }
}

/// `--fail-under N`: a total, so an exact decimal from 0 to 100.
fn parse_fail_under(text: &str) -> Result<rust_decimal::Decimal, String> {
    let range = "N is a total from 0 to 100";
    let n = text
        .trim()
        .parse::<rust_decimal::Decimal>()
        .map_err(|_| format!("not a number; {range}"))?;
    if n < rust_decimal::Decimal::ZERO {
        return Err(format!("below 0; {range}"));
    }
    if n > rust_decimal::Decimal::ONE_HUNDRED {
        return Err(format!("above 100; {range}"));
    }
    Ok(n)
}

/// A size in bytes: a number with an optional K, M or G (powers of 1024; `B`, `iB`
/// and `b` after them allowed), at least 1K.
fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix(['B', 'b']))
        .unwrap_or(t);
    let (digits, shift) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 10),
        Some('m' | 'M') => (&t[..t.len() - 1], 20),
        Some('g' | 'G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let bytes = digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("{text:?} is not a size; write it like 64M, 1G or 512K"))?;
    if bytes < 1024 {
        return Err(format!("{text:?} is too small; give at least 1K"));
    }
    Ok(bytes)
}

/// Adds our hints to clap's usage errors: `kpi FILE` (a file where the command goes)
/// suggests `kpi score FILE`.
pub fn with_hints(mut error: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() == ErrorKind::InvalidSubcommand
        && let Some(ContextValue::String(word)) = error.get(ContextKind::InvalidSubcommand)
        && looks_like_a_file(word)
    {
        let tip = format!("to score a file, use 'kpi score {word}'");
        error.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![tip.into()]),
        );
    }
    error
}

/// A command line word that names a file rather than a command.
fn looks_like_a_file(word: &str) -> bool {
    word == "-" || word.contains(['/', '\\', '.']) || std::path::Path::new(word).exists()
}

pub const TEMPLATE_AFTER_HELP: &str = "\
Examples:
  kpi template --subject 华东办事处 --period 2026-11 -o 11月.xlsx
  kpi template --subjects offices.txt --period quarter --year 2026 -o 2026.xlsx
  kpi template --subject \"North office\" --period 2026-Q3 --lang en > q3.csv
  kpi template --subjects offices.txt --period month --year 2026 --encoding gb18030 -o 2026.csv

Fill in the actual column, then: kpi score FILE.";

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// A subject (an office, a person) to make rows for; repeat for more. Without any
    /// subject, the form has no subject column.
    #[arg(long = "subject", value_name = "NAME", value_parser = parse_subject)]
    pub subjects: Vec<String>,

    /// A file of subjects, one a line (UTF-8 or GB18030; blank lines skipped); `-`
    /// reads standard input. Adds to --subject.
    #[arg(long = "subjects", value_name = "FILE")]
    pub subjects_file: Option<String>,

    /// The period: a label (2026-11, 2026-Q3, 2026-H2, 2026, or any form kpi reads);
    /// repeat for more. Or a kind (month, quarter, half, year) with --year: every
    /// period of that kind in the year.
    #[arg(short, long, value_name = "PERIOD", required = true, value_parser = parse_form_period)]
    pub period: Vec<FormPeriod>,

    /// The year whose every month (quarter, half) --period KIND asks for.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(u16).range(1000..=9999))]
    pub year: Option<u16>,

    /// The scorecard definition [default: $KPI_CONFIG, else ./kpi.toml, else built in].
    #[arg(short, long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Targets per subject (see `kpi score --help`): each subject's rows get its own
    /// targets and assessed indicators [default: `targets` under [scorecard] in
    /// kpi.toml].
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub targets: Option<PathBuf>,

    /// csv or xlsx [default: the extension of --output, else csv].
    #[arg(short, long, value_enum)]
    pub format: Option<TemplateFormat>,

    /// Write to PATH instead of standard output (xlsx needs it). An existing file is
    /// not replaced without --force: it may be a form already filled in.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Replace the --output file if it exists.
    #[arg(long)]
    pub force: bool,

    /// Language of the form: headers, indicator names, units, sheet names [default:
    /// zh when LC_ALL, LC_MESSAGES or LANG starts with zh, else en].
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Encoding of a CSV form [default: utf-8, with a byte order mark for Excel].
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<TemplateEncoding>,

    /// A UTF-8 CSV form without the byte order mark (for other programs than Excel).
    #[arg(long)]
    pub no_bom: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TemplateEncoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(alias = "gbk")]
    Gb18030,
}

/// `--period`: one period, or a kind that `--year` makes into every period of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormPeriod {
    Label(Period),
    Kind(PeriodKind),
}

pub(crate) fn parse_form_period(text: &str) -> Result<FormPeriod, String> {
    if let Some(period) = Period::parse(text) {
        return Ok(FormPeriod::Label(period));
    }
    PeriodKind::from_cli(text)
        .map(FormPeriod::Kind)
        .ok_or_else(|| {
            "not a period: give a label such as 2026-11, 2026-Q3, 2026-H2 or 2026, \
             or a kind (month, quarter, half, year) with --year"
                .to_string()
        })
}

pub(crate) fn parse_subject(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("a subject needs a name".into());
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::{parse_encoding, parse_fail_under, parse_size};
    use kpi::read::encoding::Encoding;

    #[test]
    fn any_whatwg_encoding_label_but_the_unsafe_ones() {
        assert_eq!(
            parse_encoding("big5"),
            Ok(Encoding::from_label("big5").unwrap())
        );
        assert_eq!(parse_encoding("utf16be"), Ok(Encoding::Utf16Be));
        assert!(parse_encoding("replacement").is_err());
        assert!(parse_encoding("x-user-defined").is_err());
        assert!(parse_encoding("utf-7").is_err());
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("2MiB"), Ok(2 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("12").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn fail_under_is_a_total_from_0_to_100() {
        let n = |s: &str| parse_fail_under(s).map(|d| d.to_string());
        assert_eq!(n("0"), Ok("0".into()));
        assert_eq!(n("69.41"), Ok("69.41".into()));
        assert_eq!(n("100"), Ok("100".into()));
        assert_eq!(n("100.00"), Ok("100.00".into()));
        assert!(n("100.01").is_err());
        assert!(n("-0.01").is_err());
        assert!(n("abc").is_err());
        assert!(n("").is_err());
    }
}
