//! Every scenario parameter, described once.
//!
//! [`scenario_params`] is the one table of the keys a scenario file may
//! hold. Each [`Param`] gives the TOML key path, the kind of value (which
//! fixes its type, its range or allowed values and how it is read and
//! written), its unit, what it means, where its figure comes from (\[S\]
//! sourced, \[D\] derived, \[E\] estimated, as in docs/model.md) and where it goes
//! in [`Scenario`] (an accessor). From this table come:
//!
//! - the loader's allowed keys, unknown-key messages with did-you-mean, and
//!   the reading and range checking of every value (`load/check.rs`);
//! - the `ehcsim init` template (`render::template`), which loads to exactly
//!   the defaults;
//! - `Scenario::validate`, which writes a scenario built in code as TOML
//!   (`render::scenario_toml`) and loads it, so it runs the loader's checks;
//! - the reference `docs/parameters.md` (`render::reference`); a test fails
//!   when the committed file differs, and
//!   `EHCSIM_WRITE_DOCS=1 cargo test --lib parameters_reference` rewrites it;
//! - the test that every key, set to another valid value, changes the loaded
//!   scenario (`every_key_is_read` in `load/tests.rs`).
//!
//! Default values are those of [`Scenario::default`]: the registry reads them
//! through the accessors, so the two cannot disagree.
//!
//! # Adding a parameter
//!
//! 1. Add the field to its struct in `scenario/mod.rs`, with its default in
//!    `Scenario::default` (the doc comment there says what it means).
//! 2. Add one entry here, in the section where it belongs, for example
//!    ```text
//!    sc("caseworkers.agency_premium", Num(R::incl(0.0, 2.0)),
//!        |s| &mut s.caseworkers.agency_premium)
//!        .unit("share of the permanent cost")
//!        .src("[E: +40%, range 25-75%, docs/model.md]")
//!        .doc("Extra cost of an agency caseworker over a permanent one."),
//!    ```
//!    A new section (`[costs]`) needs a line in [`SECTIONS`] too.
//! 3. Run `EHCSIM_WRITE_DOCS=1 cargo test --lib parameters_reference` to
//!    regenerate `docs/parameters.md`, and use the field in the model.
//!
//! Checks that combine several keys (shares summing to at most 1, staff who
//! can hold no case) stay as code in `load/check.rs`. A list of tables is an
//! [`kinds::Items`] whose entries have their own table of parameters (see
//! [`group_params`]).

pub(crate) mod kinds;
pub(crate) mod render;

use std::sync::LazyLock;

use chrono::{NaiveDate, Weekday};

use super::load::reader::{Reader, B, R};
use super::load::spanned::{Node, Table};
use super::{
    default_complexity, ComplexityClass, Establishment, Holds, LeaversCases, OpenRequests,
    OpenStage, Scenario, StaffGroup, Team, WithinRank, MAX_GROUP_FTE, MAX_INITIAL_PLANS,
    MAX_REQUESTS_PER_YEAR,
};
use crate::engine::Dist;
use kinds::{
    Day, Delay, Distr, FieldInfo, Flag, Items, Kind, LastDay, Name, Nested, Num, Opt, OrOff, Order,
    Profile, Text, Weeks, Whole, Words,
};

/// Hours in a year: no post has more productive hours than this.
pub(crate) const MAX_HOURS_PER_YEAR: f64 = 8760.0;
/// Largest mean or maximum of a task's work, in hours.
pub(crate) const MAX_TASK_HOURS: f64 = 1000.0;
/// Largest delay, age, interval or limit in days (10 years).
pub(crate) const MAX_DAYS: f64 = 3650.0;
/// Shortest review interval in days (four weeks).
pub(crate) const MIN_REVIEW_INTERVAL_DAYS: f64 = 28.0;
/// Largest caseload cap.
pub(crate) const MAX_CAP: u32 = 100_000;
/// Most staff groups in one list.
pub(crate) const MAX_GROUPS: usize = 1000;
/// Most `[[initial.open_requests]]` entries.
pub(crate) const MAX_OPEN_ENTRIES: usize = 100;
/// Most characters in a name and in a description.
pub(crate) const MAX_NAME_CHARS: usize = 100;
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Smallest FTE of a staff group, and of the psychologists when enabled: a
/// hundredth of a post (about 15 productive hours a year). Less creates no
/// post at all (the model drops remainders below 1e-9 FTE) or one that
/// does next to nothing, which is always a mistake.
pub(crate) const MIN_FTE: f64 = 0.01;

/// One parameter of a scenario (or of an entry of a list of tables, `S`
/// being the entry's type).
pub(crate) struct Param<S: Clone + 'static> {
    /// Dotted key path (`requests.per_year`); in a list entry, the key.
    pub key: &'static str,
    /// What it means, one sentence.
    pub doc: &'static str,
    /// Its unit ("" for none).
    pub unit: &'static str,
    /// Where its default comes from: \[S\], \[D\] or \[E\] and the source.
    pub source: &'static str,
    /// Must be given (entries of lists only).
    pub required: bool,
    /// The default as shown when it is not a value (a file-derived name).
    pub default_note: Option<&'static str>,
    /// What is shown (commented out) in the template for a key whose
    /// default is to leave it out.
    pub example: Option<&'static str>,
    pub(crate) slot: Box<dyn Slot<S>>,
}

impl<S: Clone> Param<S> {
    fn doc(mut self, d: &'static str) -> Self {
        self.doc = d;
        self
    }
    fn unit(mut self, u: &'static str) -> Self {
        self.unit = u;
        self
    }
    fn src(mut self, s: &'static str) -> Self {
        self.source = s;
        self
    }
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn default_note(mut self, n: &'static str) -> Self {
        self.default_note = Some(n);
        self
    }
    fn example(mut self, e: &'static str) -> Self {
        self.example = Some(e);
        self
    }

    /// The last part of the key (`per_year`).
    pub fn leaf(&self) -> &'static str {
        self.key.rsplit_once('.').map_or(self.key, |(_, l)| l)
    }

    /// The table the key is in (`requests`; "" at the top level).
    pub fn section(&self) -> &'static str {
        self.key.rsplit_once('.').map_or("", |(s, _)| s)
    }
}

/// A parameter's value in `S`, whatever its type.
pub(crate) trait Slot<S: Clone>: Send + Sync {
    /// Reads a present value into `s` (unchanged when it has a problem).
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, s: &mut S);
    /// The value in `s` as TOML text (see [`Kind::toml`]).
    fn toml(&self, s: &mut S) -> Option<String>;
    /// The value in `s` as `[[key]]` blocks (lists of tables only).
    fn blocks(&self, s: &mut S, key: &str, comments: bool) -> Option<String>;
    fn type_name(&self) -> &'static str;
    fn allowed(&self) -> String;
    /// Sets another valid value (for the test that every key is read).
    #[allow(dead_code)]
    fn set_other(&self, s: &mut S);
    /// Lists of tables: the entries' parameters, for the reference.
    fn fields(&self) -> Vec<FieldInfo>;
    /// Lists of tables: `s` with one field of an entry changed, by field.
    #[allow(dead_code)]
    fn field_variants(&self, s: &S) -> Vec<(String, S)>;
    /// Whether this is a list of tables.
    fn is_items(&self) -> bool;
}

/// A [`Kind`] and where its value is in `S`.
struct Typed<S, K: Kind> {
    kind: K,
    get: fn(&mut S) -> &mut K::V,
}

impl<S: Clone + 'static, K: Kind> Slot<S> for Typed<S, K> {
    fn read(&self, r: &mut Reader<'_>, node: &Node, key: &str, s: &mut S) {
        let slot = (self.get)(s);
        if let Some(v) = self.kind.read(r, node, key, slot) {
            *slot = v;
        }
    }
    fn toml(&self, s: &mut S) -> Option<String> {
        self.kind.toml((self.get)(s))
    }
    fn blocks(&self, s: &mut S, key: &str, comments: bool) -> Option<String> {
        self.kind.blocks((self.get)(s), key, comments)
    }
    fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }
    fn allowed(&self) -> String {
        self.kind.allowed()
    }
    fn set_other(&self, s: &mut S) {
        let slot = (self.get)(s);
        *slot = self.kind.other(slot);
    }
    fn fields(&self) -> Vec<FieldInfo> {
        self.kind.fields()
    }
    fn field_variants(&self, s: &S) -> Vec<(String, S)> {
        let mut base = s.clone();
        let variants = self.kind.field_variants((self.get)(&mut base));
        variants
            .into_iter()
            .map(|(k, v)| {
                let mut s2 = s.clone();
                *(self.get)(&mut s2) = v;
                (k, s2)
            })
            .collect()
    }
    fn is_items(&self) -> bool {
        !self.kind.fields().is_empty()
    }
}

fn param<S: Clone + 'static, K: Kind>(
    key: &'static str,
    kind: K,
    get: fn(&mut S) -> &mut K::V,
) -> Param<S> {
    Param {
        key,
        doc: "",
        unit: "",
        source: "",
        required: false,
        default_note: None,
        example: None,
        slot: Box::new(Typed { kind, get }),
    }
}

/// A parameter of the scenario.
fn sc<K: Kind>(key: &'static str, kind: K, get: fn(&mut Scenario) -> &mut K::V) -> Param<Scenario> {
    param(key, kind, get)
}

/// A parameter of a staff group.
fn sg<K: Kind>(
    key: &'static str,
    kind: K,
    get: fn(&mut StaffGroup) -> &mut K::V,
) -> Param<StaffGroup> {
    param(key, kind, get)
}

/// A parameter of an entry of open requests.
fn op<K: Kind>(
    key: &'static str,
    kind: K,
    get: fn(&mut OpenRequests) -> &mut K::V,
) -> Param<OpenRequests> {
    param(key, kind, get)
}

/// The tables of a scenario file in order, with what each holds.
pub(crate) const SECTIONS: &[(&str, &str)] = &[
    ("", "Keys outside any table, written before the first [section]"),
    ("calendar", "The start date and length of the run"),
    ("requests", "New requests for an EHC needs assessment"),
    ("panel", "The weekly panel that decides whether to assess"),
    ("work", "Caseworker hours per task (distributions in hours)"),
    (
        "delays",
        "Calendar days outside the council's control: a distribution in days, or false to switch the step off",
    ),
    (
        "school_closure",
        "The schools' summer closure: school advice and consultation pause, and the legal exception to the 20-week limit",
    ),
    ("psychologists", "Educational psychologists: a capacity with its own queue"),
    ("reviews", "Annual reviews of plans in force"),
    ("cessation", "Plans ceasing between reviews"),
    ("appeals", "Appeals to the SEND Tribunal"),
    ("caseworkers", "Caseworkers holding capped caseloads"),
    (
        "caseworkers.establishment",
        "Caseworker posts that follow demand, re-set each 1 April",
    ),
    (
        "caseworkers.workforce",
        "Turnover, vacancies, new starters and agency cover of caseworker posts",
    ),
    (
        "costs",
        "What staff cost, counted only for FTE in post and working, by financial year",
    ),
    ("initial", "Where the council stands on the start date"),
];

const SHARE: R = R::incl(0.0, 1.0);
/// An amount of money in pounds: at most £100 million.
const MONEY: R = R::incl(0.0, 100_000_000.0);
/// Productive hours per FTE-year: positive, at most every hour of the year.
/// (Tiny values are allowed: the theory tests use a caseworker who holds a
/// task and never finishes it.)
const HOURS_PER_YEAR: R = R(B::Excl(0.0), B::Incl(MAX_HOURS_PER_YEAR));
const FTE: R = R::incl(MIN_FTE, MAX_GROUP_FTE);
const TASK: Distr = Distr {
    unit: "hours",
    max: MAX_TASK_HOURS,
};
const DELAY: Delay = Delay { max: MAX_DAYS };
const INTERVAL: R = R::incl(MIN_REVIEW_INTERVAL_DAYS, MAX_DAYS);
const LIMIT: R = R::incl(0.0, MAX_DAYS);

const WEEKDAYS: Words<Weekday> = Words(&[
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
]);

const WITHIN: Words<WithinRank> = Words(&[
    ("deadline", WithinRank::Deadline),
    ("arrival", WithinRank::Arrival),
]);

const LEAVERS: Words<LeaversCases> = Words(&[
    ("reallocate", LeaversCases::Reallocate),
    ("hold", LeaversCases::Hold),
]);

/// Most complexity classes.
pub(crate) const MAX_CLASSES: usize = 20;

const STAGES: Words<OpenStage> = Words(&[
    ("awaiting_decision", OpenStage::AwaitingDecision),
    ("assessment", OpenStage::Assessment),
    ("drafting", OpenStage::Drafting),
]);

/// Every parameter of a scenario file, in the order of the template.
pub(crate) fn scenario_params() -> &'static [Param<Scenario>] {
    static PARAMS: LazyLock<Vec<Param<Scenario>>> = LazyLock::new(|| {
        let mut v = top_params();
        v.extend(calendar_params());
        v.extend(request_params());
        v.extend(work_params());
        v.extend(capacity_params());
        v.extend(staffing_params());
        v.extend(cost_params());
        v.extend(initial_params());
        v
    });
    &PARAMS
}

fn top_params() -> Vec<Param<Scenario>> {
    vec![
        sc("name", Name(MAX_NAME_CHARS), |s| &mut s.name)
            .default_note("the file name without .toml")
            .doc("Short name used in every output. Never inherited through `extends`; a name taken from the file name follows the same rules."),
        sc("description", Text(MAX_DESCRIPTION_CHARS), |s| &mut s.description)
            .default_note("empty")
            .doc("One line saying what the scenario tries."),
        sc("baseline", Flag, |s| &mut s.baseline)
            .doc("Marks the scenario the others of a run are compared with (paired differences, extra cost, cost per extra plan on time), as `ehcsim run --baseline NAME` does. At most one scenario of a run may set it."),
        sc(
            "backlog_team",
            Items {
                what: "groups",
                max: MAX_GROUPS,
                fields: group_params,
                new_item: |i| new_group("backlog team", i),
                finish: |_, _| {},
                example: || StaffGroup {
                    name: "backlog team".into(),
                    fte: 3.6,
                    start: NaiveDate::from_ymd_opt(2026, 4, 1),
                    end: NaiveDate::from_ymd_opt(2027, 9, 30),
                    hours_per_fte_year: None,
                },
            },
            |s| &mut s.backlog_team,
        )
        .src("[E: none by default]")
        .doc("Temporary staff working only on overdue reviews, oldest first, holding no caseload; one [[backlog_team]] per set of posts with the same dates. A group's name defaults to \"backlog team N\"."),
        sc(
            "teams",
            Items {
                what: "teams",
                max: MAX_TEAMS,
                fields: team_params,
                new_item: new_team,
                finish: |_, _| {},
                example: || Team {
                    name: "assessment team".into(),
                    holds: Holds::Requests,
                    groups: vec![new_group("group", 0)],
                    ..new_team(0)
                },
            },
            |s| &mut s.teams,
        )
        .src("[E: none by default, one team holding every case]")
        .doc("Teams that each hold some kinds of case, one [[teams]] each with its staff groups as [[teams.groups]]; when set, they replace the [caseworkers] team. A finalised plan moves from a team holding requests to one holding plans (and waits unallocated if that team is full). Unset keys of a team take the built-in caseworkers' settings."),
    ]
}

fn calendar_params() -> Vec<Param<Scenario>> {
    vec![
        sc("calendar.start", Day, |s| &mut s.calendar.start).doc("First simulated day."),
        sc("calendar.horizon_weeks", Weeks, |s| &mut s.calendar.days)
            .unit("weeks")
            .src("[E: five years]")
            .doc("Length of the run in weeks. Give this or `end`, not both."),
        sc("calendar.end", LastDay, |s| &mut s.calendar)
            .example("2031-03-31")
            .doc("Alternative to horizon_weeks: the last simulated day (inclusive)."),
        sc(
            "calendar.backlog_cleared_at",
            Whole(0, MAX_INITIAL_PLANS),
            |s| &mut s.backlog_cleared_at,
        )
        .unit("reviews")
        .src("[E: about the level that late review meetings alone keep overdue in the default county, where 13.5% of meetings are held 30-180 days late]")
        .doc("The backlog counts as cleared when overdue reviews are at or below this number."),
        sc("calendar.backlog_target", Opt(Day, NaiveDate::from_ymd_opt(2028, 3, 31).unwrap_or(NaiveDate::MIN)), |s| &mut s.backlog_target)
            .default_note("none")
            .example("2028-03-31")
            .doc("The date by which the council means to clear the backlog: the terminal and the report give the probability of clearing by it, and the charts mark it."),
    ]
}

fn request_params() -> Vec<Param<Scenario>> {
    vec![
        sc("requests.enabled", Flag, |s| &mut s.requests.enabled)
            .doc("false: no new requests arrive (the model reduces to reviews)."),
        sc("requests.per_year", Num(R::incl(0.0, MAX_REQUESTS_PER_YEAR)), |s| &mut s.requests.per_year)
            .unit("requests a year")
            .src("[D: county median, SEN2]")
            .doc("Requests for assessment a year at the rate of the start date."),
        sc("requests.growth_per_year", Num(R::incl(-0.5, 1.0)), |s| &mut s.requests.growth_per_year)
            .unit("share a year")
            .src("[D: about 10% a year]")
            .doc("Yearly growth, compounded day by day."),
        sc("requests.monthly_profile", Profile, |s| &mut s.requests.monthly_profile)
            .src("[E: shape from three counties]")
            .doc("Relative intensity by month, January first, normalised to mean 1 when loaded."),
        sc("requests.refused_share", Num(SHARE), |s| &mut s.requests.refused_share)
            .src("[D: England 25.2%, county median 24%]")
            .doc("Share refused at the decision to assess."),
        sc("requests.withdrawn_share", Num(SHARE), |s| &mut s.requests.withdrawn_share)
            .src("[S: England 2024, 1.6%]")
            .doc("Share withdrawn at the decision; refused + withdrawn at most 1, the rest are assessed."),
        sc("requests.no_plan_share", Num(SHARE), |s| &mut s.requests.no_plan_share)
            .src("[D: 6%]")
            .doc("Share of assessed requests ending with no plan."),
        sc("requests.exception_share", Num(SHARE), |s| &mut s.requests.exception_share)
            .src("[E: 2%; with the summer closure's exceptions (school_closure.exception_share) about 6.1% of the default county's plans have one, England's share of plans issued in 2024 (D)]")
            .doc("Share of requests with a legal exception to the 20-week limit for reasons other than the schools' summer closure (exceptional personal circumstances, the family away 4 weeks or more; reg 10(4)(b), (c))."),
        sc("requests.under5_share", Num(SHARE), |s| &mut s.requests.under5_share)
            .src("[S: 4.3% of plans]")
            .doc("Share of new plans for children under 5 (reviewed more often)."),
        sc("panel.enabled", Flag, |s| &mut s.panel.enabled)
            .doc("false: the decision to assess is made as soon as the caseworker's work is done."),
        sc("panel.weekday", WEEKDAYS, |s| &mut s.panel.weekday)
            .src("[E]")
            .doc("Day the weekly decision panel meets."),
    ]
}

fn work_params() -> Vec<Param<Scenario>> {
    let contact = R::incl(0.0, MAX_HOURS_PER_YEAR);
    vec![
        sc("work.decision", TASK, |s| &mut s.work.decision)
            .unit("hours").src("[E: 2.5 h]")
            .doc("Preparing the decision to assess."),
        sc("work.assessment", TASK, |s| &mut s.work.assessment)
            .unit("hours").src("[E: split of 11.3 h per new plan, S]")
            .doc("Coordinating the assessment and requesting advice."),
        sc("work.no_plan", TASK, |s| &mut s.work.no_plan)
            .unit("hours").src("[E: 7 h in all with the assessment]")
            .doc("Deciding not to issue a plan after assessment."),
        sc("work.drafting", TASK, |s| &mut s.work.drafting)
            .unit("hours").src("[E: split of 11.3 h, S]")
            .doc("Drafting the plan."),
        sc("work.finalisation", TASK, |s| &mut s.work.finalisation)
            .unit("hours").src("[E: split of 11.3 h, S]")
            .doc("Finalising the plan after consultation."),
        sc("work.review_decision", TASK, |s| &mut s.work.review_decision)
            .unit("hours").src("[E: 2 h]")
            .doc("The LA decision after a review meeting (maintain, amend or cease)."),
        sc("work.review_amendment", TASK, |s| &mut s.work.review_amendment)
            .unit("hours").src("[E: 6 h in all with the decision]")
            .doc("Amending a plan after review."),
        sc("work.contact_hours_per_case_per_year", Num(contact), |s| &mut s.work.contact_hours_per_case_per_year)
            .unit("hours a year per case").src("[E: first estimate about 1 h, set to 0.40 h so that the default county's load check sits near 0.95 with appeals (docs/model.md section 7)]")
            .doc("Contact from families and schools per case held; cap x this must stay below caseworkers.hours_per_fte_year."),
        sc("delays.decision_evidence", DELAY, |s| &mut s.delays.decision_evidence)
            .unit("days").src("[E: lognormal, mean 21 days, cv 0.5; with it about 90% of decisions fall within 6 weeks, near the county median]")
            .doc("Days to gather evidence from the school and the family before the decision work can start."),
        sc("delays.health_advice", DELAY, |s| &mut s.delays.health_advice)
            .unit("days").src("[E: lognormal, mean 40 days, cv 0.5: about 3 in 10 contributions later than 6 weeks; the legal limit is 6 weeks, S]")
            .doc("Health advice."),
        sc("delays.social_care_advice", DELAY, |s| &mut s.delays.social_care_advice)
            .unit("days").src("[E: lognormal, mean 40 days, cv 0.5]")
            .doc("Social care advice."),
        sc("delays.school_advice", DELAY, |s| &mut s.delays.school_advice)
            .unit("days").src("[E: lognormal, mean 31 days, cv 0.5]")
            .doc("School or setting advice."),
        sc("delays.family_comments", DELAY, |s| &mut s.delays.family_comments)
            .unit("days").src("[S: at least 15 days, Reg 13]")
            .doc("Days the family has to comment on the draft plan."),
        sc("delays.school_consultation", DELAY, |s| &mut s.delays.school_consultation)
            .unit("days").src("[E: lognormal, mean 25 days, cv 0.8; schools should answer within 15 days (CoP 9.83, S) but places are often hard to find]")
            .doc("Days for the school or college to answer the consultation."),
        sc("delays.amendment_representations", DELAY, |s| &mut s.delays.amendment_representations)
            .unit("days").src("[S: 15 days, Reg 22(2)]")
            .doc("Days for the family's representations on review amendments."),
        sc("school_closure.enabled", Flag, |s| &mut s.school_closure.enabled)
            .doc("false: schools never close, so school advice and consultation run through the summer and only requests.exception_share gives exceptions."),
        sc("school_closure.start_month", Whole(1, 12), |s| &mut s.school_closure.start_month)
            .src("[E: English schools break up for the summer in the second half of July]")
            .doc("Month the schools' summer closure begins each year."),
        sc("school_closure.start_day", Whole(1, 28), |s| &mut s.school_closure.start_day)
            .src("[E: about 22 July]")
            .doc("Day of the month the closure begins (1 to 28, so that every month has it)."),
        sc("school_closure.weeks", Num(R::incl(0.0, 12.0)), |s| &mut s.school_closure.weeks)
            .unit("weeks").src("[S: the summer holiday is about 6 weeks]")
            .doc("Weeks the schools stay closed. School advice and the school consultation do not progress meanwhile (their days resume when schools reopen); the legal exception needs a closure of 4 weeks or more."),
        sc("school_closure.exception_share", Num(SHARE), |s| &mut s.school_closure.exception_share)
            .src("[E: with requests.exception_share, set so that about 6.1% of the default county's plans have an exception, England's share in 2024 (D)]")
            .doc("Share of requests whose school advice is asked for from a week before the closure to a week before the schools reopen that are recorded as exceptions to the 20-week limit (reg 10(4)(a), 13(3)(a)): the child's school closes, and the council records the exception."),
    ]
}

fn capacity_params() -> Vec<Param<Scenario>> {
    let ep_fte = R::incl(0.0, MAX_GROUP_FTE);
    vec![
        sc("psychologists.enabled", Flag, |s| &mut s.psychologists.enabled)
            .doc("false: educational psychologist advice is not part of the pathway."),
        sc("psychologists.fte", Num(ep_fte), |s| &mut s.psychologists.fte)
            .unit("FTE").src("[E]")
            .doc("FTE on statutory advice from the start; at least 0.01 when enabled, unless psychologists.groups add some."),
        sc("psychologists.hours_per_fte_year", Num(HOURS_PER_YEAR), |s| &mut s.psychologists.hours_per_fte_year)
            .unit("hours a year").src("[E: 1,450 h]")
            .doc("Productive hours per FTE-year."),
        sc("psychologists.hours_per_advice", TASK, |s| &mut s.psychologists.hours_per_advice)
            .unit("hours").src("[S: mean 17.4 h, DfE 2026 research; E: gamma, cv 0.3]")
            .doc("Hours per statutory advice."),
        sc("psychologists.fte_growth_per_year", Num(R::incl(0.0, 1.0)), |s| &mut s.psychologists.fte_growth_per_year)
            .unit("share a year").src("[E: 10% a year, following demand as councils' services have]")
            .doc("Yearly growth of the psychologists' FTE, applied each 1 April."),
        sc("psychologists.commission_above", OrOff(Whole(0, MAX_INITIAL_PLANS), 60), |s| &mut s.psychologists.commission_above)
            .unit("requests").src("[E: councils buy locum advice when waits grow]")
            .doc("Advice is commissioned from outside (locum psychologists) for a request that would join a queue already this long, or false for never."),
        sc("psychologists.commissioned_days", Distr { unit: "days", max: MAX_DAYS }, |s| &mut s.psychologists.commissioned_days)
            .unit("days").src("[E: lognormal, mean 35 days, cv 0.4]")
            .doc("Days a commissioned advice takes."),
        sc("psychologists.cost_per_fte_year", Num(MONEY), |s| &mut s.psychologists.cost_per_fte_year)
            .unit("pounds a year").src("[E: about £75,000 fully loaded, docs/model.md]")
            .doc("Cost of one psychologist FTE for a financial year, at the start year's prices (the pay award applies)."),
        sc("psychologists.cost_per_commissioned_advice", Num(MONEY), |s| &mut s.psychologists.cost_per_commissioned_advice)
            .unit("pounds").src("[S: £1,250, one county's 2024 backlog budget]")
            .doc("Cost of one advice commissioned from outside, counted when it is commissioned (no pay award)."),
        sc(
            "psychologists.groups",
            Items {
                what: "groups",
                max: MAX_GROUPS,
                fields: group_params,
                new_item: |i| new_group("psychologists", i),
                finish: |_, _| {},
                example: || StaffGroup {
                    name: "vacancies filled".into(),
                    fte: 2.5,
                    start: NaiveDate::from_ymd_opt(2026, 4, 1),
                    end: None,
                    hours_per_fte_year: None,
                },
            },
            |s| &mut s.psychologists.groups,
        )
        .src("[E: none]")
        .doc("Psychologist FTE on top of psychologists.fte for a stated time, one [[psychologists.groups]] each (vacancies filled or a service transferred in from a date; posts lost on a group's end date); they do not grow. A group's hours default to psychologists.hours_per_fte_year. A post ending mid-advice finishes the advice in hand."),
        sc("reviews.enabled", Flag, |s| &mut s.reviews.enabled)
            .doc("false: plans are never reviewed (a simpler model for checking)."),
        sc("reviews.interval_days", Num(INTERVAL), |s| &mut s.reviews.interval_days)
            .unit("days").src("[S: 12 months, CFA s.44]")
            .doc("Days between annual reviews."),
        sc("reviews.under5_interval_days", Num(INTERVAL), |s| &mut s.reviews.under5_interval_days)
            .unit("days").src("[S: every 3-6 months, CoP 9.178]")
            .doc("Days between reviews for under-5s."),
        sc("reviews.decision_limit_days", Num(LIMIT), |s| &mut s.reviews.decision_limit_days)
            .unit("days").src("[S: 4 weeks, Reg 20]")
            .doc("Days after the meeting by which the LA must decide."),
        sc("reviews.amendment_limit_days", Num(LIMIT), |s| &mut s.reviews.amendment_limit_days)
            .unit("days").src("[S: 12 weeks, Reg 22(3)]")
            .doc("Days after the meeting by which an amended plan must be final; at least decision_limit_days."),
        sc("reviews.amend_share", Num(SHARE), |s| &mut s.reviews.amend_share)
            .src("[S: England 2024, 61.2%]")
            .doc("Share of reviews ending in amendment."),
        sc("reviews.cease_share", Num(SHARE), |s| &mut s.reviews.cease_share)
            .src("[S: 1.1%]")
            .doc("Share of reviews ending in cessation; amend + cease at most 1, the rest are maintained unchanged."),
        sc("reviews.meeting_on_time_share", Num(SHARE), |s| &mut s.reviews.meeting_on_time_share)
            .src("[D: England 2024, 453,761 meetings held of 524,654 reviews expected, 86.5%]")
            .doc("Share of reviews whose meeting is held when due; the others are held late and are overdue from their due date."),
        sc("reviews.late_meeting_days", Distr { unit: "days", max: MAX_DAYS }, |s| &mut s.reviews.late_meeting_days)
            .unit("days").src("[E: uniform 30-180 days]")
            .doc("Days late a late meeting is held."),
        sc("reviews.transfer_school_share", Num(SHARE), |s| &mut s.reviews.transfer_school_share)
            .src("[E: 0, off by default; about 0.13 estimated (reception and year 7 are two of the about 15 year groups holding plans; no published count of transfer reviews), but the default county, calibrated without transfers, falls far behind with it, docs/model.md]")
            .doc("Share of reviews that are a phase transfer between schools: brought forward into the autumn, the amended plan naming the new school due by 15 February (Reg 18)."),
        sc("reviews.transfer_post16_share", Num(SHARE), |s| &mut s.reviews.transfer_post16_share)
            .src("[E: 0, off by default; about 0.07 estimated (year 11, one of about 15 year groups)]")
            .doc("Share of reviews that are a phase transfer into post-16 education, due by 31 March (Reg 18); the two transfer shares sum to at most 1."),
        sc("reviews.transfer_meeting_day", Distr { unit: "days", max: 150.0 }, |s| &mut s.reviews.transfer_meeting_day)
            .unit("days").src("[E: uniform 0-105 days, September to mid-December]")
            .doc("Days after 1 September of the school year before the transfer on which a phase-transfer review meeting is held (at most 150, late January)."),
        sc("reviews.transfer_amend_share", Num(SHARE), |s| &mut s.reviews.transfer_amend_share)
            .src("[E: about 80% in phase-transfer years, docs/model.md]")
            .doc("Share of phase-transfer reviews ending in amendment; with cease_share at most 1."),
        sc("reviews.transfer_work_multiplier", Num(R(B::Excl(0.0), B::Incl(100.0))), |s| &mut s.reviews.transfer_work_multiplier)
            .src("[E: 10 h against 6 h for an amending review, docs/model.md]")
            .doc("Multiplier on the caseworker hours of a phase-transfer review's decision and amendment."),
        sc("cessation.per_year", Num(R(B::Incl(0.0), B::Excl(1.0))), |s| &mut s.cessation.per_year)
            .unit("share a year").src("[D: 7.5% a year in all, less 1.1% at review]")
            .doc("Share of plans ceasing a year between reviews (leaving education, moving away)."),
        sc("appeals.enabled", Flag, |s| &mut s.appeals.enabled)
            .doc("false: no decision is appealed to the SEND Tribunal."),
        sc("appeals.share", Num(SHARE), |s| &mut s.appeals.share)
            .src("[S: 22,276 appeals registered in 2024 against 689,739 appealable decisions, 3.2% (MoJ tribunal statistics; 2.3% in 2022, 2.5% in 2023); councils range from under 1% to about 11%]")
            .doc("Share of appealable decisions appealed: refusals to assess, decisions not to issue a plan, plans issued, and review decisions to amend or cease."),
        sc("appeals.hearing_days", Distr { unit: "days", max: MAX_DAYS }, |s| &mut s.appeals.hearing_days)
            .unit("days").src("[E: lognormal, mean 180 days, cv 0.3; hearings are listed months after registration]")
            .doc("Days from the decision to the hearing, or to the appeal's end where it is conceded or withdrawn."),
        sc("appeals.preparation_hours", TASK, |s| &mut s.appeals.preparation_hours)
            .unit("hours").src("[E: 15-30 h a tribunal appeal]")
            .doc("Staff hours to prepare one appeal (evidence, the bundle, the hearing)."),
        sc("appeals.preparation_days", Num(R::incl(1.0, 365.0)), |s| &mut s.appeals.preparation_days)
            .unit("days").src("[E: about 6 weeks]")
            .doc("Days before the hearing over which the preparation is spread: it comes off the caseworkers' day, as contact time does."),
        sc("appeals.caseworker_share", Num(SHARE), |s| &mut s.appeals.caseworker_share)
            .src("[E: councils commonly have tribunal officers or legal staff who prepare appeals; the caseworker gives evidence]")
            .doc("Share of the preparation done by caseworkers; the rest falls to a tribunal or legal team outside the model."),
        sc("appeals.order_share", Num(SHARE), |s| &mut s.appeals.order_share)
            .src("[E: most appeals decided at a hearing go at least partly the family's way, and many are conceded; others are withdrawn]")
            .doc("Share of appeals ending with an order the council must carry out: to assess (the request enters assessment), to issue a plan (it enters drafting), or to amend a plan (amendment hours), each within its deadline (reg 44: 4 weeks to start an ordered assessment, 5 weeks to issue or amend a plan)."),
        sc("caseworkers.cap", Whole(1, MAX_CAP), |s| &mut s.caseworkers.cap)
            .unit("cases").src("[S: the crisis figure of 500; Surrey's norm is 170-230]")
            .doc("Most cases one whole-time caseworker may hold (part-time pro rata)."),
        sc("caseworkers.hours_per_fte_year", Num(HOURS_PER_YEAR), |s| &mut s.caseworkers.hours_per_fte_year)
            .unit("hours a year").src("[E: 37 h x 52.14 weeks less leave, holidays, sickness and training]")
            .doc("Productive hours per FTE-year."),
        sc("caseworkers.priority", Order, |s| &mut s.caseworkers.order)
            .src("[E: decisions first, as SEN2's 85-96% of decisions within 6 weeks beside late plans shows councils protect the panel]")
            .doc("Order in which each caseworker takes tasks: a named rule (common_practice is decisions first, then every other task by deadline), or ranks of task kinds, highest first; kinds left out come last."),
        sc("caseworkers.within_rank", WITHIN, |s| &mut s.caseworkers.order.within)
            .doc("Order of tasks within a rank: by statutory deadline or by the order they arose. Read after priority, which sets it for the named rules."),
        sc("caseworkers.pooled", Flag, |s| &mut s.caseworkers.pooled)
            .src("[E: councils name a caseworker for each child]")
            .doc("true: the team works one shared queue (anyone takes the next task); false: each caseworker works the cases they hold."),
        sc(
            "caseworkers.groups",
            Items {
                what: "groups",
                max: MAX_GROUPS,
                fields: group_params,
                new_item: |i| new_group("group", i),
                finish: |_, _| {},
                example: || new_group("group", 0),
            },
            |s| &mut s.caseworkers.groups,
        )
        .src("[D: one group of 41 FTE, county median]")
        .doc("Staff groups: one [[caseworkers.groups]] per set of posts with the same dates. At least one is needed while requests or reviews are enabled. A group's name defaults to \"group N\"."),
    ]
}

fn staffing_params() -> Vec<Param<Scenario>> {
    let days = R::incl(0.0, MAX_DAYS);
    let rate = R(B::Incl(0.0), B::Excl(1.0));
    vec![
        sc("caseworkers.establishment.enabled", Flag, |s| &mut s.caseworkers.establishment.enabled)
            .src("[D: councils' caseworkers grew with their plans, about 200 plans each throughout, docs/model.md]")
            .doc("true: at each 1 April the caseworkers' posts are set to the cases held divided by cases_per_fte, the added posts starting lag_days later and filled by new starters; posts are never cut."),
        sc("caseworkers.establishment.cases_per_fte", Num(R(B::Excl(0.0), B::Incl(100_000.0))), |s| &mut s.caseworkers.establishment.cases_per_fte)
            .unit("cases per FTE").src("[D: 8,200 plans and about 600 open requests for 41 FTE]")
            .doc("Plans and open requests per caseworker FTE that the establishment provides for."),
        sc("caseworkers.establishment.lag_days", Num(days), |s| &mut s.caseworkers.establishment.lag_days)
            .unit("days").src("[E: 3 months of budget and recruitment]")
            .doc("Days from the budget date (1 April) to the added posts starting."),
        sc("caseworkers.workforce.leaving_per_year", Num(rate), |s| &mut s.caseworkers.workforce.leaving_per_year)
            .unit("share a year").src("[E: 20% a year; one county lost 8.1 of 26.5 FTE in 2022, docs/model.md]")
            .doc("Share of caseworkers leaving a year; a leaver's post falls vacant until a new starter (or agency cover) arrives."),
        sc("caseworkers.workforce.recruitment_days", Num(days), |s| &mut s.caseworkers.workforce.recruitment_days)
            .unit("days").src("[E: 3 months]")
            .doc("Days from a post falling vacant to a new starter."),
        sc("caseworkers.workforce.new_starter_days", Num(days), |s| &mut s.caseworkers.workforce.new_starter_days)
            .unit("days").src("[E: 3 months]")
            .doc("Days a new starter works below full productivity."),
        sc("caseworkers.workforce.new_starter_productivity", Num(R(B::Excl(0.0), B::Incl(1.0))), |s| &mut s.caseworkers.workforce.new_starter_productivity)
            .src("[E: half productivity]")
            .doc("A new starter's share of full productivity in those days."),
        sc("caseworkers.workforce.agency_cover_after_days", OrOff(Num(days), 56.0), |s| &mut s.caseworkers.workforce.agency_cover_after_days)
            .unit("days").src("[E: 8 weeks; agency cover is common, one county had 13.3 FTE of it in December 2022]")
            .doc("Days after which agency staff cover a vacancy until the new starter arrives, or false for no agency cover."),
        sc("caseworkers.workforce.leavers_cases", LEAVERS, |s| &mut s.caseworkers.workforce.leavers_cases)
            .src("[E]")
            .doc("What happens to a leaver's cases: given to colleagues with room (or unallocated), or held by the vacant post, unworked until it is filled or covered."),
        sc(
            "complexity",
            Items {
                what: "classes",
                max: MAX_CLASSES,
                fields: complexity_params,
                new_item: |i| ComplexityClass {
                    name: format!("class {}", i + 1),
                    share: 1.0,
                    work_multiplier: 1.0,
                    advice_multiplier: 1.0,
                },
                finish: |_, _| {},
                example: || default_complexity()[0].clone(),
            },
            |s| &mut s.complexity,
        )
        .src("[E: a fifth simple, three fifths standard, a fifth complex; mean multipliers 1, so the sourced mean hours are kept]")
        .doc("Classes of case complexity, one [[complexity]] each: a share of requests (shares are normalised to sum to 1) and multipliers on every caseworker and psychologist task's hours and on health, social care and school advice delays. An empty list (complexity = []) makes every case alike."),
    ]
}

fn cost_params() -> Vec<Param<Scenario>> {
    vec![
        sc("costs.cost_per_fte_year", Num(MONEY), |s| &mut s.costs.cost_per_fte_year)
            .unit("pounds a year")
            .src("[D: a county cabinet approved 14.2 FTE at just over £640,000 a year, £45,070 each; about £34,300 salary and 31% on-costs, docs/model.md]")
            .doc("Fully loaded cost of one caseworker or backlog-team FTE for a financial year, at the prices of the financial year containing the start date; a part year costs its share of days."),
        sc("costs.pay_award", Num(R::incl(-0.5, 1.0)), |s| &mut s.costs.pay_award)
            .unit("share a year").src("[S: 3.2% from April 2025]")
            .doc("Pay award applied each 1 April after the start, compounding, to every cost per FTE-year."),
        sc("costs.agency_premium", Num(R::incl(0.0, 5.0)), |s| &mut s.costs.agency_premium)
            .unit("share of the permanent cost").src("[E: +40%, range 25-75%]")
            .doc("Extra cost of agency cover of a vacant caseworker post over the permanent cost."),
        sc("costs.cost_per_hire", Num(MONEY), |s| &mut s.costs.cost_per_hire)
            .unit("pounds").src("[E: none by default]")
            .doc("One-off cost of each hire, counted when a new starter fills a vacancy or an added establishment post starts (no pay award)."),
        sc("costs.delay_cost_per_request_week", Num(MONEY), |s| &mut s.costs.delay_cost_per_request_week)
            .unit("pounds").src("[the council's own figure; none by default]")
            .doc("Price of delay: pounds for each week a request for assessment is open past 20 weeks (interim provision, complaint remedies). Counted from week-end stocks, so each late request costs this once a week; the comparison with a baseline nets it off the extra staff cost."),
        sc("costs.delay_cost_per_overdue_review_month", Num(MONEY), |s| &mut s.costs.delay_cost_per_overdue_review_month)
            .unit("pounds").src("[the council's own figure; none by default]")
            .doc("Price of delay: pounds for each month a plan's annual review is overdue, counted from week-end stocks (a week is 7/30.44 of a month)."),
        sc("costs.cost_per_appeal", Num(MONEY), |s| &mut s.costs.cost_per_appeal)
            .unit("pounds").src("[the council's own figure; none by default]")
            .doc("Cost of each tribunal appeal beyond the staff time the model counts (legal advice, counsel, the bundle), counted in the financial year the appeal is registered and in the total cost."),
    ]
}

fn initial_params() -> Vec<Param<Scenario>> {
    vec![
        sc("initial.plans_in_force", Whole(0, MAX_INITIAL_PLANS), |s| &mut s.initial.plans_in_force)
            .unit("plans").src("[D: 8,200, county median]")
            .doc("Plans in force on the start date; next reviews spread evenly over the coming interval."),
        sc("initial.overdue_reviews", Whole(0, MAX_INITIAL_PLANS), |s| &mut s.initial.overdue_reviews)
            .unit("plans").src("[E: 1,500, about the steady backlog of the default county with its load near 1]")
            .doc("Of those, plans whose review is already overdue; at most plans_in_force."),
        sc("initial.overdue_age_days", Distr { unit: "days", max: MAX_DAYS }, |s| &mut s.initial.overdue_age_days)
            .unit("days").src("[E]")
            .doc("Days each overdue review is past its limit."),
        sc(
            "initial.open_requests",
            Items {
                what: "entries",
                max: MAX_OPEN_ENTRIES,
                fields: open_params,
                new_item: |_| OpenRequests { stage: OpenStage::AwaitingDecision, count: 0, age_days: Dist::Fixed(0.0) },
                finish: open_finish,
                example: || Scenario::default().initial.open_requests[0].clone(),
            },
            |s| &mut s.initial.open_requests,
        )
        .src("[E: 240 awaiting a decision, a council working near the 6-week limit; in assessment and drafting, Little's law for about 4.3 agreed assessments a day through about 7 and 5 weeks]")
        .doc("Open requests on the start date, one [[initial.open_requests]] per stage. Advice for requests already in assessment comes in over the first 6 weeks of the run."),
    ]
}

/// A staff group before its keys are read.
fn new_group(prefix: &str, index: usize) -> StaffGroup {
    StaffGroup {
        name: format!("{prefix} {}", index + 1),
        fte: 1.0,
        start: None,
        end: None,
        hours_per_fte_year: None,
    }
}

/// The keys of a staff group (`[[caseworkers.groups]]`, `[[backlog_team]]`).
pub(crate) fn group_params() -> &'static [Param<StaffGroup>] {
    static PARAMS: LazyLock<Vec<Param<StaffGroup>>> = LazyLock::new(|| {
        let date = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or(NaiveDate::MIN);
        vec![
            sg("name", Name(MAX_NAME_CHARS), |g| &mut g.name)
                .default_note("\"group N\", \"backlog team N\" or \"psychologists N\"")
                .doc("Name for outputs."),
            sg("fte", Num(FTE), |g| &mut g.fte)
                .required()
                .unit("FTE")
                .doc("Full-time equivalents (and at most 10000 over all groups); a caseworker group must be able to hold a case (fte x cap at least 1)."),
            sg("start", Opt(Day, date), |g| &mut g.start)
                .example("2026-04-01")
                .doc("First day in post (default the start of the run); may lie outside the run."),
            sg("end", Opt(Day, date), |g| &mut g.end)
                .example("2028-03-31")
                .doc("Last day in post (default the end of the run), on or after start."),
            sg("hours_per_fte_year", Opt(Num(HOURS_PER_YEAR), 1450.0), |g| &mut g.hours_per_fte_year)
                .unit("hours a year")
                .example("1450.0")
                .doc("Productive hours per FTE-year for this group (default its team's hours_per_fte_year: caseworkers.hours_per_fte_year for [caseworkers] and backlog groups, psychologists.hours_per_fte_year for psychologist groups)."),
        ]
    });
    &PARAMS
}

/// Most teams.
pub(crate) const MAX_TEAMS: usize = 50;

const HOLDS: Words<Holds> = Words(&[
    ("requests", Holds::Requests),
    ("plans", Holds::Plans),
    ("all", Holds::All),
]);

/// A team before its keys are read: the built-in caseworkers' settings,
/// with no staff.
fn new_team(index: usize) -> Team {
    let c = Scenario::default().caseworkers;
    Team {
        name: format!("team {}", index + 1),
        holds: Holds::All,
        cap: c.cap,
        hours_per_fte_year: c.hours_per_fte_year,
        pooled: c.pooled,
        order: c.order,
        groups: Vec::new(),
        establishment: Establishment::fixed(),
        workforce: c.workforce,
    }
}

/// A parameter of a team.
fn tm<K: Kind>(key: &'static str, kind: K, get: fn(&mut Team) -> &mut K::V) -> Param<Team> {
    param(key, kind, get)
}

/// The keys of a `[[teams]]` entry.
pub(crate) fn team_params() -> &'static [Param<Team>] {
    static PARAMS: LazyLock<Vec<Param<Team>>> = LazyLock::new(|| {
        let days = R::incl(0.0, MAX_DAYS);
        vec![
            tm("name", Name(MAX_NAME_CHARS), |t| &mut t.name)
                .default_note("\"team N\"")
                .doc("Name for outputs."),
            tm("holds", HOLDS, |t| &mut t.holds)
                .required()
                .doc("Which cases the team holds: requests (to the final plan), plans (and their reviews), or all."),
            tm("cap", Whole(1, MAX_CAP), |t| &mut t.cap)
                .unit("cases")
                .doc("Most cases one whole-time caseworker may hold (part-time pro rata)."),
            tm("hours_per_fte_year", Num(HOURS_PER_YEAR), |t| &mut t.hours_per_fte_year)
                .unit("hours a year")
                .doc("Productive hours per FTE-year."),
            tm("pooled", Flag, |t| &mut t.pooled)
                .doc("true: one shared queue; false: each caseworker works the cases they hold."),
            tm("priority", Order, |t| &mut t.order)
                .doc("Order of work, as caseworkers.priority."),
            tm("within_rank", WITHIN, |t| &mut t.order.within)
                .doc("Order within a rank, as caseworkers.within_rank."),
            tm(
                "groups",
                Nested(Items {
                    what: "groups",
                    max: MAX_GROUPS,
                    fields: group_params,
                    new_item: |i| new_group("group", i),
                    finish: |_, _| {},
                    example: || new_group("group", 0),
                }),
                |t| &mut t.groups,
            )
            .required()
            .doc("The team's staff groups, [[teams.groups]] with the keys of [[caseworkers.groups]]."),
            tm("follows_demand", Flag, |t| &mut t.establishment.enabled)
                .doc("true: posts follow demand each 1 April, as caseworkers.establishment.enabled."),
            tm("cases_per_fte", Num(R(B::Excl(0.0), B::Incl(100_000.0))), |t| &mut t.establishment.cases_per_fte)
                .unit("cases per FTE")
                .doc("Cases per FTE the establishment provides for."),
            tm("establishment_lag_days", Num(days), |t| &mut t.establishment.lag_days)
                .unit("days")
                .doc("Days from the budget date to added posts starting."),
            tm("leaving_per_year", Num(R(B::Incl(0.0), B::Excl(1.0))), |t| &mut t.workforce.leaving_per_year)
                .unit("share a year")
                .doc("Share of the team's caseworkers leaving a year."),
            tm("recruitment_days", Num(days), |t| &mut t.workforce.recruitment_days)
                .unit("days")
                .doc("Days from a vacancy to a new starter."),
            tm("new_starter_days", Num(days), |t| &mut t.workforce.new_starter_days)
                .unit("days")
                .doc("Days a new starter works below full productivity."),
            tm("new_starter_productivity", Num(R(B::Excl(0.0), B::Incl(1.0))), |t| &mut t.workforce.new_starter_productivity)
                .doc("A new starter's share of full productivity."),
            tm("agency_cover_after_days", OrOff(Num(days), 56.0), |t| &mut t.workforce.agency_cover_after_days)
                .unit("days")
                .doc("Days after which agency staff cover a vacancy, or false."),
            tm("leavers_cases", LEAVERS, |t| &mut t.workforce.leavers_cases)
                .doc("reallocate or hold a leaver's cases."),
        ]
    });
    &PARAMS
}

/// A parameter of a complexity class.
fn cx<K: Kind>(
    key: &'static str,
    kind: K,
    get: fn(&mut ComplexityClass) -> &mut K::V,
) -> Param<ComplexityClass> {
    param(key, kind, get)
}

/// The keys of a `[[complexity]]` class.
pub(crate) fn complexity_params() -> &'static [Param<ComplexityClass>] {
    static PARAMS: LazyLock<Vec<Param<ComplexityClass>>> = LazyLock::new(|| {
        let multiplier = R(B::Excl(0.0), B::Incl(100.0));
        vec![
            cx("name", Name(MAX_NAME_CHARS), |c| &mut c.name)
                .default_note("\"class N\"")
                .doc("Name for outputs."),
            cx("share", Num(R(B::Excl(0.0), B::Incl(1.0))), |c| {
                &mut c.share
            })
            .required()
            .doc("Share of requests in the class."),
            cx("work_multiplier", Num(multiplier), |c| {
                &mut c.work_multiplier
            })
            .doc("Multiplier on every caseworker and psychologist task's hours."),
            cx("advice_multiplier", Num(multiplier), |c| {
                &mut c.advice_multiplier
            })
            .doc("Multiplier on health, social care and school advice delays."),
        ]
    });
    &PARAMS
}

/// The keys of an entry of `[[initial.open_requests]]`.
pub(crate) fn open_params() -> &'static [Param<OpenRequests>] {
    static PARAMS: LazyLock<Vec<Param<OpenRequests>>> = LazyLock::new(|| {
        vec![
            op("stage", STAGES, |o| &mut o.stage)
                .required()
                .doc("The stage they stand at."),
            op("count", Whole(0, MAX_INITIAL_PLANS), |o| &mut o.count)
                .required()
                .unit("requests")
                .doc("How many."),
            op(
                "age_days",
                Distr {
                    unit: "days",
                    max: MAX_DAYS,
                },
                |o| &mut o.age_days,
            )
            .unit("days")
            .default_note("the built-in county's for the stage")
            .doc("Days since each was received."),
        ]
    });
    &PARAMS
}

/// An entry without `age_days` takes the default county's ages for its stage.
fn open_finish(o: &mut OpenRequests, t: &Table) {
    if t.contains("age_days") {
        return;
    }
    let defaults = Scenario::default().initial.open_requests;
    o.age_days = defaults
        .iter()
        .find(|d| d.stage == o.stage)
        .map_or(Dist::Fixed(0.0), |d| d.age_days.clone());
}

/// The keys allowed in the table at `path` ("" for the top level) and the
/// sections below it.
pub(crate) fn keys_in(path: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for p in scenario_params() {
        let rest = if path.is_empty() {
            Some(p.key)
        } else {
            p.key.strip_prefix(path).and_then(|r| r.strip_prefix('.'))
        };
        if let Some(rest) = rest {
            let first = rest.split('.').next().unwrap_or(rest);
            if !out.contains(&first) {
                out.push(first);
            }
        }
    }
    out
}

/// One parameter of a scenario as an assumption register shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterValue {
    /// Dotted key path (`requests.per_year`).
    pub key: &'static str,
    /// The value as it would be written in a scenario file, on one line
    /// (lists of tables as their entries separated by `;`).
    pub value: String,
    /// Its unit ("" for none).
    pub unit: &'static str,
    /// Where the default figure comes from (\[S\], \[D\] or \[E\] and the
    /// source).
    pub source: &'static str,
    /// Whether the value is the built-in default.
    pub is_default: bool,
}

/// The value of `p` in `s` on one line.
fn value_line(p: &Param<Scenario>, s: &Scenario) -> String {
    let mut s = s.clone();
    if let Some(v) = p.slot.toml(&mut s) {
        return v;
    }
    match p.slot.blocks(&mut s, p.key, false) {
        Some(b) => b
            .split("\n\n")
            .map(|entry| {
                entry
                    .lines()
                    .filter(|l| !l.starts_with("[["))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect::<Vec<_>>()
            .join("; "),
        None => NOT_SET.into(),
    }
}

/// The value line of a key that is not set.
pub const NOT_SET: &str = "(not set)";

/// Every parameter of `s` with its value, unit and source, in the order of
/// the template (the keys of `docs/parameters.md`): the same keys in the
/// same order for every scenario, so that two lists compare entry by
/// entry. A key not set (`calendar.end` when the length is given in weeks,
/// an optional date left out) has the value [`NOT_SET`].
pub fn parameter_values(s: &Scenario) -> Vec<ParameterValue> {
    let default = Scenario::default();
    scenario_params()
        .iter()
        .filter(|p| p.key != "name" && p.key != "description")
        .map(|p| {
            let value = value_line(p, s);
            ParameterValue {
                key: p.key,
                is_default: value == value_line(p, &default),
                value,
                unit: p.unit,
                source: p.source,
            }
        })
        .collect()
}
