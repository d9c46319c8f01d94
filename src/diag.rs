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
}

impl Diagnostic {
    pub fn error(path: &str, line: usize, col: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_string(),
            line,
            col,
            message: message.into(),
            hint: None,
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

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.path)?;
        if self.line > 0 {
            write!(f, "{}:{}:", self.line, self.col)?;
        }
        if self.severity == Severity::Warning {
            write!(f, " warning:")?;
        }
        write!(f, " {}", self.message)?;
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
