//! The model behaves like a real service: compliance changes gradually with
//! staffing around the level at which the work fits the hours, rather than
//! jumping from all to nothing (issue: credible projections).

use ehcsim::calendar::FinancialYear;
use ehcsim::experiment::{self, RunConfig};
use ehcsim::model::load_check;
use ehcsim::results::{Kpi, Period};
use ehcsim::scenario::{Scenario, ValidScenario};
use std::sync::atomic::AtomicBool;

/// The default county over its first financial year with fixed staff (no
/// establishment following demand), so that the swept FTE is the FTE.
fn county_one_year() -> Scenario {
    let mut s = Scenario::default();
    s.calendar.days = 364;
    s.caseworkers.establishment.enabled = false;
    s
}

/// Sweeps the caseworkers' FTE from 80% to 120% of the level at which the
/// load check balances (hours needed = hours available) in steps of 2.5%,
/// 20 replications each with common random numbers, and checks that median
/// 20-week compliance rises with FTE and never moves more than 20 points in
/// one step.
///
/// Noise: across replications the 20-week compliance of a year has a
/// standard deviation of about 4 points, so the median of 20 has a standard
/// error of about 1.25 x 4 / sqrt(20) = 1.1 points, and less for paired
/// neighbours (same requests). A fall of more than 3 points between
/// neighbours (about 3 standard errors) is therefore not noise.
#[test]
fn compliance_changes_gradually_with_staffing() {
    let base = county_one_year();
    let rows = load_check(&base);
    let ratio = rows
        .iter()
        .find(|r| r.who == "caseworkers")
        .map(|r| r.ratio())
        .expect("a caseworkers row");
    let balancing = base.caseworkers.groups[0].fte * ratio;
    let steps: Vec<f64> = (0..=16).map(|k| 0.8 + 0.025 * k as f64).collect();
    let scenarios: Vec<ValidScenario> = steps
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let mut s = base.clone();
            s.name = format!("step-{k}");
            s.caseworkers.groups[0].fte = balancing * f;
            s.validate().expect("a valid scenario")
        })
        .collect();
    let config = RunConfig {
        master_seed: 11,
        replications: 20,
        threads: None,
    };
    let run = experiment::run(&scenarios, &config, &|_| {}, &AtomicBool::new(false))
        .expect("the sweep runs");
    let year = Period::Year(FinancialYear(2026));
    let medians: Vec<f64> = run
        .scenarios
        .iter()
        .map(|r| {
            100.0
                * r.summary_stats(Kpi::Compliance20Weeks, year)
                    .and_then(|s| s.p50)
                    .expect("plans were issued")
        })
        .collect();
    let shown: Vec<String> = steps
        .iter()
        .zip(&medians)
        .map(|(f, m)| format!("{:.0}%: {m:.1}", f * 100.0))
        .collect();
    // Shown with --nocapture, for the README.
    eprintln!("median 20-week compliance by FTE: {shown:?}");
    let first = medians[0];
    let last = medians[medians.len() - 1];
    assert!(
        last - first > 30.0,
        "compliance should rise with FTE: {shown:?}"
    );
    for pair in medians.windows(2) {
        let step = pair[1] - pair[0];
        assert!(step > -3.0, "compliance fell with more FTE: {shown:?}");
        assert!(step <= 20.0, "a step of {step:.1} points: {shown:?}");
    }
}
