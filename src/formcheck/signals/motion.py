"""Reps counted from the movement in the picture alone, for when the pose model cannot see the body.

A phone on the seat of a leg press, a clip of the lower legs only, a picture turned on its side:
the pose model finds nobody (or only pieces), while the exercise is still plain to see as a
movement that comes and goes. `io.kept_pictures.MotionThumbs` keeps a small grey picture of each
frame (48 px on the short side, at most 15 a second: ~4 KB each, ~4 MB for a minute); `motion_signal` turns them
into one number per frame, the picture's main way of changing over the clip (its first principal
component), after the camera's own shake is taken out; `count_motion` counts the swings of that
number with the shared rep counter (`signals.counting.RepCounter`), measured against the clip's
own range, and gives nothing when too little moves to tell a rep from noise.

How it was chosen (scratch study, the 21 labelled real clips and the 11 rendered samples, each
also mirrored, at 15 fps, with 6-level noise, with a 1 px frame-to-frame shake and a slow drifting
shake, and a still picture with noise and both shakes): the first component counts every clip
the pose model cannot read right (leg press filmed from the seat 4 of 4, leg extension turned 90
degrees 7 of 7, toe raises of the lower legs 3 of 3), unchanged by every variation; without
taking the shake out, a shaken still picture "counted" 4-17 reps. It is a fallback only: on
whole-body clips it misses reps the pose model counts (a leg extension's 3 reps read as 0, a
hip abduction's 3 as 2), and it cannot tell good form from bad.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.signals.counting import RepCounter, RepCounterConfig, RepSegment

# Blur (Gaussian sigma, thumbnail pixels) before comparing pictures: texture and compression
# noise go, the shapes of limbs stay.
MOTION_BLUR_PX = 2.0
# The signal is smoothed over this many seconds (a box): frame noise goes, a 1 s rep stays.
MOTION_SMOOTH_S = 0.2
# Frames looked at for the still background the shake is measured against (spread over the clip).
REFERENCE_FRAMES = 120
# A picture's shift from the background is trusted only when the phase correlation's peak holds at
# least this share of the picture (below it, measured on the plain white studio clips: 0.1-0.15
# with shifts of half the picture, i.e. none found), and only up to this part of the short side
# (a phone held in the hand shakes by a few per cent of the picture).
MIN_SHIFT_RESPONSE = 0.2
MAX_SHAKE_FRACTION = 0.15
# Phase correlation under-reads a sub-pixel shift (measured by a reviewer on the blurred thumbnails:
# 0.27 / 0.56 / 1.25 px for a true 0.5 / 1 / 2); on the sharp thumbnails, with the rest measured once
# more after the first shift, it reads within ~10 %.
SHIFT_PASSES = 2
# Columns (pixels) smoothed in time at once: ~18 MB of working memory for a 5 min clip.
BOX_COLUMNS = 512
# Power-iteration passes for the main component: it converges in a few when one movement dominates.
POWER_ITERATIONS = 30
# The least movement that is counted: the range (5th to 95th percentile) of the signal, in units of
# each picture's own grey-level spread. Measured: the real clips counted from movement 0.38-0.59
# (lower legs only 0.38, the leg press from its seat 0.59); a still scene with noise, a camera
# shaking by up to 1.3 % of the picture every frame (shake taken out as far as it can be) or the
# light swinging by +-30 % (pixels clipped white), 0.10-0.19 (tests/test_motion_count.py).
MIN_MOTION_RANGE = 0.2
RANGE_PERCENTILES = (5, 95)  # the range leaves out the 5 % most extreme frames at each end
# A video of a scene: its blurred thumbnails spread over at least this many grey levels (the 32
# labelled and rendered clips: 26-89 at their flattest; a dark or covered lens with sensor noise:
# under 1; random noise frames: ~5) ...
MIN_PICTURE_SPREAD_GREY = 10.0
# ... and each picture is like the one before (correlation; the same clips: 0.994 and up at their
# 5th percentile; noise: ~0).
MIN_FRAME_LIKENESS = 0.8
# A picture that correlates with the clip's median picture less than this is no part of the exercise
# (a hand over the lens, someone walking past close up, the phone picked up to stop): it is left out
# of the main component and is a gap in the count. Measured: every frame of the 32 labelled and
# rendered clips 0.74 and up (the leg press filmed from its seat, at the sled's far end); another
# scene ~0.01; half the lens covered 0.19. (Without it, 0.5 s of another scene at either end of a
# 4-rep clip became the clip's main change and nothing was counted.)
MIN_LIKE_THE_CLIP = 0.5
# The counter's floor as a part of that range: a rep must swing through most of the clip's range,
# as a rep from rest to the far end and back does; a sway of the picture through a third does not.
MOTION_MIN_SWING = 0.4
# The start position is read from the clip's first half second (where a set starts from rest).
START_S = 0.5


@dataclass(frozen=True)
class MotionCount:
    """Reps counted from the picture's movement: segments in seconds (the thumbnails' times)."""

    reps: list[RepSegment]
    range_spreads: float  # the signal's range, in grey-level spreads (see MIN_MOTION_RANGE)
    t_s: np.ndarray  # the signal, for charts (0 = rest, 1 = the far end of a rep; NaN: a gap)
    value: np.ndarray


def _steadied(thumbs: np.ndarray) -> np.ndarray:
    """Blurred float pictures with the camera's shake taken out: each picture is shifted back by
    its offset from the clip's still background (the median picture), measured on the sharp
    thumbnails by phase correlation and measured again once after the first shift (SHIFT_PASSES),
    when that offset is sure (MIN_SHIFT_RESPONSE, MAX_SHAKE_FRACTION)."""
    import cv2
    pics = thumbs.astype(np.float32)
    pick = np.linspace(0, len(pics) - 1, min(len(pics), REFERENCE_FRAMES)).round().astype(int)
    ref = np.median(pics[pick], axis=0).astype(np.float32)
    h, w = ref.shape
    window = cv2.createHanningWindow((w, h), cv2.CV_32F)
    most_px = MAX_SHAKE_FRACTION * min(h, w)
    for i, p in enumerate(pics):
        dx = dy = 0.0
        moved = p
        for _ in range(SHIFT_PASSES):
            (ddx, ddy), response = cv2.phaseCorrelate(ref, moved, window)
            if response < MIN_SHIFT_RESPONSE or max(abs(dx + ddx), abs(dy + ddy)) > most_px:
                break  # no sure shift: a plain background, or the movement itself
            dx, dy = dx + ddx, dy + ddy
            moved = cv2.warpAffine(p, np.float32([[1, 0, -dx], [0, 1, -dy]]), (w, h), borderMode=cv2.BORDER_REFLECT)
        pics[i] = cv2.GaussianBlur(moved, (0, 0), MOTION_BLUR_PX)
    return pics


def _box_rows(x: np.ndarray, n: int) -> np.ndarray:
    """Each column of x averaged over n rows (odd, centred; edges held), in place, a block of
    columns at a time (bounded memory)."""
    n = min(n | 1, (len(x) - 1) | 1) if len(x) > 2 else 1
    if n <= 1:
        return x
    for j in range(0, x.shape[1], BOX_COLUMNS):
        block = x[:, j:j + BOX_COLUMNS]
        c = np.cumsum(np.pad(block, ((n // 2, n // 2), (0, 0)), mode="edge"), axis=0, dtype=np.float64)
        c = np.vstack([np.zeros((1, block.shape[1])), c])
        block[:] = (c[n:] - c[:-n]) / n
    return x


def _main_component(x: np.ndarray, iterations: int = POWER_ITERATIONS) -> np.ndarray:
    """The unit vector along which the centred rows of x vary most (power iteration: a few
    passes over x, never its pixels-by-pixels covariance)."""
    v = x[np.argmax(np.einsum("ij,ij->i", x, x))].astype(np.float64)
    v /= np.linalg.norm(v) + 1e-12
    for _ in range(iterations):
        w = x.T @ (x @ v)
        norm = np.linalg.norm(w)
        if norm < 1e-12:
            break
        v = w / norm
    return v


def motion_signal(t_ms: np.ndarray, thumbs: np.ndarray) -> np.ndarray | None:
    """One value per picture: its score on the clip's main way of changing (first principal
    component of the steadied, blurred pictures, each scaled to its own mean and spread, so a
    change of light is not movement, and smoothed over MOTION_SMOOTH_S); in grey-level spreads.
    NaN for a picture unlike the rest of the clip (MIN_LIKE_THE_CLIP: a hand over the lens, the
    phone picked up to stop recording). None when the pictures are no video of a scene: too flat
    (MIN_PICTURE_SPREAD_GREY: a covered lens, a dark room) or unrelated frame to frame
    (MIN_FRAME_LIKENESS: noise)."""
    n = len(thumbs)
    if n < 3:
        return None
    pics = _steadied(thumbs).reshape(n, -1)
    pics -= pics.mean(axis=1, keepdims=True)
    spread = pics.std(axis=1, keepdims=True)
    if np.median(spread) < MIN_PICTURE_SPREAD_GREY:
        return None
    pics /= np.maximum(spread, MIN_PICTURE_SPREAD_GREY)
    likeness = np.einsum("ij,ij->i", pics[1:], pics[:-1]) / np.sqrt(
        np.einsum("ij,ij->i", pics[1:], pics[1:]) * np.einsum("ij,ij->i", pics[:-1], pics[:-1]) + 1e-12)
    if np.median(likeness) < MIN_FRAME_LIKENESS:
        return None
    centre = np.median(pics, axis=0)
    centre -= centre.mean()
    like_clip = (pics @ centre) / (np.linalg.norm(pics, axis=1) * np.linalg.norm(centre) + 1e-12)
    odd = like_clip < MIN_LIKE_THE_CLIP
    if odd.all():
        return None
    fps = (n - 1) / max(1e-3, (t_ms[-1] - t_ms[0]) / 1000.0)
    pics = _box_rows(pics, int(round(MOTION_SMOOTH_S * fps)))
    kept = pics[~odd]
    mean = kept.mean(axis=0)
    main = _main_component(kept - mean)
    y = ((pics - mean) @ main / np.sqrt(pics.shape[1])).astype(float)
    y[odd] = np.nan
    return y


def count_motion(t_ms: np.ndarray, thumbs: np.ndarray) -> MotionCount | None:
    """Reps in the pictures' movement, or None when too little moves (MIN_MOTION_RANGE) or the
    pictures are no video of a scene (`motion_signal`).

    The signal is scaled to its range (RANGE_PERCENTILES: 0 to 1) and turned so that the clip's
    first START_S (the start position) is low; a rep is then a swing up to the far end and back,
    counted by `RepCounter` with a floor of MOTION_MIN_SWING of the range (one on its way down as
    the clip ends counts; pictures unlike the clip are gaps it holds across, up to its max_gap_s)."""
    y = motion_signal(t_ms, thumbs)
    if y is None or np.count_nonzero(np.isfinite(y)) < 3:
        return None
    lo, hi = np.nanpercentile(y, RANGE_PERCENTILES)
    span = float(hi - lo)
    if span < MIN_MOTION_RANGE:
        return None
    t_s = np.asarray(t_ms, float) / 1000.0
    z = (y - lo) / span
    start = z[(t_s <= t_s[0] + START_S) & np.isfinite(z)]
    if len(start) and np.median(start) > 0.5:  # the start is at the high end: turn it low
        z = 1.0 - z
    counter = RepCounter(RepCounterConfig(min_swing=MOTION_MIN_SWING))
    reps = [seg for t, v in zip(t_s, z)
            if (seg := counter.update(float(t), float(v) if np.isfinite(v) else None)) is not None]
    last = counter.finish()  # a rep coming down as the clip ends
    if last is not None:
        reps.append(last)
    return MotionCount(reps, span, t_s, z)
