"""The room (a floor and a wall behind the person, ray-cast once per camera) and props
(boxes: a seat, a bench, a leg-press sled, a mat), plus a soft contact shadow."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.synth.camera import Camera
from formcheck.synth.rotations import unit


@dataclass
class Prop:
    """A triangle mesh with flat albedo per vertex (metres, world frame)."""

    vertices: np.ndarray
    faces: np.ndarray
    albedo: np.ndarray


def box(centre, size, rgb, rot: np.ndarray | None = None, step_m: float = 0.06) -> Prop:
    """An axis-aligned (then rotated about its centre) box, each face split into small quads."""
    centre, size = np.asarray(centre, float), np.asarray(size, float)
    rot = np.eye(3) if rot is None else rot
    verts, faces = [], []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            u_ax, v_ax = [a for a in range(3) if a != axis]
            nu = max(1, int(np.ceil(size[u_ax] / step_m)))
            nv = max(1, int(np.ceil(size[v_ax] / step_m)))
            us, vs = np.linspace(-0.5, 0.5, nu + 1), np.linspace(-0.5, 0.5, nv + 1)
            base = sum(len(x) for x in verts)
            grid = np.zeros(((nu + 1) * (nv + 1), 3))
            uu, vv = np.meshgrid(us, vs, indexing="ij")
            grid[:, axis] = sign * 0.5
            grid[:, u_ax] = uu.ravel()
            grid[:, v_ax] = vv.ravel()
            verts.append(grid * size)
            for i in range(nu):
                for j in range(nv):
                    a = base + i * (nv + 1) + j
                    b, c, d = a + 1, a + nv + 1, a + nv + 2
                    faces += [[a, c, b], [b, c, d]]
    v = np.concatenate(verts) @ rot.T + centre
    return Prop(v, np.asarray(faces, np.int32), np.tile(np.asarray(rgb, float), (len(v), 1)))


def merge(props: list[Prop]) -> Prop | None:
    if not props:
        return None
    vs, fs, cs, n = [], [], [], 0
    for p in props:
        vs.append(p.vertices)
        fs.append(p.faces + n)
        cs.append(p.albedo)
        n += len(p.vertices)
    return Prop(np.concatenate(vs), np.concatenate(fs), np.concatenate(cs))


@dataclass(frozen=True)
class Room:
    floor_rgb: tuple = (0.62, 0.50, 0.38)  # light wood
    wall_rgb: tuple = (0.86, 0.86, 0.82)
    baseboard_rgb: tuple = (0.95, 0.95, 0.95)
    wall_distance_m: float = 2.2  # behind the subject, along the camera's view


def background(cam: Camera, room: Room, subject_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-pixel colour (H,W,3 float), depth (H,W) and floor mask of the empty room."""
    h, w = cam.height, cam.width
    ys, xs = np.mgrid[0:h, 0:w].astype(float)
    dirs_cam = np.stack([(xs + 0.5 - w / 2) / cam.focal_px, (ys + 0.5 - h / 2) / cam.focal_px, np.ones_like(xs)], -1)
    dirs = dirs_cam @ cam.rot  # camera -> world
    o = cam.position
    fwd_h = unit([cam.rot[2, 0], cam.rot[2, 1], 0.0])
    wall_point = np.array([subject_xy[0], subject_xy[1], 0.0]) + fwd_h * room.wall_distance_m
    with np.errstate(divide="ignore", invalid="ignore"):
        t_floor = np.where(dirs[..., 2] < -1e-6, -o[2] / dirs[..., 2], np.inf)
        denom = dirs @ fwd_h
        t_wall = np.where(denom > 1e-6, ((wall_point - o) @ fwd_h) / denom, np.inf)
    floor = t_floor < t_wall
    t = np.where(floor, t_floor, t_wall)
    t = np.where(np.isfinite(t), t, 50.0)
    p = o + dirs * t[..., None]
    img = np.zeros((h, w, 3))
    # floor: planks along the wall direction, a little grain and distance falloff
    side = np.cross(fwd_h, [0, 0, 1])
    along, across = p @ side, p @ fwd_h
    plank = np.floor(across / 0.14)
    shade = 0.92 + 0.08 * np.sin(plank * 12.9898) + 0.03 * np.sin(along * 9.0 + plank * 3.1)
    seam = (np.abs(across / 0.14 - np.round(across / 0.14)) < 0.035)
    fl = np.asarray(room.floor_rgb) * shade[..., None]
    fl[seam] *= 0.8
    img[floor] = fl[floor]
    wall_c = np.asarray(room.wall_rgb) * (0.95 + 0.05 * np.clip(p[..., 2] / 2.5, 0, 1))[..., None]
    base = (~floor) & (p[..., 2] < 0.10)
    img[~floor] = wall_c[~floor]
    img[base] = np.asarray(room.baseboard_rgb) * 0.9
    # soft light falloff away from the subject
    d = np.linalg.norm(p[..., :2] - subject_xy[None, None, :2], axis=-1)
    img *= (1.0 - 0.18 * np.clip(d / 4.0, 0, 1))[..., None]
    depth = (dirs_cam[..., 2] * t)
    return img, depth, floor


def contact_shadow(cam: Camera, verts: np.ndarray, floor_mask: np.ndarray, strength: float = 0.45,
                   reach_m: float = 0.6) -> np.ndarray:
    """Multiplier (H,W) that darkens the floor under the body; points higher up cast less."""
    h, w = floor_mask.shape
    near = verts[verts[:, 2] < reach_m]
    if len(near) == 0:
        return np.ones((h, w))
    ground = near.copy()
    ground[:, 2] = 0.0
    uv, z = cam.project(ground)
    weight = np.clip(1.0 - near[:, 2] / reach_m, 0, 1) ** 1.5
    ok = (uv[:, 0] >= 0) & (uv[:, 0] < w) & (uv[:, 1] >= 0) & (uv[:, 1] < h) & (z > 0)
    acc = np.zeros(h * w)
    ix = uv[ok].astype(int)
    np.maximum.at(acc, ix[:, 1] * w + ix[:, 0], weight[ok])
    acc = acc.reshape(h, w).astype(np.float32)
    r = max(3, int(round(w / 80)))
    acc = cv2.dilate(acc, np.ones((r, r), np.uint8))
    acc = cv2.GaussianBlur(acc, (0, 0), r * 1.2)
    return 1.0 - strength * np.clip(acc, 0, 1) * floor_mask
