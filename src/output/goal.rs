//! What `ehcsim goal --out DIR` leaves behind: `goal.csv`, every candidate
//! the search ran, and a chart of the probability of meeting the target
//! against FTE (`charts/goal-seek.svg` and `.png`); for two groups, every
//! combination tried and a chart of the smallest second group for each
//! step of the first.
//!
//! The files depend only on the search's results, which depend only on the
//! seed and the scenario, so two searches with the same inputs give
//! byte-identical files.

use super::charts::{Chart, Point, PointChart, PointSeries, ValueKind};
use super::report::CHARTS_DIR;
use super::{csv_writer, format_number, format_optional, write_atomic, OutputError};
use crate::goal::{Candidate, GoalResult, GoalSpec, PairResult};
use std::path::{Path, PathBuf};

/// The candidates' file name in the output folder.
pub const GOAL_FILE: &str = "goal.csv";
/// The chart's file stem in `charts/`.
pub const GOAL_CHART: &str = "goal-seek";

/// Every file written, relative to the output folder (for the folder check
/// before the search).
pub const GOAL_FILES: [&str; 3] = [GOAL_FILE, "charts/goal-seek.svg", "charts/goal-seek.png"];

/// Columns of `goal.csv` (docs/outputs.md defines them).
pub const GOAL_HEADER: [&str; 12] = [
    "group",
    "fte",
    "second_group",
    "second_fte",
    "replications",
    "met",
    "probability",
    "probability_low_95",
    "probability_high_95",
    "median_total_cost",
    "median_extra_cost",
    "answer",
];

/// Why the goal-seek's files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum GoalOutputError {
    /// A file or folder could not be written.
    #[error(transparent)]
    Write(#[from] OutputError),
    /// The chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] super::charts::ChartError),
}

/// One row: the group's FTE, the second group's (for a pair search), the
/// candidate's record and whether it is the answer.
fn row(
    spec: &GoalSpec,
    second: Option<(&str, f64)>,
    fte: f64,
    c: &Candidate,
    answer: bool,
) -> Vec<String> {
    let (lo, hi) = c.interval();
    vec![
        spec.vary.clone(),
        format_number(fte),
        second.map_or(String::new(), |(g, _)| g.to_string()),
        second.map_or(String::new(), |(_, f)| format_number(f)),
        c.replications.to_string(),
        c.met.to_string(),
        format_number(c.probability()),
        format_number(lo),
        format_number(hi),
        format_optional(c.total_cost),
        format_optional(c.extra_cost),
        if answer { "yes" } else { "no" }.to_string(),
    ]
}

fn write_rows(dir: &Path, rows: &[Vec<String>]) -> Result<PathBuf, OutputError> {
    write_atomic(&dir.join(GOAL_FILE), |w| {
        let mut out = csv_writer(w);
        out.write_record(GOAL_HEADER)?;
        for r in rows {
            out.write_record(r)?;
        }
        out.flush()
    })
}

fn write_chart(dir: &Path, chart: &Chart) -> Result<Vec<PathBuf>, GoalOutputError> {
    let folder = dir.join(CHARTS_DIR);
    std::fs::create_dir_all(&folder).map_err(|source| OutputError::CreateDir {
        path: folder.clone(),
        source,
    })?;
    let svg = chart.svg()?;
    let png = chart.png()?;
    Ok(vec![
        write_atomic(&folder.join(format!("{GOAL_CHART}.svg")), |w| {
            w.write_all(svg.as_bytes())
        })?,
        write_atomic(&folder.join(format!("{GOAL_CHART}.png")), |w| {
            w.write_all(&png)
        })?,
    ])
}

/// The probability of meeting the target against the group's FTE, with
/// each candidate's 95% interval, the confidence asked as a line and the
/// answer labelled.
pub fn goal_chart(scenario: &str, spec: &GoalSpec, result: &GoalResult) -> Chart {
    let answer = result.answer.as_ref().map(|a| a.fte);
    let points = result
        .candidates
        .iter()
        .map(|c| Point {
            x: c.fte,
            y: c.probability(),
            x_range: None,
            y_range: Some(c.interval()),
            note: (Some(c.fte) == answer).then(|| {
                format!(
                    "answer: {} FTE, {:.0}%",
                    format_number(c.fte),
                    c.probability() * 100.0
                )
            }),
        })
        .collect();
    let reps = result.candidates.first().map_or(0, |c| c.replications);
    Chart::Points(PointChart {
        title: format!(
            "How likely is the target with more staff in \"{}\"?",
            spec.vary
        ),
        subtitle: format!(
            "{scenario}: {}. Share of {reps} replications meeting it; bars: 95% interval.",
            spec.target
        ),
        x_label: format!("FTE in \"{}\"", spec.vary),
        y_label: "Probability of meeting the target".into(),
        x_kind: ValueKind::Ratio,
        y_kind: ValueKind::Share,
        series: vec![PointSeries {
            label: "each FTE tried (same seed for every one)".into(),
            points,
            joined: true,
        }],
        reference: Some((
            spec.confidence,
            format!("{:.0}% asked", spec.confidence * 100.0),
        )),
    })
}

/// Writes `goal.csv` and the chart for a one-group search. Returns the
/// paths written.
pub fn write_goal(
    dir: &Path,
    scenario: &str,
    spec: &GoalSpec,
    result: &GoalResult,
) -> Result<Vec<PathBuf>, GoalOutputError> {
    let answer = result.answer.as_ref().map(|a| a.fte);
    let rows: Vec<Vec<String>> = result
        .candidates
        .iter()
        .map(|c| row(spec, None, c.fte, c, Some(c.fte) == answer))
        .collect();
    let mut written = vec![write_rows(dir, &rows)?];
    written.extend(write_chart(dir, &goal_chart(scenario, spec, result))?);
    Ok(written)
}

/// The smallest FTE of the second group for each FTE of the first, each
/// point labelled with its median total cost, the cheapest marked apart.
pub fn pair_chart(scenario: &str, spec: &GoalSpec, result: &PairResult) -> Chart {
    let found: Vec<(f64, &Candidate)> = result
        .combinations
        .iter()
        .filter_map(|(a, c)| c.as_ref().map(|c| (*a, c)))
        .collect();
    let cost = |c: &Candidate| {
        c.total_cost
            .map_or("cost n/a".into(), super::comparison::pounds_short)
    };
    let points = found
        .iter()
        .map(|(a, c)| Point {
            x: *a,
            y: c.fte,
            x_range: None,
            y_range: None,
            note: Some(cost(c)),
        })
        .collect();
    let mut series = vec![PointSeries {
        label: format!("smallest \"{}\" meeting the target", result.second),
        points,
        joined: true,
    }];
    if let Some((a, c)) = &result.cheapest {
        series.push(PointSeries {
            label: format!(
                "cheapest: {} + {} FTE",
                format_number(*a),
                format_number(c.fte)
            ),
            points: vec![Point {
                x: *a,
                y: c.fte,
                x_range: None,
                y_range: None,
                note: None,
            }],
            joined: false,
        });
    }
    Chart::Points(PointChart {
        title: format!(
            "Combinations of \"{}\" and \"{}\" that meet the target",
            spec.vary, result.second
        ),
        subtitle: format!(
            "{scenario}: {} in at least {:.0}% of replications; labels: median total cost over \
             the run.",
            spec.target,
            spec.confidence * 100.0
        ),
        x_label: format!("FTE in \"{}\"", spec.vary),
        y_label: format!("FTE in \"{}\"", result.second),
        x_kind: ValueKind::Ratio,
        y_kind: ValueKind::Ratio,
        series,
        reference: None,
    })
}

/// Writes `goal.csv` (one row per combination that meets the target) and
/// the chart for a two-group search. Returns the paths written.
pub fn write_pair(
    dir: &Path,
    scenario: &str,
    spec: &GoalSpec,
    result: &PairResult,
) -> Result<Vec<PathBuf>, GoalOutputError> {
    let cheapest = result.cheapest.as_ref().map(|(a, c)| (*a, c.fte));
    let rows: Vec<Vec<String>> = result
        .combinations
        .iter()
        .filter_map(|(a, c)| c.as_ref().map(|c| (*a, c)))
        .map(|(a, c)| {
            let is_answer = cheapest == Some((a, c.fte));
            row(spec, Some((&result.second, c.fte)), a, c, is_answer)
        })
        .collect();
    let mut written = vec![write_rows(dir, &rows)?];
    written.extend(write_chart(dir, &pair_chart(scenario, spec, result))?);
    Ok(written)
}
