#!/usr/bin/env python3
"""Fit `body.heel_rise.HEEL_RISE_PER_BODY_RISE` on its training split and print the held-out error.

The checker itself runs on every clip (so the fit sees exactly the figures a user gets: the hip's
reach from the toe, the heels-down scale, the top of each rep); a reported height is proportional to
the constant, so the constant that makes the FIT_CLIPS' reps true on the median is the one in code
times the median of true / reported over those reps. The TEST_CLIPS (other bodies, other view) only
report how far it is off there. Usage: python tools/fit_heel_rise.py [sample_videos]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from formcheck.body.heel_rise import FIT_CLIPS, HEEL_RISE_PER_BODY_RISE, TEST_CLIPS
from formcheck.evaluation.accuracy import Truth, clip_accuracy
from formcheck.pose.types import PoseSeries


def ratios(folder: Path, name: str) -> list[float]:
    """true / reported heel height, per matched rep (the mean of the legs used)."""
    acc = clip_accuracy(Truth(folder / f"{name}.truth.json"), PoseSeries.load(folder / f"{name}.landmarks.npz"))
    return [true / got for _, metric, got, true in acc.rows if metric == "peak_height_cm" and got > 0]


def main(folder: str = "sample_videos") -> int:
    f = Path(folder)
    fit = [v for n in FIT_CLIPS for v in ratios(f, n)]
    k = HEEL_RISE_PER_BODY_RISE * float(np.median(fit))
    print(f"fit on {', '.join(FIT_CLIPS)}: {len(fit)} reps, constant {k:.3f} (in code: {HEEL_RISE_PER_BODY_RISE})")
    for n in TEST_CLIPS:
        r = np.array(ratios(f, n))
        if not r.size:
            print(f"  held out {n:<26} reports no height from body.heel_rise")
            continue
        err = k / HEEL_RISE_PER_BODY_RISE / r - 1.0
        print(f"  held out {n:<26} with {k:.3f}, reported / true: median {100 * np.median(err):+.0f} % "
              f"(worst {100 * err[np.argmax(abs(err))]:+.0f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
