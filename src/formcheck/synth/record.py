"""Run the project's pose adapter over clips: detection stats, and the shipped clips'
`<name>.landmarks.npz` (a `formcheck.pose.types.PoseSeries`) that checker tests read offline."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck.pose.landmarks import PoseLandmark
from formcheck.pose.types import PoseSeries

LEG_LANDMARKS = [PoseLandmark[n] for n in (
    "LEFT_HIP", "RIGHT_HIP", "LEFT_KNEE", "RIGHT_KNEE", "LEFT_ANKLE", "RIGHT_ANKLE",
    "LEFT_HEEL", "RIGHT_HEEL", "LEFT_FOOT_INDEX", "RIGHT_FOOT_INDEX")]


def detect_series(path: Path) -> PoseSeries:
    from formcheck.pose.stream import clip_series
    return clip_series(path)


def series_stats(s: PoseSeries) -> dict:
    found = ~np.isnan(s.xy_px[:, 0, 0])
    vis = s.visibility[found][:, LEG_LANDMARKS] if found.any() else np.zeros((0, len(LEG_LANDMARKS)))
    return {"frames": len(s), "found_ratio": float(found.mean()) if len(s) else 0.0,
            "leg_visibility_median": float(np.median(vis)) if vis.size else 0.0,
            "leg_visibility_min_of_medians": float(np.median(vis, axis=0).min()) if vis.size else 0.0}


def record_shipped(directory: Path, only: list[str] | None = None) -> int:
    from formcheck.synth.clips import SHIPPED
    worst = 1.0
    for name in SHIPPED:
        if only and name not in only:
            continue
        clip = directory / f"{name}.mp4"
        s = detect_series(clip)
        s.save(directory / f"{name}.landmarks.npz")
        st = series_stats(s)
        worst = min(worst, st["found_ratio"])
        print(f"{name}: person found in {st['found_ratio']:.1%} of {st['frames']} frames, "
              f"leg landmark visibility median {st['leg_visibility_median']:.2f} "
              f"(weakest landmark {st['leg_visibility_min_of_medians']:.2f})")
    return 0 if worst >= 0.98 else 1
