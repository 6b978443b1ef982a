#!/usr/bin/env python3
"""Fit `body.heel_rise.HEEL_RISE_PER_BODY_RISE` on its training split and print the held-out error.

The truth set (`truth_set/`, rendered by `python -m formcheck.synth --truth-set truth_set`) is split
by body AND by view (`body.heel_rise.FIT_BODIES`, `FIT_VIEWS`): the constant is fitted on the clips
whose body and view are both in the split, and judged on the clips whose body and view are both
outside it; the clips that share one of the two are printed apart. The checker itself runs on every
clip (so the fit sees exactly the figures a user gets); a reported height is proportional to the
constant, so the constant that makes the fitting clips' reps true on the median is the one in code
times the median of true / reported over those reps.

    python tools/fit_heel_rise.py [truth_set]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from formcheck.body.heel_rise import FIT_BODIES, FIT_VIEWS, HEEL_RISE_PER_BODY_RISE
from formcheck.evaluation.accuracy import clip_accuracy, load_truth_dir
from formcheck.pose.types import PoseSeries


def main(folder: str = "truth_set") -> int:
    groups: dict[str, list[tuple[float, float]]] = {"fit": [], "held out (other bodies, other views)": [],
                                                    "other bodies, fitted views": [],
                                                    "fitted bodies, other views": []}
    for truth, lp in load_truth_dir(folder):
        acc = clip_accuracy(truth, PoseSeries.load(lp))
        pairs = [(got, true) for _, metric, got, true in acc.rows if metric == "peak_height_cm" and got > 0]
        body_in, view_in = truth.body in FIT_BODIES, truth.view in FIT_VIEWS
        key = ("fit" if body_in and view_in else "held out (other bodies, other views)" if not (body_in or view_in)
               else "other bodies, fitted views" if view_in else "fitted bodies, other views")
        groups[key] += pairs
    fit = groups["fit"]
    k = HEEL_RISE_PER_BODY_RISE * float(np.median([t / g for g, t in fit]))
    print(f"fit on bodies {FIT_BODIES} x views {FIT_VIEWS}: {len(fit)} reps, constant {k:.3f} "
          f"(in code: {HEEL_RISE_PER_BODY_RISE})")
    for name, pairs in groups.items():
        if not pairs:
            continue
        for const in (k, HEEL_RISE_PER_BODY_RISE):
            err = np.array([g * const / HEEL_RISE_PER_BODY_RISE - t for g, t in pairs])
            print(f"  {name:<38} {len(pairs):>3} reps, with {const:.3f}: median |error| {np.median(abs(err)):.2f} cm, "
                  f"bias {np.median(err):+.2f}, worst {err[np.argmax(abs(err))]:+.2f} cm; "
                  f"within 1 cm: {np.mean(abs(err) <= 1.0):.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
