"""Workout plans as data (`data/plans.json`): what to do, in which order, with what rest.

A plan is a list of items (an exercise with sets of reps, a timed bout, or a hold), each
with a rest time. `run.flow.WorkoutFlow` runs one.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from formcheck.config import from_dict
from formcheck.errors import FormcheckError, name_key, unknown_name
from formcheck.pose.landmarks import SIDES


@dataclass(frozen=True)
class PlanItem:
    exercise: str | None  # checker id; None = a timer only (e.g. big-toe lifts, no checker yet)
    title: str  # plain words, said aloud: "Next: leg press"
    sets: int | None = 1  # None = as many sets as the person does (free session)
    reps: int | None = None  # reps per set
    duration_s: float | None = None  # a timed bout per set (foam rolling, alphabet)
    hold_s: float | None = None  # hold at least this long per set
    hold_max_s: float | None = None  # ... and at most this long (shown as the goal range)
    sides: tuple[str, ...] = ()  # ("left", "right"): every set on each side, left first
    rest_s: float = 60.0  # rest after each set
    note: str = ""  # one plain-words instruction, said when the exercise starts
    metronome: bool = False  # "up" / "down" once a second while a set is on (the heel-rise test's pace)
    heel_rise_test: bool = False  # its reps are scored as the heel-rise test (run.heel_rise_test)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sides", tuple(self.sides))
        targets = [v for v in (self.reps, self.duration_s, self.hold_s) if v is not None]
        if len(targets) > 1:
            raise FormcheckError(f"plan item '{self.title}': give only one of reps, duration_s, hold_s")
        if any(v <= 0 for v in targets) or (self.sets is not None and self.sets < 1) or self.rest_s < 0:
            raise FormcheckError(f"plan item '{self.title}': sets, reps and times must be positive")
        if any(s not in SIDES for s in self.sides):
            raise FormcheckError(f"plan item '{self.title}': sides must be 'left' and/or 'right'")
        if self.exercise is None and self.reps is not None:
            raise FormcheckError(f"plan item '{self.title}': reps need an exercise to count them")
        if self.heel_rise_test and self.exercise != "calf_raise":
            raise FormcheckError(f"plan item '{self.title}': the heel-rise test is a calf raise")

    @property
    def target_text(self) -> str:
        """'3 x 20', '5 min', '30-60 s hold' (shown on screen)."""
        per_side = " each side" if self.sides else ""
        sets = f"{self.sets} x " if self.sets and self.sets > 1 else ""
        if self.reps:
            return f"{sets}{self.reps}{per_side}"
        if self.duration_s:
            d = self.duration_s
            return f"{sets}{d / 60:g} min{per_side}" if d >= 60 else f"{sets}{d:g} s{per_side}"
        if self.hold_s:
            rng = f"{self.hold_s:g}-{self.hold_max_s:g}" if self.hold_max_s else f"{self.hold_s:g}"
            return f"{sets}{rng} s hold{per_side}"
        return "as many as you like"


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    items: tuple[PlanItem, ...]
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        if not self.items:
            raise FormcheckError(f"plan '{self.id}' has no exercises")

    @property
    def exercises(self) -> list[str]:
        return [it.exercise for it in self.items if it.exercise]

    @property
    def heel_rise_test(self) -> bool:
        """Some of its reps are the heel-rise test (it then needs the body mass)."""
        return any(it.heel_rise_test for it in self.items)


def plan_from_dict(data: dict[str, Any]) -> Plan:
    data = dict(data)
    items = tuple(from_dict(PlanItem, dict(it)) for it in data.pop("items", ()))
    return from_dict(Plan, {**data, "items": items})


def load_plans(path: str | Path | None = None) -> dict[str, Plan]:
    """All plans by id, from `path` or the bundled `data/plans.json`."""
    try:
        if path is None:
            text = resources.files("formcheck").joinpath("data/plans.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        raw = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise FormcheckError(f"cannot read workout plans: {exc}") from exc
    plans = [plan_from_dict(p) for p in raw.get("plans", [])]
    return {p.id: p for p in plans}


def get_plan(name: str, path: str | Path | None = None) -> Plan:
    """A plan by id or title (case and spaces ignored)."""
    plans = load_plans(path)
    key = name_key(name)
    for p in plans.values():
        if key in (name_key(p.id), name_key(p.title)):
            return p
    raise unknown_name("plan", name, list(plans))


def free_plan(exercise: str, title: str, *, rest_s: float = 60.0) -> Plan:
    """No plan chosen: one exercise, open-ended sets, rest between them."""
    return Plan("free", title, (PlanItem(exercise, title, sets=None, rest_s=rest_s),))
