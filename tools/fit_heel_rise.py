#!/usr/bin/env python3
"""Fit `body.heel_rise.HEEL_RISE_PER_BODY_RISE` on its training split and print the held-out error.

For every true rep of a clip: (true heel rise / true leg) / (rise of the hip, or seated the knee,
in the picture / the leg's image length while still), the same signals the checkers use. The
constant is the median over the FIT_CLIPS reps; the TEST_CLIPS (other bodies, other view) only
report how far it is off there. Usage: python tools/fit_heel_rise.py [sample_videos]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from formcheck.body.heel_rise import FIT_CLIPS, HEEL_RISE_PER_BODY_RISE, TEST_CLIPS, body_height_px, leg_px
from formcheck.evaluation.accuracy import Truth
from formcheck.pose.types import PoseSeries

STILL_S = 1.2  # the clips' still lead-in is ~1.5 s


def ratios(folder: Path, name: str) -> list[float]:
    truth = Truth(folder / f"{name}.truth.json")
    series = PoseSeries.load(folder / f"{name}.landmarks.npz")
    seated = truth.exercise == "seated_calf_raise"
    t_s, still = series.t_ms / 1000.0, series.t_ms / 1000.0 < STILL_S
    out = []
    for sd in ("left", "right"):
        y = np.array([body_height_px(series.sample(i), sd, seated, 0.0) for i in range(len(series))])
        legs_px = np.nanmedian([leg_px(series.sample(i), sd, 0.0) for i in np.flatnonzero(still)])
        base = np.nanmedian(y[still])
        for r in truth.reps:
            m = (t_s >= r.start_s) & (t_s <= r.end_s)
            rise_legs = (np.nanmax(y[m]) - base) / legs_px
            true_legs = truth.window("heel_height_cm", sd, r.start_s, r.end_s).max() / truth.true_length_cm(
                "hip", "knee", "ankle")
            out.append(true_legs / rise_legs)
    return out


def main(folder: str = "sample_videos") -> int:
    f = Path(folder)
    fit = [v for n in FIT_CLIPS for v in ratios(f, n)]
    k = float(np.median(fit))
    print(f"fit on {', '.join(FIT_CLIPS)}: {len(fit)} rep-legs, median {k:.3f} "
          f"(in code: {HEEL_RISE_PER_BODY_RISE})")
    for n in TEST_CLIPS:
        r = np.array(ratios(f, n))
        err = HEEL_RISE_PER_BODY_RISE / r - 1.0
        print(f"  held out {n:<26} needs {np.median(r):.3f}: the constant is off by "
              f"{100 * np.median(err):+.0f} % (worst {100 * err[np.argmax(abs(err))]:+.0f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
