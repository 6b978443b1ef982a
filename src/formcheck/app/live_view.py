"""What the live page's side panel says, from the live session's state (plain values, no Streamlit)."""
from __future__ import annotations

from typing import Any


def _g(state: Any, name: str, default: Any = None) -> Any:
    return getattr(state, name, default)


def tiles(state: Any) -> list[tuple[str, str]]:
    """Big-number tiles: [(label, value)], e.g. [('Reps', '7 / 20'), ('Set', '2 of 3'), ('Rest', '45 s')]."""
    out: list[tuple[str, str]] = []
    target_s = _g(state, "target_s")
    if target_s and _g(state, "target_reps") is None:
        out.append(("Time", f"{_g(state, 'work_s', 0.0):.0f} / {target_s:.0f} s"))
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
    else:
        out.append(("Reps today", str(_g(state, "total_reps", _g(state, "rep_count", 0)))))
    return out


def status_line(state: Any) -> str:
    """One short line: what to do now."""
    phase = _g(state, "phase")
    if phase == "waiting":
        return _g(state, "hint") or "Get in position: whole body in view, feet included"
    if phase == "countdown":
        return "Get ready..."
    if phase == "rest":
        return "Rest. Breathe, shake out your legs."
    if phase == "done":
        return "Workout done. Great job!"
    return _g(state, "status") or "Go"


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
    hold = _g(state, "hold_s")
    if (target_s and _g(state, "target_reps") is None) or (hold is not None and not _g(state, "set_reps", 0)):
        done = _g(state, "work_s", 0.0) if target_s else (hold or 0.0)
        return f"{done:.0f}", f"of {target_s:.0f} s" if target_s else "s"
    reps = _g(state, "set_reps", _g(state, "rep_count", 0))
    target = _g(state, "target_reps")
    unit = "rep" if reps == 1 and not target else "reps"
    return str(reps), f"of {target} reps" if target else unit
