//! Reading scenario files: TOML text to a validated [`Scenario`].
//!
//! The text is parsed with `toml::de::DeTable::parse`, which keeps the byte
//! span of every key and value, and converted into a small tree
//! ([`spanned`]) that also remembers the file each value came from. A file
//! may name a base with `extends = "base.toml"` (relative to its own
//! folder); the base is loaded first and the two trees are merged (tables
//! key by key, the child winning; arrays and inline tables replaced whole;
//! `name` never inherited). The merged tree is then checked field by field
//! ([`check`]), collecting every problem rather than stopping at the first.

mod check;
pub(crate) mod reader;
pub(crate) mod spanned;

use super::ValidScenario;
use spanned::{Loc, Node, Source, Table, Val};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Largest scenario file read, in bytes (scenario files are a few KiB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Longest chain of `extends` followed.
const MAX_EXTENDS_DEPTH: usize = 16;

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file the offending text is in (a base file for an inherited value).
    pub file: PathBuf,
    /// 1-based line (at least 1: a problem with no better place is at the
    /// start of the file, or of the table it concerns).
    pub line: usize,
    /// 1-based column (at least 1).
    pub column: usize,
    /// Dotted key path, for example `caseworkers.groups[0].fte`.
    pub key: String,
    /// What is wrong, with what was found and what is allowed.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            spanned::path_text(&self.file),
            self.line,
            self.column,
            self.key,
            self.message
        )
    }
}

impl Problem {
    /// A problem at a place in a file.
    pub(crate) fn at(loc: &Loc, key: &str, message: impl Into<String>) -> Problem {
        let (line, column) = loc.src.line_col(loc.start);
        Problem {
            file: loc.src.path.clone(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        }
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file has problems; every one found is listed.
    #[error("{} problem(s) in scenario:\n{}", .0.len(), .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
    /// The file could not be read: missing, a directory, not a regular file,
    /// unreadable or too large.
    #[error("{}: cannot read scenario file: {message} (a scenario must be a readable TOML text file of at most {} bytes)", spanned::path_text(.path), MAX_FILE_BYTES)]
    Read {
        /// The path as given.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The file is not UTF-8 text.
    #[error("{}:{line}:{column}: scenario file is not valid UTF-8 text (first bad byte here); save it as UTF-8", spanned::path_text(.path))]
    NotUtf8 {
        /// The path as given.
        path: PathBuf,
        /// 1-based line of the first bad byte.
        line: usize,
        /// 1-based column (in characters) of the first bad byte.
        column: usize,
    },
}

impl LoadError {
    /// Every problem, for the `Invalid` case (empty otherwise).
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid(p) => p,
            _ => &[],
        }
    }
}

/// Loads and validates the scenario file at `path`, following `extends`.
pub fn load(path: &Path) -> Result<ValidScenario, LoadError> {
    let text = read_text(path)?;
    load_str(&text, path)
}

/// Loads and validates scenario text as if read from `path` (which names the
/// file in messages and anchors a relative `extends`).
pub fn load_str(text: &str, path: &Path) -> Result<ValidScenario, LoadError> {
    let mut loader = Loader::default();
    let top = Source::new(path.to_path_buf(), strip_bom(text).to_string());
    let root = loader.load_tree(&top, 0);
    let mut warnings = Vec::new();
    let scenario = root.map(|root| {
        let found = check::Found {
            problems: &mut loader.problems,
            warnings: &mut warnings,
        };
        check::build(&root, &Loc::file_start(&top), &default_name(path), found)
    });
    match scenario {
        Some(s) if loader.problems.is_empty() => {
            sort_problems(&mut warnings, &loader.files);
            Ok(ValidScenario::checked(s, warnings))
        }
        _ => {
            let mut problems = loader.problems;
            sort_problems(&mut problems, &loader.files);
            if problems.is_empty() {
                // Cannot happen (no tree means a problem was recorded), but
                // never report failure without saying why.
                problems.push(Problem {
                    file: path.to_path_buf(),
                    line: 1,
                    column: 1,
                    key: "(file)".into(),
                    message: "the scenario could not be read".into(),
                });
            }
            Err(LoadError::Invalid(problems))
        }
    }
}

/// Says which scenarios share a name, naming both files, when any do
/// (outputs are keyed by the name). `names` pairs each name with its file.
pub fn duplicate_names(names: &[(&str, &Path)]) -> Option<String> {
    for (i, (a, fa)) in names.iter().enumerate() {
        if let Some((_, fb)) = names[..i].iter().find(|(b, _)| b == a) {
            return Some(format!(
                "{} and {}: both scenarios are named `{a}`; give each a distinct `name` (outputs are keyed by it)",
                spanned::path_text(fb),
                spanned::path_text(fa)
            ));
        }
    }
    None
}

/// Orders problems by file (top file first), line and column, with the
/// summary of problems not listed last.
fn sort_problems(problems: &mut Vec<Problem>, files: &[PathBuf]) {
    let rank = |p: &Problem| {
        files
            .iter()
            .position(|f| *f == p.file)
            .unwrap_or(usize::MAX)
    };
    problems.sort_by_key(|p| (p.key == "(more)", rank(p), p.line, p.column));
    problems.dedup();
}

/// The name a scenario takes when its top file sets none: the file stem.
fn default_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem.trim().is_empty() {
        "scenario".to_string()
    } else {
        stem
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Why a file could not be read as text.
enum ReadFail {
    Read(String),
    NotUtf8 { line: usize, column: usize },
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    read_file(path).map_err(|e| match e {
        ReadFail::Read(message) => LoadError::Read {
            path: path.to_path_buf(),
            message,
        },
        ReadFail::NotUtf8 { line, column } => LoadError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
        },
    })
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

fn read_file(path: &Path) -> Result<String, ReadFail> {
    let meta = std::fs::metadata(path).map_err(|e| ReadFail::Read(io_message(&e)))?;
    if meta.is_dir() {
        return Err(ReadFail::Read("is a directory, not a file".into()));
    }
    if !meta.is_file() {
        return Err(ReadFail::Read("is not a regular file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadFail::Read(format!(
            "file is {} bytes, too large",
            meta.len()
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| ReadFail::Read(io_message(&e)))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadFail::Read(io_message(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadFail::Read(
            "file grew too large while being read".into(),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(strip_bom(&s).to_string()),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let prefix = std::str::from_utf8(&e.as_bytes()[..good]).unwrap_or("");
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(ReadFail::NotUtf8 { line, column })
        }
    }
}

/// The identity of a file for cycle detection: its canonical path when it
/// exists, else its absolute path.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

#[derive(Default)]
struct Loader {
    problems: Vec<Problem>,
    /// Files read, top first (orders the problems).
    files: Vec<PathBuf>,
    /// The `extends` chain being followed: (identity, path as shown).
    chain: Vec<(PathBuf, PathBuf)>,
}

impl Loader {
    /// Parses one file and, through its `extends`, its bases; returns the
    /// merged tree, or `None` when this file itself cannot be parsed.
    fn load_tree(&mut self, src: &Rc<Source>, depth: usize) -> Option<Table> {
        self.files.push(src.path.clone());
        let parsed = match toml::de::DeTable::parse(&src.text) {
            Ok(t) => t,
            Err(e) => {
                let start = e.span().map_or(0, |s| s.start);
                let loc = Loc {
                    src: Rc::clone(src),
                    start,
                    end: start,
                };
                let p = Problem::at(
                    &loc,
                    "(syntax)",
                    format!("invalid TOML: {}", one_line(e.message())),
                );
                self.problems.push(p);
                return None;
            }
        };
        let span = parsed.span();
        let mut table = spanned::convert_table(src, span, parsed.get_ref());
        let Some(ext) = table.remove("extends") else {
            return Some(table);
        };
        let base = self.load_base(src, &ext.node, depth);
        // Keep `extends` in the tree so the checker knows it was allowed.
        let mut child = table;
        child.entries.push(ext);
        Some(match base {
            Some(mut base) => {
                base.remove("name");
                base.remove("extends");
                merge(base, child)
            }
            None => child,
        })
    }

    fn load_base(&mut self, src: &Rc<Source>, node: &Node, depth: usize) -> Option<Table> {
        let Val::Str(rel) = &node.val else {
            self.problems.push(Problem::at(
                &node.loc,
                "extends",
                format!(
                    "wrong type (got {}, allowed a string: the path of a base scenario file, relative to this file's folder)",
                    node.val.describe(&node.loc)
                ),
            ));
            return None;
        };
        if rel.trim().is_empty() {
            self.problems.push(Problem::at(
                &node.loc,
                "extends",
                "empty path (allowed: the path of a base scenario file, relative to this file's folder)",
            ));
            return None;
        }
        let dir = src.path.parent().unwrap_or(Path::new(""));
        let base_path = dir.join(rel);
        if self.chain.is_empty() {
            self.chain.push((identity(&src.path), src.path.clone()));
        }
        let id = identity(&base_path);
        if self.chain.iter().any(|(c, _)| *c == id) {
            let names: Vec<String> = self
                .chain
                .iter()
                .map(|(_, p)| spanned::path_text(p))
                .chain(std::iter::once(spanned::path_text(&base_path)))
                .collect();
            self.problems.push(Problem::at(
                &node.loc,
                "extends",
                format!(
                    "extends cycle: {} (a scenario cannot extend itself, directly or through other files)",
                    names.join(" -> ")
                ),
            ));
            return None;
        }
        if depth + 1 >= MAX_EXTENDS_DEPTH {
            self.problems.push(Problem::at(
                &node.loc,
                "extends",
                format!("too many levels of extends (allowed at most {MAX_EXTENDS_DEPTH})"),
            ));
            return None;
        }
        let text = self.read_base(node, &base_path)?;
        self.chain.push((id, base_path.clone()));
        let base_src = Source::new(base_path, text);
        let tree = self.load_tree(&base_src, depth + 1);
        self.chain.pop();
        tree
    }

    /// The text of a base file, or `None` with the problem recorded.
    fn read_base(&mut self, node: &Node, base_path: &Path) -> Option<String> {
        match read_file(base_path) {
            Ok(t) => Some(t),
            Err(ReadFail::Read(m)) => {
                self.problems.push(Problem::at(
                    &node.loc,
                    "extends",
                    format!(
                        "cannot read base scenario `{}`: {m} (allowed: a readable TOML file, path relative to this file's folder)",
                        spanned::path_text(base_path)
                    ),
                ));
                None
            }
            Err(ReadFail::NotUtf8 { line, column }) => {
                self.problems.push(Problem::at(
                    &node.loc,
                    "extends",
                    format!(
                        "base scenario `{}` is not valid UTF-8 text",
                        spanned::path_text(base_path)
                    ),
                ));
                self.problems.push(Problem {
                    file: base_path.to_path_buf(),
                    line,
                    column,
                    key: "(file)".into(),
                    message: "not valid UTF-8 text (first bad byte here); save it as UTF-8".into(),
                });
                None
            }
        }
    }
}

fn one_line(s: &str) -> String {
    s.trim()
        .split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Keys that are alternatives to one another: a child that sets one of them
/// drops the base's setting of the others.
const ALTERNATIVES: &[(&str, &[&str])] = &[("calendar", &["horizon_weeks", "end"])];

/// Deep merge: the child's value wins; tables written as `[section]` merge
/// key by key; arrays, inline tables and distributions are replaced whole.
fn merge(base: Table, child: Table) -> Table {
    merge_at("", base, child)
}

fn merge_at(path: &str, mut base: Table, child: Table) -> Table {
    for (section, keys) in ALTERNATIVES {
        if *section == path && keys.iter().any(|k| child.contains(k)) {
            for k in *keys {
                base.remove(k);
            }
        }
    }
    // The merged table keeps the base's order, with new keys at the end;
    // the index keeps merging linear in the number of keys.
    let inline = base.inline;
    let mut out: Vec<Option<spanned::Entry>> = base.entries.into_iter().map(Some).collect();
    let mut index: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.as_ref().map(|e| (e.key.clone(), i)))
        .collect();
    for entry in child.entries {
        let slot = index.get(&entry.key).and_then(|&i| out.get_mut(i));
        let Some(slot) = slot else {
            index.insert(entry.key.clone(), out.len());
            out.push(Some(entry));
            continue;
        };
        let old = slot.take().map(|o| o.node.val);
        let merged = match (old, entry.node.val) {
            (Some(Val::Table(b)), Val::Table(c)) if !c.inline && !c.contains("dist") => {
                let sub = if path.is_empty() {
                    entry.key.clone()
                } else {
                    format!("{path}.{}", entry.key)
                };
                Val::Table(merge_at(&sub, b, c))
            }
            (_, v) => v,
        };
        *slot = Some(spanned::Entry {
            key: entry.key,
            key_loc: entry.key_loc,
            node: Node {
                loc: entry.node.loc,
                val: merged,
            },
        });
    }
    Table {
        entries: out.into_iter().flatten().collect(),
        inline,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod registry_tests;
