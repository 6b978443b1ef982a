"""The 33 MediaPipe pose landmarks, the skeleton drawn between them, and body-side helpers."""
from __future__ import annotations

from enum import IntEnum, StrEnum


class PoseLandmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


NUM_LANDMARKS = len(PoseLandmark)
L = PoseLandmark



LEG = {
    "left": {"shoulder": L.LEFT_SHOULDER, "hip": L.LEFT_HIP, "knee": L.LEFT_KNEE,
             "ankle": L.LEFT_ANKLE, "heel": L.LEFT_HEEL, "toe": L.LEFT_FOOT_INDEX},
    "right": {"shoulder": L.RIGHT_SHOULDER, "hip": L.RIGHT_HIP, "knee": L.RIGHT_KNEE,
              "ankle": L.RIGHT_ANKLE, "heel": L.RIGHT_HEEL, "toe": L.RIGHT_FOOT_INDEX},
}
class Side(StrEnum):
    """A body side, as the person sees it (a str: dict keys and reports keep "left"/"right")."""
    LEFT = "left"
    RIGHT = "right"


SIDES = (Side.LEFT, Side.RIGHT)

# Bones drawn by the overlay (face omitted: it adds clutter and nothing this app checks).
SKELETON: tuple[tuple[PoseLandmark, PoseLandmark], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW), (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE), (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.RIGHT_HIP, L.RIGHT_KNEE), (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL), (L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX), (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
)
