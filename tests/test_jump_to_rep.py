"""Jump to a rep: a click on a rep in the chart or a row of the table starts the checked video there."""
from __future__ import annotations


import pandas as pd
import pytest

from conftest import use_sample_folder
from formcheck.app.jump import JUMP_LEAD_S, rep_from_chart, rep_from_table, rep_start_s

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

REPS = [{"index": 1, "start_s": 0.3, "end_s": 1.0}, {"index": 2, "start_s": 2.4, "end_s": 3.3},
        {"index": 3, "start_s": None, "end_s": None}]


def test_the_video_starts_a_little_before_the_rep():
    assert rep_start_s(REPS, 2) == pytest.approx(2.4 - JUMP_LEAD_S)
    assert rep_start_s(REPS, 1) == 0.0  # never before the video's start
    assert rep_start_s(REPS, None) == 0.0 and rep_start_s(REPS, 9) == 0.0 and rep_start_s(REPS, 3) == 0.0


def test_the_picked_table_row_names_its_rep():
    table = pd.DataFrame({"Rep": [1, 2, 3], "What to fix": ["Good"] * 3})
    assert rep_from_table({"selection": {"rows": [1], "columns": []}}, table) == 2
    assert rep_from_table({"selection": {"rows": [], "columns": []}}, table) is None
    assert rep_from_table({"selection": {"rows": [7]}}, table) is None
    assert rep_from_table(None, table) is None


def test_the_clicked_chart_dot_names_its_rep():
    assert rep_from_chart({"selection": {"rep": [{"Rep": 3, "Fix": "Good"}]}}) == 3
    assert rep_from_chart({"selection": {"rep": []}}) is None
    assert rep_from_chart({"selection": {}}) is None and rep_from_chart(None) is None


def test_the_chart_offers_a_click_on_each_rep_dot():
    from formcheck.app.charts import signal_chart
    from formcheck.checkers.base import CheckResult, Rep
    result = CheckResult("calf_raise", 1, [Rep(1, 0.5, 1.0, 1.5, {}, [])], "side",
                         signal={"t_s": [0.0, 0.5, 1.0, 1.5, 2.0], "value": [0, 1, 3, 1, 0]})
    spec = signal_chart(result, select_param="rep").to_dict()
    params = spec.get("params", [])  # altair lifts a layer's selection to the top, naming its view
    assert [p["name"] for p in params] == ["rep"] and params[0]["select"]["fields"] == ["Rep"]
    assert "params" not in signal_chart(result).to_dict()


@pytest.mark.slow
def test_a_picked_rep_starts_the_video_there(tmp_path, monkeypatch):
    use_sample_folder(tmp_path, monkeypatch)
    at = AppTest.from_string("from formcheck.app import review_page\nreview_page.render()", default_timeout=300).run()
    at.radio[0].set_value("Use a sample video").run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    [video] = at.get("video")
    assert video.proto.start_time == 0
    reps = at.session_state["review"].report["reps"]
    assert len(reps) >= 2
    at.session_state["review_jump_rep"] = 2  # what a click on rep 2 (chart or table) sets
    at.run()
    [video] = at.get("video")
    assert video.proto.start_time == int(rep_start_s(reps, 2)) and video.proto.start_time > 0
    assert "From rep 2" in [c.value for c in at.caption]
