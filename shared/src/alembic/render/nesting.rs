//! A guard run before parsing: Ruff's parser, the syntax tree's destructor and the
//! evaluator all recurse once per level of nesting, so input nested beyond what any
//! migration needs is refused up front instead of exhausting the stack.

/// CPython itself refuses more than 200 nested brackets ("too many nested parentheses").
const MAX_BRACKETS: usize = 200;
/// Prefix operators in a row (`- - - 1`) nest like brackets.
const MAX_PREFIX_RUN: usize = 200;

/// The byte offset where the source first nests too deeply, and why; strings and comments
/// are skipped.
pub fn too_deep(source: &str) -> Option<(usize, &'static str)> {
    let bytes = source.as_bytes();
    let mut brackets = 0usize;
    let mut prefix_run = 0usize;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'#' => {
                while bytes.get(at).is_some_and(|&b| b != b'\n') {
                    at += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                at = string_end(bytes, at);
                prefix_run = 0;
                continue;
            }
            b'(' | b'[' | b'{' => {
                brackets += 1;
                if brackets > MAX_BRACKETS {
                    return Some((at, "too many nested parentheses"));
                }
            }
            b')' | b']' | b'}' => brackets = brackets.saturating_sub(1),
            b'-' | b'+' | b'~' => {
                prefix_run += 1;
                if prefix_run > MAX_PREFIX_RUN {
                    return Some((at, "too many operators in a row"));
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' | b'\\' => {}
            _ => prefix_run = 0,
        }
        at += 1;
    }
    None
}

/// The offset just after the string literal opening at `start` (or the end of the source).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let Some(&quote) = bytes.get(start) else { return bytes.len() };
    let triple = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    let mut at = start + if triple { 3 } else { 1 };
    while let Some(&byte) = bytes.get(at) {
        if byte == b'\\' {
            at += 2;
            continue;
        }
        if byte == quote {
            if !triple {
                return at + 1;
            }
            if bytes.get(at + 1) == Some(&quote) && bytes.get(at + 2) == Some(&quote) {
                return at + 3;
            }
        } else if byte == b'\n' && !triple {
            return at + 1;
        }
        at += 1;
    }
    bytes.len()
}
