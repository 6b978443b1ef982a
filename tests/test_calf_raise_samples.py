"""The calf-raise checker on our rendered sample clips' recorded landmarks, against exact ground truth."""
import json

import pytest

from conftest import SAMPLE_VIDEOS
from formcheck.run.review import analyze_series
from formcheck.pose.types import PoseSeries

CLIPS = ["calf_raise_oblique_clean", "calf_raise_oblique_faults", "calf_raise_side_clean", "calf_raise_side_faults"]


def load(name):
    lm, truth = SAMPLE_VIDEOS / f"{name}.landmarks.npz", SAMPLE_VIDEOS / f"{name}.truth.json"
    if not (lm.is_file() and truth.is_file()):
        pytest.skip(f"{name} not rendered/recorded yet (python -m formcheck.synth --all)")
    return PoseSeries.load(lm), json.loads(truth.read_text())


@pytest.mark.parametrize("name", CLIPS)
def test_count_and_each_injected_fault_at_its_rep(name):
    series, truth = load(name)
    result, _ = analyze_series(series, "calf_raise")
    assert result.rep_count == truth["rep_count"]
    assert result.view == truth["view"]
    got = {r.index: sorted(f.code for f in r.faults) for r in result.reps}
    want = {r["index"]: sorted(r["faults"]) for r in truth["reps"]}
    assert got == want


@pytest.mark.parametrize("name", CLIPS)
def test_rep_times_follow_the_truth(name):
    series, truth = load(name)
    result, _ = analyze_series(series, "calf_raise")
    for rep, t in zip(result.reps, truth["reps"]):
        assert abs(rep.start_s - t["start_s"]) < 0.6 and abs(rep.end_s - t["end_s"]) < 0.8
        assert t["start_s"] < rep.peak_s < t["end_s"]
