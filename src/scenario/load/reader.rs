//! A generic typed reader of spanned TOML values: numbers in a range, whole
//! numbers, booleans, strings, names, one of a set of words, dates,
//! distributions and arrays of tables, each turned into a Rust value or into
//! a [`Problem`] at the value's `file:line:column` saying what was found and
//! what is allowed. It knows nothing about scenarios: the parameter
//! registry (`super::super::registry`) says which reader each key uses.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::spanned::{key_text, shorten, Loc, Node, Table, Val};
use super::Problem;
use crate::engine::Dist;

/// Most problems listed; the rest are counted.
pub(crate) const MAX_PROBLEMS: usize = 200;
/// Years a date may fall in.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2200;

/// Distribution names and their parameters.
pub(crate) const DISTS: &[(&str, &[&str])] = &[
    ("fixed", &["value"]),
    ("exponential", &["mean"]),
    ("gamma", &["mean", "cv"]),
    ("lognormal", &["mean", "cv"]),
    ("triangular", &["min", "mode", "max"]),
    ("uniform", &["min", "max"]),
];

/// How a distribution is written, for messages.
pub(crate) const DIST_EXAMPLE: &str = "{ dist = \"gamma\", mean = 3, cv = 0.5 }";

/// `path.key`, or `key` at the top level.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The closest of `options` to `word`, if close enough to be a likely typo
/// (optimal string alignment distance: a swap of neighbours is one edit).
pub(crate) fn suggest<'o>(word: &str, options: &[&'o str]) -> Option<&'o str> {
    if word.chars().count() > 64 {
        return None;
    }
    let w = word.to_lowercase();
    let limit = if w.chars().count() >= 5 { 2 } else { 1 };
    options
        .iter()
        .map(|o| (strsim::osa_distance(&w, o), *o))
        .filter(|(d, o)| *d <= limit && *d < o.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

/// One end of a range of numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum B {
    /// No bound.
    Open,
    /// At least (or at most) this.
    Incl(f64),
    /// More (or less) than this.
    Excl(f64),
}

/// A range of allowed numbers (always finite).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct R(pub B, pub B);

impl R {
    /// `[lo, hi]`.
    pub const fn incl(lo: f64, hi: f64) -> R {
        R(B::Incl(lo), B::Incl(hi))
    }

    pub fn contains(&self, v: f64) -> bool {
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

    pub fn describe(&self) -> String {
        if let (B::Incl(a), B::Incl(b)) = (self.0, self.1) {
            return format!("a number from {a} to {b}");
        }
        let mut parts = Vec::new();
        match self.0 {
            B::Incl(a) => parts.push(format!(">= {a}")),
            B::Excl(a) => parts.push(format!("> {a}")),
            B::Open => {}
        }
        match self.1 {
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

    /// The lower and upper ends as numbers (open ends are infinite).
    #[allow(dead_code)]
    pub fn ends(&self) -> (f64, f64) {
        let v = |b: B, inf: f64| match b {
            B::Open => inf,
            B::Incl(x) | B::Excl(x) => x,
        };
        (v(self.0, f64::NEG_INFINITY), v(self.1, f64::INFINITY))
    }
}

/// Reads values, collecting every problem.
pub(crate) struct Reader<'a> {
    out: &'a mut Vec<Problem>,
    /// Keys with a problem.
    bad: HashSet<String>,
    /// Where each key read was written.
    locs: HashMap<String, Loc>,
    /// The start of the top file, for problems with no better place.
    pub fallback: Loc,
    /// Problems found beyond [`MAX_PROBLEMS`].
    pub dropped: usize,
}

impl<'a> Reader<'a> {
    pub fn new(out: &'a mut Vec<Problem>, fallback: Loc) -> Self {
        Reader {
            out,
            bad: HashSet::new(),
            locs: HashMap::new(),
            fallback,
            dropped: 0,
        }
    }

    pub fn report(&mut self, loc: &Loc, key: &str, message: impl Into<String>) {
        self.bad.insert(key.to_string());
        if self.out.len() >= MAX_PROBLEMS {
            self.dropped += 1;
        } else {
            self.out.push(Problem::at(loc, key, message));
        }
    }

    /// Adds a problem even when listing is full (the summary of those not
    /// listed).
    pub fn push_unchecked(&mut self, p: Problem) {
        self.out.push(p);
    }

    /// Marks `key` bad without a message of its own (a problem was already
    /// reported for the value it is part of).
    pub fn mark_bad(&mut self, key: &str) {
        self.bad.insert(key.to_string());
    }

    /// Whether listing is full (so messages need not be built).
    pub fn full(&self) -> bool {
        self.out.len() >= MAX_PROBLEMS
    }

    pub fn wrong_type(&mut self, node: &Node, key: &str, allowed: &str) {
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

    /// Where the first of `keys` that was written is, with that key; the
    /// start of the top file and the first key when none was.
    pub fn place(&self, keys: &[&str]) -> (Loc, String) {
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

    /// Remembers where `key` was written.
    pub fn note(&mut self, key: &str, loc: &Loc) {
        self.locs.insert(key.to_string(), loc.clone());
    }

    /// Problems found so far, listed or not.
    pub fn count(&self) -> usize {
        self.out.len() + self.dropped
    }

    pub fn any_bad(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.bad.contains(*k))
    }

    /// Reports every key of `t` not in `allowed`; `elsewhere` may name where
    /// an unknown key belongs.
    pub fn unknown_keys(
        &mut self,
        t: &Table,
        path: &str,
        (allowed, header): (&[&str], &str),
        elsewhere: &dyn Fn(&str) -> Option<String>,
    ) {
        for e in &t.entries {
            if allowed.contains(&e.key.as_str()) {
                continue;
            }
            let key = join(path, &key_text(&e.key));
            if self.full() {
                // Only counted: skip the work of a message.
                self.report(&e.key_loc, &key, "");
                continue;
            }
            let hint = match suggest(&e.key, allowed) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => elsewhere(&e.key)
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_default(),
            };
            let msg = format!(
                "unknown key `{}`{hint} (allowed {header}: {})",
                key_text(&e.key),
                allowed.join(", ")
            );
            self.report(&e.key_loc, &key, msg);
        }
    }

    pub fn number(&mut self, node: &Node, key: &str, r: R) -> Option<f64> {
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
            return Some(v);
        }
        let got = shorten(node.loc.text(), 40);
        self.report(
            &node.loc,
            key,
            format!("out of range (got {got}, allowed {})", r.describe()),
        );
        None
    }

    pub fn whole(&mut self, node: &Node, key: &str, lo: i64, hi: i64) -> Option<i64> {
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

    pub fn flag(&mut self, node: &Node, key: &str) -> Option<bool> {
        match node.val {
            Val::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, key, "true or false");
                None
            }
        }
    }

    pub fn text(&mut self, node: &Node, key: &str, max_chars: usize) -> Option<String> {
        let Val::Str(s) = &node.val else {
            let allowed = format!("a string of at most {max_chars} characters");
            self.wrong_type(node, key, &allowed);
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
        if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\t') {
            self.report(
                &node.loc,
                key,
                format!(
                    "control character {:?} (allowed text on one line, without control characters)",
                    c
                ),
            );
            return None;
        }
        Some(s.clone())
    }

    /// A name used in outputs; see [`name_problem`].
    pub fn name(&mut self, node: &Node, key: &str, max_chars: usize) -> Option<String> {
        let Val::Str(s) = &node.val else {
            let allowed = format!("a string of at most {max_chars} characters");
            self.wrong_type(node, key, &allowed);
            return None;
        };
        if let Some(m) = name_problem(s, max_chars) {
            self.report(&node.loc, key, m);
            return None;
        }
        Some(s.clone())
    }

    pub fn choice<T: Copy>(&mut self, node: &Node, key: &str, options: &[(&str, T)]) -> Option<T> {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let allowed = one_of(&names);
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
        let got = shorten(s, 40);
        self.report(
            &node.loc,
            key,
            format!("unknown value{hint} (got {got:?}, allowed {allowed})"),
        );
        None
    }

    pub fn date(&mut self, node: &Node, key: &str) -> Option<NaiveDate> {
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
        let Some(date) = ymd.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)) else {
            let got = node.val.describe(&node.loc);
            self.report(
                &node.loc,
                key,
                format!("not a date (got {got}, allowed {allowed})"),
            );
            return None;
        };
        let (lo, hi) = date_range();
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

    /// A distribution: a bare number (fixed) or a table naming `dist` and
    /// its parameters; `max` bounds its mean and (when bounded) its maximum.
    pub fn dist(&mut self, node: &Node, key: &str, unit: &str, max: f64) -> Option<Dist> {
        let d = match &node.val {
            Val::Int(_) | Val::Float(_) => {
                Dist::Fixed(self.number(node, key, R::incl(0.0, max))?)
            }
            Val::Table(t) => self.dist_table(node, t, key)?,
            _ => {
                let allowed = format!(
                    "a number of {unit} (a fixed value) or a distribution such as {DIST_EXAMPLE}"
                );
                self.wrong_type(node, key, &allowed);
                return None;
            }
        };
        // The function that builds the sampler decides what is valid.
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

    /// The distribution named by `dist` in `t`, its parameters read.
    fn dist_table(&mut self, node: &Node, t: &Table, key: &str) -> Option<Dist> {
        let names: Vec<&str> = DISTS.iter().map(|(n, _)| *n).collect();
        let allowed_names = names.join(", ");
        let dkey = join(key, "dist");
        let Some(dist_node) = t.get("dist") else {
            self.report(
                &node.loc,
                &dkey,
                format!(
                    "missing `dist` naming the distribution (allowed: {allowed_names}; for example {DIST_EXAMPLE})"
                ),
            );
            return None;
        };
        let Val::Str(name) = &dist_node.val else {
            self.wrong_type(dist_node, &dkey, &format!("one of {allowed_names}"));
            return None;
        };
        let lower = name.to_lowercase();
        let Some((name, params)) = DISTS.iter().find(|(n, _)| *n == lower) else {
            let hint = suggest(&lower, &names)
                .map(|n| format!("; did you mean \"{n}\"?"))
                .unwrap_or_default();
            let got = shorten(name, 40);
            self.report(
                &dist_node.loc,
                &dkey,
                format!("unknown distribution{hint} (got {got:?}, allowed {allowed_names})"),
            );
            return None;
        };
        let values = self.dist_params(node, t, key, (name, params))?;
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

    /// The parameters of a `name` distribution, in the order of `params`.
    fn dist_params(
        &mut self,
        node: &Node,
        t: &Table,
        key: &str,
        (name, params): (&str, &[&str]),
    ) -> Option<Vec<f64>> {
        let mut ok = true;
        for e in &t.entries {
            if e.key != "dist" && !params.contains(&e.key.as_str()) {
                let hint = suggest(&e.key, params)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                let k = key_text(&e.key);
                self.report(
                    &e.key_loc,
                    &join(key, &k),
                    format!(
                        "unknown parameter `{k}` for a {name} distribution{hint} (allowed: dist, {})",
                        params.join(", ")
                    ),
                );
                ok = false;
            }
        }
        let mut values = Vec::with_capacity(params.len());
        for p in params {
            let pkey = join(key, p);
            let Some(v) = t.get(p) else {
                let needs = params.join(", ");
                self.report(
                    &node.loc,
                    &pkey,
                    format!("missing parameter `{p}` (a {name} distribution needs {needs})"),
                );
                ok = false;
                continue;
            };
            match self.number(v, &pkey, R(B::Open, B::Open)) {
                Some(x) => values.push(x),
                None => ok = false,
            }
        }
        ok.then_some(values)
    }

    /// An array of tables (`[[key]]`) of at most `max` entries, each read
    /// by `item` (given its index and node). Every entry is checked; the list is returned only when
    /// none had a problem.
    pub fn tables<T>(
        &mut self,
        node: &Node,
        key: &str,
        (max, what): (usize, &str),
        mut item: impl FnMut(&mut Self, (usize, &Node), &Table, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let header = format!("an array of tables, each written [[{key}]]");
        let Val::Array(items) = &node.val else {
            self.wrong_type(node, key, &header);
            return None;
        };
        if items.len() > max {
            let n = items.len();
            self.report(
                &node.loc,
                key,
                format!("too many {what} (got {n}, allowed at most {max})"),
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, entry) in items.iter().enumerate() {
            let ikey = format!("{key}[{i}]");
            let Val::Table(t) = &entry.val else {
                self.wrong_type(entry, &ikey, &header);
                ok = false;
                continue;
            };
            let before = self.count();
            let value = item(self, (i, entry), t, &ikey);
            match value {
                Some(v) if self.count() == before => out.push(v),
                _ => ok = false,
            }
        }
        if !ok {
            self.mark_bad(key);
        }
        ok.then_some(out)
    }
}

/// Why `s` cannot name a scenario or a staff group in outputs (terminal
/// tables and CSV files), or `None` when it can: non-empty, at most
/// `max_chars` characters, no control characters (newlines, tabs, escape
/// sequences), no `/` or `\`, and no space at either end.
pub(crate) fn name_problem(s: &str, max_chars: usize) -> Option<String> {
    let n = s.chars().count();
    if n > max_chars {
        return Some(format!(
            "too long (got {n} characters, allowed at most {max_chars})"
        ));
    }
    let bad = s.trim().is_empty()
        || s.trim() != s
        || s.chars().any(|c| c.is_control() || c == '/' || c == '\\');
    bad.then(|| {
        format!(
            "not a usable name (got {:?}, allowed a non-empty name of at most {max_chars} characters without control characters, `/`, `\\` or spaces at either end)",
            shorten(s, 40)
        )
    })
}

/// `one of "a", "b"`.
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!("one of {}", quoted.join(", "))
}

/// The first and last dates accepted.
pub(crate) fn date_range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(MAX_YEAR, 12, 31).unwrap_or(NaiveDate::MAX),
    )
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
