"""Variations of a recorded landmark series that a phone user produces, with the count each should give.

Every transform is a pure function `PoseSeries -> PoseSeries`, applied to the landmark series (so
it runs without the model), together with the expected count derived from the labelled rep times:

- cut: the clip starts at the first rise (no still start pose), or mid-rep, or ends mid-rep. A rep
  counts when the clip shows both its rise and its fall (its whole middle half); a rep cut through
  its middle does not count, whichever end it is cut at.
- mirrored (a selfie camera): x flipped, left and right landmarks swapped.
- camera shake (per-frame translation, scale and rotation of the picture) and a slow handheld pan.
- frames resampled to 10/15/24/60 fps, 10 % of frames dropped, 0.3-0.7 s gaps with nobody found,
  3-6 s rests inserted between reps (the person stands still).
- the picture turned on its side (a phone clip whose rotation flag was lost), for the exercises
  done upright: the model's landmarks, picture and world alike, turn with the picture; and the
  camera tilted 15 degrees either way (a phone propped up leaning), its landmarks turned alike.
- reps done faster (x0.6 the time) or slower (x1.5), the landmarks shakier (jitter of 2 % of the
  trunk), and the feet seen unsurely (a fifth of the frames with the ankles, heels and toes below
  the visibility cut: dark shoes on a dark floor, a foot at the picture's edge).

Seeds are fixed: the suite is the same every run.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import PoseSeries

RepTimes = list[tuple[float, float]]


def parse_rep_times(text: str, reps: int | None) -> RepTimes:
    """'0.87-2.22; 3.47-5.09 (peaks ~...)' -> [(0.87, 2.22), (3.47, 5.09)]: the first `reps` ranges,
    ignoring notes in parentheses."""
    plain = re.sub(r"\([^)]*\)", "", text or "")
    found = [(float(a), float(b)) for a, b in re.findall(r"(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)", plain)]
    return found[:reps] if reps is not None else found


# ---- the transforms ------------------------------------------------------------------------

def _take(series: PoseSeries, idx: np.ndarray, t_ms: np.ndarray | None = None) -> PoseSeries:
    return PoseSeries(series.t_ms[idx] if t_ms is None else t_ms, series.xy_px[idx].copy(),
                      series.visibility[idx].copy(), series.world_xyz_m[idx].copy(), series.image_wh, series.fps)


def cut(series: PoseSeries, t0_s: float, t1_s: float) -> PoseSeries:
    """The frames from t0_s to t1_s, re-timed to start at 0 (as a trimmed clip would)."""
    idx = np.flatnonzero((series.t_ms >= 1000 * t0_s) & (series.t_ms <= 1000 * t1_s))
    out = _take(series, idx)
    out.t_ms = out.t_ms - out.t_ms[0] if len(out) else out.t_ms
    return out


_SWAP = [i for i in range(33)]
for _lm in L:
    if _lm.name.startswith("LEFT_"):
        _r = L[_lm.name.replace("LEFT_", "RIGHT_", 1)]
        _SWAP[_lm], _SWAP[_r] = int(_r), int(_lm)


def mirror(series: PoseSeries) -> PoseSeries:
    """The picture flipped left-right: x mirrored, and the model's left/right labels swap with it."""
    out = _take(series, np.arange(len(series)))
    out.xy_px = out.xy_px[:, _SWAP]
    out.xy_px[..., 0] = series.image_wh[0] - out.xy_px[..., 0]
    out.visibility = out.visibility[:, _SWAP]
    out.world_xyz_m = out.world_xyz_m[:, _SWAP]
    out.world_xyz_m[..., 0] *= -1
    return out


def _warp(series: PoseSeries, dx_px: np.ndarray, dy_px: np.ndarray, scale: np.ndarray,
          rot_deg: np.ndarray) -> PoseSeries:
    """Per-frame similarity transform of the picture about its centre (the world landmarks stay)."""
    out = _take(series, np.arange(len(series)))
    w, h = series.image_wh
    c = np.array([w / 2, h / 2])
    th = np.radians(rot_deg)
    cos, sin = np.cos(th)[:, None], np.sin(th)[:, None]
    p = out.xy_px - c
    x = scale[:, None] * (cos * p[..., 0] - sin * p[..., 1]) + c[0] + dx_px[:, None]
    y = scale[:, None] * (sin * p[..., 0] + cos * p[..., 1]) + c[1] + dy_px[:, None]
    out.xy_px = np.stack([x, y], -1)
    return out


def shake(series: PoseSeries, seed: int = 1) -> PoseSeries:
    """Handheld shake: jerky translation of about 1 % of the picture, 1 % scale and 1° of roll,
    wandering at 0.7-3 Hz plus frame-to-frame noise."""
    rng = np.random.default_rng(seed)
    n, w = len(series), series.image_wh[0]
    t = series.t_ms / 1000.0

    def wander(amp: float) -> np.ndarray:
        phase = rng.uniform(0, 2 * math.pi, 3)
        slow = sum(np.sin(2 * math.pi * f * t + ph) for f, ph in zip((0.7, 1.9, 3.1), phase)) / 3
        return amp * (slow + 0.3 * rng.standard_normal(n))
    return _warp(series, wander(0.01 * w), wander(0.01 * w), 1 + wander(0.01), wander(1.0))


def pan(series: PoseSeries) -> PoseSeries:
    """A slow handheld pan and zoom: the picture drifts 15 % of its width and zooms 10 % over the clip."""
    n, w = len(series), series.image_wh[0]
    u = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(n)
    return _warp(series, 0.15 * w * u, 0.05 * w * u, 1 + 0.10 * u, 3.0 * u)


def resample(series: PoseSeries, fps: float) -> PoseSeries:
    """The frames a camera running at `fps` would have given: the nearest recorded frame to each tick."""
    if len(series) < 2:
        return series
    ticks = np.arange(series.t_ms[0], series.t_ms[-1] + 1e-6, 1000.0 / fps)
    idx = np.clip(np.searchsorted(series.t_ms, ticks), 0, len(series) - 1)
    prev = np.clip(idx - 1, 0, len(series) - 1)
    idx = np.where(np.abs(series.t_ms[prev] - ticks) < np.abs(series.t_ms[idx] - ticks), prev, idx)
    out = _take(series, idx, ticks.copy())
    out.fps = float(fps)
    return out


def doubled(series: PoseSeries) -> PoseSeries:
    """Every frame twice, at twice the rate: 30 fps content in a 60 fps file, or a phone camera
    halving its rate in low light while the file keeps 60."""
    if len(series) < 2:
        return series
    step_ms = np.diff(series.t_ms, append=series.t_ms[-1] + (series.t_ms[-1] - series.t_ms[-2]))
    t_ms = np.repeat(np.asarray(series.t_ms, float), 2)
    t_ms[1::2] += step_ms / 2.0
    out = _take(series, np.repeat(np.arange(len(series)), 2), t_ms)
    out.fps = 2.0 * float(series.fps) if series.fps else None
    return out


def drop_frames(series: PoseSeries, share: float = 0.1, seed: int = 2) -> PoseSeries:
    """A share of frames never processed (a busy machine), at random."""
    keep = np.random.default_rng(seed).random(len(series)) >= share
    keep[0] = True
    return _take(series, np.flatnonzero(keep))


def gaps(series: PoseSeries, seed: int = 3, every_s: float = 3.0) -> PoseSeries:
    """Nobody found for 0.3-0.7 s about every `every_s` seconds (someone walks past, the model blinks)."""
    rng = np.random.default_rng(seed)
    out = _take(series, np.arange(len(series)))
    t = out.t_ms / 1000.0
    start = rng.uniform(0.5, every_s)
    while start < t[-1]:
        length = rng.uniform(0.3, 0.7)
        hole = (t >= start) & (t < start + length)
        out.xy_px[hole] = np.nan
        out.world_xyz_m[hole] = np.nan
        out.visibility[hole] = 0.0
        start += length + every_s * rng.uniform(0.7, 1.3)
    return out


def insert_rests(series: PoseSeries, at_s: list[float], seed: int = 4) -> PoseSeries:
    """A 3-6 s rest at each time in `at_s` (between reps): the frame there repeated with landmark jitter."""
    rng = np.random.default_rng(seed)
    dt = float(np.median(np.diff(series.t_ms))) if len(series) > 1 else 33.3
    pieces, t_parts, shift, last = [], [], 0.0, 0
    for at in sorted(at_s):
        i = int(np.clip(np.searchsorted(series.t_ms, 1000 * at), 0, len(series) - 1))
        pieces.append(np.arange(last, i))
        t_parts.append(series.t_ms[last:i] + shift)
        rest_ms = 1000 * rng.uniform(3.0, 6.0)
        k = int(rest_ms // dt)
        pieces.append(np.full(k, i))
        t_parts.append(series.t_ms[i] + shift + dt * np.arange(k))
        shift += k * dt
        last = i
    pieces.append(np.arange(last, len(series)))
    t_parts.append(series.t_ms[last:] + shift)
    idx = np.concatenate(pieces).astype(int)
    out = _take(series, idx, np.concatenate(t_parts))
    repeated = np.concatenate([np.zeros(len(p), bool) if j % 2 == 0 else np.ones(len(p), bool)
                               for j, p in enumerate(pieces)])
    # still landmarks are never exactly still: 1 % of the person's trunk of jitter per landmark
    trunk_px = np.nanmedian(np.linalg.norm(series.xy_px[:, L.LEFT_SHOULDER] - series.xy_px[:, L.LEFT_HIP], axis=-1))
    noise = rng.standard_normal(out.xy_px[repeated].shape) * 0.01 * (trunk_px if np.isfinite(trunk_px) else 100.0)
    out.xy_px[repeated] += noise
    return out


def tempo(series: PoseSeries, factor: float) -> PoseSeries:
    """The same movement taking `factor` times as long (under 1: faster reps), at the same frame rate
    (the nearest recorded frame to each tick)."""
    out = _take(series, np.arange(len(series)), series.t_ms * factor)
    return resample(out, series.fps) if series.fps else out


def jitter(series: PoseSeries, trunk_share: float = 0.02, seed: int = 5) -> PoseSeries:
    """Shakier landmarks (poor light, a small person in the picture): independent noise of
    `trunk_share` of the trunk on every landmark of every frame, and as much of a 0.5 m trunk in the
    world landmarks."""
    rng = np.random.default_rng(seed)
    out = _take(series, np.arange(len(series)))
    trunk_px = np.nanmedian(np.linalg.norm(series.xy_px[:, L.LEFT_SHOULDER] - series.xy_px[:, L.LEFT_HIP], axis=-1)) \
        if len(series) else math.nan
    if not np.isfinite(trunk_px):
        trunk_px = 0.2 * series.image_wh[1]
    out.xy_px = out.xy_px + rng.standard_normal(out.xy_px.shape) * trunk_share * trunk_px
    out.world_xyz_m = out.world_xyz_m + rng.standard_normal(out.world_xyz_m.shape) * trunk_share * 0.5
    return out


FEET = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)


def unsure_feet(series: PoseSeries, share: float = 0.2, seed: int = 6) -> PoseSeries:
    """The feet seen unsurely in `share` of the frames, at random: their visibility cut to 30 %."""
    rng = np.random.default_rng(seed)
    out = _take(series, np.arange(len(series)))
    unsure = rng.random(len(series)) < share
    for lm in FEET:
        out.visibility[unsure, lm] *= 0.3
    return out


def turned(series: PoseSeries, quarters: int = 1) -> PoseSeries:
    """The picture turned `quarters` quarter turns clockwise (1: the head toward the right), with the
    landmarks as the model gives them in it: picture and world turn alike (body.upright's turn back,
    the other way round)."""
    from formcheck.body.upright import turned_back_series
    return turned_back_series(series, (4 - quarters) % 4)


def tilted(series: PoseSeries, deg: float) -> PoseSeries:
    """The camera rolled `deg` degrees (a phone propped up leaning): the picture turns about its centre
    and the model's world landmarks, which follow the camera, turn alike (body.level's turn)."""
    from formcheck.body.level import rolled_series
    return rolled_series(series, deg)


# ---- the suite -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    name: str
    series: PoseSeries
    expected: int


def _mid(rep: tuple[float, float]) -> float:
    return 0.5 * (rep[0] + rep[1])


def variants(series: PoseSeries, reps: RepTimes, upright: bool = False) -> list[Variant]:
    """Every perturbation of one labelled clip, each with its expected count (upright: the exercise is
    done standing or seated, so a picture turned on its side is one too)."""
    n = len(reps)
    end_s = float(series.t_ms[-1]) / 1000.0 if len(series) else 0.0
    out = [Variant("as recorded", series, n)]
    if n:
        out.append(Variant("starts at the first rise", cut(series, max(0.0, reps[0][0] - 0.05), end_s), n))
    if n >= 2:
        out.append(Variant("starts mid-rep", cut(series, _mid(reps[0]), end_s), n - 1))
        out.append(Variant("ends mid-rep", cut(series, 0.0, _mid(reps[-1])), n - 1))
    out.append(Variant("mirrored", mirror(series), n))
    out.append(Variant("camera shake", shake(series), n))
    out.append(Variant("handheld pan", pan(series), n))
    if upright:
        out.append(Variant("picture on its side", turned(series, 1), n))
    out.append(Variant("camera tilted 15°", tilted(series, 15.0), n))
    out.append(Variant("camera tilted 15°", tilted(series, -15.0), n))
    for fps in (10, 15, 24, 60):
        if fps < series.fps + 1:
            out.append(Variant(f"{fps} fps", resample(series, fps), n))
    out.append(Variant("10% frames dropped", drop_frames(series), n))
    out.append(Variant("feet seen unsurely", unsure_feet(series), n))
    out.append(Variant("shakier landmarks", jitter(series), n))
    out.append(Variant("faster reps (x0.6 time)", tempo(series, 0.6), n))
    out.append(Variant("slower reps (x1.5 time)", tempo(series, 1.5), n))
    out.append(Variant("0.3-0.7 s gaps", gaps(series), n))
    if n >= 2:
        between = [0.5 * (a[1] + b[0]) for a, b in zip(reps, reps[1:])]
        out.append(Variant("3-6 s rests between reps", insert_rests(series, between), n))
    return out

