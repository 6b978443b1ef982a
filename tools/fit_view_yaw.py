#!/usr/bin/env python3
"""Fit `body.view.DEPTH_READ_SHARE` on its training bodies and print the held-out bodies' yaw error.

Every rendered clip in the truth set (`truth_set/`, `truth_set/angles/`) records where its camera
stood (`camera.azimuth_deg_from_front`). The model's body yaw (`body.view.body_yaw_deg`, the median
over the clip) under-reads a 3/4 camera; the share of tan(yaw) it keeps is fitted on the 3/4 clips of
`YAW_FIT_BODIES` (the median of tan(read) / tan(true)), and the corrected yaw (`camera_yaw_deg`) is
printed against the truth for every clip, fitted and held-out bodies apart.

    python tools/fit_view_yaw.py [truth_set]
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from formcheck.body.view import DEPTH_READ_SHARE, YAW_FIT_BODIES, body_yaw_deg, camera_yaw_deg
from formcheck.evaluation.accuracy import load_truth_dir
from formcheck.pose.types import PoseSeries

OBLIQUE_RANGE_DEG = (20.0, 70.0)  # a camera azimuth in this range is a 3/4 view


def clip_yaws(folder: Path) -> list[tuple[str, int, float, float]]:
    """(clip, body, true camera yaw, model's median yaw) for every truth clip under the folder."""
    rows = []
    for sub in [folder] + sorted(p for p in folder.iterdir() if p.is_dir()):
        for truth, lp in load_truth_dir(sub):
            s = PoseSeries.load(lp)
            ys = [body_yaw_deg(smp) for smp in (s.sample(i) for i in range(len(s))) if smp is not None]
            ys = [y for y in ys if math.isfinite(y)]
            az = abs(truth.camera_azimuth_deg) % 180.0
            rows.append((truth.name, truth.body, min(az, 180.0 - az), float(np.median(ys)) if ys else math.nan))
    return rows


def main(folder: str = "truth_set") -> int:
    rows = clip_yaws(Path(folder))
    lo, hi = OBLIQUE_RANGE_DEG
    fit = [math.tan(math.radians(y)) / math.tan(math.radians(t)) for _, b, t, y in rows
           if b in YAW_FIT_BODIES and lo <= t <= hi and math.isfinite(y)]
    share = float(np.median(fit))
    print(f"fit on the 3/4 clips of bodies {YAW_FIT_BODIES}: {len(fit)} clips, depth share {share:.3f} "
          f"(in code: {DEPTH_READ_SHARE})")
    for label, keep in (("fitted bodies", lambda b: b in YAW_FIT_BODIES),
                        ("held-out bodies", lambda b: b not in YAW_FIT_BODIES)):
        for view, (a, b) in (("front", (0, lo)), ("3/4", (lo, hi)), ("side", (hi, 90.1))):
            errs = [(y, camera_yaw_deg(y) - t) for _, bd, t, y in rows if keep(bd) and a <= t < b and math.isfinite(y)]
            if errs:
                raw = [y for y, _ in errs]
                e = np.array([d for _, d in errs])
                print(f"  {label:16s} {view:5s} {len(e):2d} clips: read {np.median(raw):5.1f}, corrected error "
                      f"median {np.median(e):+5.1f}, worst {e[np.argmax(np.abs(e))]:+5.1f} deg")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
