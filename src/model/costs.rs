//! Money: what the staff in post cost, by financial year (docs/model.md,
//! costs).
//!
//! Costs are counted only for FTE in post and working: a vacancy costs
//! nothing, agency cover costs the permanent cost plus the agency premium.
//! The model keeps a running cost rate (pounds a year, at the start year's
//! prices) of caseworkers, backlog staff and psychologists, recomputed
//! wherever the FTE in post changes (`recount_fte` in `staff.rs`); before
//! each change the rate so far is multiplied by the days elapsed, so the
//! total is exact, with no work per event. A stretch of time crossing a
//! 1 April is split there. A financial year's days are its own (365 or 366),
//! so a post held for a whole financial year costs exactly its cost per
//! FTE-year; the pay award compounds each 1 April after the start.
//! One-off costs (each hire, each commissioned advice) are counted in the
//! financial year in which they happen, at their stated price.

use super::Simulation;
use crate::calendar::{Calendar, FinancialYear};
use crate::scenario::Scenario;

/// Money counted in one financial year, in pounds.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct YearCosts {
    /// Caseworkers in post and working, agency cover with its premium.
    pub caseworkers: f64,
    /// Backlog-team staff in post.
    pub backlog: f64,
    /// Educational psychologists.
    pub psychologists: f64,
    /// One-off costs of hires.
    pub hires: f64,
    /// Advice commissioned from outside.
    pub commissioned: f64,
    /// Tribunal appeals, at the scenario's price of one.
    pub appeals: f64,
}

impl YearCosts {
    /// Staff costs: caseworkers, backlog team, psychologists and hires.
    pub fn staff(&self) -> f64 {
        self.caseworkers + self.backlog + self.psychologists + self.hires
    }
}

/// The running cost rates and what they have added up to.
pub(crate) struct CostMeter {
    /// Pounds a year, at the start year's prices, of the caseworkers in
    /// post and working now.
    pub caseworker_rate: f64,
    /// The same for backlog staff.
    pub backlog_rate: f64,
    /// The same for psychologists.
    pub psychologist_rate: f64,
    /// Costs are counted up to this simulation day.
    counted_to: f64,
    /// The financial year `counted_to` falls in (index into `years`).
    year: usize,
    /// First day of each financial year of the run and of the one after it
    /// (simulation days; the first may be negative).
    bounds: Vec<f64>,
    /// Pay level of each financial year relative to the first.
    pay: Vec<f64>,
    /// By financial year.
    pub years: Vec<YearCosts>,
    /// Staff costs so far, over the whole run.
    staff_total: f64,
    /// `staff_total` at the last week's end.
    week_mark: f64,
    /// Commissioned advice already counted.
    commissioned_counted: u64,
    cost_per_hire: f64,
    cost_per_advice: f64,
}

impl CostMeter {
    pub fn new(s: &Scenario) -> Self {
        let cal: &Calendar = &s.calendar;
        let fys = cal.financial_years();
        let mut bounds: Vec<f64> = fys
            .iter()
            .map(|fy| cal.day_of(fy.first_day()) as f64)
            .collect();
        let last = fys
            .last()
            .copied()
            .unwrap_or(FinancialYear::containing(cal.start));
        let after = FinancialYear(last.0 + 1);
        bounds.push(cal.day_of(after.first_day()) as f64);
        let pay = (0..fys.len())
            .map(|k| (1.0 + s.costs.pay_award).powi(k as i32))
            .collect();
        CostMeter {
            caseworker_rate: 0.0,
            backlog_rate: 0.0,
            psychologist_rate: 0.0,
            counted_to: 0.0,
            year: 0,
            bounds,
            pay,
            years: vec![YearCosts::default(); fys.len()],
            staff_total: 0.0,
            week_mark: 0.0,
            commissioned_counted: 0,
            cost_per_hire: s.costs.cost_per_hire,
            cost_per_advice: s.psychologists.cost_per_commissioned_advice,
        }
    }

    /// Counts the cost of the rates now in force from where counting
    /// stopped to day `now`, split at each 1 April.
    pub fn count_to(&mut self, now: f64) {
        while self.counted_to < now && self.year < self.years.len() {
            let year_end = self.bounds[self.year + 1];
            let to = now.min(year_end);
            let share = (to - self.counted_to) / (year_end - self.bounds[self.year]);
            let scale = share * self.pay[self.year];
            let y = &mut self.years[self.year];
            let (cw, bl, ep) = (
                self.caseworker_rate * scale,
                self.backlog_rate * scale,
                self.psychologist_rate * scale,
            );
            y.caseworkers += cw;
            y.backlog += bl;
            y.psychologists += ep;
            self.staff_total += cw + bl + ep;
            self.counted_to = to;
            if to >= year_end {
                self.year += 1;
            }
        }
    }

    /// `posts` hires on day `now`, in financial year `year`.
    pub fn hire(&mut self, year: usize, posts: usize) {
        let cost = self.cost_per_hire * posts as f64;
        if let Some(y) = self.years.get_mut(year) {
            y.hires += cost;
        }
        self.staff_total += cost;
    }

    /// Counts advice commissioned since the last call (`total` so far over
    /// the run) in financial year `year`.
    pub fn commissioned(&mut self, year: usize, total: u64) {
        let new = total.saturating_sub(self.commissioned_counted);
        self.commissioned_counted = total;
        if let Some(y) = self.years.get_mut(year) {
            y.commissioned += new as f64 * self.cost_per_advice;
        }
    }

    /// Staff costs since the last week's end.
    pub fn close_week(&mut self) -> f64 {
        let week = self.staff_total - self.week_mark;
        self.week_mark = self.staff_total;
        week
    }
}

impl Simulation<'_> {
    /// Sets the psychologists' cost rate from the posts there are now
    /// (after counting the cost so far at the old rate).
    pub(super) fn recount_psychologist_cost(&mut self) {
        self.costs.count_to(self.queue.now());
        self.costs.psychologist_rate =
            self.psychologists.fte_in_post() * self.sc.psychologists.cost_per_fte_year;
    }

    /// Sets the caseworkers' and backlog staff's cost rates from the FTE
    /// working now (`agency` of the caseworkers' being agency cover), after
    /// counting the cost so far at the old rates.
    pub(super) fn set_staff_cost_rates(&mut self, caseworkers: f64, agency: f64, backlog: f64) {
        self.costs.count_to(self.queue.now());
        let c = &self.sc.costs;
        self.costs.caseworker_rate =
            (caseworkers + agency * c.agency_premium) * c.cost_per_fte_year;
        self.costs.backlog_rate = backlog * c.cost_per_fte_year;
    }

    /// `posts` hires starting on day `day`.
    pub(super) fn count_hires(&mut self, day: f64, posts: usize) {
        if posts > 0 && day < self.sc.end_day() {
            let year = self.sc.calendar.financial_year_index(day);
            self.costs.hire(year, posts);
        }
    }

    /// Counts costs up to now and the advice commissioned so far into
    /// financial year `year`.
    pub(super) fn settle_costs(&mut self, year: usize) {
        self.costs.count_to(self.queue.now());
        let total = self.rec.commissioned_total + u64::from(self.rec.week.commissioned_advice);
        self.costs.commissioned(year, total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::FinancialYear;
    use crate::model::staff::WorkforceChange;
    use crate::model::Event;
    use crate::results::{Kpi, Period};
    use chrono::NaiveDate;

    /// One caseworker FTE for one financial year (2026-27, 365 days), no
    /// requests, reviews or psychologists, no random turnover: the one
    /// leaver is scheduled by hand on day 100.
    fn one_post(agency_after: Option<f64>) -> crate::scenario::ValidScenario {
        let mut s = Scenario::default();
        s.calendar.start = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        s.calendar.days = 365;
        s.requests.enabled = false;
        s.reviews.enabled = false;
        s.psychologists.enabled = false;
        s.initial.plans_in_force = 0;
        s.initial.overdue_reviews = 0;
        s.initial.open_requests.clear();
        s.caseworkers.groups.truncate(1);
        s.caseworkers.groups[0].fte = 1.0;
        s.caseworkers.establishment.enabled = false;
        let wf = &mut s.caseworkers.workforce;
        wf.leaving_per_year = 0.0;
        wf.recruitment_days = 100.0;
        wf.agency_cover_after_days = agency_after;
        s.costs.cost_per_fte_year = 36_500.0;
        s.costs.agency_premium = 0.4;
        s.costs.cost_per_hire = 2_000.0;
        s.validate().unwrap_or_else(|p| panic!("{p:#?}"))
    }

    fn cost_of(s: &crate::scenario::ValidScenario) -> f64 {
        let mut sim = Simulation::new(s, 7);
        sim.queue.schedule(
            100.0,
            Event::Workforce {
                worker: 0,
                generation: 0,
                change: WorkforceChange::Leaves,
            },
        );
        let r = sim.finish(0);
        let fy = Period::Year(FinancialYear(2026));
        let cw = r.kpi(Kpi::CaseworkerCost, fy).unwrap();
        assert_eq!(r.kpi(Kpi::HireCost, fy), Some(2_000.0));
        assert_eq!(r.kpi(Kpi::StaffCost, fy), Some(cw + 2_000.0));
        assert_eq!(r.kpi(Kpi::StaffCost, Period::Horizon), Some(cw + 2_000.0));
        cw
    }

    #[test]
    fn a_vacancy_costs_nothing() {
        // £36,500 a year is £100 a day (365 days in 2026-27). In post days
        // 0-100, vacant 100-200, the new starter from day 200 to 365:
        // 100 x £100 + 165 x £100 = £26,500 (and the hire, £2,000).
        let cw = cost_of(&one_post(None));
        assert!((cw - 26_500.0).abs() < 1e-6, "{cw}");
    }

    #[test]
    fn agency_cover_costs_the_premium() {
        // As above, with agency cover from day 130 to 200 at £140 a day:
        // 100 x £100 + 30 x £0 + 70 x £140 + 165 x £100 = £36,300.
        let cw = cost_of(&one_post(Some(30.0)));
        assert!((cw - 36_300.0).abs() < 1e-6, "{cw}");
    }

    #[test]
    fn a_stretch_across_1_april_is_split_with_the_pay_award() {
        // 2 FTE at £36,500 from 1 January 2027 for 181 days (to 30 June):
        // 2026-27 has 365 days, so 90 days (January to March) cost
        // 2 x 36,500 x 90 / 365 = £18,000; 2027-28 has 366 days, so 91
        // days (April to June) cost 2 x 36,500 x 1.1 x 91 / 366.
        let mut s = one_post(None).into_inner();
        s.calendar.start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        s.calendar.days = 181;
        s.caseworkers.groups[0].fte = 2.0;
        s.costs.pay_award = 0.1;
        let s = s.validate().unwrap();
        let r = Simulation::new(&s, 1).finish(0);
        let y = |fy| {
            r.kpi(Kpi::CaseworkerCost, Period::Year(FinancialYear(fy)))
                .unwrap()
        };
        assert!((y(2026) - 18_000.0).abs() < 1e-6, "{}", y(2026));
        let want = 2.0 * 36_500.0 * 1.1 * 91.0 / 366.0;
        assert!((y(2027) - want).abs() < 1e-6, "{}", y(2027));
        assert_eq!(r.kpi(Kpi::HireCost, Period::Horizon), Some(0.0));
    }
}
