#!/usr/bin/env python3
"""Capture-to-overlay latency of `formcheck live`, lite and full pose models side by side.

A recorded clip is first converted to what a webcam gives (640x480 at most, 30 fps) and then
played as a fake camera at real-time speed (`ClipCamera(realtime=True)`): each frame is
handed out when its time comes, and frames the loop is too slow for are dropped, exactly as
with a camera. The whole live loop runs (newest-frame capture thread, pose, checker, workout
flow, overlay; speech off, no window). Latency = from the moment a frame is served to the
moment its annotated overlay is ready. Prints p50/p95 per model, frames shown and skipped,
and the pose model's own time per frame. Target (issue 6): p95 <= 50 ms on a 2-core machine.

    python benchmarks/bench_live_latency.py [--clip CLIP] [--loops 3] [--models lite,full]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLIPS = [REPO / "sample_videos" / "calf_raise_side_clean.mp4",
                 REPO.parent / "shared" / "videos" / "calf_raise_fitbod_side.mp4"]
WEBCAM_WH = (640, 480)  # the size `formcheck live` asks a webcam for
WEBCAM_FPS = 30.0  # a typical webcam rate


def webcam_copy(clip: Path, out: Path, loops: int) -> tuple[int, tuple[int, int]]:
    """Write the clip as a webcam would deliver it: scaled to fit 640x480, 30 fps, looped."""
    import cv2

    from formcheck.io.video import VideoWriter, open_video
    n, writer, size = 0, None, None
    for _ in range(loops):
        with open_video(clip) as v:
            next_t_ms = 0.0
            for f in v.frames():
                if f.t_ms + 1e-6 < next_t_ms:  # 60 -> 30 fps: keep one frame per 33 ms
                    continue
                next_t_ms += 1000.0 / WEBCAM_FPS
                img = f.image_rgb
                h, w = img.shape[:2]
                s = min(WEBCAM_WH[0] / w, WEBCAM_WH[1] / h, 1.0)
                if s < 1.0:
                    img = cv2.resize(img, (round(w * s) // 2 * 2, round(h * s) // 2 * 2), interpolation=cv2.INTER_AREA)
                if writer is None:
                    size = (img.shape[1], img.shape[0])
                    writer = VideoWriter(out, WEBCAM_FPS, size, crf=18)
                writer.write(img)
                n += 1
    writer.close()
    return n, size


def stage_ms(clip: Path, model: str, n: int = 300) -> tuple[float, float, float]:
    """Per-frame time of the pose model alone (p50, p95), and the median of everything else the
    loop does per frame (checker, workout flow, placement check, overlay drawing)."""
    from formcheck.run.session import LiveSession
    from formcheck.pose.stream import PoseStream
    pose, rest = [], []
    session = LiveSession("calf_raise")
    # the webcam copy as it is (live feeds the model the camera's own pictures), every frame; the
    # model on this thread, one frame after the other, as the live loop calls it
    with PoseStream(clip, model, max_short_side_px=None, max_fps=None, own_thread=False) as stream:
        for pf in stream:
            t1 = time.perf_counter()
            session.process_pose(pf.t_ms, pf.sample, pf.image_rgb)
            pose.append(pf.pose_ms)
            rest.append((time.perf_counter() - t1) * 1000)
            if len(pose) >= n:
                break
    session.close()
    return float(np.median(pose[5:])), float(np.percentile(pose[5:], 95)), float(np.median(rest[5:]))


def run_model(clip: Path, model: str, home: Path):
    from formcheck.sinks.history import HistoryStore
    from formcheck.run.live import LiveOptions, run_live
    from formcheck.sinks.voice import SilentSpeaker
    opts = LiveOptions(exercise="calf_raise", source=str(clip), window=False, quiet=True, realtime=True,
                       model=model, size_wh=WEBCAM_WH)
    with HistoryStore(home / f"{model}.sqlite3") as store:
        return run_live(opts, speaker=SilentSpeaker(), store=store, say_line=lambda s: None,
                        warn_line=lambda s: print(f"  note: {s}", file=sys.stderr))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", type=Path)
    ap.add_argument("--loops", type=int, default=3, help="play the clip this many times in a row")
    ap.add_argument("--models", default="lite,full")
    a = ap.parse_args()
    clip = a.clip or next((c for c in DEFAULT_CLIPS if c.is_file()), None)
    if clip is None or not clip.is_file():
        print("no clip: pass --clip", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cam = tmp / "webcam.mp4"
        n, size = webcam_copy(clip, cam, a.loops)
        print(f"clip: {clip.name} as a webcam: {size[0]}x{size[1]} at {WEBCAM_FPS:g} fps, {n} frames "
              f"({n / WEBCAM_FPS:.1f} s real time); {os.cpu_count()} CPU cores, "
              f"load average {os.getloadavg()[0]:.1f} (other work running skews the figures)")
        rows = []
        for model in a.models.split(","):
            out = run_model(cam, model, tmp)
            rows.append((model, out, *stage_ms(cam, model)))
        print(f"{'model':<6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'shown':>6} {'skipped':>8} "
              f"{'pose p50/p95':>13} {'rest ms':>8}  reps")
        for model, out, pm, p95, rm in rows:
            lat = np.array(out.latency_ms)
            print(f"{model:<6} {np.percentile(lat, 50):7.1f} {np.percentile(lat, 95):7.1f} {lat.max():7.1f} "
                  f"{out.frames:6d} {out.dropped:8d} {pm:6.1f}/{p95:<6.1f} {rm:8.1f}  {out.summary.get('total_reps')}")
        print("pose: the pose model alone per frame; rest: checker + flow + overlay per frame (median)")
        print("target: p95 <= 50 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
