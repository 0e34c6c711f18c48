//! Placeholder: the paper parser is being written; it returns an empty document.

use crate::model::Document;
use crate::parse::ParseOptions;

/// Parses paper input into a [`Document`].
pub fn parse(_text: &str, _options: &ParseOptions) -> Document {
    Document::default()
}
