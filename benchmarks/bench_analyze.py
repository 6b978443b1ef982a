#!/usr/bin/env python3
"""Throughput and memory of `formcheck analyze`, explained, in one run.

Prints, each figure from a separate process timed from outside (wall time, peak RSS):
  * bare loop (the pose stream alone: decode every frame + the pose model at the analysis rate,
    nothing else) vs
    `formcheck analyze --out --report` on the same frames: their ratio (goal >= 0.95) and the
    real-time factor (clip seconds per second of review; goal >= 1.5 for 1080p60 on 2 cores);
  * per-stage milliseconds per frame inside analyze: decode (with scaling and colour conversion),
    pose, checker, overlay, encode (encode runs on its own thread, beside the others);
  * peak RSS at 480p, 1080p and 4K, and for a clip 4x longer (goal <= 400 MB, flat with length);
  * `--exercise auto` vs the named exercise (goal: auto costs <= 5 % more);
  * a batch of 8 clips with `--jobs 2` vs 8 runs one by one (goal <= 0.6x).
The larger inputs are generated at run time from the clip (scaled with PyAV). No figure here is
a test: timings depend on the machine and on what else runs on it.

    python benchmarks/bench_analyze.py [--clip CLIP] [--exercise calf_raise] [--repeat 2] [--skip 4k,batch]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLIPS = [REPO.parent / "shared" / "videos" / "calf_raise_fitbod_side.mp4",
                 REPO / "sample_videos" / "calf_raise_oblique_clean.mp4"]
SIZES = {"480p": 480, "1080p": 1080, "4k": 2160}  # shorter side, px
BATCH_CLIPS = 8
BATCH_CLIP_S = 2.0  # each batch clip: the first seconds of the 480p clip

# both run as `formcheck analyze` runs one clip: two malloc arenas (formcheck.allocator), a CPU kept
# for the model (formcheck.cores)
BARE = """
import sys
from formcheck.allocator import fewer_arenas
fewer_arenas()
from formcheck.cores import keep_core_for_model
keep_core_for_model()
from formcheck.pose.stream import PoseStream
with PoseStream(sys.argv[1]) as stream:
    for _ in stream:
        pass
"""
# analyze as `formcheck analyze --out --report` does it, printing the per-stage seconds
ANALYZE = """
import json, sys
from formcheck.allocator import fewer_arenas
fewer_arenas()
from formcheck.cores import keep_core_for_model
keep_core_for_model()
from formcheck.run.review import analyze_clip
from formcheck.sinks.report import report_from_analysis, write_json
a = analyze_clip(sys.argv[1], sys.argv[2], out_video=None if sys.argv[3] == "-" else sys.argv[3])
write_json(report_from_analysis(a, recognised=a.recognised), sys.argv[4])
print(json.dumps({"frames": a.frames, "decoded": a.decoded_frames, "analysed": a.analysed_frames, "duration_s": a.info.duration_s,
                  "stage_s": a.stage_s, "exercise": a.exercise, "reps": a.result.rep_count}))
"""


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"benchmark command failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024.0, out


def scaled_clip(src: Path, dst: Path, short_side: int | None, loops: int = 1, max_s: float | None = None) -> Path:
    """A copy of src at another size (shorter side), looped, or cut to max_s: PyAV decode + encode."""
    from formcheck.io.video import VideoWriter, open_video
    with open_video(src) as v:
        info = v.info
    w, h = info.wh
    if short_side is not None:
        k = short_side / min(w, h)
        w, h = int(round(w * k / 2)) * 2, int(round(h * k / 2)) * 2
    with VideoWriter(dst, info.fps, (w, h), preset="ultrafast", crf=18) as out:
        for _ in range(loops):
            with open_video(src) as v:
                for f in v.frames((w, h)):
                    if max_s is not None and f.t_ms >= 1000 * max_s:
                        break
                    out.write(f.image_rgb)
    return dst


def make_in_child(src: Path, dst: Path, short_side: int | None, loops: int = 1, max_s: float | None = None) -> Path:
    """scaled_clip in a child process: a big parent would inflate every later child's peak RSS
    (Linux carries the parent's high-water mark into a forked child)."""
    subprocess.run([sys.executable, __file__, "--make", str(src), str(dst), str(short_side or 0), str(loops),
                    str(max_s or 0)], check=True)
    return dst


def clip_info(clip: Path) -> dict:
    code = ("import json, sys; from formcheck.io.video import open_video\n"
            "with open_video(sys.argv[1]) as v: i = v.info\n"
            "print(json.dumps(dict(w=i.width, h=i.height, fps=i.fps, frames=i.frame_count, duration_s=i.duration_s)))")
    return json.loads(subprocess.run([sys.executable, "-c", code, str(clip)], capture_output=True, text=True,
                                     check=True).stdout)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--make":
        src, dst, side, loops, max_s = sys.argv[2:7]
        scaled_clip(Path(src), Path(dst), int(side) or None, int(loops), float(max_s) or None)
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clip", type=Path)
    p.add_argument("--exercise", default="calf_raise")
    p.add_argument("--repeat", type=int, default=2, help="bare/analyze pairs, alternated; the best of each")
    p.add_argument("--skip", default="", help="comma list of parts to leave out: sizes,4k,long,auto,batch")
    a = p.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    clip = a.clip or next((c for c in DEFAULT_CLIPS if c.is_file()), None)
    if clip is None or not clip.is_file():
        sys.exit("no clip to benchmark: pass --clip")
    py = sys.executable
    info = clip_info(clip)
    print(f"clip: {clip.name} ({info['w']}x{info['h']}, {info['fps']:.2f} fps, {info['frames']} frames, "
          f"{info['duration_s']:.1f} s); cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)

        def analyze(path: Path, exercise: str = a.exercise, video: bool = True) -> tuple[float, float, dict]:
            out_video = str(tmp / "o.mp4") if video else "-"
            wall, mb, out = run_measured([py, "-c", ANALYZE, str(path), exercise, out_video, str(tmp / "r.json")])
            return wall, mb, json.loads(out.strip().splitlines()[-1])

        # 1. bare loop vs analyze, alternated so a busy moment hurts both alike
        bare, full = [], []
        for _ in range(a.repeat):
            bare.append(run_measured([py, "-c", BARE, str(clip)])[:2])
            full.append(analyze(clip))
        bare_s, bare_mb = min(b[0] for b in bare), max(b[1] for b in bare)
        an_s, an_mb, stats = min(full, key=lambda r: r[0])
        n = stats["frames"]
        clip_s = stats["duration_s"] or n / info["fps"]
        print(f"\n{'run':<44} {'wall s':>7} {'ms/frame':>9} {'x real time':>11} {'peak MiB':>9}")
        print(f"{'bare loop (pose stream: decode + model)':<44} {bare_s:7.2f} {1000 * bare_s / n:9.1f} "
              f"{clip_s / bare_s:11.2f} {bare_mb:9.0f}")
        print(f"{'formcheck analyze --out --report':<44} {an_s:7.2f} {1000 * an_s / n:9.1f} "
              f"{clip_s / an_s:11.2f} {an_mb:9.0f}")
        print(f"\nratio bare/analyze: {bare_s / an_s:.2f} (goal >= 0.95); real-time factor {clip_s / an_s:.2f} "
              f"(goal >= 1.5 for 1080p60 on 2 cores)")
        stages = stats["stage_s"]
        m = stats["analysed"]
        per_stage = ", ".join(f"{k} {1000 * stages[k] / m:.1f}" for k in ("decode", "pose", "checker", "overlay",
                                                                        "encode", "people") if k in stages)
        print(f"per-stage ms per analysed frame ({m} of the {n} presented; {stats['decoded']} decoded) inside "
              f"analyze: {per_stage} (decode and encode on threads of their own; people: once per clip, after the pass)")

        # 2. memory by resolution and length
        if "sizes" not in skip:
            print(f"\n{'input':<28} {'frames':>7} {'wall s':>7} {'ms/frame':>9} {'peak MiB':>9}")
            for name, side in SIZES.items():
                if name.lower() in skip:
                    continue
                path = make_in_child(clip, tmp / f"{name}.mp4", side)
                wall, mb, st = analyze(path)
                print(f"{name:<28} {st['frames']:7d} {wall:7.2f} {1000 * wall / st['frames']:9.1f} {mb:9.0f}")
            if "long" not in skip:
                path = make_in_child(clip, tmp / "long.mp4", None, loops=4)
                wall, mb, st = analyze(path)
                print(f"{'the clip x4 (' + str(info['h']) + 'p)':<28} {st['frames']:7d} {wall:7.2f} "
                      f"{1000 * wall / st['frames']:9.1f} {mb:9.0f}   (vs {an_mb:.0f} MiB once: "
                      f"{mb / an_mb:.2f}x)")

        # 3. auto vs named, alternated; on the clip and on the clip x4 (recognition reads the first
        # 10 s: a clip shorter than that has every picture decoded twice with --out)
        if "auto" not in skip:
            print()
            long_clip = tmp / "long.mp4"
            runs = [(clip, True), (clip, False)]
            if "long" not in skip:
                runs.append((long_clip if long_clip.is_file() else make_in_child(clip, long_clip, None, loops=4), True))
            for path, video in runs:
                named, auto = [], []
                for _ in range(a.repeat):
                    named.append(analyze(path, a.exercise, video))
                    auto.append(analyze(path, "auto", video))
                named_s, named_mb, _ = min(named, key=lambda r: r[0])
                auto_s, auto_mb, st = min(auto, key=lambda r: r[0])
                what = "the clip" if path == clip else "the clip x4"
                print(f"--exercise auto {'with' if video else 'without'} --out, {what} ({st['duration_s']:.1f} s): "
                      f"{auto_s:.2f} s, {auto_mb:.0f} MiB (recognised {st['exercise']}) vs named {named_s:.2f} s, "
                      f"{named_mb:.0f} MiB: auto costs {100 * (auto_s / named_s - 1):+.1f} % (goal <= +5 %)")

        # 4. batch of 8 short clips: --jobs 2 vs one at a time
        if "batch" not in skip:
            small = make_in_child(clip, tmp / "b0.mp4", SIZES["480p"], max_s=BATCH_CLIP_S)
            batch = [small] + [tmp / f"b{i}.mp4" for i in range(1, BATCH_CLIPS)]
            for b in batch[1:]:
                b.write_bytes(small.read_bytes())
            t0 = time.perf_counter()
            for b in batch:
                run_measured([py, "-m", "formcheck.cli", "analyze", str(b), "-e", a.exercise, "-q",
                              "--out", str(tmp / f"one_{b.stem}.mp4")])
            one_by_one = time.perf_counter() - t0
            par, par_mb, _ = run_measured([py, "-m", "formcheck.cli", "analyze", *map(str, batch), "-e", a.exercise,
                                           "-q", "--jobs", "2", "--out", str(tmp / "batch_out")])
            print(f"\nbatch of {BATCH_CLIPS} x {BATCH_CLIP_S:.0f} s 480p clips: one by one {one_by_one:.1f} s, "
                  f"--jobs 2 {par:.1f} s: {par / one_by_one:.2f}x (goal <= 0.6x)")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (figures from a busy machine are slower)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
