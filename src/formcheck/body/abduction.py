"""Hip abduction in degrees: the leg's frontal-plane angle (`measures.leg_abduction_deg`) less the
pelvis's own hike, with the model's hip line corrected for how it tilts with a lifted thigh.

The angle at the hip is the thigh's angle out of the PELVIS's mid-sagittal plane (anatomy, and the
rendered truth): a leg lifted 45° with the pelvis hiked 10° is 35° of hip abduction. The pelvis's tilt
would come from the hip line, but the model's hip landmarks do not stay on the pelvis: the lifted
leg's hip landmark rides up with the thigh, so the hip line tilts by about a quarter of the leg's
angle while the pelvis stays level (rendered front clip, pelvis never tilted: 7.8-8.2° of tilt for a
34° leg; the real front and 3/4 clips: 10-13° for 45-55°, which is that share too). Subtracting the
raw tilt read the rendered 36° lift as 21°. So with a true hike h and abduction a,

    hip-line rise = h + HIP_LINE_TILT_PER_ABDUCTION x a,   leg angle = a + h,

which gives h = (rise - k x leg) / (1 - k), clamped at 0, and a = leg - h.

HIP_LINE_TILT_PER_ABDUCTION is fitted on FIT_BODIES x FIT_VIEWS (the shipped sample clip
hip_abduction_front: body 2, head-on) and checked on truth_set/angles/hip_abduction_* (bodies 0, 1, 3,
head-on and 3/4), which it was not fitted on: there it reads 0.26-0.29, so a rendered 36° lift reads
within ~1-2° head-on (`formcheck eval --truth truth_set/angles --per-rep`).
"""
from __future__ import annotations

import math

FIT_BODIES = (2,)
FIT_VIEWS = ("front",)
# Median over the fitting clip's 5 reps of (hip-line rise at the top) / (leg angle at the top): 0.231-0.242.
HIP_LINE_TILT_PER_ABDUCTION = 0.24


# Above this body yaw the leg's sideways travel is mostly toward the camera, and the picture cannot
# show it (cos 60° = 0.5: each pixel's error doubles); the model's metric world leg is used instead.
MAX_PICTURE_YAW_DEG = 60.0


def frontal_leg_deg(out_px_deg: float, rest_px_deg: float, yaw_deg: float) -> float:
    """The leg's frontal-plane angle (from hanging, + = out to its side) from its angle in the picture
    (`measures.leg_out_px_deg`), less the same reading in the start position, with the sideways part
    stretched back by 1 / cos(body yaw): a 3/4 camera sees a leg lifted out to the side shortened
    across the picture and not at all along its height.

    Why not the model's world leg: its depth barely follows a leg swung toward the camera (the
    rendered 3/4 clips: the ankle moved 0.09 m in depth for a true 0.32 m), so a 36° lift read 24°
    at 3/4. The picture's sideways travel over cos(yaw) read 33° and 31° there, and 35-36° head-on
    (truth_set/angles/hip_abduction_*, the sample clip) with the model's yaw as read (43-46° for a
    true 50°), and 33-35° with the camera's yaw (`body.view.camera_yaw_deg`), which the caller passes.
    Nothing here is fitted. NaN when a reading is missing or the yaw is over MAX_PICTURE_YAW_DEG."""
    if not (math.isfinite(out_px_deg) and math.isfinite(rest_px_deg) and math.isfinite(yaw_deg)) \
            or yaw_deg > MAX_PICTURE_YAW_DEG:
        return math.nan
    return stretched_out_deg(out_px_deg, yaw_deg) - stretched_out_deg(rest_px_deg, yaw_deg)


def stretched_out_deg(out_px_deg: float, yaw_deg: float) -> float:
    """A leg's angle out in the picture with its sideways part stretched back by 1 / cos(camera yaw)."""
    return math.degrees(math.atan(math.tan(math.radians(out_px_deg)) / math.cos(math.radians(yaw_deg))))


def pelvis_hike_deg(leg_deg: float, hip_line_rise_deg: float) -> float:
    """The pelvis's own tilt up on the lifted side (degrees, >= 0), from the hip line's rise since the
    start position and the leg's frontal angle; NaN when either is unknown."""
    if not (math.isfinite(leg_deg) and math.isfinite(hip_line_rise_deg)):
        return math.nan
    k = HIP_LINE_TILT_PER_ABDUCTION
    return max(0.0, (hip_line_rise_deg - k * leg_deg) / (1.0 - k))


def hip_abduction_deg(leg_deg: float, hip_line_rise_deg: float) -> float:
    """The angle at the hip: the leg's frontal angle less the pelvis's own hike (no hike known: the leg's)."""
    hike = pelvis_hike_deg(leg_deg, hip_line_rise_deg)
    return leg_deg - hike if math.isfinite(hike) else leg_deg
