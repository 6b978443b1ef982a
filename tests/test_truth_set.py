"""The accuracy truth set (truth_set/: 4 bodies x side, 3/4 and head-on x both-leg, single-leg and
seated calf raises, each one full rise then a half-height one; only the pose model's landmark series
and the renderer's truth are kept). Counts, and heights in cm against the truth, with the floors
measured today; the heel-rise constant's split by body and by view (body.heel_rise)."""
from pathlib import Path

import numpy as np
import pytest

from formcheck.body.heel_rise import FIT_BODIES, FIT_VIEWS
from formcheck.evaluation.accuracy import clip_accuracy, load_truth_dir
from formcheck.pose.types import PoseSeries

TRUTH_SET = Path(__file__).resolve().parents[1] / "truth_set"
# Head-on, the stance foot's heel is behind the foot (the model scores it 0.39 seen, median, or reads a
# full rise as 0.015-0.08 shank): these are counted on the body's rise (checkers.calf_raise).
HEEL_HIDDEN = {f"calf_raise_single_front_b{b}" for b in range(4)}
# worst and median |reported - true| heel height, cm (measured on this set; before the body-rise rep
# rule and the seated knee-rise heights: 16 of 24 both-leg reps counted, seated median 2.6, worst 5.9)
FLOORS_CM = {"calf_raise": (2.1, 0.6), "seated_calf_raise": (2.7, 1.05)}


@pytest.fixture(scope="module")
def clips():
    return [clip_accuracy(t, PoseSeries.load(lp)) for t, lp in load_truth_dir(TRUTH_SET)]


def test_the_set_is_every_body_view_and_variant(clips):
    names = {c.name for c in clips}
    assert len(names) == 42
    assert {c.view for c in clips} == {"side", "oblique", "front"} and {c.body for c in clips} == {0, 1, 2, 3}


def test_every_rep_counted_full_and_half_height(clips):
    missed = {c.name: f"{c.counted}/{c.true_reps}" for c in clips
              if c.counted != c.true_reps or c.matched != c.true_reps}
    assert missed == {}


def test_a_single_leg_raise_filmed_head_on_is_counted(clips):
    """Full and half-height reps, each matched to its true rep, on the hips' rise (the heel unreadable)."""
    ours = [c for c in clips if c.name in HEEL_HIDDEN]
    assert len(ours) == 4
    assert {c.name: (c.counted, c.matched) for c in ours} == {c.name: (c.true_reps, c.true_reps) for c in ours}


@pytest.mark.parametrize("exercise", sorted(FLOORS_CM))
def test_heights_within_their_floors(clips, exercise):
    errors = [e for c in clips if c.exercise == exercise and "peak_height_cm" in c.metrics
              for e in c.metrics["peak_height_cm"].errors]
    worst, median = FLOORS_CM[exercise]
    assert len(errors) >= 20
    assert np.max(np.abs(errors)) <= worst and np.median(np.abs(errors)) <= median, \
        (np.max(np.abs(errors)), np.median(np.abs(errors)))


def test_held_out_bodies_and_views_read_true(clips):
    """Bodies and views that the heel-rise constant was not fitted on (split in body.heel_rise)."""
    held = [e for c in clips if c.body not in FIT_BODIES and c.view not in FIT_VIEWS
            for e in c.metrics.get("peak_height_cm", type("E", (), {"errors": []})()).errors]
    assert len(held) >= 6
    assert np.median(np.abs(held)) <= 0.65 and np.max(np.abs(held)) <= 2.5


# worst |reported - true| knee angle, degrees (head-on none is reported: the model's depth guess read
# straight knees 18-23° bent there, and seated knees 12-23° off)
KNEE_FLOORS_DEG = {("calf_raise", "min_knee_angle_deg"): 3.5, ("seated_calf_raise", "knee_deg"): 16.0}


@pytest.mark.parametrize("exercise, metric", sorted(KNEE_FLOORS_DEG))
def test_knee_angles_within_their_floors_and_none_head_on(clips, exercise, metric):
    ours = [c for c in clips if c.exercise == exercise]
    assert not any(metric in c.metrics for c in ours if c.view == "front")
    errors = [e for c in ours if metric in c.metrics for e in c.metrics[metric].errors]
    assert len(errors) >= 16 and np.max(np.abs(errors)) <= KNEE_FLOORS_DEG[(exercise, metric)]
