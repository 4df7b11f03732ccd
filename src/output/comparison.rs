//! `comparison.csv`, `costs.csv` and the terminal's answer for each option
//! of a run with a baseline (see [`crate::comparison`]).

use super::table::{count, percent, push_aligned, push_wrapped};
use super::{csv_writer, format_optional, format_pounds, stats_cells};
use crate::comparison::{Comparison, CostRow, OptionComparison, Ratio};
use crate::results::{Kpi, Period, RunResults, Stats};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The paired differences' file name.
pub const COMPARISON_FILE: &str = "comparison.csv";
/// The money file's name.
pub const COSTS_FILE: &str = "costs.csv";

/// `comparison.csv`'s columns.
pub const COMPARISON_HEADER: [&str; 11] = [
    "scenario",
    "baseline",
    "kpi",
    "period",
    "pairs",
    "mean",
    "p10",
    "p50",
    "p90",
    "probability_better",
    "probability_worse",
];

/// `costs.csv`'s columns.
pub const COSTS_HEADER: [&str; 9] = [
    "scenario", "baseline", "period", "measure", "mean", "p10", "p50", "p90", "note",
];

/// Writes `comparison.csv`: for each option (run order) and each KPI and
/// period of the baseline, the paired difference `option - baseline`.
pub fn write_comparison<W: Write>(out: W, run: &RunResults, c: &Comparison) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(COMPARISON_HEADER)?;
    let base = run.scenarios[c.baseline].name();
    for o in &c.options {
        let name = run.scenarios[o.scenario].name();
        for d in &o.differences {
            let [mean, p10, p50, p90] = stats_cells(&d.stats);
            w.write_record([
                name,
                base,
                d.kpi.name(),
                &d.period.to_string(),
                &d.pairs.to_string(),
                &mean,
                &p10,
                &p50,
                &p90,
                &format_optional(d.probability_better),
                &format_optional(d.probability_worse),
            ])?;
        }
    }
    w.flush()
}

/// The rows of one period in `costs.csv`: (measure, stats or ratio).
enum Cell {
    Stats(Stats),
    Ratio(Ratio),
    Share(Option<f64>),
}

fn period_cells(row: &CostRow) -> Vec<(&'static str, Cell)> {
    vec![
        ("extra_cost", Cell::Stats(row.extra_cost)),
        (
            "extra_plans_within_20_weeks",
            Cell::Stats(row.extra_plans_on_time),
        ),
        (
            "cost_per_extra_plan_within_20_weeks",
            Cell::Ratio(row.cost_per_extra_plan_on_time),
        ),
        (
            "extra_review_decisions_on_time",
            Cell::Stats(row.extra_review_decisions_on_time),
        ),
        (
            "cost_per_extra_review_decision_on_time",
            Cell::Ratio(row.cost_per_extra_review_decision_on_time),
        ),
        ("delay_cost_avoided", Cell::Stats(row.delay_cost_avoided)),
        ("net_cost", Cell::Stats(row.net_cost)),
    ]
}

fn horizon_cells(o: &OptionComparison) -> Vec<(&'static str, Cell)> {
    let c = &o.clearance;
    vec![
        (
            "weeks_brought_forward",
            Cell::Stats(c.weeks_brought_forward),
        ),
        (
            "cost_per_week_brought_forward",
            Cell::Ratio(c.cost_per_week_brought_forward),
        ),
        ("payback_week", Cell::Stats(o.payback_week)),
        (
            "probability_cleared_by_target",
            Cell::Share(c.option_by_target),
        ),
        (
            "baseline_probability_cleared_by_target",
            Cell::Share(c.baseline_by_target),
        ),
    ]
}

/// Writes `costs.csv`: for each option, each financial year and the whole
/// run, the extra cost and what it buys, one measure a row.
pub fn write_costs<W: Write>(out: W, run: &RunResults, c: &Comparison) -> io::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(COSTS_HEADER)?;
    let base = run.scenarios[c.baseline].name();
    for o in &c.options {
        let name = run.scenarios[o.scenario].name();
        for row in &o.costs {
            let period = row.period.to_string();
            let mut cells = period_cells(row);
            if row.period == Period::Horizon {
                cells.extend(horizon_cells(o));
            }
            for (measure, cell) in cells {
                let (values, note) = match cell {
                    Cell::Stats(s) => (stats_cells(&s), ""),
                    Cell::Share(v) => ([format_optional(v), "".into(), "".into(), "".into()], ""),
                    Cell::Ratio(r) => {
                        let (v, note) = match r {
                            Ratio::Pounds(p) => (Some(p), ""),
                            Ratio::SavesMoney => (None, "saves_money"),
                            Ratio::NoGain => (None, "no_gain"),
                        };
                        ([format_optional(v), "".into(), "".into(), "".into()], note)
                    }
                };
                let [mean, p10, p50, p90] = values;
                w.write_record([name, base, &period, measure, &mean, &p10, &p50, &p90, note])?;
            }
        }
    }
    w.flush()
}

/// Money for a sentence: "£0.58m" from £100,000 up, whole pounds below.
pub fn pounds_short(value: f64) -> String {
    pounds_scaled(value, value.abs() >= 100_000.0)
}

/// Money in millions (`£0.58m`) or in whole pounds.
fn pounds_scaled(value: f64, millions: bool) -> String {
    if millions {
        let m = format!("£{:.2}m", value.abs() / 1e6);
        if value < 0.0 {
            format!("-{m}")
        } else {
            m
        }
    } else {
        format_pounds(value)
    }
}

/// The answer for one option in words a cabinet paper can quote: what it
/// changes, what it costs over the run, what it buys, the price per extra
/// plan on time, and the chance of clearing the backlog by the target date.
pub fn one_line_answer(run: &RunResults, c: &Comparison, o: &OptionComparison) -> String {
    let option = &run.scenarios[o.scenario];
    let base = run.scenarios[c.baseline].name();
    let cal = &option.info.calendar;
    let last = cal.start + chrono::Duration::days(i64::from(cal.days.max(1)) - 1);
    let mut s = format!("Option `{}`", option.name());
    if let Some(change) = &o.staffing_change {
        let _ = write!(s, " ({change})");
    }
    let _ = write!(
        s,
        ", over the run ({} to {}), against `{base}`:",
        cal.start.format("%b %Y"),
        last.format("%b %Y")
    );
    let Some(h) = o.costs.iter().find(|r| r.period == Period::Horizon) else {
        return s;
    };
    let span = |st: &Stats, f: &dyn Fn(f64) -> String| match (st.p10, st.p90) {
        (Some(lo), Some(hi)) if run.replications > 1 => Some(format!("{} to {}", f(lo), f(hi))),
        _ => None,
    };
    let range = |st: &Stats, f: &dyn Fn(f64) -> String| {
        span(st, f).map_or(String::new(), |r| format!(" ({r})"))
    };
    match h.extra_cost.p50 {
        Some(m) => {
            let cost = money_range(&h.extra_cost, run.replications > 1);
            let _ = write!(s, " costs {cost} more than the baseline");
            if m < 0.0 {
                s.push_str(" (a negative figure is a saving)");
            }
        }
        None => s.push_str(" has no cost figure"),
    }
    let plans = &h.extra_plans_on_time;
    let whole = |v: f64| count(v);
    match (plans.p50, h.cost_per_extra_plan_on_time) {
        (Some(p), Ratio::Pounds(per)) => {
            let _ = write!(
                s,
                ", and issues about {} more plans within 20 weeks{}: about {} per extra plan on time.",
                whole(p),
                range(plans, &whole),
                format_pounds(per)
            );
        }
        (Some(p), Ratio::SavesMoney) => {
            let _ = write!(
                s,
                ", and issues about {} more plans within 20 weeks{}, so it saves money and gains.",
                whole(p),
                range(plans, &whole)
            );
        }
        (p, _) => {
            let _ = write!(
                s,
                ", and shows no clear gain in plans issued within 20 weeks (median difference {}{}), so no price per extra plan is quoted.",
                p.map_or("n/a".into(), whole),
                span(plans, &whole).map_or(String::new(), |r| format!(", middle 80% {r}"))
            );
        }
    }
    if let (Some(date), Some(p), Some(b)) = (
        option
            .info
            .backlog_target
            .or(run.scenarios[c.baseline].info.backlog_target),
        o.clearance.option_by_target,
        o.clearance.baseline_by_target,
    ) {
        let _ = write!(
            s,
            " Probability the backlog is cleared by {}: {} (baseline {}).",
            date.format("%-d %B %Y"),
            percent(p),
            percent(b)
        );
    }
    if o.delay_priced {
        match o.payback_week.p50 {
            Some(w) => {
                let week = (w.round().max(0.0) as usize).min(cal.weeks().saturating_sub(1));
                let _ = write!(
                    s,
                    " With the delay priced, it pays for itself by the week of {} (median).",
                    cal.week_start(week).format("%-d %b %Y")
                );
            }
            None => s.push_str(
                " With the delay priced, it does not pay for itself within the run (median).",
            ),
        }
    }
    s
}

/// A median amount of money with its P10-P90 range, all three in the same
/// unit (millions once any of them reaches £100,000).
fn money_range(s: &Stats, ranges: bool) -> String {
    let Some(m) = s.p50 else {
        return "n/a".into();
    };
    let ends = [s.p10, s.p90];
    let millions = [Some(m), s.p10, s.p90]
        .iter()
        .flatten()
        .any(|v| v.abs() >= 100_000.0);
    match ends {
        [Some(lo), Some(hi)] if ranges => format!(
            "{} ({} to {})",
            pounds_scaled(m, millions),
            pounds_scaled(lo, millions),
            pounds_scaled(hi, millions)
        ),
        _ => pounds_scaled(m, millions),
    }
}

/// The terminal's comparison: for each option its one-line answer and a
/// table by financial year of the paired differences a committee asks
/// about first.
pub fn comparison_table(run: &RunResults, c: &Comparison) -> String {
    let mut out = String::new();
    let base = run.scenarios[c.baseline].name();
    push_wrapped(
        &mut out,
        &format!(
            "Against the baseline `{base}`: differences paired replication by replication (same \
             requests in each), median with the 10th to 90th percentile in brackets; \"better\" is \
             the share of replications in which the option does better."
        ),
    );
    for o in &c.options {
        out.push('\n');
        push_wrapped(&mut out, &one_line_answer(run, c, o));
        let mut rows = vec![vec![
            "Year".to_string(),
            "20-week compliance".into(),
            "better".into(),
            "overdue reviews at year end".into(),
            "extra cost".into(),
        ]];
        for row in o.costs.iter().filter(|r| r.period != Period::Horizon) {
            let find = |kpi: Kpi| {
                o.differences
                    .iter()
                    .find(|d| d.kpi == kpi && d.period == row.period)
            };
            let points = |v: f64| format!("{:+.1}", v * 100.0);
            let compliance = find(Kpi::Compliance20Weeks);
            let overdue = find(Kpi::OverdueReviewsAtYearEnd);
            let signed = |v: f64| {
                let c = count(v);
                if v.round() > 0.0 {
                    format!("+{c}")
                } else {
                    c
                }
            };
            let fmt_stats = |s: Option<&Stats>, f: &dyn Fn(f64) -> String, unit: &str| match s
                .and_then(|s| s.p50.map(|m| (m, s)))
            {
                Some((m, s)) => match (s.p10, s.p90) {
                    (Some(lo), Some(hi)) if run.replications > 1 => {
                        format!("{}{unit} ({} to {})", f(m), f(lo), f(hi))
                    }
                    _ => format!("{}{unit}", f(m)),
                },
                None => "n/a".into(),
            };
            rows.push(vec![
                row.period.to_string(),
                fmt_stats(compliance.map(|d| &d.stats), &points, " pts"),
                compliance
                    .and_then(|d| d.probability_better)
                    .map_or("n/a".into(), percent),
                fmt_stats(overdue.map(|d| &d.stats), &signed, ""),
                money_range(&row.extra_cost, run.replications > 1),
            ]);
        }
        out.push('\n');
        push_aligned(&mut out, &rows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comparison::{compare, staffing_changes};
    use crate::experiment::{self, RunConfig};
    use crate::scenario::{Scenario, StaffGroup};

    fn pair() -> (RunResults, Comparison) {
        let mut a = Scenario {
            name: "base".into(),
            backlog_target: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
            ..Scenario::default()
        };
        a.calendar.days = 7 * 56;
        let mut b = a.clone();
        b.name = "more".into();
        b.backlog_team.push(StaffGroup {
            name: "backlog team".into(),
            fte: 3.0,
            start: chrono::NaiveDate::from_ymd_opt(2026, 6, 1),
            end: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
            hours_per_fte_year: None,
        });
        let valid: Vec<_> = [&a, &b]
            .iter()
            .map(|s| (*s).clone().validate().expect("valid"))
            .collect();
        let config = RunConfig {
            master_seed: 5,
            replications: 5,
            threads: Some(1),
        };
        let run = experiment::run(&valid, &config, &|_| {}, &Default::default()).expect("runs");
        let c = compare(&run, 0, &staffing_changes(&[&a, &b], 0));
        (run, c)
    }

    #[test]
    fn files_have_their_headers_and_one_row_per_kpi_period_and_measure() {
        let (run, c) = pair();
        let mut buf = Vec::new();
        write_comparison(&mut buf, &run, &c).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(COMPARISON_HEADER.join(",").as_str()));
        assert_eq!(lines.count(), c.options[0].differences.len());
        let mut buf = Vec::new();
        write_costs(&mut buf, &run, &c).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with(&COSTS_HEADER.join(",")));
        assert!(text.contains("more,base,horizon,extra_cost,"), "{text}");
        assert!(text.contains("more,base,horizon,probability_cleared_by_target,"));
    }

    #[test]
    fn the_answer_names_the_change_the_cost_and_the_target() {
        let (run, c) = pair();
        let answer = one_line_answer(&run, &c, &c.options[0]);
        assert!(
            answer.starts_with("Option `more` (+3 FTE backlog team from Jun 2026 to Mar 2027)"),
            "{answer}"
        );
        assert!(answer.contains(" costs £"), "{answer}");
        assert!(
            answer.contains("Probability the backlog is cleared by 31 March 2027"),
            "{answer}"
        );
        let table = comparison_table(&run, &c);
        assert!(table.contains("FY2026-27"), "{table}");
    }

    #[test]
    fn money_reads_as_a_person_writes_it() {
        assert_eq!(pounds_short(580_000.0), "£0.58m");
        assert_eq!(pounds_short(-1_234_000.0), "-£1.23m");
        assert_eq!(pounds_short(45_070.0), "£45,070");
        let s = Stats {
            mean: None,
            p10: Some(78_411.0),
            p50: Some(89_661.0),
            p90: Some(120_000.0),
        };
        assert_eq!(money_range(&s, true), "£0.09m (£0.08m to £0.12m)");
    }
}
