//! From [`ReportData`] to the charts and to the report's content, a list
//! of plain blocks that the HTML and Markdown writers both render, so the
//! two files say the same thing.

use super::{ReportData, ScenarioData, Section};
use crate::calendar::FinancialYear;
use crate::output::charts::{
    fit_y_max, thousands, Chart, FanChart, FanSeries, ProbabilityChart, ProbabilityCurve, ValueKind,
};
use crate::results::Stats;
use chrono::{Duration, NaiveDate};

/// A chart with its file name (without extension) and a description in
/// words (the `alt` text).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedChart {
    /// File name in `charts/`, without `.svg` or `.png`.
    pub stem: String,
    /// What the chart shows, in a sentence.
    pub alt: String,
    /// The scenario it is about, or `None` for a chart of every scenario.
    pub scenario: Option<usize>,
    /// The chart.
    pub chart: Chart,
}

/// A weekly metric charted as a fan.
struct FanSpec {
    stem: &'static str,
    metric: &'static str,
    title: &'static str,
    y_label: &'static str,
    kind: ValueKind,
}

const WEEKLY_FANS: [FanSpec; 4] = [
    FanSpec {
        stem: "overdue-reviews",
        metric: "overdue_reviews",
        title: "Overdue annual reviews (the backlog), end of each week",
        y_label: "Plans with an overdue review",
        kind: ValueKind::Count,
    },
    FanSpec {
        stem: "open-requests",
        metric: "open_requests",
        title: "Open requests for an EHC needs assessment, end of each week",
        y_label: "Open requests",
        kind: ValueKind::Count,
    },
    FanSpec {
        stem: "caseload",
        metric: "caseload_per_caseworker",
        title: "Caseload per caseworker, end of each week",
        y_label: "Cases held per caseworker FTE",
        kind: ValueKind::Ratio,
    },
    FanSpec {
        stem: "cost",
        metric: "total_cost",
        title: "Cost of staff and commissioned advice, each week",
        y_label: "Pounds a week",
        kind: ValueKind::Count,
    },
];

const COMPLIANCE_TITLE: &str = "New plans issued within 20 weeks of the request, by month";

fn nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn fan_subtitle(reps: u64) -> String {
    format!(
        "Line: median of {reps} replications. Shaded band: the middle 80% of replications \
         (10th to 90th percentile)."
    )
}

/// A file-name-safe form of a scenario name.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "scenario".into()
    } else {
        out
    }
}

/// Distinct slugs for every scenario, in order.
fn slugs(data: &ReportData) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, s) in data.scenarios.iter().enumerate() {
        let mut base = slug(&s.info.name);
        if out.contains(&base) {
            base = format!("{base}-{}", i + 1);
        }
        out.push(base);
    }
    out
}

fn series_of(s: &ScenarioData, metric: &str) -> Option<FanSeries> {
    let stats = s.weekly.get(metric)?;
    let n = stats.len().min(s.week_starts.len());
    Some(FanSeries {
        label: s.info.name.clone(),
        dates: s.week_starts[..n].to_vec(),
        p10: stats[..n].iter().map(|x| nan(x.p10)).collect(),
        p50: stats[..n].iter().map(|x| nan(x.p50)).collect(),
        p90: stats[..n].iter().map(|x| nan(x.p90)).collect(),
    })
}

fn compliance_series(s: &ScenarioData) -> Option<FanSeries> {
    if s.monthly_compliance.is_empty() {
        return None;
    }
    Some(FanSeries {
        label: s.info.name.clone(),
        // Drawn at the middle of the month.
        dates: s
            .monthly_compliance
            .iter()
            .map(|(m, _)| *m + Duration::days(14))
            .collect(),
        p10: s
            .monthly_compliance
            .iter()
            .map(|(_, x)| nan(x.p10))
            .collect(),
        p50: s
            .monthly_compliance
            .iter()
            .map(|(_, x)| nan(x.p50))
            .collect(),
        p90: s
            .monthly_compliance
            .iter()
            .map(|(_, x)| nan(x.p90))
            .collect(),
    })
}

/// The probability, at each week's start, that the backlog has cleared
/// (cleared in that week or before, and stayed cleared).
pub fn clearance_curve(s: &ScenarioData) -> ProbabilityCurve {
    let n = s.clearance_weeks.len().max(1) as f64;
    let probability = (0..s.week_starts.len())
        .map(|w| {
            s.clearance_weeks
                .iter()
                .filter(|c| c.is_some_and(|c| c <= w as f64))
                .count() as f64
                / n
        })
        .collect();
    ProbabilityCurve {
        label: s.info.name.clone(),
        dates: s.week_starts.clone(),
        probability,
    }
}

/// The first target date set on any scenario.
fn target(data: &ReportData) -> Option<NaiveDate> {
    data.scenarios.iter().find_map(|s| s.info.target_date)
}

/// Every chart of the report, in the order the report shows them: the
/// backlog clearance curves, then for each quantity the overlay of every
/// scenario and one chart per scenario, all on the same scale.
pub fn charts_of(data: &ReportData) -> Vec<NamedChart> {
    let reps = data.run.replications;
    let slugs = slugs(data);
    let mut out = Vec::new();
    let first = data
        .scenarios
        .iter()
        .filter_map(|s| s.week_starts.first())
        .min();
    let last = data
        .scenarios
        .iter()
        .filter_map(|s| s.week_starts.last())
        .max();
    let x_range = first.zip(last).map(|(a, b)| (*a, *b));

    let curves: Vec<ProbabilityCurve> = data
        .scenarios
        .iter()
        .map(|s| {
            let mut c = clearance_curve(s);
            let end = c.probability.last().copied().unwrap_or(0.0);
            c.label = format!("{} ({} by the end of the run)", c.label, pct(end));
            c
        })
        .collect();
    let target = target(data);
    out.push(NamedChart {
        stem: "backlog-clearance".into(),
        alt: "For each scenario, the probability (share of replications) that the backlog of \
              overdue annual reviews has cleared by each date and stays cleared to the end of \
              the run."
            .into(),
        scenario: None,
        chart: Chart::Probability(ProbabilityChart {
            title: "When will the backlog of overdue reviews clear?".into(),
            subtitle: format!(
                "Share of {reps} replications in which overdue reviews have fallen to the cleared \
                 level by each date and stay there."
            ),
            y_label: "Probability cleared by this date".into(),
            curves,
            target: target.map(|t| (t, format!("Target: {}", t.format("%-d %b %Y")))),
        }),
    });

    let mut push_fans = |stem: &str,
                         title: &str,
                         y_label: &str,
                         kind: ValueKind,
                         series: Vec<Option<FanSeries>>| {
        let present: Vec<(usize, FanSeries)> = series
            .into_iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| (i, s)))
            .collect();
        if present.is_empty() {
            return;
        }
        let all: Vec<FanSeries> = present.iter().map(|(_, s)| s.clone()).collect();
        let y_max = fit_y_max(kind, &all);
        let fan = |series: Vec<FanSeries>, slots: Vec<usize>| FanChart {
            title: title.to_string(),
            subtitle: if kind == ValueKind::Share {
                format!(
                    "Plans with a legal exception included. Line: median of {reps} replications; \
                     band: the middle 80%."
                )
            } else {
                fan_subtitle(reps)
            },
            y_label: y_label.to_string(),
            kind,
            series,
            slots,
            y_max: Some(y_max),
            x_range,
        };
        out.push(NamedChart {
            stem: format!("{stem}-all"),
            alt: format!(
                "{title}: every scenario on one chart, medians and 10th-90th percentile bands."
            ),
            scenario: None,
            chart: Chart::Fan(fan(all, present.iter().map(|(i, _)| *i).collect())),
        });
        for (i, s) in present {
            out.push(NamedChart {
                stem: format!("{stem}-{}", slugs[i]),
                alt: format!(
                    "{title}: scenario {}, median and 10th-90th percentile band.",
                    s.label
                ),
                scenario: Some(i),
                chart: Chart::Fan(fan(vec![s], vec![i])),
            });
        }
    };
    for spec in &WEEKLY_FANS {
        push_fans(
            spec.stem,
            spec.title,
            spec.y_label,
            spec.kind,
            data.scenarios
                .iter()
                .map(|s| series_of(s, spec.metric))
                .collect(),
        );
    }
    push_fans(
        "compliance",
        COMPLIANCE_TITLE,
        "Share of the month's plans",
        ValueKind::Share,
        data.scenarios.iter().map(compliance_series).collect(),
    );
    // Order as the report shows them: clearance, overdue reviews,
    // compliance, open requests, caseload.
    let rank = |stem: &str| {
        ["backlog", "overdue", "compliance", "open", "caseload"]
            .iter()
            .position(|p| stem.starts_with(p))
            .unwrap_or(9)
    };
    out.sort_by_key(|c| rank(&c.stem));
    if let Some(c) = cost_benefit(data) {
        out.push(c);
    }
    out
}

/// The stem of the chart of each option's extra cost against its extra
/// plans on time, shown with the comparison.
pub const COST_BENEFIT: &str = "cost-benefit";

/// Each option against the baseline: extra cost across, extra plans issued
/// within 20 weeks up, a point at the medians with bars over the middle 80%
/// of replications in each direction.
fn cost_benefit(data: &ReportData) -> Option<NamedChart> {
    if data.options.is_empty() {
        return None;
    }
    let baseline = data
        .baseline
        .as_ref()
        .and_then(|b| b.heading.strip_prefix("Compared with the baseline, "))
        .unwrap_or("the baseline");
    let range = |s: &Stats| s.p10.zip(s.p90);
    let series = data
        .options
        .iter()
        .filter_map(|o| {
            let point = crate::output::charts::Point {
                x: o.extra_cost.p50?,
                y: o.extra_plans.p50?,
                x_range: range(&o.extra_cost),
                y_range: range(&o.extra_plans),
                note: None,
            };
            Some(crate::output::charts::PointSeries {
                label: o.name.clone(),
                points: vec![point],
                joined: false,
            })
        })
        .collect();
    Some(NamedChart {
        stem: COST_BENEFIT.into(),
        alt: format!(
            "For each option, its extra cost over the whole run against the extra plans it \
             issues within 20 weeks, both compared with {baseline}, replication by replication."
        ),
        scenario: None,
        chart: Chart::Points(crate::output::charts::PointChart {
            title: "What each option costs and what it buys".into(),
            subtitle: format!(
                "Against {baseline} over the run. Point: median of {} paired replications; bars: \
                 the middle 80%.",
                data.run.replications
            ),
            x_label: "Extra cost over the run (pounds)".into(),
            y_label: "Extra plans issued within 20 weeks".into(),
            x_kind: ValueKind::Pounds,
            y_kind: ValueKind::Count,
            series,
            reference: None,
        }),
    })
}

/// A run of text, plain or bold.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// Bold text.
    Strong(String),
}

/// One block of the report's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading of level 1 to 3.
    Heading(u8, String),
    /// A paragraph.
    Para(Vec<Span>),
    /// A bulleted list of paragraphs.
    List(Vec<Vec<Span>>),
    /// A table.
    Table(Section),
    /// A chart, by index into the chart list.
    Chart(usize),
    /// Preformatted text (a command).
    Code(String),
}

fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

fn strong(s: impl Into<String>) -> Span {
    Span::Strong(s.into())
}

fn pct(v: f64) -> String {
    format!("{}%", (v * 100.0).round())
}

fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// `FY2026-27` as the year 2026.
fn fy_of(period: &str) -> Option<FinancialYear> {
    period
        .strip_prefix("FY")?
        .get(..4)?
        .parse()
        .ok()
        .map(FinancialYear)
}

fn last_day(s: &ScenarioData) -> Option<NaiveDate> {
    s.week_starts.last().map(|d| *d + Duration::days(6))
}

/// Whether the run covers all of `fy` (judged by whole weeks).
fn full_year(s: &ScenarioData, fy: FinancialYear) -> bool {
    let (Some(first), Some(last)) = (s.week_starts.first(), last_day(s)) else {
        return false;
    };
    let end = FinancialYear(fy.0 + 1).first_day() - Duration::days(1);
    fy.first_day() >= *first && end <= last
}

/// The financial years of the scenario's summary, in order.
fn years(s: &ScenarioData) -> Vec<(String, FinancialYear)> {
    let mut out: Vec<(String, FinancialYear)> = Vec::new();
    for e in &s.summary {
        if let Some(fy) = fy_of(&e.period) {
            if !out.iter().any(|(p, _)| *p == e.period) {
                out.push((e.period.clone(), fy));
            }
        }
    }
    out
}

/// The "next financial year": the first one the run covers in full, or
/// failing that the last one.
fn next_year(s: &ScenarioData) -> Option<(String, bool)> {
    let ys = years(s);
    ys.iter()
        .find(|(_, fy)| full_year(s, *fy))
        .map(|(p, _)| (p.clone(), true))
        .or_else(|| ys.last().map(|(p, _)| (p.clone(), false)))
}

fn fy_words(period: &str) -> String {
    let fy = period.strip_prefix("FY").unwrap_or(period);
    format!("financial year {fy}")
}

fn range_words(s: &Stats, f: impl Fn(f64) -> String) -> String {
    match (s.p10, s.p90) {
        (Some(a), Some(b)) => format!("{} to {}", f(a), f(b)),
        _ => "not defined".into(),
    }
}

/// How many replications clear the backlog by the target date, or by the
/// end of the run where no target is set.
struct BacklogChance {
    by: NaiveDate,
    target: bool,
    cleared: usize,
    n: usize,
}

impl BacklogChance {
    fn probability(&self) -> f64 {
        self.cleared as f64 / self.n.max(1) as f64
    }
}

fn backlog_chance(s: &ScenarioData) -> Option<BacklogChance> {
    let n = s.clearance_weeks.len();
    if n == 0 {
        return None;
    }
    let (by, target) = match s.info.target_date {
        Some(t) => (t, true),
        None => (last_day(s)?, false),
    };
    // On a target date: cleared on that date, whatever follows (a temporary
    // team may clear the backlog by the date and it grow again after).
    if target && s.cleared_on_target.len() == n {
        let cleared = s.cleared_on_target.iter().filter(|&&v| v > 0.5).count();
        return Some(BacklogChance {
            by,
            target,
            cleared,
            n,
        });
    }
    let cleared = s
        .clearance_weeks
        .iter()
        .filter(|c| {
            c.and_then(|w| s.week_starts.get(w as usize))
                .is_some_and(|d| *d <= by)
        })
        .count();
    Some(BacklogChance {
        by,
        target,
        cleared,
        n,
    })
}

/// One row per scenario: the two headline figures side by side.
fn glance(data: &ReportData) -> Section {
    let rows = data
        .scenarios
        .iter()
        .map(|s| {
            let backlog = backlog_chance(s).map_or("-".to_string(), |c| {
                format!(
                    "{} by {}{}",
                    pct(c.probability()),
                    c.by.format("%-d %b %Y"),
                    if c.target {
                        " (target)"
                    } else {
                        " (end of run)"
                    }
                )
            });
            let compliance = next_year(s).map_or("-".to_string(), |(period, _)| {
                format!(
                    "{} in {period}",
                    median_range(s.kpi("compliance_20_weeks", &period), &pct)
                )
            });
            vec![s.info.name.clone(), backlog, compliance]
        })
        .collect();
    Section {
        heading: String::new(),
        intro: String::new(),
        header: [
            "Scenario",
            "Chance the backlog is cleared",
            "Plans within 20 weeks (median and range)",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

/// The headline sentences of one scenario.
fn headlines(data: &ReportData, s: &ScenarioData) -> Vec<Vec<Span>> {
    let mut items = Vec::new();
    let n = s.clearance_weeks.len();
    let threshold = s
        .info
        .cleared_threshold
        .map_or("the scenario's cleared level".to_string(), |t| {
            format!("{} or fewer", thousands(f64::from(t)))
        });
    if let Some(chance) = backlog_chance(s) {
        {
            let by_words = if chance.target {
                format!("the target date, {}", long_date(chance.by))
            } else {
                format!("the end of the run, {}", long_date(chance.by))
            };
            let cleared = chance.cleared;
            let p = chance.probability();
            let how = if chance.target && s.cleared_on_target.len() == n {
                "stand at"
            } else {
                "fall to"
            };
            let after = if how == "stand at" {
                " on that date"
            } else {
                " and stay there"
            };
            let mut spans = vec![
                text("Backlog: "),
                strong(format!("{} chance", pct(p))),
                text(format!(
                    " that the backlog of overdue annual reviews is cleared by {by_words}: in {cleared} of \
                     {n} replications overdue reviews {how} {threshold}{after}."
                )),
            ];
            let mut sorted: Vec<f64> = s
                .clearance_weeks
                .iter()
                .map(|c| c.unwrap_or(f64::INFINITY))
                .collect();
            sorted.sort_by(f64::total_cmp);
            let median = crate::results::quantile_sorted(&sorted, 0.5);
            if median.is_finite() {
                if let Some(d) = s.week_starts.get(median.floor() as usize) {
                    spans.push(text(format!(
                        " Half of the replications clear it for good (to the end of the run) by the week starting {}.",
                        long_date(*d)
                    )));
                }
            } else {
                spans.push(text(
                    " In at least half of the replications it does not stay cleared to the end of the run.",
                ));
            }
            items.push(spans);
        }
    }
    if let Some((period, full)) = next_year(s) {
        let part = if full { "" } else { " (part of the year only)" };
        match s.kpi("compliance_20_weeks", &period) {
            Some(st) if st.p50.is_some() => items.push(vec![
                text("20-week compliance: "),
                strong(pct(st.p50.unwrap_or_default())),
                text(format!(
                    " of new plans issued within 20 weeks in {}{part} (median; plans with a legal \
                     exception left out), {}.",
                    fy_words(&period),
                    match (st.p10.map(pct), st.p90.map(pct)) {
                        (Some(a), Some(b)) if a == b => {
                            "the same across the middle 80% of replications".to_string()
                        }
                        _ => format!(
                            "with the middle 80% of replications from {}",
                            range_words(&st, pct)
                        ),
                    }
                )),
            ]),
            _ => items.push(vec![text(format!(
                "20-week compliance in {}: not defined (no plan without an exception was issued).",
                fy_words(&period)
            ))]),
        }
    }
    let _ = data;
    items
}

fn median_range(st: Option<Stats>, f: &dyn Fn(f64) -> String) -> String {
    match st {
        Some(Stats {
            p50: Some(m),
            p10,
            p90,
            ..
        }) => match (p10, p90) {
            (Some(a), Some(b)) if f(a) == f(m) && f(b) == f(m) => f(m),
            (Some(a), Some(b)) => format!("{} ({}\u{2013}{})", f(m), f(a), f(b)),
            _ => f(m),
        },
        _ => "-".into(),
    }
}

fn year_table(s: &ScenarioData) -> Section {
    let count = |v: f64| thousands(v);
    let rows = years(s)
        .into_iter()
        .map(|(period, fy)| {
            let label = if full_year(s, fy) {
                period.clone()
            } else {
                format!("{period} (part)")
            };
            vec![
                label,
                median_range(s.kpi("compliance_20_weeks", &period), &pct),
                median_range(s.kpi("decisions_within_6_weeks", &period), &pct),
                median_range(s.kpi("plans_issued", &period), &count),
                median_range(s.kpi("overdue_reviews_at_year_end", &period), &count),
                median_range(s.kpi("appeals_registered", &period), &count),
            ]
        })
        .collect();
    Section {
        heading: String::new(),
        intro: String::new(),
        header: [
            "Financial year",
            "Plans within 20 weeks",
            "Decisions within 6 weeks",
            "Plans issued",
            "Overdue reviews at year end",
            "Tribunal appeals",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

fn shell_quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The one command that reproduces the run's files.
pub fn reproduce_command(data: &ReportData) -> String {
    let mut args = vec!["ehcsim".to_string(), "run".to_string()];
    args.extend(
        data.run
            .sources
            .iter()
            .filter_map(|s| s.file.as_deref().map(shell_quote)),
    );
    args.push(format!("--reps {}", data.run.replications));
    args.push(format!("--seed {}", data.run.master_seed));
    args.join(" ")
}

/// The report's content, in order.
pub fn content(data: &ReportData, charts: &[NamedChart]) -> Vec<Block> {
    let mut b = Vec::new();
    let names: Vec<&str> = data
        .scenarios
        .iter()
        .map(|s| s.info.name.as_str())
        .collect();
    b.push(Block::Heading(1, "EHC plan work: projections".into()));
    b.push(Block::Para(vec![text(format!(
        "Projections of {} by ehcsim, a simulation of a council's Education, Health and Care plan \
         work, each from {} replications (simulated futures with different random chance). \
         Figures are medians across the replications; ranges give the 10th to the 90th \
         percentile, where the middle 80% of replications fall. The range shows chance, not \
         uncertainty in the scenario's assumptions.",
        match names.len() {
            1 => format!("the scenario {}", names[0]),
            _ => format!("{} scenarios ({})", names.len(), names.join(", ")),
        },
        data.run.replications
    ))]));

    b.push(Block::Heading(2, "Headlines".into()));
    if data.scenarios.len() > 1 {
        b.push(Block::Table(glance(data)));
    }
    for s in &data.scenarios {
        b.push(Block::Heading(3, s.info.name.clone()));
        if let Some(d) = &s.info.description {
            b.push(Block::Para(vec![text(d.clone())]));
        }
        b.push(Block::List(headlines(data, s)));
        if !years(s).is_empty() {
            b.push(Block::Table(year_table(s)));
        }
    }

    let table_section = |b: &mut Vec<Block>, section: &Section| {
        b.push(Block::Heading(2, section.heading.clone()));
        if !section.intro.is_empty() {
            b.push(Block::Para(vec![text(section.intro.clone())]));
        }
        b.push(Block::Table(section.clone()));
    };
    if let Some(section) = &data.baseline {
        table_section(&mut b, section);
        if let Some(i) = charts.iter().position(|c| c.stem == COST_BENEFIT) {
            b.push(Block::Chart(i));
        }
    }
    if let Some(section) = &data.differences {
        table_section(&mut b, section);
    }

    b.push(Block::Heading(2, "Charts".into()));
    b.push(Block::Para(vec![text(
        "Lines are medians across the replications and shaded bands hold the middle 80% of \
         replications (10th to 90th percentile). Charts of the same quantity share one scale, \
         so scenarios can be compared by eye. Dates are weeks (Monday to Sunday) or months.",
    )]));
    if data
        .scenarios
        .iter()
        .any(|s| s.monthly_compliance.is_empty())
    {
        b.push(Block::Para(vec![text(
            "The chart of compliance by month is left out for scenarios without monthly figures: \
             monthly.csv is missing or does not list them (ehcsim run writes it unless given \
             --no-report).",
        )]));
    }
    let several = data.scenarios.len() > 1;
    for (i, c) in charts.iter().enumerate() {
        // With one scenario, its own charts say everything; with several,
        // the overlays come first and each scenario's charts follow.
        let overlay = c.scenario.is_none();
        if (overlay == several || c.stem == "backlog-clearance") && c.stem != COST_BENEFIT {
            b.push(Block::Chart(i));
        }
    }
    if several {
        b.push(Block::Heading(
            3,
            "Each scenario on its own (same scales)".into(),
        ));
        for (i, c) in charts.iter().enumerate() {
            if c.scenario.is_some() {
                b.push(Block::Chart(i));
            }
        }
    }

    if !data.assumptions.is_empty() {
        b.push(Block::Heading(2, "Assumption register".into()));
        b.push(Block::Table(Section {
            heading: String::new(),
            intro: String::new(),
            header: ["Assumption", "Value", "Source"].map(String::from).to_vec(),
            rows: data
                .assumptions
                .iter()
                .map(|a| vec![a.key.clone(), a.value.clone(), a.source.clone()])
                .collect(),
        }));
    }

    b.push(Block::Heading(2, "How the figures were made".into()));
    b.push(Block::List(vec![
        vec![text(format!(
            "{} replications of each scenario, master seed {}. Each replication's own seed is in \
             replications.csv.",
            data.run.replications, data.run.master_seed
        ))],
        vec![text(format!(
            "ehcsim version {}, git revision {}.",
            data.run.version, data.run.git_revision
        ))],
        vec![text(
            "Every figure comes from the CSV files beside this report (weekly.csv, summary.csv, \
             replications.csv, monthly.csv), defined in docs/outputs.md. Monthly compliance \
             counts every plan, exceptions included; the headline yearly figures leave \
             exceptions out.",
        )],
    ]));
    b.push(Block::Table(Section {
        heading: String::new(),
        intro: String::new(),
        header: ["Scenario", "File", "SHA-256 of the file"]
            .map(String::from)
            .to_vec(),
        rows: data
            .run
            .sources
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.file.clone().unwrap_or_else(|| "(built in)".into()),
                    s.sha256.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect(),
    }));
    b.push(Block::Para(vec![text(
        "To reproduce these files with the same ehcsim version and scenario files:",
    )]));
    b.push(Block::Code(reproduce_command(data)));
    if !data.run.command_line.is_empty() {
        b.push(Block::Para(vec![text(
            "The command that produced them was:",
        )]));
        b.push(Block::Code(
            data.run
                .command_line
                .iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" "),
        ));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_safe_and_distinct() {
        assert_eq!(slug("More staff, 2027!"), "more-staff-2027");
        assert_eq!(slug("***"), "scenario");
        assert_eq!(fy_of("FY2026-27"), Some(FinancialYear(2026)));
        assert_eq!(fy_of("horizon"), None);
        assert_eq!(shell_quote("a b"), "'a b'");
    }
}
