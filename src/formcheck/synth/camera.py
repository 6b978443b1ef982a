"""Pinhole cameras and the three views. Azimuth is measured from the person's facing
direction (-y): front 0 deg, oblique 50 deg (3/4 view, 40 deg off the side), side 90 deg."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VIEW_AZIMUTH_DEG = {"front": 0.0, "oblique": 50.0, "side": 90.0}


@dataclass(frozen=True)
class Camera:
    position: np.ndarray  # world, metres
    rot: np.ndarray  # world -> camera (rows: right, down, forward)
    focal_px: float
    width: int
    height: int

    def to_camera(self, pts: np.ndarray) -> np.ndarray:
        return (pts - self.position) @ self.rot.T

    def project(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points (N,3) -> pixel coordinates (N,2) and depth (N,)."""
        c = self.to_camera(pts)
        z = np.maximum(c[:, 2], 1e-4)
        uv = np.stack([self.focal_px * c[:, 0] / z + self.width / 2.0,
                       self.focal_px * c[:, 1] / z + self.height / 2.0], axis=1)
        return uv, c[:, 2]

    def scaled(self, k: float) -> "Camera":
        return Camera(self.position, self.rot, self.focal_px * k, int(self.width * k), int(self.height * k))


def look_at(position, target, width: int, height: int, hfov_deg: float) -> Camera:
    position = np.asarray(position, float)
    fwd = np.asarray(target, float) - position
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    down = np.cross(fwd, right)
    focal = (width / 2.0) / np.tan(np.radians(hfov_deg) / 2.0)
    return Camera(position, np.stack([right, down, fwd]), focal, width, height)


def view_camera(view: str, bbox_min: np.ndarray, bbox_max: np.ndarray, *, width: int = 640,
                height: int = 480, hfov_deg: float = 55.0, fill: float = 0.88,
                facing_deg: float = 0.0, mirror: bool = False, height_m: float | None = None,
                extra_azimuth_deg: float = 0.0) -> Camera:
    """A static camera that frames the box [bbox_min, bbox_max] (the body over the whole clip).

    The person faces -y rotated by facing_deg about z; the camera stands on the person's left
    for side/oblique views (mirror=True puts it on the right).
    """
    az = np.radians(VIEW_AZIMUTH_DEG[view] * (-1.0 if mirror else 1.0) + facing_deg + extra_azimuth_deg)
    # direction from the subject towards the camera: front is -y, the person's left is +x
    to_cam = np.array([np.sin(az), -np.cos(az), 0.0])
    centre = 0.5 * (bbox_min + bbox_max)
    corners = np.array([[x, y, z] for x in (bbox_min[0], bbox_max[0]) for y in (bbox_min[1], bbox_max[1])
                        for z in (bbox_min[2], bbox_max[2])])
    cam_z = height_m if height_m is not None else float(np.clip(centre[2] + 0.05, 0.5, 1.3))
    dist = 2.0
    for _ in range(30):  # grow/shrink until the box fills `fill` of the tighter side
        pos = centre + to_cam * dist
        pos[2] = cam_z
        cam = look_at(pos, centre, width, height, hfov_deg)
        uv, _ = cam.project(corners)
        span_w = (uv[:, 0].max() - uv[:, 0].min()) / width
        span_h = (uv[:, 1].max() - uv[:, 1].min()) / height
        ratio = max(span_w, span_h) / fill
        if abs(ratio - 1.0) < 0.01:
            break
        dist *= ratio ** 0.8
    return cam
