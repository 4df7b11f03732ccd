//! Shard folders: the raw per-replication results of one slice of a run
//! (`ehcsim run --shard K/N`), and merging the slices back into the
//! results of the whole run (`ehcsim merge`).
//!
//! A shard folder holds:
//!
//! | file | contents |
//! |---|---|
//! | `replications.jsonl` | one JSON object a line per replication of each scenario: every weekly value and KPI value, lossless |
//! | `scenario-I.toml` | a copy of the I-th scenario file (not for the built-in scenario) |
//! | `shard.json` | the shard manifest: version, seed, replications, K and N, options, scenarios, report sections, and the size and SHA-256 of every other file |
//!
//! `shard.json` is renamed into place last, as `manifest.json` is by
//! [`write_all`](super::write_all), so a folder with a `shard.json` whose
//! files match it is complete. Every `f64` is stored as the 16 hex digits
//! of its IEEE 754 bits (`f64::to_bits`), so values, NaN and infinities
//! included, come back exactly; `docs/outputs.md` defines every field.
//!
//! The replications of shard K of N are those with `r % N == K - 1`
//! ([`shard_indices`](crate::experiment::shard_indices)). Merging sorts
//! every scenario's replications by index and aggregates them with
//! [`ScenarioResults::aggregate`], the function a single run uses, so the
//! merged results are those of the single run, bit for bit.

use super::atomic::{remove_if_present, AtomicFile};
use super::manifest::{hex, sha256_file, FileRecord, ScenarioSource, GIT_REVISION, VERSION};
use super::report::{Assumption, Section};
use super::OutputError;
use crate::calendar::{Calendar, FinancialYear};
use crate::results::{
    Kpi, KpiValue, Metric, Period, ReplicationResult, RunResults, ScenarioInfo, ScenarioResults,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The shard manifest's file name.
pub const SHARD_MANIFEST: &str = "shard.json";
/// The per-replication results' file name.
pub const SHARD_REPLICATIONS: &str = "replications.jsonl";
/// The version of the shard folder's layout; merge reads only this one.
pub const SHARD_FORMAT: u32 = 1;

/// The name of the copy of the `i`-th scenario file (from 0) in a shard.
pub fn scenario_copy_name(i: usize) -> String {
    format!("scenario-{}.toml", i + 1)
}

/// Which slice of a run a shard is: the `index`-th (from 1) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardSpec {
    /// K, from 1 to `count`.
    pub index: u64,
    /// N, the number of shards.
    pub count: u64,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;

    /// Parses `K/N`, with `1 <= K <= N`.
    fn from_str(text: &str) -> Result<Self, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("expected K/N, such as 1/4 (shard K of N), got {text:?}"))?;
        let num = |s: &str, what: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("{what} in K/N must be a whole number, got {s:?}"))
        };
        let (index, count) = (num(k, "K")?, num(n, "N")?);
        if count == 0 {
            return Err("N in K/N must be at least 1".into());
        }
        if index == 0 || index > count {
            return Err(format!(
                "K in K/N must be from 1 to N ({count}), got {index}"
            ));
        }
        Ok(ShardSpec { index, count })
    }
}

impl std::fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The run options that change a run's output files, recorded so that merge
/// writes what the single run would have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOptions {
    /// `report.html`, `report.md` and `monthly.csv` (not `--no-report`).
    pub report: bool,
    /// The chart files (`--charts`).
    pub charts: bool,
    /// The index of the baseline scenario (`--baseline`, or a file's
    /// `baseline = true`), where the run compares options with one.
    pub baseline: Option<usize>,
}

/// One scenario of a shard: where it came from and what the outputs need
/// to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardScenario {
    /// The scenario's name.
    pub name: String,
    /// The file as given on the command line; `None` for the built-in.
    pub file: Option<String>,
    /// The file's SHA-256; `None` for the built-in.
    pub sha256: Option<String>,
    /// The copy of the file in the shard folder; `None` for the built-in.
    pub stored_file: Option<String>,
    /// Its description.
    pub description: String,
    /// Overdue reviews at or below which the backlog counts as cleared.
    pub backlog_cleared_at: u32,
    /// The first simulated day, `YYYY-MM-DD`.
    pub start: String,
    /// Simulated days.
    pub days: u32,
    /// The target date for clearing the backlog, `YYYY-MM-DD`, if set.
    pub backlog_target: Option<String>,
    /// What the scenario changes in staffing against the baseline, in
    /// words, where the run has a baseline.
    pub staffing_change: Option<String>,
}

impl ShardScenario {
    /// The record of a scenario with results information `info` from
    /// `source`, stored (if from a file) as `stored_file`.
    pub fn new(info: &ScenarioInfo, source: &ScenarioSource, stored_file: Option<String>) -> Self {
        ShardScenario {
            name: info.name.clone(),
            file: source
                .file
                .as_ref()
                .map(|f| f.to_string_lossy().into_owned()),
            sha256: source.sha256.clone(),
            stored_file,
            description: info.description.clone(),
            backlog_cleared_at: info.backlog_cleared_at,
            start: info.calendar.start.format("%Y-%m-%d").to_string(),
            days: info.calendar.days,
            backlog_target: info
                .backlog_target
                .map(|d| d.format("%Y-%m-%d").to_string()),
            staffing_change: None,
        }
    }

    /// Where the scenario came from, as the run's manifest records it.
    pub fn source(&self) -> ScenarioSource {
        ScenarioSource {
            name: self.name.clone(),
            file: self.file.as_ref().map(PathBuf::from),
            sha256: self.sha256.clone(),
        }
    }

    fn info(&self) -> Result<ScenarioInfo, String> {
        let start = NaiveDate::parse_from_str(&self.start, "%Y-%m-%d")
            .map_err(|_| format!("scenario {}: bad start date {:?}", self.name, self.start))?;
        Ok(ScenarioInfo {
            name: self.name.clone(),
            description: self.description.clone(),
            calendar: Calendar {
                start,
                days: self.days,
            },
            backlog_cleared_at: self.backlog_cleared_at,
            backlog_target: match &self.backlog_target {
                None => None,
                Some(t) => Some(NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
                    format!("scenario {}: bad backlog target date {t:?}", self.name)
                })?),
            },
        })
    }
}

/// A report section as stored in a shard (see [`Section`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSection {
    /// The heading.
    pub heading: String,
    /// The introduction.
    pub intro: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// The report's sections that a run builds from the scenario files (which
/// a merge may not be able to read), built by the shard and stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportSections {
    /// What differs between the scenarios.
    pub differences: Option<StoredSection>,
    /// The assumption register, as (key, value, source).
    pub assumptions: Vec<[String; 3]>,
}

impl ReportSections {
    /// The stored form of a report's sections.
    pub fn new(differences: Option<&Section>, assumptions: &[Assumption]) -> Self {
        ReportSections {
            differences: differences.map(|s| StoredSection {
                heading: s.heading.clone(),
                intro: s.intro.clone(),
                header: s.header.clone(),
                rows: s.rows.clone(),
            }),
            assumptions: assumptions
                .iter()
                .map(|a| [a.key.clone(), a.value.clone(), a.source.clone()])
                .collect(),
        }
    }

    /// The section "what differs between the scenarios", if any.
    pub fn differences(&self) -> Option<Section> {
        self.differences.as_ref().map(|s| Section {
            heading: s.heading.clone(),
            intro: s.intro.clone(),
            header: s.header.clone(),
            rows: s.rows.clone(),
        })
    }

    /// The assumption register.
    pub fn assumptions(&self) -> Vec<Assumption> {
        self.assumptions
            .iter()
            .map(|[key, value, source]| Assumption {
                key: key.clone(),
                value: value.clone(),
                source: source.clone(),
            })
            .collect()
    }
}

/// The contents of `shard.json`, in the order its keys are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardManifest {
    /// [`SHARD_FORMAT`].
    pub format: u32,
    /// The ehcsim version that wrote the shard.
    pub ehcsim_version: String,
    /// Its git revision.
    pub git_revision: String,
    /// The shard's command line.
    pub command_line: Vec<String>,
    /// The master seed of the whole run.
    pub master_seed: u64,
    /// Replications per scenario of the whole run (all shards).
    pub replications: u64,
    /// Which shard this is.
    pub shard: ShardSpec,
    /// The replication indices this shard holds, per scenario.
    pub shard_replications: Vec<u64>,
    /// Options that change the output files.
    pub options: RunOptions,
    /// The scenarios, in run order.
    pub scenarios: Vec<ShardScenario>,
    /// The report sections built from the scenario files (empty when the
    /// report is off).
    pub report_sections: ReportSections,
    /// Every other file of the shard folder, with its size and SHA-256.
    pub files: Vec<FileRecord>,
}

impl ShardManifest {
    /// A manifest for shard `shard` of a run with this program's version
    /// and git revision, its `files` still empty.
    pub fn new(
        command_line: Vec<String>,
        master_seed: u64,
        replications: u64,
        shard: ShardSpec,
        options: RunOptions,
        scenarios: Vec<ShardScenario>,
        report_sections: ReportSections,
    ) -> Self {
        ShardManifest {
            format: SHARD_FORMAT,
            ehcsim_version: VERSION.to_string(),
            git_revision: GIT_REVISION.to_string(),
            command_line,
            master_seed,
            replications,
            shard,
            shard_replications: crate::experiment::shard_indices(
                replications,
                shard.index,
                shard.count,
            ),
            options,
            scenarios,
            report_sections,
            files: Vec::new(),
        }
    }
}

/// Why a shard could not be written, read or merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// A file could not be written (the folder is left as it was).
    #[error(transparent)]
    Write(#[from] OutputError),
    /// The folder has no `shard.json`.
    #[error("{} is not a shard folder: it has no shard.json (written last by `ehcsim run --shard K/N`, so the shard may not have finished)", dir.display())]
    NotAShard {
        /// The folder.
        dir: PathBuf,
    },
    /// A file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A file is not what the shard manifest says or not in the format.
    #[error("{}: {reason}", path.display())]
    Corrupt {
        /// The file (or folder).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A scenario file's bytes do not match the hash taken when it was
    /// loaded (it changed during the run).
    #[error("{}: the scenario file changed while the shard was running", path.display())]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// The shards given to merge do not belong together.
    #[error("the shards do not belong together:\n  {}", problems.join("\n  "))]
    Mismatch {
        /// One line per difference.
        problems: Vec<String>,
    },
}

/// One replication as a line of `replications.jsonl`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    scenario: usize,
    replication: u64,
    seed: u64,
    events: u64,
    weeks: usize,
    weekly: Vec<String>,
    kpis: Vec<KpiLine>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KpiLine {
    kpi: String,
    period: String,
    value: Option<String>,
}

/// The 16 hex digits of `v`'s bits: exact, NaN and infinities included.
fn bits(v: f64) -> String {
    format!("{:016x}", v.to_bits())
}

fn from_bits(s: &str) -> Result<f64, String> {
    if s.len() != 16 {
        return Err(format!("{s:?} is not 16 hex digits"));
    }
    u64::from_str_radix(s, 16)
        .map(f64::from_bits)
        .map_err(|_| format!("{s:?} is not 16 hex digits"))
}

fn parse_period(s: &str) -> Result<Period, String> {
    let bad = || format!("unknown period {s:?}");
    let period = if s == "horizon" {
        Period::Horizon
    } else if let Some(y) = s.strip_prefix("CY") {
        Period::CalendarYear(y.parse().map_err(|_| bad())?)
    } else if let Some(rest) = s.strip_prefix("FY") {
        let (y, _) = rest.split_once('-').ok_or_else(bad)?;
        Period::Year(FinancialYear(y.parse().map_err(|_| bad())?))
    } else {
        return Err(bad());
    };
    // Only the exact text this program writes.
    if period.to_string() != s {
        return Err(bad());
    }
    Ok(period)
}

fn write_line(out: &mut dyn Write, scenario: usize, r: &ReplicationResult) -> io::Result<()> {
    let line = Line {
        scenario,
        replication: r.replication,
        seed: r.seed,
        events: r.events,
        weeks: r.weeks,
        weekly: r.weekly.iter().map(|&v| bits(v)).collect(),
        kpis: r
            .kpis
            .iter()
            .map(|k| KpiLine {
                kpi: k.kpi.name().to_string(),
                period: k.period.to_string(),
                value: k.value.map(bits),
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

fn read_line(text: &str, scenarios: usize) -> Result<(usize, ReplicationResult), String> {
    let line: Line = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if line.scenario >= scenarios {
        return Err(format!(
            "scenario {} but the shard has {scenarios}",
            line.scenario
        ));
    }
    if line.weekly.len() != line.weeks.saturating_mul(Metric::ALL.len()) {
        return Err(format!(
            "{} weekly values, expected {} weeks x {} metrics",
            line.weekly.len(),
            line.weeks,
            Metric::ALL.len()
        ));
    }
    let weekly = line
        .weekly
        .iter()
        .map(|s| from_bits(s))
        .collect::<Result<Vec<_>, _>>()?;
    let kpis = line
        .kpis
        .iter()
        .map(|k| {
            let kpi = Kpi::ALL
                .iter()
                .copied()
                .find(|x| x.name() == k.kpi)
                .ok_or_else(|| format!("unknown KPI {:?}", k.kpi))?;
            Ok(KpiValue {
                kpi,
                period: parse_period(&k.period)?,
                value: k.value.as_deref().map(from_bits).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((
        line.scenario,
        ReplicationResult {
            replication: line.replication,
            seed: line.seed,
            weeks: line.weeks,
            weekly,
            kpis,
            events: line.events,
        },
    ))
}

/// Writes a shard folder into `dir` (which must exist: see
/// [`prepare_dir`](super::prepare_dir)): `replications.jsonl` from
/// `replications` (one vector per scenario of `manifest`), a copy of each
/// scenario file from `texts` (the bytes read, `None` for the built-in),
/// and `shard.json`, with the files' sizes and hashes filled in. As with
/// [`write_all`](super::write_all), every file is staged first and
/// `shard.json` is removed before and renamed into place after the others,
/// so a failure leaves the folder as it was or without a `shard.json`.
pub fn write_shard(
    dir: &Path,
    mut manifest: ShardManifest,
    texts: &[Option<Vec<u8>>],
    replications: &[Vec<ReplicationResult>],
) -> Result<Vec<PathBuf>, ShardError> {
    let mut staged = Vec::new();
    let mut records = Vec::new();
    let mut stage =
        |name: &str, write: &dyn Fn(&mut dyn Write) -> io::Result<()>| -> Result<(), ShardError> {
            let path = dir.join(name);
            let mut file = AtomicFile::create(&path)?;
            write(file.writer()).map_err(|source| OutputError::Write { path, source })?;
            file.finish()?;
            records.push(FileRecord {
                name: name.to_string(),
                bytes: file.bytes(),
                sha256: file.sha256(),
            });
            staged.push(file);
            Ok(())
        };
    stage(SHARD_REPLICATIONS, &|w| {
        for (s, reps) in replications.iter().enumerate() {
            for r in reps {
                write_line(w, s, r)?;
            }
        }
        Ok(())
    })?;
    for (scenario, text) in manifest.scenarios.iter().zip(texts) {
        if let (Some(name), Some(bytes)) = (&scenario.stored_file, text) {
            if let (Some(sha), Some(file)) = (&scenario.sha256, &scenario.file) {
                if &hex(&Sha256::digest(bytes)) != sha {
                    return Err(ShardError::Changed {
                        path: PathBuf::from(file),
                    });
                }
            }
            stage(name, &|w| w.write_all(bytes))?;
        }
    }
    manifest.files = records;
    let path = dir.join(SHARD_MANIFEST);
    let mut file = AtomicFile::create(&path)?;
    serde_json::to_writer_pretty(file.writer(), &manifest)
        .map_err(io::Error::from)
        .and_then(|()| file.writer().write_all(b"\n"))
        .map_err(|source| OutputError::Write {
            path: path.clone(),
            source,
        })?;
    file.finish()?;
    staged.push(file);
    remove_if_present(&path)?;
    let mut written = Vec::with_capacity(staged.len());
    for file in staged {
        written.push(file.persist()?);
    }
    Ok(written)
}

/// A shard folder read back.
#[derive(Debug, Clone)]
pub struct Shard {
    /// The folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: ShardManifest,
    /// Its replications, one vector per scenario, in index order.
    pub replications: Vec<Vec<ReplicationResult>>,
}

impl Shard {
    /// "shard K of N (DIR)", for messages.
    pub fn label(&self) -> String {
        format!(
            "shard {} of {} ({})",
            self.manifest.shard.index,
            self.manifest.shard.count,
            self.dir.display()
        )
    }
}

/// Reads the shard folder `dir`, checking every file against `shard.json`
/// and that it holds exactly its replications of every scenario.
pub fn read_shard(dir: &Path) -> Result<Shard, ShardError> {
    let path = dir.join(SHARD_MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ShardError::NotAShard {
                dir: dir.to_path_buf(),
            })
        }
        Err(source) => return Err(ShardError::Read { path, source }),
    };
    let corrupt = |path: &Path, reason: String| ShardError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let format: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| corrupt(&path, format!("not a shard manifest: {e}")))?;
    if format["format"].as_u64() != Some(u64::from(SHARD_FORMAT)) {
        return Err(corrupt(
            &path,
            format!(
                "shard format {}, this ehcsim ({VERSION}) reads format {SHARD_FORMAT}",
                format["format"]
            ),
        ));
    }
    let manifest: ShardManifest = serde_json::from_value(format)
        .map_err(|e| corrupt(&path, format!("not a shard manifest: {e}")))?;
    let spec = manifest.shard;
    if spec.index == 0 || spec.index > spec.count {
        return Err(corrupt(
            &path,
            format!("shard {spec} is not K/N with 1 <= K <= N"),
        ));
    }
    let expected = crate::experiment::shard_indices(manifest.replications, spec.index, spec.count);
    if manifest.shard_replications != expected {
        return Err(corrupt(
            &path,
            "its replication indices are not those of its K/N".into(),
        ));
    }
    for f in &manifest.files {
        if f.name.contains(['/', '\\']) || f.name.starts_with('.') {
            return Err(corrupt(
                &path,
                format!("file name {:?} is not a plain name", f.name),
            ));
        }
        let p = dir.join(&f.name);
        let size = std::fs::metadata(&p)
            .map_err(|source| ShardError::Read {
                path: p.clone(),
                source,
            })?
            .len();
        let sha = sha256_file(&p).map_err(|source| ShardError::Read {
            path: p.clone(),
            source,
        })?;
        if size != f.bytes || sha != f.sha256 {
            return Err(corrupt(
                &p,
                "differs from the size or SHA-256 that shard.json records (changed or torn)".into(),
            ));
        }
    }
    if !manifest.files.iter().any(|f| f.name == SHARD_REPLICATIONS) {
        return Err(corrupt(
            &path,
            format!("does not list {SHARD_REPLICATIONS}"),
        ));
    }
    let reps_path = dir.join(SHARD_REPLICATIONS);
    let file = std::fs::File::open(&reps_path).map_err(|source| ShardError::Read {
        path: reps_path.clone(),
        source,
    })?;
    let n = manifest.scenarios.len();
    let mut replications: Vec<BTreeMap<u64, ReplicationResult>> = vec![BTreeMap::new(); n];
    for (i, line) in io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| ShardError::Read {
            path: reps_path.clone(),
            source,
        })?;
        let (s, r) = read_line(&line, n)
            .map_err(|reason| corrupt(&reps_path, format!("line {}: {reason}", i + 1)))?;
        if expected.binary_search(&r.replication).is_err() {
            return Err(corrupt(
                &reps_path,
                format!(
                    "line {}: replication {} does not belong to shard {spec}",
                    i + 1,
                    r.replication
                ),
            ));
        }
        let index = r.replication;
        if replications[s].insert(index, r).is_some() {
            return Err(corrupt(
                &reps_path,
                format!("line {}: replication {index} given twice", i + 1),
            ));
        }
    }
    for (s, reps) in replications.iter().enumerate() {
        if reps.len() != expected.len() {
            return Err(corrupt(
                &reps_path,
                format!(
                    "scenario {} has {} of the shard's {} replications",
                    manifest.scenarios[s].name,
                    reps.len(),
                    expected.len()
                ),
            ));
        }
    }
    Ok(Shard {
        dir: dir.to_path_buf(),
        manifest,
        replications: replications
            .into_iter()
            .map(|m| m.into_values().collect())
            .collect(),
    })
}

/// Adds to `problems` a line for every shard whose `what` (shown by
/// `show`) differs from the value most shards share.
fn compare<T: PartialEq>(
    shards: &[Shard],
    what: &str,
    get: impl Fn(&Shard) -> T,
    show: impl Fn(&T) -> String,
    problems: &mut Vec<String>,
) {
    let values: Vec<T> = shards.iter().map(get).collect();
    let count = |v: &T| values.iter().filter(|x| *x == v).count();
    // The value most shards have, the first given on a tie.
    let Some(common) = values
        .iter()
        .enumerate()
        .max_by_key(|(i, v)| (count(v), std::cmp::Reverse(*i)))
        .map(|(_, v)| v)
    else {
        return;
    };
    let n = count(common);
    for (shard, v) in shards.iter().zip(&values) {
        if v != common {
            let others = if n + 1 == values.len() {
                if n == 1 {
                    "the other".to_string()
                } else {
                    "the others".to_string()
                }
            } else {
                format!("{n} of the others")
            };
            problems.push(format!(
                "{} has {what} {}, {others} {}",
                shard.label(),
                show(v),
                show(common)
            ));
        }
    }
}

/// Checks that `shards` are the N shards of one run: the same version,
/// git revision, seed, replications, N, options and scenarios (names,
/// hashes, and what the outputs read of them), each K from 1 to N exactly
/// once. Returns every difference found.
pub fn check_together(shards: &[Shard]) -> Result<(), ShardError> {
    let mut problems = Vec::new();
    let m = |s: &Shard| s.manifest.clone();
    compare(
        shards,
        "ehcsim version",
        |s| m(s).ehcsim_version,
        |v| v.clone(),
        &mut problems,
    );
    compare(
        shards,
        "git revision",
        |s| m(s).git_revision,
        |v| v.clone(),
        &mut problems,
    );
    compare(
        shards,
        "master seed",
        |s| s.manifest.master_seed,
        u64::to_string,
        &mut problems,
    );
    compare(
        shards,
        "replications per scenario",
        |s| s.manifest.replications,
        u64::to_string,
        &mut problems,
    );
    compare(
        shards,
        "N (number of shards)",
        |s| s.manifest.shard.count,
        u64::to_string,
        &mut problems,
    );
    compare(
        shards,
        "options",
        |s| s.manifest.options,
        |o| {
            format!(
                "{}{}{}",
                if o.report { "--report" } else { "--no-report" },
                if o.charts { " --charts" } else { "" },
                o.baseline
                    .map_or(String::new(), |b| format!(" baseline scenario {}", b + 1))
            )
        },
        &mut problems,
    );
    compare(
        shards,
        "scenarios",
        |s| {
            s.manifest
                .scenarios
                .iter()
                .map(|c| (c.name.clone(), c.sha256.clone()))
                .collect::<Vec<_>>()
        },
        |v| {
            v.iter()
                .map(|(name, sha)| match sha {
                    Some(h) => format!("{name} (SHA-256 {})", &h[..h.len().min(12)]),
                    None => format!("{name} (built in)"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        },
        &mut problems,
    );
    if problems.is_empty() {
        // Same files, yet what was read of them differs: a file they
        // extend changed between shards.
        fn contents(s: &Shard) -> (&Vec<ShardScenario>, &ReportSections) {
            (&s.manifest.scenarios, &s.manifest.report_sections)
        }
        if let Some(first) = shards.first() {
            for s in &shards[1..] {
                if contents(s) != contents(first) {
                    problems.push(format!(
                        "{} read different scenario contents from {} (the same files, so a \
                         file they extend may differ)",
                        s.label(),
                        first.label()
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        if let Some(first) = shards.first() {
            let n = first.manifest.shard.count;
            for k in 1..=n {
                let given: Vec<&Shard> = shards
                    .iter()
                    .filter(|s| s.manifest.shard.index == k)
                    .collect();
                match given.len() {
                    0 => problems.push(format!("shard {k} of {n} is missing")),
                    1 => {}
                    _ => problems.push(format!(
                        "shard {k} of {n} is given {} times: {}",
                        given.len(),
                        given
                            .iter()
                            .map(|s| s.dir.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ShardError::Mismatch { problems })
    }
}

/// Merges the shards of one run (checked with [`check_together`] first)
/// into the results of the whole run: every scenario's replications in
/// index order, aggregated as a single run aggregates them. The elapsed
/// time is zero (the shards' times are not added: they ran apart).
pub fn merge(shards: Vec<Shard>) -> Result<RunResults, ShardError> {
    check_together(&shards)?;
    let Some(first) = shards.first() else {
        return Err(ShardError::Mismatch {
            problems: vec!["no shard given".into()],
        });
    };
    let manifest = first.manifest.clone();
    let first_dir = first.dir.clone();
    let mut per_scenario: Vec<Vec<ReplicationResult>> = vec![Vec::new(); manifest.scenarios.len()];
    for shard in shards {
        for (all, reps) in per_scenario.iter_mut().zip(shard.replications) {
            all.extend(reps);
        }
    }
    let mut scenarios = Vec::with_capacity(per_scenario.len());
    for (scenario, mut reps) in manifest.scenarios.iter().zip(per_scenario) {
        reps.sort_by_key(|r| r.replication);
        let corrupt = |reason: String| ShardError::Corrupt {
            path: first_dir.clone(),
            reason: format!("scenario {}: {reason}", scenario.name),
        };
        if !reps
            .iter()
            .map(|r| r.replication)
            .eq(0..manifest.replications)
        {
            return Err(corrupt(
                "the shards do not hold every replication once".into(),
            ));
        }
        // Aggregation indexes every replication by the first one's layout.
        if let Some(r0) = reps.first() {
            let layout = |r: &ReplicationResult| {
                r.kpis.iter().map(|k| (k.kpi, k.period)).collect::<Vec<_>>()
            };
            let l0 = layout(r0);
            if let Some(r) = reps.iter().find(|r| r.weeks != r0.weeks || layout(r) != l0) {
                return Err(corrupt(format!(
                    "replication {} records different weeks or KPIs from replication {}",
                    r.replication, r0.replication
                )));
            }
        }
        let info = scenario.info().map_err(corrupt)?;
        scenarios.push(ScenarioResults::aggregate(info, reps));
    }
    let events = scenarios.iter().map(ScenarioResults::events).sum();
    Ok(RunResults {
        scenarios,
        master_seed: manifest.master_seed,
        replications: manifest.replications,
        elapsed: Duration::ZERO,
        events,
        comparison: None,
    })
}

/// The command line of the single run equal to a merge of shards started
/// with `shard_command` (any shard's), writing into `out`: the shard's
/// command with its `--shard K/N` removed and its output folder replaced by
/// `out` (added if it had none).
pub fn equivalent_run_command(shard_command: &[String], out: &str) -> Vec<String> {
    let mut args = Vec::with_capacity(shard_command.len() + 2);
    let mut iter = shard_command.iter();
    let mut has_out = false;
    while let Some(a) = iter.next() {
        match a.as_str() {
            "--shard" => {
                iter.next();
            }
            "--out" | "-o" => {
                iter.next();
                args.push(a.clone());
                args.push(out.to_string());
                has_out = true;
            }
            _ if a.starts_with("--shard=") => {}
            _ if a.starts_with("--out=") => {
                args.push(format!("--out={out}"));
                has_out = true;
            }
            _ if a.starts_with("-o") && !a.starts_with("--") => {
                args.push(format!("-o{out}"));
                has_out = true;
            }
            _ => args.push(a.clone()),
        }
    }
    if !has_out {
        args.push("--out".into());
        args.push(out.to_string());
    }
    args
}

/// What a merged folder's `manifest.json` records of the merge, under the
/// key `merge`: the merge's own command line and each shard's folder, K,
/// N, command line and the SHA-256 of its `shard.json`.
pub fn merge_record(
    shards: &[(PathBuf, ShardManifest, String)],
    command_line: &[String],
) -> serde_json::Value {
    let mut sorted: Vec<_> = shards.iter().collect();
    sorted.sort_by_key(|(_, m, _)| m.shard.index);
    serde_json::json!({
        "command_line": command_line,
        "shards": sorted.iter().map(|(dir, m, sha)| serde_json::json!({
            "dir": dir.to_string_lossy(),
            "index": m.shard.index,
            "count": m.shard.count,
            "command_line": m.command_line,
            "shard_json_sha256": sha,
        })).collect::<Vec<_>>(),
    })
}

/// Adds `record` under the key `merge` at the end of the manifest that
/// [`write_all`](super::write_all) wrote into `dir`, replacing the file
/// atomically (the keys before it keep their order and bytes).
pub fn add_merge_record(dir: &Path, record: &serde_json::Value) -> Result<PathBuf, ShardError> {
    let path = dir.join(super::MANIFEST_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| ShardError::Read {
        path: path.clone(),
        source,
    })?;
    let body = text
        .trim_end()
        .strip_suffix('}')
        .map(str::trim_end)
        .ok_or_else(|| ShardError::Corrupt {
            path: path.clone(),
            reason: "not a JSON object".into(),
        })?;
    let pretty = serde_json::to_string_pretty(record).map_err(|e| ShardError::Corrupt {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let indented = pretty.replace('\n', "\n  ");
    let new = format!("{body},\n  \"merge\": {indented}\n}}\n");
    Ok(super::write_atomic(&path, |w| w.write_all(new.as_bytes()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs_parse_and_refuse() {
        assert_eq!(
            "2/3".parse::<ShardSpec>(),
            Ok(ShardSpec { index: 2, count: 3 })
        );
        for bad in ["0/3", "4/3", "x", "1/0", "1/x", "-1/3", ""] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn values_round_trip_exactly() {
        for v in [0.1, -0.0, f64::NAN, f64::INFINITY, 1e-310, 1.0 / 3.0] {
            assert_eq!(from_bits(&bits(v)).unwrap().to_bits(), v.to_bits());
        }
        assert!(from_bits("123").is_err());
        for p in ["horizon", "CY2027", "FY2026-27", "FY1999-00"] {
            assert_eq!(parse_period(p).unwrap().to_string(), p);
        }
        for p in ["FY2026", "FY2026-28", "cy2026", "x"] {
            assert!(parse_period(p).is_err(), "{p}");
        }
    }

    #[test]
    fn the_equivalent_command_drops_the_shard_and_moves_the_output() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            equivalent_run_command(
                &s(&["e", "run", "a.toml", "--shard", "1/2", "-o", "s1"]),
                "m"
            ),
            s(&["e", "run", "a.toml", "-o", "m"])
        );
        assert_eq!(
            equivalent_run_command(&s(&["e", "run", "--shard=1/2", "--out=s1", "-n", "3"]), "m"),
            s(&["e", "run", "--out=m", "-n", "3"])
        );
        assert_eq!(
            equivalent_run_command(&s(&["e", "run", "--shard", "1/2"]), "m"),
            s(&["e", "run", "--out", "m"])
        );
    }
}
