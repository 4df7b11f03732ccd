//! The report's part of the command line, kept apart from the rest of
//! `cli.rs`: the `--charts`, `--report` and `--no-report` options of
//! `ehcsim run`, and `ehcsim report DIR`.

use super::{print_out, Failure};
use anyhow::anyhow;
use ehcsim::experiment::RunResults;
use ehcsim::output::report::{self, adapter, ReportData, ReportOptions, CHARTS_DIR};
use ehcsim::output::sha256_file;
use ehcsim::scenario::{self, Scenario};
use std::path::{Path, PathBuf};

/// The report options of `ehcsim run`.
#[derive(Debug, clap::Args)]
pub struct RunReportArgs {
    /// Also write every chart as SVG and PNG into OUT/charts/.
    #[arg(long)]
    charts: bool,
    /// Write report.html and report.md (the default).
    #[arg(long, overrides_with = "no_report")]
    report: bool,
    /// Do not write report.html, report.md and monthly.csv.
    #[arg(long, overrides_with = "report")]
    no_report: bool,
}

impl RunReportArgs {
    /// What the options ask to write.
    pub fn options(&self) -> ReportOptions {
        ReportOptions {
            report: !self.no_report,
            charts: self.charts,
        }
    }

    /// Writes what was asked after the run's CSV files; returns the paths to
    /// mention (the charts folder once rather than every chart).
    pub fn write(&self, dir: &Path, run: &RunResults) -> Result<Vec<PathBuf>, Failure> {
        let options = ReportOptions {
            report: !self.no_report,
            charts: self.charts,
        };
        if !options.report && !options.charts {
            return Ok(vec![]);
        }
        let written = adapter::write_run_report(dir, run, options, &with_scenario_sections)
            .map_err(|e| Failure::Other(e.into()))?;
        Ok(compact(dir, written))
    }
}

/// `ehcsim report DIR`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// An output folder written by `ehcsim run`.
    dir: PathBuf,
    /// Also write every chart as SVG and PNG into DIR/charts/.
    #[arg(long)]
    charts: bool,
}

pub(super) fn compact(dir: &Path, written: Vec<PathBuf>) -> Vec<PathBuf> {
    let charts = dir.join(CHARTS_DIR);
    let mut out: Vec<PathBuf> = written
        .iter()
        .filter(|p| !p.starts_with(&charts))
        .cloned()
        .collect();
    if out.len() < written.len() {
        out.push(charts);
    }
    out
}

/// Rebuilds the report (and, if asked, the charts) from a folder's files.
pub fn rebuild(args: &ReportArgs) -> Result<(), Failure> {
    if !args.dir.is_dir() {
        return Err(Failure::BadInput(anyhow!(
            "{} is not a folder; give the output folder of an `ehcsim run`",
            args.dir.display()
        )));
    }
    let data = ReportData::from_dir(&args.dir).map_err(|e| Failure::BadInput(e.into()))?;
    let info = scenario_infos(&data);
    let data = with_scenario_sections(data.with_info(&info));
    let options = ReportOptions {
        report: true,
        charts: args.charts,
    };
    let written =
        report::write_report(&args.dir, &data, options).map_err(|e| Failure::Other(e.into()))?;
    let names: Vec<String> = compact(&args.dir, written)
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    print_out(&format!("wrote {}\n", names.join(", ")))
}

/// The scenarios named in the manifest, read again: the built-in one, and
/// each scenario file still there with the same SHA-256, with its text.
fn reread(data: &ReportData) -> Vec<(String, Scenario, Option<String>)> {
    data.run
        .sources
        .iter()
        .filter_map(|src| match (&src.file, &src.sha256) {
            (None, _) => Some((src.name.clone(), Scenario::default(), None)),
            (Some(file), Some(sha)) => {
                let path = Path::new(file);
                let same = sha256_file(path).is_ok_and(|h| &h == sha);
                let s = same.then(|| scenario::load(path).ok()).flatten()?;
                let text = std::fs::read_to_string(path).ok();
                Some((src.name.clone(), s.into_inner(), text))
            }
            _ => None,
        })
        .collect()
}

/// The comment written beside `key` in its table of a scenario file's text,
/// if any (`per_year = 1960   # [D] ...` under `[requests]` gives `[D] ...`
/// for `requests.per_year`).
fn comment_beside(text: &str, key: &str) -> Option<String> {
    let (section, leaf) = key.rsplit_once('.').unwrap_or(("", key));
    let mut current = "";
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(header) = t.strip_prefix('[') {
            current = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            continue;
        }
        if current != section {
            continue;
        }
        let Some(rest) = t.strip_prefix(leaf) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        if let Some((_, comment)) = rest.split_once('#') {
            return Some(comment.trim().to_string());
        }
    }
    None
}

/// The report's sections built from the scenario files: what differs
/// between the scenarios, parameter by parameter, and the assumption
/// register (every parameter's value and where it came from).
pub(super) fn with_scenario_sections(mut data: ReportData) -> ReportData {
    let scenarios = reread(&data);
    if scenarios.is_empty() {
        return data;
    }
    let values: Vec<Vec<scenario::ParameterValue>> = scenarios
        .iter()
        .map(|(_, s, _)| scenario::parameter_values(s))
        .collect();
    let with_unit = |v: &scenario::ParameterValue| {
        if v.unit.is_empty() {
            v.value.clone()
        } else {
            format!("{} ({})", v.value, v.unit)
        }
    };
    let first = &values[0];
    let differs: Vec<usize> = (0..first.len())
        .filter(|&i| values.iter().any(|v| v[i].value != first[i].value))
        .collect();
    if scenarios.len() > 1 {
        let mut header = vec!["Parameter".to_string()];
        header.extend(scenarios.iter().map(|(n, _, _)| n.clone()));
        data.differences = Some(report::Section {
            heading: "What differs between the scenarios".into(),
            intro: if differs.is_empty() {
                "The scenario files set every parameter alike.".into()
            } else {
                "Computed from the scenario files: every parameter whose value is not the same \
                 in all scenarios."
                    .into()
            },
            header,
            rows: differs
                .iter()
                .map(|&i| {
                    let mut row = vec![first[i].key.to_string()];
                    row.extend(values.iter().map(|v| with_unit(&v[i])));
                    row
                })
                .collect(),
        });
    }
    let (name, _, text) = &scenarios[0];
    data.assumptions = first
        .iter()
        .enumerate()
        // A key the first scenario leaves unset (the run's end given as a
        // length) has nothing to register unless another sets it.
        .filter(|(i, v)| v.value != scenario::NOT_SET || differs.contains(i))
        .map(|(i, v)| {
            let mut source = if v.is_default {
                format!(
                    "default: {}",
                    if v.source.is_empty() { "-" } else { v.source }
                )
            } else {
                let note = text.as_deref().and_then(|t| comment_beside(t, v.key));
                match note {
                    Some(n) => format!("set in {name}: {n}"),
                    None => format!("set in {name}"),
                }
            };
            if differs.contains(&i) {
                source.push_str(" (differs between scenarios: see above)");
            }
            report::Assumption {
                key: v.key.to_string(),
                value: with_unit(v),
                source,
            }
        })
        .collect();
    data
}

/// What the scenarios say about themselves (description, cleared level),
/// for a report rebuilt from a folder: each scenario file named in the
/// manifest is read again if it is still there with the same SHA-256, and
/// the built-in scenario is the built-in one. Others are left without.
fn scenario_infos(data: &ReportData) -> Vec<report::ScenarioInfo> {
    data.run
        .sources
        .iter()
        .filter_map(|src| {
            let s = match (&src.file, &src.sha256) {
                (None, _) => Some(Scenario::default()).filter(|s| s.name == src.name),
                (Some(file), Some(sha)) => {
                    let path = Path::new(file);
                    let same = sha256_file(path).is_ok_and(|h| &h == sha);
                    same.then(|| scenario::load(path).ok().map(|v| v.into_inner()))
                        .flatten()
                }
                _ => None,
            }?;
            let mut info = adapter::scenario_info(
                &s.name,
                &s.description,
                s.backlog_cleared_at,
                s.backlog_target,
            );
            info.name = src.name.clone();
            Some(info)
        })
        .collect()
}
