//! Backlink letters of a rendered reference list.
//!
//! A list entry shows one backlink per use: a lone `^` for one use, `^ a b c`
//! for three. Labels run `a`…`z`, `aa`, `ab`…; old pages used `1.0 1.1`.
//! The letters are read as the *expected sequence*, so `^ a b c d e f g de
//! Waal` is 7 uses (`de` is not `h`), and `^ a b c d eTolman` is 5 (the last
//! label is glued to a capitalised word).

use crate::parse::text::is_space;

/// The `index`-th backlink label (0-based): `a`…`z`, `aa`, `ab`…`az`, `ba`…
pub fn label(index: usize) -> String {
    const LETTERS: &[u8; 26] = b"abcdefghijklmnopqrstuvwxyz";
    if index < 26 {
        (LETTERS[index] as char).to_string()
    } else {
        let rest = index - 26;
        let first = LETTERS[(rest / 26) % 26] as char;
        let second = LETTERS[rest % 26] as char;
        format!("{first}{second}")
    }
}

/// The result of reading backlinks at the start of an entry's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backlinks {
    /// How many uses the backlinks claim.
    pub count: u32,
    /// Byte length of the backlink labels (and following spaces) to skip
    /// before the entry text.
    pub consumed: usize,
}

/// Reads backlink labels from `text`, which starts right after the caret.
/// With no labels (or a lone `a`, which is more likely the word "a") the
/// entry has one use.
pub fn read(text: &str) -> Backlinks {
    let lettered = read_letters(text);
    if lettered.count >= 2 {
        return lettered;
    }
    let numeric = read_numeric(text);
    if numeric.count >= 2 {
        return numeric;
    }
    Backlinks {
        count: 1,
        consumed: 0,
    }
}

fn read_letters(text: &str) -> Backlinks {
    let mut rest = text;
    let mut consumed = 0;
    let mut count = 0u32;
    loop {
        let expected = label(count as usize);
        let Some(after) = rest.strip_prefix(expected.as_str()) else {
            break;
        };
        match after.chars().next() {
            None => {
                count += 1;
                consumed += expected.len();
                break;
            }
            Some(c) if is_space(c) => {
                count += 1;
                let trimmed = after.trim_start_matches(is_space);
                consumed += expected.len() + (after.len() - trimmed.len());
                rest = trimmed;
            }
            // `eTolman`: the label is glued to a capitalised word.
            Some(c) if c.is_uppercase() || c == '"' || c == '“' => {
                count += 1;
                consumed += expected.len();
                break;
            }
            Some(_) => break,
        }
    }
    Backlinks { count, consumed }
}

/// Reads backlinks after a caret, or after an old skin's "Jump up": a bare
/// `Jump up ^` stands for one use, while `Jump up to: a b c` lists letters.
pub fn read_after(text: &str, jumped: bool) -> Backlinks {
    if jumped && !text.starts_with("a ") {
        Backlinks {
            count: 1,
            consumed: 0,
        }
    } else {
        read(text)
    }
}

/// Legacy `^ 1.0 1.1 1.2` labels.
fn read_numeric(text: &str) -> Backlinks {
    let mut rest = text;
    let mut consumed = 0;
    let mut count = 0u32;
    let mut prefix: Option<&str> = None;
    while let Some(token) = rest.split(is_space).next() {
        let Some((major, minor)) = token.split_once('.') else {
            break;
        };
        let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !numeric(major) || minor.parse::<u32>().ok() != Some(count) {
            break;
        }
        if prefix.is_some_and(|p| p != major) {
            break;
        }
        prefix = Some(major);
        count += 1;
        let after = &rest[token.len()..];
        let trimmed = after.trim_start_matches(is_space);
        consumed += token.len() + (after.len() - trimmed.len());
        rest = trimmed;
    }
    Backlinks { count, consumed }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(text: &str) -> (u32, &str) {
        let b = read(text);
        (b.count, &text[b.consumed..])
    }

    #[test]
    fn reads_the_expected_sequence() {
        assert_eq!(count("a b c Text"), (3, "Text"));
        assert_eq!(
            count("a b c d e f g de Waal, Thomas"),
            (7, "de Waal, Thomas")
        );
        assert_eq!(count("a b c d eTolman"), (5, "Tolman"));
        assert_eq!(count("Plain text"), (1, "Plain text"));
        assert_eq!(count("a study of things"), (1, "a study of things"));
        assert_eq!(count("1.0 1.1 1.2 Old style"), (3, "Old style"));
    }

    #[test]
    fn labels_go_past_z() {
        assert_eq!(label(0), "a");
        assert_eq!(label(25), "z");
        assert_eq!(label(26), "aa");
        assert_eq!(label(27), "ab");
        assert_eq!(label(52), "ba");
        let text: Vec<String> = (0..30).map(label).collect();
        assert_eq!(count(&format!("{} Text", text.join(" "))), (30, "Text"));
    }
}
