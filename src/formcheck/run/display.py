"""What a live session shows: the `SessionState` snapshot (checker state plus where the workout
is) and the overlay's text lines. Plain values, built fresh each frame, so another thread may
read a snapshot at any time."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from formcheck.checkers.base import Checker, LiveState
from formcheck.run.flow import Phase, WorkoutFlow
from formcheck.run.plans import Plan


@dataclass
class SessionState(LiveState):
    """The checker's LiveState plus where the workout is. Plain values; a new object per frame."""

    phase: str = Phase.WAITING.value  # waiting / countdown / active / rest / done
    plan_title: str = ""
    item_title: str = ""
    exercise_no: int = 1  # 1-based position of the current exercise in the plan
    exercises_total: int = 1
    set_no: int = 0
    sets_total: int | None = None  # None: open-ended
    set_reps: int = 0
    target_reps: int | None = None
    target_s: float | None = None  # timed bout or hold goal
    work_s: float = 0.0  # time done in this timed set
    rest_left_s: float | None = None
    countdown: int | None = None
    hint: str | None = None  # what to change to get in position
    people: str | None = None  # "Two people in view: counting the one on the left; ..." while it holds
    total_reps: int = 0  # every rep this session, all exercises


def session_state(t_s: float, plan: Plan, flow: WorkoutFlow, checker: Checker | None, hint: str | None,
                  total_reps: int, people: str | None = None) -> SessionState:
    """The snapshot at `t_s`."""
    item = flow.item
    if checker is not None:
        base = dataclasses.asdict(checker.state)
    else:
        base = dataclasses.asdict(LiveState(item.exercise or "timer", item.title, status="Get in position"))
    timed = item.duration_s or item.hold_s
    st = SessionState(**base, phase=flow.phase.value, plan_title=plan.title, item_title=item.title,
                      exercise_no=flow.item_index + 1, exercises_total=len(plan.items),
                      set_no=flow.set_no, sets_total=item.sets, set_reps=flow.set_reps,
                      target_reps=item.reps, target_s=timed, work_s=round(flow.work_s, 1),
                      rest_left_s=flow.rest_left_s(t_s), countdown=flow.countdown_left(t_s),
                      hint=hint if flow.phase == Phase.WAITING else None, total_reps=total_reps,
                      people=people)
    if item.sides and flow.side:
        st.side = flow.side
    if timed and checker is None:
        st.hold_s = flow.work_s
    return st


def overlay_lines(st: SessionState, *, free: bool, sided: bool) -> tuple[str, ...]:
    """The workout lines drawn under the checker's own (`free`: no plan chosen; `sided`: the
    current item is done on each side in turn)."""
    lines = []
    if not free or st.set_no > 1:
        of = f" of {st.sets_total}" if st.sets_total else ""
        target = (f": {st.set_reps} / {st.target_reps}" if st.target_reps else
                  f": {st.work_s:.0f} / {st.target_s:.0f} s" if st.target_s else "")
        side = f" ({st.side})" if st.side and sided else ""
        lines.append(f"Set {st.set_no}{of}{side}{target}")
    if st.phase == Phase.REST.value and st.rest_left_s is not None:
        lines.append(f"Rest: {st.rest_left_s:.0f} s")
    elif st.phase == Phase.COUNTDOWN.value and st.countdown:
        lines.append(f"Get ready: {st.countdown}")
    elif st.phase == Phase.WAITING.value:
        lines.append(st.hint or "Get in position")
    elif st.phase == Phase.DONE.value:
        lines.append("Done: well done!")
    if st.people and st.phase != Phase.DONE.value:
        lines.append(people_short(st.people))
    return tuple(lines)


def people_short(note: str) -> str:
    """The people line without its advice, for the overlay and a status line: "Two people in view:
    counting the one on the left"."""
    return note.split(";")[0]
