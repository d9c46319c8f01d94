//! A data file's header line: the delimiter it implies, and what each column holds
//! (SPEC §5). Shared by every layout and every kind of file.

use crate::model::{Column, Scorecard};

/// What a column of a data file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Known(Column),
    Indicator(usize),
    /// Empty header (its cells must stay empty), or unknown under `--ignore-unknown`.
    Ignored,
}

/// What a header cell names, before the header as a whole is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderCell {
    Empty,
    Known(Column),
    /// `indicator` or `actual` without the other: a long file needs both.
    Misplaced(Column),
    Indicator(usize),
    Unknown,
}

/// Whether a header (trimmed cells) is of the long layout: `indicator` and `actual`.
pub fn is_long(cells: &[&str]) -> bool {
    let has = |column| cells.iter().any(|c| Column::recognise(c) == Some(column));
    has(Column::Indicator) && has(Column::Actual)
}

pub fn classify(def: &Scorecard, cell: &str, long: bool) -> HeaderCell {
    if cell.is_empty() {
        return HeaderCell::Empty;
    }
    match Column::recognise(cell) {
        Some(column @ (Column::Indicator | Column::Actual)) if !long => {
            HeaderCell::Misplaced(column)
        }
        Some(column) => HeaderCell::Known(column),
        None if long => HeaderCell::Unknown,
        None => def
            .find(cell)
            .map_or(HeaderCell::Unknown, HeaderCell::Indicator),
    }
}

/// Comma, tab or semicolon: whichever occurs most in the header line (the first line
/// that is not blank) outside quotes, comma on a tie.
pub fn detect_delimiter(text: &str) -> u8 {
    let header = text
        .split(['\n', '\r'])
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let mut counts = [0usize; 3]; // , \t ;
    let mut quoted = false;
    let mut at_cell_start = true;
    for c in header.chars() {
        match c {
            '"' if quoted => quoted = false,
            '"' if at_cell_start => quoted = true,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
        at_cell_start = !quoted && matches!(c, ',' | '\t' | ';');
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    if counts[0] == best {
        b','
    } else if counts[1] == best {
        b'\t'
    } else {
        b';'
    }
}

/// Where the cells of the record starting at byte `start` begin, up to `limit` cells:
/// found by walking the raw text, since the CSV reader reports where a record starts
/// but not where its fields do. Quotes follow the reader's rules: a quote opens a
/// quoted cell only at the cell's start, and `""` inside one is a quote.
pub fn cell_starts(text: &[u8], start: usize, delimiter: u8, limit: usize) -> Vec<usize> {
    let mut starts = vec![start];
    let mut quoted = false;
    let mut i = start;
    while starts.len() < limit && i < text.len() {
        let b = text[i];
        if quoted {
            if b == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == b'"' && starts.last() == Some(&i) {
            quoted = true;
        } else if b == delimiter {
            starts.push(i + 1);
        } else if b == b'\n' || b == b'\r' {
            break;
        }
        i += 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_for_people_are_read_past_in_either_layout() {
        let def = crate::read::config::parse(crate::read::config::BUILTIN, "builtin")
            .expect("the built-in scorecard");
        for (cell, column) in [
            ("unit", Column::Unit),
            ("Unit", Column::Unit),
            ("单位", Column::Unit),
            ("target", Column::Target),
            ("TARGET", Column::Target),
            ("目标", Column::Target),
            ("note", Column::Note),
            ("备注", Column::Note),
            ("说明", Column::Note),
        ] {
            for long in [true, false] {
                assert_eq!(
                    classify(&def, cell, long),
                    HeaderCell::Known(column),
                    "{cell}"
                );
                assert!(column.is_information());
            }
        }
        assert_eq!(classify(&def, "targets", true), HeaderCell::Unknown);
    }

    #[test]
    fn the_delimiter_comes_from_the_first_non_blank_line() {
        assert_eq!(detect_delimiter("a,b;c,d"), b',');
        assert_eq!(detect_delimiter("a;b;c,d"), b';');
        assert_eq!(detect_delimiter("\n\na\tb\tc\n1,2,3,4,5"), b'\t');
        assert_eq!(detect_delimiter("\"a,b,c\";d;e"), b';');
        assert_eq!(detect_delimiter("a,b;c"), b',');
        assert_eq!(detect_delimiter("a,b\tc"), b',');
        assert_eq!(detect_delimiter(""), b',');
    }

    #[test]
    fn cells_start_where_the_csv_reader_says() {
        let text = b"a,\"b,\"\"c\",d\n";
        assert_eq!(cell_starts(text, 0, b',', 10), [0, 2, 10]);
        // A quote inside a cell does not open a quoted cell.
        let text = b"5\",abc\n";
        assert_eq!(cell_starts(text, 0, b',', 10), [0, 3]);
        assert_eq!(cell_starts(b"x;y;z", 0, b';', 2), [0, 2]);
    }
}
