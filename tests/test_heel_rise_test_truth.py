"""The heel-rise test end to end on rendered bodies (truth_set/heel_rise_test_*: six single-leg raises
on the right leg at the test's 30 a minute, two bodies, side, 3/4 and head-on): the calf-raise checker's reps
scored by `run.heel_rise_test`, every figure against the renderer's truth. The left leg is the picture
mirrored (the model's left and right labels swap with it), so the symmetry index has a known answer:
the two clips' true work."""
from pathlib import Path

import pytest

from formcheck.evaluation.accuracy import TRUTH_OF, Truth
from formcheck.evaluation.perturb import mirror
from formcheck.pose.types import PoseSeries
from formcheck.run.heel_rise_test import END_STOPPED, G_M_S2, heel_rise_test
from formcheck.run.review import analyze_series

TRUTH_SET = Path(__file__).resolve().parents[1] / "truth_set"
BODY_MASS_KG = 70.0
CLIPS = [f"heel_rise_test_{view}_b{body}" for view in ("side", "oblique", "front") for body in (0, 2)]
HEIGHT_TOL_CM = 2.0  # the truth set's worst floor-raise height error (tests/test_truth_set.py)


def scored(name: str, mirrored: bool = False):
    """(the clip's truth, the checker's reps, their true heights in cm)."""
    truth = Truth(TRUTH_SET / f"{name}.truth.json")
    series = PoseSeries.load(TRUTH_SET / f"{name}.landmarks.npz")
    result, _ = analyze_series(mirror(series) if mirrored else series, "calf_raise")
    true_cm = []
    for rep in result.reps:
        matched = truth.match(rep.peak_s)
        true_cm.append(TRUTH_OF["calf_raise"]["peak_height_cm"](truth, matched, "right") if matched else float("nan"))
    return truth, result.reps, true_cm


@pytest.mark.parametrize("name", CLIPS)
def test_the_test_counts_weighs_and_times_every_rep_against_the_truth(name):
    truth, reps, true_cm = scored(name)
    assert len(reps) == 6  # so every counted height below is paired with its own rep's truth
    result = heel_rise_test(reps, BODY_MASS_KG)
    assert list(result.legs) == ["right"] and all(r.side == "right" for r in reps)
    leg = result.legs["right"]
    assert leg.reps == len(truth.reps) == 6  # every rep on the beat and as high as the first ones
    assert leg.end_reason == END_STOPPED
    assert all(abs(h - t) <= HEIGHT_TOL_CM for h, t in zip(leg.heights_cm, true_cm)), (leg.heights_cm, true_cm)
    true_work_j = BODY_MASS_KG * G_M_S2 * sum(true_cm) / 100.0
    assert leg.work_j == pytest.approx(true_work_j, rel=0.15)
    assert abs(leg.fatigue_pct) <= 15.0  # six even reps: no height lost


@pytest.mark.parametrize("body", [0, 2])
def test_limb_symmetry_of_one_body_filmed_from_two_sides(body):
    """One body's legs, one filmed from the side and the other at 3/4: the index matches the true one.
    (Two different bodies' legs read 10 points apart: each body's foot lever differs, which a person's
    own two feet share.)"""
    _, right_reps, right_true = scored(f"heel_rise_test_side_b{body}")
    _, left_reps, left_true = scored(f"heel_rise_test_oblique_b{body}", mirrored=True)
    assert all(r.side == "left" for r in left_reps)
    result = heel_rise_test(right_reps + left_reps, BODY_MASS_KG)
    assert result.reps_symmetry_pct == 100.0
    true_lsi = 100.0 * min(sum(left_true), sum(right_true)) / max(sum(left_true), sum(right_true))
    assert abs(result.work_symmetry_pct - true_lsi) <= 5.0, (result.work_symmetry_pct, true_lsi)
