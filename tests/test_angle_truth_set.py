"""The angle truth set (truth_set/angles/, `python -m formcheck.synth --angle-set`): hip abduction and ankle
point-and-flex on bodies and views the angle constants were not fitted on (body.abduction and body.ankle
were fitted on the shipped sample clips: hip abduction body 2 head-on, ankle flexion body 1 side-on).
Floors as measured; at 3/4 the ankle's degrees are not true, so none are given there."""
from pathlib import Path

import numpy as np
import pytest

from formcheck.body import abduction, ankle
from formcheck.evaluation.accuracy import clip_accuracy, load_truth_dir
from formcheck.pose.types import PoseSeries

ANGLES = Path(__file__).resolve().parents[1] / "truth_set" / "angles"
# worst |reported - true|, degrees, held out (measured: abduction 2.6 head-on, the 18° lift; ankle side-on 7.3 pointed
# (body 0, whose foot reads 0.61 of its turn against the fitted body's 0.74), 3.5 pulled up)
HELD_OUT_WORST_DEG = {("hip_abduction", "front", "abduction_deg"): 3.0,
                      ("ankle_flexion", "side", "plantarflexion_deg"): 7.5,
                      ("ankle_flexion", "side", "dorsiflexion_deg"): 4.0}


@pytest.fixture(scope="module")
def clips():
    return [clip_accuracy(t, PoseSeries.load(lp)) for t, lp in load_truth_dir(ANGLES)]


def _errors(clips, exercise, view, metric):
    return [e for c in clips if c.exercise == exercise and c.view == view and metric in c.metrics
            for e in c.metrics[metric].errors]


def test_held_out_of_the_fits(clips):
    fitted = {("hip_abduction", b, v) for b in abduction.FIT_BODIES for v in abduction.FIT_VIEWS} | \
             {("ankle_flexion", b, v) for b in ankle.FIT_BODIES for v in ankle.FIT_VIEWS}
    assert not {(c.exercise, c.body, c.view) for c in clips} & fitted


@pytest.mark.parametrize("exercise, view, metric", sorted(HELD_OUT_WORST_DEG))
def test_held_out_angles_within_their_floors(clips, exercise, view, metric):
    errors = _errors(clips, exercise, view, metric)
    assert len(errors) >= 2
    assert np.max(np.abs(errors)) <= HELD_OUT_WORST_DEG[(exercise, view, metric)], errors


def test_hip_abduction_at_three_quarters_within_5_deg(clips):
    """At 3/4 the lifted foot comes toward the camera: the model's world leg read the 36° lift as 23-24°.
    The picture's sideways travel over cos(camera yaw) reads it 33-36° (body 3 is in no fit at all; body
    1's calf-raise clips are in the yaw fit, `body.view.YAW_FIT_BODIES`)."""
    errors = _errors(clips, "hip_abduction", "oblique", "abduction_deg")
    assert len(errors) >= 4
    assert np.max(np.abs(errors)) <= 5.0, errors


def test_ankle_at_three_quarters_gives_no_degrees_but_counts_and_says_why():
    """At 3/4 the model's foot reads 20-28° more pointed at both ends and the feet differ by ~24°: no
    degrees are given there (nor a rating against the normal range); the cycles are counted, the reps
    still compare with each other, and the result says to film side-on for the degrees."""
    from formcheck.checkers.ankle_flexion import AT_AN_ANGLE_WARNING
    from formcheck.run.review import analyze_series
    from formcheck.sinks.figures import rep_words
    result, _ = analyze_series(PoseSeries.load(ANGLES / "ankle_flexion_oblique_b1.landmarks.npz"), "ankle_flexion")
    assert result.rep_count == 3
    assert AT_AN_ANGLE_WARNING in result.warnings
    for rep in result.reps:
        assert np.isnan(rep.metrics["plantarflexion_deg"]) and np.isnan(rep.metrics["dorsiflexion_deg"])
        assert not {"limited_point", "limited_flex"} & {f.code for f in rep.faults}
        assert "°" not in rep_words(rep.metrics, limit=None)
    assert all(v is None for k, v in result.summary.items() if k.startswith("best_"))
    side, _ = analyze_series(PoseSeries.load(ANGLES / "ankle_flexion_side_b3.landmarks.npz"), "ankle_flexion")
    assert AT_AN_ANGLE_WARNING not in side.warnings
    assert all(np.isfinite(r.metrics["plantarflexion_deg"]) for r in side.reps)


def test_pelvis_hike_recovered_from_the_hip_line():
    """A level pelvis: the hip line's rise is the landmark's share of the lift, no hike. A true 10° hike
    under a 30° abduction (leg at 40°): the rise is 10 + k x 30, and both come back."""
    k = abduction.HIP_LINE_TILT_PER_ABDUCTION
    assert abduction.pelvis_hike_deg(36.0, k * 36.0) == pytest.approx(0.0, abs=1e-9)
    assert abduction.pelvis_hike_deg(36.0, 0.0) == 0.0
    assert abduction.pelvis_hike_deg(40.0, 10.0 + k * 30.0) == pytest.approx(10.0)
    assert abduction.hip_abduction_deg(40.0, 10.0 + k * 30.0) == pytest.approx(30.0)


def test_small_ankle_cycles_are_counted(clips):
    """Each rendered point-and-flex clip has a half cycle between two full ones (11° pointed, 15° pulled
    up): a stiff ankle's cycle. All are counted, from the side and at 3/4 (2 of 3 were before the
    smallest counted swing came down from 20° to 15°)."""
    ankle_clips = [c for c in clips if c.exercise == "ankle_flexion"]
    assert len(ankle_clips) >= 3
    assert all(c.counted == c.true_reps == 3 for c in ankle_clips), [(c.name, c.counted) for c in ankle_clips]


def test_half_height_hip_abduction_lifts_are_counted(clips):
    """Each rendered hip-abduction clip lifts 36°, 18°, 36°. The 18° lift is counted head-on and at 3/4 (the
    model's world leg read it as a 7-11° swing, under the 12° floor, and it was never counted) and read
    within 3°."""
    hip = [c for c in clips if c.exercise == "hip_abduction"]
    assert len(hip) >= 3
    assert all(c.counted == c.true_reps == 3 for c in hip), [(c.name, c.counted) for c in hip]
    half = [(got, true) for c in hip for _, metric, got, true in c.rows if metric == "abduction_deg" and true < 25]
    assert len(half) == len(hip) and all(abs(got - true) <= 3.0 for got, true in half), half
