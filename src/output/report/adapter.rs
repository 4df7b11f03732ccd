//! The one place where the report meets the in-memory results: it writes `monthly.csv` (monthly 20-week compliance, which needs
//! each replication's weekly values and so cannot be rebuilt from
//! `weekly.csv`) and turns the results' scenario information into
//! [`ScenarioInfo`]. Everything else
//! in the report is read back from the output folder's files.

use super::read::MONTHLY_FILE;
use super::{write_report, ReportData, ReportError, ReportOptions, ScenarioInfo};
use crate::output::atomic::write_atomic;
use crate::output::{csv_writer, stats_cells};
use crate::results::RunResults;
use crate::results::{Metric, ScenarioResults, Stats};
use chrono::{Datelike, Duration, NaiveDate};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The metric name in `monthly.csv`.
pub const MONTHLY_COMPLIANCE: &str = "compliance_20_weeks_incl_exceptions";

/// The header of `monthly.csv`.
pub const MONTHLY_HEADER: [&str; 7] = ["scenario", "month", "metric", "mean", "p10", "p50", "p90"];

/// The first day of the month a reporting week counts towards: the month
/// of its Thursday (as ISO weeks are given to years).
pub fn month_of_week(week_start: NaiveDate) -> NaiveDate {
    let thursday = week_start + Duration::days(3);
    thursday.with_day(1).unwrap_or(thursday)
}

/// Monthly 20-week compliance of one scenario: for each month, each
/// replication's plans issued within 20 weeks divided by its plans issued
/// (weeks given to the month of their Thursday; exceptions included, as the
/// weekly counts include them), then statistics across replications
/// (replications that issued no plan in the month left out).
pub fn monthly_compliance(results: &ScenarioResults) -> Vec<(NaiveDate, Stats)> {
    let week_starts: Vec<NaiveDate> = results
        .weekly
        .iter()
        .filter(|r| r.metric == Metric::ALL[0])
        .map(|r| r.week_start)
        .collect();
    let mut months: Vec<(NaiveDate, Vec<usize>)> = Vec::new();
    for (w, &start) in week_starts.iter().enumerate() {
        let m = month_of_week(start);
        match months.last_mut() {
            Some((last, weeks)) if *last == m => weeks.push(w),
            _ => months.push((m, vec![w])),
        }
    }
    let mut scratch = Vec::new();
    months
        .into_iter()
        .map(|(month, weeks)| {
            let values: Vec<Option<f64>> = results
                .replications
                .iter()
                .map(|r| {
                    let (mut on_time, mut issued) = (0.0, 0.0);
                    for &w in weeks.iter().filter(|&&w| w < r.weeks) {
                        on_time += r.weekly_value(w, Metric::PlansIssuedWithin20Weeks);
                        issued += r.weekly_value(w, Metric::PlansIssued);
                    }
                    (issued > 0.0).then(|| on_time / issued)
                })
                .collect();
            (month, Stats::of(&values, false, &mut scratch))
        })
        .collect()
}

/// Writes `monthly.csv` for `run` to `out`.
pub fn write_monthly<W: Write>(out: W, run: &RunResults) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(MONTHLY_HEADER)?;
    for s in &run.scenarios {
        for (month, stats) in monthly_compliance(s) {
            let month = month.format("%Y-%m").to_string();
            let [mean, p10, p50, p90] = stats_cells(&stats);
            w.write_record([
                s.info.name.as_str(),
                &month,
                MONTHLY_COMPLIANCE,
                &mean,
                &p10,
                &p50,
                &p90,
            ])?;
        }
    }
    w.flush()
}

/// What the report shows about a scenario beyond its results: its
/// description and the level at which its backlog counts as cleared.
pub fn scenario_info(
    name: &str,
    description: &str,
    cleared_at: u32,
    target: Option<NaiveDate>,
) -> ScenarioInfo {
    ScenarioInfo {
        name: name.to_string(),
        description: (!description.trim().is_empty()).then(|| description.to_string()),
        target_date: target,
        cleared_threshold: Some(cleared_at),
    }
}

/// After a run has written its CSV files and manifest into `dir`: writes
/// `monthly.csv`, then the report and charts as `options` asks, built from
/// the folder's files and the scenarios' descriptions, and given to `finish`
/// to add what the caller knows (the sections built from scenario files).
pub fn write_run_report(
    dir: &Path,
    run: &RunResults,
    options: ReportOptions,
    finish: &dyn Fn(ReportData) -> ReportData,
) -> Result<Vec<PathBuf>, ReportError> {
    let mut written = vec![write_atomic(&dir.join(MONTHLY_FILE), |w| {
        write_monthly(w, run)
    })?];
    let info: Vec<ScenarioInfo> = run
        .scenarios
        .iter()
        .map(|s| {
            let i = &s.info;
            scenario_info(
                &i.name,
                &i.description,
                i.backlog_cleared_at,
                i.backlog_target,
            )
        })
        .collect();
    let data = finish(ReportData::from_dir(dir)?.with_info(&info));
    written.extend(write_report(dir, &data, options)?);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_go_to_the_month_of_their_thursday() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(month_of_week(d(2026, 3, 30)), d(2026, 4, 1));
        assert_eq!(month_of_week(d(2026, 4, 27)), d(2026, 4, 1));
        assert_eq!(month_of_week(d(2026, 4, 28)), d(2026, 5, 1));
    }
}
