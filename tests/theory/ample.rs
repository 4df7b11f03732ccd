//! Ample capacity (MODEL.md section 9): with far more caseworkers and
//! psychologists than the work needs, fixed work and fixed delays, nothing
//! ever waits, so every plan takes exactly the sum of its steps and the
//! KPIs follow by arithmetic.

use super::support::{bare, group, run_batched};
use ehcsim::calendar::FinancialYear;
use ehcsim::engine::Dist;
use ehcsim::results::{Kpi, Metric, Period, ReplicationResult};
use ehcsim::scenario::Scenario;

const HOURS_PER_FTE_YEAR: f64 = 1450.0;

/// Days one whole-time post takes for `hours` of work.
fn work_days(hours: f64) -> f64 {
    hours / (HOURS_PER_FTE_YEAR / 365.0)
}

/// 300 requests a year for three years, all assessed and all issued, 200
/// caseworker posts and 500 psychologist posts (at 300 requests a year even
/// 430-hour advice keeps only about 90 psychologists busy on average, and a
/// Poisson count with mean 90 never reaches 500; caseworker tasks take under
/// 2 days, so about 2 are busy), no panel, fixed work and delays.
fn ample() -> Scenario {
    let mut s = bare(3 * 364);
    s.requests.per_year = 300.0;
    s.requests.refused_share = 0.0;
    s.caseworkers.hours_per_fte_year = HOURS_PER_FTE_YEAR;
    s.caseworkers.cap = 1000;
    s.caseworkers.groups = vec![group("ample", 200.0)];
    s.work.decision = Dist::Fixed(2.5);
    s.work.assessment = Dist::Fixed(3.3);
    s.work.drafting = Dist::Fixed(5.0);
    s.work.finalisation = Dist::Fixed(3.0);
    s.delays.health_advice = Some(Dist::Fixed(35.0));
    s.delays.social_care_advice = Some(Dist::Fixed(35.0));
    s.delays.school_advice = Some(Dist::Fixed(28.0));
    s.delays.family_comments = Some(Dist::Fixed(15.0));
    s.delays.school_consultation = Some(Dist::Fixed(15.0));
    s.psychologists.enabled = true;
    s.psychologists.fte = 500.0;
    s.psychologists.hours_per_fte_year = HOURS_PER_FTE_YEAR;
    s.psychologists.hours_per_advice = Dist::Fixed(17.4);
    s
}

/// Caseworker days of the four pieces of work on the way to a plan.
fn casework_days() -> f64 {
    work_days(2.5 + 3.3 + 5.0 + 3.0)
}

/// The financial years of a scenario.
fn years(s: &Scenario) -> Vec<Period> {
    s.calendar
        .financial_years()
        .into_iter()
        .map(Period::Year)
        .collect()
}

/// Per financial year with plans: (plans issued, compliance, mean weeks,
/// decisions within 6 weeks, if any decision was made that year).
fn per_year(s: &Scenario, r: &ReplicationResult) -> Vec<(f64, f64, f64, Option<f64>)> {
    years(s)
        .into_iter()
        .filter_map(|p| {
            let n = r.kpi(Kpi::PlansIssued, p)?;
            if n == 0.0 {
                return None;
            }
            Some((
                n,
                r.kpi(Kpi::Compliance20Weeks, p).expect("defined"),
                r.kpi(Kpi::MeanWeeksToFinalPlan, p).expect("defined"),
                r.kpi(Kpi::DecisionsWithin6Weeks, p),
            ))
        })
        .collect()
}

/// Every plan takes `total` days: compliance is 1 or 0 by whether
/// `total <= 140`, and the mean weeks equal `total / 7` up to rounding.
fn check_fixed(name: &str, s: &Scenario, total: f64) {
    let want = if total <= 140.0 { 1.0 } else { 0.0 };
    let mut plans = 0.0;
    let mut worst: f64 = 0.0;
    run_batched(std::slice::from_ref(s), 3, 3, 21, |_, r| {
        for (n, compliance, weeks, six) in per_year(s, r) {
            plans += n;
            assert_eq!(compliance, want, "{name}: compliance");
            assert!(
                six.is_none_or(|x| x == 1.0),
                "{name}: every decision within 6 weeks"
            );
            worst = worst.max((weeks - total / 7.0).abs());
        }
    });
    println!(
        "{name:<36} plans={plans:.0}  sum of steps {total:.6} d = {:.6} wk  \
         max |mean weeks - sum/7| = {worst:.2e}  compliance {want} (theory {want})",
        total / 7.0
    );
    assert!(plans > 1000.0, "{name}: enough plans issued");
    // Exact up to floating-point rounding of event times near day 1,000.
    assert!(worst < 1e-9, "{name}: mean weeks off by {worst}");
}

#[test]
fn ample_capacity_all_plans_on_time() {
    // Decision, assessment, drafting and finalisation work, the longest
    // advice (35 days; the EP's 17.4 h take 4.4 days and run alongside),
    // family comments 15 days, consultation 15 days: 68.47 days.
    let s = ample();
    let total = casework_days() + 35.0 + 15.0 + 15.0;
    assert!(work_days(17.4) < 35.0);
    check_fixed("ample: all on time", &s, total);
}

#[test]
fn ample_capacity_no_plan_on_time() {
    // Health advice 110 days: 143.47 days in all, over 140.
    let mut s = ample();
    s.delays.health_advice = Some(Dist::Fixed(110.0));
    let total = casework_days() + 110.0 + 15.0 + 15.0;
    check_fixed("ample: none on time", &s, total);
}

#[test]
fn ample_capacity_psychologist_advice_runs_alongside_other_advice() {
    // EP advice of 400 h takes 100.69 days, longer than the other advice, so
    // it sets the advice step (the maximum, not the sum): 134.16 days, on
    // time. At 430 h (108.24 days) the total is 141.71 days: late.
    let mut s = ample();
    s.psychologists.hours_per_advice = Dist::Fixed(400.0);
    let total = casework_days() + work_days(400.0) + 15.0 + 15.0;
    check_fixed("ample: EP advice 400 h", &s, total);
    s.psychologists.hours_per_advice = Dist::Fixed(430.0);
    let total = casework_days() + work_days(430.0) + 15.0 + 15.0;
    check_fixed("ample: EP advice 430 h", &s, total);
}

#[test]
fn ample_capacity_uniform_family_comments_give_the_exact_share() {
    // Family comments uniform on 60-100 days; everything else fixed, the
    // rest summing to r = 53.47 days. A plan is on time when
    // r + U <= 140, so compliance = (140 - r - 60) / 40 = 0.6632, and the
    // mean time is (r + 80) / 7 weeks. Plans are independent (each has its
    // own keyed draw and nothing waits), so the pooled share is a binomial
    // proportion with SE sqrt(p (1 - p) / n), and the pooled mean weeks has
    // SE (40 / sqrt 12) / 7 / sqrt n. Tolerance: 4 SE each.
    let mut s = ample();
    s.delays.family_comments = Some(Dist::Uniform {
        min: 60.0,
        max: 100.0,
    });
    let rest = casework_days() + 35.0 + 15.0;
    let p = (140.0 - rest - 60.0) / 40.0;
    let mean_weeks = (rest + 80.0) / 7.0;
    // Only plans issued from FY 2027-28 on (day 360): a plan issued in the
    // first year had to arrive after day 0, which favours short times (a
    // plan taking t days is issued in [0, b] only if it arrived in
    // [0, b - t]). From day 360 on, every plan taking up to the longest
    // possible 153.5 days arrived inside the run, so the issue-date window
    // selects times without bias.
    let (mut n, mut on_time, mut weeks) = (0.0, 0.0, 0.0);
    run_batched(std::slice::from_ref(&s), 30, 30, 22, |_, r| {
        let first_year = Period::Year(FinancialYear(2026));
        let later = years(&s).into_iter().filter(|&p| p != first_year);
        for p in later {
            let Some(k) = r.kpi(Kpi::PlansIssued, p).filter(|&k| k > 0.0) else {
                continue;
            };
            let compliance = r.kpi(Kpi::Compliance20Weeks, p).expect("defined");
            let w = r.kpi(Kpi::MeanWeeksToFinalPlan, p).expect("defined");
            n += k;
            on_time += compliance * k;
            weeks += w * k;
        }
    });
    let share = on_time / n;
    let se = (p * (1.0 - p) / n).sqrt();
    let mw = weeks / n;
    let se_w = 40.0 / 12f64.sqrt() / 7.0 / n.sqrt();
    println!(
        "ample: uniform family comments      plans={n:.0}\n  \
         compliance: sim {share:.5}  theory {p:.5}  SE {se:.5}  z={:+.2}\n  \
         mean weeks: sim {mw:.4}  theory {mean_weeks:.4}  SE {se_w:.4}  z={:+.2}",
        (share - p) / se,
        (mw - mean_weeks) / se_w
    );
    assert!((share - p).abs() <= 4.0 * se, "compliance {share} vs {p}");
    assert!(
        (mw - mean_weeks).abs() <= 4.0 * se_w,
        "mean weeks {mw} vs {mean_weeks}"
    );
}

#[test]
fn financial_year_periods_exist() {
    // Guard for the helpers above: 156 weeks from Monday 6 April 2026 end on
    // 1 April 2029, so the run touches FY 2026-27 to 2029-30 (the last one
    // day long) and the KPI table has every one of them.
    let s = ample();
    let fys = s.calendar.financial_years();
    assert_eq!(fys.first(), Some(&FinancialYear(2026)));
    assert_eq!(fys.last(), Some(&FinancialYear(2029)));
    let r = ehcsim::model::Simulation::new(&super::support::valid(&s), 1).finish(0);
    for p in years(&s) {
        assert!(r
            .kpis
            .iter()
            .any(|k| k.kpi == Kpi::PlansIssued && k.period == p));
    }
}

#[test]
fn outcome_shares_match_the_scenario() {
    // Default outcome shares (refused 0.24, withdrawn 0.016, no plan 0.06 of
    // those assessed) with ample capacity. Each request's outcome is its own
    // keyed draw, so over D decisions the refused count is
    // Binomial(D, 0.24) and the withdrawn count Binomial(D, 0.016); of the
    // assessments whose advice is complete, the no-plan count is
    // Binomial(A, 0.06), where A = no plan + issued + in drafting (the few
    // whose sub-day no-plan work is still under way at the end, about 0.05
    // a replication, are left out of A: negligible). Tolerance 4 SE each.
    let mut s = ample();
    let d = Scenario::default().requests;
    s.requests.refused_share = d.refused_share;
    s.requests.withdrawn_share = d.withdrawn_share;
    s.requests.no_plan_share = d.no_plan_share;
    let reps = 20;
    let (mut decided, mut refused, mut withdrawn, mut advised, mut no_plan) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    run_batched(std::slice::from_ref(&s), reps, 20, 23, |_, r| {
        let last = r.weeks - 1;
        decided += (0..r.weeks)
            .map(|w| r.weekly_value(w, Metric::DecisionsMade))
            .sum::<f64>();
        refused += r.weekly_value(last, Metric::RequestsRefusedTotal);
        withdrawn += r.weekly_value(last, Metric::RequestsWithdrawnTotal);
        let np = r.weekly_value(last, Metric::RequestsNoPlanTotal);
        no_plan += np;
        advised += np
            + r.weekly_value(last, Metric::RequestsIssuedTotal)
            + r.weekly_value(last, Metric::RequestsInDrafting);
    });
    let mut report = String::new();
    for (name, x, n, p) in [
        ("refused", refused, decided, d.refused_share),
        ("withdrawn", withdrawn, decided, d.withdrawn_share),
        ("no plan", no_plan, advised, d.no_plan_share),
    ] {
        let se = (p * (1.0 - p) / n).sqrt();
        let share = x / n;
        report += &format!(
            "\n  {name:<10} sim {share:.5} theory {p:.5} SE {se:.5} (n {n:.0}) z={:+.2}",
            (share - p) / se
        );
        assert!((share - p).abs() <= 4.0 * se, "{name}: {share} vs {p}");
    }
    println!("outcome shares, ample capacity, {reps} reps:{report}");
}
