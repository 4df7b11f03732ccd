//! Figures for a scenario derived from a council's SEN2 rows, each with
//! where it came from.

use std::fmt;

use super::{LaFigures, YearFigures, FIRST_CENSUS, LAST_CENSUS, LAST_YEAR};

/// Lowest yearly growth [`scenario_figures`] returns; a council's own
/// figure below it is capped and the provenance says so.
pub const GROWTH_MIN: f64 = -0.05;
/// Highest yearly growth [`scenario_figures`] returns (25% a year; a few
/// councils' requests grew faster from small or disrupted bases).
pub const GROWTH_MAX: f64 = 0.25;

/// Fewest years between the first and last figure for a growth rate.
const MIN_GROWTH_SPAN: u16 = 3;

/// Where a derived figure came from, in MODEL.md's marks.
#[derive(Debug, Clone, PartialEq)]
pub enum Provenance {
    /// \[S\] a published figure, as published.
    Sourced(String),
    /// \[D\] computed from published figures.
    Derived(String),
    /// \[E\] missing for the council in SEN2: England's figure used.
    National(String),
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Provenance::Sourced(s) => write!(f, "[S] {s}"),
            Provenance::Derived(s) => write!(f, "[D] {s}"),
            Provenance::National(s) => write!(f, "[E] missing in SEN2, national share used: {s}"),
        }
    }
}

/// A value with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The value: a count, or a share as a fraction (0.25, not 25).
    pub value: f64,
    /// Where it came from.
    pub provenance: Provenance,
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.provenance)
    }
}

/// The published KPIs of one calendar year, for back-testing a scenario;
/// percentages as published (46.4 means 46.4%), `None` where SEN2 has none.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedKpis {
    /// The calendar year.
    pub year: u16,
    /// New plans issued within 20 weeks, exceptions excluded, percent
    /// (`PC_plans_issued_20_weeks_ex`).
    pub within_20_weeks_ex_pc: Option<f64>,
    /// Decisions whether to assess within 6 weeks, percent (2023-).
    pub decisions_within_6_weeks_pc: Option<f64>,
    /// New plans issued (`plans_issued_den`).
    pub plans_issued: Option<i64>,
    /// Plans in force at the January census opening the year.
    pub plans_in_force_january: Option<i64>,
    /// Plans in force at the January census after the year.
    pub plans_in_force_next_january: Option<i64>,
    /// Review decisions within 4 weeks of the meeting, percent (2024 only).
    pub review_decisions_within_4_weeks_pc: Option<f64>,
}

/// A council's figures for a scenario. Shares are fractions. `None` only
/// where neither the council nor England has the figure.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedFigures {
    /// The council's name.
    pub name: String,
    /// The council's LA code.
    pub code: String,
    /// Requests received in the latest year that has them.
    pub requests_per_year: Option<Figure>,
    /// Yearly growth: geometric mean of requests over the years available
    /// in 2019-2024 (at least 3 apart), else of plans in force over the
    /// January censuses 2019-2025, else England's requests; capped to
    /// [`GROWTH_MIN`]..=[`GROWTH_MAX`].
    pub growth_per_year: Option<Figure>,
    /// Refused at the decision: not to assess / (to assess + not to assess).
    pub refused_share: Option<Figure>,
    /// Withdrawn before the decision: withdrawn / (to assess + not to
    /// assess + withdrawn).
    pub withdrawn_share: Option<Figure>,
    /// No plan after assessment: not issued / (issued + not issued).
    pub no_plan_share: Option<Figure>,
    /// Plans in force at the latest January census that has them.
    pub plans_in_force: Option<Figure>,
    /// Plans ceased in a year / plans in force at that year's January
    /// (all cessations, at review and between reviews).
    pub cessation_per_year: Option<Figure>,
    /// Reviews ending in amendment, of amend + cease + maintain (2024);
    /// England's where the council recorded fewer outcomes than
    /// [`MIN_OUTCOMES_PER_MEETING`] of its meetings.
    pub amend_share: Option<Figure>,
    /// Reviews ending in cessation, of amend + cease + maintain (2024).
    pub cease_share: Option<Figure>,
    /// New plans issued with a legal exception to the 20-week limit:
    /// (issued - issued excluding exceptions) / issued.
    pub exception_share: Option<Figure>,
    /// England's share of plans issued with an exception, the same year
    /// rule, to scale the built-in exception shares by.
    pub england_exception_share: Option<f64>,
    /// SEND Tribunal appeals registered / appealable decisions, the latest
    /// year published (Ministry of Justice).
    pub appeal_share: Option<Figure>,
    /// The published KPIs, 2019-2024.
    pub kpis: Vec<PublishedKpis>,
}

/// The median of some values (`None` if empty; the mean of the two middle
/// values for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// A ratio with its description, from the latest year that has it.
type Ratio = Option<(f64, String)>;

fn share(num: Option<i64>, den: Option<i64>) -> Option<f64> {
    let (n, d) = (num? as f64, den? as f64);
    (d > 0.0 && n >= 0.0).then_some(n / d)
}

fn latest_year(la: &LaFigures, f: impl Fn(&YearFigures) -> Option<f64>) -> Option<(u16, f64)> {
    la.years
        .iter()
        .rev()
        .find_map(|y| f(y).map(|v| (y.year, v)))
}

fn refused(la: &LaFigures) -> Ratio {
    latest_year(la, |y| {
        let decided = Some(y.decided_to_assess? + y.decided_not_to_assess?);
        share(y.decided_not_to_assess, decided)
    })
    .map(|(yr, v)| {
        (v, format!("SEN2 requests.csv {yr}: requests_decided_not_to_assess / (requests_decided_to_assess + requests_decided_not_to_assess)"))
    })
}

fn withdrawn(la: &LaFigures) -> Ratio {
    latest_year(la, |y| {
        let all = Some(y.decided_to_assess? + y.decided_not_to_assess? + y.withdrawn?);
        share(y.withdrawn, all)
    })
    .map(|(yr, v)| {
        (v, format!("SEN2 requests.csv {yr}: requests_withdrawn / (requests_decided_to_assess + requests_decided_not_to_assess + requests_withdrawn)"))
    })
}

fn no_plan(la: &LaFigures) -> Ratio {
    latest_year(la, |y| {
        let done = Some(y.assessed_plan_issued? + y.assessed_plan_not_issued?);
        share(y.assessed_plan_not_issued, done)
    })
    .map(|(yr, v)| {
        (
            v,
            format!(
                "SEN2 assessments.csv {yr}: assess_not_issued / (assess_issued + assess_not_issued)"
            ),
        )
    })
}

fn exception(la: &LaFigures) -> Ratio {
    latest_year(la, |y| {
        let excepted = Some(y.plans_issued? - y.plans_issued_ex?);
        share(excepted, y.plans_issued)
    })
    .map(|(yr, v)| {
        (v, format!("SEN2 timeliness_20_week.csv {yr}: (plans_issued_den - plans_issued_den_ex) / plans_issued_den"))
    })
}

fn appeal_rate(la: &LaFigures) -> Ratio {
    let t = la.tribunal.as_ref()?;
    t.years
        .iter()
        .rev()
        .find_map(|y| y.appeal_rate_pc.map(|pc| (y.year, pc)))
        .map(|(yr, pc)| {
            (
                pc / 100.0,
                format!("MoJ tribunals_appeal_rate_2014_2024.csv {yr}: SEND appeals registered / appealable decisions"),
            )
        })
}

fn cessation(la: &LaFigures) -> Ratio {
    latest_year(la, |y| share(y.plans_ceased, la.plans_in_force(y.year))).map(|(yr, v)| {
        (
            v,
            format!("SEN2 ceased_plans.csv {yr} total_ceased / caseload.csv January {yr} ehcplans"),
        )
    })
}

/// Fewest review outcomes (amend + cease + maintain), as a share of the
/// meetings held, for a council's outcome shares to be used: several
/// councils record 0 or 1 outcome for thousands of meetings (Bolton: 1 for
/// 2,646), which would give amend shares of 0% or 100%.
pub const MIN_OUTCOMES_PER_MEETING: f64 = 0.1;

/// Why a council's review outcomes are not used although published.
fn too_few_outcomes(la: &LaFigures) -> Option<String> {
    let a = la.annual_reviews.as_ref()?;
    let all = a.outcome_amend? + a.outcome_cease? + a.outcome_maintain?;
    let meetings = a.meetings_held?;
    ((all as f64) < MIN_OUTCOMES_PER_MEETING * meetings as f64).then(|| {
        format!(
            "{}: {all} review outcomes recorded for {meetings} meetings, too few to use",
            la.name
        )
    })
}

fn review_outcome(la: &LaFigures, amend: bool) -> Ratio {
    let a = la.annual_reviews.as_ref()?;
    if too_few_outcomes(la).is_some() {
        return None;
    }
    let all = Some(a.outcome_amend? + a.outcome_cease? + a.outcome_maintain?);
    let (num, col) = if amend {
        (a.outcome_amend, "outcome_amend")
    } else {
        (a.outcome_cease, "outcome_cease")
    };
    share(num, all).map(|v| {
        (
            v,
            format!(
                "SEN2 annual_reviews.csv {}: {col} / (outcome_amend + outcome_cease + outcome_maintan)",
                a.year
            ),
        )
    })
}

/// Geometric mean growth between the first and last of some (period,
/// value) pairs, if they are at least [`MIN_GROWTH_SPAN`] apart.
fn geometric_growth(points: &[(u16, Option<i64>)]) -> Option<(f64, u16, u16)> {
    let present: Vec<(u16, f64)> = points
        .iter()
        .filter_map(|&(p, v)| v.filter(|&v| v > 0).map(|v| (p, v as f64)))
        .collect();
    let (&(p0, v0), &(p1, v1)) = (present.first()?, present.last()?);
    let span = p1.checked_sub(p0)?;
    (span >= MIN_GROWTH_SPAN).then(|| ((v1 / v0).powf(1.0 / f64::from(span)) - 1.0, p0, p1))
}

fn growth(la: &LaFigures) -> Ratio {
    let requests: Vec<(u16, Option<i64>)> = la
        .years
        .iter()
        .map(|y| (y.year, y.requests_received))
        .collect();
    if let Some((g, a, b)) = geometric_growth(&requests) {
        return Some((
            g,
            format!("SEN2 requests.csv: geometric mean yearly growth of requests_received_in_year {a}-{b}"),
        ));
    }
    let plans: Vec<(u16, Option<i64>)> = (FIRST_CENSUS..=LAST_CENSUS)
        .map(|j| (j, la.plans_in_force(j)))
        .collect();
    geometric_growth(&plans).map(|(g, a, b)| {
        (
            g,
            format!("SEN2 caseload.csv: geometric mean yearly growth of plans in force, January {a}-{b} (requests too few years)"),
        )
    })
}

/// The council's ratio, else England's marked as national, else `None`.
fn with_fallback(
    la: &LaFigures,
    england: &LaFigures,
    f: impl Fn(&LaFigures) -> Ratio,
) -> Option<Figure> {
    if let Some((value, text)) = f(la) {
        return Some(Figure {
            value,
            provenance: Provenance::Derived(text),
        });
    }
    f(england).map(|(value, text)| Figure {
        value,
        provenance: Provenance::National(format!("England, {text}")),
    })
}

/// Appends why the council's own published figure was not used.
fn noting(fig: Option<Figure>, note: Option<String>) -> Option<Figure> {
    match (fig, note) {
        (
            Some(Figure {
                value,
                provenance: Provenance::National(s),
            }),
            Some(n),
        ) => Some(Figure {
            value,
            provenance: Provenance::National(format!("{s} ({n})")),
        }),
        (fig, _) => fig,
    }
}

fn cap_growth(fig: Option<Figure>) -> Option<Figure> {
    fig.map(|f| {
        let capped = f.value.clamp(GROWTH_MIN, GROWTH_MAX);
        if capped == f.value {
            return f;
        }
        let note = format!(
            "; capped from {:.1}% to {:.1}% a year",
            f.value * 100.0,
            capped * 100.0
        );
        let provenance = match f.provenance {
            Provenance::Sourced(s) => Provenance::Sourced(s + &note),
            Provenance::Derived(s) => Provenance::Derived(s + &note),
            Provenance::National(s) => Provenance::National(s + &note),
        };
        Figure {
            value: capped,
            provenance,
        }
    })
}

/// Figures for a scenario of one council, each with its provenance; where
/// the council's figure is missing in SEN2, England's share is used and
/// marked \[E\] (counts have no national fallback). Pure: it reads only its
/// arguments. `england` is [`super::Sen2::england`].
pub fn scenario_figures(la: &LaFigures, england: &LaFigures) -> DerivedFigures {
    let requests_per_year = la
        .years
        .iter()
        .rev()
        .find_map(|y| y.requests_received.map(|r| (y.year, r)))
        .map(|(yr, r)| Figure {
            value: r as f64,
            provenance: Provenance::Sourced(format!(
                "SEN2 requests.csv {yr}, requests_received_in_year"
            )),
        });
    let plans_in_force = (FIRST_CENSUS..=LAST_CENSUS)
        .rev()
        .find_map(|j| la.plans_in_force(j).map(|p| (j, p)))
        .map(|(j, p)| Figure {
            value: p as f64,
            provenance: Provenance::Sourced(format!(
                "SEN2 caseload.csv time_period {}{:02} (January {j} census), ehcplans",
                j - 1,
                j % 100
            )),
        });
    let kpis = la
        .years
        .iter()
        .map(|y| PublishedKpis {
            year: y.year,
            within_20_weeks_ex_pc: y.pc_within_20_weeks_ex,
            decisions_within_6_weeks_pc: y.decisions_within_6_weeks_pc,
            plans_issued: y.plans_issued,
            plans_in_force_january: la.plans_in_force(y.year),
            plans_in_force_next_january: la.plans_in_force(y.year + 1),
            review_decisions_within_4_weeks_pc: la
                .annual_reviews
                .as_ref()
                .filter(|a| a.year == y.year)
                .and_then(|a| a.decisions_within_4_weeks_pc),
        })
        .collect();
    debug_assert!(la.years.last().is_none_or(|y| y.year == LAST_YEAR));
    DerivedFigures {
        name: la.name.clone(),
        code: la.code.clone(),
        requests_per_year,
        growth_per_year: cap_growth(with_fallback(la, england, growth)),
        refused_share: with_fallback(la, england, refused),
        withdrawn_share: with_fallback(la, england, withdrawn),
        no_plan_share: with_fallback(la, england, no_plan),
        plans_in_force,
        cessation_per_year: with_fallback(la, england, cessation),
        amend_share: noting(
            with_fallback(la, england, |l| review_outcome(l, true)),
            too_few_outcomes(la),
        ),
        cease_share: noting(
            with_fallback(la, england, |l| review_outcome(l, false)),
            too_few_outcomes(la),
        ),
        exception_share: with_fallback(la, england, exception),
        england_exception_share: exception(england).map(|(v, _)| v),
        appeal_share: with_fallback(la, england, appeal_rate),
        kpis,
    }
}
