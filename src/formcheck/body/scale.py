"""The person's size, as running estimates: the unit that makes distances in the picture
independent of zoom and distance (a heel lift in shank lengths, a roll in trunk lengths), and
the metric length that turns those units into cm.

One length seen in one frame is often wrong (a shin pointing at the camera is foreshortened, a
landmark guessed at the edge of the picture jumps), so every estimate is the median of the
latest readings: one bad frame cannot move it, and a person stepping closer is followed within
the window.

    scale = ShankScale()
    scale.update(sample, sides)      # once per frame, the legs found in view
    lift_cm = lift_in_shanks * scale.cm
"""
from __future__ import annotations

from collections import deque
from typing import Iterable

import numpy as np

from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import MIN_VISIBILITY, PoseSample

# Readings kept: the latest 300 (10 s at 30 fps), several reps' worth, so the median is steady
# through a set yet follows a person who moves nearer or further between sets.
WINDOW_READINGS = 300
# A shank shorter than this in the picture is two landmarks collapsed onto each other (a leg
# seen end-on, or the model's guess for a leg out of view), not a shin to measure by.
MIN_SHANK_PX = 5.0
# Until a shank has been seen: a size that keeps ratios finite (no figure is reported from it) ...
DEFAULT_SHANK_PX = 100.0
# ... and the adult average shank (knee to ankle) length, ~40 cm (anthropometric tables: tibial
# length 37-43 cm for adult women and men), used for cm until the model has given one.
DEFAULT_SHANK_M = 0.40
# The trunk (hip centre to shoulder centre) of an adult, ~50 cm, for cm until the model has given one.
DEFAULT_TRUNK_M = 0.50


class RunningLength:
    """The median of the latest readings of one body length (`default` until the first)."""

    def __init__(self, default: float, window: int = WINDOW_READINGS) -> None:
        self.default = default
        self._readings: deque[float] = deque(maxlen=window)
        self._median: float | None = None  # the cached median of the readings

    def add(self, value: float) -> None:
        self._readings.append(float(value))
        self._median = None

    @property
    def measured(self) -> bool:
        return bool(self._readings)

    @property
    def value(self) -> float:
        if self._median is None:  # read several times a frame, changed at most once
            arr = np.fromiter(self._readings, float, len(self._readings))
            arr = arr[np.isfinite(arr)]
            self._median = float(np.median(arr)) if arr.size else self.default
        return self._median

    def clear(self) -> None:
        self._readings.clear()
        self._median = None


class ShankScale:
    """The shank (knee to ankle): its length in the picture (`px`) and in the world (`cm`).

    `longest=False`: every leg given is one reading (both shins are seen alike: standing, or
    seated with the feet down). `longest=True`: one reading per frame, the longer shin in the
    picture: a lifted leg often points at the camera and is foreshortened.
    """

    def __init__(self, *, longest: bool = False, min_visibility: float = MIN_VISIBILITY,
                 window: int = WINDOW_READINGS) -> None:
        self.longest = longest
        self.min_visibility = min_visibility
        self._px = RunningLength(DEFAULT_SHANK_PX, window)
        self._m = RunningLength(DEFAULT_SHANK_M, window)

    def update(self, s: PoseSample, sides: Iterable[str] = SIDES) -> bool:
        """Read the shank of each of `sides` whose knee and ankle are seen; True if any was read."""
        readings = []
        for sd in sides:
            knee, ankle = LEG[sd]["knee"], LEG[sd]["ankle"]
            if not s.seen(knee, ankle, min_visibility=self.min_visibility):
                continue
            readings.append((float(np.linalg.norm(s.px(knee) - s.px(ankle))),
                             float(np.linalg.norm(s.world(knee) - s.world(ankle)))))
        found = [(px, m) for px, m in readings if np.isfinite(px) and px >= MIN_SHANK_PX]
        if not found:
            return False
        if self.longest:
            self._px.add(max(px for px, _ in found))
            self._m.add(float(np.nanmax([m for _, m in readings])))
        else:
            for px, m in found:
                self._px.add(px)
                self._m.add(m)
        return True

    @property
    def measured(self) -> bool:
        """A shank has been seen in the picture."""
        return self._px.measured

    @property
    def px(self) -> float:
        """Median shank length in the picture, px."""
        return self._px.value

    @property
    def cm(self) -> float:
        """Median shank length in the world, cm."""
        return 100.0 * self._m.value
