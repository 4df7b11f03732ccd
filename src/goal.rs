//! Goal-seek with confidence: the smallest FTE of one staff group for which
//! a target is met in at least a stated share of replications.
//!
//! Every candidate FTE is run with the same master seed, so replication `r`
//! of each candidate sees the same requests and chance events (common
//! random numbers) and neighbouring candidates differ by the staffing
//! alone. The search assumes that more FTE never makes the target less
//! likely: it doubles the FTE from one step until the target is met, then
//! halves the interval between the last candidate that failed and the first
//! that met it, down to one step. Every candidate it ran is returned, and
//! [`GoalResult::non_monotone`] lists any pair where more FTE met the
//! target clearly less often (beyond two standard errors), so that a
//! failure of the assumption is shown rather than hidden.

use crate::calendar::FinancialYear;
use crate::experiment::{self, RunConfig, RunError};
use crate::results::{Kpi, Period, ScenarioResults};
use crate::scenario::{Scenario, StaffGroup};
use chrono::NaiveDate;
use std::sync::atomic::AtomicBool;

/// What must hold in a replication for it to count as meeting the target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// A KPI of a period at or above (`at_least`) or at or below a value.
    Kpi {
        /// The KPI.
        kpi: Kpi,
        /// Its period.
        period: Period,
        /// `>=` when true, `<=` when false.
        at_least: bool,
        /// The threshold.
        value: f64,
    },
    /// The backlog cleared on this date: overdue reviews at the last week's
    /// end on or before it at or below the scenario's `backlog_cleared_at`.
    ClearedBy(NaiveDate),
}

/// Why a goal cannot be sought.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GoalError {
    /// The target text does not parse.
    #[error("--target {0:?}: write KPI>=VALUE or KPI<=VALUE (for example compliance_20_weeks>=0.6 with --period FY2027-28), or backlog_clearance_date<=YYYY-MM-DD")]
    Target(String),
    /// The KPI is not one of the outputs.
    #[error("--target: no KPI is called `{0}`; the KPIs are those of summary.csv (docs/outputs.md), such as compliance_20_weeks, review_decisions_within_4_weeks, overdue_reviews_at_year_end")]
    UnknownKpi(String),
    /// The period does not parse.
    #[error("--period {0:?}: write FY2027-28 (or FY2027) for a financial year, CY2027 for a calendar year, or horizon")]
    Period(String),
    /// A per-year KPI was given without a period.
    #[error("--target {0}: say which year with --period (for example --period FY2027-28)")]
    NoPeriod(String),
    /// The scenario has no group of that name.
    #[error("--vary {wanted}: the scenario has no staff group of that name; its groups are {groups} (or vary `psychologists`)")]
    UnknownGroup {
        /// The name given.
        wanted: String,
        /// The groups there are.
        groups: String,
    },
    /// A candidate scenario failed validation.
    #[error("the scenario with {fte} FTE in `{group}` is not valid: {message}")]
    Invalid {
        /// The group.
        group: String,
        /// The candidate FTE.
        fte: f64,
        /// What validation said.
        message: String,
    },
    /// The run was cancelled.
    #[error("goal-seek cancelled")]
    Cancelled,
    /// The thread pool could not start.
    #[error("could not start worker threads: {0}")]
    Threads(String),
}

impl Target {
    /// Parses `KPI>=VALUE`, `KPI<=VALUE` or `backlog_clearance_date<=DATE`;
    /// `period` is required for a KPI reported by year.
    pub fn parse(text: &str, period: Option<&str>) -> Result<Target, GoalError> {
        let bad = || GoalError::Target(text.to_string());
        let (name, at_least, value) = if let Some((k, v)) = text.split_once(">=") {
            (k.trim(), true, v.trim())
        } else if let Some((k, v)) = text.split_once("<=") {
            (k.trim(), false, v.trim())
        } else {
            return Err(bad());
        };
        if name == "backlog_clearance_date" {
            if at_least {
                return Err(bad());
            }
            let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
            return Ok(Target::ClearedBy(date));
        }
        let kpi = *Kpi::ALL
            .iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| GoalError::UnknownKpi(name.to_string()))?;
        let value: f64 = value.parse().map_err(|_| bad())?;
        if !value.is_finite() {
            return Err(bad());
        }
        let period = match period {
            Some(p) => parse_period(p)?,
            None if is_horizon_kpi(kpi) => Period::Horizon,
            None => return Err(GoalError::NoPeriod(text.to_string())),
        };
        Ok(Target::Kpi {
            kpi,
            period,
            at_least,
            value,
        })
    }

    /// Whether replication `i` of `s` meets the target.
    fn met(&self, s: &ScenarioResults, i: usize) -> bool {
        let r = &s.replications[i];
        match *self {
            Target::Kpi {
                kpi,
                period,
                at_least,
                value,
            } => match r.kpi(kpi, period) {
                Some(v) if at_least => v >= value,
                Some(v) => v <= value,
                None => false,
            },
            Target::ClearedBy(date) => crate::comparison::cleared_on(s, i, date) == Some(true),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Kpi {
                kpi,
                period,
                at_least,
                value,
            } => write!(
                f,
                "{} {} {value} in {period}",
                kpi.name(),
                if *at_least { ">=" } else { "<=" }
            ),
            Target::ClearedBy(d) => write!(f, "backlog cleared by {}", d.format("%-d %B %Y")),
        }
    }
}

fn is_horizon_kpi(kpi: Kpi) -> bool {
    matches!(
        kpi,
        Kpi::BacklogClearanceWeek
            | Kpi::BacklogNeverCleared
            | Kpi::PeakCaseload
            | Kpi::PeakUnallocatedCases
    )
}

/// Parses `FY2027-28`, `FY2027`, `CY2027` or `horizon`.
pub fn parse_period(text: &str) -> Result<Period, GoalError> {
    let bad = || GoalError::Period(text.to_string());
    let t = text.trim();
    if t.eq_ignore_ascii_case("horizon") {
        return Ok(Period::Horizon);
    }
    if let Some(rest) = t.strip_prefix("FY") {
        let (first, second) = match rest.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (rest, None),
        };
        let year: i32 = first.parse().map_err(|_| bad())?;
        if let Some(b) = second {
            let next: i32 = b.parse().map_err(|_| bad())?;
            if next != (year + 1).rem_euclid(100) {
                return Err(bad());
            }
        }
        return Ok(Period::Year(FinancialYear(year)));
    }
    if let Some(rest) = t.strip_prefix("CY") {
        return Ok(Period::CalendarYear(rest.parse().map_err(|_| bad())?));
    }
    Err(bad())
}

/// What to vary and how.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalSpec {
    /// The staff group whose FTE is sought (a caseworker, team or backlog
    /// group by name), or `psychologists`.
    pub vary: String,
    /// The target.
    pub target: Target,
    /// The share of replications that must meet it.
    pub confidence: f64,
    /// The FTE grid's step.
    pub step: f64,
    /// The most FTE to try.
    pub max_fte: f64,
    /// A start date for the varied group (the recruitment lead time).
    pub from: Option<NaiveDate>,
}

/// One candidate FTE and how often it met the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The FTE of the varied group.
    pub fte: f64,
    /// Replications that met the target.
    pub met: u64,
    /// Replications run.
    pub replications: u64,
    /// Median over replications of the run's total cost, pounds.
    pub total_cost: Option<f64>,
    /// Median paired difference of the run's total cost from the candidate
    /// at 0 FTE (the first run), pounds.
    pub extra_cost: Option<f64>,
}

impl Candidate {
    /// Share of replications meeting the target.
    pub fn probability(&self) -> f64 {
        self.met as f64 / self.replications.max(1) as f64
    }

    /// The Wilson score interval (95%) of the probability: the sampling
    /// uncertainty of a share from this many replications.
    pub fn interval(&self) -> (f64, f64) {
        let n = self.replications.max(1) as f64;
        let p = self.probability();
        let z: f64 = 1.96;
        let denom = 1.0 + z * z / n;
        let centre = (p + z * z / (2.0 * n)) / denom;
        let half = z * ((p * (1.0 - p) / n) + z * z / (4.0 * n * n)).sqrt() / denom;
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }
}

/// What the search found.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalResult {
    /// Every candidate run, in FTE order.
    pub candidates: Vec<Candidate>,
    /// The smallest FTE meeting the target with the confidence asked, if
    /// any up to the maximum.
    pub answer: Option<Candidate>,
    /// The candidate one step below the answer (for contrast).
    pub step_below: Option<Candidate>,
    /// Pairs (smaller FTE, larger FTE) where the larger met the target
    /// clearly less often.
    pub non_monotone: Vec<(f64, f64)>,
}

/// The scenario with `fte` in the varied group (0 removes it).
fn candidate(base: &Scenario, spec: &GoalSpec, fte: f64) -> Result<Scenario, GoalError> {
    let mut s = base.clone();
    if spec.vary == "psychologists" {
        if spec.from.is_some() {
            return Err(GoalError::Invalid {
                group: spec.vary.clone(),
                fte,
                message: "psychologists have one FTE figure and no start date, so --from does \
                          not apply; vary a staff group to give posts a start"
                    .into(),
            });
        }
        s.psychologists.fte = fte;
        s.psychologists.enabled = s.psychologists.enabled && fte > 0.0;
        return Ok(s);
    }
    let set = |groups: &mut Vec<StaffGroup>| -> bool {
        let Some(i) = groups.iter().position(|g| g.name == spec.vary) else {
            return false;
        };
        if fte <= 0.0 {
            groups.remove(i);
        } else {
            groups[i].fte = fte;
            if let Some(from) = spec.from {
                groups[i].start = Some(from);
            }
        }
        true
    };
    let found = if s.teams.is_empty() {
        set(&mut s.caseworkers.groups)
    } else {
        s.teams.iter_mut().any(|t| set(&mut t.groups))
    } || set(&mut s.backlog_team);
    if !found {
        let mut names: Vec<String> = s
            .caseworkers
            .groups
            .iter()
            .map(|g| g.name.clone())
            .collect();
        if !s.teams.is_empty() {
            names = s
                .teams
                .iter()
                .flat_map(|t| t.groups.iter().map(|g| g.name.clone()))
                .collect();
        }
        names.extend(s.backlog_team.iter().map(|g| g.name.clone()));
        return Err(GoalError::UnknownGroup {
            wanted: spec.vary.clone(),
            groups: names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(s)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(crate::results::quantile_sorted(&v, 0.5))
}

fn total_costs(s: &ScenarioResults) -> Vec<f64> {
    s.replications
        .iter()
        .map(|r| r.kpi(Kpi::TotalCost, Period::Horizon).unwrap_or(0.0))
        .collect()
}

/// Seeks the smallest FTE on the grid `0, step, 2 step, ...` up to
/// `spec.max_fte` meeting `spec.target` in at least `spec.confidence` of
/// `config.replications` replications; `progress` is told of each
/// candidate as it finishes.
pub fn seek(
    base: &Scenario,
    spec: &GoalSpec,
    config: &RunConfig,
    progress: &dyn Fn(&Candidate),
    cancel: &AtomicBool,
) -> Result<GoalResult, GoalError> {
    // Checked once up front so that a wrong name fails before any run.
    candidate(base, spec, spec.step)?;
    let steps_max = (spec.max_fte / spec.step).floor().max(1.0) as u64;
    let mut done: Vec<(u64, Candidate)> = Vec::new();
    let mut zero_costs: Option<Vec<f64>> = None;
    let mut eval = |k: u64| -> Result<Candidate, GoalError> {
        if let Some((_, c)) = done.iter().find(|(j, _)| *j == k) {
            return Ok(c.clone());
        }
        let fte = k as f64 * spec.step;
        let s = candidate(base, spec, fte)?;
        let valid = s.validate().map_err(|problems| GoalError::Invalid {
            group: spec.vary.clone(),
            fte,
            message: problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        })?;
        let run = experiment::run(std::slice::from_ref(&valid), config, &|_| {}, cancel).map_err(
            |e| match e {
                RunError::Cancelled => GoalError::Cancelled,
                RunError::Threads(t) => GoalError::Threads(t),
            },
        )?;
        let results = &run.scenarios[0];
        let met = (0..results.replications.len())
            .filter(|&i| spec.target.met(results, i))
            .count() as u64;
        let costs = total_costs(results);
        let zero = zero_costs.get_or_insert_with(|| costs.clone());
        let extra: Vec<f64> = costs.iter().zip(zero.iter()).map(|(a, b)| a - b).collect();
        let c = Candidate {
            fte,
            met,
            replications: results.replications.len() as u64,
            total_cost: median(costs),
            extra_cost: median(extra),
        };
        progress(&c);
        done.push((k, c.clone()));
        Ok(c)
    };
    let meets = |c: &Candidate| c.probability() >= spec.confidence;
    // k = 0 first: it is the comparison for every cost. For psychologists
    // it cannot be the answer: with none, EP advice leaves the pathway
    // (advice stops waiting for anyone), which would "meet" a target by
    // dropping the step rather than by staffing it.
    let mut lo: Option<u64> = None;
    let mut hi: Option<u64> = None;
    let zero_can_answer = spec.vary != "psychologists";
    if meets(&eval(0)?) && zero_can_answer {
        hi = Some(0);
    } else {
        lo = Some(0);
        let mut k = 1;
        loop {
            if meets(&eval(k)?) {
                hi = Some(k);
                break;
            }
            lo = Some(k);
            if k >= steps_max {
                break;
            }
            k = (k * 2).min(steps_max);
        }
    }
    if let (Some(mut l), Some(mut h)) = (lo, hi) {
        while h - l > 1 {
            let mid = l + (h - l) / 2;
            if meets(&eval(mid)?) {
                h = mid;
            } else {
                l = mid;
            }
        }
        hi = Some(h);
    }
    let mut candidates: Vec<(u64, Candidate)> = done;
    candidates.sort_by_key(|(k, _)| *k);
    let find = |k: u64| {
        candidates
            .iter()
            .find(|(j, _)| *j == k)
            .map(|(_, c)| c.clone())
    };
    let answer = hi.and_then(find);
    let step_below = hi.filter(|&h| h > 0).and_then(|h| find(h - 1));
    let mut non_monotone = Vec::new();
    for (i, (_, a)) in candidates.iter().enumerate() {
        for (_, b) in &candidates[i + 1..] {
            let (pa, pb) = (a.probability(), b.probability());
            let n = a.replications.max(1) as f64;
            let se = ((pa * (1.0 - pa) + pb * (1.0 - pb)) / n).sqrt();
            if pa - pb > 2.0 * se.max(1.0 / n) {
                non_monotone.push((a.fte, b.fte));
            }
        }
    }
    Ok(GoalResult {
        candidates: candidates.into_iter().map(|(_, c)| c).collect(),
        answer,
        step_below,
        non_monotone,
    })
}

/// The cheapest pair of FTEs for two groups, from [`seek_pair`].
#[derive(Debug, Clone, PartialEq)]
pub struct PairResult {
    /// The second group's name.
    pub second: String,
    /// For each FTE of the first group tried, the smallest FTE of the
    /// second that meets the target (the candidate run), if any.
    pub combinations: Vec<(f64, Option<Candidate>)>,
    /// The combination with the lowest median total cost.
    pub cheapest: Option<(f64, Candidate)>,
}

/// The cheapest combination of FTE in two groups that meets the target:
/// the first group alone (the second at 0) bounds the search; then for each
/// FTE of the first group on the grid, from 0 up to that bound, the
/// smallest FTE of the second is sought as [`seek`] does, and the pair with
/// the lowest median total cost over the run wins. More of the first group
/// should need no more of the second, so each search for the second stops
/// at the answer found for less of the first.
pub fn seek_pair(
    base: &Scenario,
    spec: &GoalSpec,
    second: &str,
    config: &RunConfig,
    progress: &dyn Fn(&Candidate),
    cancel: &AtomicBool,
) -> Result<PairResult, GoalError> {
    let second_spec = GoalSpec {
        vary: second.to_string(),
        ..spec.clone()
    };
    // Both names are checked before anything runs.
    candidate(base, &second_spec, spec.step)?;
    candidate(base, spec, spec.step)?;
    let without_second = candidate(base, &second_spec, 0.0)?;
    let alone = seek(&without_second, spec, config, progress, cancel)?;
    let top = alone.answer.as_ref().map_or(spec.max_fte, |a| a.fte);
    let mut combinations = Vec::new();
    let mut max_second = spec.max_fte;
    let mut k = 0u64;
    loop {
        let first = k as f64 * spec.step;
        if first > top + 1e-9 {
            break;
        }
        let with_first = candidate(base, spec, first)?;
        let inner = GoalSpec {
            max_fte: max_second.max(spec.step),
            ..second_spec.clone()
        };
        let found = seek(&with_first, &inner, config, progress, cancel)?.answer;
        if let Some(c) = &found {
            max_second = c.fte;
        }
        combinations.push((first, found));
        k += 1;
    }
    let cheapest = combinations
        .iter()
        .filter_map(|(a, c)| c.as_ref().map(|c| (*a, c.clone())))
        .min_by(|x, y| {
            let cost = |c: &Candidate| c.total_cost.unwrap_or(f64::INFINITY);
            cost(&x.1).total_cmp(&cost(&y.1))
        });
    Ok(PairResult {
        second: second.to_string(),
        combinations,
        cheapest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_periods_parse_and_bad_ones_say_what_to_write() {
        assert_eq!(
            Target::parse("compliance_20_weeks>=0.6", Some("FY2027-28")),
            Ok(Target::Kpi {
                kpi: Kpi::Compliance20Weeks,
                period: Period::Year(FinancialYear(2027)),
                at_least: true,
                value: 0.6
            })
        );
        assert_eq!(
            Target::parse("backlog_clearance_date<=2028-03-31", None),
            Ok(Target::ClearedBy(
                NaiveDate::from_ymd_opt(2028, 3, 31).unwrap()
            ))
        );
        assert_eq!(parse_period("CY2027"), Ok(Period::CalendarYear(2027)));
        assert_eq!(
            parse_period("FY2027"),
            Ok(Period::Year(FinancialYear(2027)))
        );
        assert!(parse_period("FY2027-29").is_err());
        assert!(matches!(
            Target::parse("compliance_20_weeks>=0.6", None),
            Err(GoalError::NoPeriod(_))
        ));
        assert!(matches!(
            Target::parse("nonsense>=1", Some("horizon")),
            Err(GoalError::UnknownKpi(_))
        ));
        assert!(matches!(
            Target::parse("x=1", None),
            Err(GoalError::Target(_))
        ));
        assert!(matches!(
            Target::parse("backlog_clearance_date>=2028-03-31", None),
            Err(GoalError::Target(_))
        ));
    }

    #[test]
    fn the_wilson_interval_brackets_the_share() {
        let c = Candidate {
            fte: 1.0,
            met: 160,
            replications: 200,
            total_cost: None,
            extra_cost: None,
        };
        let (lo, hi) = c.interval();
        // 0.8 from 200: about 0.74 to 0.85.
        assert!(
            (lo - 0.739).abs() < 0.005 && (hi - 0.849).abs() < 0.005,
            "{lo} {hi}"
        );
    }
}
