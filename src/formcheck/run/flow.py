"""The hands-free `WorkoutFlow` that runs a plan (`run.plans.Plan`).

`WorkoutFlow` is a pure state machine fed once per frame with the checker's events and
whether the person is in position; it says what happens next in plain words (countdown,
counts, set done, rest, next exercise, done). It never touches a model, a camera or a
clock of its own, so tests drive it with made-up times.

    waiting --in position--> countdown --3, 2, 1, go--> active --target or set end--> rest
       ^                                                                               |
       +-------------------------- rest over: next set / side / exercise --------------+
    (last set -> done; nobody seen for `away_s` -> done, stopped)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable

from formcheck.events import Event, EventKind
from formcheck.config import coerce_config
from formcheck.run.plans import Plan, PlanItem
from formcheck.sinks.figures import reps_words
from formcheck.sinks.voice import estimate_speech_s


# Lines said before a set (the flow's "get in position", the checker's "Ready: ...", a position
# hint or correction): the countdown waits until they are over, so "3, 2, 1" is heard, not spoken
# over (a digit said late is dropped by the voice: sinks.voice.ON_TIME_S).
SAID_BEFORE_THE_SET = frozenset({EventKind.GET_READY, EventKind.READY, EventKind.HINT, EventKind.CUE})


class Phase(str, Enum):
    WAITING = "waiting"  # for the person to get in position
    COUNTDOWN = "countdown"  # 3, 2, 1, go
    ACTIVE = "active"  # counting / timing a set
    REST = "rest"  # rest timer between sets
    DONE = "done"


@dataclass(frozen=True)
class FlowConfig:
    # In position this long before the countdown starts (a person passing by does not start a set).
    settle_s: float = 0.5
    # "3, 2, 1, go": one word a second, like a coach.
    countdown_s: int = 3
    # Nobody seen this long (outside a rest) ends the session. Long enough to pick up a towel.
    away_s: float = 10.0
    # Rest call-out this many seconds before the rest ends.
    rest_warning_s: float = 10.0
    # Timed bouts and holds: say the time every this many seconds.
    time_callout_s: float = 10.0


@dataclass(frozen=True)
class Step:
    item_index: int
    side: str | None
    set_no: int  # 1-based within the item and side


@dataclass
class SetResult:
    item_index: int
    exercise: str | None
    side: str | None
    set_no: int
    reps: int
    work_s: float
    stopped_early: bool


class WorkoutFlow:
    """Runs a plan hands-free. `update()` once per frame; everything it decides is returned."""

    def __init__(self, plan: Plan, config: dict | FlowConfig | None = None) -> None:
        self.plan = plan
        self.cfg = coerce_config(FlowConfig, config)
        self.phase = Phase.WAITING
        self.step_index = 0
        self.set_reps = 0
        self.work_s = 0.0
        self.results: list[SetResult] = []
        self.stopped = False  # ended because nobody was in view
        self.completed = False  # every set of the plan was done
        self._phase_t: float | None = None
        self._in_pos_since: float | None = None
        self._last_seen_t: float | None = None
        self._last_t: float | None = None
        self._said: set[str] = set()  # once-per-phase call-outs already made
        self._announced_step = -1
        self._last_timed_s: float | None = None  # the checker's timer at the previous frame
        self._talk_until_s = -math.inf  # when the lines said before the set will be over
        self._said_elsewhere = False  # a line said since the last frame (`note_said`), not yet acted on

    # ---- where we are ------------------------------------------------------------------
    def _steps(self) -> Iterable[Step]:
        for i, item in enumerate(self.plan.items):
            sides = item.sides or (None,)
            for side in sides:
                n = item.sets if item.sets is not None else 10**9
                for s in range(1, n + 1):
                    yield Step(i, side, s)

    def step(self, index: int | None = None) -> Step | None:
        index = self.step_index if index is None else index
        for k, st in enumerate(self._steps()):
            if k == index:
                return st
            if k > index:
                break
        return None

    @property
    def item(self) -> PlanItem:
        st = self.step()
        return self.plan.items[st.item_index if st else -1]

    @property
    def item_index(self) -> int:
        st = self.step()
        return st.item_index if st else len(self.plan.items) - 1

    @property
    def set_no(self) -> int:
        st = self.step()
        return st.set_no if st else 0

    @property
    def side(self) -> str | None:
        st = self.step()
        return st.side if st else None

    def rest_left_s(self, t_s: float) -> float | None:
        if self.phase != Phase.REST or self._phase_t is None:
            return None
        return max(0.0, self._rest_s() - (t_s - self._phase_t))

    def countdown_left(self, t_s: float) -> int | None:
        if self.phase != Phase.COUNTDOWN or self._phase_t is None:
            return None
        return max(1, self.cfg.countdown_s - int(t_s - self._phase_t))

    def _rest_s(self) -> float:
        return self.plan.items[self.results[-1].item_index].rest_s if self.results else 0.0

    # ---- the machine -------------------------------------------------------------------
    def update(self, t_s: float, checker_events: Iterable[Event], in_position: bool, *,
               person_seen: bool = True, timed_s: float | None = None) -> list[Event]:
        """One frame. `timed_s`: the timer of a checker that times holds or movement (`Checker.timed_s`;
        None: it has none, then time in position counts for a hold, and time seen for a timed bout)."""
        out: list[Event] = []
        if self.phase == Phase.DONE:
            return out
        dt = 0.0 if self._last_t is None else max(0.0, t_s - self._last_t)
        self._last_t = t_s
        if self._last_seen_t is None or person_seen:
            self._last_seen_t = t_s
        if self._phase_t is None:
            self._phase_t = t_s
        events = list(checker_events)
        reps = sum(1 for e in events if e.kind == EventKind.REP)
        set_end = any(e.kind == EventKind.SET_END for e in events)

        self._announce_step(t_s, out)
        talked = self.note_said(t_s, out + events) or self._said_elsewhere
        self._said_elsewhere = False

        if self.phase == Phase.REST and reps and self._next_is_same_exercise():
            self._advance(t_s)  # started the next set before the rest was over: go with it
        if self.phase in (Phase.WAITING, Phase.COUNTDOWN) and reps:
            self._start_active(t_s)  # already moving: never lose a rep to the countdown
        if self.phase == Phase.WAITING:
            if in_position:
                self._in_pos_since = t_s if self._in_pos_since is None else self._in_pos_since
                if t_s - self._in_pos_since >= self.cfg.settle_s and t_s >= self._talk_until_s:
                    self._set_phase(Phase.COUNTDOWN, t_s)
                    out.append(Event(EventKind.COUNTDOWN, t_s, str(self.cfg.countdown_s)))
                    self._said.add(f"cd{self.cfg.countdown_s}")
            else:
                self._in_pos_since = None
        elif self.phase == Phase.COUNTDOWN:
            if not in_position and not person_seen:
                self._set_phase(Phase.WAITING, t_s)
                self._in_pos_since = None
            elif talked:  # something is being said over the countdown: start it again when quiet
                self._set_phase(Phase.WAITING, t_s)
            else:
                n = self.cfg.countdown_s - int(t_s - self._phase_t)
                if n <= 0:
                    out.append(Event(EventKind.GO, t_s, "Go"))
                    self._start_active(t_s)
                elif f"cd{n}" not in self._said:
                    self._said.add(f"cd{n}")
                    out.append(Event(EventKind.COUNTDOWN, t_s, str(n)))

        if self.phase == Phase.ACTIVE:
            out += self._active(t_s, dt, reps, set_end, in_position, person_seen, timed_s)
        elif self.phase == Phase.REST:
            left = self.rest_left_s(t_s)
            if left is not None and 0 < left <= self.cfg.rest_warning_s < self._rest_s() \
                    and "rest_warn" not in self._said:
                self._said.add("rest_warn")
                out.append(Event(EventKind.REST, t_s, f"{math.ceil(left)} seconds"))
            if left is not None and left <= 0:
                self._advance(t_s)
                self._announce_step(t_s, out)

        away = t_s - self._last_seen_t >= self.cfg.away_s
        resting = self.phase == Phase.REST
        if away and not resting and self.phase != Phase.DONE and (self.results or self.phase == Phase.ACTIVE):
            if self.phase == Phase.ACTIVE:
                out += self._end_set(t_s, early=True, announce=False)
            self._set_phase(Phase.DONE, t_s)
            self.stopped = True
            out.append(Event(EventKind.STOPPED, t_s, "Nobody in view: stopping and saving. Well done"))
        return out

    def note_said(self, t_s: float, events: Iterable[Event]) -> bool:
        """Lines said before a set by somebody else (the session's position hints, "Two people in
        view", "That looks like ..."): the countdown waits for them too. True when there was one."""
        if self.phase not in (Phase.WAITING, Phase.COUNTDOWN):
            return False
        said = [e for e in events if e.kind in SAID_BEFORE_THE_SET and e.text]
        for e in said:
            self._talk_until_s = max(self._talk_until_s, e.t_s) + estimate_speech_s(e.text)
        self._said_elsewhere = self._said_elsewhere or bool(said)
        return bool(said)

    def mark_step_announced(self) -> None:
        """The caller has already said what to get ready for (e.g. "That looks like ..."): the
        flow's own "get in position" line for this step is not said again."""
        self._announced_step = self.step_index

    def _announce_step(self, t_s: float, out: list[Event]) -> None:
        if self._announced_step != self.step_index and self.phase == Phase.WAITING:
            self._announced_step = self.step_index
            out.append(Event(EventKind.GET_READY, t_s, self._get_ready_text()))

    def _active(self, t_s, dt, reps, set_end, in_position, person_seen, timed_s) -> list[Event]:
        item, out = self.item, []
        for _ in range(reps):
            self.set_reps += 1
            out.append(Event(EventKind.COUNT, t_s, str(self.set_reps)))
        timed = item.duration_s or item.hold_s
        if timed:
            if timed_s is not None:
                # the checker knows when a hold is a hold: count what its timer gained this frame
                # (works whether it times each hold or the whole session; a reset adds nothing)
                prev = self._last_timed_s
                self._last_timed_s = timed_s
                if prev is not None and timed_s > prev:
                    self.work_s += timed_s - prev
            elif (in_position if item.hold_s else person_seen):
                self.work_s += dt
            step = self.cfg.time_callout_s
            mark = int(self.work_s // step)
            left = timed - self.work_s
            if 0 < mark and left > step / 2 and f"t{mark}" not in self._said:
                self._said.add(f"t{mark}")
                text = f"{math.ceil(left)} seconds left" if item.duration_s else f"{mark * step:g} seconds"
                out.append(Event(EventKind.TIME, t_s, text))
            if self.work_s >= timed:
                return out + self._end_set(t_s, early=False)
        if item.reps and self.set_reps >= item.reps:
            return out + self._end_set(t_s, early=False)
        if set_end:
            if self.set_reps or self.work_s >= 1.0:
                return out + self._end_set(t_s, early=bool(item.reps or timed))
            self._set_phase(Phase.WAITING, t_s)  # stepped away before doing anything
            self._in_pos_since = None
        return out

    def _start_active(self, t_s: float) -> None:
        self._set_phase(Phase.ACTIVE, t_s)
        self.set_reps, self.work_s = 0, 0.0
        self._last_timed_s = None  # what the checker timed before the set began is not the set's

    def _end_set(self, t_s: float, *, early: bool, announce: bool = True) -> list[Event]:
        st = self.step()
        item = self.item
        self.results.append(SetResult(st.item_index, item.exercise, st.side, st.set_no, self.set_reps,
                                      round(self.work_s, 1), early))
        what = (reps_words(self.set_reps) if not (item.duration_s or item.hold_s)
                else f"{self.work_s:.0f} seconds")
        last = self.step(self.step_index + 1) is None
        if last:
            self.completed = True
            self._set_phase(Phase.DONE, t_s)
            return [Event(EventKind.SET_DONE, t_s, f"Set done: {what}"),
                    Event(EventKind.DONE, t_s, "Workout done. Great job")] if announce else []
        self._set_phase(Phase.REST, t_s)
        if not announce:
            return []
        rest = self._rest_s()
        return [Event(EventKind.SET_DONE, t_s, f"Set done: {what}"),
                Event(EventKind.REST, t_s, f"Rest {rest:.0f} seconds")]

    def _next_is_same_exercise(self) -> bool:
        nxt = self.step(self.step_index + 1)
        return nxt is not None and nxt.item_index == self.item_index and nxt.side == self.side

    def _advance(self, t_s: float) -> None:
        self.step_index += 1
        self._set_phase(Phase.WAITING, t_s)
        self._in_pos_since = None
        self.set_reps, self.work_s = 0, 0.0

    def _set_phase(self, phase: Phase, t_s: float) -> None:
        self.phase, self._phase_t = phase, t_s
        self._said = set()

    def _get_ready_text(self) -> str:
        st, item = self.step(), self.item
        first_of_item = st.set_no == 1 and (not item.sides or st.side == item.sides[0])
        if first_of_item:
            lead = "Next: " if self.step_index else ""
            words = f"{lead}{item.title}"
            if item.sides:
                words += f", {st.side} side first"
            if item.note:
                words += f". {item.note}"
            return words + ". Get in position"
        if st.set_no == 1 and st.side:
            return f"Switch to your {st.side} side. Get in position"
        total = f" of {item.sets}" if item.sets else ""
        return f"Set {st.set_no}{total}. Get in position"

    def finish(self, t_s: float) -> list[Event]:
        """The stream ended (camera closed, Ctrl-C): keep the set in progress if anything was done."""
        if self.phase == Phase.ACTIVE and (self.set_reps or self.work_s >= 1.0):
            self._end_set(t_s, early=True, announce=False)
        self._set_phase(Phase.DONE, t_s)
        return []

    # ---- summary -------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        return {"plan": self.plan.id, "plan_title": self.plan.title, "stopped": self.stopped,
                "finished": self.completed,
                "sets": [vars(r) | {"title": self.plan.items[r.item_index].title} for r in self.results]}
