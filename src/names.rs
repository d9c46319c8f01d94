//! Many short strings kept in one buffer: 100,000 subjects as 1.3 MB of text and
//! 0.8 MB of ends, not 100,000 allocations of their own (about twice that).

/// Strings in the order pushed, each found by its number.
#[derive(Clone, Debug, Default)]
pub struct Names {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<usize>,
}

impl Names {
    /// Adds a string; its number is `len()` before the push.
    pub fn push(&mut self, name: &str) {
        self.text.push_str(name);
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// String number `i` (empty past the end).
    pub fn get(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            i => self.ends.get(i - 1).copied().unwrap_or(0),
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.text.get(start..end).unwrap_or("")
    }

    pub fn last(&self) -> Option<&str> {
        self.len().checked_sub(1).map(|i| self.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The number of `name`, when the strings were pushed in code point order.
    pub fn find_sorted(&self, name: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.get(mid).cmp(name) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Frees what pushing left over.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_as_pushed() {
        let mut names = Names::default();
        for name in ["东区", "", "West office"] {
            names.push(name);
        }
        let back: Vec<&str> = names.iter().collect();
        assert_eq!(back, ["东区", "", "West office"]);
        assert_eq!((names.get(3), names.last()), ("", Some("West office")));
        let mut sorted = Names::default();
        for name in ["a", "b", "c", "东区"] {
            sorted.push(name);
        }
        let found: Vec<Option<usize>> = ["a", "c", "东区", "d", ""]
            .iter()
            .map(|n| sorted.find_sorted(n))
            .collect();
        assert_eq!(found, [Some(0), Some(2), Some(3), None, None]);
    }
}
