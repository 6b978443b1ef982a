"""LiveSession: frames (here: landmark series from the test builders) -> counts, workout flow, history."""
from __future__ import annotations

import numpy as np
import pytest
from builders import STANDING, animate, rep_keys, series_from_poses
from conftest import SAMPLE_VIDEOS

from formcheck.checkers import make_checker
from formcheck.checkers.base import run_on_series
from formcheck.events import WORKOUT_KINDS, EventKind
from formcheck.sinks.history import HistoryStore
from formcheck.sinks.voice import RecordingSpeaker, estimate_speech_s, speak_events
from formcheck.run.session import LiveSession
from formcheck.run.plans import Plan, PlanItem
from formcheck.pose.types import PoseSeries

TOP = STANDING.legs(ankle_plantar_deg=30)  # both heels up


def calf_series(n_reps: int, *, lead_s: float = 5.0, tail_s: float = 1.5) -> PoseSeries:
    return series_from_poses(animate(rep_keys(STANDING, [TOP] * n_reps, lead_s=lead_s, tail_s=tail_s), fps=30),
                             yaw_deg=90)


def two_sets_series(rest_s: float) -> PoseSeries:
    """3 reps, standing still for rest_s, 3 more reps (one recording)."""
    keys = rep_keys(STANDING, [TOP] * 3, lead_s=5.0, tail_s=0.1)
    t_end = keys[-1][0]
    more = rep_keys(STANDING, [TOP] * 3, lead_s=rest_s, tail_s=1.5)
    keys += [(t_end + t, p) for t, p in more[1:]]
    return series_from_poses(animate(keys, fps=30), yaw_deg=90)


def feed(session: LiveSession, series: PoseSeries, t0_ms: float = 0.0):
    events = []
    for t_ms, sample in series.samples():
        _, ev = session.process_pose(t0_ms + t_ms, sample)
        events += ev
        if session.done:
            break
    return events


def spoken(events):
    return [(e.kind.value, e.text) for e in events if e.kind in WORKOUT_KINDS]


def test_counts_equal_the_clip_checker_and_every_rep_is_saved_at_once(tmp_path):
    series = calf_series(5)
    expected, _ = run_on_series(make_checker("calf_raise"), series)
    assert expected.rep_count == 5
    store = HistoryStore(tmp_path / "h.sqlite3")
    session = LiveSession("calf_raise", store=store)
    seen_in_store = []
    for t_ms, sample in series.samples():
        _, events = session.process_pose(t_ms, sample)
        if any(e.kind == EventKind.REP for e in events):
            sid = store.sessions()[0].id
            seen_in_store.append(len(store.reps(sid)))  # written before close()
    assert seen_in_store == [1, 2, 3, 4, 5]
    assert store.sessions()[0].ended_at is None
    summary = session.close()
    assert summary["total_reps"] == expected.rep_count
    assert summary["exercises"][0]["rep_count"] == 5
    row = store.sessions()[0]
    assert row.ended_at is not None and row.rep_count == 5 and row.exercise == "calf_raise"
    assert session.close() == summary  # idempotent


def test_free_session_flow_waits_counts_down_then_counts():
    session = LiveSession("calf_raise")
    events = feed(session, calf_series(3, lead_s=10.0))  # a person who waits for "Go"
    said = spoken(events)
    assert said[0] == ("get_ready", "Floor calf raise. Get in position")
    assert said[1:5] == [("countdown", "3"), ("countdown", "2"), ("countdown", "1"), ("go", "Go")]
    # the countdown is not spoken over the lines before it (they would drop the late digits)
    before = [e for e in events if e.kind in (EventKind.GET_READY, EventKind.READY)]
    quiet = max(e.t_s + estimate_speech_s(e.text) for e in before)
    assert min(e.t_s for e in events if e.kind == EventKind.COUNTDOWN) >= quiet - 1e-6
    assert [t for k, t in said if k == "count"] == ["1", "2", "3"]
    assert session.state.phase == "active" and session.state.set_reps == 3


def test_plan_runs_sets_with_rest_then_finishes(tmp_path):
    plan = Plan("t", "Test", (PlanItem("calf_raise", "Calf raise", sets=2, reps=3, rest_s=4.0),))
    store = HistoryStore(tmp_path / "h.sqlite3")
    session = LiveSession("calf_raise", plan=plan, store=store)
    events = feed(session, two_sets_series(rest_s=8.0))
    said = spoken(events)
    kinds = [k for k, _ in said]
    i_done = said.index(("set_done", "Set done: 3 reps"))
    assert [t for k, t in said[:i_done] if k == "count"] == ["1", "2", "3"]
    assert said[i_done + 1] == ("rest", "Rest 4 seconds")
    after = said[i_done + 2:]
    assert ("get_ready", "Set 2 of 2. Get in position") in after
    assert [t for k, t in after if k == "count"] == ["1", "2", "3"]
    assert kinds[-2:] == ["set_done", "done"]
    assert session.done and session.state.phase == "done"
    summary = session.close()
    assert summary["finished"] and [s["reps"] for s in summary["sets"]] == [3, 3]
    assert store.sessions()[0].rep_count == 6


def test_walking_away_stops_and_saves(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    plan = Plan("t", "Test", (PlanItem("calf_raise", "Calf raise", sets=None, rest_s=2.0),))
    session = LiveSession("calf_raise", plan=plan, store=store, flow_config={"away_s": 5.0})
    series = calf_series(2)
    feed(session, series)
    t_end = float(series.t_ms[-1])
    events = []
    for k in range(1, 400):  # nobody in the picture, 30 fps
        _, ev = session.process_pose(t_end + k * 33.3, None)
        events += ev
        if session.done:
            break
    assert session.done
    stop = [e for e in events if e.kind == EventKind.STOPPED]
    # 5 s after the last sighting (the 2 s rest after the set ended is over by then)
    assert len(stop) == 1 and 5.0 <= stop[0].t_s - t_end / 1000 <= 5.5
    summary = session.close()
    assert summary["stopped"] and summary["total_reps"] == 2
    assert store.sessions()[0].ended_at is not None and store.sessions()[0].rep_count == 2


def test_nobody_in_view_gets_a_spoken_hint_and_an_annotated_frame():
    session = LiveSession("calf_raise")
    frame = np.zeros((480, 640, 3), np.uint8)
    hints = []
    for k in range(40):
        out, ev = session.process_pose(k * 33.3, None, frame)
        hints += [e.text for e in ev if e.kind == EventKind.HINT]
    assert out.shape == frame.shape and out.any()  # text drawn
    assert hints == ["Step into the picture"]  # said once, not every frame
    assert session.state.hint == "Step into the picture" and session.state.phase == "waiting"


def test_unknown_exercise_is_one_clear_error():
    from formcheck.errors import FormcheckError
    with pytest.raises(FormcheckError, match="unknown exercise"):
        LiveSession("jumping_jacks")


def test_auto_recognises_the_exercise_and_counts_the_reps_done_meanwhile(tmp_path):
    series = calf_series(5, lead_s=2.0)
    expected, _ = run_on_series(make_checker("calf_raise"), series)
    store = HistoryStore(tmp_path / "h.sqlite3")
    session = LiveSession("auto", store=store)
    assert session.state.item_title == "Start your exercise"
    events = feed(session, series)
    said = spoken(events)
    assert ("get_ready", "That looks like Floor calf raise") in said
    assert session.state.exercise == "calf_raise"
    summary = session.close()
    assert summary["total_reps"] == expected.rep_count == 5
    assert [t for k, t in said if k == "count"] == ["1", "2", "3", "4", "5"]
    assert store.sessions()[0].exercise == "calf_raise" and store.sessions()[0].rep_count == 5


@pytest.mark.parametrize("name", ["calf_raise_side_clean", "calf_raise_side_faults", "calf_raise_oblique_clean",
                                  "calf_raise_oblique_faults"])
def test_recorded_sample_landmarks_count_the_same_live(name):
    path = SAMPLE_VIDEOS / f"{name}.landmarks.npz"
    if not path.is_file():
        pytest.skip(f"{path.name} not recorded yet (python -m formcheck.synth --all)")
    series = PoseSeries.load(path)
    expected, _ = run_on_series(make_checker("calf_raise"), series)
    session = LiveSession("calf_raise")
    for t_ms, sample in series.samples():
        session.process_pose(t_ms, sample)
    assert session.close()["total_reps"] == expected.rep_count


def test_a_person_who_waits_hears_the_whole_countdown():
    # what the voice really says (late countdown digits are dropped), not only what the flow asks for
    session = LiveSession("calf_raise")
    speaker = RecordingSpeaker()
    for t_ms, sample in calf_series(3, lead_s=10.0).samples():
        _, events = session.process_pose(t_ms, sample)
        speak_events(speaker, events)  # frame by frame, as live does
    heard = speaker.texts
    assert heard[:1] == ["Floor calf raise. Get in position"]
    go = heard.index("Go")
    assert heard[go - 3:go] == ["3", "2", "1"] and heard[go + 1:].count("1") >= 1
