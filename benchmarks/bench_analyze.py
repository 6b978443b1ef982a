#!/usr/bin/env python3
"""Throughput and memory of `formcheck analyze`, against a bare decode + inference loop.

Prints, in one run on the same clip:
  * wall time of a bare loop (decode -> pose model, nothing else) and of `formcheck analyze`
    with annotated H.264 output, and their ratio bare/analyze (goal >= 0.9: drawing, checking
    and encoding beside inference cost under 10 %);
  * peak memory (max RSS) of `formcheck analyze` on the clip and on a clip LOOPS times longer
    (goal: flat with clip length, since frames are streamed, never held).
Each figure is a separate process, timed from outside, best of --repeat runs.

    python benchmarks/bench_analyze.py [--clip CLIP] [--exercise calf_raise] [--loops 4] [--repeat 2]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLIPS = [REPO / "sample_videos" / "calf_raise_oblique_clean.mp4",
                 REPO.parent / "shared" / "videos" / "calf_raise_fitbod_side.mp4"]

BARE = """
import sys
from formcheck.video_io import open_video
from formcheck.pose_adapter import PoseEstimator
with open_video(sys.argv[1]) as v, PoseEstimator() as pe:
    for f in v.frames():
        pe.detect(f.image_rgb, f.t_ms)
"""


def run_measured(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"benchmark command failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024.0


def best(cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = [run_measured(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def make_long_clip(src: Path, loops: int, dst: Path) -> int:
    sys.path.insert(0, str(REPO / "src"))
    from formcheck.video_io import VideoWriter, open_video
    n = 0
    with open_video(src) as v0:
        info = v0.info
    with VideoWriter(dst, info.fps, info.wh, preset="ultrafast") as w:
        for _ in range(loops):
            with open_video(src) as v:
                for f in v.frames():
                    w.write(f.image_rgb)
                    n += 1
    return n


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clip", type=Path)
    p.add_argument("--exercise", default="calf_raise")
    p.add_argument("--loops", type=int, default=4)
    p.add_argument("--repeat", type=int, default=2)
    a = p.parse_args()
    clip = a.clip or next((c for c in DEFAULT_CLIPS if c.is_file()), None)
    if clip is None or not clip.is_file():
        sys.exit("no clip to benchmark: pass --clip")
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        analyze = [py, "-m", "formcheck.cli", "analyze", "-e", a.exercise, "-q", "--out", str(tmp / "o.mp4")]
        bare_s, bare_mb = best([py, "-c", BARE, str(clip)], a.repeat)
        an_s, an_mb = best(analyze[:4] + [str(clip)] + analyze[4:], a.repeat)
        long_clip = tmp / "long.mp4"
        n_long = make_long_clip(clip, a.loops, long_clip)
        long_s, long_mb = best(analyze[:4] + [str(long_clip)] + analyze[4:], 1)

    from formcheck.video_io import open_video  # noqa: E402  (after sys.path set by make_long_clip)
    with open_video(clip) as v:
        n = v.info.frame_count
        wh = v.info.wh
    print(f"clip: {clip.name} ({wh[0]}x{wh[1]}, {n} frames); cores: {os.cpu_count()}")
    print(f"{'run':<40} {'wall s':>8} {'ms/frame':>9} {'peak MiB':>9}")
    print(f"{'bare decode + pose model':<40} {bare_s:8.2f} {1000 * bare_s / n:9.1f} {bare_mb:9.0f}")
    print(f"{'formcheck analyze (+ check, draw, H.264)':<40} {an_s:8.2f} {1000 * an_s / n:9.1f} {an_mb:9.0f}")
    print(f"{f'formcheck analyze, clip x{a.loops}':<40} {long_s:8.2f} {1000 * long_s / n_long:9.1f} {long_mb:9.0f}")
    print(f"\nthroughput ratio bare/analyze: {bare_s / an_s:.2f}  (goal >= 0.90)")
    print(f"peak memory long/short clip:    {long_mb / an_mb:.2f}  (goal ~1.0: flat with clip length)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
