//! Turning offsets into the line and column a person sees in an editor.

use serde::{Deserialize, Serialize};

/// A place in a file: 1-based line, 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Byte offsets of line starts in a text, for offset → line/column look-ups.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Line number of the text's first line in its file.
    first_line: u32,
    /// The file line of each line of the text, where the text was rendered from code.
    line_map: &'a [u32],
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, first_line: u32) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { text, line_starts, first_line, line_map: &[] }
    }

    /// Positions in a section's file: through its line map where it was rendered from code.
    pub fn of_section(section: &'a crate::revision::SqlSection) -> Self {
        Self { line_map: &section.line_map, ..Self::new(&section.sql, section.first_line) }
    }

    /// The position of a byte offset (clamped to the text's end and to a char boundary).
    pub fn position(&self, byte_offset: usize) -> Position {
        let mut offset = byte_offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count();
        let file_line = match self.line_map.get(line).or(self.line_map.last()) {
            Some(&mapped) => mapped,
            None => self.first_line + line as u32,
        };
        Position { line: file_line, column: column as u32 + 1 }
    }
}

/// The byte offset of the `char_index`-th character (0-based) of `text`, or its length.
pub fn byte_offset_of_char(text: &str, char_index: usize) -> usize {
    text.char_indices().nth(char_index).map_or(text.len(), |(offset, _)| offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_from_first_line_and_columns_in_chars() {
        let index = LineIndex::new("ab\nçé x\n", 10);
        assert_eq!(index.position(0), Position { line: 10, column: 1 });
        assert_eq!(index.position(3), Position { line: 11, column: 1 });
        // "çé " is 5 bytes; 'x' is the 4th character of line 11.
        assert_eq!(index.position(8), Position { line: 11, column: 4 });
        assert_eq!(index.position(999), Position { line: 12, column: 1 });
    }

    #[test]
    fn char_index_maps_to_byte_offset() {
        assert_eq!(byte_offset_of_char("çéx", 2), 4);
        assert_eq!(byte_offset_of_char("ab", 5), 2);
    }
}

/// At most a few items of a list, with how many more there are: `a, b, c, and 5 more` (for
/// messages that name candidates).
pub fn few<S: AsRef<str>>(items: &[S]) -> String {
    crate::words::few(items, crate::words::Lang::En)
}

#[cfg(test)]
mod few_tests {
    #[test]
    fn names_a_few_and_counts_the_rest() {
        assert_eq!(super::few(&["a", "b"]), "a, b");
        assert_eq!(super::few(&["a", "b", "c", "d"]), "a, b, c, d");
        assert_eq!(super::few(&["a", "b", "c", "d", "e", "f"]), "a, b, c, and 3 more");
    }
}
