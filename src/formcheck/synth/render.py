"""The clip loop: schedule -> pose -> rasterise -> `formcheck.io.video.VideoWriter`, plus truth."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from formcheck.io.video import VideoWriter
from formcheck.synth import raster, scene
from formcheck.synth.body import Body
from formcheck.synth.camera import VIEW_AZIMUTH_DEG, view_camera
from formcheck.synth.motions import MOTIONS
from formcheck.synth.rotations import unit
from formcheck.synth.schedule import FAULT_CODES, Timing, build_schedule
from formcheck.synth.truth import PX_POINTS, TruthRecorder, write_truth


@dataclass
class ClipSpec:
    exercise: str
    view: str = "oblique"
    body: int = 0
    reps: int = 5
    tempo: float = 1.0
    faults: dict[int, list[str]] = field(default_factory=dict)
    variant: str | None = None
    fps: float = 30.0
    width: int = 640
    height: int = 480
    supersample: int = 2
    crf: int = 28
    mirror: bool = False
    timing: Timing | None = None  # overrides the motion's own timing (tests use a 1-s clip)


def render_clip(spec: ClipSpec, out_path: str | Path, *, log=print, truth_only: bool = False) -> dict:
    """Write the clip and `<name>.truth.json`; with truth_only, rewrite just the truth (posing is
    cheap, rasterising is not; the camera comes out the same)."""
    out_path = Path(out_path)
    if spec.exercise not in MOTIONS:
        raise ValueError(f"unknown exercise {spec.exercise!r}; rendered: {', '.join(MOTIONS)}")
    if spec.view not in VIEW_AZIMUTH_DEG:
        raise ValueError(f"unknown view {spec.view!r}; known: {', '.join(VIEW_AZIMUTH_DEG)}")
    t0 = time.time()
    body = Body(spec.body)
    motion = MOTIONS[spec.exercise](body, spec.variant)
    for rep, codes in spec.faults.items():
        bad = [c for c in codes if c not in motion.allowed_faults]
        if bad:
            raise ValueError(f"{spec.exercise} cannot show {bad} (it takes: {', '.join(motion.allowed_faults) or 'none'})")
    sched = build_schedule(spec.reps, spec.faults, spec.timing or motion.timing, tempo=spec.tempo, levels=motion.levels,
                           top_phase=motion.top_phase)
    n = int(round(sched.duration_s * spec.fps))
    times = np.arange(n) / spec.fps
    frames = []
    lo, hi = np.full(3, np.inf), np.full(3, -np.inf)
    for t in times:
        level, phase, rep = sched.at(float(t))
        posed = motion.pose(level, rep, float(t))
        props = scene.merge(motion.props(level, posed))
        frames.append((float(t), level, phase, rep, posed, props))
        lo = np.minimum(lo, posed.vertices.min(0))
        hi = np.maximum(hi, posed.vertices.max(0))
        if props is not None:
            lo = np.minimum(lo, props.vertices.min(0))
            hi = np.maximum(hi, props.vertices.max(0))
    cam = view_camera(spec.view, lo, hi, width=spec.width, height=spec.height, mirror=spec.mirror,
                      **getattr(motion, "camera_kw", {}))
    ss = spec.supersample
    cam_ss = cam.scaled(ss)
    subject = 0.5 * (lo + hi)
    bg, bg_depth, floor = scene.background(cam_ss, scene.Room(), subject[:2])
    to_cam = unit(cam.position - subject)
    side = unit(np.cross([0, 0, 1.0], to_cam))
    lights = [(unit(to_cam * 0.8 + np.array([0, 0, 1.3]) + side * 0.6), 0.62),
              (unit(to_cam * 0.5 - side * 0.9 + np.array([0, 0, 0.2])), 0.18),
              (unit(-to_cam + np.array([0, 0, 0.6])), 0.12)]
    truth = TruthRecorder()
    t_setup = time.time() - t0
    writer = None if truth_only else VideoWriter(out_path, spec.fps, (spec.width, spec.height), crf=spec.crf)
    try:
        for t, level, phase, rep, posed, props in frames:
            names = [f"{p}_{s}" for p in PX_POINTS for s in "LR"]
            uv, _ = cam.project(np.array([posed.points[k] for k in names]))
            truth.add(t, phase, rep.index if rep else 0, posed.points, motion.body_up_axis(),
                      motion.body_forward_axis(), {k: uv[i] for i, k in enumerate(names)})
            if writer is None:
                continue
            img = bg.copy()
            zb = bg_depth.copy()
            occluders = [posed.vertices] + ([props.vertices] if props is not None else [])
            img *= scene.contact_shadow(cam_ss, np.concatenate(occluders), floor)[..., None]
            if props is not None:
                pn = raster.vertex_normals(props.vertices, props.faces)
                raster.draw_mesh(cam_ss, props.vertices, props.faces, raster.shade(props.albedo, pn, lights, 0.38),
                                 img, zb)
            vn = raster.vertex_normals(posed.vertices, body.faces)
            col = raster.shade(body.vertex_rgb, vn, lights, 0.30, view_dir=to_cam, spec=0.06)
            raster.draw_mesh(cam_ss, posed.vertices, body.faces, col, img, zb)
            frame = (np.clip(img, 0, 1) * 255).astype(np.uint8)
            if ss != 1:
                frame = cv2.resize(frame, (spec.width, spec.height), interpolation=cv2.INTER_AREA)
            writer.write(frame)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        writer.close()
    reps = []
    for rep in sched.reps:
        d = rep.truth()
        d.update(motion.rep_extra(rep))
        reps.append(d)
    header = {
        "exercise": spec.exercise, "view": spec.view, "fps": float(spec.fps), "frames": n, "body": spec.body,
        "body_description": body.preset.name, "variant": spec.variant, "tempo": spec.tempo,
        "width": spec.width, "height": spec.height,
        "camera": {"azimuth_deg_from_front": VIEW_AZIMUTH_DEG[spec.view] * (-1 if spec.mirror else 1),
                   "position_m": [round(float(x), 3) for x in cam.position], "focal_px": round(cam.focal_px, 2)},
        "faults_known": list(FAULT_CODES),
        "generator": "python -m formcheck.synth",
    }
    truth_path = out_path.with_name(out_path.stem + ".truth.json")
    write_truth(truth_path, header, reps, truth.per_frame())
    what = f"{truth_path.name} (truth only)" if truth_only else f"{out_path} and {truth_path.name}"
    log(f"wrote {what}: {n} frames, {n / spec.fps:.1f} s of clip, setup {t_setup:.1f} s, "
        f"total {time.time() - t0:.1f} s")
    return {"video": out_path, "truth": truth_path, "frames": n}
