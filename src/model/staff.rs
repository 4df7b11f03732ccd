//! Caseworker teams, the backlog team and educational psychologists: posts,
//! allocation of cases under the cap, each caseworker's (or a pooled team's)
//! work queue, and a workforce that changes (leavers, vacancies, new
//! starters, agency cover, an establishment that follows demand).

use super::allocation::{ordered, Entry};
use super::{Case, Event, Simulation, TaskState, NOBODY};
use crate::engine::{HeapItem, KeyedHeap};
use crate::scenario::{Establishment, Holds, LeaversCases, Scenario, StaffGroup, Team, Workforce};
use std::collections::VecDeque;

/// Ranks are spread this many days apart in a queue key, far more than any
/// deadline's range, so that a rank always outweighs a deadline.
const RANK_GAP: f64 = 1.0e6;

/// A post's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A caseworker in a team, holding cases.
    Caseworker,
    /// Backlog staff: overdue reviews only, no caseload.
    Backlog,
}

/// A team as the hot loop needs it.
#[derive(Debug, Clone)]
pub(crate) struct TeamState {
    pub holds: Holds,
    pub pooled: bool,
    /// Rank of each task kind (by `TaskKind::index`).
    pub ranks: [u8; 7],
    /// Within a rank: by arrival (true) or by deadline.
    pub by_arrival: bool,
    pub cap: u32,
    pub hours_per_fte_year: f64,
    pub establishment: Establishment,
    pub workforce: Workforce,
    /// Every post of the team, whatever its group.
    pub posts: Vec<u32>,
    /// FTE of permanent posts, in post or due to start (what the
    /// establishment counts).
    pub fte_planned: f64,
    /// The pooled team's shared queue.
    pub queue: u32,
}

/// A staff group's dates and its posts.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// The team, or `None` for the backlog team.
    pub team: Option<u32>,
    pub posts: Vec<u32>,
    pub in_post: bool,
}

/// One post: a whole-time caseworker, or the fractional remainder of a
/// group's FTE.
#[derive(Debug, Clone)]
pub(crate) struct Worker {
    pub role: Role,
    /// Index of the team (caseworkers only).
    pub team: u32,
    /// FTE of the post.
    pub fte: f64,
    /// Productive hours a day of the post at full productivity, before
    /// contact time.
    pub hours_per_day: f64,
    /// Share of full productivity of whoever is in post (new starters less).
    pub productivity: f64,
    /// Most cases the post may hold (the cap pro rata to its FTE).
    pub cap: u32,
    /// Cases held now.
    pub cases: Vec<Case>,
    /// Of those, open requests.
    pub requests: u32,
    /// Whether the post exists now (between its group's dates).
    pub in_post: bool,
    /// Whether someone is in the post (it is not vacant).
    pub filled: bool,
    /// Whether that someone is agency cover.
    pub agency: bool,
    /// The case being worked on, if any.
    pub current: Option<Case>,
    /// The work queue the post takes tasks from.
    pub queue: u32,
    /// Incremented when the post falls vacant, so that workforce events of
    /// the previous holder are recognised as stale.
    pub generation: u32,
}

impl Worker {
    /// Whether someone is working in the post now.
    pub fn working(&self) -> bool {
        self.in_post && self.filled
    }

    /// Cases held now.
    pub fn held(&self) -> u32 {
        self.cases.len() as u32
    }

    fn has_room(&self) -> bool {
        self.working() && self.role == Role::Caseworker && self.held() < self.cap
    }
}

/// A queued task: case kind (request or plan), index and task number, in
/// one word (kind in the top bit, index below it, number in the low 32
/// bits) so that a work-queue entry with its key is 16 bytes. Its order is
/// that of (kind, index, number): equal keys go requests first, then lowest
/// index, which is the older case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TaskRef(u64);

impl TaskRef {
    fn new(case: Case, number: u32) -> Self {
        let (kind, i) = match case {
            Case::Request(r) => (0u64, r),
            Case::Plan(p) => (1u64, p),
        };
        // Tables of 2^31 cases would need hundreds of gigabytes; the
        // memory check refuses such runs long before.
        debug_assert!(i < 1 << 31);
        TaskRef(kind << 63 | (i as u64) << 32 | number as u64)
    }

    pub(crate) fn case(self) -> Case {
        let i = ((self.0 >> 32) & 0x7fff_ffff) as u32;
        if self.0 >> 63 == 0 {
            Case::Request(i)
        } else {
            Case::Plan(i)
        }
    }

    fn number(self) -> u32 {
        self.0 as u32
    }
}

impl HeapItem for TaskRef {
    #[inline]
    fn to_bits(self) -> u64 {
        self.0
    }
    #[inline]
    fn from_bits(bits: u64) -> Self {
        TaskRef(bits)
    }
}

/// The work queues: one per caseworker (named) or per pooled team, and the
/// backlog team's queue of overdue review tasks, oldest limit first.
/// Entries carry the task number and are skipped when stale (taken from
/// another queue, or the task has moved on).
pub(crate) struct WorkQueues {
    pub queues: Vec<KeyedHeap<TaskRef>>,
    /// Idle workers of each queue.
    pub idle: Vec<Vec<u32>>,
    pub overdue: KeyedHeap<(u32, u32)>,
    /// The day after which no backlog-team post is in post any more (minus
    /// infinity without a backlog team): overdue tasks are indexed for the
    /// backlog team only until then, since nobody would take them after
    /// it (a national run without a backlog team would gather millions).
    pub backlog_until: f64,
    pub idle_backlog: Vec<u32>,
}

impl WorkQueues {
    pub fn new() -> Self {
        WorkQueues {
            queues: Vec::new(),
            idle: Vec::new(),
            overdue: KeyedHeap::with_capacity(1024),
            backlog_until: f64::NEG_INFINITY,
            idle_backlog: Vec::with_capacity(64),
        }
    }

    fn add_queue(&mut self) -> u32 {
        self.queues.push(KeyedHeap::with_capacity(64));
        self.idle.push(Vec::new());
        (self.queues.len() - 1) as u32
    }
}

/// Educational psychologists: posts working one advice at a time, and a
/// first-come-first-served queue of assessments waiting for one.
pub(crate) struct Psychologists {
    /// Hours a day of each post.
    pub hours_per_day: Vec<f64>,
    /// FTE of each post, for its cost.
    pub fte: Vec<f64>,
    /// Whether each post is in post now; a post whose group has ended
    /// finishes the advice in hand and takes no more.
    pub in_post: Vec<bool>,
    /// The request each post is advising on.
    pub current: Vec<Option<u32>>,
    pub idle: Vec<u32>,
    pub queue: VecDeque<u32>,
    /// FTE of the growing part (`psychologists.fte` and its growth so far).
    pub base_fte: f64,
    /// The posts of each of `psychologists.groups`.
    pub groups: Vec<Vec<u32>>,
}

/// Splits `fte` into whole-time posts and one fractional remainder.
pub(crate) fn posts(fte: f64) -> impl Iterator<Item = f64> {
    let whole = fte.floor() as u32;
    let rest = fte - whole as f64;
    (0..whole).map(|_| 1.0).chain((rest > 1e-9).then_some(rest))
}

impl Psychologists {
    pub fn new(s: &Scenario) -> Self {
        let ep = &s.psychologists;
        let mut this = Psychologists {
            hours_per_day: Vec::new(),
            fte: Vec::new(),
            in_post: Vec::new(),
            current: Vec::new(),
            idle: Vec::new(),
            queue: VecDeque::with_capacity(1024),
            base_fte: 0.0,
            groups: Vec::new(),
        };
        if !ep.enabled {
            return this;
        }
        for f in posts(ep.fte) {
            this.add_post(f, ep.hours_per_fte_year, true);
        }
        this.base_fte = ep.fte;
        this.idle = (0..this.hours_per_day.len() as u32).rev().collect();
        for g in &ep.groups {
            let hours = g.hours_per_fte_year.unwrap_or(ep.hours_per_fte_year);
            let ids = posts(g.fte)
                .map(|f| this.add_post(f, hours, false))
                .collect();
            this.groups.push(ids);
        }
        this
    }

    fn add_post(&mut self, fte: f64, hours_per_fte_year: f64, in_post: bool) -> u32 {
        let id = self.hours_per_day.len() as u32;
        self.hours_per_day.push(fte * hours_per_fte_year / 365.0);
        self.fte.push(fte);
        self.in_post.push(in_post);
        self.current.push(None);
        id
    }

    /// FTE in post now.
    pub fn fte_in_post(&self) -> f64 {
        self.fte
            .iter()
            .zip(&self.in_post)
            .filter(|(_, &in_post)| in_post)
            .map(|(f, _)| f)
            .sum()
    }
}

fn team_state(t: &Team) -> TeamState {
    TeamState {
        holds: t.holds,
        pooled: t.pooled,
        ranks: t.order.rank_table(),
        by_arrival: t.order.within == crate::scenario::WithinRank::Arrival,
        cap: t.cap,
        hours_per_fte_year: t.hours_per_fte_year,
        establishment: t.establishment.clone(),
        workforce: t.workforce.clone(),
        posts: Vec::new(),
        fte_planned: 0.0,
        queue: 0,
    }
}

impl Simulation<'_> {
    pub(super) fn set_up_staff(&mut self) {
        let sc = self.sc;
        for team in sc.effective_teams() {
            let mut state = team_state(&team);
            if state.pooled {
                state.queue = self.work.add_queue();
            }
            self.teams.push(state);
            let index = (self.teams.len() - 1) as u32;
            for g in &team.groups {
                self.add_group(Some(index), g);
            }
        }
        for g in &sc.backlog_team {
            self.add_group(None, g);
        }
    }

    /// Adds a staff group's posts and schedules its dates.
    fn add_group(&mut self, team: Option<u32>, g: &StaffGroup) {
        let cal = &self.sc.calendar;
        let start = g.start.map_or(0.0, |d| cal.day_of(d) as f64);
        // A post ends at the end of its last day.
        let end = g.end.map_or(f64::INFINITY, |d| cal.day_of(d) as f64 + 1.0);
        self.add_posts(team, g.fte, g.hours_per_fte_year, start, end);
    }

    /// Adds `fte` of posts to `team` (or the backlog team) between `start`
    /// and `end` (simulation days).
    fn add_posts(&mut self, team: Option<u32>, fte: f64, hours: Option<f64>, start: f64, end: f64) {
        let (role, cap, default_hours) = match team {
            Some(t) => {
                let ts = &self.teams[t as usize];
                (Role::Caseworker, ts.cap, ts.hours_per_fte_year)
            }
            None => (Role::Backlog, 0, self.sc.caseworkers.hours_per_fte_year),
        };
        let hours = hours.unwrap_or(default_hours);
        let group = self.groups.len() as u32;
        let mut ids = Vec::new();
        for post_fte in posts(fte) {
            let w = self.workers.len() as u32;
            let queue = match team {
                Some(t) if self.teams[t as usize].pooled => self.teams[t as usize].queue,
                Some(_) => self.work.add_queue(),
                None => 0,
            };
            self.workers.push(Worker {
                role,
                team: team.unwrap_or(0),
                fte: post_fte,
                hours_per_day: post_fte * hours / 365.0,
                productivity: 1.0,
                cap: (cap as f64 * post_fte).floor() as u32,
                cases: Vec::new(),
                requests: 0,
                in_post: false,
                filled: true,
                agency: false,
                current: None,
                queue,
                generation: 0,
            });
            ids.push(w);
        }
        if let Some(t) = team {
            let ts = &mut self.teams[t as usize];
            ts.posts.extend(&ids);
            // The establishment counts permanent posts (no end date), from
            // when they are created; fixed-term posts come on top of it.
            if end == f64::INFINITY && start < self.sc.end_day() {
                ts.fte_planned += fte;
            }
        }
        self.groups.push(Group {
            team,
            posts: ids,
            in_post: false,
        });
        if end > start.max(0.0) && start < self.sc.end_day() {
            if team.is_none() {
                self.work.backlog_until = self.work.backlog_until.max(end);
            }
            if start <= self.queue.now() {
                self.on_staffing(group, true);
            } else {
                self.queue.schedule(
                    start,
                    Event::Staffing {
                        group,
                        starts: true,
                    },
                );
            }
            if end < self.sc.end_day() {
                self.queue.schedule(
                    end,
                    Event::Staffing {
                        group,
                        starts: false,
                    },
                );
            }
        }
    }

    /// Recounts the FTE in post of caseworkers and backlog staff.
    fn recount_fte(&mut self) {
        // Summed afresh, not kept as a running total, so rounding cannot
        // leave a small negative FTE once every group has left.
        let (mut cw, mut agency, mut bl) = (0.0, 0.0, 0.0);
        for w in &self.workers {
            if w.working() {
                match w.role {
                    Role::Caseworker => {
                        cw += w.fte;
                        if w.agency {
                            agency += w.fte;
                        }
                    }
                    Role::Backlog => bl += w.fte,
                }
            }
        }
        self.stocks.caseworker_fte = cw;
        self.stocks.backlog_fte = bl;
        // The cost so far is counted at the old rates, then the rates follow
        // the FTE now working (model/costs.rs).
        self.set_staff_cost_rates(cw, agency, bl);
    }

    pub(super) fn on_staffing(&mut self, group: u32, starts: bool) {
        self.groups[group as usize].in_post = starts;
        let g = self.groups[group as usize].clone();
        for &w in &g.posts {
            self.workers[w as usize].in_post = starts;
        }
        self.recount_fte();
        if starts {
            for &w in &g.posts {
                self.schedule_leaving(w);
                self.find_work(w);
            }
            if g.team.is_some() {
                self.allocate_waiting();
            }
        } else {
            for &w in &g.posts {
                self.release_caseload(w);
            }
        }
    }

    /// Draws when the person now in post `w` leaves, if the team has
    /// turnover.
    fn schedule_leaving(&mut self, w: u32) {
        let worker = &self.workers[w as usize];
        if worker.role != Role::Caseworker || worker.agency {
            return;
        }
        let rate = self.teams[worker.team as usize].workforce.leaving_per_year;
        if rate <= 0.0 {
            return;
        }
        let generation = worker.generation;
        let u = self
            .keyed(staff_key(w), super::purpose::STAFF, generation as u64)
            .unit();
        // A share p leaving in a year is a constant hazard -ln(1 - p).
        let hazard = -(1.0 - rate.min(0.999_999)).ln() / 365.0;
        let at = self.queue.now() - (1.0 - u).ln() / hazard;
        if at < self.sc.end_day() {
            self.queue.schedule(
                at,
                Event::Workforce {
                    worker: w,
                    generation,
                    change: WorkforceChange::Leaves,
                },
            );
        }
    }

    /// A leaver, a new starter, agency cover or the end of a starter's
    /// first months.
    pub(super) fn on_workforce(&mut self, w: u32, generation: u32, change: WorkforceChange) {
        let worker = &self.workers[w as usize];
        if worker.generation != generation || !worker.in_post {
            return;
        }
        let wf = self.teams[worker.team as usize].workforce.clone();
        let now = self.queue.now();
        match change {
            WorkforceChange::Leaves => {
                if !worker.filled {
                    return;
                }
                let worker = &mut self.workers[w as usize];
                worker.filled = false;
                worker.generation += 1;
                let generation = worker.generation;
                let mut schedule = |at: f64, change| {
                    self.queue.schedule(
                        at,
                        Event::Workforce {
                            worker: w,
                            generation,
                            change,
                        },
                    )
                };
                schedule(now + wf.recruitment_days, WorkforceChange::Starts);
                if let Some(after) = wf.agency_cover_after_days {
                    if after < wf.recruitment_days {
                        schedule(now + after, WorkforceChange::AgencyCover);
                    }
                }
                if wf.leavers_cases == LeaversCases::Reallocate {
                    self.release_caseload(w);
                }
                self.recount_fte();
            }
            WorkforceChange::AgencyCover => {
                if worker.filled {
                    return;
                }
                let worker = &mut self.workers[w as usize];
                worker.filled = true;
                worker.agency = true;
                worker.productivity = 1.0;
                self.recount_fte();
                self.find_work(w);
                self.allocate_waiting();
            }
            WorkforceChange::Starts => {
                let worker = &mut self.workers[w as usize];
                worker.filled = true;
                worker.agency = false;
                worker.productivity = wf.new_starter_productivity;
                self.queue.schedule(
                    now + wf.new_starter_days,
                    Event::Workforce {
                        worker: w,
                        generation,
                        change: WorkforceChange::UpToSpeed,
                    },
                );
                self.schedule_leaving(w);
                self.recount_fte();
                self.count_hires(now, 1);
                self.find_work(w);
                self.allocate_waiting();
            }
            WorkforceChange::UpToSpeed => {
                self.workers[w as usize].productivity = 1.0;
            }
        }
    }

    /// At a budget date (1 April), each team whose establishment follows
    /// demand gets the posts its cases call for, starting after the lag.
    pub(super) fn set_establishments(&mut self) {
        let now = self.queue.now();
        // Cases counted in the built-in county's cases, by their work.
        let (w_rq, w_pl) = super::load_check::work_weights(self.sc);
        for t in 0..self.teams.len() {
            let e = self.teams[t].establishment.clone();
            if !e.enabled {
                continue;
            }
            let holds = self.teams[t].holds;
            let open = f64::from(
                self.stocks.awaiting_decision + self.stocks.assessment + self.stocks.drafting,
            );
            let plans = f64::from(self.stocks.plans_in_force);
            // Teams holding the same kind of case share it by their FTE.
            let share = |requests: bool| {
                let holding = |h: Holds| if requests { h.requests() } else { h.plans() };
                let total: f64 = self
                    .teams
                    .iter()
                    .filter(|x| holding(x.holds))
                    .map(|x| x.fte_planned)
                    .sum();
                if holding(holds) && total > 0.0 {
                    self.teams[t].fte_planned / total
                } else {
                    0.0
                }
            };
            let cases = share(true) * open * w_rq + share(false) * plans * w_pl;
            let need = cases / e.cases_per_fte - self.teams[t].fte_planned;
            // Posts come in half-FTE steps; a shortfall below that waits.
            let add = (need * 2.0).floor() / 2.0;
            if add >= 0.5 {
                let first = self.workers.len();
                self.add_posts(Some(t as u32), add, None, now + e.lag_days, f64::INFINITY);
                // Each added post is a hire when it starts.
                self.count_hires(now + e.lag_days, self.workers.len() - first);
                // The added posts are filled by new starters.
                let wf = &self.teams[t].workforce;
                let (productivity, ramp) = (wf.new_starter_productivity, wf.new_starter_days);
                for w in first..self.workers.len() {
                    self.workers[w].productivity = productivity;
                    self.queue.schedule(
                        now + e.lag_days + ramp,
                        Event::Workforce {
                            worker: w as u32,
                            generation: 0,
                            change: WorkforceChange::UpToSpeed,
                        },
                    );
                }
            }
        }
    }

    /// Cases of a leaving post go to others with room, oldest first, or wait
    /// unallocated. A task being worked on is finished by its worker.
    fn release_caseload(&mut self, w: u32) {
        let mut orphans = std::mem::take(&mut self.workers[w as usize].cases);
        orphans.sort_unstable_by_key(|c| match *c {
            Case::Request(r) => (0, r),
            Case::Plan(p) => (1, p),
        });
        self.stocks.cases_held -= orphans.len() as u32;
        self.workers[w as usize].requests = 0;
        for &case in &orphans {
            *self.holder_mut(case) = NOBODY;
            // A queued task of an unallocated case leaves the queue.
            let task = self.task_mut(case);
            if task.state == TaskState::Queued {
                task.state = TaskState::Waiting;
            }
            self.stocks.unallocated += 1;
            self.unallocated_mut(case).push_back(case);
        }
        orphans.clear();
        // Give the (now empty) vector back so its room is reused.
        self.workers[w as usize].cases = orphans;
        self.update_room(w);
        self.allocate_waiting();
    }

    fn holder_mut(&mut self, case: Case) -> &mut u32 {
        match case {
            Case::Request(r) => &mut self.requests[r as usize].holder,
            Case::Plan(p) => &mut self.plans[p as usize].holder,
        }
    }

    fn slot_mut(&mut self, case: Case) -> &mut u32 {
        match case {
            Case::Request(r) => &mut self.requests[r as usize].slot,
            Case::Plan(p) => &mut self.plans[p as usize].slot,
        }
    }

    /// Position of `case` in its holder's list of cases.
    fn slot(&self, case: Case) -> u32 {
        match case {
            Case::Request(r) => self.requests[r as usize].slot,
            Case::Plan(p) => self.plans[p as usize].slot,
        }
    }

    pub(crate) fn holder(&self, case: Case) -> u32 {
        match case {
            Case::Request(r) => self.requests[r as usize].holder,
            Case::Plan(p) => self.plans[p as usize].holder,
        }
    }

    fn unallocated_mut(&mut self, case: Case) -> &mut VecDeque<Case> {
        match case {
            Case::Request(_) => &mut self.unallocated_requests,
            Case::Plan(_) => &mut self.unallocated_plans,
        }
    }

    pub(crate) fn task_mut(&mut self, case: Case) -> &mut super::Task {
        match case {
            Case::Request(r) => &mut self.requests[r as usize].task,
            Case::Plan(p) => &mut self.plans[p as usize].task,
        }
    }

    /// The working caseworker with room who should take `case`, among the
    /// teams holding it: the least loaded relative to their cap, and for a
    /// request first the one with the fewest open requests for their FTE,
    /// as councils share out new assessments (a count of cases alone would
    /// send every new request to a new starter's empty caseload). Ties go to
    /// the lowest index. Taken from the index of posts with room, in
    /// O(log n); [`Simulation::best_holder_by_scan`] is the same choice by a
    /// scan of every post.
    fn best_holder(&mut self, case: Case) -> u32 {
        let request = matches!(case, Case::Request(_));
        self.refresh_room(request);
        while let Some(w) = self.room.first(request) {
            if self.workers[w as usize].has_room() {
                return w;
            }
            // The post stopped working since it was last entered.
            self.set_room(w, request);
        }
        NOBODY
    }

    /// Post `w`'s key among the posts with room for a request, if it has
    /// room and its team holds requests.
    fn request_room_key(&self, w: u32) -> Option<(u64, u64)> {
        let worker = &self.workers[w as usize];
        let holds = self.teams[worker.team as usize].holds;
        (holds.requests() && worker.has_room()).then(|| {
            (
                ordered(worker.requests as f64 / worker.fte),
                ordered(worker.held() as f64 / worker.cap as f64),
            )
        })
    }

    /// Post `w`'s key among the posts with room for a plan, if it has room
    /// and its team holds plans.
    fn plan_room_key(&self, w: u32) -> Option<u64> {
        let worker = &self.workers[w as usize];
        let holds = self.teams[worker.team as usize].holds;
        (holds.plans() && worker.has_room())
            .then(|| ordered(worker.held() as f64 / worker.cap as f64))
    }

    /// The entries post `w` should have in the index of posts with room.
    fn room_entry(&self, w: u32) -> Entry {
        Entry {
            request: self.request_room_key(w),
            plan: self.plan_room_key(w),
        }
    }

    /// Notes that post `w`'s load or working state may have changed: its
    /// entries in the index of posts with room are brought up to date
    /// before the index is next asked (see [`Simulation::refresh_room`]).
    pub(super) fn update_room(&mut self, w: u32) {
        self.room.mark_stale(w);
    }

    /// Sets post `w`'s entry among the posts with room for a request (or a
    /// plan) to its current key.
    fn set_room(&mut self, w: u32, request: bool) {
        let working = self.workers[w as usize].working();
        if request {
            let key = self.request_room_key(w);
            self.room.set_request(w, key, working);
        } else {
            let key = self.plan_room_key(w);
            self.room.set_plan(w, key, working);
        }
    }

    /// Brings the entries of every post marked stale for a request (or a
    /// plan) up to date.
    fn refresh_room(&mut self, request: bool) {
        let stale = self.room.take_stale(request);
        for &w in &stale {
            self.set_room(w, request);
        }
        self.room.give_back(request, stale);
    }

    /// The choice of [`Simulation::best_holder`] for a request (or a plan)
    /// by a scan of every post of every team holding it (for the audit).
    pub(super) fn best_holder_by_scan(&self, request: bool) -> u32 {
        let mut best = NOBODY;
        let mut best_load = (f64::INFINITY, f64::INFINITY);
        for team in &self.teams {
            let holds = if request {
                team.holds.requests()
            } else {
                team.holds.plans()
            };
            if !holds {
                continue;
            }
            for &i in &team.posts {
                let w = &self.workers[i as usize];
                if w.has_room() {
                    let share = w.held() as f64 / w.cap as f64;
                    let load = if request {
                        (w.requests as f64 / w.fte, share)
                    } else {
                        (0.0, share)
                    };
                    if load < best_load || (load == best_load && i < best) {
                        best_load = load;
                        best = i;
                    }
                }
            }
        }
        best
    }

    /// Checks the index of posts with room against the posts (for the
    /// audit): every working post's entries are its current keys unless it
    /// is marked stale, the sets hold exactly the recorded entries, and the
    /// post the index would give (stale entries brought up to date first)
    /// is the scan's choice.
    pub(super) fn audit_room(&self) -> Result<(), String> {
        if !self.room.consistent() {
            return Err("the index of posts with room disagrees with its entries".into());
        }
        for w in 0..self.workers.len() as u32 {
            // A post that stopped working may keep stale entries until they
            // are looked at; they are skipped.
            if !self.workers[w as usize].working() {
                continue;
            }
            let (had, want) = (self.room.entered(w), self.room_entry(w));
            if (had.request != want.request && !self.room.is_stale(w, true))
                || (had.plan != want.plan && !self.room.is_stale(w, false))
            {
                return Err(format!("post {w}'s entries in the index are out of date"));
            }
        }
        for request in [true, false] {
            // The key each post would have once the stale are brought up to
            // date, ties to the lowest post as in the heaps.
            let indexed = (0..self.workers.len() as u32)
                .filter(|&w| self.workers[w as usize].has_room())
                .filter_map(|w| {
                    let e = if self.room.is_stale(w, request) {
                        self.room_entry(w)
                    } else {
                        self.room.entered(w)
                    };
                    let key = if request {
                        e.request
                    } else {
                        e.plan.map(|a| (a, 0))
                    };
                    key.map(|k| (k, w))
                })
                .min()
                .map_or(NOBODY, |(_, w)| w);
            let scanned = self.best_holder_by_scan(request);
            if indexed != scanned {
                return Err(format!(
                    "allocation of a {} would go to post {indexed}, not {scanned} as a scan finds",
                    if request { "request" } else { "plan" }
                ));
            }
        }
        Ok(())
    }

    /// Gives `case` to `w`.
    fn assign(&mut self, case: Case, w: u32) {
        *self.holder_mut(case) = w;
        let worker = &mut self.workers[w as usize];
        worker.cases.push(case);
        worker.requests += matches!(case, Case::Request(_)) as u32;
        let slot = worker.cases.len() as u32 - 1;
        *self.slot_mut(case) = slot;
        self.stocks.cases_held += 1;
        self.update_room(w);
    }

    /// Gives `case` to the least-loaded caseworker with room, or puts it on
    /// the unallocated list. A waiting task is queued once the case is
    /// allocated.
    pub(crate) fn allocate(&mut self, case: Case) {
        let best = self.best_holder(case);
        if best == NOBODY {
            *self.holder_mut(case) = NOBODY;
            self.unallocated_mut(case).push_back(case);
            self.stocks.unallocated += 1;
            return;
        }
        self.assign(case, best);
        if self.task_mut(case).state == TaskState::Waiting {
            self.enqueue(case);
        }
    }

    /// Keeps a request's holder for its plan if the holder's team holds
    /// plans; otherwise the plan is allocated afresh.
    pub(crate) fn hand_over(&mut self, from: Case, to: Case) {
        let holder = self.holder(from);
        let keeps = holder != NOBODY
            && self.teams[self.workers[holder as usize].team as usize]
                .holds
                .plans();
        if keeps {
            let slot = self.slot(from);
            let worker = &mut self.workers[holder as usize];
            worker.cases[slot as usize] = to;
            worker.requests -= matches!(from, Case::Request(_)) as u32;
            worker.requests += matches!(to, Case::Request(_)) as u32;
            *self.holder_mut(from) = NOBODY;
            *self.holder_mut(to) = holder;
            *self.slot_mut(to) = slot;
            self.update_room(holder);
        } else {
            self.release(from);
            self.allocate(to);
            self.allocate_waiting();
        }
    }

    /// The case leaves its holder (closed, or its holder leaves). For an
    /// unallocated case, it stops counting as unallocated; its entry on the
    /// list is skipped later.
    pub(crate) fn release(&mut self, case: Case) {
        let holder = self.holder(case);
        if holder == NOBODY {
            self.stocks.unallocated -= 1;
            return;
        }
        let slot = self.slot(case);
        let worker = &mut self.workers[holder as usize];
        worker.requests -= matches!(case, Case::Request(_)) as u32;
        let cases = &mut worker.cases;
        cases.swap_remove(slot as usize);
        if let Some(&moved) = cases.get(slot as usize) {
            *self.slot_mut(moved) = slot;
        }
        self.stocks.cases_held -= 1;
        *self.holder_mut(case) = NOBODY;
        self.update_room(holder);
    }

    /// A case closed: free its place and let the oldest waiting case in.
    pub(crate) fn close_case(&mut self, case: Case) {
        self.release(case);
        self.task_mut(case).state = TaskState::None;
        self.allocate_waiting();
    }

    fn is_open(&self, case: Case) -> bool {
        match case {
            Case::Request(r) => self.requests[r as usize].stage.is_open(),
            Case::Plan(p) => !self.plans[p as usize].ceased,
        }
    }

    /// Allocates unallocated cases, oldest first, while anyone has room.
    pub(crate) fn allocate_waiting(&mut self) {
        for plans in [false, true] {
            loop {
                let list = if plans {
                    &self.unallocated_plans
                } else {
                    &self.unallocated_requests
                };
                let Some(&case) = list.front() else {
                    break;
                };
                if !self.is_open(case) || self.holder(case) != NOBODY {
                    // Closed while waiting (already uncounted) or a stale entry.
                    self.unallocated_mut(case).pop_front();
                    continue;
                }
                let best = self.best_holder(case);
                if best == NOBODY {
                    break;
                }
                self.unallocated_mut(case).pop_front();
                self.stocks.unallocated -= 1;
                self.assign(case, best);
                if self.task_mut(case).state == TaskState::Waiting {
                    self.enqueue(case);
                }
            }
        }
    }

    /// Sets a new task on `case` and queues it if the case is allocated.
    pub(crate) fn set_task(&mut self, case: Case, hours: f64, deadline: f64) {
        let allocated = self.holder(case) != NOBODY;
        let now = self.queue.now();
        let t = self.task_mut(case);
        t.hours = hours;
        t.deadline = deadline;
        t.arose = now;
        t.state = TaskState::Waiting;
        if allocated {
            self.enqueue(case);
        }
    }

    /// The kind of the task a case needs now.
    fn task_kind(&self, case: Case) -> crate::scenario::TaskKind {
        match case {
            Case::Request(r) => self.requests[r as usize].step.kind(),
            Case::Plan(p) => self.plans[p as usize].step.kind(),
        }
    }

    /// Puts an allocated case's waiting task in its holder's work queue and
    /// wakes an idle worker of that queue.
    pub(crate) fn enqueue(&mut self, case: Case) {
        let holder = self.holder(case);
        let kind = self.task_kind(case);
        let t = self.task_mut(case);
        // A new number makes any older entry of this task stale, for
        // example one left in a leaver's queue.
        t.number = t.number.wrapping_add(1);
        t.state = TaskState::Queued;
        let (number, deadline, arose) = (t.number, t.deadline, t.arose);
        let worker = &self.workers[holder as usize];
        let team = &self.teams[worker.team as usize];
        let within = if team.by_arrival { arose } else { deadline };
        let key = team.ranks[kind.index()] as f64 * RANK_GAP + within;
        let q = worker.queue;
        self.work.queues[q as usize].push(key, TaskRef::new(case, number));
        if let Case::Plan(p) = case {
            if self.plans[p as usize].overdue && self.queue.now() <= self.work.backlog_until {
                self.work.overdue.push(deadline, (p, number));
                self.wake_backlog();
            }
        }
        self.wake(q);
    }

    /// A queued review task has just become overdue: the backlog team may
    /// take it.
    pub(crate) fn offer_to_backlog(&mut self, p: u32) {
        let t = self.plans[p as usize].task;
        if t.state == TaskState::Queued && self.queue.now() <= self.work.backlog_until {
            self.work.overdue.push(t.deadline, (p, t.number));
            self.wake_backlog();
        }
    }

    fn wake(&mut self, q: u32) {
        // Workers who left while idle are still on the list: skip them.
        while let Some(w) = self.work.idle[q as usize].pop() {
            if self.workers[w as usize].working() {
                self.find_work(w);
                return;
            }
        }
    }

    fn wake_backlog(&mut self) {
        while let Some(w) = self.work.idle_backlog.pop() {
            if self.workers[w as usize].working() {
                self.find_work(w);
                return;
            }
        }
    }

    fn is_current(&self, entry: TaskRef) -> bool {
        let t = match entry.case() {
            Case::Request(r) => &self.requests[r as usize].task,
            Case::Plan(p) => &self.plans[p as usize].task,
        };
        t.number == entry.number() && t.state == TaskState::Queued
    }

    /// The next task for worker `w`.
    fn next_task(&mut self, w: u32) -> Option<Case> {
        let worker = &self.workers[w as usize];
        if worker.role == Role::Backlog {
            while let Some((_, (p, n))) = self.work.overdue.peek() {
                self.work.overdue.pop();
                if self.is_current(TaskRef::new(Case::Plan(p), n)) {
                    return Some(Case::Plan(p));
                }
            }
            return None;
        }
        let q = worker.queue as usize;
        while let Some((_, entry)) = self.work.queues[q].peek() {
            self.work.queues[q].pop();
            if self.is_current(entry) {
                // This post's next look at its queue starts with the new
                // top's case, after hours of other events: start loading it.
                if let Some((_, next)) = self.work.queues[q].peek() {
                    self.prefetch_case(next.case());
                }
                return Some(entry.case());
            }
        }
        None
    }

    /// An idle, working post takes the next task or goes idle.
    pub(crate) fn find_work(&mut self, w: u32) {
        // Every post that starts working (its group starts, a new starter or
        // agency cover fills it) looks for work before anything is allocated:
        // this is where it enters the index of posts with room. A post
        // whose entries were set while it worked is up to date or marked
        // (every change of load marks it).
        self.room.mark_unless_set_working(w);
        let worker = &self.workers[w as usize];
        if !worker.working() || worker.current.is_some() {
            return;
        }
        let (role, q) = (worker.role, worker.queue);
        match self.next_task(w) {
            Some(case) => self.start_task(w, case),
            None => match role {
                Role::Caseworker => self.work.idle[q as usize].push(w),
                Role::Backlog => self.work.idle_backlog.push(w),
            },
        }
    }

    fn start_task(&mut self, w: u32, case: Case) {
        let t = self.task_mut(case);
        t.state = TaskState::InProgress;
        let hours = t.hours;
        let worker = &mut self.workers[w as usize];
        worker.current = Some(case);
        // Contact time about the cases held comes off the day first; a floor
        // of 2% keeps a swamped caseworker's work finite.
        let full = worker.hours_per_day * worker.productivity;
        // Appeals' share is zero without appeals, leaving `full` exact.
        let full = if self.appeal_share > 0.0 && worker.role == Role::Caseworker {
            full * (1.0 - self.appeal_share)
        } else {
            full
        };
        let contact = worker.held() as f64 * self.p.contact_per_day;
        let rate = (full - contact).max(0.02 * full);
        self.queue
            .schedule_in(hours / rate, Event::WorkDone { worker: w });
    }

    pub(super) fn on_work_done(&mut self, w: u32) {
        let Some(case) = self.workers[w as usize].current.take() else {
            return;
        };
        self.task_mut(case).state = TaskState::None;
        match case {
            Case::Request(r) => self.request_work_done(r),
            Case::Plan(p) => self.review_work_done(p),
        }
        // Tasks the completion queued woke only idle workers, not this one.
        self.find_work(w);
    }

    /// Asks for an educational psychologist's advice on request `r`: an
    /// idle psychologist starts it, or it is commissioned from outside when
    /// the queue is already at the scenario's limit, or it waits.
    pub(crate) fn request_psychologist(&mut self, r: u32) {
        if let Some(ep) = self.psychologists.idle.pop() {
            self.start_advice(ep, r);
            return;
        }
        let ep = &self.sc.psychologists;
        if ep
            .commission_above
            .is_some_and(|n| self.psychologists.queue.len() >= n as usize)
        {
            let days = self.commissioned_days(r);
            self.rec.week.commissioned_advice += 1;
            self.queue.schedule_in(days, Event::AdviceIn { request: r });
        } else {
            self.psychologists.queue.push_back(r);
        }
    }

    /// At the start of financial year `k` (counting the first as 0), the
    /// psychologists' FTE grows to its starting figure times the yearly
    /// growth to the power `k`.
    pub(super) fn grow_psychologists(&mut self, k: usize) {
        let ep = &self.sc.psychologists;
        if !ep.enabled || ep.fte_growth_per_year <= 0.0 {
            return;
        }
        let target = ep.fte * (1.0 + ep.fte_growth_per_year).powi(k as i32);
        let hours = ep.hours_per_fte_year;
        for fte in posts(target - self.psychologists.base_fte) {
            let id = self.psychologists.add_post(fte, hours, true);
            self.take_next_advice(id);
        }
        self.psychologists.base_fte = target.max(self.psychologists.base_fte);
    }

    /// Schedules the start and end of each of `psychologists.groups`.
    pub(super) fn schedule_psychologist_groups(&mut self) {
        // Without psychologists in the model the groups have no posts.
        if !self.sc.psychologists.enabled {
            return;
        }
        let cal = &self.sc.calendar;
        let end_of_run = self.sc.end_day();
        for (group, g) in self.sc.psychologists.groups.iter().enumerate() {
            let group = group as u32;
            let start = g.start.map_or(0.0, |d| cal.day_of(d) as f64);
            // A post ends at the end of its last day.
            let end = g.end.map_or(f64::INFINITY, |d| cal.day_of(d) as f64 + 1.0);
            if end <= start.max(0.0) || start >= end_of_run {
                continue;
            }
            if start <= self.queue.now() {
                self.on_psychologist_staffing(group, true);
            } else {
                let starts = true;
                self.queue
                    .schedule(start, Event::PsychologistStaffing { group, starts });
            }
            if end < end_of_run {
                let starts = false;
                self.queue
                    .schedule(end, Event::PsychologistStaffing { group, starts });
            }
        }
    }

    /// A group of psychologists comes into post (and takes waiting advice)
    /// or leaves.
    pub(super) fn on_psychologist_staffing(&mut self, group: u32, starts: bool) {
        for i in 0..self.psychologists.groups[group as usize].len() {
            let id = self.psychologists.groups[group as usize][i];
            self.psychologists.in_post[id as usize] = starts;
            if starts {
                if self.psychologists.current[id as usize].is_none() {
                    self.take_next_advice(id);
                }
            } else {
                self.psychologists.idle.retain(|&p| p != id);
            }
        }
        self.recount_psychologist_cost();
    }

    /// Post `ep`, free now, starts the next waiting advice or waits idle.
    fn take_next_advice(&mut self, ep: u32) {
        match self.psychologists.queue.pop_front() {
            Some(next) => self.start_advice(ep, next),
            None => self.psychologists.idle.push(ep),
        }
    }

    fn start_advice(&mut self, ep: u32, r: u32) {
        self.psychologists.current[ep as usize] = Some(r);
        let hours = self.psychologist_hours(r);
        let rate = self.psychologists.hours_per_day[ep as usize];
        self.queue
            .schedule_in(hours / rate, Event::PsychologistDone { psychologist: ep });
    }

    pub(super) fn on_psychologist_done(&mut self, ep: u32) {
        if let Some(r) = self.psychologists.current[ep as usize].take() {
            self.on_advice_in(r);
        }
        if self.psychologists.in_post[ep as usize] {
            self.take_next_advice(ep);
        }
    }
}

/// What happens to a post in [`Event::Workforce`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkforceChange {
    /// The person in post leaves; the post falls vacant.
    Leaves,
    /// Agency staff cover the vacancy.
    AgencyCover,
    /// A new starter fills the post.
    Starts,
    /// The new starter reaches full productivity.
    UpToSpeed,
}

/// Key of a post for keyed draws (disjoint from requests' and plans').
pub(crate) fn staff_key(w: u32) -> u64 {
    3 << 40 | w as u64
}

#[cfg(test)]
mod tests {
    use super::posts;
    use crate::model::Simulation;
    use crate::scenario::{Scenario, StaffGroup};
    use chrono::Duration;

    #[test]
    fn psychologist_groups_come_and_go_on_their_dates() {
        let mut s = Scenario::default();
        s.psychologists.fte = 4.0;
        s.psychologists.fte_growth_per_year = 0.0;
        s.psychologists.commission_above = None;
        let start = s.calendar.start;
        s.psychologists.groups = vec![StaffGroup {
            name: "vacancies filled".into(),
            fte: 2.5,
            start: Some(start + Duration::days(30)),
            end: Some(start + Duration::days(89)),
            hours_per_fte_year: None,
        }];
        let s = s.validate().unwrap_or_else(|p| panic!("{p:#?}"));
        let mut sim = Simulation::new(&s, 7);
        sim.run_until(29.0);
        assert_eq!(sim.psychologists.fte_in_post(), 4.0);
        sim.run_until(60.0);
        assert_eq!(sim.psychologists.fte_in_post(), 6.5);
        // With 4 FTE the queue never empties, so every post is busy.
        assert!(sim.psychologists.idle.is_empty());
        sim.run_until(200.0);
        assert_eq!(sim.psychologists.fte_in_post(), 4.0);
        // The group's three posts finished the advice in hand and took no
        // more; none waits idle.
        for id in 4..7 {
            assert!(!sim.psychologists.in_post[id]);
            assert_eq!(sim.psychologists.current[id], None);
        }
        assert!(sim.psychologists.idle.iter().all(|&p| p < 4));
        sim.audit().unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn fte_splits_into_whole_posts_and_a_remainder() {
        assert_eq!(posts(2.5).collect::<Vec<_>>(), vec![1.0, 1.0, 0.5]);
        assert_eq!(posts(3.0).collect::<Vec<_>>(), vec![1.0, 1.0, 1.0]);
        assert_eq!(posts(0.4).collect::<Vec<_>>(), vec![0.4]);
    }
}
