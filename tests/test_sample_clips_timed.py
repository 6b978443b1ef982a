"""Our rendered sample clips (sample_videos/X.landmarks.npz + X.truth.json): recognition of every clip,
and the hold/timer checkers against the ground truth. Skipped while the clips are not rendered yet."""
import json

import numpy as np
import pytest

from conftest import SAMPLE_VIDEOS
from formcheck.checkers import make_checker
from formcheck.checkers.base import run_on_series
from formcheck.pose.types import PoseSeries
from formcheck.setup.recognize import recognize_series


def _recorded():
    return sorted(p.name[: -len(".landmarks.npz")] for p in SAMPLE_VIDEOS.glob("*.landmarks.npz")
                  if (SAMPLE_VIDEOS / (p.name[: -len(".landmarks.npz")] + ".truth.json")).is_file())


def load(name):
    npz, truth = SAMPLE_VIDEOS / f"{name}.landmarks.npz", SAMPLE_VIDEOS / f"{name}.truth.json"
    if not (npz.is_file() and truth.is_file()):
        pytest.skip(f"sample clip {name} not rendered yet (python -m formcheck.synth --all --record-landmarks)")
    return PoseSeries.load(npz), json.loads(truth.read_text())


NONE = "no-sample-clips"


@pytest.mark.parametrize("name", _recorded() or [NONE])
def test_recognises_every_sample_clip(name):
    if name == NONE:
        pytest.skip("no sample clips recorded yet (python -m formcheck.synth --all --record-landmarks)")
    series, truth = load(name)
    exercise, reason = recognize_series(series)
    assert exercise == truth["exercise"], reason


def test_hip_width_leg_extension_hold_matches_truth():
    series, truth = load("hip_width_leg_extension_side")
    result, _ = run_on_series(make_checker("hip_width_leg_extension"), series)
    assert result.rep_count == truth["rep_count"]
    phases = np.array(truth["per_frame"]["phase"])
    t = np.array(truth["per_frame"]["t_s"])
    held_truth_s = float(np.sum(phases == "hold")) / series.fps
    rep = truth["reps"][0]
    assert held_truth_s - 1.0 <= result.reps[0].metrics["held_s"] <= rep["end_s"] - rep["start_s"] + 0.5
    assert {f.code for r in result.reps for f in r.faults} == {c for r in truth["reps"] for c in r["faults"]}
    assert t.size == len(series)


def test_ankle_alphabet_times_the_tracing_foot():
    series, truth = load("ankle_alphabet_oblique")
    result, _ = run_on_series(make_checker("ankle_alphabet"), series)
    phases = np.array(truth["per_frame"]["phase"])
    tracing_s = float(np.sum(phases == "hold")) / series.fps
    by_foot = result.summary["active_s_by_foot"]
    assert max(by_foot, key=by_foot.get) == "left"
    assert by_foot["left"] == pytest.approx(tracing_s, rel=0.3)
    assert result.summary["range_by_foot"]["left"]["area_cm2"] > 0
