"""Standing exercises: floor calf raise (both legs, or single leg with the free leg bent
behind) and standing hip abduction."""
from __future__ import annotations

import numpy as np

from formcheck.synth.body import Posed
from formcheck.synth.rotations import rot_x
from formcheck.synth.schedule import Rep, Timing
from formcheck.synth.motions.base import Motion, foot_rot, hip_rot, knee_rot, relaxed_arms, trunk_rot

CALF_PLANTAR_DEG = 25.0  # full-rep ankle plantarflexion (~8 cm of heel rise at the heel point)


class CalfRaise(Motion):
    exercise = "calf_raise"
    allowed_faults = ("low_rise", "bent_knees", "too_fast", "incomplete_lowering", "asymmetry", "knees_caving")
    timing = Timing(up_s=1.0, top_s=0.5, down_s=1.2, rest_s=0.5, lead_in_s=1.5, tail_s=1.2)

    def setup(self) -> None:
        b = self.body
        self.feet = b.bone_mask("foot", "toe")
        self.single = self.variant == "single_leg"
        self.support = ("R",) if self.single else ("L", "R")
        self.contact = self.feet & np.isin(
            np.array([n[-1] for n in np.array(b.labels)[b.vertex_bone]]), list(self.support))
        self.anchor = tuple(f"ball_{s}" for s in self.support)
        p0 = self._pose_body(0.0, None)
        self.anchor_xy = np.mean([p0.points[a] for a in self.anchor], axis=0)[:2]

    def levels(self, faults):
        peak = 0.5 if "low_rise" in faults else 1.0
        end = 0.4 if "incomplete_lowering" in faults else 0.0
        return peak, end

    def _pose_body(self, level: float, rep: Rep | None) -> Posed:
        faults = rep.faults if rep else []
        local = relaxed_arms(abd_deg=4.0, elbow_deg=8.0)
        world = {}
        bend = 20.0 * min(1.0, level / 0.3) if "bent_knees" in faults else 0.0
        cave = 9.0 * level if "knees_caving" in faults else 0.0
        for s in ("L", "R"):
            pf = CALF_PLANTAR_DEG * level
            if "asymmetry" in faults and s == "R":
                pf *= 0.7
            if self.single and s == "L":  # free leg: knee bent, foot behind, off the floor
                local[f"thigh.{s}"] = hip_rot(-8.0, 2.0, s)
                local[f"shin.{s}"] = knee_rot(75.0)
                local[f"foot.{s}"] = foot_rot(20.0)
                continue
            local[f"thigh.{s}"] = hip_rot(0.55 * bend, -cave, s)
            local[f"shin.{s}"] = knee_rot(bend) @ hip_rot(0.0, cave, s)
            world[f"foot.{s}"] = rot_x(pf)
            world[f"toes.{s}"] = np.eye(3)  # toes stay flat on the floor
        local["trunk"] = trunk_rot(0.35 * bend + 2.0 * level)
        return self.body.pose(local, world)

    def pose(self, level, rep, t_s):
        posed = self._pose_body(level, rep)
        return self.on_floor(posed, self.contact, self.anchor_xy, self.anchor)


class HipAbduction(Motion):
    """Standing hip abduction: the left leg lifts out to the side ~35 deg, trunk upright."""

    exercise = "hip_abduction"
    allowed_faults = ("too_fast", "low_rise")
    timing = Timing(up_s=1.0, top_s=0.6, down_s=1.2, rest_s=0.5, lead_in_s=1.5, tail_s=1.2)
    ABD_DEG = 36.0

    def setup(self) -> None:
        b = self.body
        self.moving = "L"
        names = np.array(b.labels)[b.vertex_bone]
        self.contact = b.bone_mask("foot", "toe") & np.array([n.endswith("R") for n in names])
        p0 = self._pose_body(0.0, None)
        self.anchor_xy = p0.points["ball_R"][:2]

    def levels(self, faults):
        return (0.5 if "low_rise" in faults else 1.0), 0.0

    def _pose_body(self, level, rep):
        local = relaxed_arms(abd_deg=6.0, elbow_deg=10.0)
        local["upperarm.L"] = hip_rot(0.0, 22.0, "L")
        local["thigh.L"] = hip_rot(2.0, self.ABD_DEG * level, "L")
        local["foot.L"] = foot_rot(8.0 * level)
        local["thigh.R"] = hip_rot(0.0, 1.5 * level, "R")
        local["trunk"] = trunk_rot(0.0, -3.0 * level)
        return self.body.pose(local)

    def pose(self, level, rep, t_s):
        return self.on_floor(self._pose_body(level, rep), self.contact, self.anchor_xy, "ball_R")
