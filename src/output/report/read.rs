//! Reading an output folder back: `manifest.json`, `summary.csv`,
//! `weekly.csv`, `replications.csv` and (if present) `monthly.csv`.
//!
//! Columns are found by their header names, so a file that gains columns
//! still reads; a missing file or column is an error naming it.

use super::{ReportData, RunInfo, ScenarioData, ScenarioInfo, SourceInfo, SummaryEntry};
use crate::output::{MANIFEST_FILE, REPLICATIONS_FILE, SUMMARY_FILE, WEEKLY_FILE};
use crate::results::Stats;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Monthly 20-week compliance, written beside the report.
pub const MONTHLY_FILE: &str = "monthly.csv";

/// An output folder could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file is missing or unreadable.
    #[error("cannot read {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file's contents are not as `ehcsim run` writes them.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn format_error(path: &Path, message: impl Into<String>) -> ReadError {
    ReadError::Format {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// A CSV file as rows of named cells.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(path: &Path) -> Result<Self, ReadError> {
        let io = |source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        };
        let text = std::fs::read(path).map_err(io)?;
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_slice());
        let header = reader
            .headers()
            .map_err(|e| format_error(path, e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format_error(path, e.to_string()))?;
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    fn column(&self, name: &str) -> Result<usize, ReadError> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format_error(&self.path, format!("no `{name}` column")))
    }

    fn number(&self, cell: &str, line: usize) -> Result<Option<f64>, ReadError> {
        if cell.is_empty() {
            return Ok(None);
        }
        cell.parse::<f64>().map(Some).map_err(|_| {
            format_error(
                &self.path,
                format!("line {}: `{cell}` is not a number", line + 2),
            )
        })
    }

    fn stats(
        &self,
        row: &csv::StringRecord,
        cols: [usize; 4],
        line: usize,
    ) -> Result<Stats, ReadError> {
        let get = |c: usize| self.number(row.get(c).unwrap_or(""), line);
        Ok(Stats {
            mean: get(cols[0])?,
            p10: get(cols[1])?,
            p50: get(cols[2])?,
            p90: get(cols[3])?,
        })
    }

    fn stat_columns(&self) -> Result<[usize; 4], ReadError> {
        Ok([
            self.column("mean")?,
            self.column("p10")?,
            self.column("p50")?,
            self.column("p90")?,
        ])
    }
}

fn date(table: &Table, cell: &str, line: usize) -> Result<NaiveDate, ReadError> {
    NaiveDate::parse_from_str(cell, "%Y-%m-%d").map_err(|_| {
        format_error(
            &table.path,
            format!("line {}: `{cell}` is not a date YYYY-MM-DD", line + 2),
        )
    })
}

/// Reads the report's data from `dir`.
pub fn from_dir(dir: &Path) -> Result<ReportData, ReadError> {
    let run = read_manifest(&dir.join(MANIFEST_FILE))?;
    let mut scenarios: Vec<ScenarioData> = run
        .sources
        .iter()
        .map(|s| ScenarioData {
            info: ScenarioInfo {
                name: s.name.clone(),
                ..ScenarioInfo::default()
            },
            ..ScenarioData::default()
        })
        .collect();
    // The scenario named `name`, added in order of first appearance if the
    // manifest did not list it.
    fn entry<'a>(scenarios: &'a mut Vec<ScenarioData>, name: &str) -> &'a mut ScenarioData {
        let i = match scenarios.iter().position(|s| s.info.name == name) {
            Some(i) => i,
            None => {
                scenarios.push(ScenarioData {
                    info: ScenarioInfo {
                        name: name.to_string(),
                        ..ScenarioInfo::default()
                    },
                    ..ScenarioData::default()
                });
                scenarios.len() - 1
            }
        };
        &mut scenarios[i]
    }

    let summary = Table::read(&dir.join(SUMMARY_FILE))?;
    let (sc, kc, pc) = (
        summary.column("scenario")?,
        summary.column("kpi")?,
        summary.column("period")?,
    );
    let cols = summary.stat_columns()?;
    for (line, row) in summary.rows.iter().enumerate() {
        let stats = summary.stats(row, cols, line)?;
        entry(&mut scenarios, &row[sc]).summary.push(SummaryEntry {
            kpi: row[kc].to_string(),
            period: row[pc].to_string(),
            stats,
        });
    }

    let weekly = Table::read(&dir.join(WEEKLY_FILE))?;
    let (sc, wc, dc, mc) = (
        weekly.column("scenario")?,
        weekly.column("week")?,
        weekly.column("week_start")?,
        weekly.column("metric")?,
    );
    let cols = weekly.stat_columns()?;
    for (line, row) in weekly.rows.iter().enumerate() {
        let week: usize = row[wc]
            .parse()
            .map_err(|_| format_error(&weekly.path, format!("line {}: bad week", line + 2)))?;
        let start = date(&weekly, &row[dc], line)?;
        let stats = weekly.stats(row, cols, line)?;
        let s = entry(&mut scenarios, &row[sc]);
        if s.week_starts.len() <= week {
            s.week_starts.resize(week + 1, start);
        }
        s.week_starts[week] = start;
        let series = s.weekly.entry(row[mc].to_string()).or_default();
        if series.len() <= week {
            series.resize(week + 1, Stats::default());
        }
        series[week] = stats;
    }

    let reps = Table::read(&dir.join(REPLICATIONS_FILE))?;
    let (sc, kc, vc) = (
        reps.column("scenario")?,
        reps.column("kpi")?,
        reps.column("value")?,
    );
    for (line, row) in reps.rows.iter().enumerate() {
        if &row[kc] == "backlog_clearance_week" {
            let v = reps.number(&row[vc], line)?;
            entry(&mut scenarios, &row[sc]).clearance_weeks.push(v);
        } else if &row[kc] == "backlog_cleared_on_target" {
            if let Some(v) = reps.number(&row[vc], line)? {
                entry(&mut scenarios, &row[sc]).cleared_on_target.push(v);
            }
        }
    }

    let monthly_path = dir.join(MONTHLY_FILE);
    if monthly_path.is_file() {
        let monthly = Table::read(&monthly_path)?;
        let (sc, mc, kc) = (
            monthly.column("scenario")?,
            monthly.column("month")?,
            monthly.column("metric")?,
        );
        let cols = monthly.stat_columns()?;
        for (line, row) in monthly.rows.iter().enumerate() {
            if &row[kc] != adapter_metric() {
                continue;
            }
            let month = date(&monthly, &format!("{}-01", &row[mc]), line)?;
            let stats = monthly.stats(row, cols, line)?;
            entry(&mut scenarios, &row[sc])
                .monthly_compliance
                .push((month, stats));
        }
    }

    let (baseline, options) = baseline_section(&dir.join(crate::output::COSTS_FILE))?;
    Ok(ReportData {
        run,
        scenarios,
        baseline,
        options,
        ..ReportData::default()
    })
}

/// The comparison with the baseline, from `costs.csv` where the run wrote
/// one: for each option its extra cost over the run, what it buys, the
/// price per extra plan on time and the chance of clearing the backlog by
/// the target date, each with its range; and each option's extra cost and
/// extra plans on time for the chart.
fn baseline_section(
    path: &Path,
) -> Result<(Option<super::Section>, Vec<super::OptionResult>), ReadError> {
    use crate::output::comparison::pounds_short;
    if !path.is_file() {
        return Ok((None, Vec::new()));
    }
    let t = Table::read(path)?;
    let (sc, bc, pc, mc, nc) = (
        t.column("scenario")?,
        t.column("baseline")?,
        t.column("period")?,
        t.column("measure")?,
        t.column("note")?,
    );
    let cols = t.stat_columns()?;
    // Each option's horizon measures: (measure, statistics, note).
    type Measures = Vec<(String, Stats, String)>;
    let mut options: Vec<(String, Measures)> = Vec::new();
    let mut baseline = String::new();
    for (line, row) in t.rows.iter().enumerate() {
        if &row[pc] != "horizon" {
            continue;
        }
        baseline = row[bc].to_string();
        let stats = t.stats(row, cols, line)?;
        let name = &row[sc];
        let i = match options.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                options.push((name.to_string(), Vec::new()));
                options.len() - 1
            }
        };
        options[i]
            .1
            .push((row[mc].to_string(), stats, row[nc].to_string()));
    }
    if options.is_empty() {
        return Ok((None, Vec::new()));
    }
    let range = |s: &Stats, f: &dyn Fn(f64) -> String| match (s.p50, s.p10, s.p90) {
        (Some(m), Some(lo), Some(hi)) => format!("{} ({} to {})", f(m), f(lo), f(hi)),
        (Some(m), _, _) => f(m),
        _ => "n/a".into(),
    };
    let whole = crate::output::charts::thousands;
    let percent =
        |v: Option<f64>| v.map_or("no target date".into(), |p| format!("{:.0}%", p * 100.0));
    let rows = options
        .iter()
        .map(|(name, measures)| {
            let get = |m: &str| measures.iter().find(|(k, _, _)| k == m);
            let stats = |m: &str| get(m).map(|(_, s, _)| *s).unwrap_or_default();
            let ratio = match get("cost_per_extra_plan_within_20_weeks") {
                Some((_, s, note)) => match (s.mean, note.as_str()) {
                    (Some(v), _) => crate::output::format_pounds(v),
                    (None, "saves_money") => "saves money and gains".into(),
                    _ => "no clear gain".into(),
                },
                None => "n/a".into(),
            };
            let target = match (
                get("probability_cleared_by_target").and_then(|(_, s, _)| s.mean),
                get("baseline_probability_cleared_by_target").and_then(|(_, s, _)| s.mean),
            ) {
                (Some(o), Some(b)) => {
                    format!("{} (baseline {})", percent(Some(o)), percent(Some(b)))
                }
                _ => percent(None),
            };
            vec![
                name.clone(),
                range(&stats("extra_cost"), &pounds_short),
                range(&stats("extra_plans_within_20_weeks"), &whole),
                ratio,
                target,
            ]
        })
        .collect();
    let points = options
        .iter()
        .map(|(name, measures)| {
            let stats = |m: &str| {
                measures
                    .iter()
                    .find(|(k, _, _)| k == m)
                    .map(|(_, s, _)| *s)
                    .unwrap_or_default()
            };
            super::OptionResult {
                name: name.clone(),
                extra_cost: stats("extra_cost"),
                extra_plans: stats("extra_plans_within_20_weeks"),
            }
        })
        .collect();
    let section = Some(super::Section {
        heading: format!("Compared with the baseline, {baseline}"),
        intro: format!(
            "Each option against {baseline} over the whole run, replication by replication (the \
             same requests in each): the median with the range where the middle 80% of \
             replications fall. A price per extra plan is given only where the gain is clearly \
             above zero. Every measure, by year, is in costs.csv and comparison.csv."
        ),
        header: vec![
            "Option".into(),
            "Extra cost".into(),
            "Extra plans issued within 20 weeks".into(),
            "Cost per extra plan on time".into(),
            "Backlog cleared on the target date".into(),
        ],
        rows,
    });
    Ok((section, points))
}

fn adapter_metric() -> &'static str {
    super::adapter::MONTHLY_COMPLIANCE
}

fn read_manifest(path: &Path) -> Result<RunInfo, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format_error(path, e.to_string()))?;
    let s = |key: &str| v[key].as_str().unwrap_or("unknown").to_string();
    let sources = v["scenarios"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| SourceInfo {
                    name: s["name"].as_str().unwrap_or_default().to_string(),
                    file: s["file"].as_str().map(str::to_string),
                    sha256: s["sha256"].as_str().map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(RunInfo {
        version: s("ehcsim_version"),
        git_revision: s("git_revision"),
        command_line: v["command_line"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        master_seed: v["master_seed"]
            .as_u64()
            .ok_or_else(|| format_error(path, "no `master_seed`"))?,
        replications: v["replications"]
            .as_u64()
            .ok_or_else(|| format_error(path, "no `replications`"))?,
        sources,
    })
}
