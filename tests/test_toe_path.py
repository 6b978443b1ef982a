"""The ankle alphabet's toe path: traced per foot in cm (the checker), drawn on equal axes for the feet that
traced letters, and the letter sizes said only for those feet (the app)."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import SAMPLE_VIDEOS, sample_series
from formcheck.app.charts import MIN_TRACED_S, path_chart, path_frame, traced_feet
from formcheck.app.exercise_view import describe
from formcheck.checkers.base import CheckResult
from formcheck.run.review import analyze_series

NAME = "ankle_alphabet_oblique"


@pytest.fixture(scope="module")
def result() -> CheckResult:
    if not (SAMPLE_VIDEOS / f"{NAME}.landmarks.npz").is_file():
        pytest.skip("sample clip not rendered (python -m formcheck.synth)")
    series, _ = sample_series(NAME)
    return analyze_series(series, "ankle_alphabet")[0]


def test_the_checker_reports_the_toe_path_in_cm_beside_its_signal(result):
    sig = result.signal
    assert len(sig["path_x_cm"]) == len(sig["path_y_cm"]) == len(sig["path_foot"]) == len(sig["t_s"]) > 100
    left = np.array([(x, y) for x, y, f in zip(sig["path_x_cm"], sig["path_y_cm"], sig["path_foot"]) if f == "left"])
    size = result.summary["range_by_foot"]["left"]
    # the path's extent is the size the report gives (that one trims 2 % at each end)
    assert np.ptp(left[:, 0]) == pytest.approx(size["width_cm"], rel=0.35)
    assert np.ptp(left[:, 1]) == pytest.approx(size["height_cm"], rel=0.35)
    assert abs(np.median(left[:, 0])) < 0.5 and abs(np.median(left[:, 1])) < 0.5  # centred on the path


def test_only_the_foot_that_traced_letters_is_drawn_and_sized(result):
    by_foot = {str(getattr(k, "value", k)): v for k, v in result.summary["active_s_by_foot"].items()}
    assert by_foot["left"] > 10 and by_foot["right"] < MIN_TRACED_S  # the resting foot's jitter
    assert traced_feet(result.summary) == ["left"]
    df = path_frame(result)
    assert set(df["Foot"]) == {"left foot"} and list(df["Order"]) == sorted(df["Order"])
    spec = path_chart(result).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == spec["encoding"]["y"]["scale"]["domain"]  # equal axes
    report = {"title": "Ankle alphabet", "rep_count": 0, "reps": [], "warnings": [], "summary": result.summary}
    [line] = describe(report, "timer").lines
    assert line.startswith("Letters traced with the left foot: about ")


def test_no_path_no_chart():
    empty = CheckResult("calf_raise", 0, [], "side", signal={"t_s": [0.0], "value": [1.0]})
    assert path_frame(empty).empty and path_chart(empty) is None
