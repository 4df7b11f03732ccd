//! A scenario file for any English council, written from its published
//! SEN2 figures (`ehcsim init --from-sen2 NAME`).
//!
//! Figures the council publishes (requests, refusal and no-plan shares,
//! plans in force, growth, review outcomes, cessation) come from the
//! extract, each with its provenance in a comment. Figures SEN2 does not
//! publish (staffing, psychologists, the backlog on the start date) are
//! scaled from the built-in medium county by the council's size and marked
//! \[E\]: they are estimates for the council to replace with its own.

use super::DerivedFigures;
use crate::scenario::Scenario;
use std::fmt::Write;

/// Requests a year of the built-in medium county, the yardstick for the
/// figures scaled by size.
const COUNTY_REQUESTS: f64 = 2100.0;
/// Plans in force of the built-in medium county.
const COUNTY_PLANS: f64 = 8200.0;
/// Cases (plans and open requests) per caseworker FTE of the built-in
/// county's establishment.
const CASES_PER_FTE: f64 = 215.0;
/// Psychologist FTE of the built-in county.
const COUNTY_PSYCHOLOGISTS: f64 = 20.0;
/// Overdue reviews of the built-in county on its start date.
const COUNTY_OVERDUE: f64 = 1500.0;

/// A scenario name from a council's name: lower case, words joined by `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// Rounds to `places` decimal places for a scenario file.
fn round(v: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (v * k).round() / k
}

/// The TOML text of a scenario for the council of `f`, starting on the
/// built-in county's start date.
pub fn scenario_toml(f: &DerivedFigures) -> String {
    let mut t = String::new();
    let requests = f
        .requests_per_year
        .as_ref()
        .map_or(COUNTY_REQUESTS, |x| x.value);
    let plans = f.plans_in_force.as_ref().map_or(COUNTY_PLANS, |x| x.value);
    let size = requests / COUNTY_REQUESTS;
    let open = requests * 140.0 / 365.0;
    let fte = round((plans + open) / CASES_PER_FTE, 1).max(1.0);
    let _ = writeln!(
        t,
        "# {}: a scenario from the council's published SEN2 figures.",
        slug(&f.name)
    );
    t.push_str(
        "#\n\
         # Written by `ehcsim init --from-sen2`. Figures marked [S] or [D] come from the\n\
         # DfE \"Education, health and care plans\" statistics (SEN2 return, reporting year\n\
         # 2025; Open Government Licence v3.0); [E] marks an estimate scaled from the\n\
         # built-in medium county by the council's size, for the council to replace with\n\
         # its own figures. Everything not set here takes the built-in default\n\
         # (`ehcsim init` lists them all with their sources).\n\n",
    );
    let _ = writeln!(t, "name = \"{}\"", slug(&f.name));
    let _ = writeln!(
        t,
        "description = \"{} from its published SEN2 figures; staffing estimated\"\n",
        f.name
    );
    let line = |t: &mut String, key: &str, fig: &Option<super::Figure>, places: i32| {
        if let Some(x) = fig {
            let _ = writeln!(
                t,
                "{key} = {}    # {}",
                round(x.value, places),
                x.provenance
            );
        }
    };
    t.push_str("[requests]\n");
    line(&mut t, "per_year", &f.requests_per_year, 0);
    line(&mut t, "growth_per_year", &f.growth_per_year, 3);
    line(&mut t, "refused_share", &f.refused_share, 3);
    line(&mut t, "withdrawn_share", &f.withdrawn_share, 3);
    line(&mut t, "no_plan_share", &f.no_plan_share, 3);
    // The built-in exception shares (for other reasons, and of requests
    // whose school advice falls around the summer closure) give England's
    // share of plans with an exception; a council's published share scales
    // both.
    if let (Some(x), Some(e)) = (&f.exception_share, f.england_exception_share) {
        if e > 0.0 {
            let k = x.value / e;
            let built_in = Scenario::default();
            let (other, closure) = (
                built_in.requests.exception_share,
                built_in.school_closure.exception_share,
            );
            let _ = writeln!(
                t,
                "exception_share = {}    # [D] the built-in {other} times {k:.2}: {:.1}% of the council's plans had an exception against England's {:.1}% ({})",
                round(other * k, 3),
                x.value * 100.0,
                e * 100.0,
                x.provenance
            );
            let _ = writeln!(
                t,
                "\n[school_closure]\nexception_share = {}    # [D] the built-in {closure} times {k:.2}, as requests.exception_share",
                round((closure * k).min(1.0), 3),
            );
        }
    }
    t.push_str("\n[reviews]\n");
    line(&mut t, "amend_share", &f.amend_share, 3);
    line(&mut t, "cease_share", &f.cease_share, 3);
    if let (Some(all), Some(at_review)) = (&f.cessation_per_year, &f.cease_share) {
        let outside = (all.value - at_review.value).max(0.0);
        let _ = writeln!(
            t,
            "\n[cessation]\nper_year = {}    # [D] plans ceased a year ({:.3}) less those ceased at review",
            round(outside, 3),
            all.value
        );
    }
    if let Some(a) = &f.appeal_share {
        t.push_str("\n[appeals]\n");
        line(&mut t, "share", &Some(a.clone()), 4);
    }
    let _ = writeln!(
        t,
        "\n[psychologists]\nfte = {}    # [E] the built-in county's 20 FTE scaled by requests",
        round(COUNTY_PSYCHOLOGISTS * size, 1).max(0.1)
    );
    t.push_str("\n[caseworkers]\n");
    let _ = writeln!(
        t,
        "[[caseworkers.groups]]\nname = \"caseworkers\"\nfte = {fte}    # [E] plans and open requests at {CASES_PER_FTE} cases per FTE, as the built-in county"
    );
    t.push_str("\n[initial]\n");
    line(&mut t, "plans_in_force", &f.plans_in_force, 0);
    let _ = writeln!(
        t,
        "overdue_reviews = {}    # [E] the built-in county's 1,500 scaled by plans in force",
        (COUNTY_OVERDUE * plans / COUNTY_PLANS).round()
    );
    let stages = [
        ("awaiting_decision", 240.0, 0, 42),
        ("assessment", 210.0, 42, 98),
        ("drafting", 150.0, 90, 140),
    ];
    for (stage, count, min, max) in stages {
        let _ = writeln!(
            t,
            "\n[[initial.open_requests]]    # [E] the built-in county's, scaled by requests\n\
             stage = \"{stage}\"\ncount = {}\nage_days = {{ dist = \"uniform\", min = {min}, max = {max} }}",
            (count * size).round()
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_slugs() {
        assert_eq!(slug("St. Helens"), "st-helens");
        assert_eq!(slug("Bristol, City of"), "bristol-city-of");
        assert_eq!(slug("Devon"), "devon");
    }
}
