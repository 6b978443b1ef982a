"""Body position from metric world landmarks: standing, seated or lying.

World landmarks are in the camera's axes with y pointing down, so with a level camera
"vertical" is gravity. The trunk (hip centre -> shoulder centre) tells upright from lying;
for an upright trunk the thighs tell standing (thighs hang down) from seated (thighs level).
Only landmarks the model saw are used; a frame where they are unseen is "unknown".
"""
from __future__ import annotations

import math
from collections import Counter
from enum import StrEnum
from typing import Iterable

import numpy as np

from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import MIN_VISIBILITY, PoseSample

# Trunk further than this from upright = lying. Sitting reclined on a leg-press sled is
# ~30-45° back; lying flat is 90° and side-lying propped on an elbow measured 74-80° on real clips.
LYING_TRUNK_DEG = 55.0
# Thigh further than this from hanging straight down = seated (a seated thigh is ~90°, a
# standing one 0-20°; halfway, so a deep squat's bottom frames read seated and a lunge's back leg standing).
SEATED_THIGH_DEG = 45.0

class Posture(StrEnum):
    """Body position (a str: reports keep the plain words)."""
    STANDING = "standing"
    SEATED = "seated"
    LYING = "lying"
    UNKNOWN = "unknown"


STANDING, SEATED, LYING, UNKNOWN = Posture.STANDING, Posture.SEATED, Posture.LYING, Posture.UNKNOWN


def _from_vertical_deg(d: np.ndarray, up: bool) -> float:
    """Angle of vector d from straight up (up=True) or straight down, degrees; world y points down."""
    horiz = math.hypot(float(d[0]), float(d[2]))
    vert = -float(d[1]) if up else float(d[1])
    return math.degrees(math.atan2(horiz, vert))


def trunk_from_vertical_deg(s: PoseSample, min_visibility: float = MIN_VISIBILITY) -> float:
    """0 = trunk upright, 90 = lying. NaN when hips or shoulders are unseen."""
    if not s.seen(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, min_visibility=min_visibility):
        return math.nan
    hip = (s.world(L.LEFT_HIP) + s.world(L.RIGHT_HIP)) / 2
    sh = (s.world(L.LEFT_SHOULDER) + s.world(L.RIGHT_SHOULDER)) / 2
    return _from_vertical_deg(sh - hip, up=True)


def thigh_from_vertical_deg(s: PoseSample, side: str, min_visibility: float = MIN_VISIBILITY) -> float:
    """0 = thigh hanging straight down (standing), 90 = level (seated). NaN when unseen."""
    leg = LEG[side]
    if not s.seen(leg["hip"], leg["knee"], min_visibility=min_visibility):
        return math.nan
    return _from_vertical_deg(s.world(leg["knee"]) - s.world(leg["hip"]), up=False)


def classify_posture(s: PoseSample | None) -> Posture:
    """"standing" | "seated" | "lying" | "unknown" for one frame."""
    if s is None:
        return UNKNOWN
    trunk = trunk_from_vertical_deg(s)
    if not math.isfinite(trunk):
        return UNKNOWN
    if trunk > LYING_TRUNK_DEG:
        return LYING
    thighs = [a for a in (thigh_from_vertical_deg(s, sd) for sd in SIDES) if math.isfinite(a)]
    if not thighs:
        return UNKNOWN
    # one thigh hanging down is enough to be standing (lunge, single-leg stance with the other knee up)
    return SEATED if min(thighs) > SEATED_THIGH_DEG else STANDING


def dominant_posture(samples: Iterable[PoseSample | None], min_share: float = 0.6) -> Posture:
    """The posture of most frames where it could be told, or "unknown" if none has `min_share` of them."""
    counts = Counter(p for p in map(classify_posture, samples) if p != UNKNOWN)
    if not counts:
        return UNKNOWN
    posture, n = counts.most_common(1)[0]
    return posture if n >= min_share * sum(counts.values()) else UNKNOWN


def torso_px(s: PoseSample) -> float:
    """Image length of the trunk (hip centre to shoulder centre), the body-size unit for travel. NaN if unseen."""
    if not s.seen(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER):
        return math.nan
    return float(np.linalg.norm((s.px(L.LEFT_SHOULDER) + s.px(L.RIGHT_SHOULDER)) / 2
                                - (s.px(L.LEFT_HIP) + s.px(L.RIGHT_HIP)) / 2))


def hip_centre_px(s: PoseSample) -> np.ndarray | None:
    if not s.seen(L.LEFT_HIP, L.RIGHT_HIP):
        return None
    return (s.px(L.LEFT_HIP) + s.px(L.RIGHT_HIP)) / 2
