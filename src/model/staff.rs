//! Caseworkers, the backlog team and educational psychologists: posts,
//! allocation of cases under the cap, the work queues and who takes what.

use super::{Case, Event, Simulation, TaskState, NOBODY};
use crate::engine::LaneQueue;
use crate::scenario::{Priority, Scenario, StaffGroup};
use std::collections::VecDeque;

/// Whether a post belongs to the caseworkers or the backlog team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Team {
    Caseworkers,
    Backlog,
}

/// A staff group's dates and its posts (a range of worker indices).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub team: Team,
    pub fte: f64,
    pub first: u32,
    pub last: u32,
    pub in_post: bool,
}

/// One post: a whole-time caseworker, or the fractional remainder of a
/// group's FTE.
#[derive(Debug, Clone)]
pub(crate) struct Worker {
    pub team: Team,
    /// Productive hours a day at full FTE of this post, before contact time.
    pub hours_per_day: f64,
    /// Most cases the post may hold (the cap pro rata to its FTE).
    pub cap: u32,
    /// Cases held now.
    pub held: u32,
    pub active: bool,
    /// The case being worked on, if any.
    pub current: Option<Case>,
}

/// A queued task: the index of its request (in the requests queue) or plan
/// (in the others) and the task's number. Equal keys go lowest index first,
/// which is also the older case.
pub(crate) type TaskRef = (u32, u32);

/// Two queues of queued tasks (new assessments and reviews), keyed by the
/// priority rule, and the backlog team's queue of overdue review tasks,
/// oldest limit first. Entries carry the task number and are skipped when
/// stale (taken from another queue, or the task has moved on).
pub(crate) struct WorkQueues {
    pub requests: LaneQueue<TaskRef>,
    pub reviews: LaneQueue<TaskRef>,
    pub overdue: LaneQueue<TaskRef>,
    pub idle_caseworkers: Vec<u32>,
    pub idle_backlog: Vec<u32>,
}

impl WorkQueues {
    pub fn with_capacity(n: usize) -> Self {
        WorkQueues {
            // A lane per kind of task, each queued roughly in deadline order.
            requests: LaneQueue::new(5, n / 16 + 64),
            reviews: LaneQueue::new(2, n / 8 + 64),
            overdue: LaneQueue::new(2, n / 16 + 64),
            idle_caseworkers: Vec::with_capacity(256),
            idle_backlog: Vec::with_capacity(64),
        }
    }
}

/// Educational psychologists: posts working one advice at a time, and a
/// first-come-first-served queue of assessments waiting for one.
pub(crate) struct Psychologists {
    /// Hours a day of each post.
    pub hours_per_day: Vec<f64>,
    /// The request each post is advising on.
    pub current: Vec<Option<u32>>,
    pub idle: Vec<u32>,
    pub queue: VecDeque<u32>,
}

/// Splits `fte` into whole-time posts and one fractional remainder.
fn posts(fte: f64) -> impl Iterator<Item = f64> {
    let whole = fte.floor() as u32;
    let rest = fte - whole as f64;
    (0..whole).map(|_| 1.0).chain((rest > 1e-9).then_some(rest))
}

impl Psychologists {
    pub fn new(s: &Scenario) -> Self {
        let ep = &s.psychologists;
        let hours_per_day: Vec<f64> = if ep.enabled {
            posts(ep.fte)
                .map(|f| f * ep.hours_per_fte_year / 365.0)
                .collect()
        } else {
            Vec::new()
        };
        let n = hours_per_day.len() as u32;
        Psychologists {
            current: vec![None; n as usize],
            idle: (0..n).rev().collect(),
            queue: VecDeque::with_capacity(1024),
            hours_per_day,
        }
    }
}

impl Simulation<'_> {
    pub(super) fn set_up_staff(&mut self) {
        let sc = self.sc;
        let cw = &sc.caseworkers;
        let all = cw
            .groups
            .iter()
            .map(|g| (Team::Caseworkers, g))
            .chain(sc.backlog_team.iter().map(|g| (Team::Backlog, g)));
        for (team, g) in all {
            self.add_group(team, g, cw.hours_per_fte_year, cw.cap);
        }
    }

    fn add_group(&mut self, team: Team, g: &StaffGroup, default_hours: f64, cap: u32) {
        let hours = g.hours_per_fte_year.unwrap_or(default_hours);
        let first = self.workers.len() as u32;
        for fte in posts(g.fte) {
            self.workers.push(Worker {
                team,
                hours_per_day: fte * hours / 365.0,
                cap: match team {
                    Team::Caseworkers => (cap as f64 * fte).floor() as u32,
                    Team::Backlog => 0,
                },
                held: 0,
                active: false,
                current: None,
            });
        }
        let index = self.groups.len() as u32;
        self.groups.push(Group {
            team,
            fte: g.fte,
            first,
            last: self.workers.len() as u32,
            in_post: false,
        });
        let cal = &self.sc.calendar;
        let start = g.start.map_or(0.0, |d| cal.day_of(d) as f64);
        // A post ends at the end of its last day.
        let end = g.end.map_or(f64::INFINITY, |d| cal.day_of(d) as f64 + 1.0);
        if end > start.max(0.0) && start < self.sc.end_day() {
            if start <= 0.0 {
                self.on_staffing(index, true);
            } else {
                self.queue.schedule(
                    start,
                    Event::Staffing {
                        group: index,
                        starts: true,
                    },
                );
            }
            if end < self.sc.end_day() {
                self.queue.schedule(
                    end,
                    Event::Staffing {
                        group: index,
                        starts: false,
                    },
                );
            }
        }
    }

    pub(super) fn on_staffing(&mut self, group: u32, starts: bool) {
        self.groups[group as usize].in_post = starts;
        let g = self.groups[group as usize].clone();
        // Summed afresh, not kept as a running total, so rounding cannot
        // leave a small negative FTE once every group has left.
        let in_post = |team| {
            self.groups
                .iter()
                .filter(|x| x.in_post && x.team == team)
                .map(|x| x.fte)
                .sum()
        };
        self.stocks.caseworker_fte = in_post(Team::Caseworkers);
        self.stocks.backlog_fte = in_post(Team::Backlog);
        if starts {
            for w in g.first..g.last {
                self.workers[w as usize].active = true;
                self.find_work(w);
            }
            if g.team == Team::Caseworkers {
                self.allocate_waiting();
            }
        } else {
            for w in g.first..g.last {
                self.workers[w as usize].active = false;
            }
            if g.team == Team::Caseworkers {
                self.release_caseloads(g.first, g.last);
            }
        }
    }

    /// Cases of leaving posts go to others with room, oldest first, or wait
    /// unallocated. A task being worked on is finished by its worker.
    fn release_caseloads(&mut self, first: u32, last: u32) {
        let leaving = |h: u32| h != NOBODY && (first..last).contains(&h);
        let mut orphans = Vec::new();
        for (i, r) in self.requests.iter().enumerate() {
            if r.stage.is_open() && leaving(r.holder) {
                orphans.push(Case::Request(i as u32));
            }
        }
        for (i, p) in self.plans.iter().enumerate() {
            if !p.ceased && leaving(p.holder) {
                orphans.push(Case::Plan(i as u32));
            }
        }
        for case in orphans {
            self.release(case);
            // A queued task of an unallocated case leaves the queue.
            let task = self.task_mut(case);
            if task.state == TaskState::Queued {
                task.state = TaskState::Waiting;
            }
            self.allocate(case);
        }
    }

    fn holder_mut(&mut self, case: Case) -> &mut u32 {
        match case {
            Case::Request(r) => &mut self.requests[r as usize].holder,
            Case::Plan(p) => &mut self.plans[p as usize].holder,
        }
    }

    pub(crate) fn task_mut(&mut self, case: Case) -> &mut super::Task {
        match case {
            Case::Request(r) => &mut self.requests[r as usize].task,
            Case::Plan(p) => &mut self.plans[p as usize].task,
        }
    }

    /// Gives `case` to the least-loaded caseworker with room (relative to
    /// their cap; ties to the lowest index) or puts it on the unallocated
    /// list. A waiting task is queued once the case is allocated.
    pub(crate) fn allocate(&mut self, case: Case) {
        let mut best = NOBODY;
        let mut best_load = f64::INFINITY;
        for (i, w) in self.workers.iter().enumerate() {
            if w.active && w.team == Team::Caseworkers && w.held < w.cap {
                let load = w.held as f64 / w.cap as f64;
                if load < best_load {
                    best_load = load;
                    best = i as u32;
                }
            }
        }
        if best == NOBODY {
            *self.holder_mut(case) = NOBODY;
            self.unallocated.push_back(case);
            self.stocks.unallocated += 1;
            return;
        }
        *self.holder_mut(case) = best;
        self.workers[best as usize].held += 1;
        self.stocks.cases_held += 1;
        if self.task_mut(case).state == TaskState::Waiting {
            self.enqueue(case);
        }
    }

    /// The case leaves its holder (closed, or its holder leaves). For an
    /// unallocated case, it stops counting as unallocated; its entry on the
    /// list is skipped later.
    pub(crate) fn release(&mut self, case: Case) {
        let holder = *self.holder_mut(case);
        if holder == NOBODY {
            self.stocks.unallocated -= 1;
        } else {
            self.workers[holder as usize].held -= 1;
            self.stocks.cases_held -= 1;
            *self.holder_mut(case) = NOBODY;
        }
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
        while let Some(&case) = self.unallocated.front() {
            if !self.is_open(case) || *self.holder_mut(case) != NOBODY {
                // Closed while waiting (already uncounted) or a stale entry.
                self.unallocated.pop_front();
                continue;
            }
            let room = self
                .workers
                .iter()
                .any(|w| w.active && w.team == Team::Caseworkers && w.held < w.cap);
            if !room {
                break;
            }
            self.unallocated.pop_front();
            self.stocks.unallocated -= 1;
            self.allocate(case);
        }
    }

    /// Sets a new task on `case` and queues it if the case is allocated.
    pub(crate) fn set_task(&mut self, case: Case, hours: f64, deadline: f64) {
        let allocated = *self.holder_mut(case) != NOBODY;
        let t = self.task_mut(case);
        t.number = t.number.wrapping_add(1);
        t.hours = hours;
        t.deadline = deadline;
        t.state = TaskState::Waiting;
        if allocated {
            self.enqueue(case);
        }
    }

    /// Puts a case's waiting task in the work queue and wakes an idle worker.
    pub(crate) fn enqueue(&mut self, case: Case) {
        let now = self.queue.now();
        let t = self.task_mut(case);
        t.state = TaskState::Queued;
        let (number, deadline) = (t.number, t.deadline);
        let key = match self.p.priority {
            Priority::FirstComeFirstServed => now,
            _ => deadline,
        };
        match case {
            Case::Request(r) => {
                let lane = self.requests[r as usize].step.lane();
                self.work.requests.push(lane, key, (r, number));
            }
            Case::Plan(p) => {
                let lane = self.plans[p as usize].step.lane();
                self.work.reviews.push(lane, key, (p, number));
                if self.plans[p as usize].overdue {
                    self.work.overdue.push(lane, deadline, (p, number));
                    self.wake(Team::Backlog);
                }
            }
        }
        self.wake(Team::Caseworkers);
    }

    /// A queued review task has just become overdue: the backlog team may
    /// take it.
    pub(crate) fn offer_to_backlog(&mut self, p: u32) {
        let t = self.plans[p as usize].task;
        if t.state == TaskState::Queued {
            let lane = self.plans[p as usize].step.lane();
            self.work.overdue.push(lane, t.deadline, (p, t.number));
            self.wake(Team::Backlog);
        }
    }

    fn wake(&mut self, team: Team) {
        let idle = match team {
            Team::Caseworkers => &mut self.work.idle_caseworkers,
            Team::Backlog => &mut self.work.idle_backlog,
        };
        // Workers who left while idle are still on the list: skip them.
        while let Some(w) = idle.pop() {
            if self.workers[w as usize].active {
                self.find_work(w);
                return;
            }
        }
    }

    /// The next task for a worker of `team`, by the scenario's priority.
    fn next_task(&mut self, team: Team) -> Option<Case> {
        // Entries are stale once taken from another queue or once their case
        // has moved on to another task.
        let current =
            |t: &super::Task, number: u32| t.number == number && t.state == TaskState::Queued;
        let (requests, plans) = (&self.requests, &self.plans);
        let request_current = |&(i, n): &TaskRef| current(&requests[i as usize].task, n);
        let plan_current = |&(i, n): &TaskRef| current(&plans[i as usize].task, n);
        let work = &mut self.work;
        if team == Team::Backlog {
            work.overdue.drop_stale(plan_current);
            return work.overdue.pop().map(|(_, (p, _))| Case::Plan(p));
        }
        work.requests.drop_stale(request_current);
        work.reviews.drop_stale(plan_current);
        let from_requests = match (work.requests.peek(), work.reviews.peek()) {
            (None, None) => return None,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((a, _)), Some((b, _))) => match self.p.priority {
                Priority::NewAssessmentsFirst => true,
                Priority::ReviewsFirst => false,
                _ => a <= b,
            },
        };
        if from_requests {
            work.requests.pop().map(|(_, (r, _))| Case::Request(r))
        } else {
            work.reviews.pop().map(|(_, (p, _))| Case::Plan(p))
        }
    }

    /// An idle, active worker takes the next task or goes idle.
    pub(crate) fn find_work(&mut self, w: u32) {
        let worker = &self.workers[w as usize];
        if !worker.active || worker.current.is_some() {
            return;
        }
        let team = worker.team;
        match self.next_task(team) {
            Some(case) => self.start_task(w, case),
            None => match team {
                Team::Caseworkers => self.work.idle_caseworkers.push(w),
                Team::Backlog => self.work.idle_backlog.push(w),
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
        let contact = worker.held as f64 * self.p.contact_per_day;
        let rate = (worker.hours_per_day - contact).max(0.02 * worker.hours_per_day);
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

    /// Queues an assessment for an educational psychologist.
    pub(crate) fn request_psychologist(&mut self, r: u32) {
        if let Some(ep) = self.psychologists.idle.pop() {
            self.start_advice(ep, r);
        } else {
            self.psychologists.queue.push_back(r);
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
        match self.psychologists.queue.pop_front() {
            Some(next) => self.start_advice(ep, next),
            None => self.psychologists.idle.push(ep),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::posts;

    #[test]
    fn fte_splits_into_whole_posts_and_a_remainder() {
        assert_eq!(posts(2.5).collect::<Vec<_>>(), vec![1.0, 1.0, 0.5]);
        assert_eq!(posts(3.0).collect::<Vec<_>>(), vec![1.0, 1.0, 1.0]);
        assert_eq!(posts(0.4).collect::<Vec<_>>(), vec![0.4]);
    }
}
