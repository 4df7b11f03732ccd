//! The back-test: a council's scenario run from 1 January 2022, its
//! projections for 2022-2024 set beside what the council published in the
//! SEN2 return for the same calendar years.
//!
//! Only figures the council publishes differ between back-test scenarios;
//! model-wide figures (hours per task, the complexity mix, delays) are the
//! same for every council and for the default county. Nothing here fits a
//! parameter: it compares.

use crate::results::{Kpi, Metric, Period, ScenarioResults, Stats};
use crate::sen2::{LaFigures, PublishedKpis};
use chrono::{Datelike, NaiveDate};

/// The calendar years a back-test compares.
pub const YEARS: [i32; 3] = [2022, 2023, 2024];

/// One compared figure: a council, a calendar year and a KPI, published
/// against simulated (percentiles across replications).
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestRow {
    /// The council, as SEN2 names it.
    pub la: String,
    /// Calendar year.
    pub year: i32,
    /// Which figure (the name used in `backtest.csv`).
    pub kpi: &'static str,
    /// The published figure, where SEN2 has one (shares as fractions).
    pub published: Option<f64>,
    /// Simulated, across replications.
    pub simulated: Stats,
}

impl BacktestRow {
    /// Simulated median less published, where both exist.
    pub fn error(&self) -> Option<f64> {
        Some(self.simulated.p50? - self.published?)
    }
}

/// The KPIs compared, by their names in `backtest.csv`.
pub const KPIS: [&str; 5] = [
    "compliance_20_weeks",
    "decisions_within_6_weeks",
    "review_decisions_within_4_weeks",
    "plans_issued",
    "plans_in_force",
];

fn published(p: &PublishedKpis, kpi: &str) -> Option<f64> {
    let pc = |v: Option<f64>| v.map(|x| x / 100.0);
    match kpi {
        "compliance_20_weeks" => pc(p.within_20_weeks_ex_pc),
        "decisions_within_6_weeks" => pc(p.decisions_within_6_weeks_pc),
        "review_decisions_within_4_weeks" => pc(p.review_decisions_within_4_weeks_pc),
        "plans_issued" => p.plans_issued.map(|v| v as f64),
        // The January census after the year: plans in force at its end.
        "plans_in_force" => p.plans_in_force_next_january.map(|v| v as f64),
        _ => None,
    }
}

/// Plans in force at the end of `year`: the weekly snapshot of the week
/// holding 31 December.
fn plans_in_force_at_year_end(results: &ScenarioResults, year: i32) -> Stats {
    let last = NaiveDate::from_ymd_opt(year, 12, 31);
    results
        .weekly
        .iter()
        .filter(|r| r.metric == Metric::PlansInForce)
        .filter(|r| {
            last.is_some_and(|d| r.week_start <= d && (d - r.week_start).num_days() < 7)
                && r.week_start.year() >= year - 1
        })
        .map(|r| r.stats)
        .next_back()
        .unwrap_or_default()
}

fn simulated(results: &ScenarioResults, year: i32, kpi: &str) -> Stats {
    let period = Period::CalendarYear(year);
    let of = |k| results.summary_stats(k, period).unwrap_or_default();
    match kpi {
        "compliance_20_weeks" => of(Kpi::Compliance20Weeks),
        "decisions_within_6_weeks" => of(Kpi::DecisionsWithin6Weeks),
        "review_decisions_within_4_weeks" => of(Kpi::ReviewDecisionsWithin4Weeks),
        "plans_issued" => of(Kpi::PlansIssued),
        "plans_in_force" => plans_in_force_at_year_end(results, year),
        _ => Stats::default(),
    }
}

/// Every compared figure of one council's back-test.
pub fn compare(
    la: &LaFigures,
    kpis: &[PublishedKpis],
    results: &ScenarioResults,
) -> Vec<BacktestRow> {
    let mut rows = Vec::new();
    for year in YEARS {
        let p = kpis.iter().find(|k| i32::from(k.year) == year);
        for kpi in KPIS {
            rows.push(BacktestRow {
                la: la.name.clone(),
                year,
                kpi,
                published: p.and_then(|p| published(p, kpi)),
                simulated: simulated(results, year, kpi),
            });
        }
    }
    rows
}
