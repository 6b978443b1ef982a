"""Robust extremes of a short series: a figure a rep reached, not one frame's jitter."""
from __future__ import annotations

import math

import numpy as np

# A rep's least knee angle is the least that HELD_FRAMES frames in a row agree on (the median of
# each run of three): one frame of jitter does not make a bend. A real bend holds for many frames
# (the rendered bent-knee reps: 0.5 s and more, 15+ frames at 30 fps).
HELD_FRAMES = 3


def held_min(values: list[float] | np.ndarray, frames: int = HELD_FRAMES) -> float:
    """The least of the running medians of `frames` consecutive finite values (NaNs skipped). With
    fewer values than that, the median of those there are; none: NaN."""
    v = np.asarray([x for x in values if math.isfinite(x)], float)
    if len(v) == 0:
        return math.nan
    if len(v) < frames:
        return float(np.median(v))
    runs = np.lib.stride_tricks.sliding_window_view(v, frames)
    return float(np.median(runs, axis=1).min())
