"""One person's live workout: frame in -> pose -> checker -> workout flow -> overlay out.

`LiveSession` is what the CLI's capture loop and the Streamlit live page both drive, one
frame at a time, from a single thread (it holds a `PoseEstimator`, which is not
thread-safe). `.state` is a fresh snapshot object per frame, so another thread may read
it at any time. Every completed rep is written to the history store at once (one
committed transaction each), so a crash or an unplugged camera loses nothing counted.

    session = LiveSession("calf_raise", plan=get_plan("high_heels_8"), store=HistoryStore())
    annotated, events = session.process(image_rgb, t_ms)   # per frame
    summary = session.close()                               # saves and ends
"""
from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from formcheck.checkers import get_checker_class, make_checker
from formcheck.checkers.base import Checker, Event, EventKind, LiveState, Mode
from formcheck.errors import FormcheckError
from formcheck.sinks.history import HistoryStore
from formcheck.sinks.overlay import annotate
from formcheck.run.plans import FlowConfig, FlowEvent, FlowKind, Phase, Plan, PlanItem, WorkoutFlow, free_plan
from formcheck.pose.types import PoseSample, PoseSeries
from formcheck.setup.placement import PositionCheck
from formcheck.setup.recognize import MIN_FOUND_S, WINDOW_S, recognize_series

SessionEvent = Union[Event, FlowEvent]

AUTO = "auto"  # exercise="auto": recognise it from the first reps
# Recognition looks at the last this-many seconds (recognize.WINDOW_S: the first reps of every
# exercise fit), tries again this often, and needs somebody seen for recognize.MIN_FOUND_S.
RECOGNISE_WINDOW_S = WINDOW_S
RECOGNISE_EVERY_S = 1.0

# A placement hint must hold this long before it is given (MediaPipe's view of a person
# turning flickers for a few frames), and is given again this often while nothing changes.
HINT_STABLE_S = 0.7
HINT_REPEAT_S = 8.0


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
    total_reps: int = 0  # every rep this session, all exercises


class LiveSession:
    """Drive with `process(image_rgb, t_ms)` per frame (or `process_pose` with landmarks), then `close()`."""

    def __init__(self, exercise: str | None, *, plan: Plan | None = None, model: str | os.PathLike | None = None,
                 store: HistoryStore | None = None, source: str = "live",
                 flow_config: dict | FlowConfig | None = None, draw: bool = True) -> None:
        self._auto: list[tuple[float, PoseSample | None]] | None = None  # frames kept while recognising
        if plan is None and exercise == AUTO:
            self._auto = []
            plan = Plan(AUTO, "Recognising your exercise",
                        (PlanItem(None, "Start your exercise", sets=None, note="I will recognise it"),))
        elif plan is None:
            if not exercise:
                raise FormcheckError("choose an exercise or a workout plan")
            plan = free_plan(exercise, get_checker_class(exercise).title)
        for ex in plan.exercises:  # fail at the start, not halfway through a workout
            try:
                get_checker_class(ex)
            except FormcheckError:
                raise FormcheckError(f"the plan '{plan.title}' includes '{ex}', which this version "
                                     "cannot check yet") from None
        if exercise and plan.id != "free" and exercise in plan.exercises:  # start the plan at this exercise
            start = next(i for i, it in enumerate(plan.items) if it.exercise == exercise)
            plan = dataclasses.replace(plan, items=plan.items[start:])
        self.plan = plan
        self.model = model
        self.store = store
        self.source = source
        self.draw = draw
        self._flow_config = flow_config
        self._auto_tried_s = -1e9
        self._image_wh = (640, 480)
        self.flow = WorkoutFlow(plan, flow_config)
        self._estimator = None
        self._checker: Checker | None = None
        self._checker_item = -1
        self._history_id: int | None = None
        self._done_checkers: list[dict[str, Any]] = []
        self._total_reps = 0
        self._t_first_s: float | None = None
        self._t_last_s = 0.0
        self._hint: str | None = None
        self._hint_since = 0.0
        self._hint_said: tuple[str | None, float] = (None, -1e9)
        self._closed = False
        self.final_events: list[SessionEvent] = []  # what close() found (a last rep): say it, show it
        self._summary: dict[str, Any] | None = None
        self._switch_checker()
        self._position = PositionCheck(type(self._checker) if self._checker else None)
        self._state = self._make_state(0.0)

    # ---- per frame -----------------------------------------------------------------------
    def process(self, image_rgb: np.ndarray, t_ms: float, extra_lines: tuple[str, ...] = ()
                ) -> tuple[np.ndarray, list[SessionEvent]]:
        """Pose on this frame, then everything else. Returns the annotated frame and what happened."""
        self.prepare()
        sample = self._estimator.detect(image_rgb, t_ms)
        return self.process_pose(t_ms, sample, image_rgb, extra_lines)

    def process_pose(self, t_ms: float, sample: PoseSample | None, image_rgb: np.ndarray | None = None,
                     extra_lines: tuple[str, ...] = ()) -> tuple[np.ndarray | None, list[SessionEvent]]:
        """The same without the model: landmarks already found (a recorded series, or tests)."""
        if self._closed:
            raise FormcheckError("this live session has ended")
        t_s = t_ms / 1000.0
        self._t_first_s = t_s if self._t_first_s is None else self._t_first_s
        self._t_last_s = t_s
        events: list[SessionEvent] = []
        if self._auto is not None:
            events += self._recognise(t_ms, sample)
        checker_events = self._checker.update(t_ms, sample) if self._checker else []
        self._save_reps(checker_events)
        events += checker_events
        placement = self._position.update(sample)
        hold = None  # only checkers that time something have a timer the flow should follow
        if self._checker is not None and self._checker.mode != Mode.REPS:
            hold = self._checker.state.hold_s or 0.0
        flow_events = self.flow.update(t_s, checker_events, placement.ok, person_seen=placement.person_seen,
                                       hold_s=hold)
        events += flow_events
        if self.flow.phase == Phase.WAITING and self.flow.item_index != self._checker_item:
            self._switch_checker(t_ms)
            self._position = PositionCheck(type(self._checker) if self._checker else None)
        events += self._hint_events(t_s, placement.hint if self.flow.phase == Phase.WAITING else None)
        self._state = self._make_state(t_s)
        out = None
        if image_rgb is not None and self.draw:
            out = self.overlay(image_rgb, sample, extra_lines)
        return out, events

    def prepare(self) -> None:
        """Load the pose model now (a second or two) rather than on the first frame."""
        if self._estimator is None:
            from formcheck.pose.estimator import PoseEstimator  # imported here: mediapipe loads only when needed
            self._estimator = PoseEstimator(self.model)

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def done(self) -> bool:
        """The plan is finished or the person walked away: the caller may stop feeding frames."""
        return self.flow.phase == Phase.DONE

    # ---- end --------------------------------------------------------------------------------
    def close(self) -> dict[str, Any]:
        """Finish counting, save and end the history session(s); the summary. Safe to call twice."""
        if self._closed:
            return self._summary or {}
        self._closed = True
        t_ms = self._t_last_s * 1000.0
        if self._checker is not None:
            final = self._checker.finish(t_ms)
            self._save_reps(final)
            self.final_events = list(final)
            if self.flow.phase != Phase.DONE:
                self.final_events += self.flow.update(self._t_last_s, final, False, person_seen=True)
        self.flow.finish(self._t_last_s)
        self._end_checker()
        if self._estimator is not None:
            self._estimator.close()
        flow = self.flow.summary()
        self._summary = {
            **flow,
            "exercises": self._done_checkers,
            "total_reps": self._total_reps,
            "duration_s": round(self._t_last_s - (self._t_first_s if self._t_first_s is not None else 0.0), 1),
            "source": self.source,
        }
        self._state = self._make_state(self._t_last_s)
        return self._summary

    # ---- checker and history ----------------------------------------------------------------
    def _switch_checker(self, t_ms: float = 0.0) -> None:
        self._end_checker(t_ms)
        self._checker_item = self.flow.item_index
        ex = self.flow.item.exercise
        self._checker = make_checker(ex) if ex else None

    def _end_checker(self, t_ms: float | None = None) -> None:
        if self._checker is None:
            return
        if t_ms is not None and not self._closed:
            self._save_reps(self._checker.finish(t_ms))
        res = self._checker.result()
        sets = [r for r in self.flow.results if r.item_index == self._checker_item]
        entry = {"exercise": res.exercise, "title": self._checker.title, "rep_count": res.rep_count,
                 "sets": [r.reps for r in sets], "corrections": res.corrections, "view": res.view,
                 "history_session_id": self._history_id}
        self._done_checkers.append(entry)
        if self.store is not None and self._history_id is not None:
            self.store.end_session(self._history_id, {**entry, "plan": self.plan.id, "summary": res.summary})
        self._checker, self._history_id = None, None

    def _save_reps(self, events: list[Event]) -> None:
        for e in events:
            if e.kind in (EventKind.READY, EventKind.REP) and self._history_id is None and self.store is not None:
                self._history_id = self.store.start_session(self._checker.exercise, self.source, time.time())
            if e.kind == EventKind.REP and e.rep is not None:
                self._total_reps += 1
                if self.store is not None:
                    self.store.add_rep(self._history_id, e.rep)
            elif e.kind == EventKind.CUE and e.rep is not None and self.store is not None \
                    and self._history_id is not None:
                self.store.add_rep(self._history_id, e.rep)  # a fault found later: the saved rep gets it

    def _recognise(self, t_ms: float, sample: PoseSample | None) -> list[SessionEvent]:
        """--exercise auto: name the exercise from the last seconds, then count from the start of them."""
        buf = self._auto
        if sample is not None:
            self._image_wh = sample.image_wh
        while buf and t_ms - buf[0][0] > 1000.0 * RECOGNISE_WINDOW_S:
            buf.pop(0)
        t_s = t_ms / 1000.0
        if buf and t_s - self._auto_tried_s >= RECOGNISE_EVERY_S and \
                sum(s is not None for _, s in buf) >= MIN_FOUND_S * self._fps(buf):
            self._auto_tried_s = t_s
            series = PoseSeries.from_samples([t for t, _ in buf], [s for _, s in buf], self._image_wh,
                                             self._fps(buf))
            exercise, _why = recognize_series(series, RECOGNISE_WINDOW_S)
            if exercise is not None:
                return self._start_recognised(exercise, t_s)
        buf.append((t_ms, sample))
        return []

    @staticmethod
    def _fps(buf) -> float:
        span_s = (buf[-1][0] - buf[0][0]) / 1000.0 if len(buf) > 1 else 0.0
        return (len(buf) - 1) / span_s if span_s > 0 else 30.0

    def _start_recognised(self, exercise: str, t_s: float) -> list[SessionEvent]:
        buf, self._auto = self._auto, None
        title = get_checker_class(exercise).title
        self.plan = free_plan(exercise, title)
        self.flow = WorkoutFlow(self.plan, self._flow_config)
        self._checker_item = 0
        self._checker = make_checker(exercise)
        self._position = PositionCheck(type(self._checker))
        replayed: list[Event] = []
        for t_ms, s in buf:  # the reps done while recognising count too
            replayed += self._checker.update(t_ms, s)
            self._position.update(s)
        self._save_reps(replayed)
        said: list[SessionEvent] = [FlowEvent(FlowKind.GET_READY, t_s, f"That looks like {title}")]
        self.flow.mark_step_announced()  # the line above replaces "get in position"
        return said + replayed + self.flow.update(t_s, replayed, True)

    # ---- what to show and say -------------------------------------------------------------
    def _hint_events(self, t_s: float, hint: str | None) -> list[FlowEvent]:
        if hint != self._hint:
            self._hint, self._hint_since = hint, t_s
            return []
        said, said_t = self._hint_said
        if hint and t_s - self._hint_since >= HINT_STABLE_S and (hint != said or t_s - said_t >= HINT_REPEAT_S):
            self._hint_said = (hint, t_s)
            return [FlowEvent(FlowKind.HINT, t_s, hint)]
        return []

    def _make_state(self, t_s: float) -> SessionState:
        flow, item = self.flow, self.flow.item
        if self._checker is not None:
            base = dataclasses.asdict(self._checker.state)
        else:
            base = dataclasses.asdict(LiveState(item.exercise or "timer", item.title, status="Get in position"))
        timed = item.duration_s or item.hold_s
        st = SessionState(**base, phase=flow.phase.value, plan_title=self.plan.title, item_title=item.title,
                          exercise_no=flow.item_index + 1, exercises_total=len(self.plan.items),
                          set_no=flow.set_no, sets_total=item.sets, set_reps=flow.set_reps,
                          target_reps=item.reps, target_s=timed, work_s=round(flow.work_s, 1),
                          rest_left_s=flow.rest_left_s(t_s), countdown=flow.countdown_left(t_s),
                          hint=self._hint if flow.phase == Phase.WAITING else None, total_reps=self._total_reps)
        if item.sides and flow.side:
            st.side = flow.side
        if timed and self._checker is None:
            st.hold_s = flow.work_s
        return st

    def _overlay_lines(self) -> tuple[str, ...]:
        st = self._state
        lines = []
        if self.plan.id != "free" or st.set_no > 1:
            of = f" of {st.sets_total}" if st.sets_total else ""
            target = (f": {st.set_reps} / {st.target_reps}" if st.target_reps else
                      f": {st.work_s:.0f} / {st.target_s:.0f} s" if st.target_s else "")
            side = f" ({st.side})" if st.side and self.flow.item.sides else ""
            lines.append(f"Set {st.set_no}{of}{side}{target}")
        if st.phase == Phase.REST.value and st.rest_left_s is not None:
            lines.append(f"Rest: {st.rest_left_s:.0f} s")
        elif st.phase == Phase.COUNTDOWN.value and st.countdown:
            lines.append(f"Get ready: {st.countdown}")
        elif st.phase == Phase.WAITING.value:
            lines.append(st.hint or "Get in position")
        elif st.phase == Phase.DONE.value:
            lines.append("Done: well done!")
        return tuple(lines)

    def overlay(self, image_rgb: np.ndarray, sample: PoseSample | None = None,
                extra_lines: tuple[str, ...] = ()) -> np.ndarray:
        """Draw the current state on a frame (e.g. with latency figures added by the caller)."""
        # the big number is this set's reps (the total is in the summary and history)
        state = dataclasses.replace(self._state, rep_count=self._state.set_reps)
        return annotate(image_rgb, sample, state, self._overlay_lines() + tuple(extra_lines))
