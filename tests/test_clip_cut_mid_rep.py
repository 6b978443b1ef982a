"""A clip cut while a rep is under way: at its end, while the person is lowering (a phone stopped as the
last rep comes down), and at its start, part-way up the first rise (a clip trimmed from a longer
video). The rep counts when the clip shows it; its height is not read against the rep's own top.
Synthetic series and signals (no model), and the labelled real clips' landmark series where
../shared is present."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from builders import STANDING, animate, rep_keys, series_from_poses
from formcheck.checkers.base import run_on_series
from formcheck.checkers.calf_raise import CalfRaiseChecker
from formcheck.evaluation.perturb import cut
from formcheck.pose.types import PoseSeries
from formcheck.signals.counting import RepCounter, RepCounterConfig
from formcheck.sinks.figures import rep_words

FPS = 30.0
UP = STANDING.legs(ankle_plantar_deg=30)


def fed(values, cfg=RepCounterConfig(min_swing=1.0)) -> tuple[int, RepCounter]:
    """Reps counted on `values` (one per frame at FPS), the stream then finished."""
    c, n = RepCounter(cfg), 0
    for i, x in enumerate(values):
        n += c.update(i / FPS, float(x)) is not None
    return n + (c.finish() is not None), c


def rise_then(drop_to: float, lowering_frames: int) -> np.ndarray:
    """Still at 0, up to 10 over 0.5 s, 0.3 s at the top, then `lowering_frames` frames of a steady
    lowering towards `drop_to` (the stream ends there)."""
    return np.concatenate([np.zeros(20), np.linspace(0, 10, 15), np.full(9, 10.0),
                           np.linspace(10, drop_to, lowering_frames + 1)[1:]])


# ---- the end of the stream ---------------------------------------------------------------------
def test_a_stream_ending_while_the_person_lowers_counts_the_rep():
    # 6 of 10 down over 4 frames (8.5, 7, 5.5, 4): past the 45 % a lowering must come down for the
    # last 2 frames, short of the 0.1 s (3 frames) a lowering must hold mid-stream
    n, _ = fed(rise_then(4.0, 4))
    assert n == 1


def test_one_last_frame_below_the_line_is_not_a_rep():
    # a single last frame 6 below the top: a frame of jitter could do that
    values = np.concatenate([rise_then(10.0, 3), [4.0]])
    assert fed(values)[0] == 0


def test_a_stream_ending_early_in_the_lowering_is_not_a_rep():
    # 28 % of the way down when the clip ends (a real clip's "partial 2nd rise (clip ends)")
    assert fed(rise_then(7.2, 4))[0] == 0
    # and a stream ending in the top hold is not one either
    assert fed(rise_then(10.0, 10))[0] == 0


def heights(result) -> list[float]:
    return [r.metrics["peak_height_cm"] for r in result.reps]


def calf_raises(n: int = 3, lead_s: float = 1.0):
    return series_from_poses(animate(rep_keys(STANDING, [UP] * n, lead_s=lead_s)), yaw_deg=60.0)


def rep_windows(lead_s: float = 1.0, n: int = 3, up_s: float = 1.0, top_s: float = 0.3, down_s: float = 1.0,
                rest_s: float = 0.8) -> list[tuple[float, float]]:
    """(start, end) of each rep of `calf_raises` (rep_keys' defaults)."""
    step = up_s + top_s + down_s + rest_s
    return [(lead_s + i * step, lead_s + i * step + up_s + top_s + down_s) for i in range(n)]


def test_a_calf_raise_clip_ending_as_the_last_rep_comes_down_counts_it():
    series = calf_raises()
    start, end = rep_windows()[-1]
    for at_s in (end - 0.4, end - 0.2, end):  # 60 %, 80 % and all of the way down (1 s lowering)
        result, _ = run_on_series(CalfRaiseChecker(), cut(series, 0.0, at_s))
        assert result.rep_count == 3, at_s


def test_a_calf_raise_clip_starting_part_way_up_the_first_rise_counts_it_at_its_height():
    series = calf_raises()
    whole, _ = run_on_series(CalfRaiseChecker(), series)
    assert whole.rep_count == 3
    full_cm = whole.reps[0].metrics["peak_height_cm"]
    start, _ = rep_windows()[0]
    # 0.3 and 0.5 s into a 1 s rise: the clip opens with the heels up, and the first still moment
    # is the top hold
    for into_s in (0.3, 0.5):
        result, _ = run_on_series(CalfRaiseChecker(), cut(series, start + into_s, 99.0))
        assert result.rep_count == 3, into_s
        first = result.reps[0].metrics["peak_height_cm"]
        # read down to where the heels came back, not from the top the set started at (that read
        # 4.0 cm for 8.7 on a real clip)
        assert first == pytest.approx(full_cm, abs=1.0), (into_s, first, full_cm)
        assert not any(f.code == "low_rise" for f in result.reps[0].faults)


def test_a_rep_later_in_the_set_is_still_read_from_the_heels_down():
    """The lower-of-both-ends reading is for the rep the clip opened on: a later rep whose heels
    end lower than they started (a dip after it) is read above its own start, as before."""
    series = calf_raises()
    start, _ = rep_windows()[0]
    result, _ = run_on_series(CalfRaiseChecker(), cut(series, start + 0.3, 99.0))
    whole, _ = run_on_series(CalfRaiseChecker(), series)
    for a, b in zip(result.reps[1:], whole.reps[1:]):
        assert a.metrics["peak_height_cm"] == pytest.approx(b.metrics["peak_height_cm"], abs=0.2)


# ---- the labelled real clips -------------------------------------------------------------------
# (clip, exercise, cut start s, cut end s, reps): cut 0.2 s into the first rise; cut as or just after
# the last rep's labelled end (labels.tsv)
REAL_CUTS = [
    ("calf_raise_fitbod_side.mp4", "calf_raise", 0.72, None, 3),  # rep 1 0.52-1.85
    ("calf_raise_fitbod_side.mp4", "calf_raise", 0.0, 7.62, 3),  # rep 3 5.96-7.62
    ("single_leg_calf_raise_fitbod_side.mp4", "calf_raise", 0.0, 4.22, 3),  # rep 3 3.64-4.22
    ("single_leg_calf_raise_fitbod_oblique.mp4", "calf_raise", 0.0, 4.59, 3),  # rep 3 3.97-4.59
    ("hip_abduction_standing_fitbod_front.mp4", "hip_abduction", 0.0, 5.87, 3),  # rep 3 4.97-5.84
    ("hip_abduction_standing_fitbod_oblique.mp4", "hip_abduction", 0.0, 6.62, 3),  # rep 3 5.67-6.62
    ("seated_calf_raise_machine_rearoblique.mp4", "seated_calf_raise", 0.0, 3.7, 1),  # rep 0.8-3.7
]


@pytest.mark.parametrize("clip, exercise, t0, t1, reps", REAL_CUTS)
def test_real_clips_cut_at_a_rep_count_it(real_series, clip, exercise, t0, t1, reps):
    from formcheck.run.review import analyze_series
    series = real_series(clip)
    result, _ = analyze_series(cut(series, t0, t1 if t1 is not None else 1e9), exercise)
    assert result.rep_count == reps


@pytest.mark.parametrize("toe_deg", [8.0, 15.0])
def test_a_toe_raise_held_after_the_first_rep_moves_no_standing_level(toe_deg):
    """A still start (rep 1 rises from the set's start level): a toe raise held 1 s after rep 1 (heel
    lift below the start level, the hips no lower) is not the person standing lower (a reviewer's
    case: it had re-read rep 2 at 8.3 cm for 9.65)."""
    toe = STANDING.legs(ankle_plantar_deg=-toe_deg)
    keys, t = [(0.0, STANDING), (1.5, STANDING)], 1.5
    for i in range(3):
        for dt, pose in ((1.0, UP), (0.3, UP), (1.0, STANDING), (0.8, STANDING)) + \
                (((0.6, toe), (1.0, toe), (0.6, STANDING), (0.8, STANDING)) if i == 0 else ()):
            t += dt
            keys.append((t, pose))
    keys.append((t + 1.5, STANDING))
    result, _ = run_on_series(CalfRaiseChecker(), series_from_poses(animate(keys), yaw_deg=60.0))
    whole, _ = run_on_series(CalfRaiseChecker(), calf_raises(lead_s=1.5))
    assert result.rep_count == 3
    for a, b in zip(result.reps, whole.reps):
        assert a.metrics["peak_height_cm"] == pytest.approx(b.metrics["peak_height_cm"], abs=0.3)


def test_a_cut_first_rep_is_read_at_its_height_with_no_rest_after_it():
    """Reps one after the other, no still moment between them (a reviewer: rep 1 then read 4.3 cm for
    9.6 and was called low): the level the next rise leaves from is where the person stands."""
    series = series_from_poses(animate(rep_keys(STANDING, [UP] * 3, lead_s=1.0, rest_s=0.0)), yaw_deg=60.0)
    whole, _ = run_on_series(CalfRaiseChecker(), series)
    assert whole.rep_count == 3
    # 0.7 s into the 1 s rise: the set starts still in the 0.3 s top hold
    result, _ = run_on_series(CalfRaiseChecker(), cut(series, 1.0 + 0.7, 99.0))
    assert result.rep_count == 3
    assert heights(result) == pytest.approx(heights(whole), abs=0.3)  # the later reps read 8.9 for 9.65
    assert not any(f.code == "low_rise" for r in result.reps for f in r.faults)


# (clip, exercise, cut start s): the first rep under way when the clip begins (labels.tsv rep times)
UNDER_WAY = [
    ("hip_abduction_standing_fitbod_front.mp4", "hip_abduction", 0.25),  # rep 1 0.20-0.87
    ("single_leg_calf_raise_fitbod_oblique.mp4", "calf_raise", 0.7),  # rep 1 0.70-1.74
]


@pytest.mark.parametrize("clip, exercise, t0", UNDER_WAY)
def test_a_rep_under_way_when_the_clip_begins_is_counted_not_judged(real_series, clip, exercise, t0):
    """Its tempo and range are not judged (checkers.base.judged_whole): no "Slow down" or "Go further"
    that the whole clip does not give that rep."""
    from formcheck.run.review import analyze_series
    series = real_series(clip)
    whole, _ = analyze_series(series, exercise)
    result, _ = analyze_series(cut(series, t0, 1e9), exercise)
    assert result.rep_count == whole.rep_count
    got = {f.code for f in result.reps[0].faults}
    assert got <= {f.code for f in whole.reps[0].faults}, got
    # nor timed: its first move's time is not shown (a tester saw "up 0.1 s" for a rise the clip cut)
    first_phase = "rise_s" if exercise == "calf_raise" else "up_s"
    assert math.isnan(result.reps[0].metrics[first_phase]), result.reps[0].metrics
    assert math.isfinite(result.reps[1].metrics[first_phase])  # the reps the clip shows whole are timed
    assert not [w for w in rep_words(result.reps[0].metrics, limit=None).split(", ") if w.startswith("up ")]


TRUTH_SET = Path(__file__).resolve().parent.parent / "truth_set"


@pytest.mark.parametrize("name", ["heel_rise_test_front_b0", "heel_rise_test_front_b2", "calf_raise_single_front_b1",
                                  "calf_raise_single_front_b3"])
def test_a_one_leg_clip_filmed_head_on_cut_at_a_rep_top_counts_the_reps_after_it(name):
    """Head-on on one leg the body's rise is measured (the heel is hidden), and a clip cut at the top of
    a rep took its standing level there: every later rise peaked below it and none was counted (0 of the
    heel-rise test's 5 after the cut). Once the person stands lower, that is the level."""
    truth = json.loads((TRUTH_SET / f"{name}.truth.json").read_text())
    reps = [(r["start_s"], r["end_s"]) for r in truth["reps"]]
    series = PoseSeries.load(TRUTH_SET / f"{name}.landmarks.npz")
    whole = [r.metrics["peak_height_cm"] for r in run_on_series(CalfRaiseChecker(), series)[0].reps]
    top = 0.5 * (reps[0][0] + reps[0][1])
    result, _ = run_on_series(CalfRaiseChecker(), cut(series, top, 1e9))
    assert result.rep_count == len(reps) - 1
    assert all(h >= 2.0 for h in [r.metrics["peak_height_cm"] for r in result.reps]), result.reps
    assert len(whole) == len(reps)


def test_a_clip_cut_in_a_rise_from_below_a_step_keeps_its_one_rep(real_series):
    """The guard: a set that began part-way up a rise (heels dropped below a step before it) moves no
    level before its first rep is counted: that first rep tells (a level moved at 0.27 s into such a cut
    had split its one rep in two)."""
    series = real_series("dumbbell_calf_raise_step_rear.mp4")
    for t0 in (1.1, 1.15):
        result, _ = run_on_series(CalfRaiseChecker(), cut(series, t0, 1e9))
        assert result.rep_count == 1, t0


def test_a_drift_before_the_first_rise_is_not_a_clip_cut_into_the_rep(real_series):
    """The real 3/4 calf raise drifts up slowly from its first frame (the model settling) until its first
    rise at ~0.7 s, so the rep's counted start is 0.07 s: it was taken for a rep the clip cut into, and
    shown with no "up" time and no tempo judged (a tester). Where the rise began is read from its own
    speed (checkers.base.rise_began_s): rep 1 is whole and timed (its "up" had read 1.1 s from the drift;
    on the hips' rise it is 0.26 s, as reps 2-3 read 0.33)."""
    from formcheck.run.review import analyze_series
    result, _ = analyze_series(real_series("calf_raise_fitbod_oblique.mp4"), "calf_raise")
    first = result.reps[0]
    assert first.start_s < 0.2 and not first.under_way
    assert 0.15 <= first.metrics["rise_s"] <= 0.6, first.metrics
    cut_result, _ = analyze_series(cut(real_series("calf_raise_fitbod_oblique.mp4"), 0.95, 1e9), "calf_raise")
    assert cut_result.reps[0].under_way and math.isnan(cut_result.reps[0].metrics["rise_s"])


def test_where_a_rise_began_is_read_from_its_own_speed():
    from formcheck.checkers.base import rise_began_s
    t = [i / 10 for i in range(30)]
    drift_then_rise = [0.01 * i if i < 10 else 0.1 + 0.2 * (i - 10) for i in range(30)]  # rise from 1.0 s
    began = rise_began_s(t, drift_then_rise, 0.0, max(drift_then_rise))
    assert 0.9 <= began <= 1.3, began
    assert math.isnan(rise_began_s(t, [0.0] * 30, 0.0, 1.0))


def test_a_first_rise_the_clip_shows_whole_is_judged(real_series):
    """The one-leg side clip's first rise starts at 0.37 s (labels), its raw first frame already a little
    up: read from the first frame over 20 % rather than the rise's own crossing, it was taken for a rep
    the clip cut into (a reviewer) and its "up" and "Slow down" were dropped."""
    from formcheck.run.review import analyze_series
    result, _ = analyze_series(real_series("single_leg_calf_raise_fitbod_side.mp4"), "calf_raise")
    assert not result.reps[0].under_way and math.isfinite(result.reps[0].metrics["rise_s"])


def test_a_leg_extension_cut_mid_lift_sets_no_best_for_the_whole_reps(real_series):
    """Cut 1.5 s into its first lift, the rep's start is the first frame's knee: it read "knees at the
    start 38°, range 140°" and made the whole reps' 90° "50° less than your best" (a reviewer)."""
    from formcheck.run.review import analyze_series
    series = real_series("leg_extension_machine_fitbod_oblique.mp4")
    for t0 in (1.3, 1.5):
        result, _ = analyze_series(cut(series, t0, 1e9), "leg_extension")
        first = result.reps[0]
        # where the lift set off from was not seen (the clip began within the start's window): not shown
        assert math.isnan(first.metrics["range_deg"]) and math.isnan(first.metrics["start_knee_deg"]), first.metrics
        assert not [f for r in result.reps for f in r.faults if f.code == "low_rise"], t0


def test_a_heel_dropped_below_a_step_before_the_set_is_not_where_the_person_stands():
    """Flat on a step, the heels dropped 20° below it, then raises back to flat: the stretch before the
    first rep moves no standing level (a reviewer: every rep read 17.8 cm from the stretch for 9.65)."""
    from builders import FOOT_LANDMARKS, body_points
    from formcheck.pose.landmarks import PoseLandmark as L

    def on_step(frames):
        out = []
        for t, p in frames:
            b = body_points(p)
            out.append((t, p.but(lift_m=-b[L.LEFT_FOOT_INDEX, 1] + b[list(FOOT_LANDMARKS), 1].min())))
        return out
    flat, drop, up = STANDING, STANDING.legs(ankle_plantar_deg=-20), STANDING.legs(ankle_plantar_deg=30)
    keys, t = [(0, flat), (1.5, flat), (2.3, drop), (2.8, drop)], 2.8
    for _ in range(3):
        keys += [(t + 1.0, up), (t + 1.3, up), (t + 2.3, flat), (t + 2.8, flat)]
        t += 2.8
    keys.append((t + 1.5, flat))
    result, _ = run_on_series(CalfRaiseChecker(), series_from_poses(on_step(animate(keys)), yaw_deg=90))
    assert result.rep_count == 3
    assert [r.metrics["peak_height_cm"] for r in result.reps[1:]] == pytest.approx([9.65, 9.65], abs=1.0)


def test_the_report_says_which_rep_the_clip_began_during(real_series):
    """A program reading the report sees why a rep's "up" is null (a reviewer)."""
    import json as _json
    from formcheck.run.review import analyze_series
    from formcheck.sinks.report import build_report
    result, _ = analyze_series(cut(real_series("calf_raise_fitbod_oblique.mp4"), 0.95, 1e9), "calf_raise")
    report = _json.loads(_json.dumps(build_report(result, source="x", model="full", fps=30.0, frames=100,
                                                  duration_s=7.0, resolution_wh=(1920, 1080), pose_found_ratio=1.0)))
    assert [r["under_way"] for r in report["reps"]] == [True, False, False]
    assert report["reps"][0]["metrics"]["rise_s"] is None and report["reps"][1]["metrics"]["rise_s"] > 0
