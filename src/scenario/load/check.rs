//! Checking a merged scenario tree field by field into a [`Scenario`],
//! collecting every problem found.
//!
//! Every value starts from [`Scenario::default`]; a key that is present and
//! valid replaces it. A key with a problem is recorded as bad, and checks that
//! combine several keys are skipped when one of them is bad, so that one
//! mistake is reported once.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Weekday};

use super::spanned::{key_text, shorten, Loc, Node, Table, Val};
use super::Problem;
use crate::engine::Dist;
use crate::scenario::{
    OpenRequests, OpenStage, Priority, Scenario, StaffGroup, MAX_GROUP_FTE, MAX_HORIZON_WEEKS,
    MAX_INITIAL_PLANS, MAX_REQUESTS_PER_YEAR, MAX_TOTAL_REQUESTS,
};

/// Hours in a year: no post has more productive hours than this.
const MAX_HOURS_PER_YEAR: f64 = 8760.0;
/// Largest mean or maximum of a task's work, in hours.
const MAX_TASK_HOURS: f64 = 1000.0;
/// Largest delay, age, interval or limit in days (10 years).
const MAX_DAYS: f64 = 3650.0;
/// Shortest review interval in days (four weeks).
const MIN_REVIEW_INTERVAL_DAYS: f64 = 28.0;
/// Largest caseload cap.
const MAX_CAP: u32 = 100_000;
/// Most staff groups in one list.
const MAX_GROUPS: usize = 1000;
/// Most `[[initial.open_requests]]` entries.
const MAX_OPEN_ENTRIES: usize = 100;
/// Most characters in a name and in a description.
const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Most problems listed; the rest are counted.
const MAX_PROBLEMS: usize = 200;
/// Years a date may fall in.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2200;

/// Keys allowed in each table; `x[]` names the items of array `x`.
pub(crate) const SCHEMA: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "name",
            "description",
            "extends",
            "calendar",
            "requests",
            "panel",
            "work",
            "delays",
            "psychologists",
            "reviews",
            "cessation",
            "caseworkers",
            "backlog_team",
            "initial",
        ],
    ),
    (
        "calendar",
        &["start", "horizon_weeks", "end", "backlog_cleared_at"],
    ),
    (
        "requests",
        &[
            "enabled",
            "per_year",
            "growth_per_year",
            "monthly_profile",
            "refused_share",
            "withdrawn_share",
            "no_plan_share",
            "exception_share",
            "under5_share",
        ],
    ),
    ("panel", &["enabled", "weekday"]),
    (
        "work",
        &[
            "decision",
            "assessment",
            "no_plan",
            "drafting",
            "finalisation",
            "review_decision",
            "review_amendment",
            "contact_hours_per_case_per_year",
        ],
    ),
    (
        "delays",
        &[
            "health_advice",
            "social_care_advice",
            "school_advice",
            "family_comments",
            "school_consultation",
            "amendment_representations",
        ],
    ),
    (
        "psychologists",
        &["enabled", "fte", "hours_per_fte_year", "hours_per_advice"],
    ),
    (
        "reviews",
        &[
            "enabled",
            "interval_days",
            "under5_interval_days",
            "decision_limit_days",
            "amendment_limit_days",
            "amend_share",
            "cease_share",
        ],
    ),
    ("cessation", &["per_year"]),
    (
        "caseworkers",
        &["cap", "hours_per_fte_year", "priority", "groups"],
    ),
    (
        "caseworkers.groups[]",
        &["name", "fte", "start", "end", "hours_per_fte_year"],
    ),
    (
        "backlog_team[]",
        &["name", "fte", "start", "end", "hours_per_fte_year"],
    ),
    (
        "initial",
        &[
            "plans_in_force",
            "overdue_reviews",
            "overdue_age_days",
            "open_requests",
        ],
    ),
    ("initial.open_requests[]", &["stage", "count", "age_days"]),
];

/// Distribution names and their parameters.
const DISTS: &[(&str, &[&str])] = &[
    ("fixed", &["value"]),
    ("exponential", &["mean"]),
    ("gamma", &["mean", "cv"]),
    ("lognormal", &["mean", "cv"]),
    ("triangular", &["min", "mode", "max"]),
    ("uniform", &["min", "max"]),
];

const DIST_EXAMPLE: &str = "{ dist = \"gamma\", mean = 3, cv = 0.5 }";

fn allowed_keys(schema: &str) -> &'static [&'static str] {
    SCHEMA
        .iter()
        .find(|(s, _)| *s == schema)
        .map_or(&[], |(_, k)| *k)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// How a table is written, for messages.
fn table_header(schema: &str) -> String {
    match schema {
        "" => "at the top level".to_string(),
        s => match s.strip_suffix("[]") {
            Some(a) => format!("in [[{a}]]"),
            None => format!("in [{s}]"),
        },
    }
}

/// Optimal string alignment distance (edit distance counting a swap of two
/// neighbouring characters as one edit).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// The closest of `options` to `word`, if close enough to be a likely typo.
fn suggest<'o>(word: &str, options: &[&'o str]) -> Option<&'o str> {
    if word.chars().count() > 64 {
        return None;
    }
    let w = word.to_lowercase();
    let limit = if w.chars().count() >= 5 { 2 } else { 1 };
    options
        .iter()
        .map(|o| (edit_distance(&w, o), *o))
        .filter(|(d, o)| *d <= limit && *d < o.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

/// One end of a range of numbers.
#[derive(Clone, Copy)]
enum B {
    Open,
    Incl(f64),
    Excl(f64),
}

/// A range of allowed numbers.
#[derive(Clone, Copy)]
struct R(B, B);

impl R {
    fn contains(&self, v: f64) -> bool {
        let lo = match self.0 {
            B::Open => true,
            B::Incl(a) => v >= a,
            B::Excl(a) => v > a,
        };
        let hi = match self.1 {
            B::Open => true,
            B::Incl(b) => v <= b,
            B::Excl(b) => v < b,
        };
        lo && hi && v.is_finite()
    }

    fn describe(&self) -> String {
        match (self.0, self.1) {
            (B::Incl(a), B::Incl(b)) => format!("a number from {a} to {b}"),
            (lo, hi) => {
                let mut parts = Vec::new();
                match lo {
                    B::Incl(a) => parts.push(format!(">= {a}")),
                    B::Excl(a) => parts.push(format!("> {a}")),
                    B::Open => {}
                }
                match hi {
                    B::Incl(b) => parts.push(format!("<= {b}")),
                    B::Excl(b) => parts.push(format!("< {b}")),
                    B::Open => {}
                }
                if parts.is_empty() {
                    "a finite number".to_string()
                } else {
                    format!("a number {}", parts.join(" and "))
                }
            }
        }
    }
}

const SHARE: R = R(B::Incl(0.0), B::Incl(1.0));
const HOURS_PER_YEAR: R = R(B::Excl(0.0), B::Incl(MAX_HOURS_PER_YEAR));
const FTE: R = R(B::Excl(0.0), B::Incl(MAX_GROUP_FTE));

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

struct Ck<'a> {
    out: &'a mut Vec<Problem>,
    /// Keys with a problem.
    bad: HashSet<String>,
    /// Where each key read was written.
    locs: HashMap<String, Loc>,
    /// The start of the top file, for problems with no better place.
    fallback: Loc,
    /// Problems found beyond [`MAX_PROBLEMS`].
    dropped: usize,
}

impl Ck<'_> {
    fn report(&mut self, loc: &Loc, key: &str, message: impl Into<String>) {
        self.bad.insert(key.to_string());
        if self.out.len() >= MAX_PROBLEMS {
            self.dropped += 1;
        } else {
            self.out.push(Problem::at(loc, key, message));
        }
    }

    fn wrong_type(&mut self, node: &Node, key: &str, allowed: &str) {
        let got = node.val.describe(&node.loc);
        let hint = match &node.val {
            Val::Str(s) if allowed.contains("number") && s.trim().parse::<f64>().is_ok() => {
                "; write numbers without quotes"
            }
            Val::Str(s)
                if allowed.contains("true or false") && ["true", "false"].contains(&s.trim()) =>
            {
                "; write true and false without quotes"
            }
            _ => "",
        };
        self.report(
            &node.loc,
            key,
            format!("wrong type (got {got}, allowed {allowed}){hint}"),
        );
    }

    /// Where the first of `keys` that was written is, with that key.
    fn place(&self, keys: &[&str]) -> (Loc, String) {
        for k in keys {
            if let Some(l) = self.locs.get(*k) {
                return (l.clone(), (*k).to_string());
            }
        }
        (
            self.fallback.clone(),
            keys.first().copied().unwrap_or("").to_string(),
        )
    }

    /// Problems found so far, listed or not.
    fn count(&self) -> usize {
        self.out.len() + self.dropped
    }

    fn any_bad(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.bad.contains(*k))
    }

    /// Reports every key of `t` not allowed by `schema`.
    fn unknown_keys(&mut self, t: &Table, path: &str, schema: &str) {
        let allowed = allowed_keys(schema);
        for e in &t.entries {
            if allowed.contains(&e.key.as_str()) {
                continue;
            }
            let key = join(path, &key_text(&e.key));
            if self.out.len() >= MAX_PROBLEMS {
                // Only counted: skip the work of a message.
                self.report(&e.key_loc, &key, "");
                continue;
            }
            let hint = match suggest(&e.key, allowed) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => match elsewhere(&e.key, schema) {
                    Some(s) => format!("; did you mean {s}?"),
                    None => String::new(),
                },
            };
            let msg = format!(
                "unknown key `{}`{hint} (allowed {}: {})",
                key_text(&e.key),
                table_header(schema),
                allowed.join(", ")
            );
            self.report(&e.key_loc, &key, msg);
        }
    }

    /// The node at `path.key`, remembering where it was written.
    fn get<'t>(&mut self, t: &'t Table, path: &str, key: &str) -> Option<(&'t Node, String)> {
        let node = t.get(key)?;
        let full = join(path, key);
        self.locs.insert(full.clone(), node.loc.clone());
        Some((node, full))
    }

    /// A top-level section that must be a table.
    fn section<'t>(&mut self, root: &'t Table, key: &str) -> Option<&'t Table> {
        let (node, full) = self.get(root, "", key)?;
        match &node.val {
            Val::Table(t) => {
                self.unknown_keys(t, &full, key);
                Some(t)
            }
            _ => {
                self.wrong_type(node, &full, &format!("a table, written [{key}]"));
                None
            }
        }
    }

    fn number_node(&mut self, node: &Node, key: &str, r: R) -> Option<f64> {
        let v = match node.val {
            Val::Int(Some(i)) => i as f64,
            Val::Int(None) => f64::INFINITY,
            Val::Float(f) => f,
            _ => {
                self.wrong_type(node, key, &r.describe());
                return None;
            }
        };
        if r.contains(v) {
            Some(v)
        } else {
            let got = shorten(node.loc.text(), 40);
            self.report(
                &node.loc,
                key,
                format!("out of range (got {got}, allowed {})", r.describe()),
            );
            None
        }
    }

    fn num(&mut self, t: &Table, path: &str, key: &str, r: R) -> Option<f64> {
        let (node, full) = self.get(t, path, key)?;
        self.number_node(node, &full, r)
    }

    fn int_node(&mut self, node: &Node, key: &str, lo: i64, hi: i64) -> Option<i64> {
        let allowed = format!("a whole number from {lo} to {hi}");
        match node.val {
            Val::Int(Some(i)) if (lo..=hi).contains(&i) => Some(i),
            Val::Int(_) => {
                let got = shorten(node.loc.text(), 40);
                self.report(
                    &node.loc,
                    key,
                    format!("out of range (got {got}, allowed {allowed})"),
                );
                None
            }
            _ => {
                self.wrong_type(node, key, &allowed);
                None
            }
        }
    }

    fn int(&mut self, t: &Table, path: &str, key: &str, lo: i64, hi: i64) -> Option<i64> {
        let (node, full) = self.get(t, path, key)?;
        self.int_node(node, &full, lo, hi)
    }

    fn u32(&mut self, t: &Table, path: &str, key: &str, lo: u32, hi: u32) -> Option<u32> {
        self.int(t, path, key, i64::from(lo), i64::from(hi))
            .and_then(|v| u32::try_from(v).ok())
    }

    fn boolean(&mut self, t: &Table, path: &str, key: &str) -> Option<bool> {
        let (node, full) = self.get(t, path, key)?;
        match node.val {
            Val::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, &full, "true or false");
                None
            }
        }
    }

    fn text_node(&mut self, node: &Node, key: &str, max_chars: usize) -> Option<String> {
        let Val::Str(s) = &node.val else {
            self.wrong_type(
                node,
                key,
                &format!("a string of at most {max_chars} characters"),
            );
            return None;
        };
        let n = s.chars().count();
        if n > max_chars {
            self.report(
                &node.loc,
                key,
                format!("too long (got {n} characters, allowed at most {max_chars})"),
            );
            return None;
        }
        Some(s.clone())
    }

    /// A name used in outputs: non-empty, one line, no path separators.
    fn name_node(&mut self, node: &Node, key: &str) -> Option<String> {
        let s = self.text_node(node, key, MAX_NAME_CHARS)?;
        if s.trim().is_empty() || s.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
            self.report(
                &node.loc,
                key,
                format!(
                    "not a usable name (got {:?}, allowed a non-empty name of at most {MAX_NAME_CHARS} characters without control characters, `/` or `\\`)",
                    shorten(&s, 40)
                ),
            );
            return None;
        }
        Some(s)
    }

    fn choice<T: Copy>(
        &mut self,
        t: &Table,
        path: &str,
        key: &str,
        options: &[(&str, T)],
    ) -> Option<T> {
        let (node, full) = self.get(t, path, key)?;
        self.choice_node(node, &full, options)
    }

    fn choice_node<T: Copy>(&mut self, node: &Node, key: &str, options: &[(&str, T)]) -> Option<T> {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let allowed = format!(
            "one of {}",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let Val::Str(s) = &node.val else {
            self.wrong_type(node, key, &allowed);
            return None;
        };
        let lower = s.to_lowercase();
        if let Some((_, v)) = options.iter().find(|(n, _)| *n == lower) {
            return Some(*v);
        }
        let hint = suggest(&lower, &names)
            .map(|n| format!("; did you mean \"{n}\"?"))
            .unwrap_or_default();
        self.report(
            &node.loc,
            key,
            format!(
                "unknown value{hint} (got {:?}, allowed {allowed})",
                shorten(s, 40)
            ),
        );
        None
    }

    fn date_node(&mut self, node: &Node, key: &str) -> Option<NaiveDate> {
        let allowed = "a date such as 2026-04-01 (a TOML date, or a string \"YYYY-MM-DD\")";
        let ymd = match &node.val {
            Val::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    Some((i32::from(d.year), u32::from(d.month), u32::from(d.day)))
                }
                _ => {
                    self.wrong_type(node, key, &format!("{allowed}, without a time"));
                    return None;
                }
            },
            Val::Str(s) => parse_ymd(s),
            _ => {
                self.wrong_type(node, key, allowed);
                return None;
            }
        };
        let date = ymd.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        let Some(date) = date else {
            let got = node.val.describe(&node.loc);
            self.report(
                &node.loc,
                key,
                format!("not a date (got {got}, allowed {allowed})"),
            );
            return None;
        };
        let lo = NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
        let hi = NaiveDate::from_ymd_opt(MAX_YEAR, 12, 31).unwrap_or(NaiveDate::MAX);
        if date < lo || date > hi {
            self.report(
                &node.loc,
                key,
                format!("out of range (got {date}, allowed a date from {lo} to {hi})"),
            );
            return None;
        }
        Some(date)
    }

    fn date(&mut self, t: &Table, path: &str, key: &str) -> Option<NaiveDate> {
        let (node, full) = self.get(t, path, key)?;
        self.date_node(node, &full)
    }

    /// A distribution: a bare number (fixed) or a table naming `dist` and
    /// its parameters; `max` bounds its mean and (when bounded) its maximum.
    fn dist_node(&mut self, node: &Node, key: &str, unit: &str, max: f64) -> Option<Dist> {
        let d = match &node.val {
            Val::Int(_) | Val::Float(_) => {
                let r = R(B::Incl(0.0), B::Incl(max));
                Dist::Fixed(self.number_node(node, key, r)?)
            }
            Val::Table(t) => self.dist_table(node, t, key)?,
            _ => {
                self.wrong_type(
                    node,
                    key,
                    &format!(
                        "a number of {unit} (a fixed value) or a distribution such as {DIST_EXAMPLE}"
                    ),
                );
                return None;
            }
        };
        if let Err(m) = d.validate() {
            self.report(&node.loc, key, format!("invalid distribution: {m}"));
            return None;
        }
        let (mean, top) = (d.mean(), d.max());
        if mean > max || (top.is_finite() && top > max) {
            self.report(
                &node.loc,
                key,
                format!(
                    "too large (got mean {mean} and maximum {top} {unit}, allowed values up to {max} {unit})"
                ),
            );
            return None;
        }
        Some(d)
    }

    fn dist_table(&mut self, node: &Node, t: &Table, key: &str) -> Option<Dist> {
        let names: Vec<&str> = DISTS.iter().map(|(n, _)| *n).collect();
        let allowed_names = names.join(", ");
        let Some(dist_node) = t.get("dist") else {
            self.report(
                &node.loc,
                &join(key, "dist"),
                format!(
                    "missing `dist` naming the distribution (allowed: {allowed_names}; for example {DIST_EXAMPLE})"
                ),
            );
            return None;
        };
        let dkey = join(key, "dist");
        let Val::Str(name) = &dist_node.val else {
            self.wrong_type(dist_node, &dkey, &format!("one of {allowed_names}"));
            return None;
        };
        let lower = name.to_lowercase();
        let Some((name, params)) = DISTS.iter().find(|(n, _)| *n == lower) else {
            let hint = suggest(&lower, &names)
                .map(|n| format!("; did you mean \"{n}\"?"))
                .unwrap_or_default();
            self.report(
                &dist_node.loc,
                &dkey,
                format!(
                    "unknown distribution{hint} (got {:?}, allowed {allowed_names})",
                    shorten(name, 40)
                ),
            );
            return None;
        };
        let mut ok = true;
        for e in &t.entries {
            if e.key != "dist" && !params.contains(&e.key.as_str()) {
                let hint = suggest(&e.key, params)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                self.report(
                    &e.key_loc,
                    &join(key, &key_text(&e.key)),
                    format!(
                        "unknown parameter `{}` for a {name} distribution{hint} (allowed: dist, {})",
                        key_text(&e.key),
                        params.join(", ")
                    ),
                );
                ok = false;
            }
        }
        let mut values = Vec::with_capacity(params.len());
        for p in *params {
            let pkey = join(key, p);
            match t.get(p) {
                None => {
                    self.report(
                        &node.loc,
                        &pkey,
                        format!(
                            "missing parameter `{p}` (a {name} distribution needs {})",
                            params.join(", ")
                        ),
                    );
                    ok = false;
                }
                Some(v) => match self.number_node(v, &pkey, R(B::Open, B::Open)) {
                    Some(x) => values.push(x),
                    None => ok = false,
                },
            }
        }
        if !ok {
            return None;
        }
        let v = |i: usize| values.get(i).copied().unwrap_or(f64::NAN);
        Some(match *name {
            "fixed" => Dist::Fixed(v(0)),
            "exponential" => Dist::Exponential { mean: v(0) },
            "gamma" => Dist::Gamma {
                mean: v(0),
                cv: v(1),
            },
            "lognormal" => Dist::LogNormal {
                mean: v(0),
                cv: v(1),
            },
            "triangular" => Dist::Triangular {
                min: v(0),
                mode: v(1),
                max: v(2),
            },
            _ => Dist::Uniform {
                min: v(0),
                max: v(1),
            },
        })
    }

    fn dist(&mut self, t: &Table, path: &str, key: &str, unit: &str, max: f64) -> Option<Dist> {
        let (node, full) = self.get(t, path, key)?;
        self.dist_node(node, &full, unit, max)
    }

    /// A delay: a distribution in days, or `false` for a step switched off.
    fn delay(&mut self, t: &Table, path: &str, key: &str) -> Option<Option<Dist>> {
        let (node, full) = self.get(t, path, key)?;
        match node.val {
            Val::Bool(false) => Some(None),
            Val::Bool(true) => {
                self.report(
                    &node.loc,
                    &full,
                    format!("`true` is not allowed (allowed: a number of days, a distribution in days such as {DIST_EXAMPLE}, or `false` to switch the step off)"),
                );
                None
            }
            _ => self.dist_node(node, &full, "days", MAX_DAYS).map(Some),
        }
    }

    /// An array of tables (`[[key]]`), each read by `item` once its
    /// unknown keys are reported. Every entry is checked; the list is
    /// returned only when none had a problem.
    fn tables<T>(
        &mut self,
        node: &Node,
        key: &str,
        (max, what): (usize, &str),
        mut item: impl FnMut(&mut Self, &Node, &Table, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let header = format!("an array of tables, each written [[{key}]]");
        let Val::Array(items) = &node.val else {
            self.wrong_type(node, key, &header);
            return None;
        };
        if items.len() > max {
            self.report(
                &node.loc,
                key,
                format!(
                    "too many {what} (got {}, allowed at most {max})",
                    items.len()
                ),
            );
            return None;
        }
        let schema = format!("{key}[]");
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, entry) in items.iter().enumerate() {
            let ikey = format!("{key}[{i}]");
            let Val::Table(t) = &entry.val else {
                self.wrong_type(entry, &ikey, &header);
                ok = false;
                continue;
            };
            self.unknown_keys(t, &ikey, &schema);
            let before = self.count();
            let value = item(self, entry, t, &ikey);
            if self.count() > before {
                ok = false;
            } else if let Some(v) = value {
                out.push(v);
            }
        }
        ok.then_some(out)
    }

    /// Reports `key` missing from the entry at `entry` when it is absent.
    fn require(&mut self, entry: &Node, t: &Table, ikey: &str, key: &str, allowed: &str) {
        if t.get(key).is_none() {
            self.report(
                &entry.loc,
                &join(ikey, key),
                format!("missing (allowed {allowed})"),
            );
        }
    }

    /// An array of staff groups (`[[caseworkers.groups]]`, `[[backlog_team]]`).
    fn staff_groups(
        &mut self,
        node: &Node,
        key: &str,
        default_name: &str,
    ) -> Option<Vec<StaffGroup>> {
        let mut index = 0;
        self.tables(node, key, (MAX_GROUPS, "groups"), |this, entry, t, ikey| {
            index += 1;
            let name = match this.get(t, ikey, "name") {
                Some((n, full)) => this.name_node(n, &full),
                None => Some(format!("{default_name} {index}")),
            };
            let fte = this.num(t, ikey, "fte", FTE);
            this.require(entry, t, ikey, "fte", &FTE.describe());
            let start = this.date(t, ikey, "start");
            let end = this.date(t, ikey, "end");
            if let (Some(s), Some(e)) = (start, end) {
                if e < s {
                    let end_key = join(ikey, "end");
                    let (loc, k) = this.place(&[end_key.as_str()]);
                    this.report(
                        &loc,
                        &k,
                        format!("end is before start (got end {e}, start {s}; allowed an end on or after the start)"),
                    );
                }
            }
            let hours = this.num(t, ikey, "hours_per_fte_year", HOURS_PER_YEAR);
            Some(StaffGroup { name: name?, fte: fte?, start, end, hours_per_fte_year: hours })
        })
    }

    fn open_requests(&mut self, node: &Node, key: &str) -> Option<Vec<OpenRequests>> {
        let defaults = Scenario::default().initial.open_requests;
        let stages = [
            ("awaiting_decision", OpenStage::AwaitingDecision),
            ("assessment", OpenStage::Assessment),
            ("drafting", OpenStage::Drafting),
        ];
        let max = i64::from(MAX_INITIAL_PLANS);
        self.tables(
            node,
            key,
            (MAX_OPEN_ENTRIES, "entries"),
            |this, entry, t, ikey| {
                let stage = this.choice(t, ikey, "stage", &stages);
                this.require(
                    entry,
                    t,
                    ikey,
                    "stage",
                    "one of \"awaiting_decision\", \"assessment\", \"drafting\"",
                );
                let count = this.int(t, ikey, "count", 0, max);
                this.require(
                    entry,
                    t,
                    ikey,
                    "count",
                    &format!("a whole number from 0 to {max}"),
                );
                let age = this.dist(t, ikey, "age_days", "days", MAX_DAYS);
                let stage = stage?;
                let age_days = age.unwrap_or_else(|| {
                    defaults
                        .iter()
                        .find(|o| o.stage == stage)
                        .map_or(Dist::Fixed(0.0), |o| o.age_days.clone())
                });
                Some(OpenRequests {
                    stage,
                    count: u32::try_from(count?).unwrap_or(0),
                    age_days,
                })
            },
        )
    }
}

/// A key written in the wrong table: where it belongs, for a hint.
fn elsewhere(key: &str, here: &str) -> Option<String> {
    let lower = key.to_lowercase();
    SCHEMA
        .iter()
        .filter(|(s, _)| *s != here && !s.is_empty())
        .find(|(_, keys)| keys.contains(&lower.as_str()))
        .map(|(s, _)| match s.strip_suffix("[]") {
            Some(a) => format!("`{lower}` in [[{a}]]"),
            None => format!("`{s}.{lower}`, in [{s}]"),
        })
}

/// Strict `YYYY-MM-DD`.
fn parse_ymd(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    Some((
        i32::try_from(digits(0..4)?).ok()?,
        digits(5..7)?,
        digits(8..10)?,
    ))
}

/// Checks the merged tree and builds the scenario; every problem found is
/// appended to `out`. The scenario is meaningful only if none was.
pub(crate) fn build(
    root: &Table,
    top: &Loc,
    default_name: &str,
    out: &mut Vec<Problem>,
) -> Option<Scenario> {
    let mut ck = Ck {
        out,
        bad: HashSet::new(),
        locs: HashMap::new(),
        fallback: top.clone(),
        dropped: 0,
    };
    let mut s = Scenario::default();
    ck.unknown_keys(root, "", "");

    s.name = match ck.get(root, "", "name") {
        Some((n, full)) => ck.name_node(n, &full),
        None => None,
    }
    .unwrap_or_else(|| default_name.to_string());
    if let Some((n, full)) = ck.get(root, "", "description") {
        set(
            &mut s.description,
            ck.text_node(n, &full, MAX_DESCRIPTION_CHARS),
        );
    }

    calendar(&mut ck, root, &mut s);
    requests(&mut ck, root, &mut s);

    if let Some(t) = ck.section(root, "panel") {
        set(&mut s.panel.enabled, ck.boolean(t, "panel", "enabled"));
        let days = [
            ("monday", Weekday::Mon),
            ("tuesday", Weekday::Tue),
            ("wednesday", Weekday::Wed),
            ("thursday", Weekday::Thu),
            ("friday", Weekday::Fri),
            ("saturday", Weekday::Sat),
            ("sunday", Weekday::Sun),
        ];
        set(
            &mut s.panel.weekday,
            ck.choice(t, "panel", "weekday", &days),
        );
    }

    if let Some(t) = ck.section(root, "work") {
        let p = "work";
        let h = "hours";
        let w = &mut s.work;
        set(
            &mut w.decision,
            ck.dist(t, p, "decision", h, MAX_TASK_HOURS),
        );
        set(
            &mut w.assessment,
            ck.dist(t, p, "assessment", h, MAX_TASK_HOURS),
        );
        set(&mut w.no_plan, ck.dist(t, p, "no_plan", h, MAX_TASK_HOURS));
        set(
            &mut w.drafting,
            ck.dist(t, p, "drafting", h, MAX_TASK_HOURS),
        );
        set(
            &mut w.finalisation,
            ck.dist(t, p, "finalisation", h, MAX_TASK_HOURS),
        );
        set(
            &mut w.review_decision,
            ck.dist(t, p, "review_decision", h, MAX_TASK_HOURS),
        );
        set(
            &mut w.review_amendment,
            ck.dist(t, p, "review_amendment", h, MAX_TASK_HOURS),
        );
        let r = R(B::Incl(0.0), B::Incl(MAX_HOURS_PER_YEAR));
        set(
            &mut w.contact_hours_per_case_per_year,
            ck.num(t, p, "contact_hours_per_case_per_year", r),
        );
    }

    if let Some(t) = ck.section(root, "delays") {
        let p = "delays";
        let d = &mut s.delays;
        set(&mut d.health_advice, ck.delay(t, p, "health_advice"));
        set(
            &mut d.social_care_advice,
            ck.delay(t, p, "social_care_advice"),
        );
        set(&mut d.school_advice, ck.delay(t, p, "school_advice"));
        set(&mut d.family_comments, ck.delay(t, p, "family_comments"));
        set(
            &mut d.school_consultation,
            ck.delay(t, p, "school_consultation"),
        );
        set(
            &mut d.amendment_representations,
            ck.delay(t, p, "amendment_representations"),
        );
    }

    if let Some(t) = ck.section(root, "psychologists") {
        let p = "psychologists";
        let e = &mut s.psychologists;
        set(&mut e.enabled, ck.boolean(t, p, "enabled"));
        set(
            &mut e.fte,
            ck.num(t, p, "fte", R(B::Incl(0.0), B::Incl(MAX_GROUP_FTE))),
        );
        set(
            &mut e.hours_per_fte_year,
            ck.num(t, p, "hours_per_fte_year", HOURS_PER_YEAR),
        );
        set(
            &mut e.hours_per_advice,
            ck.dist(t, p, "hours_per_advice", "hours", MAX_TASK_HOURS),
        );
    }

    if let Some(t) = ck.section(root, "reviews") {
        let p = "reviews";
        let r = &mut s.reviews;
        let interval = R(B::Incl(MIN_REVIEW_INTERVAL_DAYS), B::Incl(MAX_DAYS));
        let limit = R(B::Incl(0.0), B::Incl(MAX_DAYS));
        set(&mut r.enabled, ck.boolean(t, p, "enabled"));
        set(
            &mut r.interval_days,
            ck.num(t, p, "interval_days", interval),
        );
        set(
            &mut r.under5_interval_days,
            ck.num(t, p, "under5_interval_days", interval),
        );
        set(
            &mut r.decision_limit_days,
            ck.num(t, p, "decision_limit_days", limit),
        );
        set(
            &mut r.amendment_limit_days,
            ck.num(t, p, "amendment_limit_days", limit),
        );
        set(&mut r.amend_share, ck.num(t, p, "amend_share", SHARE));
        set(&mut r.cease_share, ck.num(t, p, "cease_share", SHARE));
    }

    if let Some(t) = ck.section(root, "cessation") {
        let r = R(B::Incl(0.0), B::Excl(1.0));
        set(
            &mut s.cessation.per_year,
            ck.num(t, "cessation", "per_year", r),
        );
    }

    if let Some(t) = ck.section(root, "caseworkers") {
        let p = "caseworkers";
        let c = &mut s.caseworkers;
        set(&mut c.cap, ck.u32(t, p, "cap", 1, MAX_CAP));
        set(
            &mut c.hours_per_fte_year,
            ck.num(t, p, "hours_per_fte_year", HOURS_PER_YEAR),
        );
        let priorities = [
            ("earliest_deadline", Priority::EarliestDeadline),
            ("first_come_first_served", Priority::FirstComeFirstServed),
            ("new_assessments_first", Priority::NewAssessmentsFirst),
            ("reviews_first", Priority::ReviewsFirst),
            ("common_practice", Priority::CommonPractice),
        ];
        if let Some(priority) = ck.choice(t, p, "priority", &priorities) {
            c.order = priority.order();
        }
        if let Some((node, full)) = ck.get(t, p, "groups") {
            set(&mut c.groups, ck.staff_groups(node, &full, "group"));
        }
    }

    if let Some((node, full)) = ck.get(root, "", "backlog_team") {
        set(
            &mut s.backlog_team,
            ck.staff_groups(node, &full, "backlog team"),
        );
    }

    if let Some(t) = ck.section(root, "initial") {
        let p = "initial";
        let i = &mut s.initial;
        set(
            &mut i.plans_in_force,
            ck.u32(t, p, "plans_in_force", 0, MAX_INITIAL_PLANS),
        );
        set(
            &mut i.overdue_reviews,
            ck.u32(t, p, "overdue_reviews", 0, MAX_INITIAL_PLANS),
        );
        set(
            &mut i.overdue_age_days,
            ck.dist(t, p, "overdue_age_days", "days", MAX_DAYS),
        );
        if let Some((node, full)) = ck.get(t, p, "open_requests") {
            set(&mut i.open_requests, ck.open_requests(node, &full));
        }
    }

    cross_checks(&mut ck, &s);
    if ck.dropped > 0 {
        let (file, n) = (top.src.path.clone(), ck.dropped);
        ck.out.push(Problem {
            file,
            line: 0,
            column: 0,
            key: "(more)".into(),
            message: format!(
                "{n} more problem(s) not listed (at most {MAX_PROBLEMS} are); fix these first"
            ),
        });
    }
    Some(s)
}

fn calendar(ck: &mut Ck<'_>, root: &Table, s: &mut Scenario) {
    let Some(t) = ck.section(root, "calendar") else {
        return;
    };
    let p = "calendar";
    set(&mut s.calendar.start, ck.date(t, p, "start"));
    let weeks = ck.u32(t, p, "horizon_weeks", 1, MAX_HORIZON_WEEKS);
    let end = ck.date(t, p, "end");
    if t.contains("horizon_weeks") && t.contains("end") {
        let (loc, key) = ck.place(&["calendar.end"]);
        ck.report(
            &loc,
            &key,
            "both `end` and `horizon_weeks` given (allowed: one of them; `end` is the last simulated day, `horizon_weeks` the length in weeks)",
        );
    } else if let Some(w) = weeks {
        s.calendar.days = w * 7;
    } else if let Some(e) = end {
        if !ck.any_bad(&["calendar.start"]) {
            let start = s.calendar.start;
            let days = (e - start).num_days() + 1;
            let max = i64::from(MAX_HORIZON_WEEKS) * 7;
            let (loc, key) = ck.place(&["calendar.end"]);
            if e <= start {
                ck.report(
                    &loc,
                    &key,
                    format!("end is not after start (got end {e}, start {start}; allowed a last simulated day after the start)"),
                );
            } else if days > max {
                ck.report(
                    &loc,
                    &key,
                    format!("run too long (got {days} days from {start} to {e}, allowed at most {MAX_HORIZON_WEEKS} weeks, {max} days)"),
                );
            } else {
                s.calendar.days = u32::try_from(days).unwrap_or(0);
            }
        }
    }
    set(
        &mut s.backlog_cleared_at,
        ck.u32(t, p, "backlog_cleared_at", 0, MAX_INITIAL_PLANS),
    );
}

fn requests(ck: &mut Ck<'_>, root: &Table, s: &mut Scenario) {
    let Some(t) = ck.section(root, "requests") else {
        return;
    };
    let p = "requests";
    let r = &mut s.requests;
    set(&mut r.enabled, ck.boolean(t, p, "enabled"));
    let per_year = R(B::Incl(0.0), B::Incl(MAX_REQUESTS_PER_YEAR));
    set(&mut r.per_year, ck.num(t, p, "per_year", per_year));
    let growth = R(B::Incl(-0.5), B::Incl(1.0));
    set(
        &mut r.growth_per_year,
        ck.num(t, p, "growth_per_year", growth),
    );
    if let Some((node, full)) = ck.get(t, p, "monthly_profile") {
        set(&mut r.monthly_profile, monthly_profile(ck, node, &full));
    }
    set(&mut r.refused_share, ck.num(t, p, "refused_share", SHARE));
    set(
        &mut r.withdrawn_share,
        ck.num(t, p, "withdrawn_share", SHARE),
    );
    set(&mut r.no_plan_share, ck.num(t, p, "no_plan_share", SHARE));
    set(
        &mut r.exception_share,
        ck.num(t, p, "exception_share", SHARE),
    );
    set(&mut r.under5_share, ck.num(t, p, "under5_share", SHARE));
}

fn monthly_profile(ck: &mut Ck<'_>, node: &Node, key: &str) -> Option<[f64; 12]> {
    let allowed = "an array of 12 numbers >= 0, January first, not all 0";
    let Val::Array(items) = &node.val else {
        ck.wrong_type(node, key, allowed);
        return None;
    };
    if items.len() != 12 {
        ck.report(
            &node.loc,
            key,
            format!(
                "wrong length (got {} numbers, allowed {allowed})",
                items.len()
            ),
        );
        return None;
    }
    let mut out = [0.0; 12];
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let r = R(B::Incl(0.0), B::Incl(1e6));
        match ck.number_node(item, &format!("{key}[{i}]"), r) {
            Some(v) => out[i] = v,
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let mean = out.iter().sum::<f64>() / 12.0;
    if mean <= 0.0 {
        ck.report(
            &node.loc,
            key,
            format!("all months are 0 (allowed {allowed}; it is normalised to mean 1)"),
        );
        return None;
    }
    // Normalise to mean 1, leaving a profile that already has mean 1 exactly
    // as written.
    if (mean - 1.0).abs() > 1e-12 {
        for v in &mut out {
            *v /= mean;
        }
    }
    Some(out)
}

fn cross_checks(ck: &mut Ck<'_>, s: &Scenario) {
    let eps = 1e-12;

    let keys = ["requests.withdrawn_share", "requests.refused_share"];
    let sum = s.requests.refused_share + s.requests.withdrawn_share;
    if !ck.any_bad(&keys) && sum > 1.0 + eps {
        let (loc, key) = ck.place(&keys);
        ck.report(
            &loc,
            &key,
            format!(
                "refused_share + withdrawn_share is more than 1 (got {} + {} = {sum}, allowed a sum of at most 1; the remainder is agreed for assessment)",
                s.requests.refused_share, s.requests.withdrawn_share
            ),
        );
    }

    let keys = ["reviews.cease_share", "reviews.amend_share"];
    let sum = s.reviews.amend_share + s.reviews.cease_share;
    if !ck.any_bad(&keys) && sum > 1.0 + eps {
        let (loc, key) = ck.place(&keys);
        ck.report(
            &loc,
            &key,
            format!(
                "amend_share + cease_share is more than 1 (got {} + {} = {sum}, allowed a sum of at most 1; the remainder is maintained unchanged)",
                s.reviews.amend_share, s.reviews.cease_share
            ),
        );
    }

    let keys = [
        "reviews.amendment_limit_days",
        "reviews.decision_limit_days",
    ];
    let (d, a) = (
        s.reviews.decision_limit_days,
        s.reviews.amendment_limit_days,
    );
    if !ck.any_bad(&keys) && a < d {
        let (loc, key) = ck.place(&keys);
        ck.report(
            &loc,
            &key,
            format!("amendment_limit_days is before decision_limit_days (got {a} and {d}, allowed amendment_limit_days >= decision_limit_days)"),
        );
    }

    let keys = ["psychologists.fte", "psychologists.enabled"];
    if !ck.any_bad(&keys) && s.psychologists.enabled && s.psychologists.fte <= 0.0 {
        let (loc, key) = ck.place(&keys);
        ck.report(
            &loc,
            &key,
            format!(
                "no psychologists while they are enabled (got fte {}, allowed fte > 0, or enabled = false to leave EP advice out)",
                s.psychologists.fte
            ),
        );
    }

    let keys = ["caseworkers.groups", "requests.enabled", "reviews.enabled"];
    if !ck.any_bad(&keys)
        && s.caseworkers.groups.is_empty()
        && (s.requests.enabled || s.reviews.enabled)
    {
        let (loc, key) = ck.place(&["caseworkers.groups", "caseworkers"]);
        ck.report(
            &loc,
            &key,
            "empty staffing: no caseworker groups while requests or reviews are enabled (allowed: at least one [[caseworkers.groups]] with fte > 0, or both requests and reviews switched off)",
        );
    }

    for (groups, key) in [
        (&s.caseworkers.groups, "caseworkers.groups"),
        (&s.backlog_team, "backlog_team"),
    ] {
        let total: f64 = groups.iter().map(|g| g.fte).sum();
        if !ck.any_bad(&[key]) && total > MAX_GROUP_FTE {
            let (loc, k) = ck.place(&[key]);
            ck.report(
                &loc,
                &k,
                format!(
                    "too many staff (got {total} FTE in {} groups, allowed at most {MAX_GROUP_FTE} FTE in all)",
                    groups.len()
                ),
            );
        }
    }

    // A caseworker at the cap must have time left after contact hours.
    let contact = s.work.contact_hours_per_case_per_year;
    let cap = f64::from(s.caseworkers.cap);
    let load = cap * contact;
    let keys = [
        "work.contact_hours_per_case_per_year",
        "caseworkers.cap",
        "caseworkers.hours_per_fte_year",
    ];
    if !ck.any_bad(&keys) {
        let mut places: Vec<(f64, Vec<String>)> = vec![(
            s.caseworkers.hours_per_fte_year,
            keys.iter().map(|k| (*k).to_string()).collect(),
        )];
        for (i, g) in s.caseworkers.groups.iter().enumerate() {
            if let Some(h) = g.hours_per_fte_year {
                places.push((
                    h,
                    vec![format!("caseworkers.groups[{i}].hours_per_fte_year")],
                ));
            }
        }
        for (hours, ks) in places {
            if load >= hours {
                let refs: Vec<&str> = ks.iter().map(String::as_str).collect();
                let (loc, key) = ck.place(&refs);
                ck.report(
                    &loc,
                    &key,
                    format!(
                        "a caseworker at the cap of {} cases spends {load} h a year on contact, leaving no time of the {hours} productive hours for casework (allowed: cap x contact_hours_per_case_per_year below hours_per_fte_year)",
                        s.caseworkers.cap
                    ),
                );
            }
        }
    }

    let keys = [
        "requests.per_year",
        "requests.growth_per_year",
        "calendar.horizon_weeks",
        "calendar.end",
        "calendar.start",
    ];
    if !ck.any_bad(&keys) {
        let total = s.expected_requests();
        if total.is_nan() || total > MAX_TOTAL_REQUESTS {
            let (loc, key) = ck.place(&keys);
            ck.report(
                &loc,
                &key,
                format!(
                    "too many requests over the run (got about {:.0} requests in {} days at {} a year growing {} a year, allowed at most {MAX_TOTAL_REQUESTS} over a run)",
                    total, s.calendar.days, s.requests.per_year, s.requests.growth_per_year
                ),
            );
        }
    }

    let keys = ["initial.overdue_reviews", "initial.plans_in_force"];
    if !ck.any_bad(&keys) && s.initial.overdue_reviews > s.initial.plans_in_force {
        let (loc, key) = ck.place(&keys);
        ck.report(
            &loc,
            &key,
            format!(
                "more overdue reviews than plans (got {} overdue of {} plans in force, allowed at most plans_in_force)",
                s.initial.overdue_reviews, s.initial.plans_in_force
            ),
        );
    }

    let total: u64 = s
        .initial
        .open_requests
        .iter()
        .map(|o| u64::from(o.count))
        .sum();
    if total > u64::from(MAX_INITIAL_PLANS) {
        let (loc, key) = ck.place(&["initial.open_requests"]);
        ck.report(
            &loc,
            &key,
            format!(
                "too many open requests (got {total} in all, allowed at most {MAX_INITIAL_PLANS})"
            ),
        );
    }
}
