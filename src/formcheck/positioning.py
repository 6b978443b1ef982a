"""Is the person placed right for this exercise, and if not, what one thing to change.

Used by the hands-free live flow before a set starts: the whole body in the picture, feet
included, big enough to measure, and seen from a side the exercise's checker can read
(its `best_views`). The hint is one short instruction ("Step back so your feet are in the
picture", "Turn side-on to the camera"), said aloud and shown on screen.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from .config import from_dict
from .landmarks import LEG, SIDES
from .landmarks import PoseLandmark as L
from .pose import MIN_VISIBILITY, PoseSample
from .view import body_yaw_deg, classify_view


@dataclass(frozen=True)
class PositionConfig:
    min_visibility: float = MIN_VISIBILITY
    # A foot within this fraction of the picture's height from the bottom edge is probably cut off.
    edge_margin_frac: float = 0.02
    # The body's longest side must cover this part of the picture's longest side to measure well;
    # at 640x480 that is ~150 px from head to feet, where MediaPipe's feet stop being reliable.
    min_body_frac: float = 0.3
    # Body yaw is noisy frame to frame; judge the view on the median of this window.
    view_window_s: float = 1.0


@dataclass(frozen=True)
class Placement:
    ok: bool
    hint: str | None  # what to change, plain words; None when ok
    person_seen: bool


STEP_IN = "Step into the picture"
STEP_BACK_FEET = "Step back so your feet are in the picture"
STEP_BACK_BODY = "Step back so I can see all of you"
COME_CLOSER = "Come a little closer"
TURN_SIDE = "Turn side-on to the camera"
FACE_CAMERA = "Face the camera"


class PositionCheck:
    """Stateful (keeps a short window of body yaw). `update(sample) -> Placement` once per frame."""

    def __init__(self, best_views: tuple[str, ...] = ("side", "oblique", "front"),
                 config: dict | PositionConfig | None = None) -> None:
        self.best_views = tuple(best_views)
        self.cfg = config if isinstance(config, PositionConfig) else from_dict(PositionConfig, config)
        self._yaws: deque[tuple[float, float]] = deque()

    def update(self, sample: PoseSample | None) -> Placement:
        if sample is None:
            self._yaws.clear()
            return Placement(False, STEP_IN, False)
        c = self.cfg
        w, h = sample.image_wh
        feet_seen = [sd for sd in SIDES if sample.seen(LEG[sd]["ankle"], LEG[sd]["heel"], LEG[sd]["toe"],
                                                        min_visibility=c.min_visibility)]
        if not feet_seen:
            return Placement(False, STEP_BACK_FEET, True)
        bottom = max(sample.px(LEG[sd]["toe"])[1] for sd in feet_seen)
        if bottom > h * (1.0 - c.edge_margin_frac):
            return Placement(False, STEP_BACK_FEET, True)
        if not sample.seen(L.LEFT_HIP, L.RIGHT_HIP, min_visibility=c.min_visibility) and \
                not any(sample.seen(LEG[sd]["hip"], LEG[sd]["shoulder"], min_visibility=c.min_visibility)
                        for sd in SIDES):
            return Placement(False, STEP_BACK_BODY, True)
        seen = sample.visibility >= c.min_visibility
        pts = sample.xy_px[seen]
        extent = float(np.max(np.ptp(pts, axis=0))) if len(pts) >= 2 else 0.0
        if extent < c.min_body_frac * max(w, h):
            return Placement(False, COME_CLOSER, True)
        hint = self._view_hint(sample)
        return Placement(hint is None, hint, True)

    def _view_hint(self, sample: PoseSample) -> str | None:
        t_s = sample.t_s
        y = body_yaw_deg(sample)
        if math.isfinite(y):
            self._yaws.append((t_s, y))
        while self._yaws and t_s - self._yaws[0][0] > self.cfg.view_window_s:
            self._yaws.popleft()
        if not self._yaws:
            return None
        view = classify_view(float(np.median([v for _, v in self._yaws])))
        if view in self.best_views or view == "unknown":
            return None
        if view == "front":
            return TURN_SIDE if "side" in self.best_views else "Turn a little to the side"
        if view == "side" and "front" in self.best_views:
            return FACE_CAMERA
        if view == "side":  # only front-ish views work: a quarter turn toward the camera
            return "Turn a little toward the camera"
        return None
