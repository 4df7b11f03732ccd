//! The experiment runner: replications of scenarios, in parallel, gathered
//! in index order and aggregated serially so results do not depend on the
//! thread count; and an estimate of the memory a run needs, to refuse one
//! that cannot fit before it starts.

use crate::engine::replication_seed;
use crate::model;
pub use crate::results::RunResults;
use crate::results::{ReplicationResult, ScenarioInfo, ScenarioResults};
use crate::scenario::{Scenario, ValidScenario};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// How to run an experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunConfig {
    /// Master seed; every replication's streams derive from it.
    pub master_seed: u64,
    /// Replications per scenario (at least 1).
    pub replications: u64,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

/// Memory a run is expected to need, from [`memory_estimate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryEstimate {
    /// Bytes kept for every replication of every scenario until the outputs
    /// are written: weekly values and KPI values.
    pub results: u64,
    /// Bytes of the entity tables of the replications running at once (one
    /// per thread), from the initial plans and the expected requests.
    pub working: u64,
}

impl MemoryEstimate {
    /// The whole estimate in bytes.
    pub fn total(&self) -> u64 {
        self.results.saturating_add(self.working)
    }
}

/// Bytes one case (a request or a plan) takes while a replication runs: its
/// table entry, its events and work-queue entries. Measured sizes are
/// about half this; the margin covers growth of the tables by doubling.
const BYTES_PER_CASE: u64 = 512;
/// KPI values a replication records per financial year, per calendar year
/// and for the whole run (checked against a real replication by a test).
const KPIS_PER_PERIOD: (u64, u64, u64) = (23, 10, 16);
/// Fixed cost of one replication held in memory (its record, vectors).
const BYTES_PER_REPLICATION: u64 = 256;

/// An estimate of the memory running `scenarios` with `config` on
/// `threads` worker threads will need, computed without running anything:
/// per replication, `weeks x` [`Metric::ALL`](crate::results::Metric::ALL)
/// weekly values (8 bytes each) and the KPI values; per running
/// replication, 512 bytes for each initial plan and expected
/// request; plus the aggregated rows.
pub fn memory_estimate(
    scenarios: &[ValidScenario],
    config: &RunConfig,
    threads: usize,
) -> MemoryEstimate {
    use crate::results::{KpiValue, Metric, WeeklyRow};
    let reps = config.replications.max(1);
    let mut results: u64 = 0;
    let mut working: u64 = 0;
    for s in scenarios {
        let weeks = s.calendar.weeks() as u64;
        let years = s.calendar.financial_years().len() as u64;
        let calendar_years = s.calendar.calendar_years().len() as u64;
        let (per_fy, per_cy, whole_run) = KPIS_PER_PERIOD;
        let kpis = years * per_fy + calendar_years * per_cy + whole_run;
        let per_rep = weeks * Metric::ALL.len() as u64 * 8
            + kpis * std::mem::size_of::<KpiValue>() as u64
            + BYTES_PER_REPLICATION;
        let aggregated = weeks * Metric::ALL.len() as u64 * std::mem::size_of::<WeeklyRow>() as u64;
        results = results
            .saturating_add(reps.saturating_mul(per_rep))
            .saturating_add(aggregated);
        let cases = u64::from(s.initial.plans_in_force) + s.expected_requests().max(0.0) as u64;
        working = working.max(cases.saturating_mul(BYTES_PER_CASE));
    }
    let threads = (threads.max(1) as u64).min(reps * scenarios.len().max(1) as u64);
    MemoryEstimate {
        results,
        working: working.saturating_mul(threads),
    }
}

/// The most memory a run may plan to use: three quarters of the machine's
/// physical memory where it can be read (Linux `/proc/meminfo`), else
/// 16 GiB.
pub fn memory_limit() -> u64 {
    const FALLBACK: u64 = 16 << 30;
    physical_memory().map_or(FALLBACK, |m| m / 4 * 3)
}

/// Physical memory in bytes, where the platform tells.
fn physical_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// What the outputs need to know about `scenario`.
pub fn scenario_info(scenario: &Scenario) -> ScenarioInfo {
    ScenarioInfo {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        calendar: scenario.calendar.clone(),
        backlog_cleared_at: scenario.backlog_cleared_at,
        backlog_target: scenario.backlog_target,
    }
}

/// Why an experiment stopped without results.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The cancel flag was raised (Ctrl-C); nothing was written.
    #[error("run cancelled before it finished")]
    Cancelled,
    /// The thread pool could not be built.
    #[error("could not start worker threads: {0}")]
    Threads(String),
}

/// Runs `config.replications` replications of every scenario.
///
/// `progress` is called with the number of replications finished so far
/// (across all scenarios) each time one finishes; `cancel` is polled while
/// each replication's starting state is set up, every 28 simulated days and
/// between scenarios' aggregation, and when raised stops the run with
/// [`RunError::Cancelled`]. The run does not check its memory: callers
/// should compare [`memory_estimate`] with [`memory_limit`] first.
pub fn run(
    scenarios: &[ValidScenario],
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<RunResults, RunError> {
    let reps = config.replications.max(1);
    let indices: Vec<u64> = (0..reps).collect();
    let (per_scenario, elapsed) = run_replications(scenarios, config, &indices, progress, cancel)?;
    let mut results = Vec::with_capacity(scenarios.len());
    for (scenario, reps) in scenarios.iter().zip(per_scenario) {
        if cancel.load(Ordering::Relaxed) {
            return Err(RunError::Cancelled);
        }
        results.push(ScenarioResults::aggregate(scenario_info(scenario), reps));
    }
    let events = results.iter().map(ScenarioResults::events).sum();
    Ok(RunResults {
        scenarios: results,
        master_seed: config.master_seed,
        replications: reps,
        elapsed,
        events,
        comparison: None,
    })
}

/// The replication indices of shard `k` of `n` (`1 <= k <= n`) of a run of
/// `total` replications: every `r < total` with `r % n == k - 1`. Striding
/// rather than contiguous blocks needs no rounding rule, and the shards'
/// sizes differ by at most one.
pub fn shard_indices(total: u64, k: u64, n: u64) -> Vec<u64> {
    if n == 0 || k == 0 || k > n {
        return Vec::new();
    }
    (k - 1..total)
        .step_by(usize::try_from(n).unwrap_or(usize::MAX))
        .collect()
}

/// Runs the replications with the given `indices` (each replication's seed
/// derives from `config.master_seed` and its index, so a replication gives
/// the same result whichever other replications run with it) of every
/// scenario, without aggregating them: one vector per scenario, in the order
/// of `indices`, and the wall-clock time taken. `config.replications` is
/// not used. `progress` and `cancel` as for [`run`].
pub fn run_replications(
    scenarios: &[ValidScenario],
    config: &RunConfig,
    indices: &[u64],
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<(Vec<Vec<ReplicationResult>>, std::time::Duration), RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = config.threads {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    let started = Instant::now();
    let done = std::sync::atomic::AtomicU64::new(0);
    let jobs: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|s| indices.iter().map(move |&r| (s, r)))
        .collect();
    let outcomes: Vec<Option<ReplicationResult>> = pool.install(|| {
        jobs.par_iter()
            .map(|&(s, r)| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let seed = replication_seed(config.master_seed, r);
                let result = model::simulate(&scenarios[s], r, seed, cancel);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                result
            })
            .collect()
    });
    if cancel.load(Ordering::Relaxed) || outcomes.iter().any(Option::is_none) {
        return Err(RunError::Cancelled);
    }
    let elapsed = started.elapsed();
    let mut outcomes = outcomes.into_iter().flatten();
    let per_scenario = scenarios
        .iter()
        .map(|_| outcomes.by_ref().take(indices.len()).collect())
        .collect();
    Ok((per_scenario, elapsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_estimate_counts_every_kpi_a_replication_records() {
        let s = crate::scenario::Scenario::default()
            .validate()
            .expect("the default is valid");
        let never = std::sync::atomic::AtomicBool::new(false);
        let r = model::simulate(&s, 0, 1, &never).expect("not cancelled");
        let cal = &s.calendar;
        let (per_fy, per_cy, whole_run) = KPIS_PER_PERIOD;
        let expected = cal.financial_years().len() as u64 * per_fy
            + cal.calendar_years().len() as u64 * per_cy
            + whole_run;
        assert_eq!(r.kpis.len() as u64, expected);
    }
}
