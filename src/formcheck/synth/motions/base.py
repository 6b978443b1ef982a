"""What every exercise motion provides, and shared posing helpers (degrees; body frame
x = left, y = backwards, z = up)."""
from __future__ import annotations

import numpy as np

from formcheck.synth.body import Body, Posed
from formcheck.synth.rotations import rot_x, rot_y, rot_z
from formcheck.synth.scene import Prop
from formcheck.synth.schedule import Rep, Timing


def side_sign(side: str) -> float:
    return 1.0 if side == "L" else -1.0


def hip_rot(flex_deg: float, abd_deg: float = 0.0, side: str = "L", twist_deg: float = 0.0) -> np.ndarray:
    """Thigh (or upper arm) rotation: abduct (away from the midline) then swing forward."""
    return rot_x(-flex_deg) @ rot_y(-side_sign(side) * abd_deg) @ rot_z(side_sign(side) * twist_deg)


def knee_rot(flex_deg: float) -> np.ndarray:
    """Shin relative to the thigh: positive bends the knee (the ankle goes backwards)."""
    return rot_x(flex_deg)


def elbow_rot(flex_deg: float) -> np.ndarray:
    return rot_x(-flex_deg)


def foot_rot(plantar_deg: float) -> np.ndarray:
    """Foot relative to the shin: positive points the toes (plantarflexion), negative flexes."""
    return rot_x(plantar_deg)


def trunk_rot(lean_fwd_deg: float, side_lean_deg: float = 0.0) -> np.ndarray:
    return rot_x(lean_fwd_deg) @ rot_y(side_lean_deg)


def relaxed_arms(abd_deg: float = 0.0, elbow_deg: float = 0.0, flex_deg: float = 0.0) -> dict:
    out = {}
    for s in ("L", "R"):
        out[f"upperarm.{s}"] = hip_rot(flex_deg, abd_deg, s)
        out[f"forearm.{s}"] = elbow_rot(elbow_deg)
    return out


class Motion:
    exercise: str = ""
    allowed_faults: tuple[str, ...] = ()
    timing = Timing()
    top_phase = "top"
    default_reps = 5

    def __init__(self, body: Body, variant: str | None = None) -> None:
        self.body = body
        self.variant = variant
        self.setup()

    def setup(self) -> None:  # constants measured on the neutral pose
        pass

    def levels(self, faults: list[str]) -> tuple[float, float]:
        return 1.0, 0.0

    def pose(self, level: float, rep: Rep | None, t_s: float) -> Posed:
        raise NotImplementedError

    def props(self, level: float, posed: Posed) -> list[Prop]:
        return []

    def rep_extra(self, rep: Rep) -> dict:
        return {}

    def body_up_axis(self) -> np.ndarray:
        """The pelvis's up and forward axes in the world (for hip abduction)."""
        return np.array([0.0, 0.0, 1.0])

    def body_forward_axis(self) -> np.ndarray:
        return np.array([0.0, -1.0, 0.0])

    # ---- placement helpers -----------------------------------------------------------------
    def on_floor(self, posed: Posed, contact: np.ndarray, anchor_xy: np.ndarray | None,
                 anchor: str | tuple[str, ...] = ("ball_L", "ball_R"), floor_z: float = 0.0) -> Posed:
        """Lift/lower so the lowest contact vertex is on the floor, and slide so the anchor
        point keeps its reference xy (feet do not skate)."""
        names = (anchor,) if isinstance(anchor, str) else anchor
        a = np.mean([posed.points[n] for n in names], axis=0)
        shift = np.zeros(3)
        shift[2] = floor_z - posed.vertices[contact, 2].min()
        if anchor_xy is not None:
            shift[:2] = anchor_xy - a[:2]
        return posed.shifted(shift)


def two_link_knee(hip: np.ndarray, ankle: np.ndarray, thigh_m: float, shin_m: float,
                  bend_towards: np.ndarray) -> np.ndarray:
    """Knee position for a hip and an ankle (both 3-D), bending towards `bend_towards`."""
    d_vec = ankle - hip
    d = float(np.clip(np.linalg.norm(d_vec), 1e-6, thigh_m + shin_m - 1e-6))
    axis = d_vec / np.linalg.norm(d_vec)
    along = (thigh_m ** 2 - shin_m ** 2 + d ** 2) / (2 * d)
    off = np.sqrt(max(thigh_m ** 2 - along ** 2, 0.0))
    perp = bend_towards - np.dot(bend_towards, axis) * axis
    perp /= np.linalg.norm(perp)
    return hip + axis * along + perp * off


def sagittal_flex_deg(direction: np.ndarray) -> float:
    """Forward-swing angle of a segment direction from straight down (sagittal plane)."""
    return float(np.degrees(np.arctan2(-direction[1], -direction[2])))
