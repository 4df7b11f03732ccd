//! The plain-text summary printed at the end of a run, for a council
//! committee member rather than an analyst: one block per scenario, medians
//! with their 10th-90th percentile range, percentages as whole numbers,
//! counts with thousands separators, dates rather than week numbers. No
//! colours; every line fits in 100 columns (a long scenario name aside).

use super::format_pounds;
use crate::calendar::{Calendar, FinancialYear};
use crate::results::{Kpi, Period, RunResults, ScenarioResults, Stats};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Widest line the table writes.
const WIDTH: usize = 100;
/// Space between columns.
const GAP: &str = "   ";

/// The summary table of `run`: for each scenario, by financial year, the
/// share of new plans issued within 20 weeks (exceptions excluded), the
/// share of decisions made within 6 weeks and the overdue reviews at year
/// end; then when the backlog of overdue reviews clears (as dates, with the
/// share of replications in which it never does), the peak caseload of one
/// caseworker and the peak of unallocated cases.
///
/// Each scenario's calendar (to turn weeks into dates and spot part years),
/// description and backlog threshold come from its
/// [`ScenarioInfo`](crate::results::ScenarioInfo).
pub fn summary_table(run: &RunResults) -> String {
    let ranges = run.replications > 1;
    let mut out = String::new();
    let mut intro = format!(
        "{} {} of each scenario, master seed {}.",
        run.replications,
        if run.replications == 1 {
            "replication"
        } else {
            "replications"
        },
        run.master_seed
    );
    if ranges {
        intro.push_str(
            " Figures are medians across replications; brackets give the range from the 10th to \
             the 90th percentile, where the middle 80% of replications fall.",
        );
    }
    push_wrapped(&mut out, &intro);
    let mut notes = Notes::default();
    for results in &run.scenarios {
        out.push('\n');
        scenario_block(&mut out, results, ranges, &mut notes);
    }
    out.push('\n');
    notes.push_to(&mut out);
    out
}

/// Which footnotes the blocks need, printed once after them.
#[derive(Default)]
struct Notes {
    /// Some financial year is only partly covered.
    part_year: bool,
    /// Some value is not defined.
    not_available: bool,
    /// Costs are shown.
    costs: bool,
}

impl Notes {
    fn push_to(&self, out: &mut String) {
        push_wrapped(
            out,
            "* Share of new plans issued within 20 weeks of the request, plans with a legal \
             exception left out (the DfE headline measure). Decisions: share of decisions \
             whether to assess made within 6 weeks of the request.",
        );
        push_wrapped(
            out,
            "** The week from which overdue reviews stay at or below the stated level to the end \
             of the run; \"never in the run\" where that does not happen before the run ends.",
        );
        if self.costs {
            push_wrapped(
                out,
                "*** Caseworkers, backlog team and psychologists in post and working (a vacancy \
                 costs nothing, agency cover costs the premium) and hires, at each year's pay \
                 level, in pounds; the next column adds advice commissioned from outside.",
            );
        }
        if self.part_year {
            push_wrapped(
                out,
                "(part): the run covers only part of this financial year and its figures only \
                 that part; a year cut short by the end of the run counts its overdue reviews on \
                 the run's last day.",
            );
        }
        if self.not_available {
            push_wrapped(
                out,
                "n/a: not defined, for example no plans were issued in that period.",
            );
        }
    }
}

/// One scenario's block.
fn scenario_block(out: &mut String, results: &ScenarioResults, ranges: bool, notes: &mut Notes) {
    let info = &results.info;
    let calendar = &info.calendar;
    push_wrapped(out, &format!("== {} ==", info.name));
    if !info.description.trim().is_empty() {
        push_wrapped(out, info.description.trim());
    }

    // By financial year.
    let by_year = [
        Kpi::Compliance20Weeks,
        Kpi::DecisionsWithin6Weeks,
        Kpi::OverdueReviewsAtYearEnd,
    ];
    let years: BTreeSet<FinancialYear> = results
        .summary
        .iter()
        .filter(|r| by_year.contains(&r.kpi))
        .filter_map(|r| match r.period {
            Period::Year(fy) => Some(fy),
            Period::CalendarYear(_) | Period::Horizon => None,
        })
        .collect();
    let mut rows = vec![vec![
        "Financial year".to_string(),
        "Plans issued in 20 weeks*".to_string(),
        "Decisions in 6 weeks".to_string(),
        "Overdue reviews at year end".to_string(),
    ]];
    for &fy in &years {
        let part = is_part_year(calendar, fy);
        notes.part_year |= part;
        let stat = |kpi| results.summary_stats(kpi, Period::Year(fy));
        rows.push(vec![
            if part {
                format!("{fy} (part)")
            } else {
                fy.to_string()
            },
            median_range(stat(Kpi::Compliance20Weeks), ranges, percent),
            median_range(stat(Kpi::DecisionsWithin6Weeks), ranges, percent),
            median_range(stat(Kpi::OverdueReviewsAtYearEnd), ranges, count),
        ]);
    }
    notes.not_available |= rows.iter().flatten().any(|cell| cell.starts_with("n/a"));
    out.push('\n');
    if years.is_empty() {
        out.push_str("No financial-year results were recorded.\n");
    } else {
        push_aligned(out, &rows);
    }
    out.push('\n');

    // Money by financial year, where the results have it.
    let cost_years: BTreeSet<FinancialYear> = results
        .summary
        .iter()
        .filter(|r| r.kpi == Kpi::StaffCost)
        .filter_map(|r| match r.period {
            Period::Year(fy) => Some(fy),
            Period::CalendarYear(_) | Period::Horizon => None,
        })
        .collect();
    if !cost_years.is_empty() {
        let mut rows = vec![vec![
            "Financial year".to_string(),
            "Staff cost***".to_string(),
            "With commissioned advice".to_string(),
        ]];
        let mut years: Vec<Period> = cost_years.iter().map(|&fy| Period::Year(fy)).collect();
        years.push(Period::Horizon);
        for period in years {
            let stat = |kpi| results.summary_stats(kpi, period);
            rows.push(vec![
                match period {
                    Period::Year(fy) if is_part_year(calendar, fy) => format!("{fy} (part)"),
                    Period::Year(fy) => fy.to_string(),
                    _ => "Whole run".to_string(),
                },
                median_range(stat(Kpi::StaffCost), ranges, format_pounds),
                median_range(stat(Kpi::TotalCost), ranges, format_pounds),
            ]);
        }
        notes.costs = true;
        push_aligned(out, &rows);
        out.push('\n');
    }

    // Over the whole run.
    let horizon = |kpi| results.summary_stats(kpi, Period::Horizon);
    let cleared = match info.backlog_cleared_at {
        0 => "Backlog cleared (no review overdue)**".to_string(),
        n => format!(
            "Backlog cleared ({} or fewer overdue)**",
            count(f64::from(n))
        ),
    };
    let mut rows = vec![vec![
        cleared,
        clearance(horizon(Kpi::BacklogClearanceWeek), calendar, ranges),
    ]];
    if let Some(never) = horizon(Kpi::BacklogNeverCleared).and_then(|s| s.mean) {
        rows.push(vec![
            "  Never cleared within the run".to_string(),
            format!("{} of replications", percent(never)),
        ]);
    }
    rows.push(vec![
        "Peak caseload of one caseworker".to_string(),
        median_range(horizon(Kpi::PeakCaseload), ranges, count),
    ]);
    rows.push(vec![
        "Peak unallocated cases".to_string(),
        median_range(horizon(Kpi::PeakUnallocatedCases), ranges, count),
    ]);
    notes.not_available |= rows.iter().flatten().any(|cell| cell.starts_with("n/a"));
    push_aligned(out, &rows);
}

/// Whether the run covers only part of `fy`.
fn is_part_year(calendar: &Calendar, fy: FinancialYear) -> bool {
    let first = fy.first_day();
    let next = FinancialYear(fy.0 + 1).first_day();
    let run_end = calendar.start + chrono::Duration::days(i64::from(calendar.days));
    calendar.start > first || run_end < next
}

/// "median (p10-p90)" with `fmt` applied to each, or "n/a" where there is no
/// median. The unit suffix (%) is written once, after the range.
fn median_range(stats: Option<Stats>, ranges: bool, fmt: fn(f64) -> String) -> String {
    let Some(stats) = stats else {
        return "n/a".to_string();
    };
    let Some(median) = stats.p50 else {
        return "n/a".to_string();
    };
    let mut s = fmt(median);
    if let (true, Some(lo), Some(hi)) = (ranges, stats.p10, stats.p90) {
        let lo = fmt(lo);
        let lo = lo.strip_suffix('%').unwrap_or(&lo);
        let _ = write!(s, " ({lo}-{})", fmt(hi));
    }
    s
}

/// The clearance of the backlog as dates.
fn clearance(stats: Option<Stats>, calendar: &Calendar, ranges: bool) -> String {
    const NEVER: &str = "never in the run";
    let Some(stats) = stats else {
        return "n/a".to_string();
    };
    let date = |week: Option<f64>| match week {
        None => NEVER.to_string(),
        Some(w) => {
            let w = w.round().max(0.0) as usize;
            match w {
                0 => "the start".to_string(),
                _ => calendar.week_start(w).format("%-d %b %Y").to_string(),
            }
        }
    };
    let mut s = match stats.p50 {
        Some(w) if w.round() <= 0.0 => "from the start".to_string(),
        Some(_) => format!("week of {}", date(stats.p50)),
        None => NEVER.to_string(),
    };
    // A range only if some replication cleared: all "never" says it already.
    if ranges && stats.p10.is_some() {
        let _ = write!(s, " ({} to {})", date(stats.p10), date(stats.p90));
    }
    s
}

/// A share as a whole percentage: 0.334 -> "33%".
pub(crate) fn percent(share: f64) -> String {
    format!("{}%", (share * 100.0).round() as i64)
}

/// A count rounded to a whole number with thousands separators: "12,345".
pub(crate) fn count(value: f64) -> String {
    let n = value.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut s = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        s.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    s
}

/// Appends rows as left-aligned columns separated by [`GAP`].
pub(crate) fn push_aligned(out: &mut String, rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str(GAP);
            }
            let _ = write!(line, "{cell:<width$}", width = widths[c]);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// Appends `text` wrapped at word boundaries to [`WIDTH`] columns.
pub(crate) fn push_wrapped(out: &mut String, text: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_support::{date, kv, rep, run_of, scenario};
    use crate::results::KpiValue;

    fn kpis(rep: u64, clear: Option<f64>) -> Vec<KpiValue> {
        let y1 = Period::Year(FinancialYear(2026));
        let y2 = Period::Year(FinancialYear(2027));
        let h = Period::Horizon;
        let r = rep as f64;
        vec![
            kv(Kpi::Compliance20Weeks, y1, Some(0.30 + 0.02 * r)),
            kv(Kpi::DecisionsWithin6Weeks, y1, Some(0.85)),
            kv(Kpi::OverdueReviewsAtYearEnd, y1, Some(1500.0 + 10.0 * r)),
            kv(Kpi::Compliance20Weeks, y2, None),
            kv(Kpi::DecisionsWithin6Weeks, y2, Some(0.9)),
            kv(Kpi::OverdueReviewsAtYearEnd, y2, Some(12.0)),
            kv(Kpi::BacklogClearanceWeek, h, clear),
            kv(
                Kpi::BacklogNeverCleared,
                h,
                Some(if clear.is_none() { 1.0 } else { 0.0 }),
            ),
            kv(Kpi::PeakCaseload, h, Some(212.4)),
            kv(Kpi::PeakUnallocatedCases, h, Some(0.0)),
            kv(Kpi::StaffCost, y1, Some(1_845_000.0 + 1_000.0 * r)),
            kv(Kpi::TotalCost, y1, Some(1_900_000.0)),
            kv(Kpi::StaffCost, y2, Some(1_000_000.0)),
            kv(Kpi::TotalCost, y2, Some(1_000_000.0)),
            kv(Kpi::StaffCost, h, Some(2_845_000.0 + 1_000.0 * r)),
            kv(Kpi::TotalCost, h, Some(2_900_000.0)),
        ]
    }

    fn sample() -> RunResults {
        let base = scenario(
            "baseline",
            (0..10)
                .map(|r| rep(r, r, kpis(r, Some(60.0 + r as f64))))
                .collect(),
        );
        let stuck = scenario(
            "no backlog team",
            (0..10)
                .map(|r| rep(r, r, kpis(r, (r < 2).then_some(70.0))))
                .collect(),
        );
        let mut run = run_of(vec![base, stuck]);
        for s in &mut run.scenarios {
            s.info.description = "The medium county with today's staffing.".into();
            s.info.calendar = Calendar {
                start: date(2026, 4, 1),
                days: 365 + 200,
            };
            s.info.backlog_cleared_at = 50;
        }
        run
    }

    #[test]
    fn shows_names_years_dates_and_never() {
        let run = sample();
        let t = summary_table(&run);
        assert!(t.contains("== baseline =="), "{t}");
        assert!(t.contains("== no backlog team =="), "{t}");
        assert!(
            t.contains("The medium county with today's staffing."),
            "{t}"
        );
        assert!(
            t.contains("10 replications of each scenario, master seed 42."),
            "{t}"
        );
        // FY labels, the second one part of a year.
        assert!(t.contains("\n2026-27 "), "{t}");
        assert!(t.contains("\n2027-28 (part) "), "{t}");
        // 0.30..0.48: median 0.39, p10 0.318, p90 0.462.
        assert!(t.contains("39% (32-46%)"), "{t}");
        assert!(t.contains("85% (85-85%)"), "{t}");
        assert!(t.contains("1,545 (1,509-1,581)"), "{t}");
        // No plans issued in the part year: compliance undefined.
        assert!(t.contains("n/a"), "{t}");
        // Weeks 60..69: median 64.5 rounds to 65, and 2026-03-30 + 65 weeks
        // is 2027-06-28; p10 60.9 -> week 61, p90 68.1 -> week 68.
        assert!(
            t.contains("week of 28 Jun 2027 (31 May 2027 to 19 Jul 2027)"),
            "{t}"
        );
        // Eight replications in ten never clear; two clear in week 70.
        assert!(
            t.contains("overdue)**   never in the run (2 Aug 2027 to never in the run)"),
            "{t}"
        );
        assert!(t.contains("80% of replications"), "{t}");
        assert!(t.contains("0% of replications"), "{t}");
        assert!(
            t.contains("Backlog cleared (50 or fewer overdue)**   week of"),
            "{t}"
        );
        assert!(t.contains("\nn/a: not defined"), "{t}");
        // Staff cost 1,845,000 + 1,000 r: median 1,849,500, p10 1,845,900,
        // p90 1,853,100.
        assert!(
            t.contains("£1,849,500 (£1,845,900-£1,853,100)   £1,900,000 (£1,900,000-£1,900,000)"),
            "{t}"
        );
        assert!(t.contains("\nWhole run "), "{t}");
        assert!(t.contains("\n*** Caseworkers"), "{t}");
        assert_eq!(t.matches("(part): the run").count(), 1, "{t}");
        assert!(
            t.lines()
                .any(|l| l.starts_with("Peak caseload of one caseworker ")
                    && l.ends_with("   212 (212-212)")),
            "{t}"
        );
        for line in t.lines() {
            assert!(line.chars().count() <= WIDTH, "too wide: {line}");
            assert_eq!(line, line.trim_end(), "trailing space: {line:?}");
            assert!(!line.contains('\x1b'), "colour code in {line:?}");
        }
    }

    #[test]
    fn one_replication_shows_no_ranges() {
        let mut run = sample();
        for s in &mut run.scenarios {
            s.replications.truncate(1);
            *s = ScenarioResults::aggregate(s.info.clone(), std::mem::take(&mut s.replications));
        }
        run.replications = 1;
        let t = summary_table(&run);
        assert!(t.contains("1 replication of each scenario"), "{t}");
        assert!(!t.contains("percentile"), "{t}");
        assert!(t.contains("30%   "), "{t}");
        assert!(t.contains("week of 24 May 2027\n"), "{t}");
    }

    #[test]
    fn a_threshold_of_zero_says_no_review_overdue() {
        let mut run = sample();
        run.scenarios[0].info.backlog_cleared_at = 0;
        run.scenarios[0].info.description.clear();
        let t = summary_table(&run);
        assert!(t.contains("Backlog cleared (no review overdue)**"), "{t}");
        assert_eq!(t.matches("today's staffing").count(), 1, "{t}");
    }

    #[test]
    fn number_helpers() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(999.4), "999");
        assert_eq!(count(1000.0), "1,000");
        assert_eq!(count(1234567.0), "1,234,567");
        assert_eq!(count(-1234.0), "-1,234");
        assert_eq!(percent(0.345), "35%");
        assert_eq!(percent(1.0), "100%");
        let s = Stats {
            mean: Some(0.5),
            p10: Some(0.1),
            p50: Some(0.5),
            p90: Some(0.9),
        };
        assert_eq!(median_range(Some(s), true, percent), "50% (10-90%)");
        assert_eq!(median_range(Some(s), false, percent), "50%");
        assert_eq!(median_range(None, true, percent), "n/a");
    }

    #[test]
    fn backlog_clear_from_the_start() {
        let s = Stats {
            mean: Some(0.0),
            p10: Some(0.0),
            p50: Some(0.0),
            p90: Some(3.0),
        };
        let c = Calendar {
            start: date(2026, 4, 1),
            days: 100,
        };
        assert_eq!(
            clearance(Some(s), &c, true),
            "from the start (the start to 20 Apr 2026)"
        );
    }
}
