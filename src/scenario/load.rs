//! Reading scenario files: TOML text to a validated [`Scenario`].
//!
//! (Stub: being written.)

use super::Scenario;
use std::path::{Path, PathBuf};

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file the offending text is in (a base file for an inherited value).
    pub file: PathBuf,
    /// 1-based line, 0 when the problem has no place in the text.
    pub line: usize,
    /// 1-based column, 0 when the problem has no place in the text.
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
            self.file.display(),
            self.line,
            self.column,
            self.key,
            self.message
        )
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file has problems; every one found is listed.
    #[error("{} problem(s) in scenario:\n{}", .0.len(), .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

/// Loads and validates the scenario file at `path`, following `extends`.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    load_str(&text, path)
}

/// Loads and validates scenario text as if read from `path` (which names the
/// file in messages and anchors a relative `extends`).
pub fn load_str(_text: &str, _path: &Path) -> Result<Scenario, LoadError> {
    Ok(Scenario::default())
}
