"""Command line: `formcheck analyze | exercises | eval`. Errors are one plain line and exit 1."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from formcheck.allocator import fewer_arenas
from formcheck.cores import keep_core_for_model, keeping_core_for_model
from formcheck.errors import FormcheckError, StoppedError


def _progress_printer(stream=sys.stderr):
    if not stream.isatty():
        return None
    t0 = time.monotonic()

    def show(done: int, total: int) -> None:
        if done % 5 and done != total:
            return
        rate = done / max(1e-6, time.monotonic() - t0)
        if total:
            frac = min(1.0, done / total)
            bar = "#" * int(frac * 30)
            stream.write(f"\r  [{bar:<30}] {frac:4.0%}  {done}/{total} frames  {rate:4.0f} fps ")
        else:
            stream.write(f"\r  {done} frames  {rate:4.0f} fps ")
        stream.flush()
    return show


def _headline(report: dict) -> str:
    """Reps, or for hold and timer exercises the time held / moving (and passes)."""
    summary = report.get("summary") or {}
    if "hold_s" in summary:
        return f"held {summary['hold_s']:.0f} s in all, longest {summary.get('longest_hold_s') or 0:.0f} s"
    if "active_s" in summary:
        sides = summary.get("active_s_by_side") or summary.get("active_s_by_foot") or {}
        per = ", ".join(f"{k} {v:.0f} s" for k, v in sides.items())
        text = f"{summary['active_s']:.0f} s of movement" + (f" ({per})" if per else "")
        return text + (f", {report['rep_count']} passes" if "passes" in summary else "")
    from formcheck.sinks.figures import reps_words
    return reps_words(report["rep_count"])


def _fmt_summary(report: dict) -> str:
    from formcheck.checkers.base import CountedFrom
    from formcheck.sinks.figures import rep_words
    lines = [f"{report['title']}: {_headline(report)}  "
             f"({report['view']} view, person found in {report['pose_found_ratio']:.0%} of frames)"]
    if report["reps"]:
        lines.append("  rep   time (s)        " + "key figures")
        for r in report["reps"]:
            figures = rep_words(r["metrics"])
            lines.append(f"  {r['index']:>3}   {r['start_s']:5.1f} - {r['end_s']:5.1f}   {figures}")
            for f in r["faults"]:
                lines.append(f"          -> {f['message']}")
    if report["corrections"]:
        lines.append("What to fix: " + "; ".join(report["corrections"]))
    elif report["reps"] and report.get("counted_from") == CountedFrom.MOTION:
        from formcheck.run.review import FORM_NOT_CHECKED
        lines.append(FORM_NOT_CHECKED)
    elif report["reps"]:
        lines.append("Form looks good: nothing to fix.")
    for w in report["warnings"]:
        lines.append(f"Note: {w}")
    return "\n".join(lines)


# ---- outputs: checked before any work, never the input --------------------------------------
OUTPUT_FLAGS = ("out", "report", "csv", "landmarks")


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _writable_place(target: Path) -> str | None:
    """Why `target` cannot be written (None when it can): its folder, or the nearest one that exists."""
    if target.is_dir():
        return "it is a folder: give a file name"
    if target.exists() and not os.access(target, os.W_OK):
        return "the file is read-only"
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is not a folder"
    try:  # a real try, not os.access: that says yes to root on a read-only disk and to ACL'd folders
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"cannot write in {folder} ({exc.strerror or exc})"
    return None


# What the annotated video may be called: it is written as MP4 whatever the name, and a player
# trusts the name (an .avi that is really an MP4 will not open in some).
VIDEO_OUT_SUFFIXES = (".mp4", ".m4v", ".mov")  # (QuickTime plays MP4 in a .mov)


def check_outputs(video: str, outputs: dict[str, str | None], overwrite: bool = False) -> None:
    """Refuse, before any work, an output that is the input clip, two outputs on one file, a file that
    is already there (unless `overwrite`: the person said so), or a place that cannot be written.
    `outputs` maps a flag name (--out) to its path or None."""
    from formcheck.io.video import output_path, partial_name
    given = {flag: Path(p) for flag, p in outputs.items() if p}
    src = Path(video)
    seen: dict[Path, str] = {}
    for flag, path in given.items():
        if flag == "--out" and path.suffix.lower() not in VIDEO_OUT_SUFFIXES:
            raise FormcheckError(f"--out {path}: the annotated video is an MP4 (H.264) file; "
                                 f"name it {path.with_suffix('.mp4').name}")
        target = output_path(path)
        also = [target, partial_name(target)] if flag == "--out" else [target]
        if any(_same_file(t, src) for t in also):
            raise FormcheckError(f"{flag} {path} is the input clip: it would be overwritten; choose another name")
        if target in seen:
            raise FormcheckError(f"{seen[target]} and {flag} both write {path}: give each its own file")
        seen[target] = flag
        if target.is_file() and not overwrite:
            raise FormcheckError(f"{flag} {path} is already there: choose another name, or add --overwrite "
                                 f"to replace it")
        why = _writable_place(target)
        if why:
            raise FormcheckError(f"cannot write {flag} {path}: {why}")


# ---- stopping: Ctrl-C, SIGTERM, a closed terminal -----------------------------------------
STOP_SIGNALS = {"SIGINT": "Ctrl-C", "SIGTERM": "SIGTERM", "SIGHUP": "terminal closed"}


def _exit_code_for(reason: str) -> int:
    """128 + the signal's number (the shell's convention: 130 Ctrl-C, 143 SIGTERM, 129 closed terminal)."""
    name = next((k for k, v in STOP_SIGNALS.items() if v == reason), "SIGINT")
    return 128 + int(getattr(signal, name, signal.SIGINT))


class GracefulStop:
    """The first stop signal asks the run to finish early (it saves what it has); a second one
    stops at once (KeyboardInterrupt). `reason()` is asked by the run once a frame."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._saved: dict[int, object] = {}

    def reason(self) -> str | None:
        if self.signum is None:
            return None
        return STOP_SIGNALS.get(signal.Signals(self.signum).name, signal.Signals(self.signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + (self.signum or signal.SIGINT)

    def _handle(self, signum, _frame) -> None:
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum

    def __enter__(self) -> "GracefulStop":
        for name in STOP_SIGNALS:
            sig = getattr(signal, name, None)
            if sig is not None:
                try:
                    self._saved[sig] = signal.signal(sig, self._handle)
                except (ValueError, OSError):  # not the main thread, or not on this platform
                    pass
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._saved.items():
            signal.signal(sig, old)


def _write_outputs(a: argparse.Namespace, report: dict, analysis) -> list[str]:
    """Write every asked-for file; one line per file that could not be written (the rest still are)."""
    from formcheck.sinks.report import write_csv, write_json, write_landmarks
    failed = []
    for path, write in ((a.report, lambda p: write_json(report, p)), (a.csv, lambda p: write_csv(report, p)),
                        (a.landmarks, lambda p: write_landmarks(analysis.series, p))):
        if path:
            try:
                write(path)
            except FormcheckError as exc:
                failed.append(str(exc))
    return failed


def _check_heel_rise_args(a: argparse.Namespace, batch: bool) -> None:
    """--heel-rise-test and --body-mass-kg: refused with one line before any work."""
    if not a.heel_rise_test:
        if a.body_mass_kg is not None:
            raise FormcheckError("--body-mass-kg is for the heel-rise test: add --heel-rise-test")
        return
    from formcheck.run.heel_rise_test import check_body_mass
    if a.exercise != "calf_raise":
        raise FormcheckError("the heel-rise test is single-leg calf raises: add --exercise calf_raise")
    if batch:
        raise FormcheckError("the heel-rise test reviews one clip at a time")
    check_body_mass(a.body_mass_kg)


def _heel_rise_test(a: argparse.Namespace, analysis, report: dict):
    """The heel-rise test from the clip's reps, into the report (key `heel_rise_test`) and the history."""
    from formcheck.run.heel_rise_clip import keep_clip_test, score_clip, worth_keeping
    from formcheck.sinks.history import HistoryStore
    result = score_clip(analysis, a.body_mass_kg, report)
    if worth_keeping(analysis, result):
        with HistoryStore() as store:
            keep_clip_test(store, analysis, result)
    return result


def cmd_analyze(a: argparse.Namespace) -> int:
    batch = len(a.videos) > 1 or os.path.isdir(a.videos[0]) or bool(a.summary_csv)
    _check_heel_rise_args(a, batch)
    if batch:
        return cmd_analyze_batch(a)
    a.video = a.videos[0]
    keep_core_for_model()  # one clip, in this process: the model keeps a CPU of its own
    from formcheck.run.review import analyze_clip
    from formcheck.sinks.report import report_from_analysis
    check_outputs(a.video, {"--out": a.out, "--report": a.report, "--csv": a.csv, "--landmarks": a.landmarks},
                  overwrite=a.overwrite)
    with GracefulStop() as stop:
        def recognised(exercise: str) -> None:  # --exercise auto: named from the same model pass
            from formcheck.checkers import get_checker_class
            if not a.quiet:
                if progress:
                    sys.stderr.write("\n")
                print(f"Recognised: {get_checker_class(exercise).title}", flush=True)
        progress = None if a.quiet else _progress_printer()
        try:
            analysis = analyze_clip(a.video, a.exercise, model=a.model, out_video=a.out, progress=progress,
                                    stop_requested=stop.reason, full_size=a.full_size, on_recognised=recognised)
        finally:
            if progress:
                sys.stderr.write("\n")
        report = report_from_analysis(analysis, recognised=analysis.recognised)
        test = _heel_rise_test(a, analysis, report) if a.heel_rise_test else None
        failed = _write_outputs(a, report, analysis)
        if not a.quiet or analysis.stopped_by:  # stopped: the count so far is always printed
            print(_fmt_summary(report))
            if test is not None:
                from formcheck.run.heel_rise_clip import worth_keeping
                from formcheck.run.heel_rise_test import result_words
                print(result_words(test))
                if worth_keeping(analysis, test):
                    from formcheck.run.live import saved_words
                    from formcheck.sinks.history import default_path
                    print(saved_words(default_path(), "Heel-rise test saved"))
            for label, path in (("Annotated video", analysis.video_path), ("Report", a.report),
                                ("Rep table", a.csv)):
                if path and not any(str(path) in f for f in failed):
                    print(f"{label}: {Path(path).absolute()}")  # each in full, as the video's is
    if failed:
        raise FormcheckError("; ".join(failed))
    if analysis.stopped_by:
        print(f"formcheck: {analysis.problem}; saved what was counted up to there (status: partial)",
              file=sys.stderr)
        return stop.exit_code
    if not analysis.complete:
        raise FormcheckError(f"{analysis.problem}; saved what was counted up to there (status: partial)")
    return 0


def cmd_analyze_batch(a: argparse.Namespace) -> int:
    """Several clips (or a folder): outputs go into folders, one summary table, exit 1 if any failed."""
    from formcheck.run.batch import expand_inputs, format_table, plan_jobs, run_batch, write_summary_csv
    if a.jobs is not None and a.jobs < 1:
        raise FormcheckError("--jobs must be 1 or more")
    clips = expand_inputs(a.videos)
    if a.summary_csv and Path(a.summary_csv).is_file() and not a.overwrite:
        raise FormcheckError(f"--summary-csv {a.summary_csv} is already there: choose another name, or add "
                             f"--overwrite to replace it")
    jobs = plan_jobs(clips, a.exercise, model=a.model, out_dir=a.out, report_dir=a.report, csv_dir=a.csv,
                     landmarks_dir=a.landmarks, full_size=a.full_size, overwrite=a.overwrite)
    n_jobs = min(a.jobs or os.cpu_count() or 1, len(jobs))
    keep_core_for_model(n_jobs == 1)  # one clip at a time, in this process (workers beside each other: never)
    if not a.quiet:
        print(f"Reviewing {len(jobs)} clips, {n_jobs} at a time", file=sys.stderr, flush=True)
    finished = 0

    def report_progress(i, outcome) -> None:
        nonlocal finished
        finished += 1
        if outcome.status == "failed":
            print(f"formcheck: [{finished}/{len(jobs)}] {outcome.clip} failed: {outcome.error}", file=sys.stderr, flush=True)
        elif not a.quiet:
            print(f"[{finished}/{len(jobs)}] {outcome.clip}: {outcome.headline} ({outcome.seconds:.1f} s)"
                  + (f" - partial: {outcome.error}" if outcome.error else ""), file=sys.stderr, flush=True)
    outcomes = run_batch(jobs, n_jobs, on_done=report_progress)
    if a.summary_csv:
        write_summary_csv(outcomes, a.summary_csv)
    if not a.quiet:
        print(format_table(outcomes))
        if a.summary_csv:
            print(f"Summary: {a.summary_csv}")
    return 0 if all(o.ok for o in outcomes) else 1


def cmd_exercises(a: argparse.Namespace) -> int:
    from formcheck.checkers import all_checkers
    from formcheck.setup.picture import picture_path
    for ex, cls in sorted(all_checkers().items()):
        print(f"{ex:<26} {cls.title}  [{cls.mode.value}; best filmed from: {', '.join(cls.best_views)}]")
        for c in cls.checks:
            print(f"{'':<28}- {c}")
        picture = picture_path(ex)
        if picture.is_file():
            print(f"{'':<28}camera setup picture: {picture}")
    return 0


def cmd_eval(a: argparse.Namespace) -> int:
    if a.truth:
        if a.labels:
            raise FormcheckError("use either a labels file or --truth DIR, not both")
        from formcheck.evaluation.accuracy import run_truth_eval
        return run_truth_eval(a.truth, per_rep=a.per_rep)
    if not a.labels:
        raise FormcheckError("eval needs a labels file (labels.tsv) or --truth DIR")
    from formcheck.evaluation.evaluate import run_eval
    from formcheck.pose.stream import ANALYSIS_MAX_FPS
    keep_core_for_model()  # clips one after another, in this process
    return run_eval(a.labels, videos_dir=a.videos, model=a.model, only=a.exercise,
                    include_unused=a.all, cache_dir=a.cache, auto=a.auto, perturb=a.perturb,
                    max_fps=None if a.every_frame else ANALYSIS_MAX_FPS)


def cmd_live(a: argparse.Namespace) -> int:
    from formcheck.run.live import LiveOptions, format_outcome, run_live
    if a.source and a.camera is not None:
        raise FormcheckError("use either --camera or --source, not both")
    if a.body_mass_kg is not None or a.plan:
        from formcheck.run.heel_rise_test import check_body_mass
        from formcheck.run.plans import get_plan
        if a.plan and get_plan(a.plan).heel_rise_test:
            check_body_mass(a.body_mass_kg)
        elif a.body_mass_kg is not None:
            raise FormcheckError("--body-mass-kg is for the heel-rise test: use --plan heel_rise_test")
    opts = LiveOptions(exercise=a.exercise, plan=a.plan, camera=a.camera or 0, source=a.source,
                       window=not a.no_window, quiet=a.quiet, stats=a.stats, metronome=a.metronome,
                       model=a.model, body_mass_kg=a.body_mass_kg)
    with GracefulStop() as stop:
        outcome = run_live(opts, stop_requested=stop.reason)
        print(format_outcome(outcome, stats=a.stats))
    if outcome.problem:
        raise FormcheckError(f"{outcome.problem}; everything counted up to then is saved")
    if outcome.stopped_by and stop.signum != signal.SIGINT:  # Ctrl-C is the usual way to end: exit 0
        print(f"formcheck: stopped ({outcome.stopped_by}); everything counted up to then is saved",
              file=sys.stderr)
        return stop.exit_code
    return outcome.exit_code


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="formcheck", description="Counts reps and checks form from a video.")
    from formcheck import __version__
    p.add_argument("--version", action="version", version=f"formcheck {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    an = sub.add_parser("analyze", help="count reps and check form in a recorded clip")
    an.add_argument("videos", nargs="+", metavar="video",
                    help="the clip (mp4, mov, webm, ...); several clips or folders review them all")
    an.add_argument("--exercise", "-e", default="auto",
                    help="exercise id (see 'formcheck exercises'); default: auto, recognised from the clip")
    an.add_argument("--out", "-o", help="write the annotated video here (H.264 mp4, at most 720p); "
                    "with several clips, a folder")
    an.add_argument("--full-size", action="store_true",
                    help="write the annotated video at the clip's own size and frame rate, every frame "
                    "analysed (default: at most 720p and 30 frames a second)")
    an.add_argument("--report", help="write the JSON report here (several clips: a folder)")
    an.add_argument("--csv", help="write the per-rep table here (several clips: a folder)")
    an.add_argument("--landmarks", help="save the pose landmark series here, .npz (several clips: a folder)")
    an.add_argument("--model", help="pose model: a .task path, 'lite' or 'full' (default: full, or $FORMCHECK_MODEL)")
    an.add_argument("--jobs", "-j", type=int, help="several clips: how many to review at once (default: the cores present)")
    an.add_argument("--summary-csv", help="several clips: write one row per clip here")
    an.add_argument("--heel-rise-test", action="store_true",
                    help="score the clip as the heel-rise test (single-leg calf raises at 30 a minute to "
                    "fatigue): reps, heights, work and symmetry per leg; needs --exercise calf_raise "
                    "and --body-mass-kg")
    an.add_argument("--body-mass-kg", type=float, metavar="KG", help="your body mass in kg (heel-rise test work)")
    an.add_argument("--overwrite", action="store_true",
                    help="replace output files that are already there (without it, an existing file is an error)")
    an.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    an.set_defaults(func=cmd_analyze)

    ex = sub.add_parser("exercises", help="list the exercises and what each checks")
    ex.set_defaults(func=cmd_exercises)

    ev = sub.add_parser("eval", help="count every labelled clip and compare with the labels; "
                        "--truth: heights and angles against rendered truth")
    ev.add_argument("labels", nargs="?", help="labels.tsv (see ../shared/videos/README.md)")
    ev.add_argument("--truth", metavar="DIR", help="instead: every clip in DIR with a .truth.json and a "
                    ".landmarks.npz (e.g. sample_videos): reported heights (cm) and angles (degrees) "
                    "against the truth, per clip and overall")
    ev.add_argument("--per-rep", action="store_true", help="with --truth: every rep's figure and its truth")
    ev.add_argument("--videos", help="folder of the clips (default: the labels file's folder)")
    ev.add_argument("--exercise", help="only rows of this exercise")
    ev.add_argument("--all", action="store_true", help="also rows marked use=no")
    ev.add_argument("--model", help="pose model (as for analyze)")
    ev.add_argument("--cache", help="folder to cache landmark series in (re-runs skip the model)")
    ev.add_argument("--auto", action="store_true",
                    help="also recognise each clip's exercise (as 'analyze --exercise auto') and compare")
    ev.add_argument("--perturb", action="store_true",
                    help="the perturbation suite: every clip cut, mirrored, shaken, resampled, with gaps and rests")
    ev.add_argument("--every-frame", action="store_true",
                    help="analyse every frame (default: at most 30 a second, as analyze does)")
    ev.set_defaults(func=cmd_eval)

    lv = sub.add_parser("live", help="count and coach live from the camera, hands-free (voice, sets, rest)")
    lv.add_argument("--camera", type=int, help="camera number (default 0)")
    lv.add_argument("--source", help="play this clip as if it were the camera")
    lv.add_argument("--exercise", "-e", help="exercise id (see 'formcheck exercises') or 'auto' (recognised as you start)")
    lv.add_argument("--plan", help="a workout plan: high_heels_8, high_heel_rescue or heel_rise_test")
    lv.add_argument("--body-mass-kg", type=float, metavar="KG",
                    help="your body mass in kg (needed by --plan heel_rise_test for the work done)")
    lv.add_argument("--no-window", action="store_true", help="no picture: speak and log only")
    lv.add_argument("--quiet", "-q", action="store_true", help="do not speak")
    lv.add_argument("--stats", action="store_true", help="show the camera-to-screen delay")
    lv.add_argument("--metronome", action="store_true", help="say 'up' and 'down' each second (heel-rise test pace)")
    lv.add_argument("--model", help="pose model: 'full' (default), 'lite' (faster, on a slow machine) or a .task path")
    lv.set_defaults(func=cmd_live)
    return p


def main(argv: list[str] | None = None) -> int:
    fewer_arenas()  # before any thread allocates (formcheck.allocator)
    parser = build_parser()
    a = parser.parse_args(argv)
    keeping = keeping_core_for_model()  # a command may keep a CPU for the model: for itself only
    try:
        if a.command in ("analyze", "live") and a.exercise not in (None, "auto"):  # "Calf raise" is calf_raise
            from formcheck.checkers import get_checker_class
            a.exercise = get_checker_class(a.exercise).exercise
        return a.func(a)
    except StoppedError as exc:
        print(f"formcheck: {exc}", file=sys.stderr)
        return _exit_code_for(exc.stopped_by)
    except FormcheckError as exc:
        print(f"formcheck: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("formcheck: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader closed the output (`formcheck exercises | head`): stop quietly
        try:  # and keep the interpreter's last flush from failing on it too
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
        return 141  # as a shell reports a writer stopped by a closed pipe (128 + SIGPIPE)
    except Exception as exc:  # never a traceback for the user; FORMCHECK_DEBUG=1 shows it
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"formcheck: unexpected error: {type(exc).__name__}: {first} "
              f"(set FORMCHECK_DEBUG=1 for details)", file=sys.stderr)
        return 1
    finally:
        keep_core_for_model(keeping)


if __name__ == "__main__":
    raise SystemExit(main())
