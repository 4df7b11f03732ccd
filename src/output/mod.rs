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
//! a partial file under a final name. Call [`prepare_dir`] before a long run
//! so that a bad output folder fails at once, then [`write_all`] after it.
//!
//! The CSV files depend only on the results, which depend only on the seed
//! and the scenarios, so they are byte-identical whatever the thread count:
//! numbers go through one formatter ([`format_number`]), rows follow a fixed
//! order, and nothing records time or threads.

pub mod atomic;
// Charts and the written report (issue 9), kept apart from the CSV outputs.
pub mod charts;
mod manifest;
mod number;
mod replications;
pub mod report;
mod summary;
mod table;
mod weekly;

pub use atomic::{prepare_dir, write_atomic};
pub use manifest::{
    sha256_file, Manifest, ManifestInput, ScenarioSource, GIT_REVISION, MANIFEST_FILE, VERSION,
};
pub use number::{format_number, format_optional};
pub use replications::{write_replications, REPLICATIONS_FILE, REPLICATIONS_HEADER};
pub use summary::{write_summary, SUMMARY_FILE, SUMMARY_HEADER};
pub use table::summary_table;
pub use weekly::{write_weekly, WEEKLY_FILE, WEEKLY_HEADER};

use crate::experiment::RunResults;
use crate::results::Stats;
use atomic::{write_atomic_group, Contents};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// Writes `weekly.csv`, `summary.csv`, `replications.csv` and
/// `manifest.json` into `dir` (which must exist: see [`prepare_dir`]).
///
/// All four are written to temporary files first and renamed into place
/// only when every one is complete, the manifest last, so a failure while
/// writing leaves every earlier file as it was. Returns the paths written,
/// in the order above.
pub fn write_all(
    dir: &Path,
    run: &RunResults,
    input: &ManifestInput,
) -> Result<Vec<PathBuf>, OutputError> {
    let manifest = Manifest::new(input, run, &CSV_FILES);
    let files: Vec<(PathBuf, Contents)> = vec![
        (
            dir.join(WEEKLY_FILE),
            Box::new(|w: &mut dyn Write| write_weekly(w, run)),
        ),
        (
            dir.join(SUMMARY_FILE),
            Box::new(|w: &mut dyn Write| write_summary(w, run)),
        ),
        (
            dir.join(REPLICATIONS_FILE),
            Box::new(|w: &mut dyn Write| write_replications(w, run)),
        ),
        (
            dir.join(MANIFEST_FILE),
            Box::new(move |w: &mut dyn Write| manifest.write(w)),
        ),
    ];
    write_atomic_group(files)
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
    use crate::experiment::RunResults;
    use crate::results::{Kpi, KpiValue, Period, ReplicationResult, ScenarioResults};
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

    /// A scenario with no weeks, its KPIs aggregated from `reps`.
    pub fn scenario(name: &str, reps: Vec<ReplicationResult>) -> ScenarioResults {
        ScenarioResults::aggregate(name.to_string(), &[], reps)
    }

    pub fn run_of(scenarios: Vec<ScenarioResults>) -> RunResults {
        let replications = scenarios.first().map_or(0, |s| s.replications.len() as u64);
        RunResults {
            scenarios,
            master_seed: 42,
            replications,
            elapsed: Duration::from_secs(1),
            events: 0,
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
        prepare_dir(&out).unwrap();
        let input = ManifestInput {
            command_line: vec!["ehcsim".into()],
            scenarios: vec![ScenarioSource::built_in("base")],
        };
        let written = write_all(&out, &tiny_run(), &input).unwrap();
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
        assert_eq!(
            manifest["files"],
            serde_json::json!(["weekly.csv", "summary.csv", "replications.csv"])
        );
    }

    #[test]
    fn output_does_not_depend_on_timing() {
        let dir = tempfile::tempdir().unwrap();
        let input = ManifestInput::default();
        let mut run = tiny_run();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        prepare_dir(&a).unwrap();
        prepare_dir(&b).unwrap();
        write_all(&a, &run, &input).unwrap();
        run.elapsed = std::time::Duration::from_secs(999);
        run.events = 123;
        write_all(&b, &run, &input).unwrap();
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
        )
        .unwrap_err();
        assert!(matches!(err, OutputError::Write { .. }));
        assert!(err.to_string().contains("weekly.csv"), "{err}");
    }
}
