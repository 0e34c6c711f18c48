//! HTML: rendered pages (MediaWiki and its Parsoid output) and hand-written
//! HTML drafts.
//!
//! # Approach
//!
//! The input is tokenized by [`html5gum`], a WHATWG-compliant tokenizer that
//! decodes entities and reports byte spans into the original text. Its
//! events drive a *light element stack*: no tree is built, but the stack
//! knows enough of HTML's forgiveness to keep the context right — void
//! elements are never pushed, an open `<li>` is closed by the next `<li>`,
//! an open `<p>` by the next block, an end tag closes everything opened
//! after its element, and stray end tags are ignored. The tokenizer switches
//! to raw text inside `<script>`, `<style>` and the like, so their content
//! is never read as markup, and the parser never reads it as text.
//!
//! Pass 1 does little work per tag and per byte: the tokenizer's events go
//! straight to the collector (no token is built, and parse errors are
//! switched off), only the attributes the parser reads are kept, names and
//! attribute values are compared as bytes, element names become numbers
//! (`El` for the known ones), and text that is a copy of its source is used
//! in place.
//!
//! The document is read in two passes:
//!
//! 1. **Collect** (one pass over the tokens). Each open element may set a
//!    context: invisible (`script`, `style`, `head`, `display:none`), no
//!    markers (`code`, `pre`, `math`, navboxes, `[edit]` links, external
//!    autonumber links, backlinks), inside a reference list
//!    (`<ol class="references">`, any `<ol>` in a `div.reflist` or under a
//!    References/Notes heading), inside an entry (an `<li>` of such a list),
//!    inside its `reference-text`. Candidates are collected in source order:
//!    every `<sup>` whose visible text is one bracket group (`[3]`,
//!    `[note 1]`, `[citation needed]`, with `&#91;`, `cite-bracket` spans
//!    and nested links stripped), and every `[…]` in other visible text.
//!    Each candidate records the visible text since the previous one (so
//!    `</sup><sup class="reference">` counts as adjacency), the visible
//!    characters around it (for spacing and punctuation) and the fragment of
//!    the link it sits in.
//! 2. **Build**. Candidates are classified with the shared marker grammar
//!    ([`markers::classify`]); the lists get their groups
//!    (`assign_list_groups`) and their entries their keys; the markers are
//!    fed to a [`ClusterBuilder`] per region (body, or one entry) with the
//!    visible gap declared by the caller.
//!
//! # Keys
//!
//! An `<ol>` numbers its items itself, so HTML lists are never `numbered`
//! (they cannot skip). An entry's key is the number at the end of its id
//! (`cite_note-3` and `cite_note-smith-3` are 3; `cite_note-a` is `a`) or
//! else its position in the list. MediaWiki numbers its ids with one counter
//! for *all* groups, so on a page with notes the ids of the references run
//! ahead of the printed numbers. The markers' links decide: when more markers
//! that link into a list agree with the entries' positions than with their
//! ids, the list is keyed by position (or by letter, for a notes list).
//!
//! # Spans
//!
//! Decoded text is mapped back to the original bytes piece by piece: runs
//! that equal the source map exactly, an entity maps to the whole entity, and
//! anything the mapping cannot follow maps to its whole token. A citation's
//! span is its number inside the link text; a cluster's span covers its
//! `<sup>` elements; every span is a valid char-boundary range of the file.

use std::collections::HashMap;
use std::convert::Infallible;

use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Tokenizer};

use crate::links::href_link;
use crate::model::{Directive, Document, Entry, Group, Key, Link, ParseNote, RefList};
use crate::parse::backlinks;
use crate::parse::directives;
use crate::parse::markers::{
    self, ClusterBuilder, MarkerContext, MarkerItem, MarkerKind, RawMarker,
};
use crate::parse::{HeadingKind, ParseOptions, assign_list_groups, heading_kind};
use crate::source::Span;

/// Bracket contents longer than this are never markers (as in the grammar).
const MAX_MARKER_LEN: usize = 64;
/// A `<sup>` with more visible text than this is not a marker.
const SUP_TEXT_CAP: usize = 256;
/// Heading text kept for recognising the heading.
const HEADING_CAP: usize = 256;
/// Visible text kept between two candidates; longer gaps break a cluster.
const GAP_CAP: usize = 16;
/// How far down the stack an implicit `</li>` or `</p>` is looked for.
const IMPLICIT_CLOSE_DEPTH: usize = 64;

/// Parses HTML into a [`Document`].
pub fn parse(text: &str, options: &ParseOptions) -> Document {
    let scan = Collector::new(text).run();
    build(text, scan, options)
}

// ---------------------------------------------------------------------------
// Decoded text mapped back to source bytes
// ---------------------------------------------------------------------------

/// A piece of decoded text and the source bytes it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seg {
    /// Start in the decoded text.
    dec: usize,
    /// Start in the source.
    raw: usize,
    dec_len: usize,
    raw_len: usize,
    /// The decoded bytes equal the source bytes, so offsets map one to one.
    exact: bool,
}

/// Decoded text with a piecewise map back into the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct MappedText {
    text: String,
    segs: Vec<Seg>,
}

impl MappedText {
    /// The decoded `value` of a text token whose source is `source[raw]`.
    fn from_token(value: &str, source: &str, raw: Span) -> Self {
        let mut mapped = MappedText::default();
        mapped.push_token(value, source, raw);
        mapped
    }

    fn push_exact(&mut self, s: &str, raw: usize) {
        if s.is_empty() {
            return;
        }
        let dec = self.text.len();
        match self.segs.last_mut() {
            Some(last)
                if last.exact
                    && last.dec + last.dec_len == dec
                    && last.raw + last.raw_len == raw =>
            {
                last.dec_len += s.len();
                last.raw_len += s.len();
            }
            _ => self.segs.push(Seg {
                dec,
                raw,
                dec_len: s.len(),
                raw_len: s.len(),
                exact: true,
            }),
        }
        self.text.push_str(s);
    }

    fn push_coarse(&mut self, s: &str, raw: Span) {
        if s.is_empty() {
            return;
        }
        self.segs.push(Seg {
            dec: self.text.len(),
            raw: raw.start,
            dec_len: s.len(),
            raw_len: raw.len(),
            exact: false,
        });
        self.text.push_str(s);
    }

    /// Appends a token, aligning its decoded text with the source.
    fn push_token(&mut self, value: &str, source: &str, raw: Span) {
        let Some(raw_text) = source.get(raw.range()) else {
            let at = crate::parse::floor_char_boundary(source, raw.start);
            self.push_coarse(value, Span::new(at, at));
            return;
        };
        if raw_text == value {
            self.push_exact(value, raw.start);
            return;
        }
        let base = raw.start;
        let (mut i, mut j) = (0, 0);
        while j < value.len() {
            let run = common_run(&raw_text[i..], &value[j..]);
            if run > 0 {
                self.push_exact(&value[j..j + run], base + i);
                i += run;
                j += run;
                continue;
            }
            let Some(d) = value[j..].chars().next() else {
                break;
            };
            let Some(r) = raw_text[i..].chars().next() else {
                // The source ran out first: the rest maps to its end.
                self.push_coarse(&value[j..], Span::new(raw.end, raw.end));
                return;
            };
            let literal_amp =
                r != '&' || raw_text[i..].chars().take(6).eq(value[j..].chars().take(6));
            if r == d && literal_amp {
                self.push_exact(&value[j..j + d.len_utf8()], base + i);
                i += r.len_utf8();
                j += d.len_utf8();
            } else if r == '&' {
                match resync(raw_text, i, value, j) {
                    Some((k, m)) => {
                        self.push_coarse(&value[j..j + m], Span::new(base + i, base + k));
                        i = k;
                        j += m;
                    }
                    None => {
                        self.push_coarse(&value[j..], Span::new(base + i, raw.end));
                        return;
                    }
                }
            } else if r == '\r' && d == '\n' {
                // CR LF (or a lone CR) is normalised to LF.
                let k = if raw_text[i + 1..].starts_with('\n') {
                    i + 2
                } else {
                    i + 1
                };
                self.push_coarse("\n", Span::new(base + i, base + k));
                i = k;
                j += 1;
            } else {
                // A substitution (NUL to U+FFFD and the like): char for char.
                self.push_coarse(
                    &value[j..j + d.len_utf8()],
                    Span::new(base + i, base + i + r.len_utf8()),
                );
                i += r.len_utf8();
                j += d.len_utf8();
            }
        }
    }

    /// Appends another mapped text.
    fn append(&mut self, other: &MappedText) {
        let shift = self.text.len();
        for seg in &other.segs {
            let piece = &other.text[seg.dec..seg.dec + seg.dec_len];
            if seg.exact {
                self.push_exact(piece, seg.raw);
            } else {
                self.segs.push(Seg {
                    dec: seg.dec + shift,
                    ..*seg
                });
                self.text.push_str(piece);
            }
        }
    }

    /// The sub-text `range` (char boundaries of the decoded text) with its map.
    fn slice(&self, range: std::ops::Range<usize>) -> MappedText {
        let mut out = MappedText::default();
        let first = self
            .segs
            .partition_point(|s| s.dec + s.dec_len <= range.start);
        for seg in &self.segs[first..] {
            if seg.dec >= range.end {
                break;
            }
            let a = seg.dec.max(range.start);
            let b = (seg.dec + seg.dec_len).min(range.end);
            let piece = &self.text[a..b];
            if seg.exact {
                out.push_exact(piece, seg.raw + (a - seg.dec));
            } else {
                out.push_coarse(piece, Span::new(seg.raw, seg.raw + seg.raw_len));
            }
        }
        out
    }

    /// Maps a decoded range to the source. Empty or unmappable ranges map
    /// to where they would start.
    fn map(&self, span: Span) -> Span {
        let Some(last) = self.segs.last() else {
            return Span::default();
        };
        let start = self
            .map_start(span.start)
            .unwrap_or(last.raw + last.raw_len);
        let end = if span.end > span.start {
            self.map_end(span.end).unwrap_or(start)
        } else {
            start
        };
        Span::new(start, end.max(start))
    }

    fn seg_at(&self, d: usize) -> Option<&Seg> {
        let i = self.segs.partition_point(|s| s.dec + s.dec_len <= d);
        self.segs.get(i).filter(|s| s.dec <= d)
    }

    fn map_start(&self, d: usize) -> Option<usize> {
        let seg = self.seg_at(d)?;
        Some(if seg.exact {
            seg.raw + (d - seg.dec)
        } else {
            seg.raw
        })
    }

    fn map_end(&self, d: usize) -> Option<usize> {
        let seg = self.seg_at(d.checked_sub(1)?)?;
        Some(if seg.exact {
            seg.raw + (d - seg.dec)
        } else {
            seg.raw + seg.raw_len
        })
    }
}

/// How many leading bytes `raw` and `value` share before any `&`, ending on
/// a char boundary: a run that maps one to one, taken in one piece.
fn common_run(raw: &str, value: &str) -> usize {
    let mut n = raw
        .bytes()
        .zip(value.bytes())
        .take_while(|&(r, d)| r == d && r != b'&')
        .count();
    while !value.is_char_boundary(n) {
        n -= 1;
    }
    n
}

/// Where an entity that starts at `raw[i]` ends, and how many decoded bytes
/// it produced (`value[j..j + m]`). Prefers a `;`-terminated name after which
/// source and decoded text agree again, then the shortest agreeing length
/// (legacy entities such as `&amp` without a semicolon).
fn resync(raw: &str, i: usize, value: &str, j: usize) -> Option<(usize, usize)> {
    let limit = (i + 40).min(raw.len());
    let mut produced = value[j..].char_indices().map(|(k, c)| k + c.len_utf8());
    for _ in 0..2 {
        let m = produced.next()?;
        let rest = &value[j + m..];
        let agrees = |k: usize| match rest.chars().next() {
            None => true,
            Some(c) => {
                let after = &raw[k..];
                after.is_empty() || after.starts_with(c) || after.starts_with(['&', '\r'])
            }
        };
        let boundaries = || (i + 2..=limit).filter(|&k| raw.is_char_boundary(k));
        // 1. `&name;` / `&#91;` / `&#x5B;`
        for k in boundaries() {
            if let Some(name) = raw[i + 1..k].strip_suffix(';') {
                if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#') && agrees(k) {
                    return Some((k, m));
                }
                break;
            }
        }
        if rest.is_empty() {
            return Some((raw.len(), m));
        }
        // 2. the shortest length after which the texts agree again
        for k in boundaries() {
            if raw[k..].starts_with(rest.chars().next()?) {
                return Some((k, m));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Pass 1: collect
// ---------------------------------------------------------------------------

/// Frame flags. Each has a depth counter in [`Collector::depth`].
mod flag {
    pub const INVISIBLE: u32 = 1 << 0;
    pub const NO_MARKERS: u32 = 1 << 1;
    pub const EXT_ANCHOR: u32 = 1 << 2;
    pub const ANCHOR: u32 = 1 << 3;
    pub const SUP_ROOT: u32 = 1 << 4;
    pub const ENTRY: u32 = 1 << 5;
    pub const LIST: u32 = 1 << 6;
    pub const LISTISH: u32 = 1 << 7;
    pub const HEADING: u32 = 1 << 8;
    pub const BACKLINK: u32 = 1 << 9;
    pub const REF_TEXT: u32 = 1 << 10;
    pub const REFLIST: u32 = 1 << 11;
    pub const ALPHA: u32 = 1 << 12;
    pub const EDITSECTION: u32 = 1 << 13;
    pub const BOUNDARY: u32 = 1 << 14;
    pub const COUNT: usize = 15;
}

/// What the parser knows of an element (bits of [`El::kind`]).
mod kind {
    /// Never has content.
    pub const VOID: u16 = 1 << 0;
    /// Its content is raw text to the tokenizer; it is pushed even when
    /// written self-closing.
    pub const RAW_TEXT: u16 = 1 << 1;
    /// Its text is not part of the article.
    pub const INVISIBLE: u16 = 1 << 2;
    /// Its text is shown but never holds citation markers.
    pub const NO_MARKERS: u16 = 1 << 3;
    /// Breaks the flow of text: a cluster never spans it.
    pub const BLOCK: u16 = 1 << 4;
    /// Its start tag closes an open `<p>`.
    pub const CLOSES_P: u16 = 1 << 5;
    /// An implicit `</p>` is not looked for beyond it.
    pub const P_SCOPE: u16 = 1 << 6;
    /// An implicit `</li>` is not looked for beyond it.
    pub const LI_SCOPE: u16 = 1 << 7;
}

/// Declares [`El`], one line per element: its name and its [`kind`]s.
macro_rules! elements {
    ($($el:ident $name:literal $($kind:ident)*;)*) => {
        /// The element names the parser knows: every one it treats specially
        /// and the common ones, so that most names need no interning (see
        /// [`Collector::intern`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum El {
            $($el,)*
        }

        impl El {
            const COUNT: usize = [$(El::$el),*].len();
            #[cfg(test)]
            const ALL: [(El, &'static [u8]); El::COUNT] = [$((El::$el, $name)),*];

            /// A tag name (lowercased by the tokenizer) as an element. A
            /// `match` on byte strings compiles to a decision tree on the
            /// length and the bytes: no hashing and no string compares.
            fn from_name(name: &[u8]) -> Option<El> {
                match name {
                    $($name => Some(El::$el),)*
                    _ => None,
                }
            }

            fn kind(self) -> u16 {
                match self {
                    $(El::$el => 0 $(| kind::$kind)*,)*
                }
            }
        }
    };
}

elements! {
    A b"a";
    Abbr b"abbr";
    Address b"address" BLOCK CLOSES_P;
    Annotation b"annotation";
    Area b"area" VOID;
    Article b"article" BLOCK CLOSES_P;
    Aside b"aside" BLOCK CLOSES_P;
    Audio b"audio";
    B b"b";
    Base b"base" VOID;
    Basefont b"basefont" VOID;
    Bdi b"bdi";
    Bdo b"bdo";
    Bgsound b"bgsound" VOID;
    Big b"big";
    Blockquote b"blockquote" BLOCK CLOSES_P;
    Body b"body" BLOCK P_SCOPE LI_SCOPE;
    Br b"br" VOID BLOCK;
    Button b"button" P_SCOPE;
    Caption b"caption" BLOCK P_SCOPE;
    Center b"center" BLOCK CLOSES_P;
    Cite b"cite";
    Code b"code" NO_MARKERS;
    Col b"col" VOID;
    Colgroup b"colgroup";
    Data b"data";
    Dd b"dd" BLOCK CLOSES_P;
    Del b"del";
    Details b"details" BLOCK CLOSES_P;
    Dfn b"dfn";
    Div b"div" BLOCK CLOSES_P;
    Dl b"dl" BLOCK CLOSES_P;
    Dt b"dt" BLOCK CLOSES_P;
    Em b"em";
    Embed b"embed" VOID;
    Fieldset b"fieldset" BLOCK CLOSES_P;
    Figcaption b"figcaption" BLOCK CLOSES_P;
    Figure b"figure" BLOCK CLOSES_P;
    Font b"font";
    Footer b"footer" NO_MARKERS BLOCK CLOSES_P;
    Form b"form" BLOCK CLOSES_P;
    Frame b"frame" VOID;
    H1 b"h1" BLOCK CLOSES_P;
    H2 b"h2" BLOCK CLOSES_P;
    H3 b"h3" BLOCK CLOSES_P;
    H4 b"h4" BLOCK CLOSES_P;
    H5 b"h5" BLOCK CLOSES_P;
    H6 b"h6" BLOCK CLOSES_P;
    Head b"head" INVISIBLE;
    Header b"header" BLOCK CLOSES_P;
    Hr b"hr" VOID BLOCK CLOSES_P;
    Html b"html" BLOCK P_SCOPE LI_SCOPE;
    I b"i";
    Iframe b"iframe" RAW_TEXT INVISIBLE;
    Img b"img" VOID;
    Input b"input" VOID;
    Ins b"ins";
    Kbd b"kbd" NO_MARKERS;
    Keygen b"keygen" VOID;
    Label b"label";
    Li b"li" BLOCK CLOSES_P;
    Link b"link" VOID;
    Main b"main" BLOCK CLOSES_P;
    Mark b"mark";
    Math b"math" NO_MARKERS;
    Menu b"menu" BLOCK CLOSES_P LI_SCOPE;
    Meta b"meta" VOID;
    Mi b"mi";
    Mn b"mn";
    Mo b"mo";
    Mrow b"mrow";
    Mstyle b"mstyle";
    Nav b"nav" NO_MARKERS BLOCK CLOSES_P;
    Noembed b"noembed" RAW_TEXT INVISIBLE;
    Noframes b"noframes" RAW_TEXT INVISIBLE;
    Noscript b"noscript" RAW_TEXT INVISIBLE;
    Object b"object" P_SCOPE;
    Ol b"ol" BLOCK CLOSES_P LI_SCOPE;
    Option b"option";
    P b"p" BLOCK CLOSES_P;
    Param b"param" VOID;
    Picture b"picture";
    Plaintext b"plaintext" RAW_TEXT NO_MARKERS;
    Pre b"pre" NO_MARKERS BLOCK CLOSES_P;
    Q b"q";
    S b"s";
    Samp b"samp" NO_MARKERS;
    Script b"script" RAW_TEXT INVISIBLE;
    Section b"section" BLOCK CLOSES_P;
    Select b"select";
    Semantics b"semantics";
    Small b"small";
    Source b"source" VOID;
    Span b"span";
    Strong b"strong";
    Style b"style" RAW_TEXT INVISIBLE;
    Sub b"sub";
    Summary b"summary" BLOCK CLOSES_P;
    Sup b"sup";
    Svg b"svg" NO_MARKERS;
    Table b"table" BLOCK CLOSES_P P_SCOPE LI_SCOPE;
    Tbody b"tbody" BLOCK;
    Td b"td" BLOCK P_SCOPE LI_SCOPE;
    Template b"template" INVISIBLE P_SCOPE;
    Textarea b"textarea" RAW_TEXT NO_MARKERS;
    Tfoot b"tfoot" BLOCK;
    Th b"th" BLOCK P_SCOPE LI_SCOPE;
    Thead b"thead" BLOCK;
    Time b"time";
    Title b"title" RAW_TEXT INVISIBLE;
    Tr b"tr" BLOCK;
    Track b"track" VOID;
    Tt b"tt" NO_MARKERS;
    U b"u";
    Ul b"ul" BLOCK CLOSES_P LI_SCOPE;
    Var b"var" NO_MARKERS;
    Video b"video";
    Wbr b"wbr" VOID;
    Xmp b"xmp" RAW_TEXT NO_MARKERS;
}

/// An element name as a number: an [`El`], or past those, a name first seen
/// in this document. Frames and the count of open elements use it, so no
/// name is copied or hashed per tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Name(usize);

impl Name {
    fn of(el: El) -> Name {
        Name(el as usize)
    }
}

/// The attributes the parser reads; the tokenizer's others are dropped as
/// they come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attr {
    Class,
    Style,
    Href,
    Id,
    Role,
    Type,
    Start,
    Value,
}

impl Attr {
    const COUNT: usize = 8;

    fn from_name(name: &[u8]) -> Option<Attr> {
        Some(match name {
            b"class" => Attr::Class,
            b"style" => Attr::Style,
            b"href" => Attr::Href,
            b"id" => Attr::Id,
            b"role" => Attr::Role,
            b"type" => Attr::Type,
            b"start" => Attr::Start,
            b"value" => Attr::Value,
            _ => return None,
        })
    }
}

/// A read attribute: where its decoded value sits in [`TagBuf::values`],
/// and its source span (from its name to just past its value).
#[derive(Clone, Copy, Debug, Default)]
struct AttrValue {
    start: usize,
    end: usize,
    span: html5gum::Span<usize>,
}

/// The start tag being read, in buffers reused from tag to tag.
#[derive(Debug, Default)]
struct TagBuf {
    name: Vec<u8>,
    start: usize,
    /// The values of the attributes in `attrs`, back to back.
    values: Vec<u8>,
    /// By [`Attr`]; only those in `given` belong to this tag.
    attrs: [AttrValue; Attr::COUNT],
    /// One bit per [`Attr`] the tag has.
    given: u8,
    /// The attribute whose value comes next; `None` when it is one the
    /// parser does not read or one already given (the first one counts).
    current: Option<Attr>,
}

impl TagBuf {
    fn open(&mut self, name: &[u8], start: usize) {
        self.name.clear();
        self.name.extend_from_slice(name);
        self.start = start;
    }

    fn attribute(&mut self, name: &[u8], span: html5gum::Span<usize>) {
        self.current = Attr::from_name(name).filter(|&a| self.given & (1 << a as u8) == 0);
        if let Some(a) = self.current {
            self.given |= 1 << a as u8;
            let at = self.values.len();
            self.attrs[a as usize] = AttrValue {
                start: at,
                end: at,
                span,
            };
        }
    }

    fn value(&mut self, value: &[u8], end: usize) {
        if let Some(a) = self.current {
            self.values.extend_from_slice(value);
            let attr = &mut self.attrs[a as usize];
            attr.end = self.values.len();
            // One byte past the value: its closing quote, or after an
            // unquoted value the byte that ended it. The span only bounds
            // the search back for the attribute's text, where that byte is
            // harmless.
            attr.span.end = end.saturating_add(1);
        }
    }

    fn clear_attributes(&mut self) {
        self.values.clear();
        self.given = 0;
        self.current = None;
    }

    fn get(&self, a: Attr) -> Option<&AttrValue> {
        (self.given & (1 << a as u8) != 0).then(|| &self.attrs[a as usize])
    }

    fn attr(&self, a: Attr) -> Option<&[u8]> {
        let attr = self.get(a)?;
        Some(&self.values[attr.start..attr.end])
    }

    fn attr_span(&self, a: Attr) -> Option<html5gum::Span<usize>> {
        Some(self.get(a)?.span)
    }
}

/// Feeds html5gum's events straight to the collector: no token is built,
/// only the start tag being read is buffered.
struct Sink<'c, 't> {
    collector: &'c mut Collector<'t>,
    tag: TagBuf,
}

impl Callback<Infallible, usize> for Sink<'_, '_> {
    fn handle_event(
        &mut self,
        event: CallbackEvent<'_>,
        span: html5gum::Span<usize>,
    ) -> Option<Infallible> {
        let collector = &mut *self.collector;
        match event {
            CallbackEvent::OpenStartTag { name } => self.tag.open(name, span.start),
            CallbackEvent::AttributeName { name } => self.tag.attribute(name, span),
            CallbackEvent::AttributeValue { value } => self.tag.value(value, span.end),
            CallbackEvent::CloseStartTag { self_closing } => {
                collector.start_tag(&self.tag, self_closing, span.end);
                self.tag.name.clear();
                self.tag.clear_attributes();
            }
            CallbackEvent::EndTag { name } => {
                // An end tag's attributes are read, and dropped.
                self.tag.clear_attributes();
                let span = collector.checked(span.start, span.end);
                collector.end_tag(name, span);
            }
            CallbackEvent::String { value } => {
                let span = collector.checked(span.start, span.end);
                collector.text_bytes(value, span);
            }
            CallbackEvent::Comment { .. } => {
                let span = collector.checked(span.start, span.end);
                directives::collect_in(collector.text, span, &mut collector.directives);
            }
            CallbackEvent::Doctype { .. } | CallbackEvent::Error(_) => {}
        }
        None
    }
}

/// html5gum's callback emitter without parse errors: the parser has no use
/// for them, and checking every input byte for them is a good part of the
/// tokenizer's work.
struct Quiet<'c, 't>(CallbackEmitter<Sink<'c, 't>, Infallible, usize>);

impl ForwardingEmitter for Quiet<'_, '_> {
    type Token = Infallible;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn emit_error(&mut self, _: html5gum::Error) {}
}

#[derive(Debug)]
struct Frame {
    name: Name,
    /// The element's [`kind`]s.
    kind: u16,
    start: usize,
    flags: u32,
}

/// Visible text since the last candidate, kept short.
#[derive(Clone, Debug, Default)]
struct Gap {
    text: String,
    broken: bool,
}

impl Gap {
    fn push(&mut self, s: &str) {
        if self.broken {
            return;
        }
        if self.text.len() + s.len() > GAP_CAP {
            self.broken = true;
        } else {
            self.text.push_str(s);
        }
    }

    /// The gap as the cluster builder should see it.
    fn take(&mut self) -> String {
        let gap = std::mem::take(self);
        if gap.broken {
            "\n".to_owned()
        } else {
            gap.text
        }
    }
}

/// A possible marker: a `<sup>` or a bracket group in text.
#[derive(Clone, Debug)]
struct Cand {
    /// The whole marker: the `<sup>` element or the brackets.
    span: Span,
    /// The text inside the brackets (or the whole `<sup>` text).
    inner: MappedText,
    /// The marker as a reader sees it, for messages.
    written: String,
    /// The character right after `]` in the same text (for `[a]lso`).
    glued_next: Option<char>,
    /// The fragment of the link the marker sits in or holds.
    href: Option<String>,
    in_entry: Option<usize>,
    /// Visible text since the previous candidate.
    gap: String,
    /// Visible character before / after the marker (`None` at a block edge).
    prev: Option<char>,
    next: Option<char>,
    /// A `<sup class="reference">` (or one linking to `#cite_note-…`).
    reference: bool,
}

/// An open outermost `<sup>`.
#[derive(Debug)]
struct SupBuild {
    start: usize,
    text: MappedText,
    overflow: bool,
    href: Option<String>,
    reference: bool,
    in_entry: Option<usize>,
    gap: Gap,
    prev: Option<char>,
    /// Bracket groups in its text, used when the sup is not one marker.
    local: Vec<Cand>,
}

/// Entry text as it is collected, with where it sits in the source.
#[derive(Debug, Default)]
struct TextAcc {
    text: String,
    first: Option<usize>,
    last: usize,
}

impl TextAcc {
    fn push(&mut self, value: &str, raw: Span, exact: bool) {
        self.text.push_str(value);
        let rest = value.trim_start();
        if rest.is_empty() {
            return;
        }
        let (start, end) = if exact {
            let lead = value.len() - rest.len();
            let trail = rest.len() - rest.trim_end().len();
            (raw.start + lead, raw.end - trail)
        } else {
            (raw.start, raw.end)
        };
        if self.first.is_none() {
            self.first = Some(start);
        }
        self.last = end;
    }
}

#[derive(Debug)]
struct EntryRaw {
    start: usize,
    content_start: usize,
    end: usize,
    id: Option<String>,
    /// Where the key part of the id is written.
    id_key_span: Option<Span>,
    value: Option<u32>,
    list: usize,
    all: TextAcc,
    ref_text: TextAcc,
    has_ref_text: bool,
    backlinks: u32,
    /// `<a href>` links off the page.
    links: Vec<Link>,
}

#[derive(Debug)]
struct ListRaw {
    span: Span,
    heading: Option<(Option<HeadingKind>, String)>,
    alpha: bool,
    start: u32,
    entries: Vec<usize>,
}

#[derive(Debug)]
struct Section {
    level: u8,
    kind: Option<HeadingKind>,
    text: String,
}

#[derive(Debug)]
struct HeadingBuild {
    level: u8,
    text: String,
    id: Option<String>,
}

#[derive(Clone, Copy, Debug)]
enum Pending {
    None,
    Global(usize),
    Local(usize),
}

/// What pass 1 hands to pass 2.
#[derive(Debug)]
struct Scan {
    cands: Vec<Cand>,
    entries: Vec<EntryRaw>,
    lists: Vec<ListRaw>,
    directives: Vec<Directive>,
}

/// Pass 1: walks the tokens with a light element stack.
struct Collector<'t> {
    text: &'t str,
    stack: Vec<Frame>,
    /// Open elements, by [`Name`].
    open: Vec<usize>,
    /// Names that are no [`El`], by first use.
    names: HashMap<String, Name, foldhash::fast::RandomState>,
    depth: [usize; flag::COUNT],
    anchors: Vec<Option<String>>,
    listish: Vec<bool>,
    section: Option<Section>,
    heading: Option<HeadingBuild>,
    sup: Option<SupBuild>,
    entry: Option<usize>,
    list: Option<usize>,
    entries: Vec<EntryRaw>,
    lists: Vec<ListRaw>,
    cands: Vec<Cand>,
    gap: Gap,
    prev: Option<char>,
    pending: Pending,
    directives: Vec<Directive>,
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Class tokens the parser reacts to (bits of [`class_bits`]).
mod class {
    pub const NAVBOX: u16 = 1 << 0;
    pub const EDITSECTION: u16 = 1 << 1;
    pub const CITE_BACKLINK: u16 = 1 << 2;
    pub const EXTERNAL: u16 = 1 << 3;
    pub const AUTONUMBER: u16 = 1 << 4;
    pub const REF_TEXT: u16 = 1 << 5;
    pub const REFLIST: u16 = 1 << 6;
    /// `reflist-lower-alpha` and the like.
    pub const ALPHA_REFLIST: u16 = 1 << 7;
    pub const HEADLINE: u16 = 1 << 8;
    pub const REFERENCES: u16 = 1 << 9;
    pub const REFERENCE: u16 = 1 << 10;
}

/// The [`class`] tokens in a `class` attribute, read in one pass.
fn class_bits(list: &[u8]) -> u16 {
    let mut bits = 0;
    for token in list.split(u8::is_ascii_whitespace) {
        bits |= match token {
            b"vertical-navbox" => class::NAVBOX,
            b"mw-editsection" => class::EDITSECTION,
            b"mw-cite-backlink" => class::CITE_BACKLINK,
            b"external" => class::EXTERNAL,
            b"autonumber" => class::AUTONUMBER,
            b"reference-text" | b"mw-reference-text" => class::REF_TEXT,
            b"reflist" | b"mw-references-wrap" => class::REFLIST,
            b"mw-headline" => class::HEADLINE,
            b"references" => class::REFERENCES,
            b"reference" => class::REFERENCE,
            _ => 0,
        };
        if token.starts_with(b"navbox") {
            bits |= class::NAVBOX;
        }
        if token.starts_with(b"reflist-") && is_alpha_style(token) {
            bits |= class::ALPHA_REFLIST;
        }
    }
    bits
}

/// The fragment of a link that stays on the page: `#cite_note-3`, or
/// Parsoid's `./Title#cite_note-3`.
fn local_fragment(href: &[u8]) -> Option<&[u8]> {
    if let Some(fragment) = href.strip_prefix(b"#") {
        return Some(fragment);
    }
    let hash = memchr::memrchr(b'#', href)?;
    let fragment = &href[hash + 1..];
    (href.starts_with(b"./") || fragment.starts_with(b"cite_")).then_some(fragment)
}

/// Where the value of a start tag's `href` attribute is written (without
/// quotes); the tag's own span when it cannot be found.
fn href_value_span(text: &str, tag: Span) -> Span {
    let source = &text[tag.range()];
    // ASCII lowercasing keeps every byte offset.
    let lower = source.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&bytes[from..], b"href").map(|i| from + i) {
        from = i + 4;
        let before_ok = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let after = source[from..].trim_start();
        let Some(value) = after.strip_prefix('=').filter(|_| before_ok) else {
            continue;
        };
        let value = value.trim_start();
        let value_start = source.len() - value.len();
        let (start, len) = match value.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => (
                value_start + 1,
                memchr::memchr(q, &value.as_bytes()[1..]).unwrap_or(value.len() - 1),
            ),
            _ => (
                value_start,
                value
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(value.len()),
            ),
        };
        return Span::new(tag.start + start, tag.start + start + len);
    }
    tag
}

/// The fragment points at a reference list entry.
fn links_note(fragment: Option<&str>) -> bool {
    fragment.is_some_and(|f| f.starts_with("cite_note"))
}

fn is_alpha_style(style: &[u8]) -> bool {
    [&b"alpha"[..], b"roman", b"greek", b"latin"]
        .iter()
        .any(|s| style.windows(s.len()).any(|w| w == *s))
}

impl<'t> Collector<'t> {
    fn new(text: &'t str) -> Self {
        Collector {
            text,
            stack: Vec::new(),
            open: vec![0; El::COUNT],
            names: HashMap::default(),
            depth: [0; flag::COUNT],
            anchors: Vec::new(),
            listish: Vec::new(),
            section: None,
            heading: None,
            sup: None,
            entry: None,
            list: None,
            entries: Vec::new(),
            lists: Vec::new(),
            cands: Vec::new(),
            gap: Gap::default(),
            prev: None,
            pending: Pending::None,
            directives: Vec::new(),
        }
    }

    fn run(mut self) -> Scan {
        let text = self.text;
        let mut emitter = CallbackEmitter::new(Sink {
            collector: &mut self,
            tag: TagBuf::default(),
        });
        emitter.naively_switch_states(true);
        let Ok(()) = Tokenizer::new_with_emitter(text, Quiet(emitter)).finish();
        let end = self.text.len();
        while !self.stack.is_empty() {
            let floor = self.stack.last().map_or(0, |f| f.start);
            let close = self.trim_back(end, floor);
            self.pop(close);
        }
        Scan {
            cands: self.cands,
            entries: self.entries,
            lists: self.lists,
            directives: self.directives,
        }
    }

    /// A span clamped into the text and onto char boundaries.
    fn checked(&self, start: usize, end: usize) -> Span {
        let end = crate::parse::floor_char_boundary(self.text, end);
        let start = crate::parse::floor_char_boundary(self.text, start.min(end));
        Span::new(start, end)
    }

    /// `pos` moved back over whitespace, not below `floor`.
    fn trim_back(&self, mut pos: usize, floor: usize) -> usize {
        let bytes = self.text.as_bytes();
        while pos > floor && bytes[pos - 1].is_ascii_whitespace() {
            pos -= 1;
        }
        pos
    }

    fn d(&self, f: u32) -> usize {
        self.depth[f.trailing_zeros() as usize]
    }

    /// The [`Name`] of an element being opened.
    fn intern(&mut self, name: &[u8], el: Option<El>) -> Name {
        if let Some(el) = el {
            return Name::of(el);
        }
        let name = String::from_utf8_lossy(name);
        if let Some(&known) = self.names.get(name.as_ref()) {
            return known;
        }
        let new = Name(self.open.len());
        self.names.insert(name.into_owned(), new);
        self.open.push(0);
        new
    }

    /// The [`Name`] of an element being closed, if one was ever opened.
    fn lookup(&self, name: &[u8], el: Option<El>) -> Option<Name> {
        match el {
            Some(el) => Some(Name::of(el)),
            None => self
                .names
                .get(String::from_utf8_lossy(name).as_ref())
                .copied(),
        }
    }

    // -- visible text bookkeeping -------------------------------------------

    fn resolve_pending(&mut self, next: Option<char>) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Global(i) => self.cands[i].next = next,
            Pending::Local(i) => {
                if let Some(sup) = &mut self.sup
                    && let Some(cand) = sup.local.get_mut(i)
                {
                    cand.next = next;
                }
            }
        }
    }

    /// Text a reader sees.
    fn visible(&mut self, s: &str) {
        let Some(first) = s.chars().next() else {
            return;
        };
        self.resolve_pending(Some(first));
        self.gap.push(s);
        // Leading whitespace at a block edge is no previous character.
        if self.prev.is_some() || !s.trim_start().is_empty() {
            self.prev = s.chars().next_back();
        }
    }

    /// A block edge: clusters do not span it, and it is neither space nor
    /// punctuation for the markers next to it.
    fn boundary(&mut self) {
        self.resolve_pending(None);
        self.gap.broken = true;
        self.prev = None;
    }

    // -- tags ---------------------------------------------------------------

    /// A start tag that ends at `end`. Attribute values are compared as
    /// bytes, and turned into strings only when they are kept.
    fn start_tag(&mut self, tag: &TagBuf, self_closing: bool, end: usize) {
        let el = El::from_name(&tag.name);
        let kind = el.map_or(0, El::kind);
        let span = self.checked(tag.start, end);

        if el == Some(El::Li) {
            self.close_implicitly(El::Li, kind::LI_SCOPE, span.start);
        }
        if kind & kind::CLOSES_P != 0 {
            self.close_implicitly(El::P, kind::P_SCOPE, span.start);
        }
        if el == Some(El::Body) {
            self.close_implicitly(El::Head, 0, span.start);
        }
        let block = kind & kind::BLOCK != 0;
        if block {
            self.boundary();
        }
        if kind & kind::VOID != 0 || (self_closing && kind & kind::RAW_TEXT == 0) {
            return;
        }

        let class = tag.attr(Attr::Class).map_or(0, class_bits);
        let has = |bits: u16| class & bits == bits;
        let style: String = tag
            .attr(Attr::Style)
            .map(|s| {
                String::from_utf8_lossy(s)
                    .to_ascii_lowercase()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect()
            })
            .unwrap_or_default();
        let href = tag.attr(Attr::Href);
        let fragment = href.and_then(local_fragment);
        let id = tag.attr(Attr::Id);
        let navbox = has(class::NAVBOX) || tag.attr(Attr::Role) == Some(b"navigation");
        let editsection = has(class::EDITSECTION);
        let backlink =
            has(class::CITE_BACKLINK) || fragment.is_some_and(|f| f.starts_with(b"cite_ref"));
        let anchor = el == Some(El::A);
        let autonumber = anchor && has(class::EXTERNAL | class::AUTONUMBER);

        let mut flags = 0;
        if kind & kind::INVISIBLE != 0 || style.contains("display:none") {
            flags |= flag::INVISIBLE;
        }
        if kind & kind::NO_MARKERS != 0 || navbox || editsection || backlink || autonumber {
            flags |= flag::NO_MARKERS;
        }
        if editsection {
            flags |= flag::EDITSECTION;
        }
        if backlink {
            flags |= flag::BACKLINK;
        }
        if anchor {
            flags |= flag::ANCHOR;
            if href.is_some() && fragment.is_none() {
                flags |= flag::EXT_ANCHOR;
            }
        }
        if block {
            flags |= flag::BOUNDARY;
        }
        if has(class::REF_TEXT) {
            flags |= flag::REF_TEXT;
        }
        if has(class::REFLIST) {
            flags |= flag::REFLIST;
        }
        if has(class::ALPHA_REFLIST)
            || (style.contains("list-style-type") && is_alpha_style(style.as_bytes()))
            || (el == Some(El::Ol)
                && matches!(tag.attr(Attr::Type), Some(b"a" | b"A" | b"i" | b"I")))
        {
            flags |= flag::ALPHA;
        }
        let hidden_or_skipped = self.d(flag::INVISIBLE) > 0
            || self.d(flag::NO_MARKERS) > 0
            || flags & (flag::INVISIBLE | flag::NO_MARKERS) != 0;
        let level = match tag.name.as_slice() {
            [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
            _ => None,
        };
        if let Some(level) = level
            && self.heading.is_none()
            && !hidden_or_skipped
        {
            flags |= flag::HEADING;
            self.heading = Some(HeadingBuild {
                level,
                text: String::new(),
                id: id.map(lossy),
            });
        }
        if let Some(heading) = &mut self.heading
            && heading.id.is_none()
            && has(class::HEADLINE)
        {
            heading.id = id.map(lossy);
        }
        let listish = matches!(el, Some(El::Ol | El::Ul | El::Menu));
        if listish {
            flags |= flag::LISTISH;
        }
        let in_ref_section = self
            .section
            .as_ref()
            .is_some_and(|s| matches!(s.kind, Some(HeadingKind::References | HeadingKind::Notes)));
        let is_list = el == Some(El::Ol)
            && self.list.is_none()
            && !hidden_or_skipped
            && (has(class::REFERENCES) || self.d(flag::REFLIST) > 0 || in_ref_section);
        if is_list {
            flags |= flag::LIST;
        }
        let is_entry = el == Some(El::Li)
            && self.list.is_some()
            && self.entry.is_none()
            && self.listish.last() == Some(&true);
        if is_entry {
            flags |= flag::ENTRY;
        }
        let is_sup_root = el == Some(El::Sup)
            && self.sup.is_none()
            && !hidden_or_skipped
            && self.d(flag::EXT_ANCHOR) == 0;
        if is_sup_root {
            flags |= flag::SUP_ROOT;
        }

        // Push the frame, then act on it.
        let name = self.intern(&tag.name, el);
        self.open[name.0] += 1;
        let mut bits = flags;
        while bits != 0 {
            self.depth[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
        }
        self.stack.push(Frame {
            name,
            kind,
            start: span.start,
            flags,
        });
        if listish {
            self.listish.push(is_list);
        }
        if anchor {
            let fragment = fragment.map(lossy);
            if let Some(sup) = &mut self.sup
                && let Some(fragment) = &fragment
            {
                if fragment.starts_with("cite_note") {
                    sup.reference = true;
                }
                if sup.href.is_none() {
                    sup.href = Some(fragment.clone());
                }
            }
            if let Some(e) = self.entry
                && fragment
                    .as_deref()
                    .is_some_and(|f| f.starts_with("cite_ref"))
                && self.d(flag::REF_TEXT) == 0
            {
                self.entries[e].backlinks += 1;
            }
            if let Some(e) = self.entry
                && fragment.is_none()
                && let Some(href) = href
                && let Some(link) = href_link(
                    &String::from_utf8_lossy(href),
                    href_value_span(self.text, span),
                )
            {
                self.entries[e].links.push(link);
            }
            self.anchors.push(fragment);
        }
        if flags & flag::REF_TEXT != 0
            && let Some(e) = self.entry
        {
            self.entries[e].has_ref_text = true;
        }
        if is_list {
            let heading = self
                .section
                .as_ref()
                .filter(|s| s.kind.is_some())
                .map(|s| (s.kind, s.text.clone()));
            self.lists.push(ListRaw {
                span: Span::new(span.start, span.end),
                heading,
                alpha: self.d(flag::ALPHA) > 0,
                start: tag
                    .attr(Attr::Start)
                    .and_then(|s| String::from_utf8_lossy(s).trim().parse().ok())
                    .unwrap_or(1),
                entries: Vec::new(),
            });
            self.list = Some(self.lists.len() - 1);
        }
        if is_entry && let Some(list) = self.list {
            let id = id.map(lossy);
            let id_key_span = id.as_deref().and_then(|id| {
                let value = tag.attr_span(Attr::Id)?;
                let raw = self.text.get(value.start..value.end)?;
                let at = value.start + raw.rfind(id)?;
                let key = id_key_text(id)?;
                let end = at + id.len();
                Some(Span::new(end - key.len(), end))
            });
            self.entries.push(EntryRaw {
                start: span.start,
                content_start: span.end,
                end: span.end,
                id,
                id_key_span,
                value: tag
                    .attr(Attr::Value)
                    .and_then(|v| String::from_utf8_lossy(v).trim().parse().ok()),
                list,
                all: TextAcc::default(),
                ref_text: TextAcc::default(),
                has_ref_text: false,
                backlinks: 0,
                links: Vec::new(),
            });
            let e = self.entries.len() - 1;
            self.lists[list].entries.push(e);
            self.entry = Some(e);
        }
        if is_sup_root {
            self.sup = Some(SupBuild {
                start: span.start,
                text: MappedText::default(),
                overflow: false,
                href: None,
                reference: has(class::REFERENCE) || id.is_some_and(|i| i.starts_with(b"cite_ref")),
                in_entry: self.entry,
                gap: self.gap.clone(),
                prev: self.prev,
                local: Vec::new(),
            });
        }
    }

    /// Closes an open `target` element that a new start tag ends implicitly
    /// (`<li>` after `<li>`, a block after `<p>`), looking no further than
    /// elements of the `scope` kind.
    fn close_implicitly(&mut self, target: El, scope: u16, at: usize) {
        let target = Name::of(target);
        if self.open[target.0] == 0 {
            return;
        }
        let found = self
            .stack
            .iter()
            .rev()
            .take(IMPLICIT_CLOSE_DEPTH)
            .take_while(|f| f.kind & scope == 0 || f.name == target)
            .position(|f| f.name == target);
        if let Some(from_top) = found {
            let index = self.stack.len() - 1 - from_top;
            while self.stack.len() > index {
                let floor = self.stack.last().map_or(0, |f| f.start);
                let close = self.trim_back(at, floor);
                self.pop(close);
            }
        }
    }

    fn end_tag(&mut self, name: &[u8], span: Span) {
        let el = El::from_name(name);
        if el.is_some_and(|el| el.kind() & kind::BLOCK != 0) {
            self.boundary();
        }
        if matches!(el, Some(El::Body | El::Html)) {
            return;
        }
        let Some(name) = self.lookup(name, el).filter(|n| self.open[n.0] > 0) else {
            return;
        };
        let Some(index) = self.stack.iter().rposition(|f| f.name == name) else {
            return;
        };
        while self.stack.len() > index + 1 {
            let floor = self.stack.last().map_or(0, |f| f.start);
            let close = self.trim_back(span.start, floor);
            self.pop(close);
        }
        self.pop(span.end);
    }

    /// Pops the top frame; `end` is where its element ends.
    fn pop(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let open = &mut self.open[frame.name.0];
        *open = open.saturating_sub(1);
        let flags = frame.flags;
        let mut bits = flags;
        while bits != 0 {
            let depth = &mut self.depth[bits.trailing_zeros() as usize];
            *depth = depth.saturating_sub(1);
            bits &= bits - 1;
        }
        if flags & flag::ANCHOR != 0 {
            self.anchors.pop();
        }
        if flags & flag::LISTISH != 0 {
            self.listish.pop();
        }
        if flags & flag::SUP_ROOT != 0 {
            self.finish_sup(end);
        }
        if flags & flag::ENTRY != 0
            && let Some(e) = self.entry.take()
        {
            let entry = &mut self.entries[e];
            entry.end = end.max(entry.start);
        }
        if flags & flag::LIST != 0
            && let Some(l) = self.list.take()
        {
            let list = &mut self.lists[l];
            list.span = Span::new(list.span.start, end.max(list.span.start));
        }
        if flags & flag::HEADING != 0 {
            self.finish_heading();
        }
        if flags & flag::BOUNDARY != 0 {
            self.boundary();
        }
    }

    fn finish_heading(&mut self) {
        let Some(heading) = self.heading.take() else {
            return;
        };
        let text = collapse(&heading.text);
        let mut kind = if text.chars().count() <= 60 {
            heading_kind(&text)
        } else {
            None
        };
        let id_text = heading.id.map(|id| id.replace('_', " "));
        if kind.is_none()
            && let Some(id) = &id_text
        {
            kind = heading_kind(id);
        }
        let text = if text.is_empty() {
            id_text.unwrap_or_default()
        } else {
            text
        };
        match &self.section {
            // A sub-heading that says nothing keeps its section's meaning.
            Some(section) if kind.is_none() && heading.level > section.level => {}
            _ => {
                self.section = Some(Section {
                    level: heading.level,
                    kind,
                    text,
                });
            }
        }
    }

    // -- text ---------------------------------------------------------------

    /// A text token as the tokenizer decoded it. Most tokens are a copy of
    /// their source, which is then used as is: no UTF-8 check, no copy.
    fn text_bytes(&mut self, value: &[u8], span: Span) {
        if self.d(flag::INVISIBLE) > 0 || value.is_empty() {
            return;
        }
        let text = self.text;
        if text.as_bytes().get(span.range()) == Some(value) {
            self.text_token(&text[span.range()], span, true);
        } else {
            let value = String::from_utf8_lossy(value);
            let exact = text.get(span.range()) == Some(value.as_ref());
            self.text_token(&value, span, exact);
        }
    }

    /// A visible text token; `exact` when it equals its source.
    fn text_token(&mut self, value: &str, span: Span, exact: bool) {
        if let Some(heading) = &mut self.heading
            && self.depth[flag::EDITSECTION.trailing_zeros() as usize] == 0
            && heading.text.len() < HEADING_CAP
        {
            heading.text.push_str(value);
        }
        if let Some(e) = self.entry
            && self.d(flag::BACKLINK) == 0
        {
            let in_ref_text = self.d(flag::REF_TEXT) > 0;
            let entry = &mut self.entries[e];
            entry.all.push(value, span, exact);
            if in_ref_text {
                entry.ref_text.push(value, span, exact);
            }
        }
        let sup_collects = self.sup.is_some() && self.d(flag::NO_MARKERS) == 0;
        let scan =
            self.d(flag::NO_MARKERS) == 0 && self.d(flag::EXT_ANCHOR) == 0 && value.contains('[');
        if !sup_collects && !scan {
            self.visible(value);
            return;
        }
        let mapped = MappedText::from_token(value, self.text, span);
        if sup_collects && let Some(sup) = &mut self.sup {
            if sup.overflow || sup.text.text.len() + mapped.text.len() > SUP_TEXT_CAP {
                sup.overflow = true;
            } else {
                sup.text.append(&mapped);
            }
        }
        if scan {
            self.scan_text(&mapped);
        } else {
            self.visible(value);
        }
    }

    /// Finds bracket groups in one text token.
    fn scan_text(&mut self, mapped: &MappedText) {
        let s = mapped.text.as_str();
        let bytes = s.as_bytes();
        let mut consumed = 0;
        let mut at = 0;
        while at < bytes.len() {
            let Some(found) = memchr::memchr(b'[', &bytes[at..]) else {
                break;
            };
            let open = at + found;
            at = open + 1;
            let window_end = (open + 2 + MAX_MARKER_LEN).min(bytes.len());
            let Some(close_rel) = bytes[open + 1..window_end]
                .iter()
                .position(|&b| matches!(b, b']' | b'[' | b'\n'))
            else {
                continue;
            };
            let close = open + 1 + close_rel;
            if bytes[close] != b']' {
                continue;
            }
            self.visible(&s[consumed..open]);
            let cand = Cand {
                span: mapped.map(Span::new(open, close + 1)),
                inner: mapped.slice(open + 1..close),
                written: s[open..=close].to_owned(),
                glued_next: s[close + 1..].chars().next(),
                href: self.anchors.last().cloned().flatten(),
                in_entry: self.entry,
                gap: self.gap.take(),
                prev: self.prev,
                next: None,
                reference: false,
            };
            self.add_cand(cand);
            self.prev = Some(']');
            consumed = close + 1;
            at = close + 1;
        }
        self.visible(&s[consumed..]);
    }

    fn add_cand(&mut self, cand: Cand) {
        if let Some(sup) = &mut self.sup {
            sup.local.push(cand);
            self.pending = Pending::Local(sup.local.len() - 1);
        } else {
            self.cands.push(cand);
            self.pending = Pending::Global(self.cands.len() - 1);
        }
    }

    /// Decides what a closed `<sup>` was: one marker (or tag), or text whose
    /// own bracket groups count.
    fn finish_sup(&mut self, end: usize) {
        let Some(sup) = self.sup.take() else {
            return;
        };
        let text = &sup.text.text;
        let trimmed = text.trim();
        let a = text.len() - text.trim_start().len();
        let b = a + trimmed.len();
        let single = trimmed.len() >= 2
            && trimmed.starts_with('[')
            && trimmed.ends_with(']')
            && !trimmed[1..trimmed.len() - 1].contains(['[', ']']);
        // `<sup class="reference"><a href="#cite_note-3">3</a></sup>`; but not
        // a page pin such as `<sup class="reference nowrap">: 12</sup>`.
        let bare = links_note(sup.href.as_deref())
            && !trimmed.is_empty()
            && trimmed.len() <= MAX_MARKER_LEN
            && !trimmed.contains(['[', ']']);
        if !sup.overflow && (single || bare) {
            let inner = if single { a + 1..b - 1 } else { a..b };
            let written = if single {
                trimmed.to_owned()
            } else {
                format!("[{trimmed}]")
            };
            if matches!(self.pending, Pending::Local(_)) {
                self.pending = Pending::None;
            }
            self.cands.push(Cand {
                span: Span::new(sup.start, end.max(sup.start)),
                inner: sup.text.slice(inner),
                written,
                glued_next: None,
                href: sup.href,
                in_entry: sup.in_entry,
                gap: {
                    let mut gap = sup.gap;
                    gap.take()
                },
                prev: sup.prev,
                next: None,
                reference: sup.reference,
            });
            self.pending = Pending::Global(self.cands.len() - 1);
            self.gap = Gap::default();
            self.prev = Some(']');
        } else {
            let base = self.cands.len();
            self.cands.extend(sup.local);
            if let Pending::Local(i) = self.pending {
                self.pending = Pending::Global(base + i);
            }
        }
    }
}

/// The key part of a MediaWiki note id: `cite_note-3` → `3`,
/// `cite_note-smith-3` → `3`, `cite_note-a` → `a`.
fn id_key_text(id: &str) -> Option<&str> {
    let suffix = id.strip_prefix("cite_note-")?;
    let last = suffix.rsplit('-').next().unwrap_or(suffix);
    if !last.is_empty() && last.len() <= 6 && last.bytes().all(|b| b.is_ascii_digit()) {
        return Some(last);
    }
    if (1..=2).contains(&suffix.len()) && suffix.bytes().all(|b| b.is_ascii_lowercase()) {
        return Some(suffix);
    }
    None
}

fn id_key(id: &str) -> Option<Key> {
    let text = id_key_text(id)?;
    Some(match text.parse() {
        Ok(n) => Key::Number(n),
        Err(_) => Key::Label(text.to_owned()),
    })
}

fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

// ---------------------------------------------------------------------------
// Pass 2: build
// ---------------------------------------------------------------------------

/// A classified candidate.
enum Classified {
    Cites {
        group: Group,
        items: Vec<MarkerItem>,
    },
    Tag(String),
    Malformed(String),
    /// A reference `<sup>` whose text the grammar cannot read.
    Unreadable,
    NotCitation,
}

fn classify(cand: &Cand, ctx: &MarkerContext) -> Classified {
    match markers::classify(&cand.inner.text, 0, cand.glued_next, ctx) {
        MarkerKind::Cites { group, mut items } => {
            for item in &mut items {
                item.span = cand.inner.map(item.span);
            }
            Classified::Cites { group, items }
        }
        MarkerKind::Tag(tag) => Classified::Tag(tag),
        MarkerKind::Malformed(problem) => Classified::Malformed(problem),
        MarkerKind::NotCitation
            if links_note(cand.href.as_deref()) && !cand.inner.text.trim().is_empty() =>
        {
            Classified::Unreadable
        }
        MarkerKind::NotCitation => Classified::NotCitation,
    }
}

/// How a list's entries get their keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Id,
    Number,
    Letter,
}

fn build(text: &str, scan: Scan, options: &ParseOptions) -> Document {
    let Scan {
        cands,
        entries,
        lists,
        directives,
    } = scan;
    let mut doc = Document {
        directives,
        ..Document::default()
    };

    // Printed numbers (an `<ol>` counts from `start`; `<li value>` resets it)
    // and letters of every entry.
    let mut positions = vec![0u32; entries.len()];
    let mut indices = vec![0usize; entries.len()];
    for list in &lists {
        let mut counter = list.start;
        for (index, &e) in list.entries.iter().enumerate() {
            if let Some(value) = entries[e].value {
                counter = value;
            }
            positions[e] = counter;
            indices[e] = index;
            counter = counter.saturating_add(1);
        }
    }
    let id_keys: Vec<Option<Key>> = entries
        .iter()
        .map(|e| e.id.as_deref().and_then(id_key))
        .collect();
    let max_entry_number = positions
        .iter()
        .copied()
        .chain(
            id_keys
                .iter()
                .filter_map(|k| k.as_ref().and_then(Key::number)),
        )
        .max();
    let mut ctx = options.marker_context(max_entry_number);
    let classified: Vec<Classified> = cands
        .iter()
        .map(|c| {
            // A reference `<sup>` is never a bracketed year.
            ctx.max_entry_number = if c.reference {
                Some(u32::MAX)
            } else {
                max_entry_number
            };
            classify(c, &ctx)
        })
        .collect();

    // Markers that link to an entry: (entry, group, key).
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if let Some(id) = &entry.id {
            by_id.entry(id.as_str()).or_insert(i);
        }
    }
    let links: Vec<(usize, Group, &Key)> = cands
        .iter()
        .zip(&classified)
        .filter_map(|(cand, kind)| {
            let Classified::Cites { group, items } = kind else {
                return None;
            };
            let [item] = items.as_slice() else {
                return None;
            };
            let entry = *by_id.get(cand.href.as_deref()?)?;
            Some((entry, *group, &item.key))
        })
        .collect();

    // Groups.
    let headings: Vec<(Option<HeadingKind>, bool)> = lists
        .iter()
        .enumerate()
        .map(|(l, list)| {
            let notes = links
                .iter()
                .filter(|(e, g, _)| entries[*e].list == l && *g == Group::Notes)
                .count();
            let default = links
                .iter()
                .filter(|(e, g, _)| entries[*e].list == l && *g == Group::Default)
                .count();
            let letter_ids = list
                .entries
                .iter()
                .any(|&e| matches!(id_keys[e], Some(Key::Label(_))));
            let lettered = list.alpha || letter_ids || notes > default;
            (list.heading.as_ref().and_then(|h| h.0), lettered)
        })
        .collect();
    let groups = assign_list_groups(&headings);
    let notes_use_letters = classified.iter().any(|c| {
        matches!(c, Classified::Cites { group: Group::Notes, items }
            if items.iter().any(|i| matches!(i.key, Key::Label(_))))
    });

    // Keys.
    let key_of = |scheme: Scheme, e: usize| -> Option<Key> {
        match scheme {
            Scheme::Id => id_keys[e].clone(),
            Scheme::Number => Some(Key::Number(positions[e])),
            Scheme::Letter => Some(Key::Label(backlinks::label(indices[e]))),
        }
    };
    let mut schemes = Vec::with_capacity(lists.len());
    for (l, list) in lists.iter().enumerate() {
        let id_ok = !list.entries.is_empty() && list.entries.iter().all(|&e| id_keys[e].is_some());
        let letter_ids = list
            .entries
            .iter()
            .any(|&e| matches!(id_keys[e], Some(Key::Label(_))));
        let default =
            if groups[l] == Group::Notes && !letter_ids && (notes_use_letters || list.alpha) {
                Scheme::Letter
            } else if id_ok {
                Scheme::Id
            } else {
                Scheme::Number
            };
        let score = |scheme: Scheme| {
            links
                .iter()
                .filter(|(e, _, key)| {
                    entries[*e].list == l && key_of(scheme, *e).as_ref() == Some(*key)
                })
                .count()
        };
        let mut best = default;
        let mut best_score = score(default);
        for scheme in [Scheme::Id, Scheme::Number, Scheme::Letter] {
            if scheme == Scheme::Id && !id_ok {
                continue;
            }
            let s = score(scheme);
            if s > best_score {
                best = scheme;
                best_score = s;
            }
        }
        schemes.push(best);
        doc.lists.push(RefList {
            group: groups[l],
            heading: list.heading.as_ref().map(|h| h.1.clone()),
            span: match (list.entries.first(), list.entries.last()) {
                (Some(&first), Some(&last)) => Span::new(
                    entries[first].start,
                    entries[last].end.max(entries[first].start),
                ),
                _ => list.span,
            },
            numbered: false,
        });
    }
    for (e, entry) in entries.iter().enumerate() {
        let scheme = schemes[entry.list];
        let key = key_of(scheme, e).unwrap_or(Key::Number(positions[e]));
        let acc = if entry.has_ref_text {
            &entry.ref_text
        } else {
            &entry.all
        };
        let text_span = match acc.first {
            Some(first) => Span::new(first, acc.last.max(first)),
            None => Span::new(
                entry.content_start.min(entry.end),
                entry.end.max(entry.content_start.min(entry.end)),
            ),
        };
        doc.entries.push(Entry {
            key,
            group: groups[entry.list],
            span: Span::new(entry.start, entry.end),
            label_span: if scheme == Scheme::Id {
                entry.id_key_span
            } else {
                None
            },
            text: collapse(&acc.text),
            text_span,
            backlinks: (entry.backlinks > 0).then_some(entry.backlinks),
            list: entry.list,
            links: entry.links.clone(),
        });
    }

    // Markers, region by region. The body ends with the last list; text
    // inside a list but outside its entries is not body either.
    let list_spans: Vec<Span> = lists.iter().map(|l| l.span).collect();
    let in_body = |at: usize| {
        if list_spans.last().is_some_and(|last| at >= last.end) {
            return false;
        }
        let i = list_spans.partition_point(|s| s.end <= at);
        list_spans.get(i).is_none_or(|s| s.start > at)
    };
    let mut prev_of: HashMap<usize, Option<char>> = HashMap::new();
    let mut next_of: HashMap<usize, Option<char>> = HashMap::new();
    let mut region: Option<(Option<usize>, ClusterBuilder<'_>)> = None;
    let mut broken = false;
    for (cand, kind) in cands.iter().zip(classified) {
        if cand.in_entry.is_none() && !in_body(cand.span.start) {
            continue;
        }
        if region.as_ref().map(|r| r.0) != Some(cand.in_entry) {
            if let Some((_, mut builder)) = region.take() {
                builder.flush(&mut doc);
            }
            region = Some((
                cand.in_entry,
                ClusterBuilder::new(text, cand.in_entry).keep_lone_entry_markers(),
            ));
            broken = true;
        }
        let Some((_, builder)) = region.as_mut() else {
            continue;
        };
        match kind {
            Classified::Cites { group, items } => {
                let gap = if broken { "\n" } else { cand.gap.as_str() };
                prev_of.insert(cand.span.start, cand.prev);
                next_of.insert(cand.span.end, cand.next);
                builder.push_with_gap(
                    RawMarker {
                        span: cand.span,
                        group,
                        items,
                    },
                    gap,
                    &mut doc,
                );
                broken = false;
            }
            Classified::Tag(tag) => {
                builder.tag(tag, cand.span, &mut doc);
                broken = true;
            }
            Classified::Malformed(problem) => {
                builder.malformed(cand.written.clone(), cand.span, problem, &mut doc);
                broken = true;
            }
            Classified::Unreadable => {
                builder.flush(&mut doc);
                doc.notes.push(ParseNote {
                    span: cand.span,
                    message: format!(
                        "reference marker `{}` could not be read as a citation",
                        cand.written
                    ),
                });
                broken = true;
            }
            Classified::NotCitation => broken = true,
        }
    }
    if let Some((_, mut builder)) = region.take() {
        builder.flush(&mut doc);
    }

    // Spacing and punctuation as a reader sees them, not as the markup has it.
    for cluster in &mut doc.clusters {
        if let Some(prev) = prev_of.get(&cluster.span.start) {
            cluster.space_before = prev.is_some_and(char::is_whitespace);
        }
        if let Some(next) = next_of.get(&cluster.span.end) {
            cluster.punctuation_after =
                next.filter(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?'));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(html: &str) -> Document {
        let d = parse(html, &ParseOptions::default());
        assert_spans_valid(html, &d);
        d
    }

    fn assert_spans_valid(text: &str, d: &Document) {
        let mut spans: Vec<Span> = Vec::new();
        spans.extend(d.citations.iter().map(|c| c.span));
        spans.extend(d.clusters.iter().map(|c| c.span));
        for e in &d.entries {
            spans.extend([e.span, e.text_span]);
            spans.extend(e.label_span);
        }
        spans.extend(d.lists.iter().map(|l| l.span));
        spans.extend(d.tags.iter().map(|t| t.span));
        spans.extend(d.malformed.iter().map(|m| m.span));
        spans.extend(d.notes.iter().map(|n| n.span));
        for span in spans {
            assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{span:?}"
            );
        }
    }

    fn keys(d: &Document) -> Vec<String> {
        d.citations.iter().map(|c| c.key.to_string()).collect()
    }

    fn body_keys(d: &Document) -> Vec<String> {
        d.citations
            .iter()
            .filter(|c| c.in_entry.is_none())
            .map(|c| c.key.to_string())
            .collect()
    }

    fn sup(n: &str, label: &str) -> String {
        format!(
            r##"<sup id="cite_ref-{n}" class="reference"><a href="#cite_note-{n}"><span class="cite-bracket">&#91;</span>{label}<span class="cite-bracket">&#93;</span></a></sup>"##
        )
    }

    fn entry(n: &str, backlinks: usize, text: &str) -> String {
        let links = if backlinks == 1 {
            format!(r##"<b><a href="#cite_ref-{n}">^</a></b>"##)
        } else {
            (0..backlinks)
                .map(|i| {
                    format!(
                        r##"<a href="#cite_ref-{n}_{i}"><sup><i><b>{}</b></i></sup></a>"##,
                        backlinks::label(i)
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!(
            r##"<li id="cite_note-{n}"><span class="mw-cite-backlink">{links}</span> <span class="reference-text">{text}</span></li>"##
        )
    }

    #[test]
    fn reads_sup_markers_with_number_spans() {
        let html = format!(
            "<p>The bridge opened in 1932.{}</p>\n<h2>References</h2>\n<ol class=\"references\">{}</ol>",
            sup("1", "1"),
            entry("1", 1, "Smith (2004).")
        );
        let d = doc(&html);
        assert_eq!(keys(&d), ["1"]);
        let c = &d.citations[0];
        assert_eq!(&html[c.span.range()], "1");
        let cluster = &d.clusters[0];
        assert!(html[cluster.span.range()].starts_with("<sup"));
        assert!(html[cluster.span.range()].ends_with("</sup>"));
        assert!(!cluster.space_before);
        assert_eq!(cluster.punctuation_after, None);
    }

    #[test]
    fn adjacent_sups_form_one_cluster() {
        let html = format!(
            "<p>Claim.{}{}{} Next {}.</p><ol class=\"references\"></ol>",
            sup("1", "1"),
            sup("smith-2", "2"),
            sup("3", "3"),
            sup("4", "4")
        );
        let d = doc(&html);
        assert_eq!(keys(&d), ["1", "2", "3", "4"]);
        assert_eq!(d.clusters.len(), 2);
        assert_eq!(d.clusters[0].markers, 3);
        assert_eq!(d.clusters[0].citations, [0, 1, 2]);
        assert!(d.clusters[1].space_before);
        assert_eq!(d.clusters[1].punctuation_after, Some('.'));
    }

    #[test]
    fn entities_and_plain_brackets() {
        let html = "<p>First.&#91;2&#93; Second [3]. Third.[4][5]</p>";
        let d = doc(html);
        assert_eq!(keys(&d), ["2", "3", "4", "5"]);
        // the decoded `2` maps back onto its digit
        assert_eq!(&html[d.citations[0].span.range()], "2");
        assert_eq!(&html[d.clusters[0].span.range()], "&#91;2&#93;");
        assert_eq!(&html[d.citations[1].span.range()], "3");
        assert!(d.clusters[1].space_before);
        assert_eq!(d.clusters[1].punctuation_after, Some('.'));
        assert_eq!(d.clusters[2].markers, 2);
    }

    #[test]
    fn notes_are_their_own_group() {
        let html = format!(
            "<p>A.{} B.{} C.{}</p>",
            sup("1", "a"),
            sup("2", "note 1"),
            sup("3", "1")
        );
        let d = doc(&html);
        let groups: Vec<_> = d
            .citations
            .iter()
            .map(|c| (c.group, c.key.to_string()))
            .collect();
        assert_eq!(
            groups,
            [
                (Group::Notes, "a".to_owned()),
                (Group::Notes, "1".to_owned()),
                (Group::Default, "1".to_owned())
            ]
        );
    }

    #[test]
    fn entries_take_keys_backlinks_and_text_from_the_list() {
        let html = format!(
            "<p>X.{}{} Y.{}</p><h2 id=\"References\">References</h2><div class=\"reflist\"><ol class=\"references\">{}{}</ol></div><h2>External links</h2><p>After [9].</p>",
            sup("smith-1", "1"),
            sup("2", "2"),
            sup("smith-1", "1"),
            entry(
                "smith-1",
                2,
                "Smith, J. (2004). <i>The &amp; Book</i>. p.&nbsp;5."
            ),
            entry("2", 1, "Jones.")
        );
        let d = doc(&html);
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.entries[0].key, Key::Number(1));
        assert_eq!(d.entries[0].backlinks, Some(2));
        assert_eq!(d.entries[0].text, "Smith, J. (2004). The & Book. p. 5.");
        assert_eq!(&html[d.entries[0].label_span.unwrap().range()], "1");
        assert!(html[d.entries[0].text_span.range()].starts_with("Smith"));
        assert_eq!(d.entries[1].backlinks, Some(1));
        assert_eq!(d.lists.len(), 1);
        assert_eq!(d.lists[0].heading.as_deref(), Some("References"));
        assert!(!d.lists[0].numbered);
        assert_eq!(d.lists[0].group, Group::Default);
        // `[9]` after the last list is not body
        assert_eq!(body_keys(&d), ["1", "2", "1"]);
    }

    #[test]
    fn markers_inside_entries_are_uses_from_the_list() {
        let html = format!(
            "<p>X.{}</p><h2>Notes</h2><ol class=\"references\">{}</ol><h2>References</h2><ol class=\"references\">{}{}</ol>",
            sup("1", "a"),
            entry(
                "1",
                1,
                &format!("A note bundling two.{}{}", sup("2", "1"), sup("3", "2"))
            ),
            entry("2", 1, "One."),
            entry("3", 1, "Two.")
        );
        let d = doc(&html);
        assert_eq!(d.lists[0].group, Group::Notes);
        assert_eq!(d.lists[1].group, Group::Default);
        let inner: Vec<_> = d
            .citations
            .iter()
            .filter(|c| c.in_entry == Some(0))
            .collect();
        assert_eq!(inner.len(), 2);
        assert_eq!(d.clusters.last().unwrap().markers, 2);
        assert_eq!(d.entries[0].key, Key::Label("a".into()));
        assert_eq!(d.entries[0].text, "A note bundling two.[1][2]");
    }

    #[test]
    fn global_sequence_ids_are_keyed_by_position() {
        // MediaWiki counts ids across groups: note `a` took cite_note-1.
        let html = format!(
            "<p>A.{} B.{} C.{}</p><h2>Notes</h2><div class=\"reflist reflist-lower-alpha\"><ol class=\"references\">{}</ol></div><h2>References</h2><ol class=\"references\">{}{}</ol>",
            sup("1", "a"),
            sup("2", "1"),
            sup("3", "2"),
            entry("1", 1, "Note."),
            entry("2", 1, "One."),
            entry("3", 1, "Two.")
        );
        let d = doc(&html);
        let keys: Vec<_> = d
            .entries
            .iter()
            .map(|e| (e.group, e.key.to_string()))
            .collect();
        assert_eq!(
            keys,
            [
                (Group::Notes, "a".to_owned()),
                (Group::Default, "1".to_owned()),
                (Group::Default, "2".to_owned())
            ]
        );
        assert!(d.entries.iter().all(|e| e.label_span.is_none()));
    }

    #[test]
    fn ids_reveal_a_deleted_entry() {
        let html = format!(
            "<p>A.{} B.{} C.{}</p><ol class=\"references\">{}{}</ol>",
            sup("1", "1"),
            sup("2", "2"),
            sup("3", "3"),
            entry("1", 1, "One."),
            entry("3", 1, "Three.")
        );
        let d = doc(&html);
        let keys: Vec<_> = d.entries.iter().map(|e| e.key.to_string()).collect();
        assert_eq!(keys, ["1", "3"]);
    }

    #[test]
    fn lettered_ids_make_a_notes_list() {
        let html = r##"<p>A.<sup class="reference"><a href="#cite_note-a">[a]</a></sup></p>
<ol class="references"><li id="cite_note-a"><a href="#cite_ref-a">^</a> A note.</li></ol>"##;
        let d = doc(html);
        assert_eq!(d.lists[0].group, Group::Notes);
        assert_eq!(d.entries[0].key, Key::Label("a".into()));
        assert_eq!(d.entries[0].text, "A note.");
        assert_eq!(d.entries[0].backlinks, Some(1));
    }

    #[test]
    fn maintenance_tags_in_sups_and_text() {
        let html = r##"<p>Claim.<sup class="noprint Inline-Template Template-Fact" style="white-space:nowrap;">&#91;<i><a href="/wiki/Wikipedia:Citation_needed" title="Wikipedia:Citation needed"><span title="This claim needs references.">citation needed</span></a></i>&#93;</sup> Other.[dead link]</p>"##;
        let d = doc(html);
        let tags: Vec<_> = d.tags.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(tags, ["citation needed", "dead link"]);
        assert!(html[d.tags[0].span.range()].starts_with("<sup"));
        assert_eq!(&html[d.tags[1].span.range()], "[dead link]");
        assert!(d.citations.is_empty());
    }

    #[test]
    fn things_that_are_not_citations() {
        let html = r##"<h2><span class="mw-headline" id="History">History</span><span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="/w/index.php?action=edit">edit</a><span class="mw-editsection-bracket">]</span></span></h2>
<p>See <a rel="nofollow" class="external autonumber" href="https://example.org">[1]</a> and <a href="https://example.org/2">[2]</a>.
In 1914 [1914] the ORCID [0000-0002-1825-0097] and <code>a[3]</code>.</p>
<pre>x[4]</pre><script>var a = "[5]";</script><style>p::before{content:"[6]"}</style>
<div role="navigation" class="navbox"><p>Nav.<sup class="reference"><a href="#cite_note-7">[7]</a></sup> [8]</p></div>
<p>Real.[9]</p>"##;
        let d = doc(html);
        assert_eq!(keys(&d), ["9"]);
        assert!(d.tags.is_empty() && d.malformed.is_empty() && d.notes.is_empty());
    }

    #[test]
    fn draft_lists_under_a_heading_are_keyed_by_position() {
        let html = "<h1>Draft</h1>\n<p>Claim one.[1] Claim two.[2][3]\n<p>Claim four.[4]\n<h2>References</h2>\n<ol>\n<li>Smith (2004).\n<li>Jones (2010). <em>Title</em>.\n<li>Brown (2001).\n</ol>\n";
        let d = doc(html);
        assert_eq!(keys(&d), ["1", "2", "3", "4"]);
        assert_eq!(d.clusters.len(), 3);
        let entries: Vec<_> = d
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.text.as_str(), e.backlinks))
            .collect();
        assert_eq!(
            entries,
            [
                ("1".to_owned(), "Smith (2004).", None),
                ("2".to_owned(), "Jones (2010). Title.", None),
                ("3".to_owned(), "Brown (2001).", None)
            ]
        );
        // unclosed `<li>`s end at their text
        assert!(html[d.entries[0].span.range()].ends_with("(2004)."));
        assert!(d.lists[0].heading.as_deref() == Some("References"));
    }

    #[test]
    fn ol_start_and_value_are_honoured() {
        let html = "<p>A.[5] B.[9]</p><h2>Sources</h2><ol start=\"5\"><li>Five.</li><li value=\"9\">Nine.</li></ol>";
        let d = doc(html);
        let keys: Vec<_> = d.entries.iter().map(|e| e.key.to_string()).collect();
        assert_eq!(keys, ["5", "9"]);
    }

    #[test]
    fn malformed_and_unreadable_markers() {
        let html = r##"<p>A.<sup>[5–3]</sup> B.<sup class="reference"><a href="#cite_note-x">[fn 1]</a></sup></p>"##;
        let d = doc(html);
        assert_eq!(d.malformed.len(), 1);
        assert_eq!(d.malformed[0].text, "[5–3]");
        assert_eq!(d.notes.len(), 1);
        assert!(d.citations.is_empty());
    }

    #[test]
    fn block_edges_break_clusters_and_unclosed_sups_end_with_their_parent() {
        let html =
            "<p>One.<sup>[1]</sup></p><p><sup>[2]</sup> two.</p><p>Three.<sup>[3]</p><p>Four.[4]";
        let d = doc(html);
        assert_eq!(keys(&d), ["1", "2", "3", "4"]);
        assert_eq!(d.clusters.len(), 4);
        assert!(!d.clusters[1].space_before);
        // the unclosed sup ends where its paragraph does
        assert_eq!(&html[d.clusters[2].span.range()], "<sup>[3]");
    }

    #[test]
    fn sup_with_several_groups_reads_its_text() {
        let d = doc("<p>A.<sup>[1][2]</sup> x<sup>2</sup></p>");
        assert_eq!(keys(&d), ["1", "2"]);
        assert_eq!(d.clusters.len(), 1);
        // the words before the sup still separate it from `[1]`
        let d = doc("<p>A.[1] and then <sup>[2][3]</sup></p>");
        assert_eq!(d.clusters.len(), 2);
    }

    #[test]
    fn page_pins_and_bare_numbers() {
        let html = r##"<p>A.<sup class="reference"><a href="#cite_note-1">1</a></sup><sup class="reference nowrap"><span title="Page: 12">: 12</span></sup></p>"##;
        let d = doc(html);
        assert_eq!(keys(&d), ["1"]);
        assert!(d.notes.is_empty() && d.malformed.is_empty());
    }

    #[test]
    fn parsoid_markup() {
        let html = r##"<p>A.<sup about="#mwt1" class="mw-ref reference" id="cite_ref-1" typeof="mw:Extension/ref"><a href="./Page#cite_note-1"><span class="mw-reflink-text">[1]</span></a></sup></p>
<div class="mw-references-wrap"><ol class="mw-references references"><li about="#cite_note-1" id="cite_note-1"><span class="mw-cite-backlink"><a href="./Page#cite_ref-1" rel="mw:referencedBy"><span class="mw-linkback-text">↑ </span></a></span> <span id="mw-reference-text-cite_note-1" class="mw-reference-text">Source.</span></li></ol></div>"##;
        let d = doc(html);
        assert_eq!(keys(&d), ["1"]);
        assert_eq!(d.entries[0].key, Key::Number(1));
        assert_eq!(d.entries[0].backlinks, Some(1));
        assert_eq!(d.entries[0].text, "Source.");
    }

    #[test]
    fn mapping_follows_entities_and_line_ends() {
        let source = "a&amp;b\r\n&#91;3&#93;&ampx&notanentity; z";
        let value = "a&b\n[3]&x¬anentity; z";
        let m = MappedText::from_token(value, source, Span::new(0, source.len()));
        assert_eq!(m.text, value);
        let three = value.find('3').unwrap();
        assert_eq!(&source[m.map(Span::new(three, three + 1)).range()], "3");
        let z = value.find('z').unwrap();
        assert_eq!(&source[m.map(Span::new(z, z + 1)).range()], "z");
        let amp = value.find("&x").unwrap();
        assert_eq!(&source[m.map(Span::new(amp, amp + 1)).range()], "&amp");
    }

    #[test]
    fn never_panics_on_broken_input() {
        for html in [
            "",
            "<",
            "<sup",
            "<sup class=reference><a href=#cite_note-1>[1",
            "</li></ol></sup>]]][[[",
            "<ol class=references><li id=cite_note-><li id=cite_note-99999999999>",
            "<h2>References<ol><li>a",
            "<script>",
            "<sup>é[1]é</sup>\u{0}&#0;&#xD800;&#9999999;",
            "<p>[1]–<sup>[3]</sup>",
            "<table><tr><td>[1]<td>[2]</table>",
            "<plaintext><sup>[1]</sup>",
            "<ol class=\"references\"><li>[citation needed]</li></ol>",
        ] {
            doc(html);
        }
        let deep = "<div><span>".repeat(5000) + "[1]" + &"</li>".repeat(5000);
        doc(&deep);
        let many_li = "<ol class=references>".to_owned() + &"<li><b><i>".repeat(3000);
        doc(&many_li);
    }

    #[test]
    fn element_kinds_follow_the_html_categories() {
        let categories: [(u16, &[&str]); 8] = [
            (
                kind::VOID,
                &[
                    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
                    "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
                ],
            ),
            (
                kind::RAW_TEXT,
                &[
                    "script",
                    "style",
                    "textarea",
                    "title",
                    "iframe",
                    "xmp",
                    "noembed",
                    "noframes",
                    "noscript",
                    "plaintext",
                ],
            ),
            (
                kind::INVISIBLE,
                &[
                    "script", "style", "head", "title", "noscript", "template", "iframe",
                    "noembed", "noframes",
                ],
            ),
            (
                kind::NO_MARKERS,
                &[
                    "code",
                    "pre",
                    "kbd",
                    "samp",
                    "tt",
                    "var",
                    "math",
                    "svg",
                    "nav",
                    "footer",
                    "textarea",
                    "xmp",
                    "plaintext",
                ],
            ),
            (
                kind::BLOCK,
                &[
                    "address",
                    "article",
                    "aside",
                    "blockquote",
                    "body",
                    "br",
                    "caption",
                    "center",
                    "dd",
                    "details",
                    "div",
                    "dl",
                    "dt",
                    "fieldset",
                    "figcaption",
                    "figure",
                    "footer",
                    "form",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                    "header",
                    "hr",
                    "html",
                    "li",
                    "main",
                    "menu",
                    "nav",
                    "ol",
                    "p",
                    "pre",
                    "section",
                    "summary",
                    "table",
                    "tbody",
                    "td",
                    "tfoot",
                    "th",
                    "thead",
                    "tr",
                    "ul",
                ],
            ),
            (
                kind::CLOSES_P,
                &[
                    "address",
                    "article",
                    "aside",
                    "blockquote",
                    "center",
                    "dd",
                    "details",
                    "div",
                    "dl",
                    "dt",
                    "fieldset",
                    "figcaption",
                    "figure",
                    "footer",
                    "form",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                    "header",
                    "hr",
                    "li",
                    "main",
                    "menu",
                    "nav",
                    "ol",
                    "p",
                    "pre",
                    "section",
                    "summary",
                    "table",
                    "ul",
                ],
            ),
            (
                kind::P_SCOPE,
                &[
                    "html", "body", "table", "td", "th", "caption", "button", "object", "template",
                ],
            ),
            (
                kind::LI_SCOPE,
                &["ol", "ul", "menu", "table", "td", "th", "body", "html"],
            ),
        ];
        for (el, name) in El::ALL {
            assert_eq!(El::from_name(name), Some(el), "{el:?}");
            for (bit, names) in categories {
                let listed = names.contains(&std::str::from_utf8(name).unwrap());
                assert_eq!(el.kind() & bit != 0, listed, "{el:?} kind {bit:#b}");
            }
        }
        for (_, names) in categories {
            for name in names {
                assert!(El::from_name(name.as_bytes()).is_some(), "{name}");
            }
        }
        assert_eq!(El::from_name(b"DIV"), None);
        assert_eq!(El::from_name(b"x-div"), None);
    }

    #[test]
    fn repeated_attributes_keep_the_first() {
        let html = r##"<p>A.<sup class="reference" class="nowrap"><a href="#cite_note-1" href="#cite_note-2">1</a></sup></p><ol class="references" class="plain"><li id="cite_note-1" id="cite_note-2">One.</li></ol>"##;
        let d = doc(html);
        assert_eq!(keys(&d), ["1"]);
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].key, Key::Number(1));
        let label = d.entries[0].label_span.unwrap();
        assert_eq!(&html[label.range()], "1");
        assert!(label.end < html.find(r#"id="cite_note-2""#).unwrap());
    }

    #[test]
    fn names_are_matched_whatever_their_case_or_kind() {
        // Tag and attribute names are lowercased by the tokenizer; unknown
        // elements open and close like any other, stray end tags are ignored.
        let html = r##"<P>A.<SUP CLASS="reference"><A HREF="#cite_note-1">[1]</A></SUP></x-stray></P class="x">
<X-Refs><H2>References</H2><x-list><OL><LI ID="cite_note-1">One.</LI></OL></x-list></X-Refs><p>After.[2]</p>"##;
        let d = doc(html);
        assert_eq!(body_keys(&d), ["1"]);
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].key, Key::Number(1));
        assert_eq!(d.entries[0].text, "One.");
        assert_eq!(d.lists[0].heading.as_deref(), Some("References"));
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text_parses_with_valid_spans(s in "\\PC{0,200}") {
                doc(&s);
            }

            #[test]
            fn html_like_text_parses_with_valid_spans(
                parts in proptest::collection::vec(
                    prop_oneof![
                        Just("<sup class=\"reference\">".to_owned()),
                        Just("</sup>".to_owned()),
                        Just("<a href=\"#cite_note-2\">".to_owned()),
                        Just("</a>".to_owned()),
                        Just("<ol class=\"references\">".to_owned()),
                        Just("<li id=\"cite_note-a\">".to_owned()),
                        Just("<h2>Notes</h2>".to_owned()),
                        Just("&#91;".to_owned()),
                        Just("&#93;".to_owned()),
                        Just("&nbsp;".to_owned()),
                        Just("[1]".to_owned()),
                        Just("é".to_owned()),
                        Just("\r\n".to_owned()),
                        "[a-z0-9 .,\\[\\]–-]{0,6}",
                    ],
                    0..40,
                )
            ) {
                doc(&parts.concat());
            }
        }
    }
}
