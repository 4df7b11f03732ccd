//! `replications.csv`: every KPI value of every replication, with the seed
//! that reproduces it.

use super::{csv_writer, format_optional};
use crate::results::RunResults;
use std::io::{self, Write};

/// The file's name in the output folder.
pub const REPLICATIONS_FILE: &str = "replications.csv";

/// The header line's columns.
pub const REPLICATIONS_HEADER: [&str; 6] =
    ["scenario", "replication", "seed", "kpi", "period", "value"];

/// Writes `replications.csv` to `out`: scenarios in run order, replications
/// in index order, KPI values in the order recorded. `seed` is the
/// replication's own seed as a decimal `u64`; `value` is empty where the KPI
/// is undefined or, for `backlog_clearance_week`, where the backlog never
/// cleared.
pub fn write_replications<W: Write>(out: W, run: &RunResults) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(REPLICATIONS_HEADER)?;
    for scenario in &run.scenarios {
        for rep in &scenario.replications {
            let replication = rep.replication.to_string();
            let seed = rep.seed.to_string();
            for kv in &rep.kpis {
                let period = kv.period.to_string();
                let value = format_optional(kv.value);
                w.write_record([
                    scenario.name(),
                    &replication,
                    &seed,
                    kv.kpi.name(),
                    &period,
                    &value,
                ])?;
            }
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
        let reps = vec![
            rep(
                0,
                u64::MAX,
                vec![
                    kv(Kpi::PlansIssued, fy, Some(1234.0)),
                    kv(Kpi::BacklogClearanceWeek, Period::Horizon, None),
                ],
            ),
            rep(
                1,
                7,
                vec![
                    kv(Kpi::PlansIssued, fy, Some(0.125)),
                    kv(Kpi::BacklogClearanceWeek, Period::Horizon, Some(12.0)),
                ],
            ),
        ];
        let mut out = Vec::new();
        write_replications(&mut out, &run_of(vec![scenario("base", reps)])).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "scenario,replication,seed,kpi,period,value\n\
             base,0,18446744073709551615,plans_issued,FY2026-27,1234\n\
             base,0,18446744073709551615,backlog_clearance_week,horizon,\n\
             base,1,7,plans_issued,FY2026-27,0.125\n\
             base,1,7,backlog_clearance_week,horizon,12\n"
        );
    }

    #[test]
    fn header_only_when_there_are_no_scenarios() {
        let mut out = Vec::new();
        write_replications(&mut out, &run_of(vec![])).unwrap();
        assert_eq!(out, b"scenario,replication,seed,kpi,period,value\n");
    }
}
