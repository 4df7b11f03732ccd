//! The commented template written by `ehcsim init`.
//!
//! It lists every key a scenario file may hold, each set to the built-in
//! default ([`super::Scenario::default`], the medium county of MODEL.md
//! section 7), so that deleting any line changes nothing. A test checks
//! that loading it gives exactly the defaults.

/// A scenario file listing every parameter with its default.
pub const TEMPLATE: &str = r#"# ehcsim scenario file.
#
# Every key is optional: a key left out takes the value shown here, which is
# the built-in medium English county (MODEL.md section 7). Figures are marked
#   [S] sourced, [D] derived from sourced figures, [E] estimated (adjust these).
# Units: hours of caseworker work, calendar days for delays, shares as
# fractions from 0 to 1. Distributions (hours or days) are written as
#   a bare number                                   fixed value
#   { dist = "fixed", value = 2 }                   fixed value
#   { dist = "exponential", mean = 3 }
#   { dist = "gamma", mean = 3, cv = 0.5 }          cv = sd / mean, up to 10
#   { dist = "lognormal", mean = 3, cv = 0.5 }
#   { dist = "triangular", min = 1, mode = 2, max = 4 }
#   { dist = "uniform", min = 1, max = 4 }
# Run `ehcsim check FILE` to list every problem in a file with its line.

# Short name used in every output: at most 100 characters, no / or \.
# Default: the file name without .toml. Never inherited through `extends`.
name = "my-scenario"
# One line saying what the scenario tries.
description = "Built-in medium English county (MODEL.md section 7)"
# Start from another scenario file (path relative to this file's folder) and
# change only what this file sets: tables merge key by key, arrays (such as
# [[caseworkers.groups]]) and distributions are replaced whole.
# extends = "medium-county.toml"

[calendar]
# First simulated day: a date such as 2026-04-01 (or the string "2026-04-01").
start = 2026-04-01
# Length of the run in weeks, 1 to 2600. [E: five years]
horizon_weeks = 260
# Alternative to horizon_weeks: the last simulated day (inclusive), after start.
# Give one of the two, not both.
# end = 2031-03-31
# The backlog counts as cleared when overdue reviews are at or below this
# number (a whole number >= 0). [E]
backlog_cleared_at = 50

[requests]
# false: no new requests arrive (the model reduces to reviews).
enabled = true
# Requests for assessment a year in the first year, 0 to 200000.
# [D: county median, SEN2]
per_year = 2100
# Yearly growth, compounded day by day, -0.5 to 1. [D: about 10% a year]
growth_per_year = 0.1
# Relative intensity by month, January first: 12 numbers >= 0, not all 0,
# normalised to mean 1 when loaded. [E: shape from three counties]
monthly_profile = [1.0, 1.0, 1.3, 0.8, 1.0, 1.1, 1.3, 0.4, 0.8, 1.0, 1.1, 1.2]
# Share refused at the decision to assess, 0 to 1. [D: England 25.2%, county median 24%]
refused_share = 0.24
# Share withdrawn at the decision, 0 to 1; refused + withdrawn at most 1, the
# rest are assessed. [S: England 2024, 1.6%]
withdrawn_share = 0.016
# Share of assessed requests ending with no plan, 0 to 1. [D: 6%]
no_plan_share = 0.06
# Share of requests with a legal exception to the 20-week limit, 0 to 1.
# [D: 6.1% of plans issued in 2024]
exception_share = 0.061
# Share of new plans for children under 5 (reviewed more often), 0 to 1.
# [S: 4.3% of plans]
under5_share = 0.043

[panel]
# false: the decision to assess is made as soon as the caseworker's work is done.
enabled = true
# Day the weekly decision panel meets: "monday" to "sunday". [E]
weekday = "thursday"

[work]
# Caseworker hours per task (distributions in hours, at most 1000 h).
# Preparing the decision to assess. [E: 2.5 h]
decision = 2.5
# Coordinating the assessment and requesting advice. [E: split of 11.3 h per new plan, S]
assessment = 3.3
# Deciding not to issue a plan after assessment. [E: 7 h in all with the assessment]
no_plan = 3.7
# Drafting the plan. [E: split of 11.3 h, S]
drafting = 5.0
# Finalising the plan after consultation. [E: split of 11.3 h, S]
finalisation = 3.0
# The LA decision after a review meeting (maintain, amend or cease). [E: 2 h]
review_decision = 2.0
# Amending a plan after review. [E: 6 h in all with the decision]
review_amendment = 4.0
# Hours a year of contact from families and schools per case held, >= 0;
# cap x this must stay below caseworkers.hours_per_fte_year. [E: about 1 h]
contact_hours_per_case_per_year = 1.0

[delays]
# Calendar days outside the council's control: a distribution in days (at most
# 3650), or false to switch the step off.
# Health advice. [E: triangular 21-35-56 days; the legal limit is 6 weeks, S]
health_advice = { dist = "triangular", min = 21.0, mode = 35.0, max = 56.0 }
# Social care advice. [E: triangular 21-35-56 days]
social_care_advice = { dist = "triangular", min = 21.0, mode = 35.0, max = 56.0 }
# School or setting advice. [E: triangular 14-28-49 days]
school_advice = { dist = "triangular", min = 14.0, mode = 28.0, max = 49.0 }
# Days the family has to comment on the draft plan. [S: at least 15 days, Reg 13]
family_comments = 15.0
# Days for the school or college to answer the consultation. [S: 15 days, CoP 9.83]
school_consultation = 15.0
# Days for the family's representations on review amendments. [S: 15 days, Reg 22(2)]
amendment_representations = 15.0

[psychologists]
# false: educational psychologist advice is not part of the pathway.
enabled = true
# FTE on statutory advice, > 0 when enabled (at most 10000). [E]
fte = 20.0
# Productive hours per FTE-year, > 0 and at most 8760. [E: 1,450 h]
hours_per_fte_year = 1450.0
# Hours per statutory advice (distribution in hours). [S: 17.4 h, DfE 2026 research]
hours_per_advice = 17.4

[reviews]
# false: plans are never reviewed (a simpler model for checking).
enabled = true
# Days between annual reviews, 28 to 3650. [S: 12 months, CFA s.44]
interval_days = 365.0
# Days between reviews for under-5s, 28 to 3650. [S: every 3-6 months, CoP 9.178]
under5_interval_days = 182.0
# Days after the meeting by which the LA must decide, 0 to 3650. [S: 4 weeks, Reg 20]
decision_limit_days = 28.0
# Days after the meeting by which an amended plan must be final, at least
# decision_limit_days and at most 3650. [S: 12 weeks, Reg 22(3)]
amendment_limit_days = 84.0
# Share of reviews ending in amendment, 0 to 1. [S: England 2024, 61.2%]
amend_share = 0.612
# Share of reviews ending in cessation, 0 to 1; amend + cease at most 1, the
# rest are maintained unchanged. [S: 1.1%]
cease_share = 0.011

[cessation]
# Share of plans ceasing a year between reviews (leaving education, moving
# away), at least 0 and below 1. [D: 7.5% a year in all, less 1.1% at review]
per_year = 0.064

[caseworkers]
# Most cases one whole-time caseworker may hold (part-time pro rata), a whole
# number from 1 to 100000. [S: the crisis figure of 500; Surrey's norm is 170-230]
cap = 500
# Productive hours per FTE-year, > 0 and at most 8760.
# [E: 37 h x 52.14 weeks less leave, holidays, sickness and training]
hours_per_fte_year = 1450.0
# Order of work: "earliest_deadline", "first_come_first_served",
# "new_assessments_first" or "reviews_first".
priority = "earliest_deadline"

# Staff groups: one [[caseworkers.groups]] per set of posts with the same dates.
# At least one is needed while requests or reviews are enabled.
[[caseworkers.groups]]
# Name for outputs. Default "group N".
name = "caseworkers"
# Full-time equivalents, > 0 and at most 10000 (and 10000 over all groups).
# [D: 41, county median]
fte = 41.0
# First and last day in post (optional; default the whole run; may lie
# outside the run; end on or after start).
# start = 2026-04-01
# end = 2028-03-31
# Productive hours per FTE-year for this group (optional, > 0; default
# caseworkers.hours_per_fte_year).
# hours_per_fte_year = 1450.0

# Temporary staff working only on overdue reviews, oldest first, holding no
# caseload. None by default. Same keys as a caseworker group; the name
# defaults to "backlog team N".
# [[backlog_team]]
# name = "backlog team"
# fte = 3.6
# start = 2026-04-01
# end = 2027-09-30

[initial]
# Plans in force on the start date, 0 to 2000000; next reviews spread evenly
# over the coming interval. [D: 8,200, county median]
plans_in_force = 8200
# Of those, plans whose review is already overdue, 0 to plans_in_force.
# [E: none, a county with no backlog]
overdue_reviews = 0
# Days each overdue review is past its limit (distribution in days). [E]
overdue_age_days = { dist = "uniform", min = 0.0, max = 365.0 }

# Open requests on the start date, one [[initial.open_requests]] per stage:
# stage ("awaiting_decision", "assessment" or "drafting"), count (whole number)
# and age_days (days since each was received, a distribution; default as here).
# [E: 240 awaiting a decision, a council working near the 6-week limit; in
# assessment and drafting, Little's law for about 4.3 agreed assessments a day
# through about 7 and 5 weeks. Advice for requests already in assessment comes
# in over the first 6 weeks of the run.]
[[initial.open_requests]]
stage = "awaiting_decision"
count = 240
age_days = { dist = "uniform", min = 0.0, max = 42.0 }

[[initial.open_requests]]
stage = "assessment"
count = 210
age_days = { dist = "uniform", min = 42.0, max = 98.0 }

[[initial.open_requests]]
stage = "drafting"
count = 150
age_days = { dist = "uniform", min = 90.0, max = 140.0 }
"#;

#[cfg(test)]
mod tests {
    use super::TEMPLATE;
    use crate::scenario::{load_str, Scenario};
    use std::path::Path;

    #[test]
    fn template_loads_to_exactly_the_defaults() {
        let s = match load_str(TEMPLATE, Path::new("template.toml")) {
            Ok(s) => s,
            Err(e) => panic!("template does not load:\n{e}"),
        };
        assert_eq!(s.name, "my-scenario");
        let want = Scenario {
            name: s.name.clone(),
            ..Scenario::default()
        };
        assert_eq!(s, want);
    }

    #[test]
    fn template_mentions_every_key_of_the_schema() {
        for (section, keys) in crate::scenario::load::schema() {
            if section.is_empty() {
                continue;
            }
            for key in *keys {
                let line = format!("\n{key} =");
                let commented = format!("\n# {key} =");
                let header = format!("[[{section}.{key}]]");
                assert!(
                    TEMPLATE.contains(&line)
                        || TEMPLATE.contains(&commented)
                        || TEMPLATE.contains(&header),
                    "template lacks `{key}` of [{section}]"
                );
            }
        }
    }
}
