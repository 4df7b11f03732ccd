//! The load check: before a run, the hours each team and the psychologists
//! are asked for in each financial year against the hours they have, from
//! the scenario's own figures (expected values, no simulation).
//!
//! A ratio above 1 means the work cannot all be done in the year whatever
//! the order of work: a queue loaded beyond its capacity does not settle,
//! and the late work grows until something changes. The check is an
//! approximation (it projects plans in force year by year from expected
//! flows and counts vacancies as an average), so it says where a scenario
//! stands, not what the simulation will give.

use super::params::daily_arrival_rates;
use crate::calendar::FinancialYear;
pub use crate::results::LoadRow;
use crate::scenario::{Holds, Scenario, StaffGroup, Team, Workforce};

/// Expected flows of one financial year.
struct YearFlows {
    days: f64,
    requests: f64,
    /// Plans in force on average over the year.
    plans: f64,
    /// Open requests on average over the year.
    open: f64,
}

/// Projects requests, plans in force and open requests year by year.
fn flows(s: &Scenario) -> Vec<(FinancialYear, YearFlows)> {
    let rates = daily_arrival_rates(s);
    let cal = &s.calendar;
    let r = &s.requests;
    let agreed = (1.0 - r.refused_share - r.withdrawn_share).max(0.0);
    let issued_share = agreed * (1.0 - r.no_plan_share);
    let ceasing = s.cessation.per_year + s.reviews.cease_share;
    let mut plans = s.initial.plans_in_force as f64;
    let mut out = Vec::new();
    for (i, fy) in cal.financial_years().into_iter().enumerate() {
        let days: Vec<usize> = (0..rates.len())
            .filter(|&d| cal.financial_year_index(d as f64) == i)
            .collect();
        let n = days.len() as f64;
        let requests: f64 = days.iter().map(|&d| rates[d]).sum();
        // New plans follow requests by about 20 weeks; within a year's
        // precision, a year's requests give that year's plans.
        let new_plans = requests * issued_share;
        let start = plans;
        plans = start * (1.0 - ceasing).powf(n / 365.0) + new_plans;
        out.push((
            fy,
            YearFlows {
                days: n,
                requests,
                plans: (start + plans) / 2.0,
                // About 20 weeks open on average (MODEL.md section 3).
                open: requests / n.max(1.0) * 140.0,
            },
        ));
    }
    out
}

/// Mean of the complexity multipliers on work, weighted by share.
fn mean_work_multiplier(s: &Scenario) -> f64 {
    let total: f64 = s.complexity.iter().map(|c| c.share).sum();
    if total <= 0.0 {
        return 1.0;
    }
    s.complexity
        .iter()
        .map(|c| c.share * c.work_multiplier)
        .sum::<f64>()
        / total
}

/// Caseworker hours per request (decision to final plan) and per plan in
/// force per year (reviews).
fn hours_per_case(s: &Scenario) -> (f64, f64) {
    let w = &s.work;
    let r = &s.requests;
    let m = mean_work_multiplier(s);
    let agreed = (1.0 - r.refused_share - r.withdrawn_share).max(0.0);
    let plan_work = w.drafting.mean() + w.finalisation.mean();
    let assessment_work = w.assessment.mean()
        + r.no_plan_share * w.no_plan.mean()
        + (1.0 - r.no_plan_share) * plan_work;
    // Appeals: the caseworkers' part of the preparation, and the work an
    // order gives (an assessment, a plan, or an amendment).
    let ap = &s.appeals;
    let (appealed, prepare, ordered) = if ap.enabled {
        (
            ap.share,
            ap.preparation_hours.mean() * ap.caseworker_share,
            ap.order_share,
        )
    } else {
        (0.0, 0.0, 0.0)
    };
    let amend = w.review_amendment.mean();
    let per_request = w.decision.mean()
        + agreed * assessment_work
        + appealed
            * (r.refused_share * (prepare + ordered * assessment_work)
                + agreed * r.no_plan_share * (prepare + ordered * plan_work)
                + agreed * (1.0 - r.no_plan_share) * (prepare + ordered * amend));
    let rv = &s.reviews;
    let reviews_a_year = if rv.enabled {
        let u5 = r.under5_share;
        (1.0 - u5) * 365.0 / rv.interval_days + u5 * 365.0 / rv.under5_interval_days
    } else {
        0.0
    };
    // Phase-transfer reviews amend more often and take longer.
    let t = rv.transfer_school_share + rv.transfer_post16_share;
    let review_appeals =
        |amend_share: f64| (amend_share + rv.cease_share) * appealed * (prepare + ordered * amend);
    let ordinary = w.review_decision.mean()
        + rv.amend_share * w.review_amendment.mean()
        + review_appeals(rv.amend_share);
    let transfer = (w.review_decision.mean() + rv.transfer_amend_share * w.review_amendment.mean())
        * rv.transfer_work_multiplier
        + review_appeals(rv.transfer_amend_share);
    let per_review = (1.0 - t) * ordinary + t * transfer;
    let requests = if r.enabled { per_request * m } else { 0.0 };
    (requests, reviews_a_year * per_review * m)
}

/// The work a case of `s` needs against a case of the built-in county, for
/// open requests and for plans in force: a year's caseworker hours per case
/// (a request's hours over its 20 weeks open, a plan's reviews) plus contact
/// time. An establishment that follows demand sets its posts at its cases
/// per FTE counted in the built-in county's cases, so that a council whose
/// published shares (refusals, amendments) give more work per case gets
/// more posts per case. Exactly 1 for the built-in county.
pub(crate) fn work_weights(s: &Scenario) -> (f64, f64) {
    let per_year = |s: &Scenario| {
        let (rq, pl) = hours_per_case(s);
        let c = s.work.contact_hours_per_case_per_year;
        (rq * 365.0 / 140.0 + c, pl + c)
    };
    let ((a_rq, a_pl), (d_rq, d_pl)) = (per_year(s), per_year(&Scenario::default()));
    let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { 1.0 };
    (ratio(a_rq, d_rq), ratio(a_pl, d_pl))
}

/// FTE-days of `groups` in post within days `[a, b)` of the run.
fn fte_days(s: &Scenario, groups: &[StaffGroup], a: f64, b: f64) -> f64 {
    let cal = &s.calendar;
    groups
        .iter()
        .map(|g| {
            let start = g.start.map_or(0.0, |d| cal.day_of(d) as f64).max(a);
            let end = g
                .end
                .map_or(f64::INFINITY, |d| cal.day_of(d) as f64 + 1.0)
                .min(b);
            g.fte * (end - start).max(0.0)
        })
        .sum()
}

/// Share of a post's hours lost to vacancies and new starters, on average.
fn workforce_loss(w: &Workforce) -> f64 {
    let gap = w
        .agency_cover_after_days
        .map_or(w.recruitment_days, |a| a.min(w.recruitment_days));
    let starter = w.new_starter_days * (1.0 - w.new_starter_productivity);
    (w.leaving_per_year * (gap + starter) / 365.0).min(1.0)
}

/// The load check of every team and of the psychologists, year by year.
pub fn load_check(s: &Scenario) -> Vec<LoadRow> {
    let teams = s.effective_teams();
    let (per_request, per_plan) = hours_per_case(s);
    let contact = s.work.contact_hours_per_case_per_year;
    let (w_rq, w_pl) = work_weights(s);
    let years = flows(s);
    let cal = &s.calendar;
    let mut rows = Vec::new();
    let mut first_day = 0.0;
    for (fy, f) in &years {
        let last_day = first_day + f.days;
        let fte_of = |t: &Team| fte_days(s, &t.groups, first_day, last_day) / f.days.max(1.0);
        // Teams holding the same kind of case share its work by FTE.
        let share = |t: &Team, requests: bool| {
            let holds = |h: Holds| if requests { h.requests() } else { h.plans() };
            let total: f64 = teams.iter().filter(|x| holds(x.holds)).map(fte_of).sum();
            if holds(t.holds) && total > 0.0 {
                fte_of(t) / total
            } else {
                0.0
            }
        };
        for t in &teams {
            let (rq, pl) = (share(t, true), share(t, false));
            let needed = rq * (f.requests * per_request + f.open * contact * f.days / 365.0)
                + pl * f.plans * (per_plan + contact) * f.days / 365.0;
            let mut fte = fte_of(t);
            let e = &t.establishment;
            if e.enabled {
                // Posts follow the cases held at the start of the year,
                // weighted by their work against the built-in county's.
                let cases = rq * f.open * w_rq + pl * f.plans * w_pl;
                fte = fte.max(cases / e.cases_per_fte);
            }
            let available =
                fte * t.hours_per_fte_year * f.days / 365.0 * (1.0 - workforce_loss(&t.workforce));
            rows.push(LoadRow {
                who: t.name.clone(),
                year: *fy,
                needed,
                available,
            });
        }
        let ep = &s.psychologists;
        if ep.enabled && s.requests.enabled {
            let r = &s.requests;
            let agreed = (1.0 - r.refused_share - r.withdrawn_share).max(0.0);
            let k = cal.financial_year_index(first_day) as i32;
            let fte = ep.fte * (1.0 + ep.fte_growth_per_year).powi(k);
            let groups: f64 = ep
                .groups
                .iter()
                .map(|g| {
                    let hours = g.hours_per_fte_year.unwrap_or(ep.hours_per_fte_year);
                    fte_days(s, std::slice::from_ref(g), first_day, last_day) * hours / 365.0
                })
                .sum();
            rows.push(LoadRow {
                who: "psychologists".into(),
                year: *fy,
                needed: f.requests * agreed * ep.hours_per_advice.mean() * mean_work_multiplier(s),
                available: fte * ep.hours_per_fte_year * f.days / 365.0 + groups,
            });
        }
        first_day = last_day;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_weights_are_one_for_the_default_and_follow_the_work() {
        assert_eq!(work_weights(&Scenario::default()), (1.0, 1.0));
        let mut s = Scenario::default();
        s.reviews.amend_share = 0.82;
        s.requests.refused_share = 0.17;
        let (rq, pl) = work_weights(&s);
        assert!(rq > 1.0 && pl > 1.0, "{rq} {pl}");
    }

    #[test]
    fn the_default_county_sits_near_its_capacity() {
        let rows = load_check(&Scenario::default());
        let first: Vec<_> = rows
            .iter()
            .filter(|r| r.year == FinancialYear(2026))
            .collect();
        assert_eq!(first.len(), 2, "{first:?}");
        for r in first {
            let x = r.ratio();
            assert!((0.85..1.15).contains(&x), "{}: {x}", r.who);
        }
    }

    #[test]
    fn hours_add_up_for_a_plain_case() {
        // One team, no reviews, no contact, no complexity, no turnover, no
        // appeals:
        // 365 requests a year at 2 hours each against 1 FTE of 1,000 hours.
        let mut s = Scenario::default();
        s.calendar.start = chrono::NaiveDate::from_ymd_opt(2027, 4, 1).unwrap();
        s.calendar.days = 365;
        s.requests.per_year = 365.0;
        s.requests.growth_per_year = 0.0;
        s.requests.monthly_profile = [1.0; 12];
        s.requests.refused_share = 1.0;
        s.requests.withdrawn_share = 0.0;
        s.reviews.enabled = false;
        s.psychologists.enabled = false;
        s.appeals.enabled = false;
        s.complexity.clear();
        s.work.contact_hours_per_case_per_year = 0.0;
        s.work.decision = crate::engine::Dist::Fixed(2.0);
        s.caseworkers.establishment.enabled = false;
        s.caseworkers.workforce = Workforce::default();
        s.caseworkers.hours_per_fte_year = 1000.0;
        s.caseworkers.groups[0].fte = 1.0;
        let rows = load_check(&s);
        assert_eq!(rows.len(), 1);
        assert!((rows[0].needed - 730.0).abs() < 1e-6, "{:?}", rows[0]);
        assert!((rows[0].available - 1000.0).abs() < 1e-6);
    }
}
