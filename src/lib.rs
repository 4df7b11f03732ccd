//! # ehcsim
//!
//! A discrete-event Monte Carlo simulator of a council's Education, Health
//! and Care (EHC) plan work: requests for assessment through the statutory
//! 20-week pathway, annual reviews of every plan in force, caseworkers with
//! capped caseloads, educational psychologists and temporary backlog teams.
//!
//! The flow is one way:
//!
//! 1. [`scenario::load`] reads a TOML scenario file into a
//!    [`scenario::ValidScenario`]; a [`scenario::Scenario`] built in code
//!    (from [`scenario::Scenario::default`], the built-in medium county)
//!    becomes one through [`scenario::Scenario::validate`];
//! 2. [`experiment::run`] runs replications of one or more scenarios in
//!    parallel, each a [`model::Simulation`] driven by the domain-free
//!    [`engine`];
//! 3. [`results`] aggregates replications into means and percentiles;
//! 4. [`output`] writes CSV files, a manifest and terminal tables from a
//!    [`results::RunResults`] alone, and [`output::verify`] checks that a
//!    folder holds a complete set.
//!
//! ```
//! use ehcsim::{experiment, scenario::Scenario};
//! let mut s = Scenario::default();
//! s.calendar.days = 7 * 8; // eight weeks, to keep the example quick
//! let s = s.validate().unwrap();
//! let cfg = experiment::RunConfig { master_seed: 1, replications: 2, threads: Some(1) };
//! let run = experiment::run(&[s], &cfg, &|_| {}, &Default::default()).unwrap();
//! assert_eq!(run.scenarios[0].replications.len(), 2);
//! ```

pub mod backtest;
pub mod calendar;
pub mod comparison;
pub mod engine;
pub mod experiment;
pub mod goal;
pub mod model;
pub mod output;
pub mod results;
pub mod scenario;
pub mod sen2;
