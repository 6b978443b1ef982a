"""The naive peak counter and the perturbations, on synthetic series (no model, no clips)."""
import numpy as np

from builders import STANDING, animate, rep_keys, series_from_poses
from formcheck.checkers.base import run_on_series
from formcheck.checkers.calf_raise import CalfRaiseChecker
from formcheck.evaluation.naive_count import naive_count, peaks
from formcheck.evaluation.perturb import cut, drop_frames, gaps, insert_rests, pan, resample, shake

UP = STANDING.legs(ankle_plantar_deg=30)


def test_peaks_counts_prominent_maxima_only():
    t = np.arange(0, 10, 1 / 30)
    x = np.sin(2 * np.pi * 0.4 * t) + 0.05 * np.sin(2 * np.pi * 7 * t)  # 4 reps + a ripple
    assert len(peaks(t, x)) == 4
    x[100:110] = np.nan  # unseen frames are skipped, not zeros
    assert len(peaks(t, x)) == 4


def test_calf_raise_survives_every_perturbation_of_a_synthetic_set():
    series = series_from_poses(animate(rep_keys(STANDING, [UP] * 4)), yaw_deg=60)
    assert naive_count(series, "calf_raise") == 4
    for variant in (shake(series), pan(series), resample(series, 10), resample(series, 15),
                    drop_frames(series), gaps(series, every_s=4.0)):
        result, _ = run_on_series(CalfRaiseChecker(), variant)
        assert result.rep_count == 4


def test_no_still_start_pose_still_counts_every_rep():
    series = series_from_poses(animate(rep_keys(STANDING, [UP] * 4)), yaw_deg=60)
    result, _ = run_on_series(CalfRaiseChecker(), series)
    first = result.reps[0]
    # cut just as the first rise begins: no still moment before it
    started = cut(series, first.start_s + 0.05, 99.0)
    assert run_on_series(CalfRaiseChecker(), started)[0].rep_count == 4
    rested = insert_rests(series, [0.5 * (a.end_s + b.start_s) for a, b in zip(result.reps, result.reps[1:])])
    assert len(rested) > len(series)
    assert run_on_series(CalfRaiseChecker(), rested)[0].rep_count == 4
