//! `summary.csv`: every KPI of every scenario, for each financial year and
//! the whole run, as mean and percentiles across replications.

use super::{csv_writer, stats_cells};
use crate::results::RunResults;
use std::io::{self, Write};

/// The file's name in the output folder.
pub const SUMMARY_FILE: &str = "summary.csv";

/// The header line's columns.
pub const SUMMARY_HEADER: [&str; 7] = ["scenario", "kpi", "period", "mean", "p10", "p50", "p90"];

/// Writes `summary.csv` to `out`: scenarios in run order, then the KPI rows
/// in the order the replications recorded them. `period` is `FY2026-27` for
/// a financial year or `horizon` for the whole run.
pub fn write_summary<W: Write>(out: W, run: &RunResults) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(SUMMARY_HEADER)?;
    for scenario in &run.scenarios {
        for row in &scenario.summary {
            let period = row.period.to_string();
            let [mean, p10, p50, p90] = stats_cells(&row.stats);
            w.write_record([
                scenario.name(),
                row.kpi.name(),
                &period,
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
    use crate::calendar::FinancialYear;
    use crate::output::test_support::{kv, rep, run_of, scenario};
    use crate::results::{Kpi, Period};

    #[test]
    fn exact_text_for_a_tiny_run() {
        let fy = Period::Year(FinancialYear(2026));
        let h = Period::Horizon;
        let reps = vec![
            rep(
                0,
                11,
                vec![
                    kv(Kpi::Compliance20Weeks, fy, Some(0.3)),
                    kv(Kpi::BacklogClearanceWeek, h, Some(40.0)),
                ],
            ),
            rep(
                1,
                22,
                vec![
                    kv(Kpi::Compliance20Weeks, fy, Some(0.4)),
                    kv(Kpi::BacklogClearanceWeek, h, None),
                ],
            ),
            rep(
                2,
                33,
                vec![
                    kv(Kpi::Compliance20Weeks, fy, None),
                    kv(Kpi::BacklogClearanceWeek, h, Some(50.0)),
                ],
            ),
            rep(
                3,
                44,
                vec![
                    kv(Kpi::Compliance20Weeks, fy, None),
                    kv(Kpi::BacklogClearanceWeek, h, Some(60.0)),
                ],
            ),
        ];
        let mut out = Vec::new();
        write_summary(&mut out, &run_of(vec![scenario("base", reps)])).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "scenario,kpi,period,mean,p10,p50,p90\n\
             base,compliance_20_weeks,FY2026-27,0.35,0.31,0.35,0.39\n\
             base,backlog_clearance_week,horizon,,43,55,\n"
        );
    }
}
