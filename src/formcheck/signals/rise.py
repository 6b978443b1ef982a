"""A rise of the body on its feet, told from the picture moving: the shared rule of the floor and
seated calf raises (which read the hips', or seated the knees', rise in the picture, and a handheld
phone's sway moves those as much as a real rise does).

Measured before this rule: a still person filmed from a hand swaying 1-2 % of the picture (9 pictures
made from the labelled and rendered clips, tests/test_camera_sway_clips.py) counted 13 floor calf raises
over 5 clips and 14 seated ones over 4; with it (and heights read above the toes when the picture
moved), 3 and 8.
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.signals.counting import motion_jitter_sd


# The body rising on its feet leaves the toes on the floor: at the top of every rep of the rendered
# truth set, the model's toe had risen -0.2 to +0.4 of the hips' (or seated, the knees') rise in the
# picture (median 0.07), and at most 0.45 on the real clips.
MODEL_TOE_RISE_SHARE = 0.45
# Read against the toes, the rise must also stand out of that difference's own jitter (its second
# differences over the rep: a rise is smooth, jitter is not), as each end is read (RISE_END_WINDOW_S), by
# this many sd. Over the 9 swaying pictures of a still person (scratch harness; tests/test_camera_sway*.py)
# the fake rises went from 27 with no rule to 14 (the model's hips and toes also wander apart slowly,
# which no jitter floor tells from a rise), while synthetic real reps under 1-2 % sway and steady drift
# kept as many sets of 4 whole as with no rule (49 of 54), and the perturbation suite's shakier
# landmarks (2 % of the trunk per frame) lose no rep. Rules on the toes rising with the hips, tried
# first, stopped 22 fakes but kept only 20 of those 54 sets (half-height raises lost reps first).
RISE_OVER_JITTER_SD = 4.0
# Each end of a rise is read over this much time (the median of its frames: a frame's jitter is not the
# rise), and the rise must stand RISE_OVER_JITTER_SD sd of that reading out.
RISE_END_WINDOW_S = 0.3


def rose_on_feet(t_s: list[float], body_px: list[float], toe_px: list[float], t0_s: float, t1_s: float,
                 min_rise_px: float) -> bool | None:
    """Whether the body (hips, or seated the knees; heights in the picture, up = +) rose above its
    toes between t0_s (a rep's start) and t1_s (its top): read against the toes, which stay on the
    floor in a real rise and move with the picture when the phone moves, so a phone moving up, down
    or swaying during a real rise changes nothing, and a still body in a swaying picture does not
    rise. The rise must reach the share of the smallest rise counted (`min_rise_px`) that the model's
    own toe leaves (MODEL_TOE_RISE_SHARE), and stand out of its jitter (RISE_OVER_JITTER_SD). None
    when either is unseen there."""
    t = np.asarray(t_s, float)
    above = np.asarray(body_px, float) - np.asarray(toe_px, float)

    def at(when: float) -> float:
        v = above[np.abs(t - when) <= RISE_END_WINDOW_S / 2]
        v = v[np.isfinite(v)]
        return float(np.median(v)) if v.size else math.nan

    # the top: the highest reading from the start to a window past t1_s (the counter's peak and the
    # body's top need not be the same frame)
    tops = [at(ti) for ti in t[(t > t0_s) & (t <= t1_s + RISE_END_WINDOW_S)]]
    rise = max((x for x in tops if math.isfinite(x)), default=math.nan) - at(t0_s)
    if not math.isfinite(rise):
        return None
    during = above[(t >= t0_s - RISE_END_WINDOW_S) & (t <= t1_s + RISE_END_WINDOW_S)]
    during = during[np.isfinite(during)]
    per_end = max(1, int(np.sum(np.abs(t - t1_s) <= RISE_END_WINDOW_S / 2)))  # frames read at each end
    # the sd of the rise as read: each end's median of per_end frames (~1.25 sd / sqrt(n) each)
    reading_sd = (motion_jitter_sd(during) or 0.0) * 1.25 * math.sqrt(2.0 / per_end)
    floor = max((1.0 - MODEL_TOE_RISE_SHARE) * min_rise_px if min_rise_px > 0 else 0.0, RISE_OVER_JITTER_SD * reading_sd)
    return rise > floor


# The toes travelling more than this share of the body's rise above them, over a rep, is the picture
# moving: a real rise moves the model's toe by up to MODEL_TOE_RISE_SHARE, and its jitter adds to the
# spread; at 0.45 one still-camera seated clip of the truth set read as moved (its height 1.6 cm off).
PICTURE_MOVED_SHARE = 0.7


def picture_moved(toe_px: list[float], rise_above_toes_px: float) -> bool:
    """Whether the picture moved during a rep: the toes travelled (between their 5th and 95th
    percentiles) more than a real rise moves them (PICTURE_MOVED_SHARE of the body's rise above
    them). The rep's height is then read against the toes: read against the picture, a set filmed
    swaying ~10 % of the picture read 18-24 cm for 7.7 cm (a tester's clip)."""
    toe = np.asarray(toe_px, float)
    toe = toe[np.isfinite(toe)]
    if toe.size < 2 or not math.isfinite(rise_above_toes_px) or rise_above_toes_px <= 0:
        return False
    return float(np.percentile(toe, 95) - np.percentile(toe, 5)) > PICTURE_MOVED_SHARE * rise_above_toes_px


def rise_series_px(body_px: list[float], toe_px: list[float], against_toes: bool) -> list[float]:
    """The body's heights to read a rise from: as they are, or above the toes (`picture_moved`)."""
    if not against_toes:
        return list(body_px)
    return [b - t for b, t in zip(body_px, toe_px)]
