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
        let written =
            adapter::write_run_report(dir, run, options).map_err(|e| Failure::Other(e.into()))?;
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

fn compact(dir: &Path, written: Vec<PathBuf>) -> Vec<PathBuf> {
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
    let data = data.with_info(&info);
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
            let mut info = adapter::scenario_info(&s.name, &s.description, s.backlog_cleared_at);
            info.name = src.name.clone();
            Some(info)
        })
        .collect()
}
