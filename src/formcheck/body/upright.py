"""A picture turned on its side (or upside down), turned back for the exercises done upright.

A phone clip whose rotation flag was lost, or a phone held sideways, shows a standing or seated
person lying across the picture. The pose model still finds them (in every frame of the labelled
calf raise and hip abduction clips turned 90 degrees), but its landmarks, the picture's and the
world's alike, turn with the picture: the calf raise then counted 4 reps of 3 and read heel heights
of 13-17 cm for 7-9, and the hip abduction never saw a standing start (0 of 3).

For an exercise done with the body upright (standing or seated: `Checker.upright_body`), both the
trunk (hips -> shoulders) and a shin (ankle -> knee) point along one of the picture's axes;
when they agree on a quarter turn other than none, the landmarks are turned back by it before the
checker sees them. A person bending over (trunk across, shins up and down) or straightening a knee
(shins across, trunk up) gives no evidence either way. Drawing stays on the picture as it is: only
the checker reads the turned landmarks.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import replace

import numpy as np

from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import MIN_VISIBILITY, PoseSample, PoseSeries

# A trunk or shin within this of one of the picture's axes points along it. Upright exercises lean
# less: a standing trunk within ~20 degrees of vertical, a leg extension's backrest ~30, a hip
# abduction's lean and a leg swung out ~25 (the mean of both shins); at 45 a direction is between
# two axes and says nothing.
MAX_OFF_AXIS_DEG = 35.0
# The first turn is taken once the frames that show one have agreed, with none against, for this long
# and this many frames. Until then each frame that shows a turn is turned by its own: read unturned, the
# first frames of a turned seated calf raise set its scale and start, and it read a 15 cm rise as 82 cm.
FIRST_HOLD_S = 1.0
FIRST_AGREEING_FRAMES = 5
# After that a new turn must hold this long, in this share of the frames that show one (and this many of
# them): a recorded clip or a camera does not turn midway, but a person lying down shows a "turn" (trunk
# and a resting shin along one axis), and a short rest lying down between sets is not one. The cost
# either way: a rest (or a set begun lying, as after foam rolling in a plan) longer than this is read
# turned once the person is up, for up to as long again; a wrong first reading lasts this long.
CHANGE_HOLD_S = 5.0
CHANGE_SHARE = 0.9
CHANGE_MIN_FRAMES = 20
# The result says the picture was turned when it was read turned for at least this share of the time
# it was read at all.
NOTE_SHARE = 0.5

_SIDES = ((L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_KNEE, L.RIGHT_ANKLE))


def _quarter(dx: float, dy: float) -> int | None:
    """Which way a picture vector points, in quarter turns clockwise from up (0 up, 1 right, 2 down,
    3 left), or None when it is more than MAX_OFF_AXIS_DEG from every axis."""
    if not (math.isfinite(dx) and math.isfinite(dy)):
        return None
    deg = math.degrees(math.atan2(dx, -dy))  # 0 = up, 90 = right (the picture's y points down)
    q = round(deg / 90.0)
    if abs(deg - 90.0 * q) > MAX_OFF_AXIS_DEG:
        return None
    return q % 4


def turn_evidence(sample: PoseSample, min_visibility: float = MIN_VISIBILITY) -> int | None:
    """The quarter turns (clockwise) the picture shows an upright body turned by, when the trunk
    and a shin seen agree on it; None when they are not seen or do not agree."""
    if not sample.seen(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, min_visibility=min_visibility):
        return None
    xy = sample.xy_px
    up = (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2 - (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2
    trunk_q = _quarter(*up)
    if trunk_q is None:
        return None
    # either shin will do: a single-leg stance's raised shin, or a leg swung out, points elsewhere
    for knee, ankle in _SIDES:
        if sample.seen(knee, ankle, min_visibility=min_visibility) and _quarter(*(xy[knee] - xy[ankle])) == trunk_q:
            return trunk_q
    return None


def turned_back(sample: PoseSample, quarters: int) -> PoseSample:
    """The sample as seen in the picture turned back by `quarters` quarter turns (counter-clockwise),
    picture and world landmarks alike; distances and left/right are unchanged."""
    q = quarters % 4
    if q == 0:
        return sample
    w, h = sample.image_wh
    x, y = sample.xy_px[:, 0], sample.xy_px[:, 1]
    wx, wy, wz = sample.world_xyz_m[:, 0], sample.world_xyz_m[:, 1], sample.world_xyz_m[:, 2]
    if q == 1:  # head toward the right: turn back a quarter counter-clockwise
        xy, world, wh = np.stack([y, w - x], -1), np.stack([wy, -wx, wz], -1), (h, w)
    elif q == 2:  # upside down
        xy, world, wh = np.stack([w - x, h - y], -1), np.stack([-wx, -wy, wz], -1), (w, h)
    else:  # head toward the left: turn back a quarter clockwise
        xy, world, wh = np.stack([h - y, x], -1), np.stack([-wy, wx, wz], -1), (h, w)
    return replace(sample, xy_px=xy, world_xyz_m=world, image_wh=wh)


class UprightPicture:
    """Stateful: `update(sample) -> sample` turned back by the picture's quarter turns, as the
    recent frames show them (`turn_evidence`). `quarters` is the turn in use."""

    def __init__(self, min_visibility: float = MIN_VISIBILITY) -> None:
        self.min_visibility = min_visibility
        self.quarters = 0
        self.decided = False  # the first FIRST_HOLD_S of evidence agreed
        self._recent: deque[tuple[float, int]] = deque()  # (t_s, quarters) of frames with evidence
        self._read_s: dict[int, float] = {}  # seconds read at each turn, since decided
        self._last_t_s: float | None = None
        self.applied = 0  # the turn the last sample was read with

    def update(self, sample: PoseSample | None) -> PoseSample | None:
        if sample is None:
            return None
        t_s = sample.t_s
        if self.decided and self._last_t_s is not None and t_s > self._last_t_s:
            self._read_s[self.quarters] = self._read_s.get(self.quarters, 0.0) + (t_s - self._last_t_s)
        self._last_t_s = t_s
        q = turn_evidence(sample, self.min_visibility)
        if q is not None:
            self._recent.append((t_s, q))
            if not self.decided:
                if any(e != q for _, e in self._recent):  # disagreement: start over from this frame
                    self._recent.clear()
                    self._recent.append((t_s, q))
                elif len(self._recent) >= FIRST_AGREEING_FRAMES and t_s - self._recent[0][0] >= FIRST_HOLD_S:
                    self._take(q)
                if not self.decided:
                    self.applied = q
                    return turned_back(sample, q)
            else:
                while self._recent and t_s - self._recent[0][0] > CHANGE_HOLD_S:
                    self._recent.popleft()
                if q != self.quarters and len(self._recent) >= CHANGE_MIN_FRAMES \
                        and t_s - self._recent[0][0] >= 0.9 * CHANGE_HOLD_S:
                    share = sum(e == q for _, e in self._recent) / len(self._recent)
                    if share >= CHANGE_SHARE:
                        self._take(q)
        self.applied = self.quarters
        return turned_back(sample, self.quarters)

    def _take(self, q: int) -> None:
        self.decided = True
        self.quarters = q
        self._recent.clear()

    @property
    def note(self) -> str | None:
        """Plain words for the result when the picture was read turned for most of the time."""
        total = sum(self._read_s.values())
        turned = {q: s for q, s in self._read_s.items() if q}
        if not turned or total <= 0 or sum(turned.values()) < NOTE_SHARE * total:
            return None
        most = max(turned, key=turned.get)
        how = "upside down" if most == 2 else "on its side"
        return (f"The video is turned {how}, so it was checked as if turned upright: next time check the "
                "phone's rotation setting, or hold the phone upright")


def series_turn(series: PoseSeries, window_s: float | None = None) -> int:
    """The quarter turns the picture shows over a series' first `window_s` seconds (all of it: None),
    as `UprightPicture` reads them by the end of that stretch; 0 when nothing shows a turn."""
    up = UprightPicture()
    t_end = (series.t_ms[0] + 1000.0 * window_s) if window_s is not None and len(series) else math.inf
    for t_ms, s in series.samples():
        if t_ms > t_end:
            break
        up.update(s)
    return up.quarters


def turned_back_series(series: PoseSeries, quarters: int) -> PoseSeries:
    """Every sample of a series turned back by `quarters` (turned_back)."""
    if quarters % 4 == 0:
        return series
    samples = [turned_back(s, quarters) if s is not None else None for _, s in series.samples()]
    wh = next((s.image_wh for s in samples if s is not None), series.image_wh)
    return PoseSeries.from_samples(list(series.t_ms), samples, wh, series.fps)
