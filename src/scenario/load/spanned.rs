//! A TOML tree that remembers, for every key and value, the file it was
//! written in and its byte span there, so that a problem found after
//! `extends` merging still points at the right file, line and column.

use std::path::PathBuf;
use std::rc::Rc;

use toml::de::{DeTable, DeValue};
use toml::value::Datetime;
use toml::Spanned;

/// The text of one scenario file.
#[derive(Debug)]
pub(crate) struct Source {
    /// The path as given (or as resolved from an `extends`).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    /// Byte offset of the start of every line; the first is 0.
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(path: PathBuf, text: String) -> Rc<Source> {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Rc::new(Source {
            path,
            text,
            line_starts,
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0).min(offset);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line + 1, column)
    }

    /// The text between two byte offsets ("" if they are not a valid span).
    pub fn snippet(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }
}

/// Where a key or value was written.
#[derive(Debug, Clone)]
pub(crate) struct Loc {
    pub src: Rc<Source>,
    pub start: usize,
    pub end: usize,
}

impl Loc {
    /// The start of a file.
    pub fn file_start(src: &Rc<Source>) -> Loc {
        Loc {
            src: Rc::clone(src),
            start: 0,
            end: 0,
        }
    }

    /// The text of the span as written.
    pub fn text(&self) -> &str {
        self.src.snippet(self.start, self.end)
    }
}

/// A value and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub loc: Loc,
    pub val: Val,
}

/// A TOML value.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Str(String),
    /// `None` when the integer does not fit in 64 bits.
    Int(Option<i64>),
    /// NaN when the text could not be read as a number.
    Float(f64),
    Bool(bool),
    Datetime(Datetime),
    Array(Vec<Node>),
    Table(Table),
}

/// One `key = value` of a table.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub key_loc: Loc,
    pub node: Node,
}

/// A TOML table, entries in the order they were written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub entries: Vec<Entry>,
    /// Written as `{ ... }` on one line (a value, replaced whole on merge).
    pub inline: bool,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.node)
    }

    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(i))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.key == key)
    }
}

impl Val {
    /// A short description of the value for messages, quoting what was
    /// written where that is short.
    pub fn describe(&self, loc: &Loc) -> String {
        match self {
            Val::Str(s) => format!("string {:?}", shorten(s, 40)),
            Val::Int(_) => format!("integer {}", shorten(loc.text(), 40)),
            Val::Float(_) => format!("number {}", shorten(loc.text(), 40)),
            Val::Bool(b) => format!("boolean {b}"),
            Val::Datetime(d) => format!("date-time {d}"),
            Val::Array(a) => format!("an array of {} item(s)", a.len()),
            Val::Table(_) => "a table".to_string(),
        }
    }
}

/// A key as written by the user, shown on one line: bare when it is a plain
/// TOML bare key, else quoted with escapes; long keys are shortened.
pub(crate) fn key_text(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        shorten(k, 60)
    } else {
        format!("{:?}", shorten(k, 60))
    }
}

/// A path shown on one line (control characters escaped).
pub(crate) fn path_text(p: &std::path::Path) -> String {
    p.display()
        .to_string()
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// At most `n` characters of `s`, with an ellipsis when cut.
pub(crate) fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n).collect();
        out.push('…');
        out
    }
}

/// Converts the parser's tree (byte spans into `src`) into ours.
pub(crate) fn convert_table(
    src: &Rc<Source>,
    span: std::ops::Range<usize>,
    t: &DeTable<'_>,
) -> Table {
    let mut entries: Vec<Entry> = t
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_loc: loc(src, k.span()),
            node: convert_value(src, v),
        })
        .collect();
    // The parser keeps keys sorted; we want the order they were written in.
    entries.sort_by_key(|e| e.key_loc.start);
    Table {
        entries,
        inline: src
            .text
            .get(span.start..)
            .is_some_and(|s| s.starts_with('{')),
    }
}

fn loc(src: &Rc<Source>, span: std::ops::Range<usize>) -> Loc {
    Loc {
        src: Rc::clone(src),
        start: span.start,
        end: span.end.max(span.start),
    }
}

fn convert_value(src: &Rc<Source>, v: &Spanned<DeValue<'_>>) -> Node {
    let span = v.span();
    let val = match v.get_ref() {
        DeValue::String(s) => Val::Str(s.to_string()),
        DeValue::Integer(i) => Val::Int(i64::from_str_radix(i.as_str(), i.radix()).ok()),
        DeValue::Float(f) => Val::Float(f.as_str().parse::<f64>().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Val::Bool(*b),
        DeValue::Datetime(d) => Val::Datetime(*d),
        DeValue::Array(a) => Val::Array(a.iter().map(|x| convert_value(src, x)).collect()),
        DeValue::Table(t) => Val::Table(convert_table(src, span.clone(), t)),
    };
    Node {
        loc: loc(src, span),
        val,
    }
}
