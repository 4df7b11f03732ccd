//! The EHC model. (Being written.)

use crate::results::ReplicationResult;
use crate::scenario::Scenario;
use std::sync::atomic::AtomicBool;

/// Runs one replication; `None` if cancelled.
pub fn simulate(
    scenario: &Scenario,
    replication: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Option<ReplicationResult> {
    let _ = (scenario, cancel);
    Some(ReplicationResult {
        replication,
        seed,
        weeks: 0,
        weekly: vec![],
        kpis: vec![],
        events: 0,
    })
}
