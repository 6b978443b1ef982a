"""A small numpy z-buffer rasteriser: triangles with per-vertex colours (Gouraud shading),
drawn over a background image that carries its own depth. Triangles are bucketed by their
pixel bounding box so each bucket is one vectorised pass."""
from __future__ import annotations

import numpy as np

from formcheck.synth.camera import Camera


def vertex_normals(verts: np.ndarray, faces: np.ndarray) -> np.ndarray:
    a, b, c = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
    fn = np.cross(b - a, c - a)
    n = np.zeros_like(verts)
    for k in range(3):
        for d in range(3):
            n[:, d] += np.bincount(faces[:, k], weights=fn[:, d], minlength=len(verts))
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    return n


def shade(albedo: np.ndarray, normals: np.ndarray, light_dirs: list[tuple[np.ndarray, float]],
          ambient: float = 0.32, view_dir: np.ndarray | None = None, spec: float = 0.0) -> np.ndarray:
    """Lambert shading: albedo * (ambient + sum w * max(n.l, 0)) (+ a little specular)."""
    k = np.full(len(normals), ambient)
    for d, w in light_dirs:
        k += w * np.clip(normals @ d, 0.0, None)
    out = albedo * k[:, None]
    if spec and view_dir is not None:
        h = light_dirs[0][0] + view_dir
        h /= np.linalg.norm(h)
        out += spec * np.clip(normals @ h, 0.0, None)[:, None] ** 24
    return np.clip(out, 0.0, 1.0)


def draw_mesh(cam: Camera, verts: np.ndarray, faces: np.ndarray, rgb: np.ndarray,
              image: np.ndarray, zbuf: np.ndarray) -> None:
    """Draw triangles into image (H,W,3 float) and zbuf (H,W) in place."""
    h, w = zbuf.shape
    uv, z = cam.project(verts)
    tri_uv = uv[faces]  # (F,3,2)
    tri_z = z[faces]
    keep = (tri_z > 0.05).all(axis=1)
    lo = np.floor(tri_uv.min(axis=1) - 0.5).astype(int) + 1  # first pixel centre inside
    hi = np.floor(tri_uv.max(axis=1) - 0.5).astype(int)
    lo = np.maximum(lo, 0)
    hi[:, 0] = np.minimum(hi[:, 0], w - 1)
    hi[:, 1] = np.minimum(hi[:, 1], h - 1)
    size = hi - lo + 1
    keep &= (size > 0).all(axis=1)
    ext = size.max(axis=1)
    zflat = zbuf.reshape(-1)
    iflat = image.reshape(-1, 3)
    prev = 0
    for k in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 4096):
        sel = np.flatnonzero(keep & (ext > prev) & (ext <= k))
        prev = k
        if len(sel) == 0:
            continue
        chunk = max(1, 2_000_000 // (k * k))
        for s in range(0, len(sel), chunk):
            _draw_bucket(sel[s:s + chunk], k, tri_uv, tri_z, rgb[faces], lo, hi, w, zflat, iflat)


def _draw_bucket(idx, k, tri_uv, tri_z, tri_rgb, lo, hi, w, zflat, iflat) -> None:
    oy, ox = np.mgrid[0:k, 0:k]
    ox, oy = ox.ravel(), oy.ravel()
    px = lo[idx, 0][:, None] + ox[None]  # (T, k*k)
    py = lo[idx, 1][:, None] + oy[None]
    valid = (px <= hi[idx, 0][:, None]) & (py <= hi[idx, 1][:, None])
    a, b, c = tri_uv[idx, 0], tri_uv[idx, 1], tri_uv[idx, 2]
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    ok = np.abs(area) > 1e-9
    area = np.where(ok, area, 1.0)[:, None]
    fx, fy = px + 0.5, py + 0.5
    w0 = ((b[:, 0, None] - fx) * (c[:, 1, None] - fy) - (b[:, 1, None] - fy) * (c[:, 0, None] - fx)) / area
    w1 = ((c[:, 0, None] - fx) * (a[:, 1, None] - fy) - (c[:, 1, None] - fy) * (a[:, 0, None] - fx)) / area
    w2 = 1.0 - w0 - w1
    eps = -1e-6
    inside = valid & ok[:, None] & (w0 >= eps) & (w1 >= eps) & (w2 >= eps)
    if not inside.any():
        return
    t, j = np.nonzero(inside)
    b0, b1, b2 = w0[t, j], w1[t, j], w2[t, j]
    tz = tri_z[idx[t]]
    depth = b0 * tz[:, 0] + b1 * tz[:, 1] + b2 * tz[:, 2]
    pix = py[t, j] * w + px[t, j]
    np.minimum.at(zflat, pix, depth)
    win = depth <= zflat[pix]
    col = tri_rgb[idx[t]]
    rgb = b0[:, None] * col[:, 0] + b1[:, None] * col[:, 1] + b2[:, None] * col[:, 2]
    iflat[pix[win]] = rgb[win]
