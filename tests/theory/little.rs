//! Little's law over a long steady run of the whole pathway: the time
//! average of open requests equals the throughput times the mean time to a
//! final plan. This ties three separately recorded quantities together (the
//! weekly `open_requests` stock, `plans_issued` and the
//! `mean_weeks_to_final_plan` KPI), through the full pathway with a weekly
//! panel, exponential work shared by caseworkers, a psychologist queue and
//! random advice delays.

use super::support::{bare, group, run_batched, Estimate};
use ehcsim::calendar::FinancialYear;
use ehcsim::engine::Dist;
use ehcsim::results::{Kpi, Metric, Period};
use ehcsim::scenario::Scenario;

fn pathway(years: u32) -> Scenario {
    let mut s = bare(years * 364);
    s.requests.per_year = 300.0;
    s.requests.refused_share = 0.0; // every request becomes a plan
    s.panel.enabled = true;
    s.caseworkers.hours_per_fte_year = 1450.0;
    // 300 x 13.8 h = 4,140 h a year against 4 x 1,450 = 5,800 h: utilisation 0.71.
    s.caseworkers.groups = vec![group("caseworkers", 4.0)];
    s.work.decision = Dist::Exponential { mean: 2.5 };
    s.work.assessment = Dist::Exponential { mean: 3.3 };
    s.work.drafting = Dist::Exponential { mean: 5.0 };
    s.work.finalisation = Dist::Exponential { mean: 3.0 };
    // 300 x 17.4 h = 5,220 h a year against 4 x 1,450 h: utilisation 0.9.
    s.psychologists.enabled = true;
    s.psychologists.fte = 4.0;
    s.psychologists.hours_per_fte_year = 1450.0;
    s.psychologists.hours_per_advice = Dist::Exponential { mean: 17.4 };
    s.delays.family_comments = Some(Dist::Uniform {
        min: 15.0,
        max: 30.0,
    });
    s
}

#[test]
fn littles_law_holds_over_a_steady_run() {
    // Ten years from Monday 6 April 2026. The window is FY 2028-29 to
    // FY 2034-35 (two years of warm-up: the EP queue at utilisation 0.9 has
    // a relaxation time of months). Weeks are those ending inside the window.
    let s = pathway(10);
    let cal = s.calendar.clone();
    let window: Vec<Period> = (2028..=2034)
        .map(|y| Period::Year(FinancialYear(y)))
        .collect();
    let a = cal.day_of(FinancialYear(2028).first_day()) as f64;
    let b = cal.day_of(FinancialYear(2035).first_day()) as f64;
    let weeks: Vec<usize> = (0..cal.weeks())
        .filter(|&w| {
            let end = cal.week_end_day(w);
            end > a && end <= b
        })
        .collect();
    let (mut l_hat, mut lw_hat, mut diffs, mut w_days) = (vec![], vec![], vec![], vec![]);
    run_batched(std::slice::from_ref(&s), 40, 40, 31, |_, r| {
        let l = weeks
            .iter()
            .map(|&w| r.weekly_value(w, Metric::OpenRequests))
            .sum::<f64>()
            / weeks.len() as f64;
        let (mut issued, mut days) = (0.0, 0.0);
        for &p in &window {
            let n = r.kpi(Kpi::PlansIssued, p).unwrap_or(0.0);
            issued += n;
            days += n * 7.0 * r.kpi(Kpi::MeanWeeksToFinalPlan, p).unwrap_or(0.0);
        }
        let throughput = issued / (b - a);
        let w = days / issued;
        l_hat.push(l);
        lw_hat.push(throughput * w);
        diffs.push(l - throughput * w);
        w_days.push(w);
    });
    let l = Estimate::of(&l_hat);
    let lw = Estimate::of(&lw_hat);
    let d = Estimate::of(&diffs);
    let w = Estimate::of(&w_days);
    let lambda = s.requests.per_year / 365.0;
    println!(
        "Little's law (full pathway, 40 reps x 7 years)\n  \
         L (mean open requests): {:.3} +- {:.3}\n  \
         throughput x W:         {:.3} +- {:.3}   (W = {:.2} +- {:.2} days)\n  \
         L - throughput x W:     {:+.4} +- {:.4}  z={:+.2}\n  \
         lambda x W (lambda = per_year / 365): {:.3}",
        l.mean,
        l.se,
        lw.mean,
        lw.se,
        w.mean,
        w.se,
        d.mean,
        d.se,
        d.z(0.0),
        lambda * w.mean
    );
    // L = lambda W holds exactly in expectation for a stationary system;
    // over a finite window it is off only by customers straddling the
    // window's ends and by sampling the stock at week ends, which average
    // to zero across replications. The replications are independent, so
    // the standard error of the mean difference is its sample SD over
    // sqrt(40); tolerance 4 SE.
    assert!(
        d.mean.abs() <= 4.0 * d.se,
        "Little's law: L {} vs throughput x W {} (difference {} +- {})",
        l.mean,
        lw.mean,
        d.mean,
        d.se
    );
}
