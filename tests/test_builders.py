"""The synthetic figure measures back to the joint angles it was posed with."""
import pytest

from builders import SEATED, STANDING, animate, drop, rep_keys, series_from_poses
from formcheck.checkers import make_checker
from formcheck.checkers.base import run_on_series
from formcheck.body.geometry import angle_deg
from formcheck.pose.landmarks import LEG
from formcheck.body.view import body_yaw_deg, classify_view


@pytest.mark.parametrize("knee_flex", [0.0, 45.0, 90.0])
@pytest.mark.parametrize("yaw", [0.0, 45.0, 90.0])
def test_world_knee_angle_matches_pose(knee_flex, yaw):
    s = series_from_poses([(0.0, SEATED.legs(knee_flex_deg=knee_flex))], yaw_deg=yaw, root_height_m=0.49).sample(0)
    leg = LEG["left"]
    assert angle_deg(s.world(leg["hip"]), s.world(leg["knee"]), s.world(leg["ankle"])) == \
        pytest.approx(180 - knee_flex, abs=1e-6)


@pytest.mark.parametrize("yaw, view", [(0, "front"), (40, "oblique"), (90, "side")])
def test_view_from_yaw(yaw, view):
    s = series_from_poses([(0.0, STANDING)], yaw_deg=yaw).sample(0)
    assert classify_view(body_yaw_deg(s)) == view


def test_persons_left_is_image_right_when_facing_camera():
    s = series_from_poses([(0.0, STANDING)]).sample(0)
    assert s.px(LEG["left"]["hip"])[0] > s.px(LEG["right"]["hip"])[0]
    assert s.world(LEG["left"]["hip"])[0] > 0 and s.world(LEG["left"]["ankle"])[1] > 0  # y down


def test_calf_raise_checker_counts_builder_reps():
    top = STANDING.legs(ankle_plantar_deg=35)
    series = series_from_poses(animate(rep_keys(STANDING, [top] * 3)), yaw_deg=60)
    result, _ = run_on_series(make_checker("calf_raise"), series)
    assert result.rep_count == 3


def test_drop_marks_nobody_found():
    series = drop(series_from_poses(animate(rep_keys(STANDING, []))), 0.5, 1.0)
    assert series.sample(20) is None and series.sample(0) is not None
