//! `ehcsim run --shard K/N` (one slice of a run's replications, written as
//! raw per-replication results) and `ehcsim merge` (the slices back into
//! the files the whole run would have written). Kept apart from `cli.rs`'s
//! `run` so that the two grow without stepping on each other; the reading,
//! writing and checking of shard folders is in the library
//! (`ehcsim::output::shard`).

use super::{gib, load_all, print_out, report_cmd, Failure, RunArgs, TEST_PAUSE_VAR};
use anyhow::{anyhow, Context};
use ehcsim::experiment::{self, RunConfig, RunError};
use ehcsim::output::report::{adapter, ReportData, ReportOptions, RunInfo, SourceInfo};
use ehcsim::output::shard::{
    self, ReportSections, RunOptions, ShardError, ShardManifest, ShardScenario, ShardSpec,
};
use ehcsim::output::{self, ManifestInput, ScenarioSource};
use ehcsim::scenario::ValidScenario;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// `ehcsim merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard folders written by `ehcsim run --shard K/N`, one for each K.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Folder for the merged output files (created if missing).
    #[arg(long, short = 'o', default_value = "ehcsim-out")]
    out: PathBuf,
}

fn bad(e: impl Into<anyhow::Error>) -> Failure {
    Failure::BadInput(e.into())
}

/// `ehcsim run ... --shard K/N`: runs the shard's replications of every
/// scenario and writes the shard folder.
pub fn run_shard(args: RunArgs, spec: ShardSpec) -> Result<(), Failure> {
    let (scenarios, sources): (Vec<ValidScenario>, Vec<ScenarioSource>) =
        if args.scenarios.is_empty() {
            let s = ValidScenario::built_in();
            let source = ScenarioSource::built_in(s.name.clone());
            (vec![s], vec![source])
        } else {
            load_all(&args.scenarios)?.into_iter().unzip()
        };
    if spec.count > args.reps {
        return Err(bad(anyhow!(
            "--shard {spec}: {} shards of {} replications would leave some shards empty; use at \
             most {} shards",
            spec.count,
            args.reps,
            args.reps
        )));
    }
    // The bytes of each scenario file, stored in the shard so that the
    // merge does not need the files; their hash is checked against the one
    // taken when the file was loaded.
    let mut texts = Vec::with_capacity(sources.len());
    for source in &sources {
        texts.push(match &source.file {
            Some(file) => Some(
                std::fs::read(file)
                    .with_context(|| format!("{}: cannot read scenario file", file.display()))
                    .map_err(Failure::BadInput)?,
            ),
            None => None,
        });
    }
    let baseline = super::baseline_index(&args, &scenarios)?;
    let indices = experiment::shard_indices(args.reps, spec.index, spec.count);
    let config = RunConfig {
        master_seed: args.seed,
        replications: indices.len() as u64,
        threads: args.threads.map(usize::from),
    };
    // The shard keeps only its own replications, so its estimate counts
    // only those.
    let threads = args
        .threads
        .map_or_else(rayon::current_num_threads, usize::from);
    let need = experiment::memory_estimate(&scenarios, &config, threads);
    let limit = experiment::memory_limit();
    if need.total() > limit {
        return Err(bad(anyhow!(
            "shard {spec} would need about {} of memory ({} for the results of its {} \
             replications x {} scenario(s), {} for the replications running at once), more than \
             the {} allowed (three quarters of physical memory, or 16 GiB where that cannot be \
             read); split the run into more shards, use fewer threads or a shorter horizon",
            gib(need.total()),
            gib(need.results),
            indices.len(),
            scenarios.len(),
            gib(need.working),
            gib(limit),
        )));
    }
    let copies: Vec<Option<String>> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| s.file.as_ref().map(|_| shard::scenario_copy_name(i)))
        .collect();
    let mut names: Vec<&str> = vec![shard::SHARD_REPLICATIONS, shard::SHARD_MANIFEST];
    names.extend(copies.iter().flatten().map(String::as_str));
    output::prepare_dir(&args.out, &names).map_err(bad)?;
    super::print_load_checks(&scenarios, args.quiet);
    let cancel = super::cancel_on_ctrl_c();
    let results = experiment::run_replications(&scenarios, &config, &indices, &|_| {}, &cancel);
    let (replications, elapsed) = match results {
        Ok(r) => r,
        Err(RunError::Cancelled) => {
            eprintln!("interrupted: stopped before the shard finished; no output files were written or changed");
            return Err(Failure::Interrupted);
        }
        Err(e) => return Err(Failure::Other(e.into())),
    };
    if !args.quiet {
        let events: u64 = replications.iter().flatten().map(|r| r.events).sum();
        eprintln!(
            "shard {spec}: simulated {:.1} million events in {:.2} s on {threads} thread(s)",
            events as f64 / 1e6,
            elapsed.as_secs_f64(),
        );
    }
    let ReportOptions { report, charts } = args.report.options();
    let options = RunOptions {
        report,
        charts,
        baseline,
    };
    // The report's sections built from the scenario files, built now, as
    // the single run would, since the merge may run where the files (and
    // any file they extend) are not.
    let sections = if report {
        let data = ReportData {
            run: RunInfo {
                sources: sources
                    .iter()
                    .map(|s| SourceInfo {
                        name: s.name.clone(),
                        file: s.file.as_ref().map(|f| f.to_string_lossy().into_owned()),
                        sha256: s.sha256.clone(),
                    })
                    .collect(),
                ..RunInfo::default()
            },
            ..ReportData::default()
        };
        let data = report_cmd::with_scenario_sections(data);
        ReportSections::new(data.differences.as_ref(), &data.assumptions)
    } else {
        ReportSections::default()
    };
    let plain: Vec<&ehcsim::scenario::Scenario> = scenarios.iter().map(|s| &**s).collect();
    let changes = match baseline {
        Some(b) => ehcsim::comparison::staffing_changes(&plain, b),
        None => vec![None; scenarios.len()],
    };
    let records = scenarios
        .iter()
        .zip(&sources)
        .zip(copies)
        .zip(changes)
        .map(|(((s, src), copy), change)| ShardScenario {
            staffing_change: change,
            ..ShardScenario::new(&experiment::scenario_info(s), src, copy)
        })
        .collect();
    let manifest = ShardManifest::new(
        std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        args.seed,
        args.reps,
        spec,
        options,
        records,
        sections,
    );
    if cancel.load(Ordering::SeqCst) {
        eprintln!("interrupted: stopped before writing the shard; no output files were written or changed");
        return Err(Failure::Interrupted);
    }
    let written = match shard::write_shard(&args.out, manifest, &texts, &replications) {
        Ok(w) => w,
        Err(e @ ShardError::Changed { .. }) => return Err(bad(e)),
        Err(e) => return Err(Failure::Other(e.into())),
    };
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    print_out(&format!(
        "shard {spec}: {} of the {} replications of each of {} scenario(s); merge the {} shard \
         folders with `ehcsim merge`\nwrote {}\n",
        indices.len(),
        args.reps,
        scenarios.len(),
        spec.count,
        names.join(", ")
    ))
}

/// `ehcsim merge SHARD_DIR... --out DIR`.
pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    let mut shards = Vec::with_capacity(args.shards.len());
    let mut records = Vec::with_capacity(args.shards.len());
    for dir in &args.shards {
        let s = shard::read_shard(dir).map_err(bad)?;
        let sha = output::sha256_file(&dir.join(shard::SHARD_MANIFEST))
            .with_context(|| format!("cannot read {}", dir.display()))
            .map_err(Failure::BadInput)?;
        records.push((dir.clone(), s.manifest.clone(), sha));
        shards.push(s);
    }
    shard::check_together(&shards).map_err(bad)?;
    // Shard 1's record stands for all (they agree on everything that
    // changes the outputs); its command line gives the equivalent run's.
    let first = shards
        .iter()
        .find(|s| s.manifest.shard.index == 1)
        .map(|s| s.manifest.clone())
        .ok_or_else(|| bad(anyhow!("shard 1 is missing")))?;
    let mut run = shard::merge(shards).map_err(bad)?;
    let mut files = output::OUTPUT_FILES.to_vec();
    if let Some(b) = first.options.baseline {
        if b >= run.scenarios.len() {
            return Err(bad(anyhow!(
                "shard 1 names scenario {} of {} as the baseline",
                b + 1,
                run.scenarios.len()
            )));
        }
        let staffing: Vec<Option<String>> = first
            .scenarios
            .iter()
            .map(|s| s.staffing_change.clone())
            .collect();
        run.comparison = Some(ehcsim::comparison::compare(&run, b, &staffing));
        files.extend(output::COMPARISON_FILES);
    }
    output::prepare_dir(&args.out, &files).map_err(bad)?;
    let input = ManifestInput {
        command_line: shard::equivalent_run_command(
            &first.command_line,
            &args.out.to_string_lossy(),
        ),
        scenarios: first.scenarios.iter().map(ShardScenario::source).collect(),
    };
    let pause = std::env::var(TEST_PAUSE_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::ZERO, Duration::from_millis);
    let options = output::WriteOptions {
        cancel: None,
        pause,
    };
    let mut written = output::write_all(&args.out, &run, &input, &options)
        .map_err(|e| Failure::Other(e.into()))?;
    let merge_command: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    shard::add_merge_record(&args.out, &shard::merge_record(&records, &merge_command))
        .map_err(|e| Failure::Other(e.into()))?;
    let report = ReportOptions {
        report: first.options.report,
        charts: first.options.charts,
    };
    if report.report || report.charts {
        let sections = first.report_sections.clone();
        let finish = move |mut data: ReportData| {
            data.differences = sections.differences();
            data.assumptions = sections.assumptions();
            data
        };
        let files = adapter::write_run_report(&args.out, &run, report, &finish)
            .map_err(|e| Failure::Other(e.into()))?;
        written.extend(report_cmd::compact(&args.out, files));
    }
    print_out(&output::summary_table(&run))?;
    if let Some(c) = &run.comparison {
        print_out(&format!("\n{}", output::comparison_table(&run, c)))?;
    }
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    print_out(&format!(
        "\nmerged {} shards: wrote {}\n",
        records.len(),
        names.join(", ")
    ))
}
