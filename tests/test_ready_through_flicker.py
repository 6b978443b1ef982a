"""Getting ready (holding the start position) is not restarted by a foot seen unsurely for a frame
or a few (CheckerConfig.ready_gap_s): the first rep of a set that starts soon after the person is
in place is still counted. Synthetic series, no model."""
import numpy as np
import pytest

from builders import SEATED, STANDING, animate, rep_keys, series_from_poses
from formcheck.checkers.base import run_on_series
from formcheck.checkers.calf_raise import CalfRaiseChecker
from formcheck.checkers.leg_extension import LegExtensionChecker
from formcheck.evaluation.perturb import FEET, unsure_feet

UP = STANDING.legs(ankle_plantar_deg=30)
STRAIGHT = SEATED.legs(knee_flex_deg=0.0)


def flicker_every(series, n: int):
    """The feet below the visibility cut on every n-th frame (a steady flicker, no long gap)."""
    out = unsure_feet(series, share=0.0)
    for lm in FEET:
        out.visibility[::n, lm] = 0.1
    return out


@pytest.mark.parametrize("make, rest, top, yaw", [
    (CalfRaiseChecker, STANDING, UP, 60.0),
    (LegExtensionChecker, SEATED, STRAIGHT, 90.0),
])
def test_first_rep_counts_with_the_feet_flickering_while_getting_ready(make, rest, top, yaw):
    series = series_from_poses(animate(rep_keys(rest, [top] * 3, lead_s=1.0)), yaw_deg=yaw)
    assert run_on_series(make(), series)[0].rep_count == 3
    for n in (3, 4, 6):
        result, _ = run_on_series(make(), flicker_every(series, n))
        assert result.rep_count == 3, n
    result, _ = run_on_series(make(), unsure_feet(series, share=0.3))
    assert result.rep_count == 3


def test_feet_gone_for_longer_than_a_flicker_still_restart_getting_ready():
    """Walking into the picture: a long stretch without the feet is a fresh start (a still moment
    needs the feet seen through it), so a set whose feet were gone just before its first rise
    counts from the reps themselves, not from a pose held across the gap."""
    series = series_from_poses(animate(rep_keys(STANDING, [UP] * 3, lead_s=1.0)), yaw_deg=60.0)
    gone = unsure_feet(series, share=0.0)
    t = gone.t_ms / 1000.0
    for lm in FEET:
        gone.visibility[(t > 0.2) & (t < 0.9), lm] = 0.1
    checker = CalfRaiseChecker()
    states = []
    for t_ms, s in gone.samples():
        checker.update(t_ms, s)
        states.append((t_ms / 1000.0, checker.ready))
    # not ready inside the gap: 0.7 s without the feet is more than a flicker
    assert not any(ready for t_s, ready in states if t_s < 0.9)
    checker.finish(float(gone.t_ms[-1]))
    assert checker.result().rep_count == 3
