//! Checking a merged scenario tree into a [`Scenario`], collecting every
//! problem found.
//!
//! Every value starts from [`Scenario::default`] (with an empty
//! description); each key of the parameter registry
//! ([`crate::scenario::registry`]) that is present and valid replaces it.
//! A key with a problem is recorded as bad, and the checks below that
//! combine several keys are skipped when one of them is bad, so that one
//! mistake is reported once.
//!
//! Staff who would silently do nothing are errors where that is certainly a
//! mistake (a caseworker group that can hold no case, FTE too small to
//! create a post, psychologists enabled with almost no FTE, no caseworker
//! in post at any time of a run with work in it) and warnings where a
//! scenario may mean it (one group whose dates fall wholly outside the run,
//! as when a base's fixed-term posts are reused for a later run).

use super::reader::{join, name_problem, Reader, MAX_PROBLEMS};
use super::spanned::{Loc, Node, Table, Val};
use super::Problem;
use crate::scenario::registry::{
    keys_in, scenario_params, Param, MAX_NAME_CHARS, MIN_FTE, SECTIONS,
};
use crate::scenario::{Scenario, MAX_GROUP_FTE, MAX_INITIAL_PLANS, MAX_TOTAL_REQUESTS};

/// Where a problem found when checking was written, and what it says.
pub(crate) struct Found<'a> {
    pub problems: &'a mut Vec<Problem>,
    pub warnings: &'a mut Vec<Problem>,
}

/// Checks the merged tree and builds the scenario; every problem found is
/// appended to `found.problems`, warnings to `found.warnings`. The scenario
/// is meaningful only if no problem was found.
pub(crate) fn build(root: &Table, top: &Loc, default_name: &str, found: Found<'_>) -> Scenario {
    let mut r = Reader::new(found.problems, top.clone());
    let mut s = Scenario::default();
    s.description.clear();
    read_all(&mut r, root, &mut s);
    if !root.contains("name") {
        name_from_file(&mut r, default_name, &mut s);
    }
    cross_checks(&mut r, &s);
    staff_checks(&mut r, &s, found.warnings);
    if r.dropped > 0 {
        let n = r.dropped;
        let mut p = Problem::at(
            top,
            "(more)",
            format!("{n} more problem(s) not listed (at most {MAX_PROBLEMS} are); fix these first"),
        );
        p.line = p.line.max(1);
        p.column = p.column.max(1);
        r.push_unchecked(p);
    }
    s
}

/// Reads every key of the registry that is present, after reporting the
/// keys that are not in it.
fn read_all(r: &mut Reader<'_>, root: &Table, s: &mut Scenario) {
    let mut top = keys_in("");
    top.push("extends");
    r.unknown_keys(root, "", (&top, "at the top level"), &|k| elsewhere(k, ""));
    let mut tables: Vec<(&str, Option<&Table>)> = vec![("", Some(root))];
    for (section, _) in SECTIONS.iter().filter(|(s, _)| !s.is_empty()) {
        tables.push((section, section_table(r, root, section)));
    }
    for p in scenario_params() {
        let table = tables
            .iter()
            .find(|(name, _)| *name == p.section())
            .and_then(|(_, t)| *t);
        let Some(node) = table.and_then(|t| t.get(p.leaf())) else {
            continue;
        };
        r.note(p.key, &node.loc);
        if p.key == "calendar.end" && table.is_some_and(|t| t.contains("horizon_weeks")) {
            r.report(
                &node.loc,
                p.key,
                "both `end` and `horizon_weeks` given (allowed: one of them; `end` is the last simulated day, `horizon_weeks` the length in weeks)",
            );
            continue;
        }
        p.slot.read(r, node, p.key, s);
    }
}

/// The table `[section]`, after reporting its unknown keys; `None` when it
/// is absent or not a table.
fn section_table<'t>(r: &mut Reader<'_>, root: &'t Table, section: &str) -> Option<&'t Table> {
    // A nested section (`caseworkers.workforce`) is found table by table.
    let mut parts = section.split('.');
    let mut node: &Node = root.get(parts.next()?)?;
    for part in parts {
        let Val::Table(t) = &node.val else {
            return None;
        };
        node = t.get(part)?;
    }
    r.note(section, &node.loc);
    let Val::Table(t) = &node.val else {
        r.wrong_type(node, section, &format!("a table, written [{section}]"));
        return None;
    };
    let allowed = keys_in(section);
    let header = format!("in [{section}]");
    r.unknown_keys(t, section, (&allowed, &header), &|k| elsewhere(k, section));
    Some(t)
}

/// A key written in the wrong table: where it belongs, for a hint.
fn elsewhere(key: &str, here: &str) -> Option<String> {
    let lower = key.to_lowercase();
    let params = scenario_params();
    let in_section = params
        .iter()
        .find(|p| p.section() != here && !p.section().is_empty() && p.leaf() == lower)
        .map(|p| format!("`{}`, in [{}]", p.key, p.section()));
    in_section.or_else(|| {
        params
            .iter()
            .filter(|p| p.slot.is_items())
            .find(|p| p.slot.fields().iter().any(|f| f.key == lower))
            .map(|p: &Param<Scenario>| format!("`{lower}` in [[{}]]", p.key))
    })
}

/// A file with no `name` is named after its file stem, under the same rules
/// as a `name` written in the file.
fn name_from_file(r: &mut Reader<'_>, default_name: &str, s: &mut Scenario) {
    match name_problem(default_name, MAX_NAME_CHARS) {
        None => s.name = default_name.to_string(),
        Some(m) => {
            let loc = r.fallback.clone();
            r.report(
                &loc,
                "name",
                format!("the file name cannot name the scenario: {m}; set `name` in the file or rename it"),
            );
        }
    }
}

/// Reports `message` at the first of `keys` that was written.
fn report_at(r: &mut Reader<'_>, keys: &[&str], message: String) {
    let (loc, key) = r.place(keys);
    r.report(&loc, &key, message);
}

fn cross_checks(r: &mut Reader<'_>, s: &Scenario) {
    let eps = 1e-12;
    let (rq, rv) = (&s.requests, &s.reviews);

    let keys = ["requests.withdrawn_share", "requests.refused_share"];
    let sum = rq.refused_share + rq.withdrawn_share;
    if !r.any_bad(&keys) && sum > 1.0 + eps {
        report_at(r, &keys, format!(
            "refused_share + withdrawn_share is more than 1 (got {} + {} = {sum}, allowed a sum of at most 1; the remainder is agreed for assessment)",
            rq.refused_share, rq.withdrawn_share
        ));
    }

    let keys = ["reviews.cease_share", "reviews.amend_share"];
    let sum = rv.amend_share + rv.cease_share;
    if !r.any_bad(&keys) && sum > 1.0 + eps {
        report_at(r, &keys, format!(
            "amend_share + cease_share is more than 1 (got {} + {} = {sum}, allowed a sum of at most 1; the remainder is maintained unchanged)",
            rv.amend_share, rv.cease_share
        ));
    }

    let keys = [
        "reviews.transfer_post16_share",
        "reviews.transfer_school_share",
    ];
    let sum = rv.transfer_school_share + rv.transfer_post16_share;
    if !r.any_bad(&keys) && sum > 1.0 + eps {
        report_at(r, &keys, format!(
            "transfer_school_share + transfer_post16_share is more than 1 (got {} + {} = {sum}, allowed a sum of at most 1; the remainder are ordinary reviews)",
            rv.transfer_school_share, rv.transfer_post16_share
        ));
    }

    let keys = ["reviews.cease_share", "reviews.transfer_amend_share"];
    let sum = rv.transfer_amend_share + rv.cease_share;
    if !r.any_bad(&keys) && sum > 1.0 + eps {
        report_at(r, &keys, format!(
            "transfer_amend_share + cease_share is more than 1 (got {} + {} = {sum}, allowed a sum of at most 1; the remainder is maintained unchanged)",
            rv.transfer_amend_share, rv.cease_share
        ));
    }

    let keys = [
        "reviews.amendment_limit_days",
        "reviews.decision_limit_days",
    ];
    let (d, a) = (rv.decision_limit_days, rv.amendment_limit_days);
    if !r.any_bad(&keys) && a < d {
        report_at(r, &keys, format!(
            "amendment_limit_days is before decision_limit_days (got {a} and {d}, allowed amendment_limit_days >= decision_limit_days)"
        ));
    }

    let keys = [
        "requests.per_year",
        "requests.growth_per_year",
        "calendar.horizon_weeks",
        "calendar.end",
        "calendar.start",
    ];
    let total = s.expected_requests();
    if !r.any_bad(&keys) && (total.is_nan() || total > MAX_TOTAL_REQUESTS) {
        report_at(r, &keys, format!(
            "too many requests over the run (got about {total:.0} requests in {} days at {} a year growing {} a year, allowed at most {MAX_TOTAL_REQUESTS} over a run)",
            s.calendar.days, rq.per_year, rq.growth_per_year
        ));
    }

    let keys = ["initial.overdue_reviews", "initial.plans_in_force"];
    let i = &s.initial;
    if !r.any_bad(&keys) && i.overdue_reviews > i.plans_in_force {
        report_at(r, &keys, format!(
            "more overdue reviews than plans (got {} overdue of {} plans in force, allowed at most plans_in_force)",
            i.overdue_reviews, i.plans_in_force
        ));
    }

    let total: u64 = i.open_requests.iter().map(|o| u64::from(o.count)).sum();
    if total > u64::from(MAX_INITIAL_PLANS) {
        report_at(
            r,
            &["initial.open_requests"],
            format!(
                "too many open requests (got {total} in all, allowed at most {MAX_INITIAL_PLANS})"
            ),
        );
    }
    contact_check(r, s);
}

/// A caseworker at the cap must have time left after contact hours.
fn contact_check(r: &mut Reader<'_>, s: &Scenario) {
    let contact = s.work.contact_hours_per_case_per_year;
    let cap = f64::from(s.caseworkers.cap);
    let load = cap * contact;
    let keys = [
        "work.contact_hours_per_case_per_year",
        "caseworkers.cap",
        "caseworkers.hours_per_fte_year",
    ];
    if r.any_bad(&keys) {
        return;
    }
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
            report_at(r, &refs, format!(
                "a caseworker at the cap of {} cases spends {load} h a year on contact, leaving no time of the {hours} productive hours for casework (allowed: cap x contact_hours_per_case_per_year below hours_per_fte_year)",
                s.caseworkers.cap
            ));
        }
    }
}

/// Staff who would do nothing: errors where certainly a mistake, warnings
/// where a scenario may mean it.
fn staff_checks(r: &mut Reader<'_>, s: &Scenario, warnings: &mut Vec<Problem>) {
    let keys = ["psychologists.fte", "psychologists.enabled"];
    let ep = &s.psychologists;
    if !r.any_bad(&keys) && ep.enabled && ep.fte < MIN_FTE && ep.groups.is_empty() {
        report_at(r, &keys, format!(
            "no psychologists while they are enabled (got fte {}, allowed fte of at least {MIN_FTE}, [[psychologists.groups]], or enabled = false to leave EP advice out)",
            ep.fte
        ));
    }

    let work = s.requests.enabled || s.reviews.enabled;
    let keys = ["caseworkers.groups", "requests.enabled", "reviews.enabled"];
    if !r.any_bad(&keys) && s.caseworkers.groups.is_empty() && work {
        report_at(r, &["caseworkers.groups", "caseworkers"], "empty staffing: no caseworker groups while requests or reviews are enabled (allowed: at least one [[caseworkers.groups]] with fte > 0, or both requests and reviews switched off)".into());
    }

    for (groups, key) in [
        (&s.caseworkers.groups, "caseworkers.groups"),
        (&s.backlog_team, "backlog_team"),
        (&s.psychologists.groups, "psychologists.groups"),
    ] {
        if r.any_bad(&[key]) {
            continue;
        }
        let total: f64 = groups.iter().map(|g| g.fte).sum();
        if total > MAX_GROUP_FTE {
            report_at(r, &[key], format!(
                "too many staff (got {total} FTE in {} groups, allowed at most {MAX_GROUP_FTE} FTE in all)",
                groups.len()
            ));
        }
        group_dates(r, groups, key);
        outside_the_run(r, s, (groups, key), warnings);
    }
    if !r.any_bad(&["caseworkers.groups", "caseworkers.cap"]) {
        holds_no_case(r, s);
    }
}

/// A group that ends before it starts.
fn group_dates(r: &mut Reader<'_>, groups: &[crate::scenario::StaffGroup], key: &str) {
    for (i, g) in groups.iter().enumerate() {
        if let (Some(a), Some(e)) = (g.start, g.end) {
            if e < a {
                let k = format!("{key}[{i}].end");
                report_at(r, &[k.as_str()], format!(
                    "end is before start (got end {e}, start {a}; allowed an end on or after the start)"
                ));
            }
        }
    }
}

/// A caseworker group whose every post holds no case under the cap (the
/// model gives each post `floor(cap x post FTE)` cases).
fn holds_no_case(r: &mut Reader<'_>, s: &Scenario) {
    let cap = f64::from(s.caseworkers.cap);
    for (i, g) in s.caseworkers.groups.iter().enumerate() {
        let largest_post = g.fte.min(1.0);
        if (cap * largest_post).floor() < 1.0 {
            let k = format!("caseworkers.groups[{i}].fte");
            report_at(r, &[k.as_str(), "caseworkers.cap"], format!(
                "this group can hold no case (got fte {} at a cap of {} cases per FTE: {} cases, allowed fte x cap of at least 1; raise fte or caseworkers.cap)",
                g.fte, s.caseworkers.cap, cap * largest_post
            ));
        }
    }
}

/// Groups whose dates fall wholly outside the run: a warning each, and an
/// error when no caseworker is ever in post while work arrives.
fn outside_the_run(
    r: &mut Reader<'_>,
    s: &Scenario,
    (groups, key): (&[crate::scenario::StaffGroup], &str),
    warnings: &mut Vec<Problem>,
) {
    if r.any_bad(&[
        key,
        "calendar.start",
        "calendar.end",
        "calendar.horizon_weeks",
    ]) {
        return;
    }
    let first = s.calendar.start;
    let last = first + chrono::Duration::days(i64::from(s.calendar.days) - 1);
    let mut outside = 0;
    for (i, g) in groups.iter().enumerate() {
        let before = g.end.is_some_and(|e| e < first);
        let after = g.start.is_some_and(|a| a > last);
        if !(before || after) {
            continue;
        }
        outside += 1;
        let k = format!("{key}[{i}]");
        let (loc, kk) = r.place(&[join(&k, if before { "end" } else { "start" }).as_str(), key]);
        warnings.push(Problem::at(&loc, &kk, format!(
            "warning: group `{}` is in post wholly outside the run ({} to {}), so it does no work (allowed, but check its dates)",
            g.name, first, last
        )));
    }
    let work = s.requests.enabled || s.reviews.enabled;
    if key == "caseworkers.groups" && work && outside > 0 && outside == groups.len() {
        report_at(r, &[key, "calendar.start"], format!(
            "no caseworker is in post at any time of the run ({first} to {last}) while requests or reviews are enabled (allowed: at least one group in post during the run)"
        ));
    }
}
