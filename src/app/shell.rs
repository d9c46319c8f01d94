//! `kpi completions SHELL` and `kpi man`: the shell integration, generated from the
//! same clap definitions as `--help`.

use std::io::{self, Write};

use clap::CommandFactory;

use super::EXIT_OK;
use anyhow::Context;

use crate::app::args::{Cli, ManArgs};

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    let mut command = Cli::command();
    // Generated into memory first: clap_complete panics when its writer fails (a closed
    // pipe), and a failed write here is an error like any other, or no error at all.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "kpi", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(EXIT_OK)
}

/// `kpi man`: one page per command (kpi.1, kpi-score.1, …), printed or written to a
/// folder. Each page is clap_mangen's, but for its examples: those are kept line for
/// line as written (roff would fill and justify them), and the exit status has a
/// section of its own.
pub fn man(args: &ManArgs) -> anyhow::Result<i32> {
    let pages = pages();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot make the folder {}", dir.display()))?;
        for (name, page) in &pages {
            let path = dir.join(name);
            std::fs::write(&path, page)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        eprintln!("wrote {} manual pages to {}", pages.len(), dir.display());
        return Ok(EXIT_OK);
    }
    let wanted = match &args.command {
        Some(command) => format!("kpi-{command}.1"),
        None => "kpi.1".to_string(),
    };
    let Some((_, page)) = pages.iter().find(|(name, _)| *name == wanted) else {
        let commands: Vec<&str> = pages
            .iter()
            .filter_map(|(name, _)| name.strip_prefix("kpi-")?.strip_suffix(".1"))
            .collect();
        let mut root = Cli::command();
        root.build();
        let Some(command) = root.find_subcommand_mut("man") else {
            return Ok(super::EXIT_USAGE);
        };
        return Err(command
            .error(
                clap::error::ErrorKind::InvalidValue,
                format!(
                    "no manual page for {:?}; the commands are {}",
                    args.command.as_deref().unwrap_or_default(),
                    commands.join(", ")
                ),
            )
            .into());
    };
    let mut out = io::stdout().lock();
    out.write_all(page)?;
    out.flush()?;
    Ok(EXIT_OK)
}

/// Every page, named as `man` finds it: `kpi.1`, then `kpi-COMMAND.1`.
fn pages() -> Vec<(String, Vec<u8>)> {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let mut commands: Vec<clap::Command> = vec![root.clone()];
    commands.extend(root.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    let names: Vec<String> = commands
        .iter()
        .map(|c| c.get_display_name().unwrap_or(c.get_name()).to_string())
        .collect();
    commands
        .into_iter()
        .map(|command| {
            let name = command
                .get_display_name()
                .unwrap_or(command.get_name())
                .to_string();
            let page = page(command, &name, &names);
            (format!("{name}.1"), page)
        })
        .collect()
}

fn page(command: clap::Command, name: &str, names: &[String]) -> Vec<u8> {
    let extra = command
        .get_after_help()
        .map(|text| text.to_string())
        .unwrap_or_default();
    let has_args = command.get_arguments().any(|a| !a.is_hide_set());
    let has_subcommands = command.has_subcommands();
    let has_version = command.get_version().is_some();
    let man = clap_mangen::Man::new(command);
    let mut page = Vec::new();
    // Writing into memory cannot fail.
    let _ = man.render_title(&mut page);
    let _ = man.render_name_section(&mut page);
    let _ = man.render_synopsis_section(&mut page);
    let _ = man.render_description_section(&mut page);
    if has_args {
        let _ = man.render_options_section(&mut page);
    }
    if has_subcommands {
        let _ = man.render_subcommands_section(&mut page);
    }
    let (examples, exit_status) = match extra.split_once("\n\nExit status:") {
        Some((examples, status)) => (examples, Some(status.trim())),
        None => (extra.as_str(), None),
    };
    let examples = examples
        .trim()
        .strip_prefix("Examples:")
        .unwrap_or(examples);
    if !examples.trim().is_empty() {
        page.extend_from_slice(b".SH EXAMPLES\n.nf\n");
        for line in examples.trim_matches('\n').lines() {
            page.extend_from_slice(roff_line(line).as_bytes());
        }
        page.extend_from_slice(b".fi\n");
    }
    if let Some(status) = exit_status {
        page.extend_from_slice(b".SH \"EXIT STATUS\"\n");
        page.extend_from_slice(roff_line(status).as_bytes());
    }
    let others: Vec<String> = names
        .iter()
        .filter(|n| *n != name)
        .map(|n| format!("\\fB{}\\fR(1)", n.replace('-', "\\-")))
        .collect();
    page.extend_from_slice(format!(".SH \"SEE ALSO\"\n{}\n", others.join(", ")).as_bytes());
    if has_version {
        let _ = man.render_version_section(&mut page);
    }
    page
}

/// A line of text as roff reads it verbatim: backslashes escaped, and a leading `.` or
/// `'` (a request) defused.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}\n")
    } else {
        format!("{escaped}\n")
    }
}
