//! `ehcsim goal`: the smallest FTE of one staff group that meets a target
//! with a stated confidence (the search is `ehcsim::goal`).

use super::{load_all, print_out, Failure};
use anyhow::anyhow;
use ehcsim::experiment::RunConfig;
use ehcsim::goal::{self, Candidate, GoalError, GoalSpec, Target};
use ehcsim::output::goal::{write_goal, write_pair, GoalOutputError, GOAL_FILES};
use ehcsim::output::{format_pounds, ScenarioSource};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// `ehcsim goal`.
#[derive(Debug, clap::Args)]
pub struct GoalArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// The staff group whose FTE is sought, by name (a caseworker, team or
    /// backlog-team group), or `psychologists`; given twice, the cheapest
    /// combination of the two.
    #[arg(long, required = true)]
    vary: Vec<String>,
    /// What must hold: KPI>=VALUE or KPI<=VALUE (a KPI of summary.csv), or
    /// backlog_clearance_date<=YYYY-MM-DD.
    #[arg(long)]
    target: String,
    /// The period of a per-year KPI: FY2027-28, CY2027 or horizon.
    #[arg(long)]
    period: Option<String>,
    /// Share of replications that must meet the target.
    #[arg(long, default_value_t = 0.8)]
    confidence: f64,
    /// FTE step between candidates.
    #[arg(long, default_value_t = 0.5)]
    step: f64,
    /// The most FTE to try.
    #[arg(long, default_value_t = 200.0)]
    max: f64,
    /// First day in post of the varied group (recruitment lead time).
    #[arg(long, value_name = "DATE")]
    from: Option<chrono::NaiveDate>,
    /// Replications per candidate.
    #[arg(long, short = 'n', default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    reps: u64,
    /// Master seed, the same for every candidate (common random numbers).
    #[arg(long, short = 's', default_value_t = 1)]
    seed: u64,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Also write goal.csv (every candidate) and charts/goal-seek.svg and
    /// .png (probability of meeting the target against FTE) into this folder.
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Writes the search's files when `--out` is given, and says where.
fn write_files(
    out: Option<&PathBuf>,
    write: impl FnOnce(&std::path::Path) -> Result<Vec<PathBuf>, GoalOutputError>,
) -> Result<(), Failure> {
    let Some(dir) = out else {
        return Ok(());
    };
    let written = write(dir).map_err(|e| Failure::Other(e.into()))?;
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    eprintln!("wrote {}", names.join(", "));
    Ok(())
}

fn describe(c: &Candidate) -> String {
    let (lo, hi) = c.interval();
    format!(
        "{} FTE: target met in {} of {} replications ({:.0}%, 95% interval {:.0}% to {:.0}%)",
        c.fte,
        c.met,
        c.replications,
        c.probability() * 100.0,
        lo * 100.0,
        hi * 100.0
    )
}

/// Runs the search and prints the answer.
pub fn goal(args: &GoalArgs) -> Result<(), Failure> {
    let bad = |e: GoalError| Failure::BadInput(e.into());
    if !(args.confidence > 0.0 && args.confidence <= 1.0) {
        return Err(Failure::BadInput(anyhow!(
            "--confidence {}: give a share above 0 and at most 1, such as 0.8",
            args.confidence
        )));
    }
    let grid_ok = args.step > 0.0
        && args.step.is_finite()
        && args.max.is_finite()
        && args.max >= args.step
        && args.max / args.step <= 1e6;
    if !grid_ok {
        return Err(Failure::BadInput(anyhow!(
            "--step {} --max {}: give a step above 0 and a maximum of at least one step (and at most a million steps)",
            args.step,
            args.max
        )));
    }
    let target = Target::parse(&args.target, args.period.as_deref()).map_err(bad)?;
    let loaded: Vec<(ehcsim::scenario::ValidScenario, ScenarioSource)> =
        load_all(std::slice::from_ref(&args.scenario))?;
    let base = loaded[0].0.clone().into_inner();
    if args.vary.len() > 2 {
        return Err(Failure::BadInput(anyhow!(
            "--vary given {} times: vary one group, or two for the cheapest combination",
            args.vary.len()
        )));
    }
    let spec = GoalSpec {
        vary: args.vary[0].clone(),
        target,
        confidence: args.confidence,
        step: args.step,
        max_fte: args.max,
        from: args.from,
    };
    let config = RunConfig {
        master_seed: args.seed,
        replications: args.reps,
        threads: args.threads.map(usize::from),
    };
    let cancel = super::cancel_on_ctrl_c();
    eprintln!(
        "seeking the smallest FTE of `{}` in `{}` for {} in at least {:.0}% of {} replications \
         (steps of {} FTE, same seed for every candidate)",
        spec.vary,
        base.name,
        spec.target,
        spec.confidence * 100.0,
        args.reps,
        spec.step
    );
    let started = Instant::now();
    let progress = |c: &Candidate| {
        eprintln!(
            "  {} [{:.1} s]",
            describe(c),
            started.elapsed().as_secs_f64()
        );
    };
    if let Some(dir) = &args.out {
        // A bad folder fails now, not after the search.
        ehcsim::output::prepare_dir(dir, &GOAL_FILES).map_err(|e| Failure::BadInput(e.into()))?;
    }
    if let Some(second) = args.vary.get(1) {
        let result = pair(&base, &spec, second, &config, &progress, &cancel, started)?;
        return write_files(args.out.as_ref(), |dir| {
            write_pair(dir, &base.name, &spec, &result)
        });
    }
    let result = match goal::seek(&base, &spec, &config, &progress, &cancel) {
        Ok(r) => r,
        Err(GoalError::Cancelled) => {
            eprintln!("interrupted: goal-seek stopped");
            return Err(Failure::Interrupted);
        }
        Err(e @ GoalError::Threads(_)) => return Err(Failure::Other(e.into())),
        Err(e) => return Err(bad(e)),
    };
    let mut out = String::new();
    match &result.answer {
        Some(a) => {
            out.push_str(&format!(
                "Answer: {} FTE in `{}`{}: {} meets {} in {:.0}% of replications (95% interval {:.0}% to {:.0}%), at least the {:.0}% asked.\n",
                a.fte,
                spec.vary,
                spec.from.map_or(String::new(), |d| format!(" from {d}")),
                base.name,
                spec.target,
                a.probability() * 100.0,
                a.interval().0 * 100.0,
                a.interval().1 * 100.0,
                spec.confidence * 100.0
            ));
            if let (Some(total), Some(extra)) = (a.total_cost, a.extra_cost) {
                out.push_str(&format!(
                    "Cost over the run: {} in all (median), {} more than with 0 FTE in the group (median of paired differences).\n",
                    format_pounds(total),
                    format_pounds(extra)
                ));
            }
            match &result.step_below {
                Some(b) => out.push_str(&format!("One step below: {}.\n", describe(b))),
                None => out.push_str("The target is met with no FTE in the group.\n"),
            }
        }
        None => out.push_str(&format!(
            "No answer up to {} FTE: the target is not met in {:.0}% of replications with any FTE tried (the most was {}). Raise --max, or check whether another constraint binds (psychologists, the cap, other teams).\n",
            spec.max_fte,
            spec.confidence * 100.0,
            result.candidates.last().map_or(0.0, |c| c.fte)
        )),
    }
    for (a, b) in &result.non_monotone {
        out.push_str(&format!(
            "Warning: {b} FTE met the target clearly less often than {a} FTE (beyond two standard errors), so the search's assumption that more FTE never hurts fails here; look at the candidates above.\n"
        ));
    }
    out.push_str(&format!(
        "Searched {} candidates in {:.1} s: doubling from one step until the target was met, then halving the interval down to one step.\n",
        result.candidates.len(),
        started.elapsed().as_secs_f64()
    ));
    print_out(&out)?;
    write_files(args.out.as_ref(), |dir| {
        write_goal(dir, &base.name, &spec, &result)
    })
}

/// `--vary A --vary B`: the cheapest combination.
fn pair(
    base: &ehcsim::scenario::Scenario,
    spec: &GoalSpec,
    second: &str,
    config: &RunConfig,
    progress: &dyn Fn(&Candidate),
    cancel: &AtomicBool,
    started: Instant,
) -> Result<goal::PairResult, Failure> {
    let result = match goal::seek_pair(base, spec, second, config, progress, cancel) {
        Ok(r) => r,
        Err(GoalError::Cancelled) => {
            eprintln!("interrupted: goal-seek stopped");
            return Err(Failure::Interrupted);
        }
        Err(e @ GoalError::Threads(_)) => return Err(Failure::Other(e.into())),
        Err(e) => return Err(Failure::BadInput(e.into())),
    };
    let mut out = format!(
        "Combinations of `{}` and `{second}` that meet {} in at least {:.0}% of replications (the smallest `{second}` for each `{}`):\n",
        spec.vary,
        spec.target,
        spec.confidence * 100.0,
        spec.vary
    );
    for (a, c) in &result.combinations {
        match c {
            Some(c) => out.push_str(&format!(
                "  {a} FTE + {} FTE: {:.0}% of replications, total cost over the run {} (median)\n",
                c.fte,
                c.probability() * 100.0,
                c.total_cost.map_or("n/a".into(), format_pounds)
            )),
            None => out.push_str(&format!(
                "  {a} FTE: no FTE of `{second}` up to the maximum meets it\n"
            )),
        }
    }
    match &result.cheapest {
        Some((a, c)) => out.push_str(&format!(
            "Cheapest: {a} FTE in `{}` and {} FTE in `{second}`, {} over the run (median).\n",
            spec.vary,
            c.fte,
            c.total_cost.map_or("n/a".into(), format_pounds)
        )),
        None => out.push_str("No combination tried meets the target.\n"),
    }
    out.push_str(&format!(
        "Searched in {:.1} s: `{}` alone (with no `{second}`) bounds the search; for each step of `{}` up to that bound, the smallest `{second}` by doubling then halving; the pair with the lowest median total cost wins.\n",
        started.elapsed().as_secs_f64(),
        spec.vary,
        spec.vary
    ));
    print_out(&out)?;
    Ok(result)
}
