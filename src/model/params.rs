//! A scenario turned into what the hot loop needs: samplers built once,
//! rates in per-day units, and a per-day table of the arrival intensity.

use crate::engine::{Dist, Sampler};
use crate::scenario::{Priority, Scenario};

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
    pub priority: Priority,
    /// Arrival intensity (requests per day) on each simulated day.
    pub daily_rate: Vec<f64>,
    /// The largest value in `daily_rate` (the thinning bound).
    pub max_rate: f64,
}

impl Params {
    pub fn new(s: &Scenario) -> Self {
        let daily_rate = daily_arrival_rates(s);
        let max_rate = daily_rate.iter().copied().fold(0.0, f64::max);
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
            health: opt(&s.delays.health_advice),
            social_care: opt(&s.delays.social_care_advice),
            school: opt(&s.delays.school_advice),
            family: opt(&s.delays.family_comments),
            consultation: opt(&s.delays.school_consultation),
            representations: opt(&s.delays.amendment_representations),
            contact_per_day: w.contact_hours_per_case_per_year / 365.0,
            // A share p ceasing in a year is a constant hazard -ln(1 - p).
            cease_hazard: -(1.0 - s.cessation.per_year.min(0.999_999)).ln() / 365.0,
            priority: s.caseworkers.priority,
            daily_rate,
            max_rate,
        }
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
