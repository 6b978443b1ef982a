"""Leg press: reclined seat, feet on a sled plate; knees bend to ~90 deg and extend."""
from __future__ import annotations

import numpy as np

from formcheck.synth.rotations import align, rot_x, unit
from formcheck.synth.scene import box
from formcheck.synth.schedule import Timing
from formcheck.synth.motions.base import Motion, relaxed_arms, side_sign, two_link_knee

FRAME_RGB = (0.30, 0.30, 0.33)
PAD_RGB = (0.12, 0.12, 0.14)


class LegPress(Motion):
    exercise = "leg_press"
    allowed_faults = ("incomplete_lockout", "knees_caving", "too_fast")
    # level 0 = legs extended (knee ~170 deg), level 1 = knees at ~90 deg
    timing = Timing(up_s=1.4, top_s=0.3, down_s=1.2, rest_s=0.6, lead_in_s=1.5, tail_s=1.2)
    default_reps = 5
    RECLINE_DEG = 50.0
    KNEE_EXT_DEG, KNEE_BENT_DEG = 170.0, 90.0
    SLED_DEG = -8.0  # the sled line vs the thigh-forward direction (body frame); ~32 deg up in the room
    SEAT_BOTTOM_M = 0.42

    def setup(self) -> None:
        b = self.body
        self.root = rot_x(-self.RECLINE_DEG)
        p = b.pose(self.base_local()).points
        self.geo = {s: (p[f"hip_{s}"], np.linalg.norm(p[f"knee_{s}"] - p[f"hip_{s}"]),
                        np.linalg.norm(p[f"ankle_{s}"] - p[f"knee_{s}"])) for s in ("L", "R")}
        # sled direction in the body frame: forward, tilted up towards the head
        self.u = unit(np.array([0.0, -np.cos(np.radians(self.SLED_DEG)), np.sin(np.radians(self.SLED_DEG))]))
        self.shift = np.zeros(3)
        p0 = self.pose(0.0, None, 0.0)
        seat = self.props(0.0, p0)[1]
        self.shift = np.array([0.0, 0.0, self.SEAT_BOTTOM_M - seat.vertices[:, 2].min()])

    def base_local(self) -> dict:
        local = relaxed_arms(abd_deg=18.0, elbow_deg=10.0)
        local["head"] = rot_x(12.0)
        return local

    def levels(self, faults):
        if "incomplete_lockout" in faults:  # the knee comes back only to ~25 deg short of straight
            return 1.0, 25.0 / (self.KNEE_EXT_DEG - self.KNEE_BENT_DEG)
        return 1.0, 0.0

    def pose(self, level, rep, t_s):
        faults = rep.faults if rep else []
        kappa = np.radians(self.KNEE_EXT_DEG - (self.KNEE_EXT_DEG - self.KNEE_BENT_DEG) * level)
        cave = 12.0 * level if "knees_caving" in faults else 0.0
        local = self.base_local()
        world = {}
        for s in ("L", "R"):
            hip, l1, l2 = self.geo[s]
            d = np.sqrt(l1 * l1 + l2 * l2 - 2 * l1 * l2 * np.cos(kappa))
            ankle = hip + self.u * d
            up = np.array([0.0, 0.0, 1.0])
            knee = two_link_knee(hip, ankle, l1, l2, up)
            if cave:  # swing the knee about the hip-ankle line towards the midline
                axis = unit(ankle - hip)
                rel = knee - hip
                ang = np.radians(cave) * side_sign(s)
                rel = (rel * np.cos(ang) + np.cross(axis, rel) * np.sin(ang)
                       + axis * np.dot(axis, rel) * (1 - np.cos(ang)))
                knee = hip + rel
            world[f"thigh.{s}"] = align([0, 0, -1.0], knee - hip)
            world[f"shin.{s}"] = align([0, 0, -1.0], ankle - knee)
            # soles flat on the plate (sole normal along the sled line)
            th = np.degrees(np.arctan2(self.u[1], -self.u[2]))
            world[f"foot.{s}"] = rot_x(th)
            world[f"toes.{s}"] = rot_x(th)
        posed = self.body.pose(local, world)
        self._last_body = posed
        return posed.transformed(self.root, self.shift)

    def body_up_axis(self):
        return self.root @ np.array([0.0, 0.0, 1.0])

    def body_forward_axis(self):
        return self.root @ np.array([0.0, -1.0, 0.0])

    def props(self, level, posed):
        """Built in the body frame, then reclined with the body."""
        b = self._last_body
        v = b.vertices
        back_y = float(v[self.body.bone_mask("spine"), 1].max())
        seat_z = float(v[self.body.bone_mask("pelvis", "root", "upperleg01"), 2].min())
        hip_y = float(b.points["hip_L"][1])
        out = [box((0, back_y + 0.04, 0.28), (0.52, 0.08, 0.80), PAD_RGB),  # backrest
               box((0, hip_y + 0.02, seat_z - 0.04), (0.52, 0.40, 0.08), PAD_RGB)]  # seat pad
        feet = self.body.bone_mask("foot", "toe")
        reach = float(((v[feet] - b.points["hip_L"]) @ self.u).max())
        plate_c = b.points["hip_L"] * np.array([0, 1, 1]) + self.u * (reach + 0.02)
        r = align([0, 0, -1.0], self.u)
        out.append(box(plate_c + np.array([0, 0, 0.05]), (0.62, 0.62, 0.03), (0.55, 0.56, 0.60), r, step_m=0.05))
        for s in ("L", "R"):  # sled rails alongside
            c = b.points["hip_L"] * np.array([0, 1, 1]) + self.u * 0.75 + np.array([side_sign(s) * 0.40, 0, -0.12])
            out.append(box(c, (0.05, 0.05, 1.1), FRAME_RGB, align([0, 0, -1.0], self.u), step_m=0.08))
        for pr in out:
            pr.vertices = pr.vertices @ self.root.T + self.shift
        # a pedestal from the floor to the seat
        seat = out[1].vertices
        top = float(seat[:, 2].min())
        cy = float(seat[:, 1].mean())
        out.append(box((0, cy, top / 2), (0.36, 0.45, top), FRAME_RGB))
        return out
