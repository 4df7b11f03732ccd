//! `weekly.csv`: every weekly metric of every scenario, one row per scenario,
//! week and metric (tidy long format).

use super::{csv_writer, stats_cells};
use crate::results::RunResults;
use std::io::{self, Write};

/// The file's name in the output folder.
pub const WEEKLY_FILE: &str = "weekly.csv";

/// The header line's columns.
pub const WEEKLY_HEADER: [&str; 8] = [
    "scenario",
    "week",
    "week_start",
    "metric",
    "mean",
    "p10",
    "p50",
    "p90",
];

/// Writes `weekly.csv` to `out`: scenarios in run order, then weeks in
/// order, then metrics in [`Metric::ALL`](crate::results::Metric::ALL)
/// order (the order [`ScenarioResults::aggregate`] builds them in).
///
/// [`ScenarioResults::aggregate`]: crate::results::ScenarioResults::aggregate
pub fn write_weekly<W: Write>(out: W, run: &RunResults) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(WEEKLY_HEADER)?;
    for scenario in &run.scenarios {
        for row in &scenario.weekly {
            let week = row.week.to_string();
            let week_start = row.week_start.format("%Y-%m-%d").to_string();
            let [mean, p10, p50, p90] = stats_cells(&row.stats);
            w.write_record([
                scenario.name(),
                &week,
                &week_start,
                row.metric.name(),
                &mean,
                &p10,
                &p50,
                &p90,
            ])?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_support::{date, run_of, scenario};
    use crate::results::{Metric, ReplicationResult, Stats, WeeklyRow};

    #[test]
    fn exact_text_for_a_tiny_run() {
        let mut s = scenario("base", vec![]);
        s.weekly = vec![
            WeeklyRow {
                week: 0,
                week_start: date(2026, 3, 30),
                metric: Metric::RequestsReceived,
                stats: Stats {
                    mean: Some(40.25),
                    p10: Some(31.0),
                    p50: Some(40.0),
                    p90: Some(49.12346),
                },
            },
            WeeklyRow {
                week: 1,
                week_start: date(2026, 4, 6),
                metric: Metric::MaxCaseload,
                stats: Stats {
                    mean: Some(-0.0),
                    p10: None,
                    p50: Some(1.0 / 3.0),
                    p90: Some(f64::NAN),
                },
            },
        ];
        let mut t = scenario("plus 10, \"quoted\"", vec![]);
        t.weekly = vec![WeeklyRow {
            week: 0,
            week_start: date(2026, 3, 30),
            metric: Metric::OverdueReviews,
            stats: Stats::default(),
        }];
        let mut out = Vec::new();
        write_weekly(&mut out, &run_of(vec![s, t])).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "scenario,week,week_start,metric,mean,p10,p50,p90\n\
             base,0,2026-03-30,requests_received,40.25,31,40,49.1235\n\
             base,1,2026-04-06,max_caseload,0,,0.3333,\n\
             \"plus 10, \"\"quoted\"\"\",0,2026-03-30,overdue_reviews,,,,\n"
        );
    }

    #[test]
    fn rows_follow_week_then_metric_order() {
        let n = Metric::ALL.len();
        let rep = |r: u64| ReplicationResult {
            replication: r,
            seed: r,
            weeks: 2,
            weekly: (0..2 * n).map(|i| (i as f64) + r as f64).collect(),
            kpis: vec![],
            events: 0,
        };
        let s = scenario("a", vec![rep(0), rep(1)]);
        let mut out = Vec::new();
        write_weekly(&mut out, &run_of(vec![s])).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 2 * n);
        for (i, line) in lines[1..].iter().enumerate() {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells[1], (i / n).to_string());
            assert_eq!(cells[3], Metric::ALL[i % n].name());
        }
        assert_eq!(lines[1], "a,0,2026-03-30,requests_received,0.5,0.1,0.5,0.9");
    }
}
