//! What a run produces: per-replication records, their aggregation across
//! replications into means and percentiles, and everything the outputs need
//! to present them.
//!
//! This is the one module the outputs ([`crate::output`]) read: a
//! [`RunResults`] carries, for each scenario, a [`ScenarioInfo`] (name,
//! description, calendar, backlog threshold) beside its results, so the CSV
//! files, the manifest and the terminal table depend on this module alone and
//! never on the runner or on scenario files.
//!
//! Aggregation is serial and in replication order, so the floating-point sums
//! are the same whatever the thread count that produced the replications.

use crate::calendar::{Calendar, FinancialYear};
use chrono::NaiveDate;
use std::time::Duration;

macro_rules! metrics {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal ),+ $(,)?) => {
        /// A quantity recorded every week, in `weekly.csv`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Metric { $( $(#[$doc])* $variant ),+ }

        impl Metric {
            /// Every metric, in output order.
            pub const ALL: &'static [Metric] = &[ $( Metric::$variant ),+ ];
            /// The metric's name in the outputs.
            pub fn name(self) -> &'static str {
                match self { $( Metric::$variant => $name ),+ }
            }
        }
    };
}

metrics! {
    /// Requests received during the week.
    RequestsReceived => "requests_received",
    /// Requests entering the pathway during the week by a tribunal order
    /// (to assess, or to issue a plan): not received, so not in
    /// `RequestsReceived`.
    RequestsOrdered => "requests_ordered",
    /// Decisions whether to assess made during the week.
    DecisionsMade => "decisions_made",
    /// Of those, made within 6 weeks of the request.
    DecisionsWithin6Weeks => "decisions_within_6_weeks",
    /// Final plans issued during the week.
    PlansIssued => "plans_issued",
    /// Of those, issued within 20 weeks of the request (exceptions included
    /// in both counts).
    PlansIssuedWithin20Weeks => "plans_issued_within_20_weeks",
    /// Requests open at the end of the week (not yet refused, withdrawn,
    /// closed with no plan, or issued).
    OpenRequests => "open_requests",
    /// Of those, received more than 20 weeks before the end of the week.
    OpenRequestsOver20Weeks => "open_requests_over_20_weeks",
    /// Plans in force at the end of the week.
    PlansInForce => "plans_in_force",
    /// Annual reviews completed (decision made, and amendment final where
    /// there was one) during the week.
    ReviewsCompleted => "reviews_completed",
    /// Plans whose annual review is overdue at the end of the week.
    OverdueReviews => "overdue_reviews",
    /// Caseworker FTE in post at the end of the week.
    CaseworkerFte => "caseworker_fte",
    /// Cases held (open requests and plans allocated) per caseworker FTE in post.
    CaseloadPerCaseworker => "caseload_per_caseworker",
    /// Most cases held by any one caseworker at the end of the week.
    MaxCaseload => "max_caseload",
    /// Open requests and plans waiting for a caseworker with room.
    UnallocatedCases => "unallocated_cases",
    /// Assessments waiting for an educational psychologist to start their advice.
    PsychologistQueue => "psychologist_queue",
    /// Backlog-team FTE in post at the end of the week.
    BacklogTeamFte => "backlog_team_fte",
    /// Open requests waiting for the decision to assess.
    RequestsAwaitingDecision => "requests_awaiting_decision",
    /// Open requests in assessment (agreed, advice being gathered).
    RequestsInAssessment => "requests_in_assessment",
    /// Open requests with a draft plan or being finalised.
    RequestsInDrafting => "requests_in_drafting",
    /// Requests refused since the start (cumulative).
    RequestsRefusedTotal => "requests_refused_total",
    /// Requests withdrawn since the start (cumulative).
    RequestsWithdrawnTotal => "requests_withdrawn_total",
    /// Assessments ended with no plan since the start (cumulative).
    RequestsNoPlanTotal => "requests_no_plan_total",
    /// Requests ended with a final plan since the start (cumulative).
    RequestsIssuedTotal => "requests_issued_total",
    /// Requests in the system since the start: open on the start date plus
    /// received since (cumulative).
    RequestsTotal => "requests_total",
    /// Plans ceased since the start (cumulative).
    PlansCeasedTotal => "plans_ceased_total",
    /// Psychologist advice commissioned from outside during the week.
    CommissionedAdvice => "commissioned_advice",
    /// Staff costs counted in the week, in pounds: caseworkers, backlog
    /// team and psychologists in post and working, and hires (as the
    /// `staff_cost` KPI).
    StaffCost => "staff_cost",
    /// Staff costs and commissioned advice counted in the week, in pounds
    /// (as the `total_cost` KPI).
    TotalCost => "total_cost",
    /// The council's own price of delay counted in the week, in pounds:
    /// requests open past 20 weeks and overdue reviews at the week's end,
    /// times the scenario's prices (zero unless it sets them).
    DelayCost => "delay_cost",
}

/// The period a KPI value covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// One financial year (April to March), possibly cut by the run's ends.
    Year(FinancialYear),
    /// One calendar year (January to December, as SEN2 reports), possibly
    /// cut by the run's ends.
    CalendarYear(i32),
    /// The whole run.
    Horizon,
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Year(fy) => write!(f, "FY{fy}"),
            Period::CalendarYear(y) => write!(f, "CY{y}"),
            Period::Horizon => f.write_str("horizon"),
        }
    }
}

macro_rules! kpis {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, $infinite:literal ),+ $(,)?) => {
        /// A key performance indicator, in `summary.csv` and `replications.csv`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kpi { $( $(#[$doc])* $variant ),+ }

        impl Kpi {
            /// Every KPI, in output order.
            pub const ALL: &'static [Kpi] = &[ $( Kpi::$variant ),+ ];
            /// The KPI's name in the outputs.
            pub fn name(self) -> &'static str {
                match self { $( Kpi::$variant => $name ),+ }
            }
            /// Whether a missing value means "never" (ranked above every
            /// number) rather than "not defined" (left out).
            pub fn missing_is_never(self) -> bool {
                match self { $( Kpi::$variant => $infinite ),+ }
            }
        }
    };
}

kpis! {
    /// Share of plans issued in the year that were issued within 20 weeks,
    /// plans with a legal exception left out (the DfE headline measure).
    Compliance20Weeks => "compliance_20_weeks", false,
    /// The same share counting every plan, exceptions included.
    Compliance20WeeksAllPlans => "compliance_20_weeks_incl_exceptions", false,
    /// Share of decisions whether to assess made within 6 weeks.
    DecisionsWithin6Weeks => "decisions_within_6_weeks", false,
    /// Final plans issued in the year.
    PlansIssued => "plans_issued", false,
    /// Final plans issued in the year within 20 weeks of the request,
    /// exceptions included (the count a cost per extra plan on time is
    /// reckoned from).
    PlansIssuedWithin20Weeks => "plans_issued_within_20_weeks", false,
    /// Share of plans issued in the year that had a legal exception to the
    /// 20-week limit (SEN2: 1 - plans_issued_den_ex / plans_issued_den).
    PlansWithExceptionShare => "plans_with_exception_share", false,
    /// Appeals to the SEND Tribunal registered in the year (decisions
    /// appealed).
    AppealsRegistered => "appeals_registered", false,
    /// Appeals ending in the year with an order the council must carry out
    /// (to assess, to issue or to amend a plan).
    AppealOrders => "appeal_orders", false,
    /// Mean weeks from request to final plan, over plans issued in the year.
    MeanWeeksToFinalPlan => "mean_weeks_to_final_plan", false,
    /// Annual reviews completed in the year.
    ReviewsCompleted => "reviews_completed", false,
    /// Share of LA decisions after a review meeting made within 4 weeks of
    /// the meeting (the SEN2 measure).
    ReviewDecisionsWithin4Weeks => "review_decisions_within_4_weeks", false,
    /// LA decisions after a review meeting made within 4 weeks of it, in
    /// the year (a count).
    ReviewDecisionsOnTime => "review_decisions_on_time", false,
    /// Share of phase-transfer reviews whose statutory date (15 February for
    /// a school transfer, 31 March for post-16, Reg 18) falls in the year
    /// that were complete by it.
    PhaseTransfersOnTime => "phase_transfers_on_time", false,
    /// Overdue reviews on the last day of the year (or of the run).
    OverdueReviewsAtYearEnd => "overdue_reviews_at_year_end", false,
    /// First week (0 = the week of the start date) from which overdue reviews
    /// stay at or below the scenario's threshold to the end of the run;
    /// missing when they never do.
    BacklogClearanceWeek => "backlog_clearance_week", true,
    /// 1 if the backlog never clears within the run, else 0; its mean is the
    /// share of replications that never clear.
    BacklogNeverCleared => "backlog_never_cleared", false,
    /// 1 if the backlog stands cleared on the scenario's target date
    /// (overdue reviews at the last week's end on or before it at or below
    /// the threshold), else 0; missing without a target date in the run.
    /// Its mean is the probability of clearing by the target.
    BacklogClearedOnTarget => "backlog_cleared_on_target", false,
    /// Most cases held by one caseworker at any week's end.
    PeakCaseload => "peak_caseload", false,
    /// Most cases waiting unallocated at any week's end.
    PeakUnallocatedCases => "peak_unallocated_cases", false,
    /// Staff costs in pounds: caseworker, backlog-team and psychologist
    /// costs and hires.
    StaffCost => "staff_cost", false,
    /// Caseworkers in post and working, in pounds: permanent staff at the
    /// year's pay level, agency cover with its premium; vacancies cost
    /// nothing.
    CaseworkerCost => "caseworker_cost", false,
    /// Backlog-team staff in post, in pounds.
    BacklogTeamCost => "backlog_team_cost", false,
    /// Educational psychologists, in pounds.
    PsychologistCost => "psychologist_cost", false,
    /// One-off costs of hires (new starters and added establishment posts),
    /// in pounds.
    HireCost => "hire_cost", false,
    /// Psychologist advice commissioned from outside, in pounds.
    CommissionedAdviceCost => "commissioned_advice_cost", false,
    /// Tribunal appeals at the scenario's price of one (`costs.cost_per_appeal`),
    /// in pounds.
    AppealCost => "appeal_cost", false,
    /// Staff costs, commissioned advice and appeals, in pounds.
    TotalCost => "total_cost", false,
    /// The council's own price of delay, in pounds: each week a request is
    /// open past 20 weeks and each month a review is overdue, at the
    /// scenario's prices (zero unless it sets them).
    DelayCost => "delay_cost", false,
}

/// One KPI value of one replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KpiValue {
    /// Which KPI.
    pub kpi: Kpi,
    /// Which period.
    pub period: Period,
    /// The value; `None` where it is not defined (no plans issued) or, for
    /// [`Kpi::BacklogClearanceWeek`], where the backlog never cleared.
    pub value: Option<f64>,
}

/// Everything one replication of one scenario produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Index of the replication, from 0.
    pub replication: u64,
    /// The seed its random streams were derived from.
    pub seed: u64,
    /// Number of weeks recorded.
    pub weeks: usize,
    /// Weekly values, `weeks` rows of `Metric::ALL.len()` values each; read
    /// them with [`ReplicationResult::weekly_value`].
    pub weekly: Vec<f64>,
    /// KPI values, in a fixed order.
    pub kpis: Vec<KpiValue>,
    /// Events the engine processed.
    pub events: u64,
}

impl ReplicationResult {
    /// The value of `metric` in week `week`.
    pub fn weekly_value(&self, week: usize, metric: Metric) -> f64 {
        let m = Metric::ALL.iter().position(|&x| x == metric).unwrap_or(0);
        self.weekly[week * Metric::ALL.len() + m]
    }

    /// The value of `kpi` for `period`, if recorded and defined.
    pub fn kpi(&self, kpi: Kpi, period: Period) -> Option<f64> {
        self.kpis
            .iter()
            .find(|k| k.kpi == kpi && k.period == period)
            .and_then(|k| k.value)
    }
}

/// Mean and percentiles of one quantity across replications. Each field is
/// `None` where it is not defined (no replication had a value, or the
/// percentile falls on "never").
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stats {
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// 10th percentile.
    pub p10: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
}

/// The `p`-quantile (0 <= p <= 1) of sorted values by linear interpolation
/// between order statistics (Hyndman and Fan type 7, the default of R and
/// numpy).
///
/// ```
/// use ehcsim::results::quantile_sorted;
/// assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.1), 1.3);
/// ```
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    // Rounding away the last bits of interpolation noise, applied to every
    // result alike so that rounding cannot reorder percentiles.
    let tidy = |v: f64| {
        if v.is_finite() {
            (v * 1e9).round() / 1e9
        } else {
            v
        }
    };
    match sorted.len() {
        0 => f64::NAN,
        1 => tidy(sorted[0]),
        n => {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let frac = h - lo as f64;
            if frac == 0.0 {
                // Exactly on an order statistic; interpolating would give
                // 0 * infinity when the next value is "never".
                return tidy(sorted[lo]);
            }
            let hi = (lo + 1).min(n - 1);
            tidy(sorted[lo] + frac * (sorted[hi] - sorted[lo]))
        }
    }
}

impl Stats {
    /// Statistics of `values`; `missing_is_never` ranks missing values above
    /// every number (so a median of "never" is reported as missing), and
    /// otherwise leaves them out. Values are summed in the order given.
    pub fn of(values: &[Option<f64>], missing_is_never: bool, scratch: &mut Vec<f64>) -> Stats {
        scratch.clear();
        scratch.extend(values.iter().flatten().copied());
        let missing = values.len() - scratch.len();
        if scratch.is_empty() {
            return Stats::default();
        }
        let mean = if missing_is_never && missing > 0 {
            None
        } else {
            Some(scratch.iter().sum::<f64>() / scratch.len() as f64)
        };
        scratch.sort_by(f64::total_cmp);
        if missing_is_never {
            scratch.extend(std::iter::repeat_n(f64::INFINITY, missing));
        }
        let q = |p: f64| {
            let v = quantile_sorted(scratch, p);
            v.is_finite().then_some(v)
        };
        Stats {
            mean,
            p10: q(0.1),
            p50: q(0.5),
            p90: q(0.9),
        }
    }
}

/// One row of `weekly.csv` before formatting.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyRow {
    /// Week index from 0.
    pub week: usize,
    /// The Monday that begins the week.
    pub week_start: NaiveDate,
    /// Which metric.
    pub metric: Metric,
    /// Across replications.
    pub stats: Stats,
}

/// One row of `summary.csv` before formatting.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Which KPI.
    pub kpi: Kpi,
    /// Which period.
    pub period: Period,
    /// Across replications.
    pub stats: Stats,
}

/// What the outputs need to know about a scenario besides its results.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioInfo {
    /// The scenario's name, the key of every output row.
    pub name: String,
    /// Its description (may be empty), printed under its name in the table.
    pub description: String,
    /// Its calendar: start date and length, hence its weeks and financial
    /// years.
    pub calendar: Calendar,
    /// The level of overdue reviews at or below which the backlog counts
    /// as cleared ([`Kpi::BacklogClearanceWeek`]).
    pub backlog_cleared_at: u32,
    /// The date by which the backlog should be cleared, if one is set.
    pub backlog_target: Option<NaiveDate>,
}

impl ScenarioInfo {
    /// A scenario called `name` over `calendar`, with no description and a
    /// backlog threshold of 0.
    pub fn new(name: impl Into<String>, calendar: Calendar) -> Self {
        ScenarioInfo {
            name: name.into(),
            description: String::new(),
            calendar,
            backlog_cleared_at: 0,
            backlog_target: None,
        }
    }

    /// The number of reporting weeks.
    pub fn weeks(&self) -> usize {
        self.calendar.weeks()
    }
}

/// All replications of one scenario, with their aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioResults {
    /// The scenario these are the results of.
    pub info: ScenarioInfo,
    /// The replications, in index order.
    pub replications: Vec<ReplicationResult>,
    /// Weekly statistics, week by week, metric by metric.
    pub weekly: Vec<WeeklyRow>,
    /// KPI statistics.
    pub summary: Vec<SummaryRow>,
}

impl ScenarioResults {
    /// Aggregates replications (which must all come from the scenario
    /// `info`, so they share weeks and KPI layout) week by week and KPI by
    /// KPI. The weeks aggregated are those the replications recorded (the
    /// first replication's `weeks`), dated by `info`'s calendar.
    pub fn aggregate(info: ScenarioInfo, replications: Vec<ReplicationResult>) -> Self {
        let mut scratch = Vec::with_capacity(replications.len());
        let mut column = Vec::with_capacity(replications.len());
        let n_metrics = Metric::ALL.len();
        let weeks = replications.first().map_or(0, |r| r.weeks);
        let mut weekly = Vec::with_capacity(weeks * n_metrics);
        for week in 0..weeks {
            let week_start = info.calendar.week_start(week);
            for (m, &metric) in Metric::ALL.iter().enumerate() {
                column.clear();
                column.extend(
                    replications
                        .iter()
                        .map(|r| Some(r.weekly[week * n_metrics + m])),
                );
                weekly.push(WeeklyRow {
                    week,
                    week_start,
                    metric,
                    stats: Stats::of(&column, false, &mut scratch),
                });
            }
        }
        let mut summary = Vec::new();
        if let Some(first) = replications.first() {
            for (i, kv) in first.kpis.iter().enumerate() {
                column.clear();
                column.extend(replications.iter().map(|r| r.kpis[i].value));
                summary.push(SummaryRow {
                    kpi: kv.kpi,
                    period: kv.period,
                    stats: Stats::of(&column, kv.kpi.missing_is_never(), &mut scratch),
                });
            }
        }
        ScenarioResults {
            info,
            replications,
            weekly,
            summary,
        }
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.info.name
    }

    /// The summary statistics of `kpi` for `period`.
    pub fn summary_stats(&self, kpi: Kpi, period: Period) -> Option<Stats> {
        self.summary
            .iter()
            .find(|r| r.kpi == kpi && r.period == period)
            .map(|r| r.stats)
    }

    /// Total engine events across replications.
    pub fn events(&self) -> u64 {
        self.replications.iter().map(|r| r.events).sum()
    }
}

/// Everything an experiment produced: what every output is made from.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// One entry per scenario, in the order given.
    pub scenarios: Vec<ScenarioResults>,
    /// The master seed used.
    pub master_seed: u64,
    /// Replications per scenario.
    pub replications: u64,
    /// Wall-clock time of the simulation (not of writing outputs).
    pub elapsed: Duration,
    /// Engine events processed across every replication.
    pub events: u64,
    /// Every other scenario against the baseline, where the run has one.
    pub comparison: Option<crate::comparison::Comparison>,
}

impl RunResults {
    /// Simulated events per second of wall-clock time.
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_ranks_above_every_number() {
        let mut s = Vec::new();
        let vals = [Some(3.0), None, Some(1.0), None, None];
        let st = Stats::of(&vals, true, &mut s);
        assert_eq!(st.mean, None);
        assert_eq!(st.p10, Some(1.8));
        assert_eq!(st.p50, None);
        let st = Stats::of(&vals, false, &mut s);
        assert_eq!(st.mean, Some(2.0));
        assert_eq!(st.p50, Some(2.0));
        // A median exactly on a number followed by "never" is that number.
        let st = Stats::of(&[Some(40.0), None, Some(50.0)], true, &mut s);
        assert_eq!(st.p50, Some(50.0));
    }

    #[test]
    fn no_values_give_empty_stats() {
        let mut s = Vec::new();
        assert_eq!(Stats::of(&[None, None], false, &mut s), Stats::default());
        assert_eq!(Stats::of(&[], false, &mut s), Stats::default());
    }

    #[test]
    fn metric_and_kpi_names_are_unique() {
        let mut names: Vec<_> = Metric::ALL.iter().map(|m| m.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
        let mut names: Vec<_> = Kpi::ALL.iter().map(|m| m.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Kpi::ALL.len());
    }
}

/// Hours asked of and available to one body of staff in one financial year.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadRow {
    /// Who: a team's name, or "psychologists".
    pub who: String,
    /// The financial year.
    pub year: FinancialYear,
    /// Hours of work the year's expected flows call for.
    pub needed: f64,
    /// Productive hours of the staff in post, less vacancies and new
    /// starters' reduced productivity.
    pub available: f64,
}

impl LoadRow {
    /// Hours needed per hour available (infinite with no hours available
    /// and some needed).
    pub fn ratio(&self) -> f64 {
        if self.available > 0.0 {
            self.needed / self.available
        } else if self.needed > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    }
}
