//! A scenario turned into what the hot loop needs: samplers built once,
//! rates in per-day units, and a per-day table of the arrival intensity.

use super::metrics::TWENTY_WEEKS;
use crate::engine::{Dist, Sampler};
use crate::scenario::Scenario;
use chrono::Datelike;

/// Days kept for finalising after the school consultation, so that a plan
/// drafted on its deadline can still be final by week 20.
pub(crate) const FINALISATION_DAYS: f64 = 5.0;
/// The drafting deadline is never set earlier than this (week 10), however
/// long the family's and school's periods.
const EARLIEST_DRAFTING_DEADLINE: f64 = 70.0;

/// The drafting deadline worked back from the 20 weeks.
fn drafting_deadline(s: &Scenario) -> f64 {
    let mean = |d: &Option<crate::engine::Dist>| d.as_ref().map_or(0.0, |d| d.mean());
    let after = mean(&s.delays.family_comments) + mean(&s.delays.school_consultation);
    (TWENTY_WEEKS - after - FINALISATION_DAYS).max(EARLIEST_DRAFTING_DEADLINE)
}

/// Cumulative shares of the complexity mix, with its multipliers; one
/// neutral class when the mix is empty.
fn complexity_table(s: &Scenario) -> Vec<(f64, f64, f64)> {
    if s.complexity.is_empty() {
        return vec![(1.0, 1.0, 1.0)];
    }
    let total: f64 = s.complexity.iter().map(|c| c.share).sum();
    let mut cum = 0.0;
    let mut table: Vec<(f64, f64, f64)> = s
        .complexity
        .iter()
        .map(|c| {
            cum += c.share / total;
            (cum, c.work_multiplier, c.advice_multiplier)
        })
        .collect();
    // Rounding must not leave a draw just below 1 without a class.
    if let Some(last) = table.last_mut() {
        last.0 = 1.0;
    }
    table
}

/// The schools' summer closures as (first day closed, day they reopen) in
/// simulation days, from the year before the start (a closure can straddle
/// nothing earlier) to the year after the end; none when switched off.
fn school_closures(s: &Scenario) -> Vec<(f64, f64)> {
    let c = &s.school_closure;
    if !c.enabled || c.weeks <= 0.0 {
        return Vec::new();
    }
    let cal = &s.calendar;
    let first = cal.start.year() - 1;
    let last = cal.date(f64::from(cal.days)).year() + 1;
    (first..=last)
        .filter_map(|y| chrono::NaiveDate::from_ymd_opt(y, c.start_month, c.start_day))
        .map(|d| {
            let from = cal.day_of(d) as f64;
            (from, from + c.weeks * 7.0)
        })
        .collect()
}

/// Build a sampler for an optional step; a switched-off step takes no time.
fn opt(d: &Option<Dist>) -> Option<Sampler> {
    d.as_ref().map(Dist::sampler)
}

/// Precomputed parameters of one scenario.
pub(crate) struct Params {
    pub decision: Sampler,
    pub assessment: Sampler,
    pub no_plan: Sampler,
    pub drafting: Sampler,
    pub finalisation: Sampler,
    pub review_decision: Sampler,
    pub review_amendment: Sampler,
    pub ep_hours: Sampler,
    pub evidence: Option<Sampler>,
    pub health: Option<Sampler>,
    pub social_care: Option<Sampler>,
    pub school: Option<Sampler>,
    pub family: Option<Sampler>,
    pub consultation: Option<Sampler>,
    pub representations: Option<Sampler>,
    /// Contact hours per case per day.
    pub contact_per_day: f64,
    /// Daily hazard of a plan ceasing outside reviews.
    pub cease_hazard: f64,
    /// Sampler of how late a late review meeting is (days).
    pub late_meeting: Sampler,
    /// Sampler of a commissioned psychologist advice's days.
    pub commissioned: Sampler,
    /// Sampler of a phase-transfer meeting's days after 1 September.
    pub transfer_meeting: Sampler,
    /// Days from the request by which a plan should be drafted: the 20
    /// weeks less the family's and the school's periods and a few days to
    /// finalise, so that each step leaves room for those after it.
    pub drafting_deadline: f64,
    /// The schools' summer closures, (first day closed, day they reopen),
    /// in order.
    pub closures: Vec<(f64, f64)>,
    /// Share of requests whose school advice is asked for around a closure
    /// that are recorded as exceptions (0 for a closure under 4 weeks).
    pub closure_exception_share: f64,
    /// Sampler of the days from an appealed decision to its hearing.
    pub appeal_hearing: Sampler,
    /// Sampler of the staff hours to prepare one appeal.
    pub appeal_preparation: Sampler,
    /// Caseworker hours a day while an order to amend a plan is carried
    /// out: one amendment's mean hours over the days allowed.
    pub appeal_order_rate: f64,
    /// Complexity classes: (cumulative share, work multiplier, advice
    /// multiplier).
    pub complexity: Vec<(f64, f64, f64)>,
    /// Arrival intensity (requests per day) on each simulated day.
    pub daily_rate: Vec<f64>,
}

impl Params {
    pub fn new(s: &Scenario) -> Self {
        let daily_rate = daily_arrival_rates(s);
        let w = &s.work;
        Params {
            decision: w.decision.sampler(),
            assessment: w.assessment.sampler(),
            no_plan: w.no_plan.sampler(),
            drafting: w.drafting.sampler(),
            finalisation: w.finalisation.sampler(),
            review_decision: w.review_decision.sampler(),
            review_amendment: w.review_amendment.sampler(),
            ep_hours: s.psychologists.hours_per_advice.sampler(),
            evidence: opt(&s.delays.decision_evidence),
            health: opt(&s.delays.health_advice),
            social_care: opt(&s.delays.social_care_advice),
            school: opt(&s.delays.school_advice),
            family: opt(&s.delays.family_comments),
            consultation: opt(&s.delays.school_consultation),
            representations: opt(&s.delays.amendment_representations),
            contact_per_day: w.contact_hours_per_case_per_year / 365.0,
            // A share p ceasing in a year is a constant hazard -ln(1 - p).
            cease_hazard: -(1.0 - s.cessation.per_year.min(0.999_999)).ln() / 365.0,
            late_meeting: s.reviews.late_meeting_days.sampler(),
            commissioned: s.psychologists.commissioned_days.sampler(),
            transfer_meeting: s.reviews.transfer_meeting_day.sampler(),
            drafting_deadline: drafting_deadline(s),
            closures: school_closures(s),
            // The exception needs a closure of "not less than 4 weeks"
            // (reg 10(4)(a), 13(3)(a)).
            closure_exception_share: if s.school_closure.weeks >= 4.0 {
                s.school_closure.exception_share
            } else {
                0.0
            },
            appeal_hearing: s.appeals.hearing_days.sampler(),
            appeal_preparation: s.appeals.preparation_hours.sampler(),
            appeal_order_rate: s.work.review_amendment.mean() / super::appeal::ORDER_DAYS,
            complexity: complexity_table(s),
            daily_rate,
        }
    }
}

impl Params {
    /// The day a school's period of `days` begun on day `from` ends, when
    /// days the school is closed do not count.
    pub fn school_days_end(&self, from: f64, days: f64) -> f64 {
        let (mut at, mut left) = (from, days);
        for &(closed, reopens) in &self.closures {
            if reopens <= at {
                continue;
            }
            if at + left <= closed {
                break;
            }
            left -= (closed - at).max(0.0);
            at = at.max(reopens);
        }
        at + left
    }

    /// Whether advice asked for from a school on day `day` falls in the
    /// window the regulations name for the exception: from a week before a
    /// closure to a week before the school reopens.
    pub fn in_closure_window(&self, day: f64) -> bool {
        self.closures
            .iter()
            .any(|&(closed, reopens)| day >= closed - 7.0 && day < reopens - 7.0)
    }

    /// The complexity class of a uniform draw `u` in [0, 1).
    #[inline]
    pub fn complexity_of(&self, u: f64) -> u8 {
        self.complexity
            .iter()
            .position(|&(cum, _, _)| u < cum)
            .unwrap_or(self.complexity.len() - 1) as u8
    }

    /// Multiplier on work hours of complexity class `class`.
    #[inline]
    pub fn work_multiplier(&self, class: u8) -> f64 {
        self.complexity[class as usize].1
    }

    /// Multiplier on advice delays of complexity class `class`.
    #[inline]
    pub fn advice_multiplier(&self, class: u8) -> f64 {
        self.complexity[class as usize].2
    }
}

/// Requests expected on each simulated day: the annual figure, grown
/// continuously at the yearly growth rate, shaped by the monthly profile.
///
/// The profile is normalised by days, so that with no growth a 365-day year
/// receives exactly `per_year` requests in expectation.
pub(crate) fn daily_arrival_rates(s: &Scenario) -> Vec<f64> {
    let r = &s.requests;
    let days = s.calendar.days as usize;
    if !r.enabled || r.per_year <= 0.0 {
        return vec![0.0; days];
    }
    const MONTH_DAYS: [f64; 12] = [31., 28., 31., 30., 31., 30., 31., 31., 30., 31., 30., 31.];
    let weighted: f64 = r
        .monthly_profile
        .iter()
        .zip(MONTH_DAYS)
        .map(|(p, d)| p * d)
        .sum();
    let scale = if weighted > 0.0 {
        365.0 / weighted
    } else {
        0.0
    };
    let mut rates = vec![0.0; days];
    for (a, b, month) in s.calendar.months() {
        let shape = r.monthly_profile[month] * scale;
        for (day, rate) in rates
            .iter_mut()
            .enumerate()
            .take(b as usize)
            .skip(a as usize)
        {
            // Growth is applied at mid-day, so a day's rate is its average.
            let years = (day as f64 + 0.5) / 365.0;
            *rate = r.per_year / 365.0 * (1.0 + r.growth_per_year).powf(years) * shape;
        }
    }
    rates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_days_stop_while_schools_are_closed() {
        let mut s = Scenario::default();
        // 1 April start; closure from 22 July (day 112) for 6 weeks.
        s.calendar.start = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let p = Params::new(&s);
        let (closed, reopens) = (112.0, 154.0);
        assert!(p.closures.contains(&(closed, reopens)));
        // Ends before the closure: unchanged.
        assert_eq!(p.school_days_end(100.0, 10.0), 110.0);
        // Runs into it: the 8 days left resume when schools reopen.
        assert_eq!(p.school_days_end(100.0, 20.0), reopens + 8.0);
        // Begins in it: all 15 days after reopening.
        assert_eq!(p.school_days_end(120.0, 15.0), reopens + 15.0);
        // After it: unchanged.
        assert_eq!(p.school_days_end(160.0, 15.0), 175.0);
        // The exception's window: a week before closing to a week before
        // reopening.
        assert!(!p.in_closure_window(closed - 7.5));
        assert!(p.in_closure_window(closed - 7.0));
        assert!(p.in_closure_window(reopens - 7.5));
        assert!(!p.in_closure_window(reopens - 7.0));
        // A closure under 4 weeks gives no exceptions; none when off.
        s.school_closure.weeks = 3.5;
        assert_eq!(Params::new(&s).closure_exception_share, 0.0);
        s.school_closure.enabled = false;
        let off = Params::new(&s);
        assert!(off.closures.is_empty());
        assert_eq!(off.school_days_end(100.0, 20.0), 120.0);
        assert!(!off.in_closure_window(closed));
    }

    #[test]
    fn a_flat_year_receives_the_annual_figure() {
        let mut s = Scenario::default();
        s.requests.growth_per_year = 0.0;
        s.calendar.start = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        s.calendar.days = 365;
        let total: f64 = daily_arrival_rates(&s).iter().sum();
        assert!((total - 2100.0).abs() < 1e-6, "{total}");
    }

    #[test]
    fn growth_compounds_yearly() {
        let mut s = Scenario::default();
        s.requests.monthly_profile = [1.0; 12];
        s.calendar.start = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        s.calendar.days = 730;
        let r = daily_arrival_rates(&s);
        let y1: f64 = r[..365].iter().sum();
        let y2: f64 = r[365..].iter().sum();
        assert!((y2 / y1 - 1.1).abs() < 1e-9);
        // Mean over year one of 2100 * 1.1^t is 2100 * 0.1 / ln 1.1.
        assert!((y1 - 2100.0 * 0.1 / 1.1f64.ln()).abs() < 0.1, "{y1}");
    }
}
