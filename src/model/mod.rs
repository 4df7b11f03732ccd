//! The EHC model: requests through the statutory pathway, plans in force and
//! their annual reviews, caseworkers with capped caseloads, educational
//! psychologists and backlog teams (MODEL.md sections 3 to 5).
//!
//! The model never prints and never touches files. It is driven by the
//! domain-free [`crate::engine`]: one [`EventQueue`] of small `Copy` events
//! that index into entity tables, so the hot loop allocates nothing per event
//! once the tables have grown to their working size.
//!
//! Work: every open request and plan is a *case*, held by one caseworker of
//! a team that holds its kind, up to the cap. A case needs at most one piece
//! of caseworker work at a time (a *task*), which waits in its holder's work
//! queue (or, in a pooled team, the team's), ordered by the team's ranks of
//! task kinds and then by deadline or arrival. The holder of a case spends
//! contact time on it, which slows the holder's work. A case that finds
//! every caseworker of its teams at the cap waits unallocated, and its tasks
//! do not enter a queue until it is allocated.

mod allocation;
mod appeal;
mod costs;
mod load_check;
mod metrics;
mod params;
mod request;
mod review;
mod staff;

use crate::engine::{prefetch, stream, EventQueue, KeyedHeap, KeyedRng, StreamRng, Time};
use crate::results::ReplicationResult;
use crate::scenario::{OpenStage, Scenario, ValidScenario};
use metrics::{Recorder, Stocks, TWENTY_WEEKS};
use params::Params;
use rand::Rng;
use staff::{TeamState, WorkQueues, Worker, WorkforceChange};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};

pub use load_check::{load_check, LoadRow};
pub use request::RequestStage;

/// A case: an open request or a plan, by index into its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Request(u32),
    Plan(u32),
}

/// How many events ahead the record of a case is asked for (and half as
/// many for the second step, which reads that record): far enough for the
/// load to arrive before it is needed, near enough that it is still in
/// cache then.
const PREFETCH_AHEAD: usize = 8;

/// Tables of plans larger than this are fetched ahead; smaller ones stay in
/// cache (the medium county's are about 1.5 MB), where the look-ahead
/// costs a few per cent and gains nothing.
const PREFETCH_ABOVE_BYTES: usize = 8 << 20;

/// Marks "no caseworker" in a holder field.
pub(crate) const NOBODY: u32 = u32::MAX;

/// What happens next to a case's current task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TaskState {
    /// No task.
    #[default]
    None,
    /// Needs doing, but the case is unallocated.
    Waiting,
    /// In the work queue.
    Queued,
    /// Being worked on.
    InProgress,
}

/// The piece of caseworker work a case needs now.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Task {
    pub state: TaskState,
    /// Hours of work.
    pub hours: f64,
    /// Statutory deadline (simulation day).
    pub deadline: f64,
    /// Day the task arose (for first-come-first-served order).
    pub arose: f64,
    /// Incremented whenever a task is set, so queue entries of an older task
    /// are recognised as stale.
    pub number: u32,
}

/// Purposes of keyed draws: each (case, purpose, instance) has its own
/// generator, so draws do not depend on processing order.
pub(crate) mod purpose {
    pub const DECISION_WORK: u64 = 1;
    pub const DECISION_OUTCOME: u64 = 2;
    pub const ASSESSMENT_WORK: u64 = 3;
    pub const ADVICE: u64 = 4;
    pub const NO_PLAN: u64 = 5;
    pub const DRAFTING: u64 = 6;
    pub const FINALISATION: u64 = 7;
    pub const EXCEPTION: u64 = 8;
    pub const PLAN: u64 = 9;
    pub const REVIEW: u64 = 10;
    pub const STAFF: u64 = 11;
    pub const COMPLEXITY: u64 = 12;
    pub const PSYCHOLOGIST_WORK: u64 = 13;
    pub const COMMISSIONED: u64 = 14;
    pub const EVIDENCE: u64 = 15;
    pub const PHASE_TRANSFER: u64 = 16;
    pub const CLOSURE_EXCEPTION: u64 = 17;
    pub const APPEAL: u64 = 18;
    pub const APPEAL_ORDER: u64 = 19;
}

/// The model's random streams (tags for [`crate::engine::stream`]). Arrival
/// times have their own stream; everything decided about a case (its
/// outcome, work and delays) comes from a [`KeyedRng`] instead.
pub(crate) mod streams {
    /// Arrival times of requests ("arrivals").
    pub const ARRIVALS: u64 = 0x6172_7269_7661_6c73;
    /// The starting state: plans in force, overdue reviews, open requests
    /// ("initial").
    pub const INITIAL: u64 = 0x696e_6974_6961_6c00;
}

/// Case keys: requests and plans drawn from disjoint key ranges.
pub(crate) fn request_key(r: u32) -> u64 {
    1 << 40 | r as u64
}
/// Key of a plan that was in force on the start date.
pub(crate) fn initial_plan_key(p: u32) -> u64 {
    2 << 40 | p as u64
}

/// Events: small and `Copy`, indices into the entity tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Event {
    /// The next request may arrive (thinning of a Poisson process).
    Arrival,
    /// A worker finishes its current task.
    WorkDone { worker: u32 },
    /// The panel decides whether to assess a request.
    Panel { request: u32 },
    /// Advice comes in: the last of a request's calendar-day advice
    /// (health, social care, school), or a commissioned psychologist's.
    AdviceIn { request: u32 },
    /// An educational psychologist finishes an advice.
    PsychologistDone { psychologist: u32 },
    /// A calendar-day step (family comments, consultation) of a request ends.
    RequestStepOver { request: u32 },
    /// A request open at the start becomes 20 weeks old (requests received
    /// during the run are counted at each week's end instead).
    TwentyWeeks { request: u32 },
    /// A plan's annual review falls due: the meeting is held, or will be
    /// late.
    ReviewDue { plan: u32, review: u32 },
    /// A late review meeting is held.
    MeetingHeld { plan: u32, review: u32 },
    /// The family's representation period on amendments ends.
    RepresentationsOver { plan: u32, review: u32 },
    /// A review step's statutory limit passes.
    ReviewLimit { plan: u32, review: u32 },
    /// A plan ceases outside a review.
    PlanCeases { plan: u32 },
    /// The statutory date (15 February or 31 March) by which a
    /// phase-transfer review's amended plan must be final passes.
    TransferDeadline { plan: u32, review: u32 },
    /// A staff group starts or ends.
    Staffing { group: u32, starts: bool },
    /// A group of psychologists starts or ends.
    PsychologistStaffing { group: u32, starts: bool },
    /// A post's holder leaves, is covered, is replaced or is up to speed.
    Workforce {
        worker: u32,
        generation: u32,
        change: WorkforceChange,
    },
    /// The preparation of an appeal for its hearing begins.
    AppealPreparation { appeal: u32 },
    /// An appeal is heard (or ends without a hearing).
    AppealHeard { appeal: u32 },
    /// The time allowed for carrying out an order to amend a plan ends (every
    /// such order takes the same hours a day, so which one does not matter).
    AppealOrderDone,
    /// A reporting week ends.
    WeekEnd { week: u32 },
    /// A financial year ends.
    YearEnd { year: u32 },
}

/// One replication of one scenario, steppable for tests.
pub struct Simulation<'s> {
    pub(crate) sc: &'s Scenario,
    pub(crate) p: Params,
    pub(crate) seed: u64,
    pub(crate) queue: EventQueue<Event>,
    pub(crate) arrivals: StreamRng,
    pub(crate) requests: Vec<request::Request>,
    pub(crate) plans: Vec<review::Plan>,
    pub(crate) workers: Vec<Worker>,
    /// Caseworker teams.
    pub(crate) teams: Vec<TeamState>,
    /// Staff groups, each a set of posts in `workers`.
    pub(crate) groups: Vec<staff::Group>,
    pub(crate) work: WorkQueues,
    pub(crate) unallocated_requests: VecDeque<Case>,
    pub(crate) unallocated_plans: VecDeque<Case>,
    /// The caseworkers with room, in allocation order.
    pub(crate) room: allocation::RoomIndex,
    pub(crate) psychologists: staff::Psychologists,
    pub(crate) stocks: Stocks,
    /// The first request received during the run not yet checked against
    /// 20 weeks. Requests from here on were received in time order, so the
    /// week's end can count those turning 20 weeks old without a timer
    /// event for each (see `Simulation::count_twenty_weeks`).
    pub(crate) twenty_weeks_from: u32,
    pub(crate) rec: Recorder,
    /// Appeals to the tribunal so far.
    pub(crate) appeals: Vec<appeal::Appeal>,
    /// Caseworker hours a day that appeals (their preparation, orders to
    /// amend) take now.
    pub(crate) appeal_hours_per_day: f64,
    /// Hours a day of the caseworkers working, counted at each week's end.
    pub(crate) caseworker_hours_per_day: f64,
    /// The share of each caseworker's day that appeals take.
    pub(crate) appeal_share: f64,
    /// Money counted so far.
    pub(crate) costs: costs::CostMeter,
    pub(crate) events: u64,
    pub(crate) finished: bool,
    /// Whether the tables of cases are large enough that fetching records
    /// ahead pays (see [`PREFETCH_ABOVE_BYTES`]).
    pub(crate) prefetching: bool,
}

impl<'s> Simulation<'s> {
    /// Sets up a replication: the starting state and the first events.
    pub fn new(scenario: &'s ValidScenario, seed: u64) -> Self {
        Self::new_cancellable(scenario, seed, &AtomicBool::new(false))
            .expect("a flag nobody raises")
    }

    /// As [`Simulation::new`], but gives up with `None` if `cancel` is
    /// raised while a large starting state is being set up (checked every
    /// few thousand plans and requests).
    pub fn new_cancellable(
        scenario: &'s ValidScenario,
        seed: u64,
        cancel: &AtomicBool,
    ) -> Option<Self> {
        let scenario: &'s Scenario = scenario;
        let p = Params::new(scenario);
        // Room for the requests and plans a replication makes, with a margin
        // for chance, open requests at the start and the tribunal's orders,
        // so that the tables are not doubled (and copied) near the end.
        let expected = scenario.expected_requests() * 1.05;
        let r = &scenario.requests;
        let issued = (1.0 - r.refused_share - r.withdrawn_share).max(0.0) * (1.0 - r.no_plan_share);
        let open_at_start: u32 = scenario.initial.open_requests.iter().map(|g| g.count).sum();
        let plans_cap =
            scenario.initial.plans_in_force as usize + (expected * issued) as usize + 1024;
        let expected = expected as usize + open_at_start as usize;
        let mut sim = Simulation {
            sc: scenario,
            p,
            seed,
            queue: EventQueue::new(scenario.end_day(), 2 * plans_cap + 1024),
            arrivals: stream(seed, streams::ARRIVALS),
            requests: Vec::with_capacity(expected + 1024),
            plans: Vec::with_capacity(plans_cap),
            workers: Vec::new(),
            teams: Vec::new(),
            groups: Vec::new(),
            work: WorkQueues::new(),
            unallocated_requests: VecDeque::with_capacity(1024),
            unallocated_plans: VecDeque::with_capacity(1024),
            room: allocation::RoomIndex::default(),
            psychologists: staff::Psychologists::new(scenario),
            stocks: Stocks::default(),
            twenty_weeks_from: 0,
            rec: Recorder::new(scenario),
            appeals: Vec::new(),
            appeal_hours_per_day: 0.0,
            caseworker_hours_per_day: 0.0,
            appeal_share: 0.0,
            costs: costs::CostMeter::new(scenario),
            events: 0,
            finished: false,
            prefetching: plans_cap * std::mem::size_of::<review::Plan>() > PREFETCH_ABOVE_BYTES,
        };
        sim.recount_psychologist_cost();
        sim.set_up_staff();
        sim.schedule_psychologist_groups();
        sim.set_up_initial_state(cancel)?;
        sim.count_caseworker_hours();
        sim.twenty_weeks_from = sim.requests.len() as u32;
        sim.schedule_next_arrival(0.0);
        sim.queue
            .schedule(sim.sc.calendar.week_end_day(0), Event::WeekEnd { week: 0 });
        for (year, day) in sim.sc.calendar.financial_year_ends() {
            sim.queue
                .schedule(day, Event::YearEnd { year: year as u32 });
        }
        Some(sim)
    }

    /// The current simulation day.
    pub fn now(&self) -> Time {
        self.queue.now()
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Whether the run has reached its end.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Processes events up to and including day `until` (or the end of the
    /// run). Returns the number processed.
    pub fn run_until(&mut self, until: Time) -> u64 {
        let before = self.events;
        while !self.finished {
            let Some((time, event)) = self.queue.pop_until(until) else {
                break;
            };
            // The run covers [0, end): events falling at the end itself are
            // left unhandled, except the closing week's (and year's) end.
            if time >= self.sc.end_day()
                && !matches!(event, Event::WeekEnd { .. } | Event::YearEnd { .. })
            {
                continue;
            }
            self.events += 1;
            if self.prefetching {
                if let Some(&later) = self.queue.upcoming(PREFETCH_AHEAD) {
                    self.prefetch_for(later);
                }
                if let Some(&sooner) = self.queue.upcoming(PREFETCH_AHEAD / 2) {
                    self.prefetch_next_step(sooner);
                }
            }
            self.handle(event);
        }
        self.events - before
    }

    /// Starts loading what `event` will touch first: its case record, or
    /// for a finished task the case worked on and the top of the post's
    /// work queue.
    #[inline]
    fn prefetch_for(&self, event: Event) {
        match event {
            Event::WorkDone { worker } => {
                if let Some(case) = self.workers.get(worker as usize).and_then(|w| w.current) {
                    self.prefetch_case(case);
                }
                if let Some(q) = self.work_queue_of(worker) {
                    q.prefetch();
                }
            }
            _ => {
                if let Some(case) = Self::case_of(event) {
                    self.prefetch_case(case);
                }
            }
        }
    }

    /// The second step of [`Simulation::prefetch_for`], nearer the event,
    /// once what it loaded has arrived: the work queue a case's next task
    /// goes to, or the case at the top of a post's queue.
    #[inline]
    fn prefetch_next_step(&self, event: Event) {
        let holder = match event {
            Event::WorkDone { worker } => {
                if let Some((_, next)) = self.work_queue_of(worker).and_then(|q| q.peek()) {
                    self.prefetch_case(next.case());
                }
                return;
            }
            _ => match Self::case_of(event) {
                Some(Case::Request(r)) => self.requests.get(r as usize).map(|r| r.holder),
                Some(Case::Plan(p)) => self.plans.get(p as usize).map(|p| p.holder),
                None => None,
            },
        };
        if let Some(q) = holder.and_then(|h| self.work_queue_of(h)) {
            q.prefetch();
        }
    }

    /// The work queue post `worker` takes tasks from (`None` for no post).
    #[inline]
    fn work_queue_of(&self, worker: u32) -> Option<&KeyedHeap<staff::TaskRef>> {
        let w = self.workers.get(worker as usize)?;
        self.work.queues.get(w.queue as usize)
    }

    /// The case whose record an event of a request or a plan touches.
    #[inline]
    fn case_of(event: Event) -> Option<Case> {
        match event {
            Event::Panel { request }
            | Event::AdviceIn { request }
            | Event::RequestStepOver { request }
            | Event::TwentyWeeks { request } => Some(Case::Request(request)),
            Event::ReviewDue { plan, .. }
            | Event::MeetingHeld { plan, .. }
            | Event::RepresentationsOver { plan, .. }
            | Event::ReviewLimit { plan, .. }
            | Event::PlanCeases { plan }
            | Event::TransferDeadline { plan, .. } => Some(Case::Plan(plan)),
            _ => None,
        }
    }

    /// Starts loading the record of `case`, if the tables are too large for
    /// the cache.
    #[inline]
    pub(crate) fn prefetch_case(&self, case: Case) {
        if !self.prefetching {
            return;
        }
        match case {
            Case::Request(r) => {
                if let Some(r) = self.requests.get(r as usize) {
                    prefetch(r);
                }
            }
            Case::Plan(p) => {
                if let Some(p) = self.plans.get(p as usize) {
                    prefetch(p);
                }
            }
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival => self.on_arrival(),
            Event::WorkDone { worker } => self.on_work_done(worker),
            Event::Panel { request } => self.on_panel(request),
            Event::AdviceIn { request } => self.on_advice_in(request),
            Event::PsychologistDone { psychologist } => self.on_psychologist_done(psychologist),
            Event::RequestStepOver { request } => self.on_request_step_over(request),
            Event::TwentyWeeks { request } => self.on_twenty_weeks(request),
            Event::ReviewDue { plan, review } => self.on_review_due(plan, review),
            Event::MeetingHeld { plan, review } => self.on_meeting_held(plan, review),
            Event::RepresentationsOver { plan, review } => {
                self.on_representations_over(plan, review)
            }
            Event::ReviewLimit { plan, review } => self.on_review_limit(plan, review),
            Event::PlanCeases { plan } => self.on_plan_ceases(plan),
            Event::TransferDeadline { plan, review } => self.on_transfer_deadline(plan, review),
            Event::Staffing { group, starts } => self.on_staffing(group, starts),
            Event::PsychologistStaffing { group, starts } => {
                self.on_psychologist_staffing(group, starts)
            }
            Event::Workforce {
                worker,
                generation,
                change,
            } => self.on_workforce(worker, generation, change),
            Event::AppealPreparation { appeal } => self.on_appeal_preparation(appeal),
            Event::AppealHeard { appeal } => self.on_appeal_heard(appeal),
            Event::AppealOrderDone => self.on_appeal_order_done(),
            Event::WeekEnd { week } => self.on_week_end(week as usize),
            Event::YearEnd { year } => {
                self.settle_costs(year as usize);
                self.rec.years[year as usize].overdue_at_end = Some(self.stocks.overdue_reviews);
                self.set_establishments();
                self.grow_psychologists(year as usize + 1);
                self.recount_psychologist_cost();
            }
        }
    }

    fn on_week_end(&mut self, week: usize) {
        let max_caseload = self.workers.iter().map(Worker::held).max().unwrap_or(0);
        self.stocks.psychologist_queue = self.psychologists.queue.len() as u32;
        self.count_twenty_weeks(self.queue.now());
        if !self.appeals.is_empty() {
            self.count_caseworker_hours();
        }
        let last = week + 1 >= self.sc.calendar.weeks();
        if last {
            // Everything from the last 1 April (or the start) to the end.
            self.settle_costs(self.costs.years.len().saturating_sub(1));
        } else {
            self.costs.count_to(self.queue.now());
        }
        self.rec.week.staff_cost = self.costs.close_week();
        let cal = &self.sc.calendar;
        let end = cal.week_end_day(week);
        let begin = if week == 0 {
            0.0
        } else {
            cal.week_end_day(week - 1)
        };
        let fy = cal.financial_year_index(end - 0.5);
        self.rec
            .close_week(week, end - begin, fy, &self.stocks, max_caseload);
        if week + 1 < self.sc.calendar.weeks() {
            let next = self.sc.calendar.week_end_day(week + 1);
            self.queue.schedule(
                next,
                Event::WeekEnd {
                    week: week as u32 + 1,
                },
            );
        } else {
            // The last year's "year end" is the end of the run.
            if let Some(last) = self.rec.years.last_mut() {
                if last.overdue_at_end.is_none() {
                    last.overdue_at_end = Some(self.stocks.overdue_reviews);
                }
            }
            self.finished = true;
        }
    }

    /// The complexity class of the case with key `case_key`.
    pub(crate) fn draw_complexity(&self, case_key: u64) -> u8 {
        let u = self.keyed(case_key, purpose::COMPLEXITY, 0).unit();
        self.p.complexity_of(u)
    }

    /// A keyed generator for a draw belonging to one case.
    #[inline]
    pub(crate) fn keyed(&self, case_key: u64, purpose: u64, instance: u64) -> KeyedRng {
        KeyedRng::new(self.seed, case_key, purpose, instance)
    }

    /// `None` if `cancel` was raised part way.
    fn set_up_initial_state(&mut self, cancel: &AtomicBool) -> Option<()> {
        const CHECK_EVERY: u32 = 4096;
        let init = &self.sc.initial;
        let mut rng = stream(self.seed, streams::INITIAL);
        let overdue_age = init.overdue_age_days.sampler();
        let reviews = &self.sc.reviews;
        for i in 0..init.plans_in_force {
            if i % CHECK_EVERY == 0 && cancel.load(Ordering::Relaxed) {
                return None;
            }
            let key = initial_plan_key(i);
            let mut k = self.keyed(key, purpose::PLAN, 0);
            let under5 = k.unit() < self.sc.requests.under5_share;
            let interval = if under5 {
                reviews.under5_interval_days
            } else {
                reviews.interval_days
            };
            let overdue = i < init.overdue_reviews;
            // An overdue review's nominal meeting date lies far enough back
            // that its decision limit passed `age` days ago.
            let due = if overdue {
                -(reviews.decision_limit_days + overdue_age.sample(&mut rng))
            } else {
                rng.random::<f64>() * interval
            };
            let complexity = self.draw_complexity(key);
            let p = self.add_plan(key, under5, complexity, -1.0, due);
            self.allocate(Case::Plan(p));
        }
        for group in &init.open_requests {
            let age = group.age_days.sampler();
            for n in 0..group.count {
                if n % CHECK_EVERY == 0 && cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let arrival = -age.sample(&mut rng);
                let r = self.add_request(arrival);
                // Drawn out of time order, so each has its own timer.
                self.queue
                    .schedule(arrival + TWENTY_WEEKS, Event::TwentyWeeks { request: r });
                match group.stage {
                    OpenStage::AwaitingDecision => self.start_decision(r),
                    OpenStage::Assessment => self.resume_assessment(r),
                    OpenStage::Drafting => self.enter_drafting(r),
                }
            }
        }
        Some(())
    }

    /// Checks every conservation law and the caseload cap against a full
    /// recount of the entity tables, that every review past its step's
    /// statutory limit is counted overdue (so no limit that mattered was
    /// cancelled), and the index of posts with room against a scan of every
    /// post; the message names the first breach.
    pub fn audit(&self) -> Result<(), String> {
        let mut count = [0u32; 7];
        let mut held = vec![0u32; self.workers.len()];
        let mut unallocated = 0;
        let mut check_holder = |holder: u32, slot: u32, case: Case| -> Result<(), String> {
            if holder == NOBODY {
                unallocated += 1;
                return Ok(());
            }
            held[holder as usize] += 1;
            match self.workers[holder as usize].cases.get(slot as usize) {
                Some(&c) if c == case => Ok(()),
                _ => Err(format!("{case:?} not in its holder {holder}'s list")),
            }
        };
        for (i, r) in self.requests.iter().enumerate() {
            count[r.stage as usize] += 1;
            if r.stage.is_open() {
                check_holder(r.holder, r.slot, Case::Request(i as u32))?;
            }
        }
        let mut in_force = 0;
        let mut overdue = 0;
        let now = self.queue.now();
        let rv = &self.sc.reviews;
        for (i, p) in self.plans.iter().enumerate() {
            if !p.ceased {
                in_force += 1;
                overdue += p.overdue as u32;
                check_holder(p.holder, p.slot, Case::Plan(i as u32))?;
                // A review past its step's limit is overdue, whether its
                // limit came as an event or was wrongly cancelled (limits
                // that fell before the start come at the start).
                let limit = match p.step {
                    review::ReviewStep::Decision => Some(p.meeting + rv.decision_limit_days),
                    review::ReviewStep::Representations | review::ReviewStep::Amendment => {
                        Some(p.meeting + rv.amendment_limit_days)
                    }
                    _ => None,
                };
                if limit.is_some_and(|l| now > l.max(0.0)) && !p.overdue {
                    return Err(format!(
                        "plan {i} is past its review's {:?} limit on day {now} but not overdue",
                        p.step
                    ));
                }
            }
        }
        let s = &self.stocks;
        let expect = [
            s.awaiting_decision,
            s.assessment,
            s.drafting,
            s.refused,
            s.withdrawn,
            s.no_plan,
            s.issued,
        ];
        if count != expect {
            return Err(format!(
                "request states {count:?} but counters say {expect:?}"
            ));
        }
        if count.iter().sum::<u32>() != s.requests_total
            || s.requests_total as usize != self.requests.len()
        {
            return Err(format!(
                "{} requests in states but {} received",
                count.iter().sum::<u32>(),
                s.requests_total
            ));
        }
        if in_force != s.plans_in_force || in_force + s.plans_ceased != s.plans_total {
            return Err(format!(
                "{in_force} plans in force, {} ceased, {} created",
                s.plans_ceased, s.plans_total
            ));
        }
        if s.plans_total as usize != self.plans.len() {
            return Err("plan table and plan counter disagree".into());
        }
        if overdue != s.overdue_reviews {
            return Err(format!(
                "{overdue} overdue reviews but counter says {}",
                s.overdue_reviews
            ));
        }
        if unallocated != s.unallocated {
            return Err(format!(
                "{unallocated} unallocated cases but counter says {}",
                s.unallocated
            ));
        }
        for (i, w) in self.workers.iter().enumerate() {
            if held[i] != w.held() {
                return Err(format!(
                    "worker {i} holds {} cases but its list has {}",
                    held[i],
                    w.held()
                ));
            }
            if w.held() > w.cap {
                return Err(format!(
                    "worker {i} holds {} cases, above its cap of {}",
                    w.held(),
                    w.cap
                ));
            }
        }
        if held.iter().sum::<u32>() != s.cases_held {
            return Err("cases held and their counter disagree".into());
        }
        self.audit_room()
    }

    /// Finishes the run (if not already) and returns its record.
    pub fn finish(mut self, replication: u64) -> ReplicationResult {
        self.run_until(f64::INFINITY);
        self.into_result(replication)
    }

    fn into_result(self, replication: u64) -> ReplicationResult {
        let kpis = self.rec.kpis(
            &self.sc.calendar,
            self.sc.backlog_cleared_at,
            self.sc.backlog_target,
            &self.costs.years,
        );
        ReplicationResult {
            replication,
            seed: self.seed,
            weeks: self.sc.calendar.weeks(),
            weekly: self.rec.weekly,
            kpis,
            events: self.events,
        }
    }
}

/// Runs one replication of `scenario` from `seed`; `None` if `cancel` was
/// raised before it finished (checked while the starting state is set up
/// and every 28 simulated days).
pub fn simulate(
    scenario: &ValidScenario,
    replication: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Option<ReplicationResult> {
    let mut sim = Simulation::new_cancellable(scenario, seed, cancel)?;
    let end = scenario.end_day();
    let mut until: f64 = 0.0;
    while !sim.is_finished() {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        until += 28.0;
        sim.run_until(until.min(end));
        if until >= end {
            sim.run_until(f64::INFINITY);
        }
    }
    Some(sim.into_result(replication))
}
