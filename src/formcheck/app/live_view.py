"""What the live page's side panel says, from the live session's state (plain values, no Streamlit)."""
from __future__ import annotations

from typing import Any

from formcheck.run.display import people_short


def _g(state: Any, name: str, default: Any = None) -> Any:
    return getattr(state, name, default)


def mode_of(state: Any) -> str:
    """'reps', 'hold' or 'timer': what the exercise on screen is. No checker (a plan's timer-only
    item, or recognising): 'timer' when the set is timed, else 'reps'."""
    from formcheck.checkers import all_checkers
    cls = all_checkers().get(_g(state, "exercise") or "")
    if cls is None:
        return "timer" if _g(state, "target_s") and _g(state, "target_reps") is None else "reps"
    return getattr(getattr(cls, "mode", None), "value", "reps")


def _timed(state: Any) -> bool:
    """Shown as seconds, not reps: a hold or timer exercise, or a plan's timed set."""
    return bool(_g(state, "target_s") and _g(state, "target_reps") is None) or mode_of(state) != "reps"


def _seconds(state: Any) -> float:
    """The seconds on screen: the timed set's work, else the checker's hold / movement clock."""
    if _g(state, "target_s") and _g(state, "target_reps") is None:
        return _g(state, "work_s", 0.0) or 0.0
    return _g(state, "hold_s") or 0.0


def tiles(state: Any) -> list[tuple[str, str]]:
    """Big-number tiles: [(label, value)], e.g. [('Reps', '7 / 20'), ('Set', '2 of 3'), ('Rest', '45 s')]."""
    out: list[tuple[str, str]] = []
    target_s = _g(state, "target_s")
    mode = mode_of(state)
    if target_s and _g(state, "target_reps") is None:
        out.append(("Time", f"{_g(state, 'work_s', 0.0):.0f} / {target_s:.0f} s"))
    elif mode == "hold":
        out.append(("Held", f"{_seconds(state):.0f} s"))
    elif mode == "timer":
        out.append(("Moving", f"{_seconds(state):.0f} s"))
    else:
        reps = _g(state, "set_reps", _g(state, "rep_count", 0))
        target = _g(state, "target_reps")
        out.append(("Reps", f"{reps} / {target}" if target else str(reps)))
    set_no, sets_total = _g(state, "set_no", 0), _g(state, "sets_total")
    if set_no:
        out.append(("Set", f"{set_no} of {sets_total}" if sets_total else str(set_no)))
    phase = _g(state, "phase")
    if phase == "rest" and _g(state, "rest_left_s") is not None:
        out.append(("Rest", f"{_g(state, 'rest_left_s'):.0f} s"))
    elif phase == "countdown" and _g(state, "countdown"):
        out.append(("Get ready", str(_g(state, "countdown"))))
    elif mode == "hold":
        out.append(("Holds", str(_g(state, "rep_count", 0))))
    elif mode == "reps":
        out.append(("Reps today", str(_g(state, "total_reps", _g(state, "rep_count", 0)))))
    return out


def status_line(state: Any) -> str:
    """One short line: what to do now."""
    phase = _g(state, "phase")
    people = _g(state, "people")
    crowd = people_short(people) if people else None  # "Two people in view: counting the one on the left"
    if phase == "waiting":
        return _g(state, "hint") or crowd or "Get in position: whole body in view, feet included"
    if phase == "countdown":
        return "Get ready..."
    if phase == "rest":
        return "Rest. Breathe, shake out your legs."
    if phase == "done":
        return "Workout done. Great job!"
    status = _g(state, "status") or "Go"
    return f"{status} · {crowd}" if crowd and phase == "active" else status


def exercise_line(state: Any) -> str:
    title = _g(state, "item_title") or _g(state, "title") or ""
    n, total = _g(state, "exercise_no", 1), _g(state, "exercises_total", 1)
    return f"{title}  ·  exercise {n} of {total}" if total and total > 1 else title


def big_count(state: Any) -> tuple[str, str]:
    """The number to read from across the room and what it counts: ('7', 'of 20 reps'), ('12', 'of 30 s')."""
    phase = _g(state, "phase")
    if phase == "countdown" and _g(state, "countdown"):
        return str(_g(state, "countdown")), "get ready"
    if phase == "rest" and _g(state, "rest_left_s") is not None:
        return f"{_g(state, 'rest_left_s'):.0f}", "s rest"
    target_s = _g(state, "target_s")
    if _timed(state):
        what = "held" if mode_of(state) == "hold" else "moving"
        goal = target_s if target_s and _g(state, "target_reps") is None else None
        return f"{_seconds(state):.0f}", f"of {goal:.0f} s" if goal else f"s {what}"
    reps = _g(state, "set_reps", _g(state, "rep_count", 0))
    target = _g(state, "target_reps")
    unit = "rep" if reps == 1 and not target else "reps"
    return str(reps), f"of {target} reps" if target else unit


def stopped_line(summary: Any, reps: list, state: Any) -> str:
    """What the page says when the camera stops: reps for a rep exercise, holds or time otherwise."""
    mode = mode_of(state) if state is not None else "reps"
    if mode == "reps":
        n = summary.get("total_reps", len(reps)) if isinstance(summary, dict) else len(reps)
        return f"Stopped. {n} {'rep' if n == 1 else 'reps'} saved to My progress."
    if mode == "hold":
        n = len(reps)
        return f"Stopped. {n} {'hold' if n == 1 else 'holds'} saved to My progress."
    return "Stopped. Your time is saved to My progress."
