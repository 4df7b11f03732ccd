//! Counters the model keeps as it runs, and their recording into weekly rows
//! and per-financial-year KPIs.

use super::costs::YearCosts;
use crate::calendar::Calendar;
use crate::results::{Kpi, KpiValue, Metric, Period};
use crate::scenario::Scenario;

/// Statutory limits the KPIs measure against, in days.
pub(crate) const SIX_WEEKS: f64 = 42.0;
pub(crate) const TWENTY_WEEKS: f64 = 140.0;

/// Stocks and running totals, always exact (the audit recounts them).
#[derive(Debug, Default, Clone)]
pub(crate) struct Stocks {
    pub awaiting_decision: u32,
    pub assessment: u32,
    pub drafting: u32,
    pub refused: u32,
    pub withdrawn: u32,
    pub no_plan: u32,
    pub issued: u32,
    pub requests_total: u32,
    pub plans_in_force: u32,
    pub plans_ceased: u32,
    pub plans_total: u32,
    pub overdue_reviews: u32,
    pub open_over_20_weeks: u32,
    pub unallocated: u32,
    pub cases_held: u32,
    pub psychologist_queue: u32,
    pub caseworker_fte: f64,
    pub backlog_fte: f64,
}

/// Flows within the current week.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WeekFlows {
    pub received: u32,
    /// Requests entering by a tribunal order.
    pub ordered: u32,
    pub decisions: u32,
    pub decisions_6w: u32,
    pub issued: u32,
    pub issued_20w: u32,
    pub reviews_completed: u32,
    pub commissioned_advice: u32,
    /// Staff costs counted in the week (model/costs.rs).
    pub staff_cost: f64,
    /// Tribunal appeals registered in the week, in pounds.
    pub appeal_cost: f64,
}

/// Accumulators for one financial year.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct YearFlows {
    pub decisions: u32,
    pub decisions_6w: u32,
    pub issued_all: u32,
    /// Appeals registered (decisions appealed) in the year.
    pub appeals: u32,
    /// Appeals ending with an order in the year.
    pub appeal_orders: u32,
    pub issued_all_20w: u32,
    pub issued_excl: u32,
    pub issued_excl_20w: u32,
    pub days_to_plan: f64,
    pub reviews_completed: u32,
    pub review_decisions: u32,
    pub review_decisions_4w: u32,
    /// Phase-transfer reviews whose deadline falls in the year, and of
    /// those, the ones completed by it.
    pub transfers: u32,
    pub transfers_on_time: u32,
    pub overdue_at_end: Option<u32>,
    /// The price of delay counted in the weeks ending in the year.
    pub delay_cost: f64,
}

/// The cost KPIs of one period.
fn push_costs(out: &mut Vec<KpiValue>, period: Period, c: &YearCosts, delay: f64) {
    for (kpi, value) in [
        (Kpi::StaffCost, c.staff()),
        (Kpi::CaseworkerCost, c.caseworkers),
        (Kpi::BacklogTeamCost, c.backlog),
        (Kpi::PsychologistCost, c.psychologists),
        (Kpi::HireCost, c.hires),
        (Kpi::CommissionedAdviceCost, c.commissioned),
        (Kpi::AppealCost, c.appeals),
        (Kpi::TotalCost, c.staff() + c.commissioned + c.appeals),
        (Kpi::DelayCost, delay),
    ] {
        out.push(KpiValue {
            kpi,
            period,
            value: Some(value),
        });
    }
}

impl YearFlows {
    /// The year's KPIs of new plans that SEN2 also publishes: 20-week
    /// compliance without and with exceptions, decisions within 6 weeks and
    /// plans issued (all, and within 20 weeks) and the share with an
    /// exception, and appeals, in output order.
    fn pathway_kpis(&self) -> [(Kpi, Option<f64>); 8] {
        [
            (
                Kpi::Compliance20Weeks,
                ratio(self.issued_excl_20w, self.issued_excl),
            ),
            (
                Kpi::Compliance20WeeksAllPlans,
                ratio(self.issued_all_20w, self.issued_all),
            ),
            (
                Kpi::DecisionsWithin6Weeks,
                ratio(self.decisions_6w, self.decisions),
            ),
            (Kpi::PlansIssued, Some(self.issued_all as f64)),
            (
                Kpi::PlansIssuedWithin20Weeks,
                Some(self.issued_all_20w as f64),
            ),
            (
                Kpi::PlansWithExceptionShare,
                ratio(self.issued_all - self.issued_excl, self.issued_all),
            ),
            (Kpi::AppealsRegistered, Some(self.appeals as f64)),
            (Kpi::AppealOrders, Some(self.appeal_orders as f64)),
        ]
    }
}

/// Everything recorded during one replication.
pub(crate) struct Recorder {
    pub week: WeekFlows,
    pub years: Vec<YearFlows>,
    /// The same, by calendar year (as SEN2 reports).
    pub calendar_years: Vec<YearFlows>,
    /// `weeks x Metric::ALL.len()` values.
    pub weekly: Vec<f64>,
    pub peak_caseload: u32,
    pub peak_unallocated: u32,
    /// Advice commissioned in the weeks closed so far.
    pub commissioned_total: u64,
    /// The scenario's price of a week a request is open past 20 weeks.
    delay_per_request_week: f64,
    /// The scenario's price of a month a review is overdue.
    delay_per_review_month: f64,
    /// The scenario's price of one commissioned advice.
    cost_per_advice: f64,
    /// The simulation day each financial year after the first begins.
    financial_year_starts: YearStarts,
    /// The simulation day each calendar year after the first begins.
    calendar_year_starts: YearStarts,
}

/// The first days of the years after the first, in order, and the year
/// last found: nearly every counted event falls in the same year as the
/// one before, which is checked with two comparisons before any search.
#[derive(Debug, Clone)]
struct YearStarts {
    starts: Vec<f64>,
    last: usize,
}

impl YearStarts {
    fn new(starts: Vec<f64>) -> Self {
        YearStarts { starts, last: 0 }
    }

    /// The index of the year containing `day`: the number of years after
    /// the first that begin on or before it.
    #[inline]
    fn index_of(&mut self, day: f64) -> usize {
        let i = self.last;
        let begun = i == 0 || self.starts.get(i - 1).is_some_and(|&b| b <= day);
        let not_ended = self.starts.get(i).is_none_or(|&b| day < b);
        if begun && not_ended {
            return i;
        }
        self.last = self.starts.partition_point(|&b| b <= day);
        self.last
    }
}

/// Days in an average month, to turn review-weeks overdue into months.
const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The column of `overdue_reviews` in a weekly row.
fn overdue_column() -> usize {
    Metric::ALL
        .iter()
        .position(|&x| x == Metric::OverdueReviews)
        .unwrap_or(0)
}

fn ratio(num: u32, den: u32) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

impl Recorder {
    pub fn new(scenario: &Scenario) -> Self {
        let calendar = &scenario.calendar;
        let costs = &scenario.costs;
        Recorder {
            week: WeekFlows::default(),
            years: vec![YearFlows::default(); calendar.financial_years().len()],
            calendar_years: vec![YearFlows::default(); calendar.calendar_years().len()],
            weekly: vec![0.0; calendar.weeks() * Metric::ALL.len()],
            peak_caseload: 0,
            peak_unallocated: 0,
            commissioned_total: 0,
            delay_per_request_week: costs.delay_cost_per_request_week,
            delay_per_review_month: costs.delay_cost_per_overdue_review_month,
            cost_per_advice: scenario.psychologists.cost_per_commissioned_advice,
            // Found by search on every counted event, so worked out once here
            // rather than through dates each time.
            financial_year_starts: YearStarts::new(
                calendar
                    .financial_year_ends()
                    .into_iter()
                    .map(|(_, day)| day)
                    .collect(),
            ),
            calendar_year_starts: YearStarts::new(
                calendar
                    .calendar_years()
                    .into_iter()
                    .skip(1)
                    .filter_map(|y| chrono::NaiveDate::from_ymd_opt(y, 1, 1))
                    .map(|d| calendar.day_of(d) as f64)
                    .collect(),
            ),
        }
    }

    /// The accumulators of the financial year and of the calendar year
    /// containing simulation day `day`.
    ///
    /// The same as [`Calendar::financial_year_index`] and
    /// [`Calendar::calendar_year_index`] (years begin on whole days, so a day
    /// is in a year exactly when it is at or after the year's first day).
    pub fn years_of(&mut self, day: f64) -> [&mut YearFlows; 2] {
        let fy = self.financial_year_starts.index_of(day);
        let cy = self.calendar_year_starts.index_of(day);
        [&mut self.years[fy], &mut self.calendar_years[cy]]
    }

    /// Writes the row of week `week` (`days` long, ending in financial
    /// year `fy`) from the week's flows and the stocks now, then starts a
    /// new week.
    pub fn close_week(&mut self, week: usize, days: f64, fy: usize, s: &Stocks, max_caseload: u32) {
        let f = self.week;
        // Priced from the week-end stocks: each late case costs its weekly
        // (or monthly) price once a week, pro rata for a part week.
        let delay = f64::from(s.open_over_20_weeks) * self.delay_per_request_week * days / 7.0
            + f64::from(s.overdue_reviews) * self.delay_per_review_month * days / DAYS_PER_MONTH;
        if let Some(y) = self.years.get_mut(fy) {
            y.delay_cost += delay;
        }
        let n = Metric::ALL.len();
        let row = &mut self.weekly[week * n..(week + 1) * n];
        for (slot, metric) in row.iter_mut().zip(Metric::ALL) {
            *slot = match metric {
                Metric::RequestsReceived => f.received as f64,
                Metric::RequestsOrdered => f.ordered as f64,
                Metric::DecisionsMade => f.decisions as f64,
                Metric::DecisionsWithin6Weeks => f.decisions_6w as f64,
                Metric::PlansIssued => f.issued as f64,
                Metric::PlansIssuedWithin20Weeks => f.issued_20w as f64,
                Metric::OpenRequests => (s.awaiting_decision + s.assessment + s.drafting) as f64,
                Metric::OpenRequestsOver20Weeks => s.open_over_20_weeks as f64,
                Metric::PlansInForce => s.plans_in_force as f64,
                Metric::ReviewsCompleted => f.reviews_completed as f64,
                Metric::OverdueReviews => s.overdue_reviews as f64,
                Metric::CaseworkerFte => s.caseworker_fte,
                Metric::CaseloadPerCaseworker => {
                    if s.caseworker_fte > 0.0 {
                        s.cases_held as f64 / s.caseworker_fte
                    } else {
                        0.0
                    }
                }
                Metric::MaxCaseload => max_caseload as f64,
                Metric::UnallocatedCases => s.unallocated as f64,
                Metric::PsychologistQueue => s.psychologist_queue as f64,
                Metric::BacklogTeamFte => s.backlog_fte,
                Metric::RequestsAwaitingDecision => s.awaiting_decision as f64,
                Metric::RequestsInAssessment => s.assessment as f64,
                Metric::RequestsInDrafting => s.drafting as f64,
                Metric::RequestsRefusedTotal => s.refused as f64,
                Metric::RequestsWithdrawnTotal => s.withdrawn as f64,
                Metric::RequestsNoPlanTotal => s.no_plan as f64,
                Metric::RequestsIssuedTotal => s.issued as f64,
                Metric::RequestsTotal => s.requests_total as f64,
                Metric::PlansCeasedTotal => s.plans_ceased as f64,
                Metric::CommissionedAdvice => f.commissioned_advice as f64,
                Metric::StaffCost => f.staff_cost,
                Metric::TotalCost => {
                    f.staff_cost
                        + f64::from(f.commissioned_advice) * self.cost_per_advice
                        + f.appeal_cost
                }
                Metric::DelayCost => delay,
            };
        }
        self.peak_caseload = self.peak_caseload.max(max_caseload);
        self.peak_unallocated = self.peak_unallocated.max(s.unallocated);
        self.commissioned_total += u64::from(f.commissioned_advice);
        self.week = WeekFlows::default();
    }

    /// The KPI values of the replication, in a fixed order: every
    /// per-year KPI for every year, then the horizon KPIs.
    pub fn kpis(
        &self,
        calendar: &Calendar,
        backlog_cleared_at: u32,
        backlog_target: Option<chrono::NaiveDate>,
        costs: &[YearCosts],
    ) -> Vec<KpiValue> {
        let mut out =
            Vec::with_capacity(self.years.len() * 19 + self.calendar_years.len() * 7 + 15);
        let none = YearCosts::default();
        for (i, (fy, y)) in calendar
            .financial_years()
            .into_iter()
            .zip(&self.years)
            .enumerate()
        {
            let period = Period::Year(fy);
            let mut push = |kpi, value| out.push(KpiValue { kpi, period, value });
            for (kpi, value) in y.pathway_kpis() {
                push(kpi, value);
            }
            push(
                Kpi::MeanWeeksToFinalPlan,
                (y.issued_all > 0).then(|| y.days_to_plan / 7.0 / y.issued_all as f64),
            );
            push(Kpi::ReviewsCompleted, Some(y.reviews_completed as f64));
            push(
                Kpi::ReviewDecisionsWithin4Weeks,
                ratio(y.review_decisions_4w, y.review_decisions),
            );
            push(
                Kpi::ReviewDecisionsOnTime,
                Some(y.review_decisions_4w as f64),
            );
            push(
                Kpi::PhaseTransfersOnTime,
                ratio(y.transfers_on_time, y.transfers),
            );
            push(
                Kpi::OverdueReviewsAtYearEnd,
                y.overdue_at_end.map(f64::from),
            );
            push_costs(
                &mut out,
                period,
                costs.get(i).unwrap_or(&none),
                y.delay_cost,
            );
        }
        // By calendar year, as SEN2 reports, for the KPIs it publishes.
        for (year, y) in calendar
            .calendar_years()
            .into_iter()
            .zip(&self.calendar_years)
        {
            let period = Period::CalendarYear(year);
            let mut push = |kpi, value| out.push(KpiValue { kpi, period, value });
            for (kpi, value) in y.pathway_kpis() {
                push(kpi, value);
            }
            push(
                Kpi::ReviewDecisionsWithin4Weeks,
                ratio(y.review_decisions_4w, y.review_decisions),
            );
            push(
                Kpi::PhaseTransfersOnTime,
                ratio(y.transfers_on_time, y.transfers),
            );
        }
        let clearance = self.backlog_clearance_week(backlog_cleared_at);
        let period = Period::Horizon;
        out.push(KpiValue {
            kpi: Kpi::BacklogClearanceWeek,
            period,
            value: clearance.map(|w| w as f64),
        });
        out.push(KpiValue {
            kpi: Kpi::BacklogNeverCleared,
            period,
            value: Some(if clearance.is_some() { 0.0 } else { 1.0 }),
        });
        out.push(KpiValue {
            kpi: Kpi::BacklogClearedOnTarget,
            period,
            value: backlog_target.and_then(|date| {
                let day = calendar.day_of(date) as f64 + 1.0;
                let week = (0..calendar.weeks())
                    .rev()
                    .find(|&w| calendar.week_end_day(w) <= day)?;
                let overdue = self.weekly[week * Metric::ALL.len() + overdue_column()];
                Some(if overdue <= f64::from(backlog_cleared_at) {
                    1.0
                } else {
                    0.0
                })
            }),
        });
        out.push(KpiValue {
            kpi: Kpi::PeakCaseload,
            period,
            value: Some(self.peak_caseload as f64),
        });
        out.push(KpiValue {
            kpi: Kpi::PeakUnallocatedCases,
            period,
            value: Some(self.peak_unallocated as f64),
        });
        let sum = |f: fn(&YearFlows) -> f64| self.years.iter().map(f).sum::<f64>();
        out.push(KpiValue {
            kpi: Kpi::PlansIssuedWithin20Weeks,
            period,
            value: Some(sum(|y| y.issued_all_20w as f64)),
        });
        out.push(KpiValue {
            kpi: Kpi::ReviewDecisionsOnTime,
            period,
            value: Some(sum(|y| y.review_decisions_4w as f64)),
        });
        let mut total = YearCosts::default();
        for c in costs {
            total.caseworkers += c.caseworkers;
            total.backlog += c.backlog;
            total.psychologists += c.psychologists;
            total.hires += c.hires;
            total.commissioned += c.commissioned;
            total.appeals += c.appeals;
        }
        push_costs(&mut out, period, &total, sum(|y| y.delay_cost));
        out
    }

    /// The first week from which overdue reviews at week end stay at or
    /// below `threshold` to the end of the run.
    fn backlog_clearance_week(&self, threshold: u32) -> Option<usize> {
        let n = Metric::ALL.len();
        let m = overdue_column();
        let weeks = self.weekly.len() / n;
        let mut first = None;
        for w in (0..weeks).rev() {
            if self.weekly[w * n + m] <= threshold as f64 {
                first = Some(w);
            } else {
                break;
            }
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::YearStarts;

    #[test]
    fn the_year_found_is_the_search_whatever_was_found_before() {
        let starts = vec![90.0, 455.0, 820.0];
        let mut y = YearStarts::new(starts.clone());
        // Back and forth across every boundary, and on it.
        for day in [
            0.0,
            89.9,
            90.0,
            400.0,
            1000.0,
            820.0,
            819.99,
            5.0,
            455.0,
            -3.0,
            f64::NAN,
            2e9,
        ] {
            assert_eq!(
                y.index_of(day),
                starts.partition_point(|&b| b <= day),
                "day {day}"
            );
        }
    }
}
