//! The command line: argument definitions and the four commands. This is
//! the edge of the program: it reads files, prints, and maps failures to
//! exit codes; the library below it does neither.

use anyhow::{anyhow, Context};
use clap::{Parser, Subcommand};
use ehcsim::experiment::{self, RunConfig, RunError};
use ehcsim::output::{self, ManifestInput, ScenarioSource};
use ehcsim::scenario::{self, ValidScenario};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Simulate a council's EHC assessment and annual-review workload.
#[derive(Debug, Parser)]
#[command(name = "ehcsim", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("EHCSIM_GIT_REVISION"), ")"))]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run replications of one or more scenarios and write the results.
    Run(RunArgs),
    /// Check scenario files without running them.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a commented scenario template listing every parameter.
    Init {
        /// Where to write it (`-` for standard output).
        #[arg(default_value = "scenario.toml")]
        path: PathBuf,
        /// Overwrite the file (or symbolic link) if it exists.
        #[arg(long)]
        force: bool,
        /// Write a scenario for this English council (name or LA code) from
        /// its published SEN2 figures instead of the template.
        #[arg(long, value_name = "COUNCIL")]
        from_sen2: Option<String>,
    },
    /// Run the back-test scenarios from 2022 and compare their projections
    /// with the figures the councils published for 2022-2024.
    Backtest(backtest_cmd::BacktestArgs),
    /// Check that an output folder holds a complete set of files: every
    /// file the manifest lists, with the size and SHA-256 it records.
    Verify {
        /// The output folder.
        #[arg(default_value = "ehcsim-out")]
        dir: PathBuf,
    },
    /// Rebuild report.html and report.md from an output folder's files.
    Report(report_cmd::ReportArgs),
    /// Find the smallest FTE of one staff group that meets a target in at
    /// least a stated share of replications.
    Goal(goal_cmd::GoalArgs),
    /// Merge the shard folders of `ehcsim run --shard K/N` into the files
    /// the whole run would have written.
    Merge(shard_cmd::MergeArgs),
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Scenario files (TOML); none runs the built-in medium county.
    scenarios: Vec<PathBuf>,
    /// Replications per scenario.
    #[arg(long, short = 'n', default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    reps: u64,
    /// Master seed: the same seed gives the same results.
    #[arg(long, short = 's', default_value_t = 1)]
    seed: u64,
    /// Folder for the output files (created if missing).
    #[arg(long, short = 'o', default_value = "ehcsim-out")]
    out: PathBuf,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// No progress bar and no timing line on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Compare every other scenario with this one (its name, or its file
    /// as given): paired differences, extra cost and cost per extra plan
    /// on time, into comparison.csv and costs.csv.
    #[arg(long, value_name = "SCENARIO")]
    baseline: Option<String>,
    #[command(flatten)]
    report: report_cmd::RunReportArgs,
    /// Run only shard K of N of the replications (those with index r % N
    /// = K - 1) and write their raw results into OUT for `ehcsim merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<ehcsim::output::shard::ShardSpec>,
}

/// How a command failed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: scenario files, arguments, an unusable output folder (2).
    BadInput(anyhow::Error),
    /// Stopped by Ctrl-C (130).
    Interrupted,
    /// Anything else (1).
    Other(anyhow::Error),
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::BadInput(_) => 2,
            Failure::Interrupted => 130,
            Failure::Other(_) => 1,
        }
    }
}

/// Runs the parsed command.
pub fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => match args.shard {
            Some(shard) => shard_cmd::run_shard(args, shard),
            None => run(args),
        },
        Command::Check { files } => check(&files),
        Command::Init {
            path,
            force,
            from_sen2,
        } => init(&path, force, from_sen2.as_deref()),
        Command::Backtest(args) => backtest_cmd::backtest(&args),
        Command::Verify { dir } => verify(&dir),
        Command::Report(args) => report_cmd::rebuild(&args),
        Command::Goal(args) => goal_cmd::goal(&args),
        Command::Merge(args) => shard_cmd::merge(&args),
    }
}

/// Prints to stdout, treating a closed pipe (output piped into `head`) as
/// the reader having seen enough rather than as an error; any other failure
/// says it was standard output that could not be written.
fn print_out(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Other(
            anyhow::Error::new(e).context("could not write to standard output"),
        )),
        _ => Ok(()),
    }
}

/// Loads every scenario, collecting every file's problems before failing.
fn load_all(files: &[PathBuf]) -> Result<Vec<(ValidScenario, ScenarioSource)>, Failure> {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match scenario::load(file) {
            Ok(s) => {
                print_warnings(&s);
                let source = ScenarioSource::from_file(s.name.clone(), file)
                    .with_context(|| format!("{}: cannot hash scenario file", file.display()))
                    .map_err(Failure::BadInput)?;
                loaded.push((s, source));
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::BadInput(anyhow!(errors.join("\n"))));
    }
    let names: Vec<(&str, &Path)> = loaded
        .iter()
        .zip(files)
        .map(|((s, _), f)| (s.name.as_str(), f.as_path()))
        .collect();
    if let Some(message) = scenario::duplicate_names(&names) {
        return Err(Failure::BadInput(anyhow!(message)));
    }
    Ok(loaded)
}

/// Prints a scenario's warnings on stderr.
fn print_warnings(s: &ValidScenario) {
    for w in s.warnings() {
        eprintln!("{w}");
    }
}

fn check(files: &[PathBuf]) -> Result<(), Failure> {
    let mut failed = Vec::new();
    for file in files {
        match scenario::load(file) {
            Ok(s) => {
                print_warnings(&s);
                print_out(&format!("ok: {} (scenario `{}`)\n", file.display(), s.name))?
            }
            Err(e) => failed.push(e.to_string()),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::BadInput(anyhow!(failed.join("\n"))))
    }
}

fn init(path: &Path, force: bool, from_sen2: Option<&str>) -> Result<(), Failure> {
    let (text, what) = match from_sen2 {
        Some(council) => {
            let sen2 = ehcsim::sen2::embedded().map_err(|e| Failure::Other(e.into()))?;
            let la = sen2
                .lookup(council)
                .map_err(|e| Failure::BadInput(e.into()))?;
            let figures = sen2.scenario_figures(la);
            (
                ehcsim::sen2::scenario::scenario_toml(&figures),
                format!(
                    "a scenario for {} from its SEN2 figures ([E] marks estimates to replace)",
                    la.name
                ),
            )
        }
        None => (
            scenario::TEMPLATE.to_string(),
            "every parameter with its default".to_string(),
        ),
    };
    if path.as_os_str() == "-" {
        return print_out(&text);
    }
    let bad = |msg: String| Err(Failure::BadInput(anyhow!(msg)));
    // `symlink_metadata`, not `exists`: a dangling link exists too.
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if let Some(target) = output::dangling_link(path) {
            if !force {
                return bad(format!(
                    "{} is a symbolic link to {}, which does not exist; pass --force to replace the link with the template",
                    path.display(),
                    target.display()
                ));
            }
        } else if path.is_dir() {
            return bad(format!("{} is a folder; give a file name", path.display()));
        } else if !force {
            let what = if meta.file_type().is_symlink() {
                "is a symbolic link"
            } else {
                "already exists"
            };
            return bad(format!(
                "{} {what}; choose another path or pass --force to overwrite it",
                path.display()
            ));
        }
    }
    output::write_atomic(path, |w| w.write_all(text.as_bytes()))
        .map_err(|e| Failure::BadInput(e.into()))?;
    print_out(&format!(
        "wrote {}: {what}; edit and run `ehcsim run {}`\n",
        path.display(),
        path.display()
    ))
}

fn verify(dir: &Path) -> Result<(), Failure> {
    match output::verify(dir) {
        Ok(v) => {
            let names: Vec<&str> = v.files.iter().map(|f| f.name.as_str()).collect();
            let seed = v.manifest["master_seed"].to_string();
            let version = v.manifest["ehcsim_version"].as_str().unwrap_or("?");
            print_out(&format!(
                "ok: {} is a complete set ({} and manifest.json; ehcsim {version}, master seed {seed})\n",
                dir.display(),
                names.join(", ")
            ))
        }
        Err(e @ output::VerifyError::Unreadable { .. }) => Err(Failure::BadInput(e.into())),
        Err(e) => Err(Failure::Other(e.into())),
    }
}

/// A hidden switch for the tests: pause this many milliseconds after each
/// output file is staged and after each is renamed, so that a test can
/// interrupt writing at a known point.
const TEST_PAUSE_VAR: &str = "EHCSIM_TEST_WRITE_PAUSE_MS";

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / f64::from(1u32 << 30))
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let (scenarios, sources): (Vec<_>, Vec<ScenarioSource>) = if args.scenarios.is_empty() {
        let s = ValidScenario::built_in();
        if !args.quiet {
            eprintln!("no scenario given: running the built-in medium county (`ehcsim init` writes it out to edit)");
        }
        let source = ScenarioSource::built_in(s.name.clone());
        (vec![s], vec![source])
    } else {
        load_all(&args.scenarios)?.into_iter().unzip()
    };
    let config = RunConfig {
        master_seed: args.seed,
        replications: args.reps,
        threads: args.threads.map(usize::from),
    };
    // A run that cannot fit in memory should be refused now, not abort with
    // an allocation failure after minutes.
    let threads = args
        .threads
        .map_or_else(rayon::current_num_threads, usize::from);
    let need = experiment::memory_estimate(&scenarios, &config, threads);
    let limit = experiment::memory_limit();
    if need.total() > limit {
        let per_rep = need.results / (args.reps * scenarios.len() as u64).max(1);
        let fit =
            (limit.saturating_sub(need.working) / per_rep.max(1) / scenarios.len() as u64).max(1);
        return Err(Failure::BadInput(anyhow!(
            "this run would need about {} of memory ({} for the results of {} replications x {} \
             scenario(s), {} for the replications running at once), more than the {} allowed \
             (three quarters of physical memory, or 16 GiB where that cannot be read); use \
             fewer replications (--reps {} or fewer would fit), a shorter horizon \
             (calendar.horizon_weeks), or fewer scenarios per run",
            gib(need.total()),
            gib(need.results),
            args.reps,
            scenarios.len(),
            gib(need.working),
            gib(limit),
            fit.min(args.reps.saturating_sub(1).max(1)),
        )));
    }
    let baseline = baseline_index(&args, &scenarios)?;
    // A bad output folder should fail now, not after a long run.
    let mut files = output::OUTPUT_FILES.to_vec();
    if baseline.is_some() {
        files.extend(output::COMPARISON_FILES);
    }
    output::prepare_dir(&args.out, &files).map_err(|e| Failure::BadInput(e.into()))?;
    print_load_checks(&scenarios, args.quiet);
    let cancel = cancel_on_ctrl_c();

    let total = args.reps * scenarios.len() as u64;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} replications, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let shown = AtomicBool::new(false);
    let progress = |done: u64| {
        // Only runs longer than a second earn a bar; indicatif hides it by
        // itself when stderr is not a terminal.
        if !args.quiet
            && started.elapsed() > Duration::from_secs(1)
            && !shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_position(done);
    };
    let results = experiment::run(&scenarios, &config, &progress, &cancel);
    bar.finish_and_clear();
    let mut results = match results {
        Ok(r) => r,
        Err(RunError::Cancelled) => {
            eprintln!("interrupted: stopped before the run finished; no output files were written or changed");
            return Err(Failure::Interrupted);
        }
        Err(e) => return Err(Failure::Other(e.into())),
    };
    if !args.quiet {
        eprintln!(
            "simulated {:.1} million events in {:.2} s: {:.1} million events per second on {} thread(s)",
            results.events as f64 / 1e6,
            results.elapsed.as_secs_f64(),
            results.events_per_second() / 1e6,
            threads
        );
    }
    if let Some(b) = baseline {
        let plain: Vec<&scenario::Scenario> = scenarios.iter().map(|s| &**s).collect();
        let staffing = ehcsim::comparison::staffing_changes(&plain, b);
        results.comparison = Some(ehcsim::comparison::compare(&results, b, &staffing));
    }
    let input = ManifestInput {
        command_line: std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        scenarios: sources,
    };
    let pause = std::env::var(TEST_PAUSE_VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::ZERO, Duration::from_millis);
    let options = output::WriteOptions {
        cancel: Some(&cancel),
        pause,
    };
    let written = match output::write_all(&args.out, &results, &input, &options) {
        Ok(w) => w,
        Err(output::OutputError::Cancelled) => {
            eprintln!("interrupted: stopped while writing the outputs, before replacing any file; earlier results are untouched");
            return Err(Failure::Interrupted);
        }
        Err(e) => return Err(Failure::Other(e.into())),
    };
    let mut written = written;
    written.extend(args.report.write(&args.out, &results)?);
    print_out(&output::summary_table(&results))?;
    if let Some(c) = &results.comparison {
        print_out(&format!("\n{}", output::comparison_table(&results, c)))?;
    }
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    print_out(&format!("\nwrote {}\n", names.join(", ")))
}

/// Prints where each scenario stands before it runs: a team asked for more
/// hours than it has cannot keep up, whatever the order of work.
fn print_load_checks(scenarios: &[ValidScenario], quiet: bool) {
    for s in scenarios {
        let rows = ehcsim::model::load_check(s);
        let text = output::load_check_text(&s.name, &rows, quiet);
        if !text.is_empty() {
            eprint!("{text}");
        }
    }
}

/// A flag that Ctrl-C raises, for a run to stop cleanly.
fn cancel_on_ctrl_c() -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let raised = Arc::clone(&cancel);
    // Without a handler Ctrl-C still stops the program, just less politely.
    let _ = ctrlc::set_handler(move || raised.store(true, Ordering::SeqCst));
    cancel
}

/// The baseline of a run ([`find_baseline`]), checked: the others must be
/// comparable with it.
fn baseline_index(args: &RunArgs, scenarios: &[ValidScenario]) -> Result<Option<usize>, Failure> {
    let baseline = find_baseline(args, scenarios)?;
    if let Some(b) = baseline {
        let plain: Vec<&scenario::Scenario> = scenarios.iter().map(|s| &**s).collect();
        ehcsim::comparison::check(&plain, b).map_err(|e| Failure::BadInput(e.into()))?;
    }
    Ok(baseline)
}

/// Which scenario is the baseline: the one `--baseline` names (by name, by
/// its file as given, or by the file's stem), else the one whose file says
/// `baseline = true` (when it runs with others); two such files are an
/// error.
fn find_baseline(args: &RunArgs, scenarios: &[ValidScenario]) -> Result<Option<usize>, Failure> {
    let bad = |m: String| Failure::BadInput(anyhow!(m));
    if let Some(wanted) = &args.baseline {
        let by_file = |i: usize| {
            args.scenarios.get(i).is_some_and(|f| {
                f.as_os_str() == wanted.as_str()
                    || f.file_stem().is_some_and(|stem| stem == wanted.as_str())
            })
        };
        return (0..scenarios.len())
            .find(|&i| scenarios[i].name == *wanted)
            .or_else(|| (0..scenarios.len()).find(|&i| by_file(i)))
            .map(Some)
            .ok_or_else(|| {
                let names: Vec<String> = scenarios.iter().map(|s| format!("`{}`", s.name)).collect();
                bad(format!(
                    "--baseline {wanted}: no scenario of this run has that name or file; the scenarios are {}",
                    names.join(", ")
                ))
            });
    }
    let marked: Vec<usize> = (0..scenarios.len())
        .filter(|&i| scenarios[i].baseline)
        .collect();
    match marked[..] {
        // A baseline file run on its own is just a run.
        _ if scenarios.len() < 2 => Ok(None),
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => {
            let names: Vec<String> = marked
                .iter()
                .map(|&i| format!("`{}`", scenarios[i].name))
                .collect();
            Err(bad(format!(
                "{} all set `baseline = true`; mark one, or choose with --baseline NAME",
                names.join(" and ")
            )))
        }
    }
}

/// The report and charts: `run --charts / --no-report` and `ehcsim report`.
mod backtest_cmd;
mod goal_cmd;
mod report_cmd;
/// Shards of a run and merging them: `run --shard K/N` and `ehcsim merge`.
mod shard_cmd;

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
