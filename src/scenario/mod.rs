//! Scenarios: what a council looks like and what staffing it tries.
//!
//! A scenario file is read and checked by [`load`] into a [`ValidScenario`],
//! the only form the model accepts; a [`Scenario`] built in code becomes one
//! through [`Scenario::validate`], which runs the same checks.
//! [`Scenario::default`] is the built-in medium English county of MODEL.md
//! section 7; every field's default below comes from there, marked \[S\]
//! sourced, \[D\] derived or \[E\] estimated, as in MODEL.md. Every key of
//! a scenario file is described once, in the parameter registry
//! (`registry/mod.rs`, which says how to add one); the loader, the template
//! and `docs/parameters.md` are made from it.

mod load;
mod registry;
pub use registry::{parameter_values, ParameterValue, NOT_SET};
mod teams;
mod template;

pub use load::{duplicate_names, load, load_str, LoadError, Problem};
pub use teams::{
    default_complexity, ComplexityClass, Establishment, Holds, LeaversCases, TaskKind, Team,
    WithinRank, WorkOrder, Workforce,
};
pub use template::{parameters_reference, TEMPLATE};

use crate::calendar::Calendar;
use crate::engine::Dist;
use chrono::{NaiveDate, Weekday};

/// A scenario: what a council looks like and what staffing it tries. Its
/// fields are public so that one can be built in code; the model takes it
/// only as a [`ValidScenario`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short name used in every output (the file stem unless `name` is set).
    pub name: String,
    /// One line saying what the scenario tries.
    pub description: String,
    /// Start date and length of the run.
    pub calendar: Calendar,
    /// Overdue reviews at or below this count mean the backlog is cleared.
    pub backlog_cleared_at: u32,
    /// The date by which the backlog should be cleared, if the council has
    /// set one: the report and the terminal state the probability of
    /// clearing by it, and the charts mark it.
    pub backlog_target: Option<NaiveDate>,
    /// Whether this scenario is the baseline the others in a run are
    /// compared with (as `ehcsim run --baseline NAME` does).
    pub baseline: bool,
    /// New requests for assessment.
    pub requests: Requests,
    /// The weekly decision panel.
    pub panel: Panel,
    /// Caseworker hours per task.
    pub work: Work,
    /// Calendar-day delays outside the council's control.
    pub delays: Delays,
    /// The schools' summer closure.
    pub school_closure: SchoolClosure,
    /// Educational psychologists.
    pub psychologists: Psychologists,
    /// Annual reviews of plans in force.
    pub reviews: Reviews,
    /// Plans leaving the system between reviews.
    pub cessation: Cessation,
    /// Appeals to the SEND Tribunal.
    pub appeals: Appeals,
    /// Caseworkers holding caseloads: one team holding every case, unless
    /// `teams` is set.
    pub caseworkers: Caseworkers,
    /// Teams that each hold some kinds of case; when empty, `caseworkers` is
    /// the one team.
    pub teams: Vec<Team>,
    /// Classes of case complexity.
    pub complexity: Vec<ComplexityClass>,
    /// Temporary staff working only on overdue reviews.
    pub backlog_team: Vec<StaffGroup>,
    /// What staff cost.
    pub costs: Costs,
    /// Where the council stands on the start date.
    pub initial: Initial,
}

/// What staff cost, at the prices of the financial year containing the
/// start date (docs/model.md, costs). Money is counted only for FTE in post
/// and working: a vacancy costs nothing, agency cover costs the premium.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    /// Fully loaded cost of one caseworker or backlog-team FTE for a
    /// financial year (salary and on-costs). Default £45,000 \[D: a county
    /// cabinet approved 14.2 FTE at just over £640,000 a year, £45,070 each].
    pub cost_per_fte_year: f64,
    /// Pay award applied each 1 April after the start, compounding, to
    /// every cost per FTE-year. Default 0.032 \[S: from April 2025].
    pub pay_award: f64,
    /// Extra cost of agency cover over a permanent post, as a share of the
    /// permanent cost. Default 0.40 \[E: range 0.25-0.75].
    pub agency_premium: f64,
    /// One-off cost of each hire: a new starter filling a vacancy or an
    /// added establishment post. Default 0 \[E\].
    pub cost_per_hire: f64,
    /// The council's own price of delay: pounds for each week a request is
    /// open past 20 weeks (interim provision, complaint remedies). Default
    /// 0 (delay not priced).
    pub delay_cost_per_request_week: f64,
    /// The council's own price of each month a plan's annual review is
    /// overdue. Default 0 (delay not priced).
    pub delay_cost_per_overdue_review_month: f64,
    /// The council's own cost of each tribunal appeal beyond its staff's
    /// time (legal advice, counsel, the bundle), counted when the appeal is
    /// registered. Default 0 (not priced).
    pub cost_per_appeal: f64,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            cost_per_fte_year: 45_000.0,
            pay_award: 0.032,
            agency_premium: 0.40,
            cost_per_hire: 0.0,
            delay_cost_per_request_week: 0.0,
            delay_cost_per_overdue_review_month: 0.0,
            cost_per_appeal: 0.0,
        }
    }
}

/// Requests for an EHC needs assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Requests {
    /// Whether requests arrive at all (off reduces the model to reviews).
    pub enabled: bool,
    /// Requests a year at the rate of the start date (growth then
    /// compounds continuously, so the first year receives a little more).
    /// Default 2,100 \[D\].
    pub per_year: f64,
    /// Yearly growth, compounded continuously day by day. Default 0.10 \[D\].
    pub growth_per_year: f64,
    /// Relative monthly intensity, January first; normalised to mean 1 when
    /// loaded. Default: the three-county shape of MODEL.md section 7 \[E\].
    pub monthly_profile: [f64; 12],
    /// Share refused at the decision to assess. Default 0.24 \[D\].
    pub refused_share: f64,
    /// Share withdrawn at the decision. Default 0.016 \[S\].
    pub withdrawn_share: f64,
    /// Share of assessed requests ending with no plan. Default 0.06 \[D\].
    pub no_plan_share: f64,
    /// Share of requests carrying a legal exception to the 20-week limit
    /// for reasons other than the schools' summer closure (exceptional
    /// personal circumstances, the family away 4 weeks or more); the
    /// closure's exceptions come from `school_closure`. Default 0.02 \[E\].
    pub exception_share: f64,
    /// Share of new plans for children under 5, reviewed every 6 months.
    /// Default 0.043 \[S\].
    pub under5_share: f64,
}

/// The weekly panel that decides whether to assess.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Off: decisions are made the moment the caseworker's work is done.
    pub enabled: bool,
    /// The day of the week the panel meets. Default Thursday \[E\].
    pub weekday: Weekday,
}

/// Caseworker work per task, in hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Work {
    /// Preparing the decision to assess. Default 2.5 h \[E\].
    pub decision: Dist,
    /// Coordinating the assessment and requesting advice. Default 3.3 h
    /// \[E split of the sourced 11.3 h per new plan].
    pub assessment: Dist,
    /// Deciding not to issue a plan after assessment. Default 3.7 h
    /// \[E: 7 h in all with the assessment].
    pub no_plan: Dist,
    /// Drafting the plan. Default 5.0 h \[E split of 11.3 h].
    pub drafting: Dist,
    /// Finalising the plan after consultation. Default 3.0 h \[E split of 11.3 h].
    pub finalisation: Dist,
    /// The LA decision after a review meeting. Default 2.0 h \[E\].
    pub review_decision: Dist,
    /// Amending a plan after review. Default 2.6 h \[E, calibrated\].
    pub review_amendment: Dist,
    /// Hours a year of contact per case held. Default 0.40 h \[E, calibrated\].
    pub contact_hours_per_case_per_year: f64,
}

/// Calendar-day delays, each a distribution in days.
#[derive(Debug, Clone, PartialEq)]
pub struct Delays {
    /// Days to gather evidence (from the school and the family) before the
    /// decision work can start. Default none.
    pub decision_evidence: Option<Dist>,
    /// Health advice. Default triangular 21-35-56 days \[E\].
    pub health_advice: Option<Dist>,
    /// Social care advice. Default triangular 21-35-56 days \[E\].
    pub social_care_advice: Option<Dist>,
    /// School or setting advice. Default triangular 14-28-49 days \[E\].
    pub school_advice: Option<Dist>,
    /// Days the family has to comment on the draft. Default 15 \[S\].
    pub family_comments: Option<Dist>,
    /// Days for the school consultation. Default 15 \[S\].
    pub school_consultation: Option<Dist>,
    /// Days for the family's representations on review amendments.
    /// Default 15 \[S\].
    pub amendment_representations: Option<Dist>,
}

/// The schools' summer closure, each year: school advice and the school
/// consultation do not progress while schools are closed, and a request
/// whose school advice is asked for around a closure of 4 weeks or more may
/// be excepted from the 20-week limit (SEND Regulations 2014, reg 10(4)(a)
/// and 13(3)(a)).
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolClosure {
    /// Off: schools never close and only `requests.exception_share` gives
    /// exceptions.
    pub enabled: bool,
    /// Month the closure begins. Default 7 (July) \[E\].
    pub start_month: u32,
    /// Day of the month the closure begins (1-28). Default 22 \[E\].
    pub start_day: u32,
    /// Weeks the schools stay closed. Default 6 \[S\].
    pub weeks: f64,
    /// Share of requests whose school advice is asked for in the window the
    /// regulations name (from a week before the closure to a week before
    /// the schools reopen) that are recorded as exceptions. Default 0.3
    /// \[E\].
    pub exception_share: f64,
}

/// Educational psychologists: a capacity with its own queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Psychologists {
    /// Off: EP advice is not part of the pathway.
    pub enabled: bool,
    /// FTE on statutory advice. Default 20 \[E\].
    pub fte: f64,
    /// Productive hours per FTE-year. Default 1,450 \[E\].
    pub hours_per_fte_year: f64,
    /// Hours per statutory advice. Default 17.4 h \[S\].
    pub hours_per_advice: Dist,
    /// Yearly growth of the psychologists' FTE, applied each 1 April.
    /// Default 0.
    pub fte_growth_per_year: f64,
    /// Advice is commissioned from outside (locum psychologists) for a
    /// request that would join a queue already this long. Default none.
    pub commission_above: Option<u32>,
    /// Days a commissioned advice takes. Default lognormal mean 35, cv 0.4 \[E\].
    pub commissioned_days: Dist,
    /// Fully loaded cost of one psychologist FTE for a financial year.
    /// Default £75,000 \[E\].
    pub cost_per_fte_year: f64,
    /// Cost of one commissioned advice. Default £1,250 \[S: one county's
    /// 2024 backlog budget].
    pub cost_per_commissioned_advice: f64,
    /// Staff groups on top of `fte`, each in post from its start to its end
    /// (posts filled or falling vacant on a date); they do not grow. Default
    /// none.
    pub groups: Vec<StaffGroup>,
}

/// Annual reviews of plans in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviews {
    /// Off: plans are never reviewed (a simpler model for checking).
    pub enabled: bool,
    /// Days between reviews. Default 365 \[S\].
    pub interval_days: f64,
    /// Days between reviews for under-5s. Default 182 \[S: 3-6 months].
    pub under5_interval_days: f64,
    /// Days after the meeting by which the LA must decide. Default 28 \[S\].
    pub decision_limit_days: f64,
    /// Days after the meeting by which an amended plan must be final.
    /// Default 84 \[S\].
    pub amendment_limit_days: f64,
    /// Share of reviews ending in amendment. Default 0.612 \[S\].
    pub amend_share: f64,
    /// Share of reviews ending in cessation. Default 0.011 \[S\].
    pub cease_share: f64,
    /// Share of reviews whose meeting is held when due; the others are held
    /// late. Default 1 (all on time).
    pub meeting_on_time_share: f64,
    /// Days late a meeting held late is. Default uniform 30-180 \[E\].
    pub late_meeting_days: Dist,
    /// Share of reviews that are a phase transfer between schools (into
    /// reception or year 7), whose amended plan naming the new school must
    /// be final by 15 February (Reg 18). Default 0 (off): about 0.13
    /// \[E: reception and year 7, two of the about 15 year groups holding
    /// plans] is the estimate, but the default county's estimated task hours
    /// were calibrated without transfers and fall far behind with them
    /// (docs/model.md).
    pub transfer_school_share: f64,
    /// Share of reviews that are a phase transfer into post-16 education,
    /// final by 31 March (Reg 18). Default 0 (off): about 0.07 \[E: year
    /// 11, one of about 15 year groups] when on.
    pub transfer_post16_share: f64,
    /// Days after 1 September (of the school year before the transfer) on
    /// which a phase-transfer review meeting is held: the review is brought
    /// forward into the autumn. Default uniform 0-105 (September to
    /// mid-December) \[E\].
    pub transfer_meeting_day: Dist,
    /// Share of phase-transfer reviews ending in amendment. Default 0.80
    /// \[E: MODEL.md section 4].
    pub transfer_amend_share: f64,
    /// Multiplier on a phase-transfer review's caseworker hours. Default
    /// 10/6 \[E: 10 h against 6 h for an amending review, MODEL.md section 5].
    pub transfer_work_multiplier: f64,
}

/// Plans ceasing between reviews (leaving education, moving away).
#[derive(Debug, Clone, PartialEq)]
pub struct Cessation {
    /// Share of plans ceasing a year outside reviews. Default 0.064
    /// \[D: 7.5% in all, less the 1.1% ceased at review].
    pub per_year: f64,
}

/// Appeals to the First-tier Tribunal (SEND): a share of the decisions a
/// family can appeal is appealed; preparing for the hearing takes staff
/// time, part of it the caseworkers'; an appeal that ends with an order
/// (decided for the family or conceded) gives the council work with its own
/// deadline (SEND Regulations 2014, reg 44).
#[derive(Debug, Clone, PartialEq)]
pub struct Appeals {
    /// Off: no decision is appealed.
    pub enabled: bool,
    /// Share of appealable decisions appealed: refusals to assess,
    /// decisions not to issue a plan, plans issued, and review decisions to
    /// amend or cease. Default 0.032 \[S\].
    pub share: f64,
    /// Days from the decision to the hearing (or the end of the appeal).
    /// Default lognormal mean 180, cv 0.3 \[E\].
    pub hearing_days: Dist,
    /// Staff hours to prepare one appeal. Default gamma mean 20 h, cv 0.5
    /// \[E: 15-30 h\].
    pub preparation_hours: Dist,
    /// Days before the hearing over which the preparation is spread.
    /// Default 42 \[E\].
    pub preparation_days: f64,
    /// Share of the preparation done by caseworkers (the rest by a tribunal
    /// or legal team outside the model). Default 0.25 \[E\].
    pub caseworker_share: f64,
    /// Share of appeals ending with an order the council must carry out
    /// (decided for the family, or conceded). Default 0.5 \[E\].
    pub order_share: f64,
}

/// The order in which caseworkers take tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Earliest statutory deadline first (the default).
    EarliestDeadline,
    /// First come, first served.
    FirstComeFirstServed,
    /// New assessments before reviews, each by deadline.
    NewAssessmentsFirst,
    /// Reviews before new assessments, each by deadline.
    ReviewsFirst,
    /// Decisions first, then every other task by deadline
    /// ([`WorkOrder::common_practice`]), the default.
    CommonPractice,
}

/// Caseworkers (EHC co-ordinators, SEN case officers).
#[derive(Debug, Clone, PartialEq)]
pub struct Caseworkers {
    /// Most cases one whole-time caseworker may hold; a part-time post holds
    /// pro rata. Default 500 \[S: the crisis figure].
    pub cap: u32,
    /// Productive hours per FTE-year. Default 1,450 \[E\].
    pub hours_per_fte_year: f64,
    /// Order in which tasks are worked.
    pub order: WorkOrder,
    /// Whether the team works one shared queue (anyone takes the next task)
    /// rather than each caseworker their own cases. Default false.
    pub pooled: bool,
    /// Staff groups. Default one group of 41 FTE for the whole run \[D\].
    pub groups: Vec<StaffGroup>,
    /// Posts that follow demand.
    pub establishment: Establishment,
    /// Turnover and vacancies.
    pub workforce: Workforce,
}

impl Priority {
    /// The order of work this rule names.
    pub fn order(self) -> WorkOrder {
        use TaskKind::*;
        let requests = vec![Decision, Coordination, NoPlan, Drafting, Finalisation];
        let reviews = vec![ReviewDecision, ReviewAmendment];
        let (ranks, within) = match self {
            Priority::EarliestDeadline => (vec![TaskKind::ALL.to_vec()], WithinRank::Deadline),
            Priority::FirstComeFirstServed => (vec![TaskKind::ALL.to_vec()], WithinRank::Arrival),
            Priority::NewAssessmentsFirst => (vec![requests, reviews], WithinRank::Deadline),
            Priority::ReviewsFirst => (vec![reviews, requests], WithinRank::Deadline),
            Priority::CommonPractice => return WorkOrder::common_practice(),
        };
        WorkOrder { ranks, within }
    }
}

/// A group of posts with the same dates.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffGroup {
    /// Name for outputs.
    pub name: String,
    /// Full-time equivalents (> 0).
    pub fte: f64,
    /// First day in post (the start of the run if absent).
    pub start: Option<NaiveDate>,
    /// Last day in post (the end of the run if absent).
    pub end: Option<NaiveDate>,
    /// Productive hours per FTE-year; the caseworkers' figure if absent.
    pub hours_per_fte_year: Option<f64>,
}

/// A stage at which an open request can stand on the start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenStage {
    /// Waiting for the decision to assess.
    AwaitingDecision,
    /// Assessment agreed; advice being gathered. Advice already requested
    /// comes in over the following 6 weeks (see the model's starting state).
    Assessment,
    /// Advice in; plan being drafted, commented on and consulted.
    Drafting,
}

/// Open requests at one stage on the start date.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenRequests {
    /// The stage they stand at.
    pub stage: OpenStage,
    /// How many.
    pub count: u32,
    /// Days since each was received.
    pub age_days: Dist,
}

/// The state on the start date.
#[derive(Debug, Clone, PartialEq)]
pub struct Initial {
    /// Plans in force, next reviews spread evenly over the coming interval.
    /// Default 8,200 \[D\].
    pub plans_in_force: u32,
    /// Of those, plans whose review decision is already overdue. Default 0.
    pub overdue_reviews: u32,
    /// Days each overdue review is past its limit. Default uniform 0-365 \[E\].
    pub overdue_age_days: Dist,
    /// Open requests by stage. Default \[E\]: 240 awaiting a decision (a
    /// council working near the 6-week limit), and in assessment and drafting
    /// the numbers Little's law gives for the default county's flow of agreed
    /// assessments (about 4.3 a day) through about 7 and 5 weeks.
    pub open_requests: Vec<OpenRequests>,
}

/// Largest request rate accepted, so absurd inputs are refused before any
/// memory is set aside for them.
pub const MAX_REQUESTS_PER_YEAR: f64 = 200_000.0;
/// Largest number of initial plans accepted.
pub const MAX_INITIAL_PLANS: u32 = 2_000_000;
/// Longest run accepted, in weeks (50 years).
pub const MAX_HORIZON_WEEKS: u32 = 2_600;
/// Most requests accepted over a whole run (growth included).
pub const MAX_TOTAL_REQUESTS: f64 = 5_000_000.0;
/// Most FTE accepted in one staff group.
pub const MAX_GROUP_FTE: f64 = 10_000.0;

fn days(mean: f64) -> Option<Dist> {
    Some(Dist::Fixed(mean))
}

/// Caseworker hours of a task: gamma with a coefficient of variation of 0.5
/// \[E\], since tasks of one kind differ even within a complexity class.
fn hours(mean: f64) -> Dist {
    Dist::Gamma { mean, cv: 0.5 }
}

/// A calendar delay with the long right tail councils report.
fn lognormal_days(mean: f64, cv: f64) -> Option<Dist> {
    Some(Dist::LogNormal { mean, cv })
}

fn default_work() -> Work {
    Work {
        decision: hours(2.5),
        assessment: hours(3.3),
        no_plan: hours(3.7),
        drafting: hours(5.0),
        finalisation: hours(3.0),
        review_decision: hours(1.6),
        review_amendment: hours(2.6),
        contact_hours_per_case_per_year: 0.40,
    }
}

fn default_delays() -> Delays {
    Delays {
        decision_evidence: lognormal_days(21.0, 0.5),
        health_advice: lognormal_days(40.0, 0.5),
        social_care_advice: lognormal_days(40.0, 0.5),
        school_advice: lognormal_days(31.0, 0.5),
        family_comments: days(15.0),
        school_consultation: lognormal_days(25.0, 0.8),
        amendment_representations: days(15.0),
    }
}

fn default_initial() -> Initial {
    Initial {
        plans_in_force: 8200,
        overdue_reviews: 1500,
        overdue_age_days: Dist::Uniform {
            min: 0.0,
            max: 365.0,
        },
        open_requests: vec![
            OpenRequests {
                stage: OpenStage::AwaitingDecision,
                count: 240,
                age_days: Dist::Uniform {
                    min: 0.0,
                    max: 42.0,
                },
            },
            OpenRequests {
                stage: OpenStage::Assessment,
                count: 210,
                age_days: Dist::Uniform {
                    min: 42.0,
                    max: 98.0,
                },
            },
            OpenRequests {
                stage: OpenStage::Drafting,
                count: 150,
                age_days: Dist::Uniform {
                    min: 90.0,
                    max: 140.0,
                },
            },
        ],
    }
}

impl Default for Scenario {
    fn default() -> Self {
        let start = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or(NaiveDate::MIN);
        Scenario {
            name: "medium-county".into(),
            description: "Built-in medium English county (docs/model.md)".into(),
            calendar: Calendar {
                start,
                days: 260 * 7,
            },
            backlog_cleared_at: 400,
            backlog_target: None,
            baseline: false,
            requests: Requests {
                enabled: true,
                per_year: 2100.0,
                growth_per_year: 0.10,
                monthly_profile: [1.0, 1.0, 1.3, 0.8, 1.0, 1.1, 1.3, 0.4, 0.8, 1.0, 1.1, 1.2],
                refused_share: 0.24,
                withdrawn_share: 0.016,
                no_plan_share: 0.06,
                exception_share: 0.02,
                under5_share: 0.043,
            },
            panel: Panel {
                enabled: true,
                weekday: Weekday::Thu,
            },
            work: default_work(),
            delays: default_delays(),
            school_closure: SchoolClosure {
                enabled: true,
                start_month: 7,
                start_day: 22,
                weeks: 6.0,
                exception_share: 0.3,
            },
            psychologists: Psychologists {
                enabled: true,
                fte: 20.0,
                hours_per_fte_year: 1450.0,
                hours_per_advice: Dist::Gamma {
                    mean: 17.4,
                    cv: 0.3,
                },
                fte_growth_per_year: 0.10,
                commission_above: Some(60),
                commissioned_days: Dist::LogNormal {
                    mean: 35.0,
                    cv: 0.4,
                },
                cost_per_fte_year: 75_000.0,
                cost_per_commissioned_advice: 1_250.0,
                groups: Vec::new(),
            },
            reviews: Reviews {
                enabled: true,
                interval_days: 365.0,
                under5_interval_days: 182.0,
                decision_limit_days: 28.0,
                amendment_limit_days: 84.0,
                amend_share: 0.612,
                cease_share: 0.011,
                meeting_on_time_share: 0.865,
                late_meeting_days: Dist::Uniform {
                    min: 30.0,
                    max: 180.0,
                },
                transfer_school_share: 0.0,
                transfer_post16_share: 0.0,
                transfer_meeting_day: Dist::Uniform {
                    min: 0.0,
                    max: 105.0,
                },
                transfer_amend_share: 0.80,
                transfer_work_multiplier: 10.0 / 6.0,
            },
            cessation: Cessation { per_year: 0.064 },
            appeals: Appeals {
                enabled: true,
                share: 0.032,
                hearing_days: Dist::LogNormal {
                    mean: 180.0,
                    cv: 0.3,
                },
                preparation_hours: Dist::Gamma {
                    mean: 20.0,
                    cv: 0.5,
                },
                preparation_days: 42.0,
                caseworker_share: 0.25,
                order_share: 0.5,
            },
            caseworkers: Caseworkers {
                cap: 500,
                hours_per_fte_year: 1450.0,
                order: WorkOrder::common_practice(),
                pooled: false,
                groups: vec![StaffGroup {
                    name: "caseworkers".into(),
                    fte: 41.0,
                    start: None,
                    end: None,
                    hours_per_fte_year: None,
                }],
                establishment: Establishment {
                    enabled: true,
                    ..Establishment::fixed()
                },
                workforce: Workforce {
                    leaving_per_year: 0.20,
                    agency_cover_after_days: Some(56.0),
                    ..Workforce::default()
                },
            },
            teams: Vec::new(),
            complexity: default_complexity(),
            backlog_team: Vec::new(),
            costs: Costs::default(),
            initial: default_initial(),
        }
    }
}

/// A scenario that has passed every check of the loader, so the model can
/// run it without panicking. Made only by [`load`], [`load_str`],
/// [`Scenario::validate`] and [`ValidScenario::built_in`]; it reads as a
/// [`Scenario`] through `Deref`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidScenario {
    scenario: Scenario,
    warnings: Vec<Problem>,
}

impl ValidScenario {
    /// A scenario the loader has checked, with its warnings.
    pub(crate) fn checked(scenario: Scenario, warnings: Vec<Problem>) -> Self {
        ValidScenario { scenario, warnings }
    }

    /// The built-in medium county ([`Scenario::default`], which a test
    /// checks is valid).
    pub fn built_in() -> Self {
        ValidScenario::checked(Scenario::default(), Vec::new())
    }

    /// Things the checks allowed but that may be mistakes (a staff group
    /// wholly outside the run), each with its place; `ehcsim check` and
    /// `ehcsim run` print them.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario, to change and validate again.
    pub fn into_inner(self) -> Scenario {
        self.scenario
    }
}

impl std::ops::Deref for ValidScenario {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.scenario
    }
}

impl Scenario {
    /// The teams of caseworkers: `teams`, or the `caseworkers` section as
    /// one team holding every case.
    pub fn effective_teams(&self) -> Vec<Team> {
        if !self.teams.is_empty() {
            return self.teams.clone();
        }
        let c = &self.caseworkers;
        vec![Team {
            name: "caseworkers".into(),
            holds: Holds::All,
            cap: c.cap,
            hours_per_fte_year: c.hours_per_fte_year,
            pooled: c.pooled,
            order: c.order.clone(),
            groups: c.groups.clone(),
            establishment: c.establishment.clone(),
            workforce: c.workforce.clone(),
        }]
    }

    /// Runs the loader's checks on a scenario built in code: the scenario is
    /// written as a scenario file and loaded, so exactly the same rules
    /// apply. Problems name the key paths, with places in that generated
    /// text. The monthly profile comes back normalised to mean 1, as from a
    /// file.
    ///
    /// ```
    /// use ehcsim::scenario::Scenario;
    /// let mut s = Scenario::default();
    /// s.requests.refused_share = 1.5;
    /// let problems = s.validate().unwrap_err();
    /// assert_eq!(problems[0].key, "requests.refused_share");
    /// ```
    pub fn validate(self) -> Result<ValidScenario, Vec<Problem>> {
        let text = registry::render::scenario_toml(&self, false);
        let loaded = load_str(&text, std::path::Path::new("(scenario built in code)"))
            .map_err(|e| e.problems().to_vec())?;
        let mut s = self;
        s.requests.monthly_profile = loaded.requests.monthly_profile;
        // Every field is written and read back; a field missing from the
        // registry would show here (and in `every_field_has_a_key`).
        debug_assert_eq!(
            loaded.scenario(),
            &s,
            "a field is missing from the registry"
        );
        let warnings = loaded.warnings().to_vec();
        Ok(ValidScenario::checked(s, warnings))
    }

    /// The end of the run as a simulation day.
    pub fn end_day(&self) -> f64 {
        self.calendar.days as f64
    }

    /// Requests expected over the whole run (growth included), used to
    /// refuse absurd scenarios and to size entity tables up front.
    pub fn expected_requests(&self) -> f64 {
        if !self.requests.enabled {
            return 0.0;
        }
        let years = self.calendar.days as f64 / 365.0;
        let g = self.requests.growth_per_year;
        let growth_factor = if g.abs() < 1e-9 {
            years
        } else {
            ((1.0 + g).powf(years) - 1.0) / (1.0 + g).ln()
        };
        self.requests.per_year * growth_factor
    }
}
