"""Synthetic landmark series for checker tests: a stick figure posed from joint angles over time.

    from builders import Pose, Leg, STANDING, animate, rep_keys, series_from_poses
    top = STANDING.legs(ankle_plantar_deg=30)               # both heels up
    frames = animate(rep_keys(STANDING, [top] * 3), fps=30)   # 3 reps, eased in and out
    series = series_from_poses(frames, yaw_deg=90)            # side view -> PoseSeries

Body frame (before the camera turns it): X = the person's left, Y = up, Z = forward, metres,
origin between the hip joints. Joint angles are anatomical, in degrees:
hip_flex (thigh forward), hip_abd (thigh out to the side), hip_rot (internal rotation),
knee_flex (0 = straight), ankle_plantar (+ = toes pointed down, - = toes pulled up).
The camera looks at the figure from `yaw_deg` (0 = the person faces the camera, 90 = side-on,
facing image right); pixels are a weak-perspective projection, world landmarks are the
figure's metric points re-centred on the hips (y down, z away from the camera), as
MediaPipe's world landmarks are.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Iterable, Sequence

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import PoseSeries

# Segment lengths of an average adult, metres (roughly Winter's anthropometric table for 1.70 m).
HIP_HALF_WIDTH_M = 0.09
THIGH_M = 0.43
SHANK_M = 0.42
ANKLE_HEIGHT_M = 0.07  # ankle joint above the sole
HEEL_BACK_M = 0.05
TOE_FORWARD_M = 0.15
TRUNK_M = 0.50  # hip joint line to shoulder line
SHOULDER_HALF_WIDTH_M = 0.18
UPPER_ARM_M = 0.30
FOREARM_M = 0.27


@dataclass(frozen=True)
class Leg:
    hip_flex_deg: float = 0.0
    hip_abd_deg: float = 0.0
    hip_rot_deg: float = 0.0
    knee_flex_deg: float = 0.0
    ankle_plantar_deg: float = 0.0


@dataclass(frozen=True)
class Pose:
    left: Leg = field(default_factory=Leg)
    right: Leg = field(default_factory=Leg)
    trunk_flex_deg: float = 0.0  # + leans forward, - reclines
    trunk_side_deg: float = 0.0  # + leans toward the person's left
    pelvis_hike_deg: float = 0.0  # + raises the left hip (frontal-plane tilt of the pelvis)
    arm_flex_deg: float = 0.0  # both arms raised forward (0 = hanging)
    lift_m: float = 0.0  # extra height of the whole body (e.g. sitting on a higher seat)
    # Whole-body orientation and travel (lying, rolling). pitch -90 = lying on the back (head
    # backward, face up), roll +90 = lying on the right side; travel_m moves the whole body
    # along its own head-to-feet axis (+ toward the head), as rolling on a foam roller does.
    body_pitch_deg: float = 0.0
    body_roll_deg: float = 0.0
    travel_m: float = 0.0

    def legs(self, **kw: float) -> "Pose":
        """Same change to both legs: STANDING.legs(knee_flex_deg=90)."""
        return replace(self, left=replace(self.left, **kw), right=replace(self.right, **kw))

    def leg(self, side: str, **kw: float) -> "Pose":
        """Change one leg ("left"/"right")."""
        return replace(self, **{side: replace(getattr(self, side), **kw)})

    def but(self, **kw: float) -> "Pose":
        return replace(self, **kw)


STANDING = Pose()
# On a chair: thighs level, shins vertical, feet flat (seat ~ shank + ankle height).
SEATED = Pose().legs(hip_flex_deg=90.0, knee_flex_deg=90.0)
# On the back on the floor, legs straight along it (give root_height_m ~0.1: hip joint above the floor).
LYING_BACK = Pose(body_pitch_deg=-90.0)
# On the right side (outer right thigh on the floor or a roller), legs straight.
LYING_SIDE = Pose(body_roll_deg=90.0)


def lerp(a, b, u: float):
    """Blend two poses (or legs, or numbers) field by field."""
    if isinstance(a, (int, float)):
        return a + (b - a) * u
    return type(a)(**{f.name: lerp(getattr(a, f.name), getattr(b, f.name), u) for f in fields(a)})


def animate(keys: Sequence[tuple[float, Pose]], fps: float = 30.0) -> list[tuple[float, Pose]]:
    """Sample keyframes [(t_s, pose), ...] at `fps` with cosine easing between them."""
    ts = [k[0] for k in keys]
    out = []
    for i in range(int(math.floor(ts[-1] * fps)) + 1):
        t = i / fps
        j = max(0, min(len(keys) - 2, int(np.searchsorted(ts, t, side="right")) - 1))
        (t0, p0), (t1, p1) = keys[j], keys[j + 1]
        u = 0.0 if t1 <= t0 else min(1.0, max(0.0, (t - t0) / (t1 - t0)))
        out.append((t, lerp(p0, p1, (1 - math.cos(math.pi * u)) / 2)))
    return out


def rep_keys(rest: Pose, tops: Iterable[Pose], *, up_s: float = 1.0, top_s: float = 0.3,
             down_s: float = 1.0, rest_s: float = 0.8, lead_s: float = 1.5, tail_s: float = 1.5,
             bottoms: Sequence[Pose | None] | None = None,
             tempo: Sequence[tuple[float, float] | None] | None = None) -> list[tuple[float, Pose]]:
    """Keyframes of reps: still at `rest` for lead_s, then rest -> top -> rest per rep.

    bottoms[i]: where rep i comes back down to (a partial lowering), default `rest`.
    tempo[i]: (up_s, down_s) for rep i, default (up_s, down_s).
    """
    tops = list(tops)
    keys = [(0.0, rest), (lead_s, rest)]
    t, here = lead_s, rest
    for i, top in enumerate(tops):
        up, down = (tempo[i] if tempo and tempo[i] else (up_s, down_s))
        bottom = (bottoms[i] if bottoms and bottoms[i] is not None else rest)
        keys += [(t + up, top), (t + up + top_s, top), (t + up + top_s + down, bottom),
                 (t + up + top_s + down + rest_s, bottom)]
        t += up + top_s + down + rest_s
        here = bottom
    keys.append((t + tail_s, here))
    return keys


# ---- forward kinematics -------------------------------------------------------------------
def _rot(axis: str, deg: float) -> np.ndarray:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    if axis == "x":
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == "y":
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def body_points(p: Pose) -> np.ndarray:
    """(33, 3) landmark positions in the body frame (X left, Y up, Z forward), hips at the origin
    (moved by `travel_m` along the body's own axis, then turned by body pitch/roll)."""
    pts = np.zeros((NUM_LANDMARKS, 3))
    pelvis = _rot("z", p.pelvis_hike_deg)
    for side, sgn, leg in (("LEFT", 1.0, p.left), ("RIGHT", -1.0, p.right)):
        hip = pelvis @ np.array([sgn * HIP_HALF_WIDTH_M, 0, 0])
        r_thigh = pelvis @ _rot("z", sgn * leg.hip_abd_deg) @ _rot("x", -leg.hip_flex_deg) \
            @ _rot("y", -sgn * leg.hip_rot_deg)
        knee = hip + r_thigh @ np.array([0, -THIGH_M, 0])
        r_shank = r_thigh @ _rot("x", leg.knee_flex_deg)
        ankle = knee + r_shank @ np.array([0, -SHANK_M, 0])
        r_foot = r_shank @ _rot("x", leg.ankle_plantar_deg)
        heel = ankle + r_foot @ np.array([0, -ANKLE_HEIGHT_M, -HEEL_BACK_M])
        toe = ankle + r_foot @ np.array([0, -ANKLE_HEIGHT_M, TOE_FORWARD_M])
        for name, v in (("HIP", hip), ("KNEE", knee), ("ANKLE", ankle), ("HEEL", heel), ("FOOT_INDEX", toe)):
            pts[L[f"{side}_{name}"]] = v
    r_trunk = _rot("x", p.trunk_flex_deg) @ _rot("z", -p.trunk_side_deg)
    neck = r_trunk @ np.array([0, TRUNK_M, 0])
    for side, sgn in (("LEFT", 1.0), ("RIGHT", -1.0)):
        sh = neck + r_trunk @ np.array([sgn * SHOULDER_HALF_WIDTH_M, 0, 0])
        r_arm = r_trunk @ _rot("x", -p.arm_flex_deg)
        elbow = sh + r_arm @ np.array([0, -UPPER_ARM_M, 0])
        wrist = elbow + r_arm @ np.array([0, -FOREARM_M, 0])
        pts[L[f"{side}_SHOULDER"]], pts[L[f"{side}_ELBOW"]], pts[L[f"{side}_WRIST"]] = sh, elbow, wrist
        for name in ("PINKY", "INDEX", "THUMB"):
            pts[L[f"{side}_{name}"]] = wrist + r_arm @ np.array([0, -0.06, 0.01])
    head = neck + r_trunk @ np.array([0, 0.22, 0.06])
    pts[L.NOSE] = head + r_trunk @ np.array([0, 0, 0.08])
    for side, sgn in (("LEFT", 1.0), ("RIGHT", -1.0)):
        for name, dx in (("EYE_INNER", 0.015), ("EYE", 0.03), ("EYE_OUTER", 0.045)):
            pts[L[f"{side}_{name}"]] = head + r_trunk @ np.array([sgn * dx, 0.03, 0.07])
        pts[L[f"{side}_EAR"]] = head + r_trunk @ np.array([sgn * 0.075, 0.02, 0.0])
    pts[L.MOUTH_LEFT] = head + r_trunk @ np.array([0.025, -0.04, 0.07])
    pts[L.MOUTH_RIGHT] = head + r_trunk @ np.array([-0.025, -0.04, 0.07])
    if p.body_pitch_deg or p.body_roll_deg or p.travel_m:
        r_body = _rot("x", p.body_pitch_deg) @ _rot("z", p.body_roll_deg)
        pts = (r_body @ (pts + np.array([0.0, p.travel_m, 0.0])).T).T
    return pts


FOOT_LANDMARKS = (L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)


def series_from_poses(frames: Sequence[tuple[float, Pose]], *, yaw_deg: float = 0.0,
                      root_height_m: float | None = None, image_wh: tuple[int, int] = (1280, 720),
                      px_per_m: float = 300.0, floor_px: float = 660.0, fps: float | None = None,
                      visibility: float = 0.95, toes_on_floor: bool = False) -> PoseSeries:
    """Pose every frame and project it: a PoseSeries as the pose adapter would give.

    root_height_m: hip height above the floor; None = standing on the floor (each frame the
    lowest foot point touches it, so a calf raise lifts the body). Give a fixed height for
    a seat (0.49 puts SEATED's feet on the floor).
    toes_on_floor: with a seat, a foot that points down keeps its toes where they rested (foot flat)
    and lifts the shank and knee instead (a seated calf raise: the shank rides on the foot lever, the
    knee rises with the heel).
    """
    t_ms = np.array([1000.0 * t for t, _ in frames])
    n = len(frames)
    xy = np.zeros((n, NUM_LANDMARKS, 2))
    world = np.zeros((n, NUM_LANDMARKS, 3))
    cam = _rot("y", yaw_deg)
    for i, (_, p) in enumerate(frames):
        b = body_points(p)
        height = (-b[list(FOOT_LANDMARKS), 1].min() if root_height_m is None else root_height_m) + p.lift_m
        if toes_on_floor and root_height_m is not None:
            flat = body_points(p.legs(ankle_plantar_deg=0.0))  # where the toes rest with the foot flat
            for knee, ankle, heel, toe in ((L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
                                           (L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)):
                below = flat[toe, 1] - b[toe, 1]  # how far the pointing foot took the toe tip down
                if below > 0:
                    b[[knee, ankle, heel, toe], 1] += below
        c = (cam @ b.T).T  # turned body, still X right-ish, Y up, Z toward the camera
        x_img, y_up, z_toward = c[:, 0], c[:, 1], c[:, 2]
        xy[i, :, 0] = image_wh[0] / 2 + px_per_m * x_img
        xy[i, :, 1] = floor_px - px_per_m * (height + y_up)
        hips = (c[L.LEFT_HIP] + c[L.RIGHT_HIP]) / 2
        world[i] = np.stack([x_img - hips[0], -(y_up - hips[1]), -(z_toward - hips[2])], axis=1)
    vis = np.full((n, NUM_LANDMARKS), float(visibility))
    if fps is None:
        fps = 1000.0 / float(np.median(np.diff(t_ms))) if n > 1 else 30.0
    return PoseSeries(t_ms, xy, vis, world, tuple(image_wh), float(fps))


# ---- damage: what real footage does to landmarks --------------------------------------------
def _window(series: PoseSeries, t0_s: float, t1_s: float) -> np.ndarray:
    return (series.t_ms >= 1000 * t0_s) & (series.t_ms <= 1000 * t1_s)


def hide(series: PoseSeries, landmarks: Iterable[int], t0_s: float, t1_s: float, *,
         visibility: float = 0.1, jump_px: float = 0.0, seed: int = 0) -> PoseSeries:
    """Landmarks the model did not see in [t0_s, t1_s]: low visibility, optionally a wild guess."""
    s = _copy(series)
    m = _window(s, t0_s, t1_s)
    idx = list(landmarks)
    for i in np.flatnonzero(m):
        s.visibility[i, idx] = visibility
        if jump_px:
            s.xy_px[i, idx] += np.random.default_rng(seed + i).uniform(-jump_px, jump_px, (len(idx), 2))
            s.world_xyz_m[i, idx] += np.random.default_rng(seed + i).uniform(-1, 1, (len(idx), 3)) * jump_px / 300
    return s


def drop(series: PoseSeries, t0_s: float, t1_s: float) -> PoseSeries:
    """Nobody found in [t0_s, t1_s] (NaN landmarks, visibility 0, as PoseSeries stores them)."""
    s = _copy(series)
    m = _window(s, t0_s, t1_s)
    s.xy_px[m], s.world_xyz_m[m], s.visibility[m] = np.nan, np.nan, 0.0
    return s


def jitter(series: PoseSeries, px_sd: float = 1.5, m_sd: float = 0.005, seed: int = 0) -> PoseSeries:
    """Frame-to-frame landmark noise of the size the pose model shows on a still person."""
    s = _copy(series)
    rng = np.random.default_rng(seed)
    s.xy_px += rng.normal(0, px_sd, s.xy_px.shape)
    s.world_xyz_m += rng.normal(0, m_sd, s.world_xyz_m.shape)
    return s


def hold_world(series: PoseSeries, landmarks: Iterable[int], anchor: int) -> PoseSeries:
    """The model's metric world landmarks keep `landmarks` at their first-frame offset from
    `anchor` while the image landmarks follow the motion: what MediaPipe's world feet did on
    the rendered long-sitting ankle clip (the world foot-to-shank angle stayed at 27 +- 2° while
    the foot pointed 53°; the image heel and toe followed within ~10 px)."""
    s = _copy(series)
    idx = list(landmarks)
    offset = s.world_xyz_m[0, idx] - s.world_xyz_m[0, anchor]
    s.world_xyz_m[:, idx] = s.world_xyz_m[:, [anchor]] + offset
    return s


def concat(*parts: PoseSeries) -> PoseSeries:
    """Play series one after another (times shifted to follow on)."""
    t, offset = [], 0.0
    for p in parts:
        t.append(p.t_ms + offset)
        offset = t[-1][-1] + 1000.0 / p.fps
    return PoseSeries(np.concatenate(t), np.concatenate([p.xy_px for p in parts]),
                      np.concatenate([p.visibility for p in parts]),
                      np.concatenate([p.world_xyz_m for p in parts]), parts[0].image_wh, parts[0].fps)


def _copy(s: PoseSeries) -> PoseSeries:
    return PoseSeries(s.t_ms.copy(), s.xy_px.copy(), s.visibility.copy(), s.world_xyz_m.copy(), s.image_wh, s.fps)


def slip_toward_line(series: PoseSeries, point: int, a: int, b: int, t0_s: float, t1_s: float,
                     fraction: float) -> PoseSeries:
    """Landmark `point` pulled `fraction` of the way toward its foot on the line a-b in
    [t0_s, t1_s], in the image and in the world landmarks: what MediaPipe did to the knee at
    the bottom of the rendered oblique leg press (the sled hid the legs; the knee landmark fell
    20-31 px toward the hip-ankle line while the true knee stayed at 90°)."""
    s = _copy(series)
    for arr in (s.xy_px, s.world_xyz_m):
        for i in np.flatnonzero(_window(s, t0_s, t1_s)):
            p, pa, pb = arr[i, point], arr[i, a], arr[i, b]
            ab = pb - pa
            foot = pa + ab * float(np.dot(p - pa, ab) / max(float(np.dot(ab, ab)), 1e-12))
            arr[i, point] = p + fraction * (foot - p)
    return s
