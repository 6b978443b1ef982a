"""Seated exercises: seated calf raise, leg extension (machine-like seat) and ankle alphabet."""
from __future__ import annotations

import numpy as np

from formcheck.synth.rotations import align, rot_x, rot_y, rot_z
from formcheck.synth.scene import box
from formcheck.synth.schedule import Rep, Timing
from formcheck.synth.motions.base import (Motion, foot_rot, hip_rot, knee_rot, relaxed_arms, sagittal_flex_deg, side_sign, trunk_rot,
                   two_link_knee)

SEAT_RGB = (0.20, 0.20, 0.22)
WOOD_RGB = (0.55, 0.40, 0.26)


class _Seated(Motion):
    """Shared seat geometry: thighs horizontal, the hips fixed on a seat."""

    knee_deg = 90.0
    feet_above_floor_m = 0.0
    seat_rgb = WOOD_RGB

    def neutral_local(self) -> dict:
        local = relaxed_arms(abd_deg=10.0, elbow_deg=20.0, flex_deg=10.0)
        local["trunk"] = trunk_rot(3.0)
        for s in ("L", "R"):
            local[f"thigh.{s}"] = hip_rot(90.0, 3.0, s)
            local[f"shin.{s}"] = knee_rot(self.knee_deg) @ hip_rot(0.0, -3.0, s)
        return local

    def setup(self) -> None:
        b = self.body
        p0 = b.pose(self.neutral_local())
        v = p0.vertices
        legs = b.bone_mask("upperleg", "pelvis", "root")
        rear = legs & (v[:, 1] > p0.points["hip_L"][1] - 0.22)
        self.seat_contact_z = float(v[rear, 2].min())
        feet = b.bone_mask("foot", "toe")
        self.floor_body_z = float(v[feet, 2].min()) - self.feet_above_floor_m
        self.shift = np.array([0.0, 0.0, -self.floor_body_z])  # body frame -> world
        self.seat_top = self.seat_contact_z - self.floor_body_z
        self.hip_y = float(p0.points["hip_L"][1])
        self.p0 = p0
        self.after_setup()

    def after_setup(self) -> None:
        pass

    def seat_props(self):
        h = self.seat_top
        return [box((0.0, self.hip_y + 0.02, h / 2), (0.46, 0.42, h), self.seat_rgb)]


class SeatedCalfRaise(_Seated):
    exercise = "seated_calf_raise"
    allowed_faults = ("low_rise", "too_fast", "incomplete_lowering", "asymmetry")
    timing = Timing(up_s=1.0, top_s=0.5, down_s=1.2, rest_s=0.5, lead_in_s=1.5, tail_s=1.2)
    PLANTAR_DEG = 24.0

    def after_setup(self) -> None:
        p = self.p0.points
        self.geo = {}
        for s in ("L", "R"):
            hip, knee, ankle, ball = p[f"hip_{s}"], p[f"knee_{s}"], p[f"ankle_{s}"], p[f"ball_{s}"]
            self.geo[s] = (hip, np.linalg.norm(knee - hip), np.linalg.norm(ankle - knee), ball, ball - ankle)

    def levels(self, faults):
        return (0.5 if "low_rise" in faults else 1.0), (0.4 if "incomplete_lowering" in faults else 0.0)

    def pose(self, level, rep, t_s):
        faults = rep.faults if rep else []
        local = self.neutral_local()
        # hands resting on the thighs
        for s in ("L", "R"):
            local[f"upperarm.{s}"] = hip_rot(12.0, 8.0, s)
            local[f"forearm.{s}"] = rot_x(-68.0)
        world = {}
        for s in ("L", "R"):
            pf = self.PLANTAR_DEG * level * (0.7 if ("asymmetry" in faults and s == "R") else 1.0)
            hip, l1, l2, ball, ball_rel = self.geo[s]
            ankle = ball - rot_x(pf) @ ball_rel
            knee = two_link_knee(hip, ankle, l1, l2, np.array([0.0, -0.3, 1.0]))
            ft = sagittal_flex_deg(knee - hip)
            fs = sagittal_flex_deg(ankle - knee)
            local[f"thigh.{s}"] = hip_rot(ft)
            local[f"shin.{s}"] = knee_rot(ft - fs)
            world[f"foot.{s}"] = rot_x(pf)
            world[f"toes.{s}"] = np.eye(3)
        return self.body.pose(local, world).shifted(self.shift)

    def props(self, level, posed):
        return self.seat_props()


class LegExtension(_Seated):
    exercise = "leg_extension"
    allowed_faults = ("incomplete_lockout", "too_fast")
    timing = Timing(up_s=1.2, top_s=0.5, down_s=1.5, rest_s=0.5, lead_in_s=1.5, tail_s=1.2)
    feet_above_floor_m = 0.10
    seat_rgb = SEAT_RGB
    STRAIGHT_KNEE_FLEX = 2.0

    def levels(self, faults):
        if "incomplete_lockout" in faults:  # stops ~25 deg short of straight
            return (self.knee_deg - self.STRAIGHT_KNEE_FLEX - 25.0) / (self.knee_deg - self.STRAIGHT_KNEE_FLEX), 0.0
        return 1.0, 0.0

    def neutral_local(self) -> dict:
        local = super().neutral_local()
        local["trunk"] = trunk_rot(8.0)  # leaning slightly forward
        for s in ("L", "R"):  # hands on the seat's handles
            local[f"upperarm.{s}"] = hip_rot(8.0, 14.0, s)
            local[f"forearm.{s}"] = rot_x(-15.0)
        return local

    def pose(self, level, rep, t_s):
        local = self.neutral_local()
        knee = self.knee_deg - (self.knee_deg - self.STRAIGHT_KNEE_FLEX) * level
        for s in ("L", "R"):
            local[f"shin.{s}"] = knee_rot(knee) @ hip_rot(0.0, -3.0, s)
            local[f"foot.{s}"] = foot_rot(-6.0)
        return self.body.pose(local).shifted(self.shift)

    def props(self, level, posed):
        h = self.seat_top
        hy = self.hip_y
        out = [box((0.0, hy + 0.02, h - 0.05), (0.50, 0.46, 0.10), SEAT_RGB),  # cushion
               box((0.0, hy + 0.02, (h - 0.10) / 2), (0.10, 0.30, h - 0.10), (0.35, 0.35, 0.38)),  # post
               box((0.0, hy + 0.02, 0.02), (0.55, 0.55, 0.04), (0.35, 0.35, 0.38)),  # base
               box((0.0, hy + 0.26, h + 0.33), (0.46, 0.08, 0.62), SEAT_RGB, rot_x(-12.0))]  # backrest
        for s in ("L", "R"):  # handles beside the seat
            out.append(box((side_sign(s) * 0.30, hy - 0.05, h - 0.02), (0.04, 0.20, 0.04), (0.1, 0.1, 0.1)))
        # the shin pad, moving with the shins, and its lever arm on the left
        a = 0.5 * (posed.points["ankle_L"] + posed.points["ankle_R"])
        k = 0.5 * (posed.points["knee_L"] + posed.points["knee_R"])
        d = (a - k) / np.linalg.norm(a - k)
        front = rot_x(-90.0) @ d
        r = align([0, 0, -1.0], d)
        pad = a - d * 0.07 + front * 0.075
        out.append(box(pad, (0.42, 0.09, 0.09), (0.10, 0.10, 0.12), r, step_m=0.03))
        pivot = np.array([0.30, k[1], k[2]])
        end = np.array([0.30, pad[1], pad[2]])
        out.append(box(0.5 * (pivot + end), (0.04, 0.04, np.linalg.norm(end - pivot)), (0.6, 0.6, 0.62),
                       align([0, 0, -1.0], end - pivot), step_m=0.05))
        return out


LETTERS = {
    "A": [(-0.8, -1), (0, 1), (0.8, -1), (0.45, -0.2), (-0.45, -0.2)],
    "B": [(-0.6, -1), (-0.6, 1), (0.35, 1), (0.6, 0.7), (0.45, 0.15), (-0.6, 0.05), (0.5, -0.05), (0.7, -0.5),
          (0.45, -1), (-0.6, -1)],
    "C": [(0.8 * np.cos(a), np.sin(a)) for a in np.radians(np.linspace(45, 315, 12))],
}


def letter_point(letter: str, s: float) -> np.ndarray:
    """Point at arc-length fraction s of a letter's path, in [-1, 1]^2 (u right, v up)."""
    pts = np.asarray(LETTERS[letter], float)
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    cum = np.concatenate([[0], np.cumsum(seg)]) / seg.sum()
    s = float(np.clip(s, 0, 1))
    return np.array([np.interp(s, cum, pts[:, 0]), np.interp(s, cum, pts[:, 1])])


class AnkleAlphabet(_Seated):
    """Seated, left leg out straight-ish and off the floor; the foot traces one letter per rep."""

    exercise = "ankle_alphabet"
    allowed_faults = ("too_fast",)
    timing = Timing(up_s=0.5, top_s=3.2, down_s=0.5, rest_s=0.6, lead_in_s=1.5, tail_s=1.0)
    top_phase = "hold"
    default_reps = 3
    word = "ABC"

    def levels(self, faults):
        return 1.0, 0.0

    def letter(self, rep: Rep) -> str:
        return self.word[(rep.index - 1) % len(self.word)]

    def pose(self, level, rep, t_s):
        local = self.neutral_local()
        for s in ("L", "R"):
            local[f"upperarm.{s}"] = hip_rot(5.0, 14.0, s)
            local[f"forearm.{s}"] = rot_x(-15.0)
        local["thigh.L"] = hip_rot(78.0, 8.0, "L")
        local["shin.L"] = knee_rot(22.0)
        uv = np.zeros(2)
        if rep is not None:
            dur = max(rep.down_start_s - rep.up_end_s, 1e-6)
            uv = letter_point(self.letter(rep), (t_s - rep.up_end_s) / dur) if t_s >= rep.up_end_s else \
                letter_point(self.letter(rep), 0.0)
            if t_s > rep.down_start_s:
                uv = letter_point(self.letter(rep), 1.0)
        u, v = uv * level
        local["foot.L"] = foot_rot(12.0 - 24.0 * v) @ rot_z(22.0 * u) @ rot_y(6.0 * u)
        return self.body.pose(local).shifted(self.shift)

    def props(self, level, posed):
        return self.seat_props()

    def rep_extra(self, rep):
        return {"letter": self.letter(rep)}
