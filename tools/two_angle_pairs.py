#!/usr/bin/env python3
"""The real dev clips that show one performance from two angles (../shared/videos: *_oblique / *_side,
*_oblique / *_front): per-rep heights (cm) and angles (degrees) from each, and their difference.
Usage: python tools/two_angle_pairs.py ../shared/videos/labels.tsv --cache /work/cache
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from formcheck.evaluation.evaluate import clip_series, read_labels
from formcheck.run.review import analyze_series

PAIRS = (("calf_raise_fitbod_oblique.mp4", "calf_raise_fitbod_side.mp4"),
         ("single_leg_calf_raise_fitbod_oblique.mp4", "single_leg_calf_raise_fitbod_side.mp4"),
         ("hip_abduction_standing_fitbod_oblique.mp4", "hip_abduction_standing_fitbod_front.mp4"))
FIGURES = ("peak_height_cm", "min_knee_angle_deg", "abduction_deg")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("labels")
    ap.add_argument("--cache")
    a = ap.parse_args()
    rows = {r.file: r for r in read_labels(a.labels)}
    folder = Path(a.labels).parent
    for one, two in PAIRS:
        got = {}
        for f in (one, two):
            res, _ = analyze_series(clip_series(folder / f, None, Path(a.cache) if a.cache else None), rows[f].exercise)
            got[f] = {m: [r.metrics[m] for r in res.reps if m in r.metrics] for m in FIGURES}
        for m in FIGURES:
            x, y = got[one][m], got[two][m]
            if not x or not y:
                continue
            print(f"{m:<20} {one:<44} {np.round(x, 1)}  vs  {two:<40} {np.round(y, 1)}  "
                  f"median difference {np.median(x) - np.median(y):+.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
