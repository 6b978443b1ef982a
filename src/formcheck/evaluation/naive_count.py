"""The naive peak counter that `formcheck eval` prints beside each count: the bar to stay ahead of.

One signal per exercise from the same landmarks, smoothed over 0.2 s; a rep is a local maximum
whose prominence is at least 30 % of the signal's robust range (5th-95th percentile), peaks at
least 0.5 s apart (the counter of counting-pitfalls.md and issue 9). It needs no start pose, no
set detection and no posture check, which is why it beats rules that wait for a still start.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.body.geometry import angle_deg
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import PoseSample, PoseSeries

SMOOTH_S = 0.2
PROMINENCE_OF_RANGE = 0.30
MIN_PEAK_GAP_S = 0.5


def _heel_lift(s: PoseSample, sd: str) -> float:
    g = LEG[sd]
    if not s.seen(g["heel"], g["toe"], g["knee"], g["ankle"]):
        return math.nan
    shank = float(np.linalg.norm(s.px(g["knee"]) - s.px(g["ankle"])))
    return (s.px(g["toe"])[1] - s.px(g["heel"])[1]) / shank if shank > 5 else math.nan


def _knee_deg(s: PoseSample, sd: str) -> float:
    g = LEG[sd]
    if not s.seen(g["hip"], g["knee"], g["ankle"]):
        return math.nan
    return angle_deg(s.px(g["hip"]), s.px(g["knee"]), s.px(g["ankle"]))


def _foot_deg(s: PoseSample, sd: str) -> float:
    g = LEG[sd]
    if not s.seen(g["knee"], g["ankle"], g["toe"]):
        return math.nan
    return angle_deg(s.px(g["knee"]), s.px(g["ankle"]), s.px(g["toe"]))


def _ankle_gap(s: PoseSample) -> float:
    if not s.seen(L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HIP, L.RIGHT_HIP):
        return math.nan
    hip_w = float(np.linalg.norm(s.px(L.LEFT_HIP) - s.px(L.RIGHT_HIP)))
    return float(np.linalg.norm(s.px(L.LEFT_ANKLE) - s.px(L.RIGHT_ANKLE))) / max(hip_w, 1.0)


def _hip_travel(s: PoseSample) -> float:
    if not s.seen(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER):
        return math.nan
    hip = (s.px(L.LEFT_HIP) + s.px(L.RIGHT_HIP)) / 2
    sh = (s.px(L.LEFT_SHOULDER) + s.px(L.RIGHT_SHOULDER)) / 2
    return float(hip[0] / max(np.linalg.norm(sh - hip), 1.0))


def _per_side(fn, sign: float = 1.0):
    return lambda s: [sign * fn(s, sd) for sd in SIDES]


# exercise -> per-frame readings (one per side, or one); the signal rises during the effort
SIGNALS = {
    "calf_raise": _per_side(_heel_lift),
    "seated_calf_raise": _per_side(_heel_lift),
    "leg_extension": _per_side(_knee_deg),
    "leg_press": _per_side(_knee_deg, -1.0),  # the effort is the bend
    "ankle_flexion": _per_side(_foot_deg),
    "hip_abduction": lambda s: [_ankle_gap(s)],
    "foam_roll": lambda s: [_hip_travel(s)],
}


def signal(series: PoseSeries, exercise: str) -> np.ndarray:
    """The exercise's naive signal per frame (NaN where unseen): of several readings (legs), the one
    with the largest robust range over the clip."""
    fn = SIGNALS[exercise]
    rows = [fn(s) if s is not None else None for _, s in series.samples()]
    k = max((len(r) for r in rows if r is not None), default=1)
    arr = np.array([r if r is not None else [math.nan] * k for r in rows], float).reshape(len(rows), k)

    def spread(col: np.ndarray) -> float:
        v = col[np.isfinite(col)]
        return float(np.percentile(v, 95) - np.percentile(v, 5)) if v.size > 5 else -1.0
    return arr[:, int(np.argmax([spread(arr[:, j]) for j in range(k)]))]


def peaks(t_s: np.ndarray, x: np.ndarray) -> list[int]:
    """Indices of the counted peaks of x (see the module docstring)."""
    ok = np.isfinite(x)
    if ok.sum() < 5:
        return []
    t_s, idx_map = t_s[ok], np.flatnonzero(ok)
    x = x[ok]
    dt = float(np.median(np.diff(t_s))) if len(t_s) > 1 else 1 / 30
    n = max(1, int(round(SMOOTH_S / dt)))
    xs = np.convolve(np.pad(x, (n // 2, n - 1 - n // 2), mode="edge"), np.ones(n) / n, mode="valid")
    rng = float(np.percentile(xs, 95) - np.percentile(xs, 5))
    if rng <= 0:
        return []
    cand = [i for i in range(1, len(xs) - 1) if xs[i] > xs[i - 1] and xs[i] >= xs[i + 1]]
    prom = {}
    for i in cand:
        left = i
        while left > 0 and xs[left - 1] <= xs[i]:
            left -= 1
        right = i
        while right < len(xs) - 1 and xs[right + 1] <= xs[i]:
            right += 1
        base = max(xs[left:i + 1].min(), xs[i:right + 1].min())
        prom[i] = xs[i] - base
    kept: list[int] = []
    for i in sorted(cand, key=lambda j: -xs[j]):
        if prom[i] >= PROMINENCE_OF_RANGE * rng and all(abs(t_s[i] - t_s[j]) >= MIN_PEAK_GAP_S for j in kept):
            kept.append(i)
    return sorted(int(idx_map[i]) for i in kept)


def naive_count(series: PoseSeries, exercise: str) -> int | None:
    """The naive counter's count, or None for an exercise it has no signal for."""
    if exercise not in SIGNALS or len(series) == 0:
        return None
    return len(peaks(series.t_ms / 1000.0, signal(series, exercise)))
