//! What a reference entry says about its source: URLs, DOIs, ISBNs, quoted
//! titles and page pinpoints, each normalised so that two ways of writing the
//! same source compare equal.

use std::sync::LazyLock;

use regex::Regex;

static DOI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?-u:\b)10\.\d{4,9}/[^\s"<>]+"#).expect("valid regex"));
static ISBN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)ISBN(?:-1[03])?(?:\s*=|:)?[\s\u{a0}]*((?:97[89][\s-]?)?\d[\d\s-]{7,14}[\dX])(?-u:\b)",
    )
    .expect("valid regex")
});
/// `|title=…` in a wikitext citation template.
static TITLE_PARAMETER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\|\s*(?:title|trans-title)\s*=\s*([^|}\n]+)").expect("valid regex")
});
/// `(2004). Title.` — the title that follows an author-year.
static AUTHOR_YEAR_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\((?:c\. ?)?\d{4}[a-z]?\)\.?\s+([^.\n]+)\.").expect("valid regex")
});
static PINPOINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?-u:\b)p\.\s?p\.|(?-u:\b)pp?\.|(?-u:\b)pages?(?-u:\b)\s*=?|(?-u:\b)pg\.|\|\s*pp?\s*=)\s*(\d+(?:\s*[–—-]\s*\d+)?)")
        .expect("valid regex")
});
/// What one entry says about its source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceFacts {
    /// URLs, normalised (archive URLs count as their original).
    pub urls: Vec<String>,
    /// DOIs, lowercased.
    pub dois: Vec<String>,
    /// ISBNs as 13 digits (ISBN-10 folded).
    pub isbns: Vec<String>,
    /// Quoted titles, normalised.
    pub titles: Vec<String>,
}

/// Page pinpoints such as `172-173`, sorted. Only entries already grouped
/// as one source need them, so they are not part of [`SourceFacts`].
pub fn pinpoints(text: &str) -> Vec<String> {
    let mut pages: Vec<String> = PINPOINT
        .find_iter(text)
        .filter_map(|m| pinpoint_pages(m.as_str()))
        .map(|group| {
            group
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if matches!(c, '–' | '—') { '-' } else { c })
                .collect()
        })
        .collect();
    pages.sort();
    pages.dedup();
    pages
}

/// The pages of a [`PINPOINT`] match, what its capture group holds: the
/// match from its first digit (any script's, as the regex's Unicode `\d`; no
/// prefix holds a numeral), found without asking for captures, which need
/// the regex's slower engines.
fn pinpoint_pages(found: &str) -> Option<&str> {
    found.find(char::is_numeric).map(|i| &found[i..])
}

/// The title after an author and year, `Author (2004). Title. Publisher.`,
/// normalised: how books are written when nothing is quoted.
pub fn unquoted_title(text: &str) -> Option<String> {
    AUTHOR_YEAR_TITLE
        .captures(text)
        .map(|c| normalise_words(&c[1]))
        .filter(|t| t.len() >= 8)
}

/// Reads the facts of an entry's text.
pub fn facts(text: &str) -> SourceFacts {
    // Cheap byte checks spare the regexes most entries.
    // Finders are built once: building one per entry costs more than the
    // search itself on short texts.
    static FINDERS: LazyLock<[memchr::memmem::Finder<'static>; 4]> =
        LazyLock::new(|| ["://", "10.", "ISBN", "isbn"].map(memchr::memmem::Finder::new));
    let has = |finder: &memchr::memmem::Finder<'_>| finder.find(text.as_bytes()).is_some();
    let [url, doi, isbn_upper, isbn_lower] = &*FINDERS;
    let (has_url, has_doi, has_isbn, has_parameter) = (
        has(url),
        has(doi),
        has(isbn_upper) || has(isbn_lower),
        memchr::memchr(b'|', text.as_bytes()).is_some(),
    );
    let parameter_titles = has_parameter.then(|| {
        TITLE_PARAMETER
            .captures_iter(text)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
    });
    let mut facts = SourceFacts {
        urls: if has_url {
            crate::links::find_urls(text)
                .map(|range| crate::links::comparable(&text[range]))
                .collect()
        } else {
            Vec::new()
        },
        // A regex asked to search nothing still takes a cache from its pool
        // and allocates its captures: skip it outright when the bytes say no.
        dois: if has_doi {
            DOI.find_iter(text)
                .map(|m| normalise_doi(m.as_str()))
                .collect()
        } else {
            Vec::new()
        },
        isbns: if has_isbn {
            ISBN.find_iter(text)
                .filter_map(|m| isbn13(isbn_number(m.as_str())?))
                .collect()
        } else {
            Vec::new()
        },
        titles: quoted_titles(text)
            .into_iter()
            .chain(parameter_titles.into_iter().flatten())
            .map(normalise_words)
            .filter(|t| t.len() >= 12 && t.contains(' '))
            .collect(),
    };
    for list in [
        &mut facts.urls,
        &mut facts.dois,
        &mut facts.isbns,
        &mut facts.titles,
    ] {
        list.sort();
        list.dedup();
    }
    facts
}

/// The number of an [`ISBN`] match: what its capture group holds, found
/// without asking the regex for captures (which needs its slower engines).
/// The group is the match from its first digit after `ISBN`, `ISBN-10` or
/// `ISBN-13`: the separators before it hold no numerals.
fn isbn_number(found: &str) -> Option<&str> {
    // "ISBN" is four characters, not always four bytes (`(?i)` lets `ſ`
    // match `s`).
    let (prefix_end, _) = found.char_indices().nth(4)?;
    let rest = &found[prefix_end..];
    let rest = rest
        .strip_prefix("-10")
        .or_else(|| rest.strip_prefix("-13"))
        .unwrap_or(rest);
    // Any script's digit, as the regex's Unicode `\d`.
    let start = rest.find(char::is_numeric)?;
    Some(&rest[start..])
}

/// Normalises a URL for comparison (see [`crate::links::normalise`]); an
/// archive URL becomes the URL it archives.
pub fn normalise_url(url: &str) -> String {
    crate::links::comparable(url)
}

/// Lowercases a DOI and drops trailing punctuation.
pub fn normalise_doi(doi: &str) -> String {
    doi.trim_end_matches(['.', ',', ';', ':', ')'])
        .to_ascii_lowercase()
}

/// An ISBN as 13 digits; ISBN-10 is folded to ISBN-13. `None` for anything
/// that is not 10 or 13 characters long once hyphens and spaces are removed.
pub fn isbn13(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .collect();
    match digits.len() {
        13 if digits.bytes().all(|b| b.is_ascii_digit()) => Some(digits),
        10 if digits[..9].bytes().all(|b| b.is_ascii_digit()) => {
            let body = format!("978{}", &digits[..9]);
            let sum: u32 = body
                .bytes()
                .enumerate()
                .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
                .sum();
            Some(format!("{body}{}", (10 - sum % 10) % 10))
        }
        _ => None,
    }
}

/// Letters and digits of U+0000 to U+07FF (Latin, Greek, Cyrillic, Hebrew,
/// Arabic: every character written in one or two UTF-8 bytes), one bit
/// each, and their lowercase forms. The standard library's Unicode lookups
/// cost hundreds of instructions a character; these tables are built once.
struct TwoByteTables {
    word: [u64; 32],
    /// The single lowercase character, or `None` when there is none or it is
    /// more than one character (`İ` → `i̇`).
    lower: Box<[Option<char>; 0x800]>,
}

static TWO_BYTE: LazyLock<TwoByteTables> = LazyLock::new(|| {
    let mut word = [0u64; 32];
    let mut lower = Box::new([None; 0x800]);
    for (cp, slot) in lower.iter_mut().enumerate() {
        let Some(c) = char::from_u32(cp as u32) else {
            continue;
        };
        if c.is_alphanumeric() {
            word[cp / 64] |= 1 << (cp % 64);
        }
        let mut lowered = c.to_lowercase();
        if let (Some(l), None) = (lowered.next(), lowered.next()) {
            *slot = Some(l);
        }
    }
    TwoByteTables { word, lower }
});

/// `c.is_alphanumeric()`, quickly for the common scripts and punctuation.
fn is_word_char(c: char) -> bool {
    let cp = c as usize;
    if cp < 0x800 {
        TWO_BYTE.word[cp / 64] & (1 << (cp % 64)) != 0
    } else if (0x2000..=0x206F).contains(&cp) {
        // General Punctuation (dashes, quotes, spaces): no letters or digits.
        false
    } else {
        c.is_alphanumeric()
    }
}

/// Appends `c` lowercased, UTF-8 encoded.
fn push_lowercase(out: &mut Vec<u8>, c: char) {
    let mut push = |c: char| out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    match TWO_BYTE.lower.get(c as usize) {
        Some(Some(lower)) => push(*lower),
        _ => c.to_lowercase().for_each(push),
    }
}

/// ASCII letters and digits lowercased; 0 for every other ASCII byte.
const ASCII_WORD_BYTES: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() {
            table[b] = byte.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// Lowercase words joined by single spaces; everything that is not a letter or
/// digit separates words.
pub fn normalise_words(text: &str) -> String {
    // Entries are mostly ASCII in short words: byte by byte through a table
    // beats copying word by word.
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut pending_space = false;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if b.is_ascii() {
            at += 1;
            match ASCII_WORD_BYTES[usize::from(b)] {
                0 => pending_space = !out.is_empty(),
                lower => {
                    if pending_space {
                        out.push(b' ');
                        pending_space = false;
                    }
                    out.push(lower);
                }
            }
            continue;
        }
        let c = text[at..].chars().next().expect("at a char boundary");
        at += c.len_utf8();
        if !is_word_char(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(b' ');
            pending_space = false;
        }
        push_lowercase(&mut out, c);
    }
    // Only whole characters were pushed.
    String::from_utf8(out).expect("valid UTF-8")
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '«' | '»' | '„')
}

/// Quoted stretches that look like titles. Every stretch between two quote
/// marks is a candidate, so a title survives debris before it (an entry that
/// starts with `" + hours + ':' + min + "` still yields its real title).
fn quoted_titles(text: &str) -> Vec<&str> {
    // Every quote mark starts with `"`, 0xC2 or 0xE2: a byte search finds
    // the few candidates instead of decoding every character.
    let quotes: Vec<usize> = memchr::memchr3_iter(b'"', 0xC2, 0xE2, text.as_bytes())
        .filter(|&i| text[i..].chars().next().is_some_and(is_quote))
        .collect();
    quotes
        .windows(2)
        .filter_map(|pair| {
            let open = pair[0];
            let start = open + text[open..].chars().next().map_or(1, char::len_utf8);
            let candidate = &text[start..pair[1]];
            title_like(candidate).then_some(candidate)
        })
        .collect()
}

/// Whether a quoted stretch looks like a title: starts with a letter or
/// digit, does not end in a space, has two words, and holds none of the
/// characters of code (`+ = { } |`).
fn title_like(candidate: &str) -> bool {
    let (Some(first), Some(last)) = (candidate.chars().next(), candidate.chars().next_back())
    else {
        return false;
    };
    // Two words at least: the first character is a letter and the last is
    // not a space, so one space anywhere makes a second word. Bytes first:
    // decoding every character was a visible cost.
    let has_space = candidate
        .bytes()
        .any(|b| matches!(b, b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' '))
        || (!candidate.is_ascii()
            && candidate
                .chars()
                .any(|c| !c.is_ascii() && c.is_whitespace()));
    first.is_alphanumeric()
        && !last.is_whitespace()
        && has_space
        && !candidate
            .bytes()
            .any(|b| matches!(b, b'+' | b'=' | b'{' | b'}' | b'|'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn_ten_folds_to_thirteen() {
        assert_eq!(isbn13("1-56432-081-2").as_deref(), Some("9781564320810"));
        assert_eq!(
            isbn13("978-1-56432-081-0").as_deref(),
            Some("9781564320810")
        );
        assert_eq!(isbn13("0-8147-1944-9").as_deref(), Some("9780814719442"));
        assert_eq!(isbn13("123"), None);
    }

    #[test]
    fn urls_normalise_and_archives_unwrap() {
        assert_eq!(
            normalise_url("https://www.Example.org/a/#x"),
            "example.org/a"
        );
        assert_eq!(
            normalise_url("https://web.archive.org/web/20160603000000/http://example.org/a/"),
            "example.org/a"
        );
        assert_eq!(
            normalise_url("http://archive.ph/20190101000000/https://example.org/a"),
            "example.org/a"
        );
    }

    #[test]
    fn facts_of_an_entry() {
        let facts = facts(
            "de Waal (2004). \"Garden\". p. 172. ISBN 0-8147-1945-7. doi:10.1000/XYZ.1. https://www.example.org/x/",
        );
        assert_eq!(facts.isbns, ["9780814719459"]);
        assert_eq!(facts.dois, ["10.1000/xyz.1"]);
        assert_eq!(facts.urls, ["example.org/x"]);
        assert_eq!(pinpoints("p. 172."), ["172"]);
        assert!(facts.titles.is_empty(), "one-word title is too short");
    }

    #[test]
    fn titles_survive_debris() {
        let text = "\" + hours + ':' + min + \" \" + time + \". \"A President, an Interview, and a Tragic Anniversary\". Archived.";
        assert_eq!(
            facts(text).titles,
            ["a president an interview and a tragic anniversary"]
        );
    }

    #[test]
    fn citation_template_parameters() {
        let f = facts("{{cite book |title=Black Garden: Armenia |isbn=0-8147-1945-7 |page=5}}");
        assert_eq!(f.isbns, ["9780814719459"]);
        assert_eq!(f.titles, ["black garden armenia"]);
        assert_eq!(pinpoints("|page=5}}"), ["5"]);
    }

    /// The definition [`normalise_words`] must agree with, char by char
    /// through the standard library.
    fn normalise_words_slowly(text: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        for c in text.chars() {
            if !c.is_alphanumeric() {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.extend(c.to_lowercase());
        }
        out
    }

    #[test]
    fn words_agree_with_the_char_by_char_definition() {
        for text in [
            "",
            "  A  b-C ",
            "Hello, World! 42x",
            "--x--",
            "a\tB\nc",
            "İstanbul – Ünal ΣΑ «x»",
            "Ходжалинская трагедия\u{a0}(1992) — “Ağdam” ½ ² µ ª",
        ] {
            assert_eq!(
                normalise_words(text),
                normalise_words_slowly(text),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn words_agree_with_the_definition_on_any_text(text in "\\PC{0,64}") {
            proptest::prop_assert_eq!(normalise_words(&text), normalise_words_slowly(&text));
        }
    }

    proptest::proptest! {
        #[test]
        fn title_test_agrees_with_its_definition(candidate in "[a-zA-Z0-9 \\t\u{a0}\u{2003}\u{85}+={}|é.,-]{0,12}") {
            let definition = candidate.chars().next().is_some_and(char::is_alphanumeric)
                && !candidate.chars().next_back().is_some_and(char::is_whitespace)
                && candidate.split_whitespace().nth(1).is_some()
                && !candidate.contains(['+', '=', '{', '}', '|']);
            proptest::prop_assert_eq!(title_like(&candidate), definition, "{:?}", candidate);
        }
    }

    proptest::proptest! {
        #[test]
        fn isbn_numbers_are_the_capture_group(
            text in "(x|ISBN|isbn|Iſbn|-1[03]|:| |=|\u{a0}|[0-9]{1,4}|[٠-٩]{1,3}|²|-|X){0,12}"
        ) {
            let by_captures: Vec<&str> = ISBN.captures_iter(&text).map(|c| c.get(1).unwrap().as_str()).collect();
            let by_hand: Vec<&str> = ISBN.find_iter(&text).filter_map(|m| isbn_number(m.as_str())).collect();
            proptest::prop_assert_eq!(by_hand, by_captures, "{:?}", text);
        }
    }

    proptest::proptest! {
        #[test]
        fn pinpoints_are_the_capture_group(
            text in "(x|p\\.|pp\\.|P\\.p\\.|pages?|pg\\.|\\||=| |–|-|[0-9]{1,3}|[٠-٩]{1,2}|²){0,12}"
        ) {
            let by_captures: Vec<&str> = PINPOINT.captures_iter(&text).map(|c| c.get(1).unwrap().as_str()).collect();
            let by_hand: Vec<&str> = PINPOINT.find_iter(&text).filter_map(|m| pinpoint_pages(m.as_str())).collect();
            proptest::prop_assert_eq!(by_hand, by_captures, "{:?}", text);
        }
    }

    #[test]
    fn the_tables_agree_with_the_standard_library_for_every_char_they_answer() {
        for cp in (0..0x800).chain(0x2000..=0x206F) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{cp:04X}");
            let mut ours = Vec::new();
            push_lowercase(&mut ours, c);
            let theirs: String = c.to_lowercase().collect();
            assert_eq!(ours, theirs.as_bytes(), "U+{cp:04X}");
        }
    }

    #[test]
    fn pinpoint_forms() {
        assert_eq!(
            pinpoints("pp. 172–173, Page 171, p.p. 213-214"),
            ["171", "172-173", "213-214"]
        );
    }
}
