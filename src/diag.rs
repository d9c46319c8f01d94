//! Diagnostics: what the user must fix, and where (`path:line:col: message`).
//!
//! Loaders collect every problem they find instead of stopping at the first, so that
//! `kpi check` can report them all in one run.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a file. `line` and `col` are 1-based, `col` in characters; 0 when the
/// problem belongs to the whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The source line around the column, for showing with a caret on a terminal.
    pub snippet: Option<Snippet>,
    /// For a spreadsheet, the cell (`Sheet1!C7`), named instead of line and column.
    pub cell: Option<String>,
    /// The byte offset in the file's text, from which the snippet can be made later
    /// (problems found after the rows are sorted no longer have the line at hand).
    pub offset: Option<u64>,
}

/// At most `SNIPPET_CHARS` characters of a source line, and the display column (in
/// terminal cells, CJK counting two) of the character the diagnostic points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub caret: usize,
}

/// How much of a source line a snippet keeps: a 10 MB cell is not worth printing.
const SNIPPET_CHARS: usize = 100;

impl Diagnostic {
    pub fn error(path: &str, line: usize, col: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_string(),
            line,
            col,
            message: message.into(),
            hint: None,
            snippet: None,
            cell: None,
            offset: None,
        }
    }

    pub fn warning(path: &str, line: usize, col: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    pub fn with_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint;
        self
    }

    pub fn with_offset(mut self, offset: u64) -> Diagnostic {
        self.offset = Some(offset);
        self
    }

    pub fn with_snippet(mut self, snippet: Option<Snippet>) -> Diagnostic {
        self.snippet = snippet;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as shown on a terminal: the message, then the source line with a
    /// caret under the column, then the hint.
    pub fn render(&self, with_snippet: bool) -> String {
        let Some(snippet) = self.snippet.as_ref().filter(|_| with_snippet) else {
            return self.to_string();
        };
        let mut out = self.headline();
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        out.push_str(&format!(
            "\n{pad} |\n{number} | {}\n{pad} | {}^",
            snippet.text,
            " ".repeat(snippet.caret)
        ));
        if let Some(hint) = &self.hint {
            out.push_str(&format!("\n  hint: {hint}"));
        }
        out
    }

    fn headline(&self) -> String {
        let mut out = format!("{}:", self.path);
        if let Some(cell) = &self.cell {
            out.push_str(&format!("{cell}:"));
        } else if self.line > 0 {
            out.push_str(&format!("{}:{}:", self.line, self.col));
        }
        if self.severity == Severity::Warning {
            out.push_str(" warning:");
        }
        out.push(' ');
        out.push_str(&self.message);
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Turns byte offsets into 1-based line and character columns. CRLF, LF and a lone CR
/// each end a line.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    /// The snippet of the line holding a byte offset, with a caret under its character.
    pub fn snippet(&self, offset: usize) -> Snippet {
        let (line, col) = self.locate(offset);
        let start = self.starts[line - 1];
        let end = self.starts.get(line).copied().unwrap_or(self.text.len());
        let text = self.text[start..end].trim_end_matches(['\n', '\r']);
        // A window of the line around the column, so that a huge line stays small.
        let skip = (col - 1).saturating_sub(SNIPPET_CHARS / 2);
        let shown = |c: char| if c.is_control() { ' ' } else { c };
        let before: String = text
            .chars()
            .skip(skip)
            .take(col - 1 - skip)
            .map(shown)
            .collect();
        let window: String = text
            .chars()
            .skip(skip)
            .take(SNIPPET_CHARS)
            .map(shown)
            .collect();
        let lead = if skip > 0 { "…" } else { "" };
        let tail = if text.chars().skip(skip).nth(SNIPPET_CHARS).is_some() {
            "…"
        } else {
            ""
        };
        Snippet {
            caret: lead.len().min(1) + unicode_width::UnicodeWidthStr::width(before.as_str()),
            text: format!("{lead}{window}{tail}"),
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self.text[start..offset].chars().count() + 1;
        (line, col)
    }
}

/// Text from the input, quoted for a message, and cut short if it is long: a 10 MB
/// cell is named by its first characters, not repeated.
pub fn quoted(text: &str) -> String {
    const SHOWN: usize = 40;
    match text.char_indices().nth(SHOWN) {
        None => format!("{text:?}"),
        Some((end, _)) => {
            let more = text.chars().count() - SHOWN;
            format!("{:?}… ({more} more characters)", &text[..end])
        }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let word_lower = word.to_lowercase();
    let len = word_lower.chars().count();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&word_lower, &c.to_lowercase()), c))
        .filter(|&(distance, c)| {
            let longest = len.max(c.chars().count());
            distance > 0 && distance * 3 <= longest.max(3)
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_for_every_line_end() {
        let text = "ab\r\ncd\ref\ngh";
        let index = LineIndex::new(text);
        assert_eq!(index.locate(0), (1, 1));
        assert_eq!(index.locate(1), (1, 2));
        assert_eq!(index.locate(4), (2, 1));
        assert_eq!(index.locate(7), (3, 1));
        assert_eq!(index.locate(10), (4, 1));
    }

    #[test]
    fn columns_count_characters() {
        let text = "指标,实际\n服务费用率,x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.locate(x), (2, 7));
    }

    #[test]
    fn snippets_put_the_caret_under_the_column() {
        let text = "指标,实际\n服务费用率,abc\n";
        let index = LineIndex::new(text);
        let snippet = index.snippet(text.find("abc").unwrap());
        assert_eq!(snippet.text, "服务费用率,abc");
        assert_eq!(snippet.caret, 11); // five CJK characters are ten cells wide
        let d = Diagnostic::error("a.csv", 2, 7, "bad").with_snippet(Some(snippet));
        assert_eq!(
            d.render(true),
            "a.csv:2:7: bad\n  |\n2 | 服务费用率,abc\n  |            ^"
        );
        assert_eq!(d.render(false), "a.csv:2:7: bad");
    }

    #[test]
    fn a_snippet_of_a_huge_line_is_a_window() {
        let text = format!("{}x{}", "a".repeat(10_000), "b".repeat(10_000));
        let index = LineIndex::new(&text);
        let snippet = index.snippet(10_000);
        assert!(
            snippet.text.chars().count() <= SNIPPET_CHARS + 2,
            "{}",
            snippet.text.len()
        );
        assert_eq!(snippet.text.chars().nth(snippet.caret), Some('x'));
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["repair_timeliness", "complaints", "报修处理及时率"];
        assert_eq!(did_you_mean("complaint", names), Some("complaints"));
        assert_eq!(
            did_you_mean("Repair_Timelines", names),
            Some("repair_timeliness")
        );
        assert_eq!(did_you_mean("报修处理及时", names), Some("报修处理及时率"));
        assert_eq!(did_you_mean("turnover", names), None);
    }

    #[test]
    fn displays_as_path_line_col() {
        let d = Diagnostic::error("a.csv", 3, 7, "bad").with_hint(Some("fix it".into()));
        assert_eq!(d.to_string(), "a.csv:3:7: bad\n  hint: fix it");
        let w = Diagnostic::warning("a.csv", 0, 0, "odd");
        assert_eq!(w.to_string(), "a.csv: warning: odd");
    }
}

/// Problems kept per file; past this they are counted, not listed, so that a broken
/// file (a million bad columns, a million incomplete cards) cannot take a million
/// times its size in memory.
pub const MAX_PROBLEMS: usize = 200;

/// Every problem of a run, in the order found, at most `MAX_PROBLEMS` listed per file.
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<Diagnostic>,
    listed: std::collections::HashMap<String, usize>,
    /// Per file, in the order first met: problems counted, not listed.
    unlisted: Vec<(String, usize)>,
}

impl Problems {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        let listed = self.listed.entry(diagnostic.path.clone()).or_default();
        if *listed < MAX_PROBLEMS {
            *listed += 1;
            self.list.push(diagnostic);
            return;
        }
        match self
            .unlisted
            .iter_mut()
            .find(|(p, _)| *p == diagnostic.path)
        {
            Some((_, n)) => *n += 1,
            None => self.unlisted.push((diagnostic.path, 1)),
        }
    }

    /// Problems a reader has capped already, and the count of those it did not list.
    pub fn absorb(&mut self, path: &str, diagnostics: Vec<Diagnostic>, unlisted: usize) {
        for d in diagnostics {
            *self.listed.entry(d.path.clone()).or_default() += 1;
            self.list.push(d);
        }
        if unlisted > 0 {
            match self.unlisted.iter_mut().find(|(p, _)| p == path) {
                Some((_, n)) => *n += unlisted,
                None => self.unlisted.push((path.to_string(), unlisted)),
            }
        }
    }

    pub fn has_warnings(&self) -> bool {
        self.list.iter().any(|d| !d.is_error())
    }

    /// Whether any problem or warning has been found.
    pub fn has_any(&self) -> bool {
        !self.list.is_empty() || !self.unlisted.is_empty()
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error) || !self.unlisted.is_empty()
    }

    /// The problems listed, then a count of the rest for each file.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.into_sorted(&[])
    }

    /// The problems in the order of `files`, then of lines and columns in each, with
    /// a count of the unlisted ones after each file's: a reader reads them top down,
    /// whatever the order of the rows that revealed them.
    pub fn into_sorted(mut self, files: &[String]) -> Vec<Diagnostic> {
        let place = |path: &str| files.iter().position(|f| f == path).unwrap_or(0);
        self.list.sort_by_key(|d| (place(&d.path), d.line, d.col));
        for (path, more) in self.unlisted {
            self.list.push(Diagnostic::error(
                &path,
                0,
                0,
                format!(
                    "{more} more problems in this file are not listed; fix the ones above first"
                ),
            ));
        }
        self.list
    }
}
