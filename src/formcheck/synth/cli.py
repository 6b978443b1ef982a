"""`python -m formcheck.synth`: render one clip, every shipped clip (--all), or record the
shipped clips' MediaPipe landmark series (--record-landmarks)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m formcheck.synth", description=__doc__)
    p.add_argument("--exercise", help="exercise id, e.g. calf_raise")
    p.add_argument("--view", default="oblique", choices=["side", "oblique", "front"])
    p.add_argument("--body", type=int, default=0, help="body preset number (0-3)")
    p.add_argument("--reps", type=int, default=None)
    p.add_argument("--tempo", type=float, default=1.0, help="movement-time multiplier (>1 slower)")
    p.add_argument("--fault", action="append", default=[], metavar="REP:CODE",
                   help="inject a fault at a rep, e.g. 3:low_rise (repeatable)")
    p.add_argument("--variant", default=None, help="e.g. single_leg for calf_raise")
    p.add_argument("--mirror", action="store_true", help="camera on the person's right")
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--crf", type=int, default=28)
    p.add_argument("--out", help="output .mp4 (the .truth.json goes beside it)")
    p.add_argument("--all", action="store_true", help="regenerate every shipped clip (see clips.py)")
    p.add_argument("--only", nargs="*", default=None, help="with --all / --record-landmarks: these clip names only")
    p.add_argument("--jobs", type=int, default=1, help="with --all: clips rendered in parallel")
    p.add_argument("--truth-only", action="store_true",
                   help="rewrite only the .truth.json (re-poses, skips rasterising and encoding)")
    p.add_argument("--record-landmarks", action="store_true",
                   help="run MediaPipe over the shipped clips and save <name>.landmarks.npz")
    p.add_argument("--dir", default="sample_videos", help="where shipped clips live")
    p.add_argument("--truth-set", metavar="DIR", default=None,
                   help="render the accuracy truth set (clips.TRUTH_SET) into DIR, keeping only each clip's "
                        "landmark series and truth file (clips already recorded there are skipped)")
    p.add_argument("--angle-set", metavar="DIR", default=None,
                   help="as --truth-set, for the angle truth set (clips.ANGLE_SET: hip abduction, ankle flexion, "
                        "leg press, leg extension on held-out bodies and views)")
    p.add_argument("--keep-videos", action="store_true", help="with --truth-set: keep the rendered videos")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from formcheck.synth.clips import ANGLE_SET, SHIPPED, render_shipped, render_truth_set
        if args.angle_set:
            return render_truth_set(Path(args.angle_set), args.only, jobs=args.jobs, keep_videos=args.keep_videos,
                                    specs=ANGLE_SET)
        if args.truth_set:
            return render_truth_set(Path(args.truth_set), args.only, jobs=args.jobs, keep_videos=args.keep_videos)
        if args.all:
            render_shipped(Path(args.dir), args.only, jobs=args.jobs, truth_only=args.truth_only)
            if not args.record_landmarks:
                return 0
        if args.record_landmarks:
            from formcheck.synth.record import record_shipped
            return record_shipped(Path(args.dir), args.only)
        if not args.exercise or not args.out:
            print("error: give --exercise and --out (or --all / --record-landmarks)", file=sys.stderr)
            return 2
        from formcheck.synth.motions import MOTIONS
        from formcheck.synth.render import ClipSpec, render_clip
        from formcheck.synth.schedule import parse_faults
        if args.exercise not in MOTIONS:
            print(f"error: no motion for {args.exercise!r}; rendered: {', '.join(MOTIONS)}", file=sys.stderr)
            return 2
        reps = args.reps if args.reps is not None else MOTIONS[args.exercise].default_reps
        spec = ClipSpec(args.exercise, args.view, args.body, reps, args.tempo, parse_faults(args.fault, reps),
                        args.variant, args.fps, crf=args.crf, mirror=args.mirror)
        render_clip(spec, args.out, truth_only=args.truth_only)
        return 0
    except ImportError as exc:
        print(f"error: the renderer needs the synth extra (pip install torch==2.13.0 && "
              f"pip install anny==0.6.2): {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
