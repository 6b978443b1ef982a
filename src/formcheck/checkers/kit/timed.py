"""Shared base for HOLD and TIMER exercises: a bout timer, milestones, debounced corrections.

A subclass implements `measure(t_s, sample) -> (state, faults)`: the timed state this frame
(for a hold "holding"; for a timer the side or foot that is moving) or None, and the faults
seen in this frame. The base turns that into the hold time shown live, HOLD milestone events,
CUE events for corrections that persist (never for a one-frame flicker), and the result.
Not a checker itself (the module name starts with "_", so the registry skips it).
"""
from __future__ import annotations

import math
from typing import Any, ClassVar

from formcheck.pose.types import PoseSample
from formcheck.signals.timing import Bout, BoutTimer, milestones_crossed
from formcheck.body.view import ViewEstimator
from formcheck.checkers.base import Checker, CheckResult, Event, EventKind, Fault, LiveState, Mode, Rep

# A correction is spoken once it has lasted this long (a wobble is not a fault) ...
CUE_PERSIST_S = 1.0
# ... and not repeated sooner than this (a voice nagging every second gets switched off).
CUE_REPEAT_S = 10.0
# A hold shorter than this is getting into position, not a hold: it adds to the time held but is
# not listed as a hold of its own (the exercises here are held 10-60 s).
MIN_LISTED_HOLD_S = 3.0


def fmt_duration(t_s: float) -> str:
    """Plain words: "45 s", "2 min", "2 min 30 s"."""
    t = int(round(t_s))
    if t < 60:
        return f"{t} s"
    m, s = divmod(t, 60)
    return f"{m} min" if s == 0 else f"{m} min {s} s"


class TimedChecker(Checker):
    """HOLD: each hold of at least MIN_LISTED_HOLD_S is one entry of the result's `reps` (so the
    report's table lists holds); the live count stays 0, so the overlay shows the time."""

    mode: ClassVar[Mode] = Mode.HOLD
    grace_s: ClassVar[float] = 1.0  # a break in the position up to this long is bridged
    milestone_every_s: ClassVar[float] = 10.0
    targets_s: ClassVar[tuple[float, ...]] = ()  # "Done!" marks (a hold's 30 s / 60 s, a side's 5 min)
    per_side: ClassVar[bool] = False  # TIMER: milestones count each side's total, not one bout
    side_word: ClassVar[str] = "side"  # "side" (foam rolling) or "foot"
    waiting_status: ClassVar[str] = "Get into position"
    active_status: ClassVar[str] = "Holding"
    signal_label: ClassVar[str] = ""

    def __init__(self) -> None:
        self.timer = BoutTimer(self.grace_s)
        self.view = ViewEstimator()
        self._state = LiveState(self.exercise, self.title, status=self.waiting_status, hold_s=0.0)
        self._fault_since: dict[str, float] = {}
        self._fault_said: dict[str, float] = {}
        self.fault_counts: dict[str, int] = {}
        self.fault_messages: dict[str, str] = {}
        self.reps: list[Rep] = []
        self.signal_t: list[float] = []
        self.signal_v: list[float] = []
        self.set_start_s: float | None = None
        self.set_end_s: float | None = None
        self.pending_events: list[Event] = []  # a subclass's own events (e.g. a switch), sent this frame
        self._bout_faults: dict[str, Fault] = {}  # corrections given during the current hold

    # ---- subclass hooks ---------------------------------------------------------------------
    def measure(self, t_s: float, sample: PoseSample | None) -> tuple[str | None, list[Fault]]:
        raise NotImplementedError

    def status_text(self) -> str:
        return self.active_status

    def extra_summary(self) -> dict[str, Any]:
        return {}

    def milestone_text(self, mark_s: int, side: str | None) -> str:
        where = f" on your {side} {self.side_word}" if side in ("left", "right") else ""
        if mark_s in self.targets_s:
            plural = "feet" if self.side_word == "foot" else f"{self.side_word}s"
            switch = f" Switch {plural}." if side in ("left", "right") and self.per_side else ""
            return f"{fmt_duration(mark_s)}{where}: done!{switch}"
        return f"{fmt_duration(mark_s)}{where}"

    def switch_text(self, new: str) -> str:
        return f"Switched: now your {new} {self.side_word}"

    # ---- streaming ------------------------------------------------------------------------
    def update(self, t_ms: float, sample: PoseSample | None) -> list[Event]:
        t_s = t_ms / 1000.0
        self.view.update(sample)
        state, faults = self.measure(t_s, sample)
        timer = self.timer
        last_state = timer.bouts[-1].state if timer.bouts else None
        before_s = self._milestone_clock(state)
        ended, started = timer.update(t_s, state)
        events: list[Event] = self.pending_events
        self.pending_events = []
        if ended is not None and self.mode == Mode.HOLD:
            events.append(Event(EventKind.SET_END, ended.end_s, f"Rest: held {fmt_duration(ended.held_s)}"))
            self._list_hold(ended)
        if started is not None:
            if self.set_start_s is None:
                self.set_start_s = t_s
            if last_state is None:
                events.append(Event(EventKind.READY, t_s, f"{self.active_status}: timer started"))
            before_s = self._milestone_clock(state)
        if timer.current is not None:
            self.set_end_s = t_s
            after_s = self._milestone_clock(state)
            marks = set(milestones_crossed(before_s, after_s, self.milestone_every_s))
            marks |= {int(m) for m in self.targets_s if before_s + 1e-9 < m <= after_s + 1e-9}
            for m in sorted(marks):
                events.append(Event(EventKind.HOLD, t_s, self.milestone_text(m, state if self.per_side else None)))
        events += self._cues(t_s, faults if timer.current is not None else [])
        if timer.current is not None:
            self._state.hold_s = self._milestone_clock(state)
        elif self.mode == Mode.HOLD:  # resting: keep showing the last hold
            self._state.hold_s = timer.bouts[-1].held_s if timer.bouts else 0.0
        self._state.status = self.status_text() if timer.current is not None else self.waiting_status
        if events:
            for e in events:
                if e.kind in (EventKind.CUE, EventKind.HOLD):
                    self._state.latest_cue = e.text
        return events

    def _milestone_clock(self, state: str | None) -> float:
        if self.per_side:
            return self.timer.total_s(state) if state is not None else 0.0
        return self.timer.current_s

    def _cues(self, t_s: float, faults: list[Fault]) -> list[Event]:
        events = []
        present = {f.code: f for f in faults}
        for code in list(self._fault_since):
            if code not in present:
                del self._fault_since[code]
        for code, f in present.items():
            since = self._fault_since.setdefault(code, t_s)
            said = self._fault_said.get(code, -math.inf)
            if t_s - since >= CUE_PERSIST_S and t_s - said >= CUE_REPEAT_S:
                self._fault_said[code] = t_s
                self.fault_counts[code] = self.fault_counts.get(code, 0) + 1
                self.fault_messages[code] = f.message
                self._bout_faults[code] = f
                events.append(Event(EventKind.CUE, t_s, f.message, code=code))
        return events

    def finish(self, t_ms: float) -> list[Event]:
        ended = self.timer.close()
        if ended is not None and self.mode == Mode.HOLD:
            self._list_hold(ended)
            return [Event(EventKind.SET_END, ended.end_s, f"Held {fmt_duration(ended.held_s)}")]
        return []

    def _list_hold(self, bout: Bout) -> None:
        """A finished hold becomes one entry of `reps` (index, times, held_s, the corrections given)."""
        faults, self._bout_faults = list(self._bout_faults.values()), {}
        self._fault_said.clear()  # a new hold hears its corrections afresh
        if bout.held_s < MIN_LISTED_HOLD_S:
            return
        self.reps.append(Rep(len(self.reps) + 1, bout.start_s, (bout.start_s + bout.end_s) / 2, bout.end_s,
                             {"held_s": round(bout.held_s, 2)}, faults))

    # ---- outputs ---------------------------------------------------------------------------
    @property
    def state(self) -> LiveState:
        return self._state

    @property
    def timed_s(self) -> float:
        return self.timer.total_s()

    def corrections(self) -> list[str]:
        return [self.fault_messages[c] for c in sorted(self.fault_counts, key=lambda c: -self.fault_counts[c])]

    def result(self) -> CheckResult:
        t = self.timer
        summary: dict[str, Any] = {
            "hold_s" if self.mode == Mode.HOLD else "active_s": round(t.total_s(), 2),
            "faults": dict(self.fault_counts),
        }
        if self.mode == Mode.HOLD:
            summary["longest_hold_s"] = round(t.longest_s(), 2)
            summary["holds"] = [{"start_s": round(b.start_s, 3), "end_s": round(b.end_s, 3),
                                 "held_s": round(b.held_s, 2)} for b in t.bouts]
            if self.targets_s:
                summary["target_s"] = list(self.targets_s)
        summary.update(self.extra_summary())
        warnings = [] if t.bouts else [f"Never saw the exercise, so nothing was timed: {self.waiting_status.lower()}"]
        return CheckResult(self.exercise, len(self.reps), list(self.reps), self.view.view, summary,
                           self.corrections(), self.set_start_s, self.set_end_s,
                           {"t_s": self.signal_t, "value": self.signal_v, **self.extra_signal()},
                           self.signal_label, warnings)

    def extra_signal(self) -> dict[str, list]:
        """More per-sample series for the charts, aligned with `signal_t` (e.g. the toe's path)."""
        return {}
