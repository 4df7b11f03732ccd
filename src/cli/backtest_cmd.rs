//! `ehcsim backtest`: every back-test scenario (one file per council, named
//! after it, in `scenarios/backtest/`) run from its start date, its
//! projections for 2022-2024 set beside the council's published SEN2
//! figures, written to `backtest.csv` and printed as a table.

use super::{print_out, Failure};
use anyhow::anyhow;
use ehcsim::backtest::{compare, BacktestRow};
use ehcsim::experiment::{self, RunConfig};
use ehcsim::output::{self, format_optional};
use ehcsim::scenario::{self, ValidScenario};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// The name of the file written.
pub const BACKTEST_FILE: &str = "backtest.csv";

/// Options of `ehcsim backtest`.
#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// Folder of back-test scenarios, one file per council named after it.
    #[arg(long, default_value = "scenarios/backtest")]
    dir: PathBuf,
    /// Replications per scenario.
    #[arg(long, short = 'n', default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    reps: u64,
    /// Master seed.
    #[arg(long, short = 's', default_value_t = 1)]
    seed: u64,
    /// Folder for backtest.csv (created if missing).
    #[arg(long, short = 'o', default_value = "ehcsim-out")]
    out: PathBuf,
}

/// The back-test scenario files of `dir`, sorted by name.
fn scenario_files(dir: &std::path::Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Failure::BadInput(anyhow!(
            "cannot read the back-test folder {}: {e} (give one with --dir)",
            dir.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::BadInput(anyhow!(
            "no scenario files (*.toml) in {}",
            dir.display()
        )));
    }
    Ok(files)
}

/// Runs the back-test.
pub fn backtest(args: &BacktestArgs) -> Result<(), Failure> {
    let sen2 = ehcsim::sen2::embedded().map_err(|e| Failure::Other(e.into()))?;
    let files = scenario_files(&args.dir)?;
    let mut scenarios: Vec<ValidScenario> = Vec::new();
    let mut councils = Vec::new();
    for f in &files {
        let s = scenario::load(f).map_err(|e| Failure::BadInput(e.into()))?;
        let stem = f.file_stem().map(|x| x.to_string_lossy().replace('-', " "));
        let la = sen2
            .lookup(stem.as_deref().unwrap_or_default())
            .map_err(|e| Failure::BadInput(anyhow!("{}: {e}", f.display())))?;
        councils.push(la);
        scenarios.push(s);
    }
    output::prepare_dir(&args.out, &[BACKTEST_FILE]).map_err(|e| Failure::BadInput(e.into()))?;
    let config = RunConfig {
        master_seed: args.seed,
        replications: args.reps,
        threads: None,
    };
    let cancel = AtomicBool::new(false);
    let run = experiment::run(&scenarios, &config, &|_| {}, &cancel)
        .map_err(|e| Failure::Other(e.into()))?;
    let mut rows: Vec<BacktestRow> = Vec::new();
    for (la, results) in councils.iter().zip(&run.scenarios) {
        let figures = sen2.scenario_figures(la);
        rows.extend(compare(la, &figures.kpis, results));
    }
    let path = output::write_atomic(&args.out.join(BACKTEST_FILE), |w| write_csv(w, &rows))
        .map_err(|e| Failure::Other(e.into()))?;
    print_out(&table(&rows, args.reps))?;
    print_out(&format!("wrote {}\n", path.display()))
}

/// `backtest.csv`: one row per council, year and KPI.
fn write_csv(w: &mut dyn std::io::Write, rows: &[BacktestRow]) -> std::io::Result<()> {
    writeln!(w, "la,year,kpi,published,p10,p50,p90")?;
    for r in rows {
        let s = &r.simulated;
        let mut line = csv::Writer::from_writer(Vec::new());
        line.write_record([
            r.la.as_str(),
            &r.year.to_string(),
            r.kpi,
            &format_optional(r.published),
            &format_optional(s.p10),
            &format_optional(s.p50),
            &format_optional(s.p90),
        ])?;
        let bytes = line
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        w.write_all(&bytes)?;
    }
    Ok(())
}

/// A share or a count for the table.
fn shown(kpi: &str, v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(x) if kpi.contains("within") || kpi.starts_with("compliance") => {
            format!("{:.1}%", 100.0 * x)
        }
        Some(x) => format!("{x:.0}"),
    }
}

/// The table printed: published, simulated median (P10-P90) and error.
fn table(rows: &[BacktestRow], reps: u64) -> String {
    let mut out = format!(
        "Back-test: simulated ({reps} replications; median, and P10-P90) against published SEN2 figures, by calendar year\n\n"
    );
    let _ = writeln!(
        out,
        "{:<16} {:<5} {:<32} {:>10} {:>10} {:>19} {:>9}",
        "council", "year", "figure", "published", "simulated", "P10-P90", "error"
    );
    for r in rows {
        let s = &r.simulated;
        let range = format!("{} - {}", shown(r.kpi, s.p10), shown(r.kpi, s.p90));
        let error = match r.error() {
            Some(e) if r.kpi.contains("within") || r.kpi.starts_with("compliance") => {
                format!("{:+.1} pt", 100.0 * e)
            }
            Some(e) => format!("{e:+.0}"),
            None => "-".into(),
        };
        let _ = writeln!(
            out,
            "{:<16} {:<5} {:<32} {:>10} {:>10} {:>19} {:>9}",
            r.la,
            r.year,
            r.kpi,
            shown(r.kpi, r.published),
            shown(r.kpi, s.p50),
            range,
            error
        );
    }
    out
}
