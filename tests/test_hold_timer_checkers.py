"""Hold and timer checkers on synthetic landmark series with exact expected times, passes and switches."""
import math

import pytest

from builders import LYING_BACK, LYING_SIDE, SEATED, STANDING, animate, drop, jitter, series_from_poses
from conftest import shared_clip
from formcheck.checkers import make_checker
from formcheck.checkers.base import EventKind, run_on_series

FPS = 30


def hold_onset_s(lift_to_deg, threshold_deg=15.0):
    """Time into a cosine-eased 1 s ramp 0 -> lift_to_deg when the lift passes the threshold."""
    return math.acos(1 - 2 * threshold_deg / lift_to_deg) / math.pi


def leg_hold(hold_s, *, bad=None, bad_from_s=None, lift_deg=45.0):
    up = LYING_BACK.legs(hip_flex_deg=lift_deg, ankle_plantar_deg=-10)
    keys = [(0, LYING_BACK), (1.0, LYING_BACK), (2.0, up)]
    if bad is not None:
        keys += [(2.0 + bad_from_s, up), (3.0 + bad_from_s, bad)]
        keys += [(2.0 + hold_s, bad), (3.0 + hold_s, LYING_BACK)]
    else:
        keys += [(2.0 + hold_s, up), (3.0 + hold_s, LYING_BACK)]
    return animate(keys + [(5.0 + hold_s, LYING_BACK)], fps=FPS)


@pytest.mark.parametrize("yaw", [0, 40, 90])
def test_leg_extension_hold_time_and_milestones(yaw):
    s = series_from_poses(leg_hold(35.0), yaw_deg=yaw, root_height_m=0.1)
    result, events = run_on_series(make_checker("hip_width_leg_extension"), s)
    onset = hold_onset_s(45.0)
    expected = 35.0 + 2 * (1 - onset)  # ramps in and out past the 15° line
    assert result.summary["hold_s"] == pytest.approx(expected, abs=2 / FPS)
    assert len(result.summary["holds"]) == 1
    marks = [e.text for e in events if e.kind == EventKind.HOLD]
    assert marks == ["10 s", "20 s", "30 s: done!"]
    assert [e.kind for e in events].count(EventKind.SET_END) == 1
    assert result.corrections == [] and result.rep_count == 0


def test_leg_extension_gap_is_bridged_but_a_rest_splits_holds():
    s = series_from_poses(leg_hold(20.0), root_height_m=0.1)
    s = drop(s, 8.0, 8.5)  # half a second with nobody found: still one hold
    result, _ = run_on_series(make_checker("hip_width_leg_extension"), s)
    assert len(result.summary["holds"]) == 1
    two = series_from_poses(leg_hold(10.0) + [(t + 16.0, p) for t, p in leg_hold(10.0)], root_height_m=0.1)
    result, _ = run_on_series(make_checker("hip_width_leg_extension"), two)
    assert [round(h["held_s"]) for h in result.summary["holds"]] == [11, 11]
    assert result.summary["longest_hold_s"] == pytest.approx(result.summary["holds"][0]["held_s"])


@pytest.mark.parametrize("bad, code", [
    (dict(knee_flex_deg=40), "bent_knees"),
    (dict(hip_abd_deg=12), "feet_not_hip_width"),
    (dict(hip_abd_deg=-6), "feet_not_hip_width"),  # legs crossed toward each other
    (dict(ankle_plantar_deg=45), "toes_pointed"),
])
def test_leg_extension_corrections(bad, code):
    up = LYING_BACK.legs(hip_flex_deg=45.0, ankle_plantar_deg=-10)
    s = jitter(series_from_poses(leg_hold(30.0, bad=up.legs(**bad), bad_from_s=12.0), yaw_deg=30,
                                 root_height_m=0.1), px_sd=1.0, m_sd=0.003)
    result, events = run_on_series(make_checker("hip_width_leg_extension"), s)
    cues = [e for e in events if e.kind == EventKind.CUE]
    assert {e.code for e in cues} == {code}
    assert all(e.t_s > 14.0 for e in cues)  # nothing said during the good first 12 s
    assert result.summary["faults"][code] >= 1 and len(result.corrections) == 1


def test_leg_extension_not_timed_when_standing_or_legs_down():
    for pose, root in ((STANDING, None), (LYING_BACK, 0.1), (SEATED, 0.49)):
        s = series_from_poses(animate([(0, pose), (20, pose)], fps=FPS), root_height_m=root)
        result, events = run_on_series(make_checker("hip_width_leg_extension"), s)
        assert result.summary["hold_s"] == 0 and not events and result.warnings


# ---- foam roll ---------------------------------------------------------------------------------
def rolling(base, passes, *, t0=0.0, lead_s=2.0, pass_s=3.0, travel_m=0.25, tail_s=2.0):
    keys = [(t0, base), (t0 + lead_s, base)]
    t = t0 + lead_s
    for _ in range(passes):
        keys += [(t + pass_s / 2, base.but(travel_m=travel_m)), (t + pass_s, base)]
        t += pass_s
    return keys + [(t + tail_s, base)]


LEFT_SIDE_DOWN = LYING_SIDE.but(body_roll_deg=-90)


@pytest.mark.parametrize("yaw", [0, 30])
def test_foam_roll_passes_time_and_side_switch(yaw):
    first = rolling(LYING_SIDE, 3)  # right side: rolls 2-11 s
    second = rolling(LEFT_SIDE_DOWN, 2, t0=first[-1][0] + 1.0)  # left side: rolls 16-22 s
    s = jitter(series_from_poses(animate(first + second, fps=FPS), yaw_deg=yaw, root_height_m=0.15), seed=1)
    result, events = run_on_series(make_checker("foam_roll"), s)
    assert result.rep_count == 5
    assert result.summary["passes_by_side"] == {"right": 3, "left": 2}
    by_side = result.summary["active_s_by_side"]
    assert by_side["right"] == pytest.approx(9.0, abs=0.6)
    assert by_side["left"] == pytest.approx(6.0, abs=0.6)
    switches = [e for e in events if e.kind == EventKind.CUE and "Switched" in e.text]
    assert len(switches) == 1 and "left" in switches[0].text and 16.0 < switches[0].t_s < 18.0
    assert result.summary["switches"] == 1


def test_foam_roll_still_body_is_not_timed_and_a_pause_stops_the_clock():
    still = series_from_poses(animate([(0, LYING_SIDE), (30, LYING_SIDE)], fps=FPS), root_height_m=0.15)
    result, _ = run_on_series(make_checker("foam_roll"), jitter(still, px_sd=1.5))
    assert result.summary["active_s"] == 0 and result.rep_count == 0
    a = rolling(LYING_SIDE, 2)  # rolls 2-8 s, still until 10 s
    b = [(t + a[-1][0] + 10.0, p) for t, p in rolling(LYING_SIDE, 2)]  # 10 s more still, rolls 22-28 s
    s = series_from_poses(animate(a + b, fps=FPS), root_height_m=0.15)
    result, _ = run_on_series(make_checker("foam_roll"), s)
    assert result.rep_count == 4
    assert result.summary["active_s"] == pytest.approx(12.0, abs=1.0)


def test_foam_roll_on_back_counts_both_legs():
    keys = rolling(LYING_BACK.legs(hip_flex_deg=10), 4, pass_s=2.5, travel_m=0.15)
    s = series_from_poses(animate(keys, fps=FPS), yaw_deg=80, root_height_m=0.2)
    result, _ = run_on_series(make_checker("foam_roll"), s)
    assert result.rep_count == 4 and result.summary["passes_by_side"] == {"both": 4}


@pytest.mark.slow
@pytest.mark.parametrize("clip", ["foam_roll_hip_abductors_fitbod_A.mp4", "foam_roll_hip_abductors_fitbod_B.mp4"])
def test_foam_roll_real_clips_count_three_passes(clip):
    from formcheck.pipeline import analyze_series, extract_series
    series = extract_series(shared_clip(clip))
    result, _ = analyze_series(series, "foam_roll")
    assert result.rep_count == 3
    assert 8.0 < result.summary["active_s"] < 11.5  # rolling is seen from ~0.5 s to ~10.5 s
    assert result.summary["switches"] == 0
