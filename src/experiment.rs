//! The experiment runner: replications of scenarios, in parallel, gathered
//! in index order and aggregated serially so results do not depend on the
//! thread count.

use crate::engine::replication_seed;
use crate::model;
pub use crate::results::RunResults;
use crate::results::{ScenarioInfo, ScenarioResults};
use crate::scenario::Scenario;
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

/// What the outputs need to know about `scenario`.
pub fn scenario_info(scenario: &Scenario) -> ScenarioInfo {
    ScenarioInfo {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        calendar: scenario.calendar.clone(),
        backlog_cleared_at: scenario.backlog_cleared_at,
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
/// (across all scenarios) each time one finishes; `cancel` is polled between
/// replications and, when raised, stops the run with [`RunError::Cancelled`].
pub fn run(
    scenarios: &[Scenario],
    config: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<RunResults, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = config.threads {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    let reps = config.replications.max(1);
    let started = Instant::now();
    let done = std::sync::atomic::AtomicU64::new(0);
    let jobs: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|s| (0..reps).map(move |r| (s, r)))
        .collect();
    let outcomes: Vec<Option<crate::results::ReplicationResult>> = pool.install(|| {
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
    let mut results = Vec::with_capacity(scenarios.len());
    for scenario in scenarios {
        let reps: Vec<_> = outcomes.by_ref().take(reps as usize).collect();
        results.push(ScenarioResults::aggregate(scenario_info(scenario), reps));
    }
    let events = results.iter().map(ScenarioResults::events).sum();
    Ok(RunResults {
        scenarios: results,
        master_seed: config.master_seed,
        replications: reps,
        elapsed,
        events,
    })
}
