"""A camera rolled a little (a phone propped up leaning): the picture levelled on the standing body.

A person standing still on both feet keeps their centre of mass over them: the line from the middle
of the feet (between heel and toe) up to between the hips points straight up, from the side, at 3/4
or head-on. (On one leg the pelvis need not sit over the foot: rendered single-leg stances lean it
5-8 degrees head-on and at 3/4, so a frame with a foot seen off the floor is not read.) In a picture from a phone propped up crookedly that line leans by
the camera's roll, and every "up" read in the picture (the hips' rise on the toes, the heights in cm)
mixes in the body's travel across the picture: a real side-on calf raise read 11.3-12.7 cm for
7.8-8.8 with the camera rolled 15 degrees one way and 6.3-7.1 the other (its landmark series turned,
`evaluation.perturb.tilted`). Levelling turns the picture's landmarks, and the model's world
landmarks, which follow the camera, back by the roll: the median lean of that line over the first
frames the person stands still on straight knees, decided once and then held (a roll read afresh every
frame would move the hips in the levelled picture by itself).
"""
from __future__ import annotations

import math

import numpy as np

from formcheck.body.geometry import angle_deg
from formcheck.body.view import SIDE_MIN_YAW_DEG, body_yaw_deg
from formcheck.pose.landmarks import LEG, SIDES, PoseLandmark as L
from formcheck.pose.types import MIN_VISIBILITY, PoseSample, PoseSeries

# Below this the picture is taken as level: on the labelled real clips filmed from a level camera the
# balance line leans -2.8 to +1.7 degrees at the start (floor and single-leg calf raises from the side
# and at 3/4, on a step from behind, hip abduction at 3/4), and -3.5 to +2.5 (5th-95th percentile)
# through their reps; the rendered truth set's two-foot stances 0.0-4.1 (4.1: side-on, the hips a
# little behind the feet).
ROLL_MIN_DEG = 5.0
# Beyond this the lean is not a roll to level: a picture turned further is `body.upright`'s quarter
# turns, and a body leaning this far is not standing still.
ROLL_MAX_DEG = 30.0
# The lean is read on the first FIRST_FRAMES standing frames in a row that are still: their leans
# agree within AGREE_DEG and the hips move less than STILL_LEG_SHARE of the leg's image length (walking
# in sways the line 10 degrees and more; a hip abduction's lift shifts the pelvis over the other foot,
# 8-11 degrees on a real head-on clip). 10 frames: 0.33 s at 30 fps, 1 s at 10.
FIRST_FRAMES = 10
AGREE_DEG = 4.0
STILL_LEG_SHARE = 0.03
# Frames are held back while the roll is unread for at most this long from the first frame the balance
# line is read, then the picture is taken as level: the counting and the live screen wait that long at
# most, once (a set begun at once has a still moment between its first reps).
WAIT_S = 2.0
# Standing: the knee straighter than this in the picture (a calf raise keeps it ~170-180 degrees).
STRAIGHT_KNEE_DEG = 160.0
# Both feet on the floor: in the model's world (where a hidden foot is placed too) the ankles' heights
# along the body's own up (ankles to hips) differ by less than this share of the leg (a single-leg
# raise holds the free foot 0.3-0.5 m up, 0.35-0.6 of the leg).
FOOT_UP_LEG_SHARE = 0.15
# No leg held out: the two legs (hip to ankle, world) within this angle of each other. Feet under the
# hips are 0-5 degrees apart, a wide stance ~15; a hip abduction lifts the leg 20-60 degrees (the
# labelled clips ~50).
LEGS_APART_DEG = 18.0


def balance_lean_deg(s: PoseSample, min_visibility: float = MIN_VISIBILITY) -> float | None:
    """How far the line from the middle of the feet to between the hips leans from the picture's
    vertical (degrees, + = the hips to the right of the feet). None unless both hips and a whole foot
    on a straight knee are seen, both feet, unless side-on (at 3/4 or head-on one foot alone is off the
    body's middle); and None when a foot is off the floor (standing on one leg) or a leg is held out
    (a hip abduction's lift): both judged in the model's world, along the body's own up, so the
    camera's roll does not enter them."""
    if not s.seen(L.LEFT_HIP, L.RIGHT_HIP, min_visibility=min_visibility):
        return None
    w = {sd: {k: s.world(LEG[sd][k]) for k in ("hip", "knee", "ankle")} for sd in SIDES}
    up = 0.5 * (w["left"]["hip"] + w["right"]["hip"]) - 0.5 * (w["left"]["ankle"] + w["right"]["ankle"])
    leg_m = max(float(np.linalg.norm(w[sd]["hip"] - w[sd]["knee"]) + np.linalg.norm(w[sd]["knee"] - w[sd]["ankle"]))
                for sd in SIDES)
    if not np.linalg.norm(up) > 0 or not leg_m > 0:
        return None
    up = up / np.linalg.norm(up)
    if abs(float(np.dot(w["left"]["ankle"] - w["right"]["ankle"], up))) > FOOT_UP_LEG_SHARE * leg_m:
        return None
    legs = [w[sd]["hip"] - w[sd]["ankle"] for sd in SIDES]
    if angle_deg(legs[0], np.zeros(3), legs[1]) > LEGS_APART_DEG:
        return None
    feet = []
    for side in SIDES:
        leg = LEG[side]
        if not s.seen(leg["knee"], leg["ankle"], leg["heel"], leg["toe"], min_visibility=min_visibility):
            continue
        if angle_deg(s.px(leg["hip"]), s.px(leg["knee"]), s.px(leg["ankle"])) < STRAIGHT_KNEE_DEG:
            continue
        feet.append(0.5 * (s.px(leg["heel"]) + s.px(leg["toe"])))
    if not feet or (len(feet) == 1 and not body_yaw_deg(s) > SIDE_MIN_YAW_DEG):
        return None
    d = 0.5 * (s.px(L.LEFT_HIP) + s.px(L.RIGHT_HIP)) - np.mean(feet, axis=0)
    return math.degrees(math.atan2(float(d[0]), float(-d[1])))


def _leg_px(s: PoseSample) -> float:
    """The longer leg's image length, hip to knee to ankle (pixels)."""
    return max(float(np.linalg.norm(s.px(LEG[sd]["hip"]) - s.px(LEG[sd]["knee"])) +
                     np.linalg.norm(s.px(LEG[sd]["knee"]) - s.px(LEG[sd]["ankle"]))) for sd in SIDES)


def _turn(xy_px: np.ndarray, world_xyz_m: np.ndarray, image_wh: tuple[int, int], deg: float
          ) -> tuple[np.ndarray, np.ndarray]:
    """Picture points turned `deg` degrees about the picture's centre (clockwise on screen: y points
    down), world points turned alike about the camera's axis."""
    th = math.radians(deg)
    c, s_ = math.cos(th), math.sin(th)
    centre = np.array([image_wh[0] / 2.0, image_wh[1] / 2.0])
    p = xy_px - centre
    xy = np.stack([c * p[..., 0] - s_ * p[..., 1], s_ * p[..., 0] + c * p[..., 1]], -1) + centre
    w = world_xyz_m.copy()
    w[..., 0] = c * world_xyz_m[..., 0] - s_ * world_xyz_m[..., 1]
    w[..., 1] = s_ * world_xyz_m[..., 0] + c * world_xyz_m[..., 1]
    return xy, w


def rolled(s: PoseSample, deg: float) -> PoseSample:
    """The sample as a camera rolled `deg` degrees more would have given it."""
    xy, w = _turn(s.xy_px, s.world_xyz_m, s.image_wh, deg)
    return PoseSample(s.t_ms, xy, s.visibility, w, s.image_wh)


def rolled_series(series: PoseSeries, deg: float) -> PoseSeries:
    """`rolled` for every frame of a series."""
    xy, w = _turn(series.xy_px, series.world_xyz_m, series.image_wh, deg)
    return PoseSeries(series.t_ms.copy(), xy, series.visibility.copy(), w, series.image_wh, series.fps)


class LevelPicture:
    """Stateful: `feed(t_ms, sample) -> [(t_ms, sample), ...]`, the frames levelled by the camera's roll
    (`roll_deg`). From the first frame the balance line can be read until the roll is read, frames are
    held back (at most WAIT_S), so that the stance is not measured on a crooked picture and then on a
    levelled one; frames before it (nobody, walking in) pass as they are. `flush()` at the end."""

    def __init__(self, min_visibility: float = MIN_VISIBILITY) -> None:
        self.min_visibility = min_visibility
        self._leans: list[tuple[float, np.ndarray, float]] = []  # (lean, mid-hip px, leg px) in a row
        self._held: list[tuple[float, PoseSample | None]] = []
        self.decided = False
        self.roll_deg = 0.0

    def feed(self, t_ms: float, sample: PoseSample | None) -> list[tuple[float, PoseSample | None]]:
        if self.decided:
            return [(t_ms, self._level(sample))]
        lean = balance_lean_deg(sample, self.min_visibility) if sample is not None else None
        if lean is None and not self._held:
            return [(t_ms, sample)]  # nobody standing on both feet yet (an empty room, walking in): as it is
        self._held.append((t_ms, sample))
        if lean is None:
            self._leans = []
        else:
            hip = 0.5 * (sample.px(L.LEFT_HIP) + sample.px(L.RIGHT_HIP))
            self._leans = (self._leans + [(lean, hip, _leg_px(sample))])[-FIRST_FRAMES:]
        if len(self._leans) == FIRST_FRAMES and np.ptp([v for v, _, _ in self._leans]) <= AGREE_DEG and \
                np.ptp([h for _, h, _ in self._leans], axis=0).max() <= STILL_LEG_SHARE * max(n for _, _, n in self._leans):
            roll = float(np.median([v for v, _, _ in self._leans]))
            self.roll_deg = roll if ROLL_MIN_DEG <= abs(roll) <= ROLL_MAX_DEG else 0.0
            return self.flush()
        if t_ms - self._held[0][0] > 1000.0 * WAIT_S:
            return self.flush()  # no still stance to read it on: the picture is taken as it is
        return []

    def flush(self) -> list[tuple[float, PoseSample | None]]:
        """Decide (level, unless a roll was read) and hand over every frame held back."""
        self.decided = True
        held, self._held = self._held, []
        return [(t, self._level(s)) for t, s in held]

    @property
    def note(self) -> str | None:
        """Plain words for the result when the picture was levelled."""
        if not self.roll_deg:
            return None
        # no figure: the roll read carries the person's own lean, 0-4 degrees (a 12-degree tilt read 16)
        return "The camera was tilted, so the video was checked as if level: next time stand the phone up straight"

    def _level(self, sample: PoseSample | None) -> PoseSample | None:
        return rolled(sample, -self.roll_deg) if sample is not None and self.roll_deg else sample
