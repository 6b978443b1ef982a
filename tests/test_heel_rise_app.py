"""The heel-rise test in the app: Work out (body mass into the live session, the metronome's beats, the
result saved once on Stop), Check a video ("Score as a heel-rise test" on a rendered single-leg clip) and
My progress (past tests, a symmetry under 90 % flagged). Streamlit's own test runner, no browser; the pose
model is replaced by recorded landmark series."""
from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.types import PoseSeries
from formcheck.run.heel_rise_test import G_M_S2, heel_rise_test
from formcheck.sinks.history import HistoryStore

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

from builders import jitter, series_from_poses  # noqa: E402
from test_heel_rise_test_series import both_legs_tested  # noqa: E402
from test_pose_stream import recorded_model  # noqa: E402,F401  (the fixture: the pose model replaced)

LIVE = "from formcheck.app import live_page\nlive_page.render()"
REVIEW = "from formcheck.app import review_page\nreview_page.render()"
HISTORY = "from formcheck.app import history_page\nhistory_page.render()"
TRUTH_SET = Path(__file__).resolve().parents[1] / "truth_set"
BODY_MASS = "Your body mass (kg)"


def _body_mass_box(at):
    return next(n for n in at.number_input if n.label == BODY_MASS)


# ---- Work out ------------------------------------------------------------------------------------------

def test_the_heel_rise_plan_asks_for_the_body_mass_and_no_longer_sends_you_to_the_command_line():
    at = AppTest.from_string(LIVE)
    at.session_state["start_plan"] = "heel_rise_test"
    at.run()
    assert not at.exception
    assert _body_mass_box(at).value is None  # nothing remembered yet: the person types it
    assert "Enter your body mass above to start the test." in [i.value for i in at.info]
    assert "live_bridges" not in at.session_state  # no camera session until it is entered
    assert not any("command line" in t.value or "--body-mass-kg" in t.value for t in [*at.info, *at.markdown])
    at.selectbox(key="live_what").set_value("high_heels_8").run()
    assert not any(n.label == BODY_MASS for n in at.number_input)  # only the test asks for it


class _Frames:
    """The page's live session fed a recorded landmark series instead of camera pictures (the frame's time
    is the bridge's clock, which the test sets to the series' own times)."""

    def __init__(self, session, series: PoseSeries) -> None:
        self.session = session
        self.samples = iter([s for _, s in series.samples()])  # one a frame, in order
        self.store = session.store

    def process(self, image_rgb, t_ms):
        _, events = self.session.process_pose(t_ms, next(self.samples))
        return image_rgb, events

    @property
    def state(self):
        return self.session.state

    @property
    def metronome_on(self):
        return self.session.metronome_on

    def close(self):
        return self.session.close()


def _short_wav(seconds: float = 0.2) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * int(16000 * seconds))
    return buf.getvalue()


def test_the_body_mass_goes_to_the_live_session_which_keeps_the_pace_and_saves_the_test_once():
    from formcheck.app.speech import BrowserVoice
    at = AppTest.from_string(LIVE)
    at.session_state["start_plan"] = "heel_rise_test"
    at.run()
    _body_mass_box(at).set_value(72.5).run()
    assert at.session_state["body_mass_kg"] == 72.5  # remembered for the other pages
    [bridge] = at.session_state["live_bridges"].values()
    assert bridge.metronome is not None  # the plan is paced
    at.selectbox(key="live_what").set_value("high_heels_8").run()
    at.selectbox(key="live_what").set_value("heel_rise_test").run()
    assert _body_mass_box(at).value == 72.5  # still there when the plan is picked again

    # the page's own bridge and session factory, fed both legs' raises at the test's pace
    [bridge] = at.session_state["live_bridges"].values()
    page_factory, engines = bridge._factory, []

    series = jitter(series_from_poses(both_legs_tested(first="left")[0], yaw_deg=90), seed=5)
    now = [0.0]

    def factory():
        engines.append(_Frames(page_factory(), series))
        return engines[-1]
    bridge._factory, bridge._clock = factory, lambda: now[0]
    bridge.voice = BrowserVoice(render=lambda text: _short_wav())
    picture = np.zeros((48, 64, 3), np.uint8)
    beats, said = [], []
    for t_ms, _ in series.samples():
        now[0] = t_ms / 1000.0
        bridge.process_rgb(picture)
        snap = bridge.latest()
        assert snap.error is None, snap.error
        beats.append((snap.state.phase, snap.beat))
        clip = bridge.speech_due()
        if clip is not None:
            said.append(clip.text)
    [engine] = engines
    assert engine.session.body_mass_kg == 72.5 and engine.session.plan.id == "heel_rise_test"
    # "up" and "down" shown (and said) while a set is on, and never outside one
    assert {b for phase, b in beats if phase == "active"} == {"up", "down"}
    assert all(b is None for phase, b in beats if phase != "active")
    assert "up" in said and "down" in said

    snap = bridge.settle(wait_s=0.0)  # Stop
    bridge.end()  # streamlit-webrtc's own end call, late: must not save again
    bridge.finish()
    test = snap.summary["heel_rise_test"]
    assert test["body_mass_kg"] == 72.5
    assert (test["legs"]["left"]["reps"], test["legs"]["right"]["reps"]) == (5, 6)
    assert test["work_symmetry_pct"] < 90
    with HistoryStore() as store:
        [row] = store.heel_rise_tests()  # exactly once
        assert row.id == snap.summary["heel_rise_test_id"] and row.result == test
        # the page's own source: "live", or the sample clip played when no camera is found
        assert row.source == engine.session.source and row.source.startswith("live")


def _result_block(result: dict, saved: bool) -> None:
    from formcheck.app.heel_rise_view import show_result
    show_result(result, saved)


def test_the_result_block_shows_reps_work_heights_and_flags_an_asymmetry():
    from formcheck.events import Rep

    def reps(side, heights, t0=0.0):
        return [Rep(i + 1, t0 + 2.0 * i, t0 + 2.0 * i + 0.8, t0 + 2.0 * i + 1.6, {"peak_height_cm": h}, side=side)
                for i, h in enumerate(heights)]
    result = heel_rise_test(reps("left", [6.0] * 4) + reps("right", [8.0] * 6, t0=60.0), 80.0).to_dict()
    at = AppTest.from_function(_result_block, args=(result, True)).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Left leg": "4 reps", "Right leg": "6 reps", "Left vs right (work)": "50 %"}
    text = " ".join(m.value for m in at.markdown)
    assert f"Work: {80 * G_M_S2 * 0.24:.0f} J" in text and f"Work: {80 * G_M_S2 * 0.48:.0f} J" in text
    assert "Height of each rep (cm): 6.0  6.0  6.0  6.0" in text
    assert "Reps: 67 %, under 90 %" in text
    assert [e.value for e in at.error] == ["Flagged: under 90 %"]
    assert "Heel-rise test saved to your history (My progress)." in [c.value for c in at.caption]

    even = heel_rise_test(reps("left", [8.0] * 6) + reps("right", [8.0] * 6, t0=60.0), 80.0).to_dict()
    at = AppTest.from_function(_result_block, args=(even, False)).run()
    assert not at.error and [s.value for s in at.success] == ["Within 90 %"]
    assert not any("saved" in c.value for c in at.caption)


# ---- Check a video -------------------------------------------------------------------------------------

class _NobodyElse:
    """Stands in for PeopleFinder: the recorded clip has one person."""

    def __init__(self, *_, **__):
        pass

    def centres(self, picture):
        return ()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def _blank_clip(path: Path, series: PoseSeries) -> Path:
    """A plain clip as long as the series, at its size and rate (the recorded model supplies the person)."""
    from formcheck.io.video import VideoWriter
    w, h = series.image_wh
    with VideoWriter(path, series.fps, (w, h)) as writer:
        for i in range(len(series)):
            writer.write(np.full((h, w, 3), 40 + i % 50, np.uint8))
    return path


def test_check_a_video_scores_a_single_leg_clip_as_the_heel_rise_test_and_saves_it_once(
        tmp_path, monkeypatch, recorded_model):
    import formcheck.pose.estimator as adapter
    from formcheck.evaluation.accuracy import TRUTH_OF, Truth
    name = "heel_rise_test_side_b0"  # six single-leg raises on the right leg at 30 a minute, rendered
    series = PoseSeries.load(TRUTH_SET / f"{name}.landmarks.npz")
    truth = Truth(TRUTH_SET / f"{name}.truth.json")
    recorded_model.series = series
    monkeypatch.setattr(adapter, "PeopleFinder", _NobodyElse)
    samples = tmp_path / "samples"
    samples.mkdir()
    _blank_clip(samples / "calf_raise_one_leg.mp4", series)
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(samples))

    at = AppTest.from_string(REVIEW, default_timeout=120).run()
    at.radio[0].set_value("Use a sample video").run()
    assert next(b for b in at.selectbox if b.label == "Exercise").value == "calf_raise"
    at.checkbox(key="review_heel_rise_test").check().run()
    assert at.button[0].disabled  # no body mass yet
    _body_mass_box(at).set_value(70.0).run()
    at.button[0].click().run()

    assert not at.exception and not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Right leg"] == "6 reps" and metrics["Left vs right"] == "-"
    work = next(m.value for m in at.markdown if m.value.startswith("**Work: "))
    true_cm = [TRUTH_OF["calf_raise"]["peak_height_cm"](truth, r, "right") for r in truth.reps]
    true_work_j = 70.0 * G_M_S2 * sum(true_cm) / 100.0
    assert float(work.split()[1]) == pytest.approx(true_work_j, rel=0.15), (work, true_work_j)
    assert "Heel-rise test saved to your history (My progress)." in [c.value for c in at.caption]
    with HistoryStore() as store:
        [session] = store.sessions()
        [row] = store.heel_rise_tests()
        assert row.session_id == session.id and row.source == "clip:calf_raise_one_leg.mp4"
        assert row.body_mass_kg == 70.0 and row.result["legs"]["right"]["reps"] == 6
        assert len(store.reps(session.id)) == 6

    at.run()  # a rerun keeps the result on screen and saves nothing more
    assert {m.label: m.value for m in at.metric}["Right leg"] == "6 reps"
    with HistoryStore() as store:
        assert len(store.heel_rise_tests()) == 1 and len(store.sessions()) == 1


def test_the_heel_rise_option_is_offered_for_the_calf_raise_only(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(tmp_path / "none"))
    at = AppTest.from_string(REVIEW).run()
    assert not at.checkbox  # "Recognise it for me": not offered
    next(b for b in at.selectbox if b.label == "Exercise").set_value("calf_raise").run()
    assert [c.label for c in at.checkbox] == ["Score as a heel-rise test"]
    next(b for b in at.selectbox if b.label == "Exercise").set_value("leg_press").run()
    assert not at.checkbox


# ---- My progress ---------------------------------------------------------------------------------------

def _saved_test(store: HistoryStore, left: int, right: int, taken_at: float) -> dict:
    from formcheck.events import Rep
    reps = [Rep(i + 1, 2.0 * i, 2.0 * i + 0.8, 2.0 * i + 1.6, {"peak_height_cm": 7.0 + 0.1 * i}, side="left")
            for i in range(left)]
    reps += [Rep(100 + i, 100 + 2.0 * i, 100 + 2.0 * i + 0.8, 100 + 2.0 * i + 1.6, {"peak_height_cm": 8.0},
                 side="right") for i in range(right)]
    result = heel_rise_test(reps, 70.0).to_dict()
    store.add_heel_rise_test(result, "live", taken_at=taken_at)
    return result


def test_my_progress_lists_heel_rise_tests_and_flags_a_symmetry_under_90():
    import datetime as dt
    first_at, second_at = 1767225600.0, 1767225600.0 + 14 * 86400  # two weeks apart
    with HistoryStore() as store:
        _saved_test(store, 8, 10, first_at)  # 80 % of the reps: flagged
    at = AppTest.from_string(HISTORY).run()
    assert "Heel-rise tests" in [h.value for h in at.subheader] and not at.get("vega_lite_chart")  # one: no chart
    with HistoryStore() as store:
        second = _saved_test(store, 10, 10, second_at)
    at = AppTest.from_string(HISTORY).run()
    assert not at.exception
    assert "Heel-rise tests" in [h.value for h in at.subheader]
    table = next(d.value for d in at.dataframe if "Reps left" in d.value.columns)
    assert list(table["Reps left"]) == [10, 8] and list(table["Reps right"]) == [10, 10]  # newest first
    assert list(table["Best height left (cm)"]) == [7.9, 7.7]
    assert list(table["Work left (J)"]) == [second["legs"]["left"]["work_j"], pytest.approx(
        70 * G_M_S2 * sum(7.0 + 0.1 * i for i in range(8)) / 100, abs=0.05)]
    assert list(table["Left vs right (reps)"]) == ["100 %", "80 %, under 90 %"]
    first_day = dt.datetime.fromtimestamp(first_at).strftime("%Y-%m-%d")
    assert [e.value for e in at.error] == [f"Left against right under 90 % on {first_day}: worth working on "
                                           "the weaker calf."]
    assert len(at.get("vega_lite_chart")) == 1  # reps per leg over time (no sessions: no other chart)


def test_my_progress_shows_no_heel_rise_section_without_a_test():
    from formcheck.checkers.base import CheckResult
    from formcheck.events import Rep
    from formcheck.sinks.history import save_result
    with HistoryStore() as store:
        save_result(store, CheckResult("calf_raise", 1, [Rep(1, 0.0, 0.8, 1.6, {"peak_height_cm": 7.0})], "side"),
                    "live")
    at = AppTest.from_string(HISTORY).run()
    assert not at.exception
    assert "Heel-rise tests" not in [h.value for h in at.subheader]
    assert not any("Reps left" in d.value.columns for d in at.dataframe)
