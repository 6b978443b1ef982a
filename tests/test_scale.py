"""body.scale: the one running shank (and trunk) length estimator every checker sizes the person by."""
from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.body.scale import DEFAULT_SHANK_M, DEFAULT_SHANK_PX, MIN_SHANK_PX, RunningLength, ShankScale
from formcheck.pose.landmarks import LEG, NUM_LANDMARKS
from formcheck.pose.types import PoseSample


def sample(shank_px: dict[str, float], shank_m: dict[str, float] | None = None, hidden: tuple[str, ...] = ()
           ) -> PoseSample:
    """Knees straight above the ankles, each shank `shank_px` long in the picture."""
    xy = np.zeros((NUM_LANDMARKS, 2))
    world = np.zeros((NUM_LANDMARKS, 3))
    vis = np.ones(NUM_LANDMARKS)
    for i, (sd, length) in enumerate(shank_px.items()):
        leg = LEG[sd]
        xy[leg["knee"]] = (100.0 + 50 * i, 300.0)
        xy[leg["ankle"]] = (100.0 + 50 * i, 300.0 + length)
        world[leg["ankle"]] = (0.0, (shank_m or {}).get(sd, 0.4), 0.0)
        if sd in hidden:
            vis[leg["knee"]] = 0.1
    return PoseSample(0.0, xy, vis, world, (640, 480))


def test_defaults_until_a_shank_is_seen():
    scale = ShankScale()
    assert not scale.measured
    assert scale.px == DEFAULT_SHANK_PX and scale.cm == pytest.approx(100 * DEFAULT_SHANK_M)
    assert not scale.update(sample({"left": 80.0}, hidden=("left",)))  # knee not seen
    assert not scale.update(sample({"left": MIN_SHANK_PX - 1}))  # collapsed: not a shin
    assert not scale.measured


def test_each_leg_is_a_reading_and_one_bad_frame_does_not_move_the_median():
    scale = ShankScale()
    for _ in range(10):
        assert scale.update(sample({"left": 100.0, "right": 104.0}, {"left": 0.41, "right": 0.43}))
    scale.update(sample({"left": 20.0, "right": 20.0}, {"left": 0.1, "right": 0.1}))  # a leg pointing at the camera
    assert 100.0 <= scale.px <= 104.0  # the median of 10 x 100, 10 x 104 and two 20s (the mean: 95)
    assert 41.0 <= scale.cm <= 43.0


def test_longest_takes_the_longer_shin_per_frame():
    per_leg, longest = ShankScale(), ShankScale(longest=True)
    for _ in range(5):
        s = sample({"left": 60.0, "right": 100.0}, {"left": 0.38, "right": 0.40})
        per_leg.update(s)
        longest.update(s)
    assert longest.px == 100.0 and per_leg.px == pytest.approx(80.0)
    assert longest.cm == pytest.approx(40.0)


def test_only_the_legs_given_are_read():
    scale = ShankScale()
    scale.update(sample({"left": 90.0, "right": 50.0}), ("left",))
    assert scale.px == 90.0


def test_window_follows_a_person_who_moves_nearer():
    scale = ShankScale(window=10)
    for _ in range(10):
        scale.update(sample({"left": 80.0}))
    for _ in range(10):
        scale.update(sample({"left": 120.0}))
    assert scale.px == 120.0


def test_running_length_ignores_unmeasured_readings_and_clears():
    trunk = RunningLength(0.5)
    trunk.add(math.nan)
    assert trunk.value == 0.5
    for v in (0.48, 0.52, 0.50):
        trunk.add(v)
    assert trunk.value == pytest.approx(0.50)
    trunk.clear()
    assert not trunk.measured and trunk.value == 0.5
