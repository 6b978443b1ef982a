"""The standing knee's angle in the picture: a straight leg's jitter is not a bend, a bend is read
whole at 3/4, and one frame of jitter is not the rep's least angle."""
import math

import numpy as np
import pytest

from conftest import SAMPLE_VIDEOS, shared_clip
from formcheck.body.measures import facing_x, knee_picture_deg
from formcheck.evaluation.accuracy import Truth, clip_accuracy
from formcheck.pose.landmarks import LEG
from formcheck.pose.types import PoseSample, PoseSeries
from formcheck.run.review import analyze_series
from formcheck.signals.robust import held_min

TRUTH_SET = SAMPLE_VIDEOS.parent / "truth_set"


def standing(knee_dx_px: float, toe_dx_px: float = 60.0) -> PoseSample:
    """Both legs: hip (300, 100), ankle (300, 500), the knee knee_dx_px image-right of the line, the
    toes toe_dx_px image-right of the heels."""
    xy = np.full((33, 2), 300.0)
    for side in ("left", "right"):
        leg = LEG[side]
        xy[leg["hip"]] = (300, 100)
        xy[leg["knee"]] = (300 + knee_dx_px, 300)
        xy[leg["ankle"]] = (300, 500)
        xy[leg["heel"]] = (290, 520)
        xy[leg["toe"]] = (290 + toe_dx_px, 525)
    return PoseSample(0.0, xy, np.ones(33), np.zeros((33, 3)), (640, 640))


def test_the_toes_say_which_way_the_person_faces():
    assert facing_x(standing(0, toe_dx_px=60)) == 1.0
    assert facing_x(standing(0, toe_dx_px=-60)) == -1.0
    assert facing_x(standing(0, toe_dx_px=5)) == 0.0  # a foot seen end-on (head-on) says nothing


def test_a_knee_behind_the_line_reads_straight_and_one_ahead_reads_bent():
    plain = math.degrees(2 * math.atan2(200, 10))  # 10 px off a 400 px leg: ~174.3
    ahead, behind = standing(+10), standing(-10)
    assert knee_picture_deg(ahead, "left", facing_x(ahead)) == pytest.approx(plain, abs=0.01)
    assert knee_picture_deg(behind, "left", facing_x(behind)) == 180.0
    # facing the other way, image-left is ahead
    back = standing(-10, toe_dx_px=-60)
    assert knee_picture_deg(back, "left", facing_x(back)) == pytest.approx(plain, abs=0.01)
    # the way the toes point unclear: the plain angle, as before
    unclear = standing(-10, toe_dx_px=5)
    assert knee_picture_deg(unclear, "left", facing_x(unclear)) == pytest.approx(plain, abs=0.01)


def test_one_frame_of_jitter_is_not_the_least_angle_a_held_bend_is():
    straight = [180.0, 179.0, 172.0, 180.0, 179.5, math.nan, 180.0]
    assert held_min(straight) == pytest.approx(179.0)
    bent = straight + [165.0, 162.0, 161.0, 163.0, 179.0]
    assert held_min(bent) == pytest.approx(162.0)
    assert held_min([math.nan]) != held_min([math.nan])  # NaN: nothing seen
    assert held_min([170.0, 176.0]) == pytest.approx(173.0)
    # a frame unseen breaks a run: 150 and 152 either side of it are not three frames in a row
    assert held_min([180.0, 150.0, math.nan, 152.0, 180.0, 179.0]) == pytest.approx(179.0)


def _knee_rows(folder, name):
    truth = Truth(folder / f"{name}.truth.json")
    acc = clip_accuracy(truth, PoseSeries.load(folder / f"{name}.landmarks.npz"))
    return [(got, true) for _, metric, got, true in acc.rows if metric == "min_knee_angle_deg"]


@pytest.mark.parametrize("name", ["calf_raise_oblique_faults", "calf_raise_side_faults"])
def test_the_rendered_bent_knee_rep_reads_its_true_bend(name):
    """The rendered faults clips' bent-knee rep (true 160): side-on 162.7, and at 3/4 162.6, where the
    picture's foreshortened 168.3 had been reported (8.3° off)."""
    if not (SAMPLE_VIDEOS / f"{name}.truth.json").is_file():
        pytest.skip("no rendered sample clips (python -m formcheck.synth --all)")
    bent = [(got, true) for got, true in _knee_rows(SAMPLE_VIDEOS, name) if true < 170]
    assert len(bent) == 1 and abs(bent[0][0] - bent[0][1]) <= 5.0, bent


def test_straight_knees_of_the_truth_set_read_straight():
    """Every side-on and 3/4 calf-raise rep of the truth set (true 180): within 5° (the plain picture
    angle read 170.6-179.0, worst 9.4° off, every one of them bent)."""
    names = sorted(p.name.removesuffix(".truth.json") for p in TRUTH_SET.glob("*.truth.json")
                   if (p.name.startswith(("calf_raise_", "heel_rise_test_")) and "_front_" not in p.name))
    rows = [r for n in names for r in _knee_rows(TRUTH_SET, n)]
    assert len(rows) >= 50
    errors = np.array([got - true for got, true in rows])
    assert np.max(np.abs(errors)) <= 5.0 and abs(np.median(errors)) <= 1.0, errors


@pytest.mark.slow
def test_one_performance_from_two_angles_gives_one_knee_angle(real_series):
    """The real calf raise filmed side-on and at 3/4 at once: the reps' least knee angles agree within
    3° (side 169.6-169.8, 3/4 170.1-171.4; the 3/4 picture's own 173.8-174.6 had been 5° off)."""
    knees = {}
    for view in ("side", "oblique"):
        result, _ = analyze_series(real_series(f"calf_raise_fitbod_{view}.mp4"), "calf_raise")
        knees[view] = [r.metrics["min_knee_angle_deg"] for r in result.reps]
    assert len(knees["side"]) == len(knees["oblique"]) == 3
    assert abs(np.median(knees["side"]) - np.median(knees["oblique"])) <= 3.0, knees
