//! Outputs: the CSV files, the manifest and the terminal summary table.
//!
//! This module owns everything a run leaves behind or prints for people:
//!
//! | file | written by | contents |
//! |---|---|---|
//! | `weekly.csv` | [`write_weekly`] | every weekly metric, mean and percentiles |
//! | `summary.csv` | [`write_summary`] | every KPI by financial year and for the run |
//! | `replications.csv` | [`write_replications`] | every KPI value of every replication, with its seed |
//! | `manifest.json` | [`Manifest`] | version, git revision, command line, seeds, scenario hashes |
//!
//! and [`summary_table`], the plain-text table printed at the end of a run.
//! `docs/outputs.md` defines every column.
//!
//! Files are written atomically ([`atomic`]): a failure or kill never leaves
//! a partial file under a final name, and the manifest, renamed into place
//! last, records the size and SHA-256 of every CSV file, so [`verify`] can
//! tell a complete set from one torn by a kill. Call [`prepare_dir`] (with
//! [`OUTPUT_FILES`]) before a long run so that a bad output folder fails at
//! once, then [`write_all`] after it.
//!
//! The CSV files depend only on the results, which depend only on the seed
//! and the scenarios, so they are byte-identical whatever the thread count:
//! numbers go through one formatter ([`format_number`]), rows follow a fixed
//! order, and nothing records time or threads.

pub mod atomic;
// Charts and the written report (issue 9), kept apart from the CSV outputs.
pub mod charts;
pub mod comparison;
// What `ehcsim goal --out` writes.
pub mod goal;
mod load_check;
mod manifest;
mod number;
mod replications;
pub mod report;
// Shard folders and merging them (issue 10), kept apart from the run's files.
pub mod shard;
mod summary;
mod table;
mod weekly;

pub use atomic::{check_final_name, dangling_link, prepare_dir, write_atomic};
pub use comparison::{comparison_table, COMPARISON_FILE, COSTS_FILE};
pub use load_check::load_check_text;
pub use manifest::{
    sha256_file, FileRecord, Manifest, ManifestInput, ScenarioSource, GIT_REVISION, MANIFEST_FILE,
    VERSION,
};
pub use number::{format_number, format_optional, format_pounds};
pub use replications::{write_replications, REPLICATIONS_FILE, REPLICATIONS_HEADER};
pub use summary::{write_summary, SUMMARY_FILE, SUMMARY_HEADER};
pub use table::summary_table;
pub use weekly::{write_weekly, WEEKLY_FILE, WEEKLY_HEADER};

use crate::results::{RunResults, Stats};
use atomic::{remove_if_present, AtomicFile};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Why outputs could not be written. Every variant is fatal for the output
/// step and names the path concerned; the simulation results themselves are
/// unaffected, and earlier files under the same names are left intact.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output path exists and is a file. Choose a folder path instead.
    #[error("output path {} exists but is a file, not a folder", path.display())]
    NotADirectory {
        /// The path given as the output folder.
        path: PathBuf,
    },
    /// The output folder, or a file name in it, is a symbolic link whose
    /// target does not exist.
    #[error(
        "{} is a symbolic link to {}, which does not exist; remove the link or create its target",
        path.display(),
        target.display()
    )]
    DanglingLink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// A name an output file must take is a folder (or a link to one), so
    /// the file could not be renamed into place.
    #[error("{} is a folder, so the output file of that name cannot be written; move it away or choose another --out", path.display())]
    FinalNameIsDirectory {
        /// The final name.
        path: PathBuf,
    },
    /// The cancel flag was raised before the new files were put in place;
    /// every earlier file is untouched and no temporary file is left.
    #[error("cancelled before the output files were replaced")]
    Cancelled,
    /// The output folder could not be created (a parent is a file, or
    /// permission was refused).
    #[error("could not create output folder {}", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A file could not be created in the output folder (read-only, full
    /// or permission refused).
    #[error("output folder {} is not writable", path.display())]
    NotWritable {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Writing or renaming one output file failed; the file under this
    /// name, if any, is the earlier one, untouched.
    #[error("could not write {}", path.display())]
    Write {
        /// The file's final name.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

/// The CSV files [`write_all`] writes, in order.
pub const CSV_FILES: [&str; 3] = [WEEKLY_FILE, SUMMARY_FILE, REPLICATIONS_FILE];

/// Every file [`write_all`] writes, in order: the CSV files, then the
/// manifest.
pub const OUTPUT_FILES: [&str; 4] = [WEEKLY_FILE, SUMMARY_FILE, REPLICATIONS_FILE, MANIFEST_FILE];

/// The files [`write_all`] adds for a run with a baseline.
pub const COMPARISON_FILES: [&str; 2] = [COMPARISON_FILE, COSTS_FILE];

/// How [`write_all`] may be interrupted.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions<'a> {
    /// Polled after each file is staged and just before the first file is
    /// replaced; when raised, writing stops with [`OutputError::Cancelled`]
    /// and nothing in the folder changes. Once files start being replaced
    /// the set is finished regardless (a few renames).
    pub cancel: Option<&'a AtomicBool>,
    /// A pause after each file is staged and after each rename. Zero in
    /// normal use; tests set it to interrupt writing at a known point.
    pub pause: Duration,
}

impl WriteOptions<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::SeqCst))
    }

    fn pause(&self) {
        if !self.pause.is_zero() {
            std::thread::sleep(self.pause);
        }
    }
}

type Contents<'a> = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + 'a>;

/// Stages one file: writes it under a temporary name, flushed and synced.
fn stage(path: PathBuf, write: Contents<'_>) -> Result<AtomicFile, OutputError> {
    let mut file = AtomicFile::create(&path)?;
    write(file.writer()).map_err(|source| OutputError::Write { path, source })?;
    file.finish()?;
    Ok(file)
}

/// Writes `weekly.csv`, `summary.csv`, `replications.csv`, for a run with
/// a baseline `comparison.csv` and `costs.csv` (else removing any such
/// files an earlier run left), and `manifest.json` into `dir` (which must
/// exist: see [`prepare_dir`]).
///
/// 1. Every CSV file is written to a temporary file in `dir`, synced, and
///    its size and SHA-256 noted; then the manifest, which records them.
///    A failure, or `options.cancel` raised, up to here removes the
///    temporary files and leaves the folder exactly as it was.
/// 2. The commit: the old `manifest.json` is removed, the CSV files are
///    renamed over their final names, and the new manifest is renamed into
///    place last.
///
/// So whenever `manifest.json` exists, the files it lists are the ones it
/// describes, except after a kill in the middle of step 2 (a few renames),
/// which leaves no manifest, or a failure of a rename itself: in both
/// cases [`verify`] reports the set incomplete. Returns the paths written,
/// in the order above.
pub fn write_all(
    dir: &Path,
    run: &RunResults,
    input: &ManifestInput,
    options: &WriteOptions<'_>,
) -> Result<Vec<PathBuf>, OutputError> {
    if options.cancelled() {
        return Err(OutputError::Cancelled);
    }
    let mut csvs: Vec<(&str, Contents<'_>)> = vec![
        (
            WEEKLY_FILE,
            Box::new(|w: &mut dyn Write| write_weekly(w, run)),
        ),
        (
            SUMMARY_FILE,
            Box::new(|w: &mut dyn Write| write_summary(w, run)),
        ),
        (
            REPLICATIONS_FILE,
            Box::new(|w: &mut dyn Write| write_replications(w, run)),
        ),
    ];
    if let Some(c) = &run.comparison {
        csvs.push((
            COMPARISON_FILE,
            Box::new(move |w: &mut dyn Write| comparison::write_comparison(w, run, c)),
        ));
        csvs.push((
            COSTS_FILE,
            Box::new(move |w: &mut dyn Write| comparison::write_costs(w, run, c)),
        ));
    }
    let mut staged = Vec::with_capacity(OUTPUT_FILES.len());
    let mut records = Vec::with_capacity(CSV_FILES.len());
    for (name, write) in csvs {
        let file = stage(dir.join(name), write)?;
        records.push(FileRecord {
            name: name.to_string(),
            bytes: file.bytes(),
            sha256: file.sha256(),
        });
        staged.push(file);
        options.pause();
        if options.cancelled() {
            return Err(OutputError::Cancelled);
        }
    }
    let manifest = Manifest::new(input, run, records);
    staged.push(stage(
        dir.join(MANIFEST_FILE),
        Box::new(move |w: &mut dyn Write| manifest.write(w)),
    )?);
    if options.cancelled() {
        return Err(OutputError::Cancelled);
    }
    // The commit point: from here the new set is put in place whatever
    // happens to the cancel flag.
    remove_if_present(&dir.join(MANIFEST_FILE))?;
    if run.comparison.is_none() {
        // A comparison left by an earlier run with a baseline would sit
        // beside results it does not describe.
        for name in COMPARISON_FILES {
            remove_if_present(&dir.join(name))?;
        }
    }
    let mut written = Vec::with_capacity(staged.len());
    for file in staged {
        written.push(file.persist()?);
        options.pause();
    }
    Ok(written)
}

/// What [`verify`] found in a complete set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The manifest, as read.
    pub manifest: serde_json::Value,
    /// The files checked, with their sizes and hashes.
    pub files: Vec<FileRecord>,
}

/// Why a folder does not hold a complete set of outputs.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The folder could not be read.
    #[error("cannot read {}", path.display())]
    Unreadable {
        /// The folder or file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// There is no `manifest.json`: no run has finished writing here, or
    /// one was killed while replacing the files.
    #[error("{} has no manifest.json: not a complete set of outputs (no run finished writing here, or one was stopped while replacing the files)", dir.display())]
    NoManifest {
        /// The folder.
        dir: PathBuf,
    },
    /// `manifest.json` is not a manifest this program wrote.
    #[error("{}: not a valid ehcsim manifest: {reason}", path.display())]
    BadManifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Files differ from what the manifest records.
    #[error("{} is not a complete set: {}", dir.display(), problems.join("; "))]
    Mismatch {
        /// The folder.
        dir: PathBuf,
        /// One line per file that is missing or differs.
        problems: Vec<String>,
    },
}

/// Checks that `dir` holds a complete set of outputs: a `manifest.json`
/// listing files each of which exists with the size and SHA-256 recorded.
pub fn verify(dir: &Path) -> Result<Verified, VerifyError> {
    let path = dir.join(MANIFEST_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound && dir.is_dir() => {
            return Err(VerifyError::NoManifest {
                dir: dir.to_path_buf(),
            })
        }
        Err(source) => return Err(VerifyError::Unreadable { path, source }),
    };
    let bad = |reason: String| VerifyError::BadManifest {
        path: path.clone(),
        reason,
    };
    let manifest: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let files: Vec<FileRecord> = manifest
        .get("files")
        .cloned()
        .ok_or_else(|| bad("no `files` list".into()))
        .and_then(|f| serde_json::from_value(f).map_err(|e| bad(format!("`files`: {e}"))))?;
    if files.is_empty() {
        return Err(bad("the `files` list is empty".into()));
    }
    let mut problems = Vec::new();
    for f in &files {
        if f.name.contains(['/', '\\']) || f.name.starts_with('.') {
            return Err(bad(format!("file name {:?} is not a plain name", f.name)));
        }
        let p = dir.join(&f.name);
        match std::fs::metadata(&p) {
            Err(e) => problems.push(format!("{}: {e}", f.name)),
            Ok(m) if m.len() != f.bytes => problems.push(format!(
                "{}: {} bytes, manifest says {}",
                f.name,
                m.len(),
                f.bytes
            )),
            Ok(_) => match sha256_file(&p) {
                Err(e) => problems.push(format!("{}: {e}", f.name)),
                Ok(h) if h != f.sha256 => {
                    problems.push(format!("{}: SHA-256 differs from the manifest", f.name))
                }
                Ok(_) => {}
            },
        }
    }
    if problems.is_empty() {
        Ok(Verified { manifest, files })
    } else {
        Err(VerifyError::Mismatch {
            dir: dir.to_path_buf(),
            problems,
        })
    }
}

/// A CSV writer with the house settings: comma separated, `\n` line ends,
/// fields quoted only when they need it.
fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

/// The `mean,p10,p50,p90` cells of one statistic.
fn stats_cells(s: &Stats) -> [String; 4] {
    [s.mean, s.p10, s.p50, s.p90].map(format_optional)
}

/// Hand-made results for the tests of every output format.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::calendar::Calendar;
    use crate::results::{
        Kpi, KpiValue, Period, ReplicationResult, RunResults, ScenarioInfo, ScenarioResults,
    };
    use chrono::NaiveDate;
    use std::time::Duration;

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub fn kv(kpi: Kpi, period: Period, value: Option<f64>) -> KpiValue {
        KpiValue { kpi, period, value }
    }

    pub fn rep(replication: u64, seed: u64, kpis: Vec<KpiValue>) -> ReplicationResult {
        ReplicationResult {
            replication,
            seed,
            weeks: 0,
            weekly: vec![],
            kpis,
            events: 10,
        }
    }

    /// A scenario starting on 30 March 2026, its weeks and KPIs aggregated
    /// from `reps` (which record no weeks unless a test gives them some).
    pub fn scenario(name: &str, reps: Vec<ReplicationResult>) -> ScenarioResults {
        let calendar = Calendar {
            start: date(2026, 3, 30),
            days: 14,
        };
        ScenarioResults::aggregate(ScenarioInfo::new(name, calendar), reps)
    }

    pub fn run_of(scenarios: Vec<ScenarioResults>) -> RunResults {
        let replications = scenarios.first().map_or(0, |s| s.replications.len() as u64);
        RunResults {
            scenarios,
            master_seed: 42,
            replications,
            elapsed: Duration::from_secs(1),
            events: 0,
            comparison: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::calendar::FinancialYear;
    use crate::results::{Kpi, Period};
    use std::fs;

    fn tiny_run() -> RunResults {
        let fy = Period::Year(FinancialYear(2026));
        let reps = vec![
            rep(0, 5, vec![kv(Kpi::PlansIssued, fy, Some(10.0))]),
            rep(1, 6, vec![kv(Kpi::PlansIssued, fy, Some(12.0))]),
        ];
        run_of(vec![scenario("base", reps)])
    }

    #[test]
    fn write_all_writes_four_files_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        prepare_dir(&out, &OUTPUT_FILES).unwrap();
        let input = ManifestInput {
            command_line: vec!["ehcsim".into()],
            scenarios: vec![ScenarioSource::built_in("base")],
        };
        let written = write_all(&out, &tiny_run(), &input, &WriteOptions::default()).unwrap();
        let names: Vec<_> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "weekly.csv",
                "summary.csv",
                "replications.csv",
                "manifest.json"
            ]
        );
        let mut listed: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        listed.sort();
        assert_eq!(
            listed,
            [
                "manifest.json",
                "replications.csv",
                "summary.csv",
                "weekly.csv"
            ]
        );
        assert_eq!(
            fs::read_to_string(out.join("weekly.csv")).unwrap(),
            "scenario,week,week_start,metric,mean,p10,p50,p90\n"
        );
        assert_eq!(
            fs::read_to_string(out.join("summary.csv")).unwrap(),
            "scenario,kpi,period,mean,p10,p50,p90\n\
             base,plans_issued,FY2026-27,11,10.2,11,11.8\n"
        );
        let manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        let names: Vec<&str> = manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, CSV_FILES);
        assert_eq!(
            manifest["files"][1]["bytes"].as_u64(),
            Some(fs::metadata(out.join("summary.csv")).unwrap().len())
        );
        assert_eq!(
            manifest["files"][1]["sha256"].as_str().unwrap(),
            sha256_file(&out.join("summary.csv")).unwrap()
        );
        verify(&out).unwrap();
    }

    fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn cancelled_before_the_commit_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let input = ManifestInput::default();
        write_all(out, &tiny_run(), &input, &WriteOptions::default()).unwrap();
        let before = files_of(out);
        let cancel = AtomicBool::new(true);
        let options = WriteOptions {
            cancel: Some(&cancel),
            pause: Duration::ZERO,
        };
        let mut run = tiny_run();
        run.master_seed = 7;
        let err = write_all(out, &run, &input, &options).unwrap_err();
        assert!(matches!(err, OutputError::Cancelled));
        assert_eq!(
            files_of(out),
            before,
            "files changed or temporary files left"
        );
    }

    #[test]
    fn a_failure_while_staging_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let input = ManifestInput::default();
        write_all(out, &tiny_run(), &input, &WriteOptions::default()).unwrap();
        let before = files_of(out);
        // A folder at the manifest's name makes the last step fail.
        fs::remove_file(out.join(MANIFEST_FILE)).unwrap();
        fs::create_dir(out.join(MANIFEST_FILE)).unwrap();
        let mut run = tiny_run();
        run.master_seed = 7;
        assert!(write_all(out, &run, &input, &WriteOptions::default()).is_err());
        for (name, bytes) in &before {
            if name != MANIFEST_FILE {
                assert_eq!(&fs::read(out.join(name)).unwrap(), bytes, "{name}");
            }
        }
    }

    #[test]
    fn verify_tells_complete_from_torn_sets() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let err = verify(out).unwrap_err();
        assert!(matches!(err, VerifyError::NoManifest { .. }), "{err}");
        write_all(
            out,
            &tiny_run(),
            &ManifestInput::default(),
            &WriteOptions::default(),
        )
        .unwrap();
        let ok = verify(out).unwrap();
        assert_eq!(ok.files.len(), 3);
        // A CSV from another run: same size, different bytes.
        let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
        fs::write(out.join("summary.csv"), summary.replace("11", "12")).unwrap();
        let msg = verify(out).unwrap_err().to_string();
        assert!(msg.contains("summary.csv: SHA-256 differs"), "{msg}");
        fs::write(out.join("summary.csv"), "short").unwrap();
        fs::remove_file(out.join("weekly.csv")).unwrap();
        let msg = verify(out).unwrap_err().to_string();
        assert!(msg.contains("summary.csv: 5 bytes"), "{msg}");
        assert!(msg.contains("weekly.csv: "), "{msg}");
        fs::write(
            out.join(MANIFEST_FILE),
            "{\"files\": [{\"name\": \"../x\", \"bytes\": 1, \"sha256\": \"\"}]}",
        )
        .unwrap();
        assert!(matches!(
            verify(out).unwrap_err(),
            VerifyError::BadManifest { .. }
        ));
        fs::write(out.join(MANIFEST_FILE), "not json").unwrap();
        assert!(matches!(
            verify(out).unwrap_err(),
            VerifyError::BadManifest { .. }
        ));
    }

    #[test]
    fn output_does_not_depend_on_timing() {
        let dir = tempfile::tempdir().unwrap();
        let input = ManifestInput::default();
        let mut run = tiny_run();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        prepare_dir(&a, &OUTPUT_FILES).unwrap();
        prepare_dir(&b, &OUTPUT_FILES).unwrap();
        write_all(&a, &run, &input, &WriteOptions::default()).unwrap();
        run.elapsed = std::time::Duration::from_secs(999);
        run.events = 123;
        write_all(&b, &run, &input, &WriteOptions::default()).unwrap();
        for name in [
            "weekly.csv",
            "summary.csv",
            "replications.csv",
            "manifest.json",
        ] {
            assert_eq!(
                fs::read(a.join(name)).unwrap(),
                fs::read(b.join(name)).unwrap(),
                "{name}"
            );
        }
    }

    #[test]
    fn write_all_into_a_missing_folder_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_all(
            &dir.path().join("nope"),
            &tiny_run(),
            &ManifestInput::default(),
            &WriteOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, OutputError::Write { .. }));
        assert!(err.to_string().contains("weekly.csv"), "{err}");
    }
}
