"""The one event vocabulary: what checkers, the workout flow and the live session say happened.

A checker reports reps, corrections and readiness (`checkers.base.Checker.update`); the workout
flow (`run.flow`) turns those into counts, countdowns, set and rest lines; the live session adds
placement hints. All are an `Event` with an `EventKind`, so the voice, the log and the app read
one type and tell kinds apart by the enum, never by the class or a string.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Fault:
    code: str  # stable id, e.g. "low_rise"; the same codes are used by the sample-clip ground truth
    message: str  # a correction in plain words, e.g. "Rise higher: 2 cm below your best"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass
class Rep:
    index: int  # 1-based
    start_s: float
    peak_s: float
    end_s: float
    metrics: dict[str, float] = field(default_factory=dict)  # units in the keys: peak_height_cm, rise_s
    faults: list[Fault] = field(default_factory=list)
    side: str | None = None  # "left"/"right" for one-sided exercises
    # its rise had begun before the clip did (`checkers.base.rise_began_s`): counted, its start not judged
    under_way: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start_s": round(self.start_s, 3), "peak_s": round(self.peak_s, 3),
                "end_s": round(self.end_s, 3), "side": self.side, "under_way": self.under_way,
                "metrics": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.metrics.items()},
                "faults": [f.to_dict() for f in self.faults]}


class EventKind(str, Enum):
    # ---- from a checker ----
    READY = "ready"  # in position, baseline taken: counting starts
    REP = "rep"  # a rep was completed (event.rep set)
    CUE = "cue"  # a correction or instruction to show / speak (event.rep set when it belongs to a rep)
    SET_END = "set_end"  # the person left the position / stopped
    HOLD = "hold"  # hold-timer milestone
    # ---- from the workout flow ----
    GET_READY = "get_ready"  # "Floor calf raise: get in position"
    COUNTDOWN = "countdown"  # "3", "2", "1"
    GO = "go"
    COUNT = "count"  # a rep in this set: "7"
    TIME = "time"  # timed/hold call-outs: "10 seconds left"
    SET_DONE = "set_done"
    REST = "rest"  # "Rest 60 seconds", "10 seconds"
    DONE = "done"  # the plan is finished
    STOPPED = "stopped"  # nobody seen for a while: the session ends
    # ---- from the live session ----
    HINT = "hint"  # what to change to get in position


# The kinds a checker says; the rest are the workout's (the flow's and the live session's).
CHECKER_KINDS = frozenset({EventKind.READY, EventKind.REP, EventKind.CUE, EventKind.SET_END, EventKind.HOLD})
WORKOUT_KINDS = frozenset(EventKind) - CHECKER_KINDS


@dataclass(frozen=True)
class Event:
    kind: EventKind
    t_s: float
    text: str  # what to show or say, in plain words
    rep: Rep | None = None
    code: str | None = None  # fault code for CUE events that come from a fault
