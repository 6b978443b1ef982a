"""Each page's logic through Streamlit's own test runner (no browser): review, history."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE_VIDEOS, SHARED_VIDEOS, make_clip, truth_reps
from formcheck.app.review import save_result
from formcheck.checkers.base import CheckResult, Fault, Rep
from formcheck.sinks.history import HistoryStore

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

REVIEW = "from formcheck.app import review_page\nreview_page.render()"
HISTORY = "from formcheck.app import history_page\nhistory_page.render()"
REPO = Path(__file__).resolve().parents[1]


def _calf_raise_clip(folder: Path) -> tuple[str, int]:
    """A calf-raise clip with a known count in `folder`: ours when rendered, else a real one (copied to tmp)."""
    for clip in sorted(SAMPLE_VIDEOS.glob("calf_raise*.mp4")):
        truth = clip.with_suffix("").with_suffix(".truth.json")
        n = truth_reps(truth)
        if n is not None:
            shutil.copy(clip, folder / clip.name)
            shutil.copy(truth, folder / truth.name)
            return clip.name, n
    real = SHARED_VIDEOS / "single_leg_calf_raise_fitbod_side.mp4"
    if not real.is_file():
        pytest.skip("no calf-raise clip: sample_videos/ not rendered and ../shared/videos absent")
    shutil.copy(real, folder / "calf_raise_real.mp4")
    return "calf_raise_real.mp4", 3  # labels.tsv: 3 reps


@pytest.mark.slow
def test_reviewing_a_clip_shows_the_count_table_and_saves_it(tmp_path, monkeypatch):
    samples = tmp_path / "samples"
    samples.mkdir()
    name, expected = _calf_raise_clip(samples)
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(samples))
    at = AppTest.from_string(REVIEW, default_timeout=300).run()
    at.radio[0].set_value("Use a sample video").run()
    assert next(b for b in at.selectbox if b.label == "Exercise").value == "calf_raise"  # taken from the clip
    at.button[0].click().run()

    assert not at.exception and not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reps"] == str(expected)
    assert at.header[0].value == f"Floor calf raise: {expected} reps"
    table = at.dataframe[0].value
    assert list(table["Rep"]) == list(range(1, expected + 1))
    assert "What to fix" in table.columns
    assert "Saved to your history: see My progress." in [c.value for c in at.caption]
    with HistoryStore() as store:
        [session] = store.sessions()
        assert session.source == f"clip:{name}" and session.rep_count == expected
        assert len(store.reps(session.id)) == expected

    at.run()  # a rerun (e.g. after a download) keeps the result on screen
    assert {m.label: m.value for m in at.metric}["Reps"] == str(expected)


def test_a_clip_with_nobody_in_it_gets_one_plain_line(tmp_path, monkeypatch):
    samples = tmp_path / "samples"
    samples.mkdir()
    make_clip(samples / "calf_raise_empty_room.mp4", n_frames=20)
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(samples))
    at = AppTest.from_string(REVIEW, default_timeout=120).run()
    at.radio[0].set_value("Use a sample video").run()
    at.button[0].click().run()
    assert not at.exception
    [err] = at.error
    assert err.value.startswith("nobody found in calf_raise_empty_room.mp4") and "\n" not in err.value
    assert not at.metric
    with HistoryStore() as store:
        assert store.sessions() == []  # nothing half-saved


def test_review_page_without_sample_clips_offers_upload_only(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(tmp_path / "none"))
    at = AppTest.from_string(REVIEW).run()
    assert not at.exception and not at.radio
    assert "No sample videos yet" in " ".join(c.value for c in at.caption)
    assert at.button[0].disabled  # nothing to check until a video is chosen
    titles = next(b for b in at.selectbox if b.label == "Exercise").options
    assert "Floor calf raise" in titles and "calf_raise" not in titles  # people see titles, not ids


def _save(store: HistoryStore, heights: list[float], source: str) -> int:
    reps = [Rep(i + 1, 2.0 * i, 2.0 * i + 0.8, 2.0 * i + 1.6, {"peak_height_cm": h},
                [Fault("low_rise", "Rise higher")] if h < 5 else []) for i, h in enumerate(heights)]
    return save_result(store, CheckResult("calf_raise", len(reps), reps, "side"), source)


def test_history_lists_saved_sessions_with_progress():
    with HistoryStore() as store:
        first = _save(store, [4.0, 6.5, 6.0], "clip:morning.mp4")
        _save(store, [7.25, 7.0], "live")
    at = AppTest.from_string(HISTORY).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Sessions": "2", "Reps in all": "5", "Best heel height": "7.2 cm"}
    sessions = at.dataframe[0].value
    assert sorted(sessions["From"]) == ["Live camera", "Video: morning.mp4"]
    assert sorted(sessions["Reps"]) == [2, 3]
    assert sorted(sessions["Best heel height (cm)"]) == [6.5, 7.2]  # shown to 0.1 cm
    picker = next(b for b in at.selectbox if b.label == "See the reps of one session")
    picker.set_value(first).run()
    reps = at.dataframe[1].value
    assert list(reps["Rep"]) == [1, 2, 3] and list(reps["What to fix"]) == ["Rise higher", "Good", "Good"]


def test_history_is_friendly_when_empty():
    at = AppTest.from_string(HISTORY).run()
    assert not at.exception
    assert "Nothing here yet" in at.info[0].value


def test_the_app_starts_on_its_first_page():
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value


LIVE = "from formcheck.app import live_page\nlive_page.render()"
PLANS = "from formcheck.app import plan_page\nplan_page.render()"


def test_plans_page_lists_every_plan_in_plain_words():
    from formcheck.run.plans import load_plans
    plans = load_plans()
    at = AppTest.from_string(PLANS).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [p.title for p in plans.values()]
    for table, plan in zip(at.table, plans.values()):
        df = table.value
        assert list(df["Exercise"]) == [it.title for it in plan.items]
        assert list(df["How much"]) == [it.target_text for it in plan.items]
    assert [b.label for b in at.button] == ["Start this workout"] * len(plans)


def test_live_page_picks_up_the_plan_chosen_on_the_plans_page():
    from formcheck.run.plans import load_plans
    plan_id = list(load_plans())[-1]
    at = AppTest.from_string(LIVE)
    at.session_state["start_plan"] = plan_id
    at.run()
    assert not at.exception
    assert at.selectbox(key="live_what").value == plan_id
    at.selectbox(key="live_what").set_value("__one__").run()
    assert at.selectbox(key="live_exercise").value == "calf_raise"
    assert not at.exception


def test_live_page_scores_the_heel_rise_test_itself():
    at = AppTest.from_string(LIVE)
    at.session_state["start_plan"] = "heel_rise_test"
    at.run()
    assert not at.exception
    assert any(n.label == "Your body mass (kg)" for n in at.number_input)
    assert not any("--body-mass-kg" in i.value for i in at.info)  # no longer sent to the command line
    at.selectbox(key="live_what").set_value("high_heels_8").run()
    assert not at.number_input
