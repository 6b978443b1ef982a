"""One person's live workout: frame in -> pose -> checker -> workout flow -> overlay out.

`LiveSession` is what the CLI's capture loop and the Streamlit live page both drive, one
frame at a time, from a single thread (it holds a `PoseEstimator`, which is not
thread-safe). It coordinates small parts, each with one job:

    pose.estimator.PoseEstimator   landmarks of a frame (loaded on first use)
    run.recognition.LiveRecogniser --exercise auto: names the exercise from the first reps
    checkers (one at a time)       reps, faults, timers; switched when the plan moves on
    setup.placement.PositionCheck  is the person placed right, and what to change
    run.flow.WorkoutFlow           countdown, sets, rest, next exercise
    run.hints.HintGate             when a placement hint is said
    run.rep_log.RepLog             every rep into the history store as it happens
    run.people.PeopleWatch         now and then: is somebody else in view ("Two people in view: ...")
    run.display                    the `SessionState` snapshot and the overlay's lines

`.state` is a fresh snapshot object per frame, so another thread may read it at any time.

    session = LiveSession("calf_raise", plan=get_plan("high_heels_8"), store=HistoryStore())
    annotated, events = session.process(image_rgb, t_ms)   # per frame
    summary = session.close()                               # saves and ends
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any

import numpy as np

from formcheck.checkers import get_checker_class, make_checker
from formcheck.checkers.base import Checker
from formcheck.errors import FormcheckError
from formcheck.events import Event, EventKind, Rep
from formcheck.pose.types import PoseSample
from formcheck.run.display import SessionState, overlay_lines, session_state
from formcheck.run.flow import FlowConfig, Phase, WorkoutFlow
from formcheck.run.heel_rise_test import HeelRiseTestResult, check_body_mass, heel_rise_test
from formcheck.run.hints import HintGate
from formcheck.run.people import PeopleWatch
from formcheck.run.plans import Plan, PlanItem, free_plan
from formcheck.run.recognition import LiveRecogniser
from formcheck.run.rep_log import RepLog
from formcheck.setup.placement import PositionCheck
from formcheck.sinks.history import HistoryStore
from formcheck.sinks.overlay import annotate

AUTO = "auto"  # exercise="auto": recognise it from the first reps

__all__ = ["AUTO", "LiveSession", "SessionState"]


def _session_plan(exercise: str | None, plan: Plan | None) -> Plan:
    """The plan to run: the one given (from `exercise` on, if it is in it), or a free one."""
    if plan is None and exercise == AUTO:
        return Plan(AUTO, "Recognising your exercise",
                    (PlanItem(None, "Start your exercise", sets=None, note="I will recognise it"),))
    if plan is None:
        if not exercise:
            raise FormcheckError("choose an exercise or a workout plan")
        return free_plan(exercise, get_checker_class(exercise).title)
    for ex in plan.exercises:  # fail at the start, not halfway through a workout
        try:
            get_checker_class(ex)
        except FormcheckError:
            raise FormcheckError(f"the plan '{plan.title}' includes '{ex}', which this version "
                                 "cannot check yet") from None
    if exercise and plan.id != "free" and exercise in plan.exercises:  # start the plan at this exercise
        start = next(i for i, it in enumerate(plan.items) if it.exercise == exercise)
        plan = dataclasses.replace(plan, items=plan.items[start:])
    return plan


class LiveSession:
    """Drive with `process(image_rgb, t_ms)` per frame (or `process_pose` with landmarks), then `close()`."""

    def __init__(self, exercise: str | None, *, plan: Plan | None = None, model: str | os.PathLike | None = None,
                 store: HistoryStore | None = None, source: str = "live",
                 flow_config: dict | FlowConfig | None = None, draw: bool = True,
                 body_mass_kg: float | None = None) -> None:
        self._recogniser = LiveRecogniser() if plan is None and exercise == AUTO else None
        self.plan = _session_plan(exercise, plan)
        self.model = model
        self.store = store
        self.source = source
        self.draw = draw
        self._flow_config = flow_config
        self.flow = WorkoutFlow(self.plan, flow_config)
        self._estimator = None
        self._log = RepLog(store, source)
        self._hints = HintGate()
        self._people = PeopleWatch(self._make_people_finder)
        self._checker: Checker | None = None
        self._checker_item = -1
        self._t_first_s: float | None = None
        self._t_last_s = 0.0
        self._closed = False
        self.final_events: list[Event] = []  # what close() found (a last rep): say it, show it
        self._summary: dict[str, Any] | None = None
        # the heel-rise test (a plan item marked heel_rise_test): its reps, scored on close() when the
        # body mass is known (the CLI asks for it; without it the sets run and are saved, unscored)
        self.body_mass_kg = None if body_mass_kg is None else check_body_mass(body_mass_kg)
        self._test_reps: list[Rep] = []
        self.heel_rise_result: HeelRiseTestResult | None = None
        self._switch_checker()
        self._state = self._make_state(0.0)

    # ---- per frame -----------------------------------------------------------------------
    def process(self, image_rgb: np.ndarray, t_ms: float, extra_lines: tuple[str, ...] = ()
                ) -> tuple[np.ndarray, list[Event]]:
        """Pose on this frame, then everything else. Returns the annotated frame and what happened."""
        self.prepare()
        sample = self._estimator.detect(image_rgb, t_ms)
        crowd = self._people.update(t_ms / 1000.0, image_rgb, sample) if not self._closed else None
        out, events = self.process_pose(t_ms, sample, image_rgb, extra_lines)
        if crowd:
            said = Event(EventKind.HINT, t_ms / 1000.0, crowd)
            self.flow.note_said(said.t_s, [said])
            events.append(said)
        return out, events

    def process_pose(self, t_ms: float, sample: PoseSample | None, image_rgb: np.ndarray | None = None,
                     extra_lines: tuple[str, ...] = ()) -> tuple[np.ndarray | None, list[Event]]:
        """The same without the model: landmarks already found (a recorded series, or tests)."""
        if self._closed:
            raise FormcheckError("this live session has ended")
        t_s = t_ms / 1000.0
        self._t_first_s = t_s if self._t_first_s is None else self._t_first_s
        self._t_last_s = t_s
        events: list[Event] = []
        if self._recogniser is not None:
            exercise = self._recogniser.update(t_ms, sample)
            if exercise is not None:
                events += self._start_recognised(exercise, t_s)
                self.flow.note_said(t_s, events)
        checker_events = self._checker.update(t_ms, sample) if self._checker else []
        self._record(checker_events)
        events += checker_events
        placement = self._position.update(self._checker.seen_upright(sample) if self._checker else sample)
        timed_s = self._checker.timed_s if self._checker is not None else None  # None: it counts reps
        flow_events = self.flow.update(t_s, checker_events, placement.ok, person_seen=placement.person_seen,
                                       timed_s=timed_s)
        events += flow_events
        if self.flow.phase == Phase.WAITING and self.flow.item_index != self._checker_item:
            self._switch_checker(t_ms)
        hints = self._hints.update(t_s, placement.hint if self.flow.phase == Phase.WAITING else None)
        self.flow.note_said(t_s, hints)
        events += hints
        self._state = self._make_state(t_s)
        out = None
        if image_rgb is not None and self.draw:
            out = self.overlay(image_rgb, sample, extra_lines)
        return out, events

    def _make_people_finder(self):
        from formcheck.pose.estimator import PeopleFinder  # mediapipe loads only when needed
        return PeopleFinder(self.model)

    def prepare(self) -> None:
        """Load the pose model now (a second or two) rather than on the first frame."""
        if self._estimator is None:
            from formcheck.pose.estimator import PoseEstimator  # imported here: mediapipe loads only when needed
            self._estimator = PoseEstimator(self.model)
            self._people.prepare()

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def metronome_on(self) -> bool:
        """The plan's current step is paced (the heel-rise test) and a set is on: "up" / "down" each second."""
        return bool(self.flow.item.metronome) and self.flow.phase == Phase.ACTIVE

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
        if self._checker is not None:
            final = self._checker.finish(self._t_last_s * 1000.0)
            self._record(final)
            self.final_events = list(final)
            if self.flow.phase != Phase.DONE:
                self.final_events += self.flow.update(self._t_last_s, final, False, person_seen=True)
        self.flow.finish(self._t_last_s)
        self._end_checker()
        if self._estimator is not None:
            self._estimator.close()
        self._people.close()
        self._summary = {
            **self.flow.summary(),
            "exercises": self._log.exercises,
            "total_reps": self._log.total_reps,
            "duration_s": round(self._t_last_s - (self._t_first_s if self._t_first_s is not None else 0.0), 1),
            "source": self.source,
            "camera_notes": list(self._people.notes),  # e.g. "Two people in view: ..."
        }
        if self.plan.heel_rise_test and self.body_mass_kg is not None:
            self._score_heel_rise_test()
        self._state = self._make_state(self._t_last_s)
        return self._summary

    def _score_heel_rise_test(self) -> None:
        """The heel-rise test from its reps: into the summary and, with a rep counted, the history."""
        result = heel_rise_test(self._test_reps, self.body_mass_kg)
        self.heel_rise_result = result
        self._summary["heel_rise_test"] = result.to_dict()
        if self.store is not None and result.legs:
            ids = [x["history_session_id"] for x in self._log.exercises
                   if x["exercise"] == "calf_raise" and x.get("history_session_id") is not None]
            self._summary["heel_rise_test_id"] = self.store.add_heel_rise_test(
                result.to_dict(), self.source, session_id=ids[-1] if ids else None)

    # ---- which checker --------------------------------------------------------------------
    def _switch_checker(self, t_ms: float = 0.0) -> None:
        """The plan moved on: end the current checker and start the one for this item."""
        self._end_checker(t_ms)
        self._checker_item = self.flow.item_index
        ex = self.flow.item.exercise
        self._checker = make_checker(ex) if ex else None
        self._position = PositionCheck(type(self._checker) if self._checker else None)

    def _end_checker(self, t_ms: float | None = None) -> None:
        if self._checker is None:
            return
        if t_ms is not None and not self._closed:
            self._record(self._checker.finish(t_ms))
        sets = [r.reps for r in self.flow.results if r.item_index == self._checker_item]
        self._log.end_exercise(self._checker, sets, self.plan.id)
        self._checker = None

    def _record(self, events: list[Event]) -> None:
        if self._checker is not None:
            self._log.record(self._checker.exercise, events)
            if 0 <= self._checker_item < len(self.plan.items) and self.plan.items[self._checker_item].heel_rise_test:
                self._test_reps += [e.rep for e in events if e.kind == EventKind.REP and e.rep is not None]

    def _start_recognised(self, exercise: str, t_s: float) -> list[Event]:
        """--exercise auto named it: a free plan for it, counting from the frames it was named from."""
        frames, self._recogniser = self._recogniser.frames, None
        title = get_checker_class(exercise).title
        self.plan = free_plan(exercise, title)
        self.flow = WorkoutFlow(self.plan, self._flow_config)
        self._checker_item = 0
        self._checker = make_checker(exercise)
        self._position = PositionCheck(type(self._checker))
        replayed: list[Event] = []
        for t_ms, s in frames:  # the reps done while recognising count too
            replayed += self._checker.update(t_ms, s)
            self._position.update(s)
        self._record(replayed)
        said: list[Event] = [Event(EventKind.GET_READY, t_s, f"That looks like {title}")]
        self.flow.mark_step_announced()  # the line above replaces "get in position"
        return said + replayed + self.flow.update(t_s, replayed, True)

    # ---- what to show -----------------------------------------------------------------------
    def _make_state(self, t_s: float) -> SessionState:
        return session_state(t_s, self.plan, self.flow, self._checker, self._hints.current, self._log.total_reps,
                             people=self._people.note)

    def overlay(self, image_rgb: np.ndarray, sample: PoseSample | None = None,
                extra_lines: tuple[str, ...] = ()) -> np.ndarray:
        """Draw the current state on a frame (e.g. with latency figures added by the caller)."""
        # the big number is this set's reps (the total is in the summary and history)
        state = dataclasses.replace(self._state, rep_count=self._state.set_reps)
        lines = overlay_lines(self._state, free=self.plan.id == "free", sided=bool(self.flow.item.sides))
        return annotate(image_rgb, sample, state, lines + tuple(extra_lines))
