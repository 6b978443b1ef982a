"""Live placement hints: setup.advice on a rolling window, spoken once it holds."""
from __future__ import annotations

import dataclasses

from builders import STANDING, animate, series_from_poses

from formcheck.checkers import get_checker_class
from formcheck.events import EventKind
from formcheck.run.session import LiveSession
from formcheck.setup.placement import STEP_IN, PositionCheck


def still(yaw_deg: float, seconds: float = 3.0, **kw):
    return series_from_poses(animate([(0.0, STANDING), (seconds, STANDING)], fps=30), yaw_deg=yaw_deg, **kw)


def placements(check, series):
    return [check.update(s) for _, s in series.samples()]


def test_side_on_for_a_front_view_exercise_says_face_the_camera():
    check = PositionCheck(get_checker_class("hip_abduction"))  # best seen from the front
    last = placements(check, still(90.0))[-1]
    assert not last.ok and last.person_seen and last.hint.startswith("Face the camera")
    assert placements(PositionCheck(get_checker_class("hip_abduction")), still(0.0))[-1].ok


def test_feet_below_the_picture_says_step_back():
    check = PositionCheck(get_checker_class("calf_raise"))
    last = placements(check, still(90.0, floor_px=800.0))[-1]  # the floor is under the 720 px picture
    assert not last.ok and last.hint.startswith("Step back")


def test_nobody_and_no_checker():
    assert PositionCheck(None).update(None).hint == STEP_IN
    assert placements(PositionCheck(None), still(0.0))[-1].ok  # a timer only needs somebody there


def test_session_says_the_hint_once_and_waits_until_it_is_fixed():
    session = LiveSession("hip_abduction")
    events = []
    for t_ms, s in still(90.0, seconds=5.0).samples():
        events += session.process_pose(t_ms, s)[1]
    hints = [e.text for e in events if e.kind == EventKind.HINT]
    assert len(hints) == 1 and hints[0].startswith("Face the camera")
    assert session.state.phase == "waiting" and session.state.hint == hints[0]
    # turns to face the camera; the countdown waits until the lines before it are said (the last, the
    # hint, is over at ~9.4 s), then 3, 2, 1, go
    for t_ms, s in still(0.0, seconds=9.0).samples():
        events += session.process_pose(5100.0 + t_ms, dataclasses.replace(s, t_ms=5100.0 + t_ms))[1]
    assert session.state.phase == "active"  # settled, counted down, started
    assert [e.text for e in events if e.kind == EventKind.GO] == ["Go"]


def test_a_picture_turned_on_its_side_is_placed_as_the_checker_reads_it():
    """A phone on its side: the camera advice reads the body turned upright, as the checker does
    (body.upright), so a person facing the camera is not told to move the camera to their feet."""
    from formcheck.evaluation.perturb import turned
    session = LiveSession("hip_abduction")
    events = []
    for t_ms, s in turned(still(10.0, seconds=12.0), 1).samples():
        events += session.process_pose(t_ms, s)[1]
    hints = [e.text for e in events if e.kind == EventKind.HINT]
    assert not hints, hints
    assert session.state.phase == "active"
