//! Costs against the published figures of the 2019 investment case
//! (docs/model.md, cases from the source documents; MODEL.md sections 6 and
//! 8): 14.2 permanent FTE at just over £640,000 a year (£45,070 each) and
//! 8.5 fixed-term FTE at £378,000 in 2019/20 and £58,000 in 2020/21
//! (£44,471 each a year).
//!
//! The posts were not caseworkers (`scenarios/investment-2019.toml` models
//! what they changed), so these tests build small scenarios of their own:
//! no requests, reviews or psychologists, no turnover, no establishment
//! following demand, and the published unit cost as the cost per FTE-year.

use chrono::NaiveDate;
use ehcsim::calendar::FinancialYear;
use ehcsim::model::Simulation;
use ehcsim::results::{Kpi, Period, ReplicationResult};
use ehcsim::scenario::Scenario;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// Three financial years from 1 April 2019, nothing but staff.
fn staff_only(cost_per_fte_year: f64, pay_award: f64) -> Scenario {
    let mut s = Scenario {
        name: "costs".into(),
        ..Scenario::default()
    };
    s.calendar.start = date(2019, 4, 1);
    s.calendar.days = (date(2022, 4, 1) - date(2019, 4, 1)).num_days() as u32;
    s.requests.enabled = false;
    s.reviews.enabled = false;
    s.psychologists.enabled = false;
    s.initial.plans_in_force = 0;
    s.initial.overdue_reviews = 0;
    s.initial.open_requests.clear();
    s.caseworkers.establishment.enabled = false;
    s.caseworkers.workforce.leaving_per_year = 0.0;
    s.costs.cost_per_fte_year = cost_per_fte_year;
    s.costs.pay_award = pay_award;
    s
}

fn run(s: Scenario) -> ReplicationResult {
    let s = s.validate().unwrap_or_else(|p| panic!("{p:#?}"));
    Simulation::new(&s, 1).finish(0)
}

fn fy(year: i32) -> Period {
    Period::Year(FinancialYear(year))
}

fn assert_near(got: Option<f64>, want: f64, what: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: no value"));
    assert!(
        (got - want).abs() <= 1_000.0,
        "{what}: £{got:.0}, published £{want:.0}"
    );
}

#[test]
fn permanent_posts_cost_640_000_a_year() {
    // 14.2 FTE x £45,070 = £639,994 for each whole financial year (a year
    // costs its own days' share, so 2019-20's 366 days cost the same as a
    // 365-day year), published as "just over £640,000 a year".
    let mut s = staff_only(45_070.0, 0.0);
    s.caseworkers.groups.truncate(1);
    s.caseworkers.groups[0].name = "permanent posts".into();
    s.caseworkers.groups[0].fte = 14.2;
    s.caseworkers.groups[0].start = Some(date(2019, 4, 1));
    s.caseworkers.groups[0].end = None;
    let r = run(s);
    for year in [2019, 2020, 2021] {
        assert_near(r.kpi(Kpi::CaseworkerCost, fy(year)), 640_000.0, "permanent");
        let exact = r.kpi(Kpi::CaseworkerCost, fy(year)).unwrap_or(0.0);
        assert!((exact - 14.2 * 45_070.0).abs() < 0.01, "{year}: {exact}");
        assert_eq!(r.kpi(Kpi::StaffCost, fy(year)), Some(exact));
        assert_eq!(r.kpi(Kpi::BacklogTeamCost, fy(year)), Some(0.0));
    }
    assert_near(
        r.kpi(Kpi::CaseworkerCost, Period::Horizon),
        3.0 * 640_000.0,
        "permanent, three years",
    );
}

#[test]
fn the_pay_award_compounds_from_the_start_year() {
    // With the 3.2% award: £639,994 in 2019-20, x 1.032 = £660,474 in
    // 2020-21 and x 1.032^2 = £681,609 in 2021-22.
    let mut s = staff_only(45_070.0, 0.032);
    s.caseworkers.groups.truncate(1);
    s.caseworkers.groups[0].fte = 14.2;
    let r = run(s);
    for (k, year) in [2019, 2020, 2021].into_iter().enumerate() {
        let want = 14.2 * 45_070.0 * 1.032_f64.powi(k as i32);
        let got = r.kpi(Kpi::CaseworkerCost, fy(year)).unwrap_or(0.0);
        assert!((got - want).abs() < 0.01, "{year}: {got} against {want}");
    }
}

#[test]
fn fixed_term_posts_cost_378_000_then_58_000() {
    // 8.5 FTE x £44,471 = £378,003.50 a year. In post from 1 April 2019 to
    // 26 May 2020 (13.8 months): the whole of 2019-20, £378,004 (published
    // £378,000), then 1 April to 26 May 2020, 56 of 2020-21's 365 days:
    // £378,003.50 x 56 / 365 = £57,995 (published £58,000). Nothing after.
    // As a backlog team, so the cost is counted as backlog_team_cost.
    let mut s = staff_only(44_471.0, 0.0);
    s.caseworkers.groups.clear();
    s.backlog_team = vec![ehcsim::scenario::StaffGroup {
        name: "fixed-term posts".into(),
        fte: 8.5,
        start: Some(date(2019, 4, 1)),
        end: Some(date(2020, 5, 26)),
        hours_per_fte_year: None,
    }];
    let r = run(s);
    assert_near(r.kpi(Kpi::BacklogTeamCost, fy(2019)), 378_000.0, "2019-20");
    assert_near(r.kpi(Kpi::BacklogTeamCost, fy(2020)), 58_000.0, "2020-21");
    assert_eq!(r.kpi(Kpi::BacklogTeamCost, fy(2021)), Some(0.0));
    let exact = r.kpi(Kpi::BacklogTeamCost, fy(2020)).unwrap_or(0.0);
    assert!(
        (exact - 8.5 * 44_471.0 * 56.0 / 365.0).abs() < 0.01,
        "{exact}"
    );
    assert_eq!(r.kpi(Kpi::CaseworkerCost, Period::Horizon), Some(0.0));
    assert_near(
        r.kpi(Kpi::TotalCost, Period::Horizon),
        378_000.0 + 58_000.0,
        "fixed-term, in all",
    );
}

#[test]
fn weekly_staff_cost_adds_up_to_the_horizon_cost() {
    use ehcsim::results::Metric;
    let mut s = staff_only(45_070.0, 0.032);
    s.caseworkers.groups.truncate(1);
    s.caseworkers.groups[0].fte = 14.2;
    let r = run(s);
    let weekly: f64 = (0..r.weeks)
        .map(|w| r.weekly_value(w, Metric::StaffCost))
        .sum();
    let horizon = r.kpi(Kpi::StaffCost, Period::Horizon).unwrap_or(0.0);
    assert!(
        (weekly - horizon).abs() < 0.01,
        "{weekly} against {horizon}"
    );
}

/// Each appeal costs the scenario's price in the financial year it is
/// registered, and adds exactly that to the total: the same seed gives the
/// same appeals whatever their price.
#[test]
fn appeals_cost_their_price_each_in_the_year_registered() {
    let mut s = Scenario::default();
    s.calendar.days = 2 * 365;
    let free = run(s.clone());
    s.costs.cost_per_appeal = 4_000.0;
    let priced = run(s.clone());
    let mut all = 0.0;
    for year in s.calendar.financial_years() {
        let p = Period::Year(year);
        let appeals = priced.kpi(Kpi::AppealsRegistered, p).expect("counted");
        assert!(appeals > 50.0, "{year}: {appeals} appeals");
        assert_eq!(free.kpi(Kpi::AppealsRegistered, p), Some(appeals));
        assert_near(
            priced.kpi(Kpi::AppealCost, p),
            4_000.0 * appeals,
            "appeal cost",
        );
        let total = |r: &ReplicationResult| r.kpi(Kpi::TotalCost, p).unwrap_or(0.0);
        assert_near(
            Some(total(&priced) - total(&free)),
            4_000.0 * appeals,
            "total",
        );
        all += 4_000.0 * appeals;
    }
    assert_near(
        priced.kpi(Kpi::AppealCost, Period::Horizon),
        all,
        "whole run",
    );
    assert_eq!(free.kpi(Kpi::AppealCost, Period::Horizon), Some(0.0));
}
