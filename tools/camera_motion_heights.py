#!/usr/bin/env python3
"""How far a moving phone moves the calf-raise heights in cm: each rendered calf-raise clip's landmark
series as recorded, under `evaluation.perturb.shake` (1 % of the width, 1 % zoom, 1 degree of roll at
0.7-3 Hz) and `pan` (15 % drift, 10 % zoom, 3 degrees of roll over the clip); per rep (matched by peak
time) the height's shift from the recorded one, and the worst per clip and overall.
Usage: python tools/camera_motion_heights.py [sample_videos]
"""
from __future__ import annotations

import sys
from pathlib import Path

from formcheck.evaluation.perturb import pan, shake
from formcheck.pose.types import PoseSeries
from formcheck.run.review import analyze_series

CLIPS = ("calf_raise_oblique_clean", "calf_raise_oblique_faults", "calf_raise_side_clean", "calf_raise_side_faults")
MATCH_S = 0.5  # a rep's peak within this of a recorded rep's peak is that rep


def heights(series: PoseSeries) -> list[tuple[float, float]]:
    res, _ = analyze_series(series, "calf_raise")
    return [(r.peak_s, r.metrics["peak_height_cm"]) for r in res.reps]


def main(folder: str = "sample_videos") -> int:
    worst = {"shake": 0.0, "pan": 0.0}
    for name in CLIPS:
        series = PoseSeries.load(Path(folder) / f"{name}.landmarks.npz")
        base = heights(series)
        print(f"{name:<28} as recorded {[round(h, 1) for _, h in base]}")
        for label, fn in (("shake", shake), ("pan", pan)):
            moved = heights(fn(series))
            shifts = [h - hb for t, h in moved for tb, hb in base if abs(t - tb) < MATCH_S]
            w = max((abs(d) for d in shifts), default=float("nan"))
            worst[label] = max(worst[label], w)
            print(f"{'':<28} {label:<5} shifts {[round(d, 1) for d in shifts]}  worst {w:.2f} cm "
                  f"({len(shifts)}/{len(base)} reps matched)")
    print(f"worst shift: shake {worst['shake']:.2f} cm, pan {worst['pan']:.2f} cm")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
