"""Exercises on a mat: hip-width leg extension (lying on the back, legs lifted, feet flexed,
a ~10 s hold) and ankle flexion (long sitting, point/flex cycles)."""
from __future__ import annotations

import numpy as np

from formcheck.synth.rotations import rot_x
from formcheck.synth.scene import box
from formcheck.synth.schedule import Timing
from formcheck.synth.motions.base import Motion, foot_rot, hip_rot, knee_rot, relaxed_arms, trunk_rot

MAT_RGB = (0.30, 0.36, 0.62)
MAT_TOP_M = 0.012


class HipWidthLegExtension(Motion):
    exercise = "hip_width_leg_extension"
    allowed_faults = ("feet_not_hip_width",)
    timing = Timing(up_s=1.6, top_s=10.0, down_s=1.6, rest_s=1.0, lead_in_s=1.5, tail_s=1.2)
    top_phase = "hold"
    default_reps = 1
    camera_kw = {"height_m": 1.25}
    ROOT = rot_x(-90.0)  # lying on the back: the front faces up, the head towards +y

    def setup(self) -> None:
        self.all = np.ones(len(self.body.rest_vertices), bool)
        hips = self.body.pose({})
        self.hip_half_m = float(np.linalg.norm(hips.points["hip_L"] - hips.points["hip_R"]) / 2)
        self.leg_m = float(np.linalg.norm(hips.points["ankle_L"] - hips.points["hip_L"]))

    def body_up_axis(self):
        return self.ROOT @ np.array([0.0, 0.0, 1.0])

    def body_forward_axis(self):
        return self.ROOT @ np.array([0.0, -1.0, 0.0])

    def spacing(self, rep) -> tuple[str, float]:
        """(label, target ankle distance over hip width) for a rep."""
        if rep is None or "feet_not_hip_width" not in rep.faults:
            return "hip_width", 1.0
        return ("together", 0.45) if rep.index % 2 else ("wide", 2.2)

    def abd_for_ratio(self, ratio: float) -> float:
        return float(np.degrees(np.arcsin(np.clip((ratio - 1.0) * self.hip_half_m / self.leg_m, -0.5, 0.5))))

    def pose(self, level, rep, t_s):
        label, ratio = self.spacing(rep)
        abd = self.abd_for_ratio(ratio) * level
        local = relaxed_arms(abd_deg=12.0)
        local["head"] = rot_x(-8.0)
        for s in ("L", "R"):
            local[f"thigh.{s}"] = hip_rot(88.0 * level, abd, s)
            local[f"shin.{s}"] = knee_rot(4.0)
            local[f"foot.{s}"] = foot_rot(-22.0 * level + 8.0 * (1 - level))  # flexed feet when up
        posed = self.body.pose(local).transformed(self.ROOT, np.zeros(3))
        return self.on_floor(posed, self.all, np.zeros(2), "root", floor_z=MAT_TOP_M)

    def props(self, level, posed):
        return [box((0.0, 0.05, MAT_TOP_M / 2), (0.62, 1.85, MAT_TOP_M), MAT_RGB, step_m=0.1)]

    def rep_extra(self, rep):
        label, ratio = self.spacing(rep)
        return {"feet_spacing": label, "target_ankle_distance_over_hip_width": ratio}


class AnkleFlexion(Motion):
    """Long sitting on a mat, legs straight, leaning back on the hands: point then flex."""

    exercise = "ankle_flexion"
    allowed_faults = ("too_fast", "low_rise")
    timing = Timing(up_s=0.9, top_s=0.4, down_s=1.0, rest_s=0.4, lead_in_s=1.5, tail_s=1.2)
    default_reps = 5
    FLEX_DEG, POINT_DEG = -15.0, 38.0

    def setup(self) -> None:
        self.all = np.ones(len(self.body.rest_vertices), bool)

    def levels(self, faults):
        return (0.5 if "low_rise" in faults else 1.0), 0.0

    def pose(self, level, rep, t_s):
        local = {}
        local["trunk"] = trunk_rot(-18.0)
        for s in ("L", "R"):
            local[f"upperarm.{s}"] = hip_rot(-28.0, 14.0, s)
            local[f"forearm.{s}"] = rot_x(-5.0)
            local[f"thigh.{s}"] = hip_rot(86.0, 2.0, s)
            local[f"shin.{s}"] = knee_rot(2.0)
            local[f"foot.{s}"] = foot_rot(self.FLEX_DEG + (self.POINT_DEG - self.FLEX_DEG) * level)
        posed = self.body.pose(local)
        return self.on_floor(posed, self.all, np.zeros(2), "root", floor_z=MAT_TOP_M)

    def props(self, level, posed):
        return [box((0.0, -0.45, MAT_TOP_M / 2), (0.62, 1.7, MAT_TOP_M), MAT_RGB, step_m=0.1)]
