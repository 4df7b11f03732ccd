//! `manifest.json`: the provenance of a run (program version and git
//! revision, command line, master seed, replications, the scenario files
//! and their SHA-256 hashes, and the size and SHA-256 of every CSV file
//! written beside it, so that a set of files can be checked as complete:
//! see [`verify`](super::verify)).
//!
//! The manifest holds nothing that varies between two runs of the same
//! command (no dates, timings, thread counts or host names), so two runs
//! that differ only in `--threads` give manifests that differ only in their
//! `command_line`.

use crate::results::RunResults;
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file's name in the output folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// This program's version (`Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git revision this binary was built from, set by `build.rs`: a short
/// commit hash, with `-dirty` if the working tree had changes, or `unknown`
/// when built outside a git checkout.
pub const GIT_REVISION: &str = match option_env!("EHCSIM_GIT_REVISION") {
    Some(rev) => rev,
    None => "unknown",
};

/// Where one scenario of the run came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioSource {
    /// The scenario's name, as in the CSV files.
    pub name: String,
    /// The scenario file as given on the command line; `None` for the
    /// built-in default scenario.
    #[serde(serialize_with = "path_as_string")]
    pub file: Option<PathBuf>,
    /// Lower-case hex SHA-256 of the file's bytes; `None` for the built-in.
    pub sha256: Option<String>,
}

impl ScenarioSource {
    /// The built-in scenario called `name` (no file, no hash).
    pub fn built_in(name: impl Into<String>) -> Self {
        ScenarioSource {
            name: name.into(),
            file: None,
            sha256: None,
        }
    }

    /// A scenario read from `file`, hashing the file's bytes.
    pub fn from_file(name: impl Into<String>, file: &Path) -> io::Result<Self> {
        Ok(ScenarioSource {
            name: name.into(),
            file: Some(file.to_path_buf()),
            sha256: Some(sha256_file(file)?),
        })
    }
}

/// The lower-case hex SHA-256 of the bytes of the file at `path`.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

/// Paths are written as text; a path that is not valid Unicode is written
/// with replacement characters rather than failing the whole output.
fn path_as_string<S: Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => s.serialize_some(&p.to_string_lossy()),
        None => s.serialize_none(),
    }
}

/// What the command line knows and the results do not: filled by the CLI
/// and passed to [`write_all`](super::write_all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestInput {
    /// The program's arguments, the program name first
    /// (`std::env::args_os()`, lossily converted).
    pub command_line: Vec<String>,
    /// One entry per scenario, in run order.
    pub scenarios: Vec<ScenarioSource>,
}

/// The contents of `manifest.json`, in the order its keys are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// [`VERSION`].
    pub ehcsim_version: String,
    /// [`GIT_REVISION`].
    pub git_revision: String,
    /// The command line that produced the outputs.
    pub command_line: Vec<String>,
    /// The master seed.
    pub master_seed: u64,
    /// Replications per scenario.
    pub replications: u64,
    /// Where each scenario came from.
    pub scenarios: Vec<ScenarioSource>,
    /// The CSV files written beside the manifest, each with its size and
    /// hash: the set the manifest vouches for.
    pub files: Vec<FileRecord>,
}

/// One file of an output set, as recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The file's name within the output folder.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Lower-case hex SHA-256 of its bytes.
    pub sha256: String,
}

impl Manifest {
    /// The manifest of `run`, with `files` the CSV files written.
    pub fn new(input: &ManifestInput, run: &RunResults, files: Vec<FileRecord>) -> Self {
        Manifest {
            ehcsim_version: VERSION.to_string(),
            git_revision: GIT_REVISION.to_string(),
            command_line: input.command_line.clone(),
            master_seed: run.master_seed,
            replications: run.replications,
            scenarios: input.scenarios.clone(),
            files,
        }
    }

    /// Writes the manifest as pretty-printed JSON with a final newline.
    pub fn write<W: Write>(&self, mut out: W) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut out, self)?;
        out.write_all(b"\n")?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_support::run_of;

    fn sample() -> Manifest {
        let input = ManifestInput {
            command_line: vec!["ehcsim".into(), "run".into(), "county.toml".into()],
            scenarios: vec![
                ScenarioSource::built_in("default"),
                ScenarioSource {
                    name: "county".into(),
                    file: Some("scenarios/county.toml".into()),
                    sha256: Some("ab".repeat(32)),
                },
            ],
        };
        let mut run = run_of(vec![]);
        run.master_seed = u64::MAX;
        run.replications = 200;
        let file = |name: &str| FileRecord {
            name: name.into(),
            bytes: 3,
            sha256: "cd".repeat(32),
        };
        Manifest::new(&input, &run, vec![file("weekly.csv"), file("summary.csv")])
    }

    #[test]
    fn keys_in_order_and_nothing_else() {
        let mut out = Vec::new();
        sample().write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = vec![
            "command_line",
            "ehcsim_version",
            "files",
            "git_revision",
            "master_seed",
            "replications",
            "scenarios",
        ];
        want.sort();
        assert_eq!(keys, want); // serde_json's map is sorted by key
                                // Written in the documented order.
        let pos = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
        assert!(pos("ehcsim_version") < pos("git_revision"));
        assert!(pos("git_revision") < pos("command_line"));
        assert!(pos("replications") < pos("scenarios"));
        assert!(pos("scenarios") < pos("files"));

        assert_eq!(v["ehcsim_version"], env!("CARGO_PKG_VERSION"));
        assert!(!v["git_revision"].as_str().unwrap().is_empty());
        assert_eq!(v["master_seed"].as_u64(), Some(u64::MAX));
        assert_eq!(v["replications"], 200);
        assert_eq!(v["command_line"][2], "county.toml");
        assert_eq!(v["scenarios"][0]["name"], "default");
        assert!(v["scenarios"][0]["file"].is_null());
        assert!(v["scenarios"][0]["sha256"].is_null());
        assert_eq!(v["scenarios"][1]["file"], "scenarios/county.toml");
        assert_eq!(v["files"][1]["name"], "summary.csv");
        assert_eq!(v["files"][1]["bytes"], 3);
        assert_eq!(v["files"][1]["sha256"], "cd".repeat(32));
        for banned in ["time", "elapsed", "thread", "date", "host"] {
            assert!(!text.contains(banned), "manifest mentions {banned}");
        }
    }

    #[test]
    fn sha256_of_known_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let src = ScenarioSource::from_file("s", &path).unwrap();
        assert_eq!(
            src.sha256.as_deref(),
            Some(sha256_file(&path).unwrap().as_str())
        );
        assert!(sha256_file(&dir.path().join("missing.toml")).is_err());
    }
}
