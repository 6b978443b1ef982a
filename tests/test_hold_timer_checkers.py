"""Hold and timer checkers on synthetic landmark series with exact expected times, passes and switches."""
import math

import numpy as np

import pytest

from builders import LYING_BACK, LYING_SIDE, SEATED, STANDING, animate, drop, hide, jitter, series_from_poses
from formcheck.checkers import make_checker
from formcheck.checkers.base import EventKind, run_on_series
from formcheck.pose.landmarks import PoseLandmark as L

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
    assert result.corrections == [] and result.rep_count == 1  # one hold
    assert result.reps[0].metrics["held_s"] == pytest.approx(expected, abs=2 / FPS)
    assert result.reps[0].faults == []


def test_leg_extension_gap_is_bridged_but_a_rest_splits_holds():
    s = series_from_poses(leg_hold(20.0), root_height_m=0.1)
    s = drop(s, 8.0, 8.5)  # half a second with nobody found: still one hold
    result, _ = run_on_series(make_checker("hip_width_leg_extension"), s)
    assert len(result.summary["holds"]) == 1
    two = series_from_poses(leg_hold(10.0) + [(t + 16.0, p) for t, p in leg_hold(10.0)], root_height_m=0.1)
    result, _ = run_on_series(make_checker("hip_width_leg_extension"), two)
    assert [round(h["held_s"]) for h in result.summary["holds"]] == [11, 11]
    assert result.rep_count == 2
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
    assert [f.code for f in result.reps[0].faults] == [code]  # the hold carries the fault


def test_leg_extension_not_timed_when_standing_or_legs_down():
    for pose, root in ((STANDING, None), (LYING_BACK, 0.1), (SEATED, 0.49)):
        s = series_from_poses(animate([(0, pose), (20, pose)], fps=FPS), root_height_m=root)
        result, events = run_on_series(make_checker("hip_width_leg_extension"), s)
        assert result.summary["hold_s"] == 0 and not events and result.warnings


def test_leg_extension_side_on_far_leg_hidden_behind_the_near_one_is_still_timed():
    # Filmed side-on with both legs up, the far leg is behind the near one: the model rates its
    # knee, ankle and foot ~0.2 visible (the rendered hip-width clip), so only one leg is seen.
    s = series_from_poses(leg_hold(12.0, lift_deg=85.0), yaw_deg=90, root_height_m=0.1)
    far = [L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
    s = hide(s, far, 1.5, 14.5, visibility=0.2)
    result, _ = run_on_series(make_checker("hip_width_leg_extension"), s)
    expected = 12.0 + 2 * (1 - hold_onset_s(85.0))
    assert result.rep_count == 1
    assert result.reps[0].metrics["held_s"] == pytest.approx(expected, abs=2 / FPS)
    assert result.corrections == []  # the feet's spacing is not judged from one foot


def test_leg_extension_one_leg_up_and_one_on_the_floor_is_not_the_hold():
    one_up = LYING_BACK.leg("left", hip_flex_deg=60.0, ankle_plantar_deg=-10)
    s = series_from_poses(animate([(0, LYING_BACK), (1, LYING_BACK), (2, one_up), (14, one_up)], fps=FPS),
                          yaw_deg=30, root_height_m=0.1)
    result, _ = run_on_series(make_checker("hip_width_leg_extension"), s)
    assert result.summary["hold_s"] == 0 and result.rep_count == 0


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
def test_foam_roll_real_clips_count_three_passes(real_series, clip):
    from formcheck.run.review import analyze_series
    result, _ = analyze_series(real_series(clip), "foam_roll")
    assert result.rep_count == 3
    assert 8.0 < result.summary["active_s"] < 11.5  # rolling is seen from ~0.5 s to ~10.5 s
    assert result.summary["switches"] == 0


# ---- arch roll -----------------------------------------------------------------------------------
def roll_foot(side, strokes, t0, *, lead_s=2.0, stroke_s=1.5, tail_s=2.0):
    """Seated, one foot rolls a ball forward and back (the knee opens ~18° and closes per stroke)."""
    keys = [(t0, SEATED), (t0 + lead_s, SEATED)]
    t = t0 + lead_s
    for _ in range(strokes):
        keys += [(t + stroke_s / 2, SEATED.leg(side, knee_flex_deg=72)), (t + stroke_s, SEATED)]
        t += stroke_s
    return keys + [(t + tail_s, SEATED)]


@pytest.mark.parametrize("yaw", [30, 90])
def test_arch_roll_time_per_foot_and_switch(yaw):
    first = roll_foot("right", 10, 0.0)  # rolls 2-17 s
    second = roll_foot("left", 6, first[-1][0] + 1.0)  # rolls 22-31 s
    s = jitter(series_from_poses(animate(first + second, fps=FPS), yaw_deg=yaw, root_height_m=0.49), seed=2)
    result, events = run_on_series(make_checker("arch_roll"), s)
    by_foot = result.summary["active_s_by_foot"]
    assert by_foot["right"] == pytest.approx(15.0, abs=0.8)
    assert by_foot["left"] == pytest.approx(9.0, abs=0.8)
    switches = [e for e in events if e.kind == EventKind.CUE]
    assert [e.text for e in switches] == ["Switched: now your left foot"] and 22.0 < switches[0].t_s < 26.0


def test_arch_roll_both_feet_moving_is_not_rolling():
    keys = [(0, SEATED)]
    for i in range(8):  # both knees open and close together: shifting, not rolling
        keys += [(1 + 1.5 * i + 0.75, SEATED.legs(knee_flex_deg=72)), (1 + 1.5 * (i + 1), SEATED)]
    s = series_from_poses(animate(keys, fps=FPS), yaw_deg=60, root_height_m=0.49)
    result, _ = run_on_series(make_checker("arch_roll"), s)
    assert result.summary["active_s"] == 0


# ---- ankle alphabet --------------------------------------------------------------------------------
def tracing(side, t0, dur_s, *, lead_s=2.0, tail_s=2.0, plantar_deg=25.0, rot_deg=15.0, period_s=2.0):
    """Seated, one leg lifted; the foot draws loops (ankle up/down with the leg turning in/out)."""
    base = SEATED.leg(side, knee_flex_deg=30, hip_flex_deg=80, hip_rot_deg=rot_deg)
    out = []
    for i in range(int((lead_s + dur_s + tail_s) * FPS)):
        u = i / FPS - lead_s
        p = base
        if 0 <= u <= dur_s:
            w = 2 * math.pi * u / period_s
            p = base.leg(side, ankle_plantar_deg=plantar_deg * math.sin(w), hip_rot_deg=rot_deg * math.cos(w))
        out.append((t0 + i / FPS, p))
    return out


def test_ankle_alphabet_time_trace_and_range_per_foot():
    frames = tracing("right", 0.0, 20.0) + tracing("left", 25.0, 10.0)
    s = jitter(series_from_poses(frames, yaw_deg=40, root_height_m=0.49), seed=3)
    checker = make_checker("ankle_alphabet")
    traces = []
    events = []
    for t_ms, sample in s.samples():
        events += checker.update(t_ms, sample)
        traces.append(len(checker.state.trace_xy_px))
    result = checker.result()
    by_foot = result.summary["active_s_by_foot"]
    assert by_foot["right"] == pytest.approx(20.0, abs=0.8)
    assert by_foot["left"] == pytest.approx(10.0, abs=0.8)
    assert [e.text for e in events if e.kind == EventKind.CUE] == ["Switched: now your left foot"]
    assert max(traces) >= 4.0 * FPS - 2  # the drawn path holds about the last 4 s
    rng = result.summary["range_by_foot"]
    # the toe path relative to the knee, measured directly on the figure's metric points
    rel = s.world_xyz_m[:, 32] - s.world_xyz_m[:, 26]  # right toe - right knee
    moving = (s.t_ms > 2500) & (s.t_ms < 21500)
    assert rng["right"]["height_cm"] == pytest.approx(100 * np.ptp(rel[moving, 1]), rel=0.25)
    assert rng["right"]["area_cm2"] > 20 and rng["left"]["area_cm2"] > 20


def test_ankle_alphabet_small_vs_big_letters():
    small = series_from_poses(tracing("right", 0.0, 10.0, plantar_deg=10, rot_deg=6), yaw_deg=40, root_height_m=0.49)
    big = series_from_poses(tracing("right", 0.0, 10.0), yaw_deg=40, root_height_m=0.49)
    r_small, _ = run_on_series(make_checker("ankle_alphabet"), small)
    r_big, _ = run_on_series(make_checker("ankle_alphabet"), big)
    a_small = r_small.summary["range_by_foot"]["right"]["area_cm2"]
    a_big = r_big.summary["range_by_foot"]["right"]["area_cm2"]
    assert a_big > 3 * a_small > 0


# ---- big-toe lift ------------------------------------------------------------------------------------
def test_big_toe_lift_is_a_plain_timer_and_says_so():
    keys = [(0, STANDING), (3, STANDING), (4, SEATED), (24, SEATED), (25, STANDING), (30, STANDING)]
    frames = animate(keys, fps=FPS)
    # seated from 4 s to 24 s; the figure's hips stay put, so give it a seat height throughout
    s = series_from_poses(frames, root_height_m=0.49, yaw_deg=30)
    result, events = run_on_series(make_checker("big_toe_lift"), s)
    assert result.summary["hold_s"] == pytest.approx(20.0, abs=1.5)
    assert [e.text for e in events if e.kind == EventKind.HOLD] == ["10 s"]
    assert "cannot see your toes" in result.warnings[0]
    from formcheck.checkers import get_checker_class
    assert any("cannot see your toes" in c for c in get_checker_class("big_toe_lift").checks)


def test_a_brief_lift_is_timed_but_not_listed_as_a_hold():
    s = series_from_poses(leg_hold(1.0), root_height_m=0.1)  # ~2.2 s above the line
    result, _ = run_on_series(make_checker("hip_width_leg_extension"), s)
    assert 1.5 < result.summary["hold_s"] < 3.0 and result.rep_count == 0


def test_timer_milestones_count_each_side_and_say_when_done():
    assert make_checker("arch_roll").milestone_text(120, "left") == "2 min on your left foot: done! Switch feet."
    assert make_checker("foam_roll").milestone_text(300, "right") == "5 min on your right side: done! Switch sides."
    keys = rolling(LYING_SIDE, 24, pass_s=3.0)  # rolls 2-74 s on the right side
    s = series_from_poses(animate(keys, fps=10), yaw_deg=20, root_height_m=0.15)
    result, events = run_on_series(make_checker("foam_roll"), s)
    assert [e.text for e in events if e.kind == EventKind.HOLD] == ["1 min on your right side"]
    assert result.rep_count == 24
