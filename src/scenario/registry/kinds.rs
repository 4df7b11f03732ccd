//! The kinds of value a parameter can hold: how each is read from TOML
//! (through the generic reader), written back as TOML, described in
//! messages and documentation, and varied for the test that every key is
//! read.

use chrono::{Duration, NaiveDate};

use super::super::load::reader::{date_range, one_of, Reader, R};
use super::super::load::spanned::{Node, Table, Val};
use super::Param;
use crate::calendar::Calendar;
use crate::engine::Dist;
use crate::scenario::{Priority, TaskKind, WorkOrder, MAX_HORIZON_WEEKS};

/// A kind of value. `V` is the Rust type it fills in the scenario.
pub(crate) trait Kind: Send + Sync + 'static {
    /// The Rust value.
    type V: Clone + PartialEq + Send + Sync + 'static;
    /// Reads a value that is present; `cur` is the value before (the
    /// default or the base's), for kinds that depend on it.
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, cur: &Self::V) -> Option<Self::V>;
    /// The value as TOML text, `None` when it is written by leaving the key
    /// out (an absent option) or as `[[tables]]` (see [`Kind::blocks`]).
    fn toml(&self, v: &Self::V) -> Option<String>;
    /// The type, in one or two words, for the reference.
    fn type_name(&self) -> &'static str;
    /// What is allowed, as in messages.
    fn allowed(&self) -> String;
    /// A valid value different from `v` (for the test that every key is
    /// read).
    #[allow(dead_code)]
    fn other(&self, v: &Self::V) -> Self::V;
    /// Arrays of tables: the value written as `[[key]]` blocks.
    fn blocks(&self, _v: &Self::V, _key: &str, _comments: bool) -> Option<String> {
        None
    }
    /// Arrays of tables: the parameters of each entry.
    fn fields(&self) -> Vec<FieldInfo> {
        Vec::new()
    }
    /// Arrays of tables: values with one entry's field changed, by field.
    #[allow(dead_code)]
    fn field_variants(&self, _v: &Self::V) -> Vec<(String, Self::V)> {
        Vec::new()
    }
}

/// What the reference says about a field of an array of tables.
pub(crate) struct FieldInfo {
    pub key: &'static str,
    pub type_name: &'static str,
    pub allowed: String,
    pub default: String,
    pub unit: &'static str,
    pub source: &'static str,
    pub doc: &'static str,
}

/// `f64` in a range. TOML writes it with enough digits to read back exactly.
pub(crate) struct Num(pub R);

/// A number as TOML: the shortest text that reads back exactly.
pub(crate) fn num_text(v: f64) -> String {
    match v {
        v if v.is_nan() => "nan".into(),
        f64::INFINITY => "inf".into(),
        f64::NEG_INFINITY => "-inf".into(),
        v => format!("{v:?}"),
    }
}

impl Kind for Num {
    type V = f64;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &f64) -> Option<f64> {
        r.number(node, key, self.0)
    }
    fn toml(&self, v: &f64) -> Option<String> {
        Some(num_text(*v))
    }
    fn type_name(&self) -> &'static str {
        if self.0 == R::incl(0.0, 1.0) {
            "share"
        } else {
            "number"
        }
    }
    fn allowed(&self) -> String {
        self.0.describe()
    }
    fn other(&self, v: &f64) -> f64 {
        let (lo, hi) = self.0.ends();
        let mid = if lo.is_finite() && hi.is_finite() {
            (lo + hi) / 2.0
        } else {
            v + 1.0
        };
        [v * 0.9, v + 0.5, v - 0.5, mid]
            .into_iter()
            .find(|x| x != v && self.0.contains(*x))
            .unwrap_or(*v)
    }
}

/// A whole number from `lo` to `hi`.
pub(crate) struct Whole(pub u32, pub u32);

impl Kind for Whole {
    type V = u32;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &u32) -> Option<u32> {
        let v = r.whole(node, key, i64::from(self.0), i64::from(self.1))?;
        u32::try_from(v).ok()
    }
    fn toml(&self, v: &u32) -> Option<String> {
        Some(v.to_string())
    }
    fn type_name(&self) -> &'static str {
        "whole number"
    }
    fn allowed(&self) -> String {
        format!("a whole number from {} to {}", self.0, self.1)
    }
    fn other(&self, v: &u32) -> u32 {
        if *v > self.0 {
            v - 1
        } else {
            v + 1
        }
    }
}

/// `true` or `false`.
pub(crate) struct Flag;

impl Kind for Flag {
    type V = bool;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &bool) -> Option<bool> {
        r.flag(node, key)
    }
    fn toml(&self, v: &bool) -> Option<String> {
        Some(v.to_string())
    }
    fn type_name(&self) -> &'static str {
        "boolean"
    }
    fn allowed(&self) -> String {
        "true or false".into()
    }
    fn other(&self, v: &bool) -> bool {
        !v
    }
}

/// A calendar date.
pub(crate) struct Day;

impl Kind for Day {
    type V = NaiveDate;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &NaiveDate) -> Option<NaiveDate> {
        r.date(node, key)
    }
    fn toml(&self, v: &NaiveDate) -> Option<String> {
        Some(v.to_string())
    }
    fn type_name(&self) -> &'static str {
        "date"
    }
    fn allowed(&self) -> String {
        let (lo, hi) = date_range();
        format!("a date from {lo} to {hi}, such as 2026-04-01 (or the string \"2026-04-01\")")
    }
    fn other(&self, v: &NaiveDate) -> NaiveDate {
        *v + Duration::days(1)
    }
}

/// One of a fixed set of words (matched without regard to case).
pub(crate) struct Words<T: 'static>(pub &'static [(&'static str, T)]);

impl<T: Copy + PartialEq + Send + Sync + 'static> Kind for Words<T> {
    type V = T;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &T) -> Option<T> {
        r.choice(node, key, self.0)
    }
    fn toml(&self, v: &T) -> Option<String> {
        let name = self.0.iter().find(|(_, x)| x == v).map(|(n, _)| *n)?;
        Some(format!("\"{name}\""))
    }
    fn type_name(&self) -> &'static str {
        "choice"
    }
    fn allowed(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(|(n, _)| *n).collect();
        one_of(&names)
    }
    fn other(&self, v: &T) -> T {
        let i = self.0.iter().position(|(_, x)| x == v).unwrap_or(0);
        self.0
            .get((i + 1) % self.0.len().max(1))
            .map_or(*v, |(_, x)| *x)
    }
}

/// A distribution in `unit` whose mean and maximum are at most `max`.
pub(crate) struct Distr {
    pub unit: &'static str,
    pub max: f64,
}

/// A distribution as TOML: a bare number for a fixed value, else an inline
/// table.
pub(crate) fn dist_text(d: &Dist) -> String {
    let n = |v: f64| num_text(v);
    match *d {
        Dist::Fixed(v) => n(v),
        Dist::Exponential { mean } => format!("{{ dist = \"exponential\", mean = {} }}", n(mean)),
        Dist::Gamma { mean, cv } => {
            format!("{{ dist = \"gamma\", mean = {}, cv = {} }}", n(mean), n(cv))
        }
        Dist::LogNormal { mean, cv } => {
            format!(
                "{{ dist = \"lognormal\", mean = {}, cv = {} }}",
                n(mean),
                n(cv)
            )
        }
        Dist::Triangular { min, mode, max } => format!(
            "{{ dist = \"triangular\", min = {}, mode = {}, max = {} }}",
            n(min),
            n(mode),
            n(max)
        ),
        Dist::Uniform { min, max } => {
            format!(
                "{{ dist = \"uniform\", min = {}, max = {} }}",
                n(min),
                n(max)
            )
        }
    }
}

/// A different valid distribution: every parameter scaled by 0.9.
#[allow(dead_code)]
fn dist_other(d: &Dist) -> Dist {
    let f = 0.9;
    match *d {
        Dist::Fixed(0.0) => Dist::Fixed(1.0),
        Dist::Fixed(v) => Dist::Fixed(v * f),
        Dist::Exponential { mean } => Dist::Exponential { mean: mean * f },
        Dist::Gamma { mean, cv } => Dist::Gamma { mean: mean * f, cv },
        Dist::LogNormal { mean, cv } => Dist::LogNormal { mean: mean * f, cv },
        Dist::Triangular { min, mode, max } => Dist::Triangular {
            min: min * f,
            mode: mode * f,
            max: max * f,
        },
        Dist::Uniform { min, max } => Dist::Uniform {
            min: min * f,
            max: max * f + 1.0,
        },
    }
}

impl Kind for Distr {
    type V = Dist;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &Dist) -> Option<Dist> {
        r.dist(node, key, self.unit, self.max)
    }
    fn toml(&self, v: &Dist) -> Option<String> {
        Some(dist_text(v))
    }
    fn type_name(&self) -> &'static str {
        "distribution"
    }
    fn allowed(&self) -> String {
        format!(
            "a number of {} (fixed) or a distribution, mean and maximum at most {}",
            self.unit, self.max
        )
    }
    fn other(&self, v: &Dist) -> Dist {
        dist_other(v)
    }
}

/// A delay: a distribution in days, or `false` for a step switched off.
pub(crate) struct Delay {
    pub max: f64,
}

impl Kind for Delay {
    type V = Option<Dist>;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &Self::V) -> Option<Self::V> {
        match node.val {
            Val::Bool(false) => Some(None),
            Val::Bool(true) => {
                r.report(
                    &node.loc,
                    key,
                    format!("`true` is not allowed (allowed: a number of days, a distribution in days such as {}, or `false` to switch the step off)", super::super::load::reader::DIST_EXAMPLE),
                );
                None
            }
            _ => r.dist(node, key, "days", self.max).map(Some),
        }
    }
    fn toml(&self, v: &Self::V) -> Option<String> {
        Some(v.as_ref().map_or("false".to_string(), dist_text))
    }
    fn type_name(&self) -> &'static str {
        "distribution or false"
    }
    fn allowed(&self) -> String {
        format!(
            "a number of days, a distribution in days (mean and maximum at most {}), or false to switch the step off",
            self.max
        )
    }
    fn other(&self, v: &Self::V) -> Self::V {
        match v {
            Some(_) => None,
            None => Some(Dist::Fixed(1.0)),
        }
    }
}

/// Twelve monthly intensities, normalised to mean 1 when read.
pub(crate) struct Profile;

impl Kind for Profile {
    type V = [f64; 12];
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &Self::V) -> Option<Self::V> {
        let allowed = self.allowed();
        let Val::Array(items) = &node.val else {
            r.wrong_type(node, key, &allowed);
            return None;
        };
        if items.len() != 12 {
            let n = items.len();
            r.report(
                &node.loc,
                key,
                format!("wrong length (got {n} numbers, allowed {allowed})"),
            );
            return None;
        }
        let mut out = [0.0; 12];
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match r.number(item, &format!("{key}[{i}]"), R::incl(0.0, 1e6)) {
                Some(v) => out[i] = v,
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let mean = out.iter().sum::<f64>() / 12.0;
        if mean <= 0.0 {
            r.report(
                &node.loc,
                key,
                format!("all months are 0 (allowed {allowed}; it is normalised to mean 1)"),
            );
            return None;
        }
        // Normalise to mean 1, leaving a profile that already has mean 1
        // exactly as written.
        if (mean - 1.0).abs() > 1e-12 {
            for v in &mut out {
                *v /= mean;
            }
        }
        Some(out)
    }
    fn toml(&self, v: &Self::V) -> Option<String> {
        let parts: Vec<String> = v.iter().map(|x| num_text(*x)).collect();
        Some(format!("[{}]", parts.join(", ")))
    }
    fn type_name(&self) -> &'static str {
        "12 numbers"
    }
    fn allowed(&self) -> String {
        "an array of 12 numbers >= 0, January first, not all 0".into()
    }
    fn other(&self, v: &Self::V) -> Self::V {
        // Swap two months: the mean stays exactly as it was.
        let mut o = *v;
        o.swap(0, 2);
        if o == *v {
            o = [1.0; 12];
            o[0] = 0.5;
            o[1] = 1.5;
        }
        o
    }
}

/// One line of text of at most this many characters.
pub(crate) struct Text(pub usize);

impl Kind for Text {
    type V = String;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &String) -> Option<String> {
        r.text(node, key, self.0)
    }
    fn toml(&self, v: &String) -> Option<String> {
        Some(toml_string(v))
    }
    fn type_name(&self) -> &'static str {
        "text"
    }
    fn allowed(&self) -> String {
        format!(
            "a string of at most {} characters, without control characters",
            self.0
        )
    }
    fn other(&self, v: &String) -> String {
        format!("{v}x")
    }
}

/// A name shown in outputs (see `reader::name_problem`).
pub(crate) struct Name(pub usize);

impl Kind for Name {
    type V = String;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &String) -> Option<String> {
        r.name(node, key, self.0)
    }
    fn toml(&self, v: &String) -> Option<String> {
        Some(toml_string(v))
    }
    fn type_name(&self) -> &'static str {
        "name"
    }
    fn allowed(&self) -> String {
        format!("a non-empty name of at most {} characters without control characters, `/`, `\\` or spaces at either end", self.0)
    }
    fn other(&self, v: &String) -> String {
        format!("{v}x")
    }
}

/// A TOML basic string.
pub(crate) fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// An optional value: absent is `None`; `example` is shown in the template
/// and used as the different value of an absent one.
pub(crate) struct Opt<K: Kind>(pub K, pub K::V);

impl<K: Kind> Kind for Opt<K> {
    type V = Option<K::V>;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &Self::V) -> Option<Self::V> {
        self.0.read(r, node, key, &self.1).map(Some)
    }
    fn toml(&self, v: &Self::V) -> Option<String> {
        v.as_ref().and_then(|x| self.0.toml(x))
    }
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }
    fn allowed(&self) -> String {
        format!("{} (optional)", self.0.allowed())
    }
    fn other(&self, v: &Self::V) -> Self::V {
        match v {
            Some(_) => None,
            None => Some(self.1.clone()),
        }
    }
}

/// The length of the run in whole weeks, stored as days.
pub(crate) struct Weeks;

impl Kind for Weeks {
    type V = u32;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &u32) -> Option<u32> {
        let w = r.whole(node, key, 1, i64::from(MAX_HORIZON_WEEKS))?;
        u32::try_from(w * 7).ok()
    }
    fn toml(&self, days: &u32) -> Option<String> {
        days.is_multiple_of(7).then(|| (days / 7).to_string())
    }
    fn type_name(&self) -> &'static str {
        "whole number"
    }
    fn allowed(&self) -> String {
        format!("a whole number from 1 to {MAX_HORIZON_WEEKS}")
    }
    fn other(&self, days: &u32) -> u32 {
        if *days > 7 {
            days - 7
        } else {
            days + 7
        }
    }
}

/// The last simulated day (inclusive), stored as the calendar's length.
pub(crate) struct LastDay;

impl Kind for LastDay {
    type V = Calendar;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, cur: &Calendar) -> Option<Calendar> {
        let e = r.date(node, key)?;
        if r.any_bad(&["calendar.start"]) {
            return None;
        }
        let start = cur.start;
        let days = (e - start).num_days() + 1;
        let max = i64::from(MAX_HORIZON_WEEKS) * 7;
        if e <= start {
            r.report(&node.loc, key, format!("end is not after start (got end {e}, start {start}; allowed a last simulated day after the start)"));
            return None;
        }
        if days > max {
            r.report(&node.loc, key, format!("run too long (got {days} days from {start} to {e}, allowed at most {MAX_HORIZON_WEEKS} weeks, {max} days)"));
            return None;
        }
        Some(Calendar {
            start,
            days: u32::try_from(days).ok()?,
        })
    }
    fn toml(&self, c: &Calendar) -> Option<String> {
        let last = c.start + Duration::days(i64::from(c.days) - 1);
        (!c.days.is_multiple_of(7)).then(|| last.to_string())
    }
    fn type_name(&self) -> &'static str {
        "date"
    }
    fn allowed(&self) -> String {
        format!("a date after calendar.start, at most {MAX_HORIZON_WEEKS} weeks later; instead of horizon_weeks")
    }
    fn other(&self, c: &Calendar) -> Calendar {
        let days = if c.days % 7 == 1 {
            c.days + 1
        } else {
            c.days - 1
        };
        Calendar {
            start: c.start,
            days,
        }
    }
}

/// An array of tables (`[[key]]`), each entry described by its own
/// parameters.
pub(crate) struct Items<I: Clone + 'static> {
    /// What the entries are, for messages ("groups").
    pub what: &'static str,
    /// Most entries.
    pub max: usize,
    /// The parameters of one entry.
    pub fields: fn() -> &'static [Param<I>],
    /// An entry before its keys are read (by its 0-based index).
    pub new_item: fn(usize) -> I,
    /// Fills in what depends on other keys once an entry is read.
    pub finish: fn(&mut I, &Table),
    /// An entry shown in the template when the default list is empty.
    pub example: fn() -> I,
}

impl<I: Clone + PartialEq + Send + Sync + 'static> Items<I> {
    fn read_item(
        &self,
        r: &mut Reader<'_>,
        entry: &Node,
        t: &Table,
        ikey: &str,
        index: usize,
    ) -> I {
        let fields = (self.fields)();
        let allowed: Vec<&str> = fields.iter().map(|p| p.key).collect();
        let header = format!("in [[{}]]", strip_index(ikey));
        r.unknown_keys(t, ikey, (&allowed, &header), &|_| None);
        let mut item = (self.new_item)(index);
        for p in fields {
            let full = format!("{ikey}.{}", p.key);
            match t.get(p.key) {
                Some(node) => {
                    r.note(&full, &node.loc);
                    p.slot.read(r, node, &full, &mut item);
                }
                None if p.required => {
                    let allowed = p.slot.allowed();
                    r.report(&entry.loc, &full, format!("missing (allowed {allowed})"));
                }
                None => {}
            }
        }
        (self.finish)(&mut item, t);
        item
    }
}

/// `a.b[3]` to `a.b`.
fn strip_index(k: &str) -> &str {
    k.rsplit_once('[').map_or(k, |(a, _)| a)
}

impl<I: Clone + PartialEq + Send + Sync + 'static> Kind for Items<I> {
    type V = Vec<I>;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &Vec<I>) -> Option<Vec<I>> {
        r.tables(
            node,
            key,
            (self.max, self.what),
            |r, (index, entry), t, ikey| Some(self.read_item(r, entry, t, ikey, index)),
        )
    }
    fn toml(&self, v: &Vec<I>) -> Option<String> {
        v.is_empty().then(|| "[]".to_string())
    }
    fn type_name(&self) -> &'static str {
        "array of tables"
    }
    fn allowed(&self) -> String {
        format!(
            "at most {} entries, each written [[...]] with the keys below",
            self.max
        )
    }
    fn other(&self, v: &Vec<I>) -> Vec<I> {
        match v.len() {
            0 => vec![(self.example)()],
            1 => vec![v[0].clone(), v[0].clone()],
            _ => v[..1].to_vec(),
        }
    }
    fn blocks(&self, v: &Vec<I>, key: &str, comments: bool) -> Option<String> {
        let fields = (self.fields)();
        if v.is_empty() {
            if !comments {
                return None;
            }
            let block = super::render::item_block(fields, &(self.example)(), key, false);
            let commented: String = block.lines().map(|l| format!("# {l}\n")).collect();
            return Some(commented);
        }
        let blocks: Vec<String> = v
            .iter()
            .enumerate()
            .map(|(i, item)| super::render::item_block(fields, item, key, comments && i == 0))
            .collect();
        Some(blocks.join("\n"))
    }
    fn fields(&self) -> Vec<FieldInfo> {
        let mut sample = (self.new_item)(0);
        (self.fields)()
            .iter()
            .map(|p| FieldInfo {
                key: p.key,
                type_name: p.slot.type_name(),
                allowed: p.slot.allowed(),
                default: match (p.required, p.default_note) {
                    (true, _) => "required".into(),
                    (false, Some(n)) => n.to_string(),
                    (false, None) => p
                        .slot
                        .toml(&mut sample)
                        .map_or_else(|| "(not set)".into(), |v| format!("`{v}`")),
                },
                unit: p.unit,
                source: p.source,
                doc: p.doc,
            })
            .collect()
    }
    fn field_variants(&self, v: &Vec<I>) -> Vec<(String, Vec<I>)> {
        let base = if v.is_empty() {
            vec![(self.example)()]
        } else {
            v.clone()
        };
        let mut out = Vec::new();
        for p in (self.fields)() {
            let mut list = base.clone();
            if let Some(first) = list.first_mut() {
                p.slot.set_other(first);
            }
            out.push((p.key.to_string(), list));
        }
        out
    }
}

/// A value, or `false` for none (a step or a rule switched off), so that a
/// variant can switch off what its base has on.
pub(crate) struct OrOff<K: Kind>(pub K, pub K::V);

impl<K: Kind> Kind for OrOff<K> {
    type V = Option<K::V>;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, _: &Self::V) -> Option<Self::V> {
        match node.val {
            Val::Bool(false) => Some(None),
            Val::Bool(true) => {
                let allowed = self.allowed();
                r.report(
                    &node.loc,
                    key,
                    format!("`true` is not allowed (allowed: {allowed})"),
                );
                None
            }
            _ => self.0.read(r, node, key, &self.1).map(Some),
        }
    }
    fn toml(&self, v: &Self::V) -> Option<String> {
        match v {
            Some(x) => self.0.toml(x),
            None => Some("false".into()),
        }
    }
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }
    fn allowed(&self) -> String {
        format!("{}, or false for none", self.0.allowed())
    }
    fn other(&self, v: &Self::V) -> Self::V {
        match v {
            Some(_) => None,
            None => Some(self.1.clone()),
        }
    }
}

/// The order of work: one of the named rules, or ranks of task kinds
/// written as an array of arrays of task names, highest priority first.
pub(crate) struct Order;

/// The named orders of work.
pub(crate) const ORDERS: [(&str, Priority); 5] = [
    ("common_practice", Priority::CommonPractice),
    ("earliest_deadline", Priority::EarliestDeadline),
    ("first_come_first_served", Priority::FirstComeFirstServed),
    ("new_assessments_first", Priority::NewAssessmentsFirst),
    ("reviews_first", Priority::ReviewsFirst),
];

impl Kind for Order {
    type V = WorkOrder;
    fn read(
        &self,
        r: &mut Reader<'_>,
        node: &Node,
        key: &str,
        cur: &WorkOrder,
    ) -> Option<WorkOrder> {
        let Val::Array(ranks) = &node.val else {
            return r.choice(node, key, &ORDERS).map(Priority::order);
        };
        let names: Vec<&str> = TaskKind::ALL.iter().map(|k| k.name()).collect();
        let mut out = Vec::new();
        let mut ok = true;
        for (i, rank) in ranks.iter().enumerate() {
            let Val::Array(kinds) = &rank.val else {
                r.wrong_type(rank, &format!("{key}[{i}]"), "an array of task names");
                ok = false;
                continue;
            };
            let mut this = Vec::new();
            for (j, k) in kinds.iter().enumerate() {
                let options: Vec<(&str, TaskKind)> =
                    names.iter().copied().zip(TaskKind::ALL).collect();
                match r.choice(k, &format!("{key}[{i}][{j}]"), &options) {
                    Some(kind) => this.push(kind),
                    None => ok = false,
                }
            }
            out.push(this);
        }
        ok.then_some(WorkOrder {
            ranks: out,
            within: cur.within,
        })
    }
    fn toml(&self, v: &WorkOrder) -> Option<String> {
        // A named rule whose ranks match (the order within a rank is
        // written by `within_rank`), else the ranks themselves.
        if let Some((name, _)) = ORDERS.iter().find(|(_, p)| p.order().ranks == v.ranks) {
            return Some(format!("\"{name}\""));
        }
        let ranks: Vec<String> = v
            .ranks
            .iter()
            .map(|rank| {
                let names: Vec<String> = rank.iter().map(|k| format!("\"{}\"", k.name())).collect();
                format!("[{}]", names.join(", "))
            })
            .collect();
        Some(format!("[{}]", ranks.join(", ")))
    }
    fn type_name(&self) -> &'static str {
        "choice or ranks"
    }
    fn allowed(&self) -> String {
        let names: Vec<&str> = ORDERS.iter().map(|(n, _)| *n).collect();
        let kinds: Vec<&str> = TaskKind::ALL.iter().map(|k| k.name()).collect();
        format!(
            "{}, or ranks as an array of arrays of task names ({}), highest priority first",
            one_of(&names),
            kinds.join(", ")
        )
    }
    fn other(&self, v: &WorkOrder) -> WorkOrder {
        let mut o = if v.ranks == WorkOrder::common_practice().ranks {
            WorkOrder::earliest_deadline()
        } else {
            WorkOrder::common_practice()
        };
        o.within = v.within;
        o
    }
}

/// A list of tables inside an entry of another list (`[[teams.groups]]`),
/// written back as an inline array of inline tables.
pub(crate) struct Nested<I: Clone + 'static>(pub Items<I>);

impl<I: Clone + PartialEq + Send + Sync + 'static> Kind for Nested<I> {
    type V = Vec<I>;
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, cur: &Vec<I>) -> Option<Vec<I>> {
        self.0.read(r, node, key, cur)
    }
    fn toml(&self, v: &Vec<I>) -> Option<String> {
        let fields = (self.0.fields)();
        let items: Vec<String> = v
            .iter()
            .map(|item| {
                let mut item = item.clone();
                let parts: Vec<String> = fields
                    .iter()
                    .filter_map(|p| p.slot.toml(&mut item).map(|t| format!("{} = {t}", p.key)))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            })
            .collect();
        Some(format!("[{}]", items.join(", ")))
    }
    fn type_name(&self) -> &'static str {
        "array of tables"
    }
    fn allowed(&self) -> String {
        self.0.allowed()
    }
    fn other(&self, v: &Vec<I>) -> Vec<I> {
        self.0.other(v)
    }
}
