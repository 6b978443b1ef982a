"""What recognition measures in the first seconds of a clip: `Features`, one per clip.

Position (world landmarks, `body.posture`): standing, seated or lying. Movement, as robust
ranges (5th to 95th percentile, so a glitch does not count) over the first seconds: knee bend,
thigh swing, feet apart/together, the body rising on the toes, the body travelling along its
own axis (a roller), and the foot moving on its own (ankle work, rolling a ball). Every distance
is relative to the person's own body (trunk or shin length), so it does not depend on distance
or zoom. Each exercise says what its features look like beside its checker (`Checker.recognize`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.body.geometry import angle_deg
from formcheck.body.measures import leg_lift_deg
from formcheck.body.posture import dominant_posture, thigh_from_vertical_deg
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import MIN_VISIBILITY, PoseSample, PoseSeries

# Seconds looked at: the first reps of every exercise here fit (a leg-extension rep ~4 s).
WINDOW_S = 10.0

# Foot moving on its own: the toe moves at least 15 % of the shin relative to the knee.
FOOT_MOVE_SHANK = 0.15

# Seated. The knee opens and closes by over 60° (leg extension, leg press); both thighs swinging
# more than 20° with it means the whole leg pushes (leg press), else the thighs stay on the seat
# (the real leg-extension clip: 9° on the near leg, 41° of world-landmark noise on the far one).
SEATED_KNEE_RANGE_DEG = 60.0  # a leg extension or press moves ~90°; lifting a foot for ankle work
# moved the knee 38° on the real ankle clip

# Legs lifted off the floor (the leg-extension hold): hip->ankle at least 15° above the floor line.
LEGS_LIFTED_DEG = 15.0

# Smoothing before the path is measured: removes frame-to-frame jitter, keeps strokes (>= 0.5 s).
FOOT_PATH_SMOOTH_S = 0.2

# The path is measured about its own moving centre over this long, so slow changes of the leg's
# pose (lifting the foot off the floor, settling it) are not read as strokes; a stroke of a letter
# or one ankle circle takes 0.5-2 s.
FOOT_PATH_CENTRE_S = 2.0


@dataclass(frozen=True)
class Features:
    posture: str
    found_s: float
    knee_range_deg: float  # the largest over the two legs
    thigh_range_deg: float  # the smaller over the two legs (a leg press moves both; one noisy far leg does not count)
    abduction_range_hipw: float
    rise_range_trunk: float  # hip centre up-down, trunk lengths
    knee_rise_shank: float  # knees up-down (seated calf raise), shin lengths
    travel_range_trunk: float  # along the body's axis (rolling)
    foot_move_shank: float  # toe relative to the knee, the more moving foot
    foot_planted_move_shank: float  # heel+toe centre, the more moving foot (rolling a ball)
    leg_lift_deg: float  # median, both legs
    foot_angle_range_deg: float  # shin-to-foot angle in the picture, the more moving foot
    foot_path_width_shank: float = 0.0  # toe path about the ankle: width across its main line, the more moving foot
    foot_path_one_way: float = 0.0  # share of that path's swept area turning one way (1 = circles)
    found_share: float = 1.0  # share of the window's frames with somebody found
    body_seen_share: float = 1.0  # share of those with shoulders, hips, a knee and an ankle seen

    def to_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _rng(values) -> float:
    a = np.asarray(values, float)
    a = a[np.isfinite(a)]
    return float(np.percentile(a, 95) - np.percentile(a, 5)) if a.size >= 5 else 0.0


def _median(values) -> float:
    a = np.asarray(values, float)
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size else math.nan


def _moving_mean(a: np.ndarray, n: int) -> np.ndarray:
    """Centred moving mean over n frames of an (N, 2) array, ignoring NaN; NaN where nothing was seen."""
    n = min(n, a.shape[0])  # np.convolve(mode="same") returns max(len, n) values: never wider than a
    if n <= 1:
        return a.copy()
    k = np.ones(n)
    ok = np.isfinite(a)
    num = np.stack([np.convolve(np.where(ok[:, j], a[:, j], 0.0), k, mode="same") for j in range(a.shape[1])], 1)
    cnt = np.stack([np.convolve(ok[:, j].astype(float), k, mode="same") for j in range(a.shape[1])], 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0.5 * n, num / np.maximum(cnt, 1e-9), np.nan)


def foot_path_shape(toe_rel: np.ndarray, fps: float) -> tuple[float, float]:
    """(width, one-way share) of a foot's path: toe_rel (N, 2) per frame, NaN where unseen, in shin lengths.

    width: 5th-95th percentile spread across the path's main direction, about its moving centre.
    one-way share: |signed swept area| / total swept area (1 = every stroke turns the same way)."""
    if toe_rel.shape[0] < 5 or fps <= 0:
        return 0.0, 0.0
    smooth = _moving_mean(toe_rel, int(round(FOOT_PATH_SMOOTH_S * fps)))
    rel = smooth - _moving_mean(smooth, int(round(FOOT_PATH_CENTRE_S * fps)))
    pts = rel[np.all(np.isfinite(rel), axis=1)]
    if len(pts) < 10:
        return 0.0, 0.0
    centred = pts - pts.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    width = _rng(centred @ vt[1])
    step = np.diff(smooth, axis=0)
    swept = rel[:-1, 0] * step[:, 1] - rel[:-1, 1] * step[:, 0]
    swept = swept[np.isfinite(swept)]
    total = float(np.abs(swept).sum())
    return width, (abs(float(swept.sum())) / total if total > 0 else 0.0)


def features(series: PoseSeries, window_s: float = WINDOW_S) -> Features:
    """Measure the movement in the first `window_s` seconds (from the first frame with somebody)."""
    frames = list(series.samples())
    samples = [s for _, s in frames if s is not None]
    found_share = 0.0
    if samples:
        t0 = samples[0].t_s
        samples = [s for s in samples if s.t_s - t0 <= window_s]
        in_window = [t for t, _ in frames if 0 <= t / 1000.0 - t0 <= window_s]
        found_share = len(samples) / max(1, len(in_window))
    found_s = len(samples) / series.fps if series.fps > 0 else 0.0
    body_seen = float(np.mean([_whole_body_seen(s) for s in samples])) if samples else 0.0
    posture = dominant_posture(samples)

    def seen(s: PoseSample, *lms) -> bool:
        return s.seen(*lms, min_visibility=MIN_VISIBILITY)

    knee = {sd: [] for sd in SIDES}
    thigh = {sd: [] for sd in SIDES}
    knee_y = {sd: [] for sd in SIDES}
    toe_rel = {sd: [] for sd in SIDES}
    toe_ankle = {sd: [] for sd in SIDES}
    foot_c = {sd: [] for sd in SIDES}
    foot_angle = {sd: [] for sd in SIDES}
    abd, hip_y, hips, axes, trunks, shanks, lifts = [], [], [], [], [], [], []
    for s in samples:
        for sd in SIDES:
            g = LEG[sd]
            if seen(s, g["hip"], g["knee"], g["ankle"]):
                knee[sd].append(angle_deg(s.world(g["hip"]), s.world(g["knee"]), s.world(g["ankle"])))
                thigh[sd].append(thigh_from_vertical_deg(s, sd))
                shanks.append(float(np.linalg.norm(s.px(g["knee"]) - s.px(g["ankle"]))))
                lifts.append(leg_lift_deg(s, sd))
            else:
                for lst in (knee[sd], thigh[sd]):
                    lst.append(math.nan)
            knee_y[sd].append(s.px(g["knee"])[1] if seen(s, g["knee"]) else math.nan)
            toe_rel[sd].append(s.px(g["toe"]) - s.px(g["knee"]) if seen(s, g["toe"], g["knee"])
                               else np.full(2, np.nan))
            toe_ankle[sd].append(s.px(g["toe"]) - s.px(g["ankle"]) if seen(s, g["toe"], g["ankle"])
                                 else np.full(2, np.nan))
            foot_c[sd].append((s.px(g["toe"]) + s.px(g["heel"])) / 2 if seen(s, g["toe"], g["heel"])
                              else np.full(2, np.nan))
            foot_angle[sd].append(angle_deg(s.px(g["knee"]), s.px(g["ankle"]), s.px(g["toe"]))
                                  if seen(s, g["knee"], g["ankle"], g["toe"]) else math.nan)
        if seen(s, L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HIP, L.RIGHT_HIP):
            hip_w = float(np.linalg.norm(s.world(L.LEFT_HIP) - s.world(L.RIGHT_HIP)))
            if hip_w > 1e-3:
                abd.append(float(np.linalg.norm(s.world(L.LEFT_ANKLE) - s.world(L.RIGHT_ANKLE))) / hip_w)
        if seen(s, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER):
            hip = (s.px(L.LEFT_HIP) + s.px(L.RIGHT_HIP)) / 2
            sh = (s.px(L.LEFT_SHOULDER) + s.px(L.RIGHT_SHOULDER)) / 2
            hips.append(hip)
            axes.append(sh - hip)
            trunks.append(float(np.linalg.norm(sh - hip)))
            hip_y.append(hip[1])

    trunk_px = _median(trunks)
    shank_px = float(np.percentile(shanks, 90)) if shanks else math.nan  # the least foreshortened
    travel = 0.0
    if len(hips) >= 5 and trunk_px > 1:
        axis = np.median(np.array(axes), axis=0)
        axis /= max(1e-9, float(np.linalg.norm(axis)))
        travel = _rng((np.array(hips) - hips[0]) @ axis) / trunk_px

    def move(pts: list[np.ndarray]) -> float:
        arr = np.array(pts, float).reshape(-1, 2)
        return max(_rng(arr[:, 0]), _rng(arr[:, 1])) / shank_px if shank_px > 1 else 0.0

    foot_moves = {sd: move(toe_rel[sd]) for sd in SIDES}
    mover = max(SIDES, key=lambda sd: foot_moves[sd])
    path_width, path_one_way = (foot_path_shape(np.array(toe_ankle[mover], float).reshape(-1, 2) / shank_px,
                                                series.fps) if shank_px > 1 else (0.0, 0.0))

    return Features(
        posture=posture, found_s=found_s, found_share=found_share, body_seen_share=body_seen,
        knee_range_deg=max(_rng(knee[sd]) for sd in SIDES),
        # the better-seen leg's thigh: a far leg hidden side-on has no readings, and half-seen it
        # is noise (41° on the real leg-extension clip, whose near thigh moved 9°)
        thigh_range_deg=_rng(max(thigh.values(), key=len)),
        abduction_range_hipw=_rng(abd),
        rise_range_trunk=_rng(hip_y) / trunk_px if trunk_px > 1 else 0.0,
        knee_rise_shank=max(_rng(knee_y[sd]) for sd in SIDES) / shank_px if shank_px > 1 else 0.0,
        travel_range_trunk=travel,
        foot_move_shank=foot_moves[mover],
        foot_planted_move_shank=max(move(foot_c[sd]) for sd in SIDES),
        leg_lift_deg=_median(lifts),
        foot_angle_range_deg=max(_rng(foot_angle[sd]) for sd in SIDES),
        foot_path_width_shank=path_width,
        foot_path_one_way=path_one_way,
    )


def _whole_body_seen(s: PoseSample) -> bool:
    """Shoulders, hips, and at least one knee and one ankle seen: what telling standing, seated and
    lying from each other rests on (a picture of the legs only gives the model's guess of a trunk)."""
    return s.seen(L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, min_visibility=MIN_VISIBILITY) and \
        any(s.seen(LEG[sd]["knee"], LEG[sd]["ankle"], min_visibility=MIN_VISIBILITY) for sd in SIDES)
