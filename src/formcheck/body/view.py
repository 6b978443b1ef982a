"""Which way the camera sees the person: front, oblique (3/4) or side.

The yaw of the hip line (left hip -> right hip) in MediaPipe's metric world landmarks:
about 0° when the person faces the camera, about 90° side-on. World landmarks are in
the camera's axes, so the angle does not depend on image size or distance.
"""
from __future__ import annotations

import math
from enum import StrEnum

import numpy as np

from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import PoseSample

# Yaw limits between views. A 3/4 view is about 40-45°; these split the range in thirds.
FRONT_MAX_YAW_DEG = 25.0
SIDE_MIN_YAW_DEG = 62.0

# The model's world depth is compressed: a camera 50° round a rendered body reads a hip/shoulder yaw of
# 39.5-46.0° (median 43.6, over 18 3/4 clips of 4 bodies), which is tan(yaw) read at ~0.8 of its true
# value. `camera_yaw_deg` stretches it back. Fitted on the truth set's 3/4 clips of FIT_BODIES (the
# median of tan(read) / tan(50°)) by `tools/fit_view_yaw.py`, which prints the held-out bodies' error;
# the view classes above stay on the model's reading (they were set on it).
YAW_FIT_BODIES = (0, 1)
DEPTH_READ_SHARE = 0.80


def body_yaw_deg(sample: PoseSample) -> float:
    """0 = facing the camera (or away), 90 = side-on. NaN when the hips or shoulders are unseen."""
    yaws = []
    for a, b in ((L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)):
        if not sample.seen(a, b, min_visibility=0.3):
            continue
        d = sample.world(b) - sample.world(a)
        yaws.append(math.degrees(math.atan2(abs(d[2]), abs(d[0]))))
    return float(np.mean(yaws)) if yaws else math.nan


def camera_yaw_deg(model_yaw_deg: float, depth_share: float = DEPTH_READ_SHARE) -> float:
    """How far round the camera really stands (0 = in front, 90 = side-on) for the model's yaw reading:
    atan(tan(read) / DEPTH_READ_SHARE). Used where a figure is stretched by the yaw (the picture's
    sideways travel over cos(yaw)); NaN stays NaN."""
    if not math.isfinite(model_yaw_deg):
        return math.nan
    y = min(max(model_yaw_deg, 0.0), 90.0)
    return math.degrees(math.atan2(math.sin(math.radians(y)), depth_share * math.cos(math.radians(y))))


class View(StrEnum):
    """Which way the camera sees the person (a str: reports and configs keep the plain words)."""
    FRONT = "front"
    OBLIQUE = "oblique"
    SIDE = "side"
    UNKNOWN = "unknown"


def classify_view(yaw_deg: float) -> View:
    if not math.isfinite(yaw_deg):
        return View.UNKNOWN
    if yaw_deg < FRONT_MAX_YAW_DEG:
        return View.FRONT
    if yaw_deg > SIDE_MIN_YAW_DEG:
        return View.SIDE
    return View.OBLIQUE


class ViewEstimator:
    """Running median of body yaw over the frames seen so far."""

    def __init__(self, max_samples: int = 600) -> None:
        self._yaws: list[float] = []
        self._max = max_samples

    def update(self, sample: PoseSample | None) -> None:
        if sample is None:
            return
        y = body_yaw_deg(sample)
        if math.isfinite(y):
            self._yaws.append(y)
            if len(self._yaws) > self._max:
                self._yaws = self._yaws[-self._max:]

    @property
    def yaw_deg(self) -> float:
        return float(np.median(self._yaws)) if self._yaws else math.nan

    @property
    def view(self) -> View:
        return classify_view(self.yaw_deg)
