//! The committee pack: `report.html` (one self-contained file: CSS inline,
//! charts inline as SVG, no script, nothing fetched), `report.md` (the same
//! content with the charts linked), and the chart files in `charts/`.
//!
//! The report is built from [`ReportData`], its own plain type, which is
//! read back from an output folder's files ([`ReportData::from_dir`]:
//! `weekly.csv`, `summary.csv`, `replications.csv`, `manifest.json` and
//! `monthly.csv`). So `ehcsim run` and `ehcsim report DIR` produce the same
//! report from the same folder, and the report does not depend on the
//! in-memory results types. The one place that knows those types is
//! [`adapter`], which writes `monthly.csv` (monthly 20-week compliance,
//! which needs each replication's weekly values) and turns scenarios into
//! [`ScenarioInfo`].
//!
//! Sections fed by optional data, for other parts of the program to fill:
//! [`ReportData::baseline`] (comparison against a baseline),
//! [`ReportData::differences`] (what differs between scenarios) and
//! [`ReportData::assumptions`] (the assumption register, from (key, value,
//! source) triples).

pub mod adapter;
mod build;
mod html;
mod markdown;
mod read;

pub use build::{charts_of, NamedChart};
pub use read::{ReadError, MONTHLY_FILE};

use super::atomic::write_atomic;
use super::OutputError;
use crate::results::Stats;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The report's file name in the output folder.
pub const REPORT_HTML: &str = "report.html";
/// The Markdown version's file name.
pub const REPORT_MD: &str = "report.md";
/// The folder, inside the output folder, that holds the chart files.
pub const CHARTS_DIR: &str = "charts";

/// Where the run came from: the manifest's contents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunInfo {
    /// ehcsim's version.
    pub version: String,
    /// The git revision the binary was built from.
    pub git_revision: String,
    /// The command line of the run.
    pub command_line: Vec<String>,
    /// The master seed.
    pub master_seed: u64,
    /// Replications per scenario.
    pub replications: u64,
    /// One entry per scenario, in run order.
    pub sources: Vec<SourceInfo>,
}

/// One scenario's file and its hash, as in the manifest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceInfo {
    /// The scenario's name.
    pub name: String,
    /// The file as given on the command line; `None` for the built-in.
    pub file: Option<String>,
    /// The file's SHA-256; `None` for the built-in.
    pub sha256: Option<String>,
}

/// What is known about a scenario beyond its results (from the scenario
/// itself, when the report is written by a run). Every field is optional
/// so that a report rebuilt from files alone still works.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScenarioInfo {
    /// The scenario's name, to match it with its results.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// The date by which the backlog should be cleared, where one is set.
    pub target_date: Option<NaiveDate>,
    /// Overdue reviews at or below which the backlog counts as cleared.
    pub cleared_threshold: Option<u32>,
}

/// One KPI row of `summary.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryEntry {
    /// The KPI's name (`compliance_20_weeks`...).
    pub kpi: String,
    /// `FY2026-27` or `horizon`.
    pub period: String,
    /// Across replications.
    pub stats: Stats,
}

/// One scenario's results as the report needs them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScenarioData {
    /// Name, description, target and threshold.
    pub info: ScenarioInfo,
    /// The Monday of each week, from week 0.
    pub week_starts: Vec<NaiveDate>,
    /// Weekly statistics by metric name, one per week.
    pub weekly: BTreeMap<String, Vec<Stats>>,
    /// The KPI rows, in file order.
    pub summary: Vec<SummaryEntry>,
    /// Each replication's backlog clearance week (`None`: never cleared).
    pub clearance_weeks: Vec<Option<f64>>,
    /// Each replication's `backlog_cleared_on_target` (1 or 0), where the
    /// scenario has a target date in the run.
    pub cleared_on_target: Vec<f64>,
    /// Monthly 20-week compliance (exceptions included), by first day of
    /// the month; empty when `monthly.csv` is missing.
    pub monthly_compliance: Vec<(NaiveDate, Stats)>,
}

impl ScenarioData {
    /// The statistics of `kpi` in `period`.
    pub fn kpi(&self, kpi: &str, period: &str) -> Option<Stats> {
        self.summary
            .iter()
            .find(|e| e.kpi == kpi && e.period == period)
            .map(|e| e.stats)
    }
}

/// A table: a heading, an introduction, a header row and rows of cells.
/// Used for the sections that other parts of the program supply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    /// The section's heading.
    pub heading: String,
    /// A paragraph before the table (may be empty).
    pub intro: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells, as text.
    pub rows: Vec<Vec<String>>,
}

/// One line of the assumption register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    /// The parameter (`caseworkers.hours_per_fte`...).
    pub key: String,
    /// Its value, as text with its unit.
    pub value: String,
    /// Where the figure comes from (docs/model.md section, an estimate...).
    pub source: String,
}

/// One option's paired differences from the baseline over the whole run,
/// as `costs.csv` gives them: what the cost-against-benefit chart plots.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptionResult {
    /// The option's scenario name.
    pub name: String,
    /// Extra cost over the baseline, pounds.
    pub extra_cost: Stats,
    /// Extra plans issued within 20 weeks.
    pub extra_plans: Stats,
}

/// Everything the report shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportData {
    /// Provenance.
    pub run: RunInfo,
    /// The scenarios, in run order.
    pub scenarios: Vec<ScenarioData>,
    /// Comparison against a baseline scenario, where supplied.
    pub baseline: Option<Section>,
    /// Each option's extra cost and extra plans on time against the
    /// baseline (empty without a baseline).
    pub options: Vec<OptionResult>,
    /// What differs between the scenarios, where supplied.
    pub differences: Option<Section>,
    /// The assumption register; the section is left out when empty.
    pub assumptions: Vec<Assumption>,
}

impl ReportData {
    /// Reads the report's data from an output folder (see the `read` module).
    pub fn from_dir(dir: &Path) -> Result<Self, ReadError> {
        read::from_dir(dir)
    }

    /// Merges what is known about the scenarios (matched by name).
    pub fn with_info(mut self, info: &[ScenarioInfo]) -> Self {
        for s in &mut self.scenarios {
            if let Some(i) = info.iter().find(|i| i.name == s.info.name) {
                s.info = i.clone();
            }
        }
        self
    }
}

/// Why the report or charts could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The output folder's files could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] super::charts::ChartError),
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] OutputError),
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportOptions {
    /// `report.html` and `report.md`.
    pub report: bool,
    /// The chart files in `charts/`.
    pub charts: bool,
}

/// Writes the report (`report.html`, `report.md`) and, if asked, the chart
/// files (`charts/NAME.svg` and `charts/NAME.png`) into `dir`, each
/// atomically. Returns the paths written.
pub fn write_report(
    dir: &Path,
    data: &ReportData,
    options: ReportOptions,
) -> Result<Vec<PathBuf>, ReportError> {
    let charts = charts_of(data);
    let mut written = Vec::new();
    if options.charts {
        let folder = dir.join(CHARTS_DIR);
        std::fs::create_dir_all(&folder).map_err(|source| OutputError::CreateDir {
            path: folder.clone(),
            source,
        })?;
        for c in &charts {
            let svg = c.chart.svg()?;
            let png = c.chart.png()?;
            written.push(write_atomic(
                &folder.join(format!("{}.svg", c.stem)),
                |w| w.write_all(svg.as_bytes()),
            )?);
            written.push(write_atomic(
                &folder.join(format!("{}.png", c.stem)),
                |w| w.write_all(&png),
            )?);
        }
    }
    if options.report {
        let html = html::render(data, &charts)?;
        written.push(write_atomic(&dir.join(REPORT_HTML), |w| {
            w.write_all(html.as_bytes())
        })?);
        let charts_on_disk = charts.iter().all(|c| {
            dir.join(CHARTS_DIR)
                .join(format!("{}.svg", c.stem))
                .is_file()
        });
        let md = markdown::render(data, &charts, charts_on_disk);
        written.push(write_atomic(&dir.join(REPORT_MD), |w| {
            w.write_all(md.as_bytes())
        })?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ReportData {
        let d = |w: i64| NaiveDate::from_ymd_opt(2026, 3, 30).unwrap() + chrono::Duration::weeks(w);
        let stats = |v: f64| Stats {
            mean: Some(v),
            p10: Some(v * 0.9),
            p50: Some(v),
            p90: Some(v * 1.1),
        };
        let mut weekly = BTreeMap::new();
        weekly.insert(
            "overdue_reviews".to_string(),
            (0..60).map(|w| stats(100.0 - w as f64)).collect(),
        );
        ReportData {
            run: RunInfo {
                version: "0.1.0".into(),
                git_revision: "abc1234".into(),
                command_line: vec!["ehcsim".into(), "run".into(), "a <b>.toml".into()],
                master_seed: 9,
                replications: 4,
                sources: vec![SourceInfo {
                    name: "a".into(),
                    file: Some("a <b>.toml".into()),
                    sha256: Some("ab".repeat(32)),
                }],
            },
            scenarios: vec![ScenarioData {
                info: ScenarioInfo {
                    name: "a".into(),
                    description: Some("Staff & more".into()),
                    target_date: NaiveDate::from_ymd_opt(2026, 9, 30),
                    cleared_threshold: Some(50),
                },
                week_starts: (0..60).map(d).collect(),
                weekly,
                summary: vec![SummaryEntry {
                    kpi: "compliance_20_weeks".into(),
                    period: "FY2026-27".into(),
                    stats: stats(0.5),
                }],
                clearance_weeks: vec![Some(10.0), Some(20.0), Some(40.0), None],
                cleared_on_target: Vec::new(),
                monthly_compliance: vec![],
            }],
            baseline: Some(Section {
                heading: "Against the baseline".into(),
                intro: "Differences from the baseline.".into(),
                header: vec!["Measure".into(), "Change".into()],
                rows: vec![vec!["Compliance".into(), "+5 points".into()]],
            }),
            options: Vec::new(),
            differences: None,
            assumptions: vec![Assumption {
                key: "caseworkers.hours_per_fte".into(),
                value: "1,450 hours a year".into(),
                source: "docs/model.md 7 [E]".into(),
            }],
        }
    }

    #[test]
    fn hooks_headlines_and_escaping() {
        let data = data();
        let charts = charts_of(&data);
        let html = html::render(&data, &charts).unwrap();
        assert!(html.contains("<h2>Against the baseline</h2>"));
        assert!(!html.contains("What differs"));
        assert!(html.contains("<h2>Assumption register</h2>"));
        assert!(html.contains("caseworkers.hours_per_fte"));
        assert!(html.contains("Staff &amp; more"));
        assert!(html.contains("a &lt;b&gt;.toml"));
        assert!(!html.contains("a <b>"));
        // Target 30 September 2026: weeks 10 and 20 start before it.
        assert!(html.contains("<strong>50% chance</strong>"), "{html}");
        assert!(html.contains("the target date, 30 September 2026"));
        assert!(html.contains("Target: 30 Sep 2026"));
        assert!(html.contains("ehcsim run &#39;a &lt;b&gt;.toml&#39; --reps 4 --seed 9"));
        let md = markdown::render(&data, &charts, false);
        assert!(md.contains("## Assumption register"));
        assert!(
            md.contains("| caseworkers.hours_per_fte | 1,450 hours a year | docs/model.md 7 [E] |")
        );
        assert!(md.contains("run again with `--charts`"));
        let order = [
            "## Headlines",
            "## Against the baseline",
            "## Charts",
            "## Assumption",
            "## How",
        ];
        let pos: Vec<usize> = order.iter().map(|h| md.find(h).unwrap()).collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{pos:?}");
    }
}
