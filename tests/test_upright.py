"""A picture turned on its side is read turned upright for the exercises done upright (body.upright);
a person bending over, lying down briefly, or straightening a knee is not a turned picture.
Synthetic series (no model); the labelled clips turned are in test_generalisation_real."""
import numpy as np
import pytest

from builders import LYING_BACK, SEATED, STANDING, animate, rep_keys, series_from_poses
from formcheck.body.upright import UprightPicture, turn_evidence, turned_back
from formcheck.checkers.base import run_on_series
from formcheck.checkers.calf_raise import CalfRaiseChecker
from formcheck.checkers.leg_extension import LegExtensionChecker
from formcheck.evaluation.perturb import turned  # the picture turned, landmarks as the model gives them
from formcheck.pose.types import PoseSample

UP = STANDING.legs(ankle_plantar_deg=30)
STRAIGHT = SEATED.legs(knee_flex_deg=0.0)


def one(pose, **kw):
    return series_from_poses([(0.0, pose)], **kw).sample(0)


@pytest.mark.parametrize("quarters", [0, 1, 2, 3])
def test_an_upright_body_shows_how_the_picture_is_turned(quarters):
    for pose, kw in ((STANDING, {}), (SEATED, {"root_height_m": 0.49}), (UP, {})):
        series = series_from_poses([(0.0, pose)], yaw_deg=60, **kw)
        assert turn_evidence(turned(series, quarters).sample(0)) == quarters


def test_bending_over_or_a_straight_knee_seated_is_no_evidence():
    assert turn_evidence(one(STANDING.but(trunk_flex_deg=90.0), yaw_deg=90)) is None
    assert turn_evidence(one(STRAIGHT, yaw_deg=90, root_height_m=0.49)) is None  # shin across, trunk up
    # one shin is enough: the raised leg of a single-leg stance points back
    assert turn_evidence(one(STANDING.leg("left", knee_flex_deg=90.0), yaw_deg=90)) == 0


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_turning_back_undoes_the_turn(quarters):
    series = series_from_poses(animate(rep_keys(STANDING, [UP])), yaw_deg=40)
    back = [turned_back(s, quarters) for _, s in turned(series, quarters).samples()]
    assert back[0].image_wh == series.image_wh
    assert np.allclose(np.stack([s.xy_px for s in back]), series.xy_px)
    assert np.allclose(np.stack([s.world_xyz_m for s in back]), series.world_xyz_m)


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_calf_raises_in_a_turned_picture_count_and_measure_as_upright(quarters):
    series = series_from_poses(animate(rep_keys(STANDING, [UP] * 4)), yaw_deg=60)
    upright, _ = run_on_series(CalfRaiseChecker(), series)
    got, _ = run_on_series(CalfRaiseChecker(), turned(series, quarters))
    assert upright.rep_count == got.rep_count == 4
    assert [r.metrics["peak_height_cm"] for r in got.reps] == \
        pytest.approx([r.metrics["peak_height_cm"] for r in upright.reps], abs=0.05)
    assert any("turned" in w for w in got.warnings) and not any("turned" in w for w in upright.warnings)


def test_leg_extensions_in_a_turned_picture_count():
    series = series_from_poses(animate(rep_keys(SEATED, [STRAIGHT] * 3)), yaw_deg=90, root_height_m=0.49)
    assert run_on_series(LegExtensionChecker(), series)[0].rep_count == 3
    assert run_on_series(LegExtensionChecker(), turned(series, 3))[0].rep_count == 3


def test_lying_down_for_a_rest_does_not_turn_an_upright_picture():
    first = series_from_poses(animate([(0.0, STANDING), (2.0, STANDING)]), yaw_deg=90)
    lying = series_from_poses(animate([(0.0, LYING_BACK), (4.0, LYING_BACK)]), yaw_deg=90)
    up = UprightPicture()
    for _, s in first.samples():
        up.update(s)
    assert up.decided and up.quarters == 0
    assert turn_evidence(lying.sample(0)) in (1, 3)  # a lying body looks like a turned standing one
    for t_ms, s in lying.samples():
        up.update(PoseSample(t_ms + 2100.0, s.xy_px, s.visibility, s.world_xyz_m, s.image_wh))
    assert up.quarters == 0 and up.note is None


def test_a_set_with_a_rest_lying_down_counts_every_rep_and_says_nothing_of_a_turn():
    reps = animate(rep_keys(STANDING, [UP] * 3))
    rest = [(t, LYING_BACK) for t, _ in animate([(0.0, LYING_BACK), (4.0, LYING_BACK)])]
    again = animate(rep_keys(STANDING, [UP] * 3, lead_s=1.0))
    t1, t2 = reps[-1][0] + 1 / 30, reps[-1][0] + 4.0 + 2 / 30
    frames = reps + [(t1 + t, p) for t, p in rest] + [(t2 + t, p) for t, p in again]
    got, _ = run_on_series(CalfRaiseChecker(), series_from_poses(frames, yaw_deg=60))
    assert got.rep_count == 6 and not any("turned" in w for w in got.warnings)


def test_a_first_frame_that_disagrees_does_not_decide_the_turn():
    s = one(STANDING, yaw_deg=60)
    up = UprightPicture()
    for i in range(40):  # 1.3 s at 30 fps, every frame showing no turn
        up.update(PoseSample(i * 33.3, s.xy_px, s.visibility, s.world_xyz_m, s.image_wh))
    assert up.decided and up.quarters == 0
    nan = PoseSample(1400.0, np.full_like(s.xy_px, np.nan), s.visibility, s.world_xyz_m, s.image_wh)
    assert turn_evidence(nan) is None  # NaN landmarks seen "surely" say nothing (and do not crash)


def test_a_body_seen_without_trunk_or_shins_is_left_as_it_is():
    s = one(STANDING, yaw_deg=60)
    s.visibility[:] = 0.1
    up = UprightPicture()
    assert up.update(s) is s and not up.decided
