"""Robust extremes of a short series: a figure a rep reached, not one frame's jitter."""
from __future__ import annotations

import math

import numpy as np

# A rep's least knee angle is the least that HELD_FRAMES frames in a row agree on (the median of
# each run of three): one frame of jitter does not make a bend. A real bend holds for many frames
# (the rendered bent-knee reps: 0.5 s and more, 15+ frames at 30 fps).
HELD_FRAMES = 3


def held_min(values: list[float] | np.ndarray, frames: int = HELD_FRAMES) -> float:
    """The least of the running medians of `frames` consecutive frames all seen (a frame unseen breaks a
    run: the frames either side of it are not "in a row"). With no such run, the median of the values
    seen; none: NaN."""
    v = np.asarray(values, float)
    seen = v[np.isfinite(v)]
    if len(seen) == 0:
        return math.nan
    if len(v) >= frames:
        runs = np.lib.stride_tricks.sliding_window_view(v, frames)
        whole = runs[np.all(np.isfinite(runs), axis=1)]
        if len(whole):
            return float(np.median(whole, axis=1).min())
    return float(np.median(seen))
