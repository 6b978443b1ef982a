"""Leg measurements shared by the checkers: heel lift, depth-free segment angles, visibility gate.

Depth is what the pose model guesses worst: on the oblique leg-extension clip the world
shank "shrank" from 0.35 m to 0.08 m mid-swing and the 3-D knee angle jumped by 60-100°
from one frame to the next (counting-pitfalls note: 2-D angles flicker the same way). A
segment's VERTICAL extent does not depend on depth or on which way the camera looks, so
angles here come from each bone's vertical component over its own length (the long,
well-seen length the model gives when the bone is across the view), never from its depth.
"""
from __future__ import annotations

import math
from collections import deque

import numpy as np

from formcheck.body.geometry import angle_deg
from formcheck.body.scale import MIN_SHANK_PX
from formcheck.pose.landmarks import LEG
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import MIN_VISIBILITY, PoseSample


def heel_lift_shank(s: PoseSample, side: str, min_visibility: float = MIN_VISIBILITY
                    ) -> tuple[float, float] | None:
    """(heel above toe in the image / shank image length, shank length px), or None if unseen.

    Scale-free and nearly yaw-free (a vertical lift stays vertical). Shared by the floor and
    the seated calf raise; the toe stays on the floor, so a rise of this is the heel rising.
    """
    leg = LEG[side]
    if min(s.visibility[leg["heel"]], s.visibility[leg["toe"]], s.visibility[leg["ankle"]],
           s.visibility[leg["knee"]]) < min_visibility:
        return None
    shank_px = float(np.linalg.norm(s.px(leg["knee"]) - s.px(leg["ankle"])))
    if shank_px < MIN_SHANK_PX:
        return None
    return (s.px(leg["toe"])[1] - s.px(leg["heel"])[1]) / shank_px, shank_px


def heel_hidden(s: PoseSample, min_visibility: float = MIN_VISIBILITY) -> bool:
    """A foot in the picture (ankle and toe seen, inside it) whose heel the model does not see: the heel
    behind its own foot, as a single-leg stance filmed head-on (truth set: scored 0.39 seen)."""
    w, h = s.image_wh
    for side in LEG:
        leg = LEG[side]
        if s.seen(leg["ankle"], leg["toe"], min_visibility=min_visibility) and \
                s.visibility[leg["heel"]] < min_visibility:
            xy = s.xy_px[[leg["ankle"], leg["toe"]]]
            if np.all((xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)):
                return True
    return False


def body_anchor_px(s: PoseSample, min_visibility: float = MIN_VISIBILITY) -> np.ndarray:
    """The point foot positions are measured from, so a handheld phone panning or shaking does
    not read as feet travelling: the hip centre (hips out of the picture: the image origin)."""
    if s.visibility[L.LEFT_HIP] >= min_visibility and s.visibility[L.RIGHT_HIP] >= min_visibility:
        return (s.px(L.LEFT_HIP) + s.px(L.RIGHT_HIP)) / 2
    return np.zeros(2)


class BoneLengths:
    """Running robust length (metres) of named bones from world landmarks.

    A bone cannot shrink: when the model sees it foreshortened its world length reads short,
    so the length used is a high percentile of recent readings (the bone seen across the view).
    """

    PERCENTILE = 90.0  # well above the foreshortened readings, below one-frame outliers

    def __init__(self, memory: int = 600) -> None:
        self._seen: dict[str, deque[float]] = {}
        self._memory = memory

    def add(self, name: str, length_m: float) -> None:
        if math.isfinite(length_m) and length_m > 0.02:
            self._seen.setdefault(name, deque(maxlen=self._memory)).append(length_m)

    def get(self, name: str) -> float | None:
        seen = self._seen.get(name)
        return float(np.percentile(seen, self.PERCENTILE)) if seen else None


def elevation_deg(s: PoseSample, a: int, b: int, length_m: float | None) -> float:
    """Angle of the bone a->b from hanging straight down, 0..180°, from its vertical extent only."""
    v = s.world(b) - s.world(a)
    n = float(np.linalg.norm(v))
    length = max(length_m or n, n)
    if length < 1e-6:
        return math.nan
    return math.degrees(math.acos(max(-1.0, min(1.0, float(v[1]) / length))))


def knee_deg(s: PoseSample, side: str, bones: BoneLengths) -> float:
    """Knee angle (180 = straight) from the thigh's and the shank's elevations (depth-free).

    180 - |thigh elevation - shank elevation|: exact while the thigh and the shank point to
    the same side of vertical (seated, pressing, kicking up, standing). Which side a bone
    points to would need its depth, the guessed coordinate, and flips from frame to frame
    when the shank hangs near vertical, so it is not used: a shank tucked back under the
    seat reads as that much less bent."""
    leg = LEG[side]
    hip, knee, ankle = leg["hip"], leg["knee"], leg["ankle"]
    bones.add(f"thigh.{side}", float(np.linalg.norm(s.world(knee) - s.world(hip))))
    bones.add(f"shank.{side}", float(np.linalg.norm(s.world(ankle) - s.world(knee))))
    a_t = elevation_deg(s, hip, knee, bones.get(f"thigh.{side}"))
    a_s = elevation_deg(s, knee, ankle, bones.get(f"shank.{side}"))
    return 180.0 - abs(a_t - a_s)


def knee_3d_deg(s: PoseSample, side: str) -> float:
    """Knee angle (180 = straight) in 3-D between the world thigh and shank: the joint's own
    angle, as anatomy (and the rendered truth) defines it, whatever plane the leg bends in.

    `knee_deg` assumes both bones lie in one vertical plane; a shank tilted sideways in depth
    or tucked under the seat breaks that (seated side clips: 98-111 for a true 88-90). This
    one follows the model's depth, which flickers where depth is guessed badly (the oblique
    note above), so it is for reported figures taken as a median over held frames, not for
    counting reps. Visibility is the caller's to check."""
    leg = LEG[side]
    return angle_deg(s.world(leg["hip"]), s.world(leg["knee"]), s.world(leg["ankle"]))


def leg_lift_deg(s: PoseSample, side: str) -> float:
    """How far the whole leg (hip -> ankle) points above the floor line, degrees (world landmarks;
    0 = level, + = feet up, as lying with the legs lifted). Visibility is the caller's to check."""
    d = s.world(LEG[side]["ankle"]) - s.world(LEG[side]["hip"])
    return math.degrees(math.atan2(-d[1], math.hypot(d[0], d[2])))  # y points down


def leg_seen(s: PoseSample, side: str, *parts: str, min_visibility: float = MIN_VISIBILITY) -> bool:
    return s.seen(*(LEG[side][p] for p in parts), min_visibility=min_visibility)


def _trunk_up_m(s: PoseSample) -> np.ndarray | None:
    """Hip midpoint -> shoulder midpoint in world metres (y down), None when either is unseen."""
    if not s.seen(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER):
        return None
    hip = (s.world(L.LEFT_HIP) + s.world(L.RIGHT_HIP)) / 2
    return (s.world(L.LEFT_SHOULDER) + s.world(L.RIGHT_SHOULDER)) / 2 - hip


def trunk_lean_deg(s: PoseSample) -> tuple[float, float]:
    """(forward/back, sideways) lean of the hip->shoulder line from vertical, degrees.

    Sideways is in the hip line's direction, + toward the person's left; forward is the rest.
    NaN when the hips or shoulders are unseen."""
    up = _trunk_up_m(s)
    if up is None:
        return math.nan, math.nan
    across = s.world(L.LEFT_HIP) - s.world(L.RIGHT_HIP)
    across = across / max(float(np.linalg.norm(across)), 1e-9)
    side = float(np.dot(up, across))
    rest = up - side * across
    height = -float(up[1])
    side_deg = math.degrees(math.atan2(side, max(height, 1e-9)))
    fwd_deg = math.degrees(math.atan2(float(np.hypot(rest[0], rest[2])), max(height, 1e-9)))
    return fwd_deg, side_deg


def trunk_tilt_deg(s: PoseSample) -> float:
    """How far the hip->shoulder line leans from vertical in any direction, degrees (NaN if unseen)."""
    up = _trunk_up_m(s)
    if up is None:
        return math.nan
    return math.degrees(math.atan2(float(np.hypot(up[0], up[2])), max(-float(up[1]), 1e-9)))


def leg_abduction_deg(s: PoseSample, side: str) -> float:
    """How far the leg (hip -> ankle) points out to its own side, degrees (world landmarks; 0 = straight
    down, + = away from the midline): its angle out of the upright plane that holds the forward
    direction and splits the hips, the frontal-plane part of the leg's tilt only.

    `elevation_deg` takes the whole tilt from vertical, so a leg placed a little forward or back in
    depth (the guessed coordinate) reads as lifted: the rendered front clip's hanging legs read 4-9°
    there and 0-1° here, and the lifted leg 34° for a true 36° either way. The plane is upright and the
    hip line is taken level (its horizontal direction), not tilted with the pelvis: the model's hip
    line tilts up with a lifted thigh while the pelvis stays level (`HIP_LINE_TILT_PER_ABDUCTION`).
    Visibility is the caller's to check."""
    across = s.world(L.LEFT_HIP) - s.world(L.RIGHT_HIP)
    across[1] = 0.0  # y is vertical (down)
    n = float(np.linalg.norm(across))
    leg = s.world(LEG[side]["ankle"]) - s.world(LEG[side]["hip"])
    length = float(np.linalg.norm(leg))
    if n < 1e-6 or length < 1e-6:
        return math.nan
    out = (1.0 if side == "left" else -1.0) * float(np.dot(leg, across)) / (n * length)
    return math.degrees(math.asin(max(-1.0, min(1.0, out))))


def leg_out_px_deg(s: PoseSample, side: str) -> float:
    """The leg's (hip -> ankle) angle from straight down in the PICTURE, degrees, + = out to its own
    side (away from the other hip in the picture). Uncorrected for the view: across a 3/4 view the
    sideways part is foreshortened by cos(yaw) (`body.abduction.frontal_leg_deg` undoes it). NaN when
    the hips or the ankle are unseen or the hips overlap in the picture (side-on). Visibility is the
    caller's to check."""
    leg = LEG[side]
    other = LEG["right" if side == "left" else "left"]
    d = s.px(leg["ankle"]) - s.px(leg["hip"])
    across = float(s.px(leg["hip"])[0] - s.px(other["hip"])[0])
    if not (np.all(np.isfinite(d)) and math.isfinite(across)) or abs(across) < 1e-6 or d[1] <= 0:
        return math.nan
    return math.degrees(math.atan2(math.copysign(1.0, across) * float(d[0]), float(d[1])))


def pelvis_tilt_deg(s: PoseSample) -> float:
    """Frontal tilt of the hip line, + when the LEFT hip is higher (y points down). NaN if unseen."""
    if not s.seen(L.LEFT_HIP, L.RIGHT_HIP):
        return math.nan
    d = s.world(L.LEFT_HIP) - s.world(L.RIGHT_HIP)
    n = float(np.linalg.norm(d))
    return math.degrees(math.asin(max(-1.0, min(1.0, -float(d[1]) / n)))) if n > 1e-6 else math.nan


# A foot says which way the person faces in the picture when its toe lies ahead of its heel by at
# least this share of the shank's picture length (a foot is ~0.6 shank long: side-on it reads ~0.6,
# at 3/4 ~0.4; head-on, or a foot seen end-on, it reads near 0 and tells nothing).
FACING_MIN_FOOT_SHARE = 0.15


def facing_x(s: PoseSample, min_visibility: float = MIN_VISIBILITY) -> float:
    """Which way the person's toes point in the picture: +1 (image right), -1 (left), or 0 when the
    feet do not say it clearly (head-on, feet unseen). Each seen foot's toe-ahead-of-heel, over its
    shank's picture length, summed: a foot lifted behind the other leg hangs toe-down, so the planted
    foot, lying flat along the picture, outweighs it."""
    ahead = 0.0
    for side in LEG:
        leg = LEG[side]
        if not s.seen(leg["heel"], leg["toe"], leg["knee"], leg["ankle"], min_visibility=min_visibility):
            continue
        shank_px = float(np.linalg.norm(s.px(leg["knee"]) - s.px(leg["ankle"])))
        if shank_px > 0:
            ahead += float(s.px(leg["toe"])[0] - s.px(leg["heel"])[0]) / shank_px
    return math.copysign(1.0, ahead) if abs(ahead) >= FACING_MIN_FOOT_SHARE else 0.0


def knee_picture_deg(s: PoseSample, side: str, facing: float) -> float:
    """The knee's angle in the picture (180 = straight), for a person standing: bent forward (the
    knee ahead of the hip-ankle line, toward the toes) reads under 180, and the knee behind that
    line reads as straight, 180, not as bent backward.

    The plain angle between two picture lines never reads over 180, so a straight leg's jitter only
    ever reads as a bend: the rendered truth set's straight standing knees read 171-179 by it
    (single-leg stances worst, the model placing the knee a few degrees behind the line). With
    `facing` 0 (the way the toes point not clear), the plain angle. Visibility is the caller's."""
    leg = LEG[side]
    hip, knee, ankle = s.px(leg["hip"]), s.px(leg["knee"]), s.px(leg["ankle"])
    plain = angle_deg(hip, knee, ankle)
    if facing == 0 or not math.isfinite(plain):
        return plain
    down, to_knee = ankle - hip, knee - hip
    ahead = float(down[1] * to_knee[0] - down[0] * to_knee[1])  # + : the knee on the image-right of the line
    return plain if ahead * facing > 0 else 180.0
