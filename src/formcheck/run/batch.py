"""Review many clips at once: `formcheck analyze A.mp4 B.mp4 FOLDER/ --jobs N`.

Each clip is reviewed in a worker process exactly as a single `formcheck analyze` would (its
own pose model, its own outputs); a clip that fails is reported on one line and the others go
on. The caller gets one `ClipOutcome` per clip, in the order given, for the summary table.
"""
from __future__ import annotations

import csv
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from formcheck.errors import FormcheckError

# What a folder is searched for (one level, no subfolders): the containers PyAV reads that phones
# and cameras write. Our own unfinished outputs (`*.partial.mp4`) are left out.
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"}
# Annotated videos written into an output folder get this after the clip's name, so an output
# folder that is also the input folder never overwrites a clip or is read as one next time.
ANNOTATED_SUFFIX = "-checked.mp4"


@dataclass(frozen=True)
class ClipJob:
    video: Path
    exercise: str
    model: str | None = None
    out_video: Path | None = None
    report: Path | None = None
    csv: Path | None = None
    landmarks: Path | None = None
    full_size: bool = False
    overwrite: bool = False  # replace outputs that are already there


@dataclass
class ClipOutcome:
    clip: str
    status: str  # "complete" | "partial" | "failed"
    exercise: str | None = None
    recognised: bool = False
    headline: str = ""
    rep_count: int | None = None
    view: str | None = None
    pose_found_ratio: float | None = None
    corrections: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None  # the one line that says why (failed or partial)
    outputs: list[str] = field(default_factory=list)
    counted_from: str = ""  # the report's counted_from ("motion": from the picture's movement, form not checked); "" when failed

    @property
    def ok(self) -> bool:
        return self.status == "complete"


def expand_inputs(paths: list[str | os.PathLike]) -> list[Path]:
    """Files as given; a folder becomes its video files, sorted. A folder with none is an error."""
    clips: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(c for c in p.iterdir() if c.is_file() and c.suffix.lower() in VIDEO_SUFFIXES
                           and ".partial" not in c.name and not c.name.endswith(ANNOTATED_SUFFIX))
            if not found:
                raise FormcheckError(f"{p} is a folder with no video clips in it "
                                     f"(looked for {', '.join(sorted(VIDEO_SUFFIXES))})")
            clips.extend(found)
        else:
            clips.append(p)  # checked by the review itself, so a bad one fails alone
    return clips


def plan_jobs(clips: list[Path], exercise: str, *, model: str | None = None, out_dir: str | None = None,
              report_dir: str | None = None, csv_dir: str | None = None, landmarks_dir: str | None = None,
              full_size: bool = False, overwrite: bool = False) -> list[ClipJob]:
    """One job per clip; each output folder gets `<clip name>` files, never two with one name."""
    for flag, folder in (("--out", out_dir), ("--report", report_dir), ("--csv", csv_dir),
                         ("--landmarks", landmarks_dir)):
        if folder and Path(folder).exists() and not Path(folder).is_dir():
            raise FormcheckError(f"with several clips, {flag} names a folder, and {folder} is a file")
    jobs, used = [], set()
    for clip in clips:
        stem, n = clip.stem, 2
        while stem in used:
            stem, n = f"{clip.stem}-{n}", n + 1
        used.add(stem)

        def inside(folder: str | None, suffix: str) -> Path | None:
            return Path(folder) / f"{stem}{suffix}" if folder else None
        jobs.append(ClipJob(clip, exercise, model, inside(out_dir, ANNOTATED_SUFFIX), inside(report_dir, ".json"),
                            inside(csv_dir, ".csv"), inside(landmarks_dir, ".landmarks.npz"), full_size, overwrite))
    there = [[p for p in (j.out_video, j.report, j.csv, j.landmarks) if p and p.is_file()] for j in jobs]
    if not overwrite and len(jobs) > 1 and all(there):  # the same command run again: one line before any
        # work (where only some clips have outputs, those clips fail alone and the new ones are reviewed)
        raise FormcheckError(f"every clip's outputs are already there ({there[0][0]}, ...): choose other "
                             "folders, or add --overwrite to replace them")
    return jobs


def review_one(job: ClipJob) -> ClipOutcome:
    """Review one clip and write its outputs; never raises (a failure is the outcome)."""
    t0 = time.monotonic()
    name = job.video.name
    try:
        from formcheck.cli import _headline
        from formcheck.run.review import analyze_clip
        from formcheck.cli import check_outputs
        from formcheck.sinks.report import report_from_analysis, write_csv, write_json, write_landmarks
        check_outputs(str(job.video), {"--out": job.out_video, "--report": job.report, "--csv": job.csv,
                                       "--landmarks": job.landmarks}, overwrite=job.overwrite)
        analysis = analyze_clip(job.video, job.exercise, model=job.model, out_video=job.out_video,
                                full_size=job.full_size)
        report = report_from_analysis(analysis, recognised=analysis.recognised)
        outputs = [str(analysis.video_path)] if analysis.video_path else []
        if job.report:
            outputs.append(str(write_json(report, job.report)))
        if job.csv:
            outputs.append(str(write_csv(report, job.csv)))
        if job.landmarks:
            outputs.append(str(write_landmarks(analysis.series, job.landmarks)))
        return ClipOutcome(name, report["status"], report["exercise"], analysis.recognised, _headline(report),
                           report["rep_count"], report["view"], report["pose_found_ratio"],
                           list(report["corrections"]), time.monotonic() - t0, analysis.problem, outputs,
                           str(report["counted_from"]))
    except FormcheckError as exc:
        return ClipOutcome(name, "failed", seconds=time.monotonic() - t0, error=str(exc))
    except Exception as exc:  # one clip's surprise must not stop the others
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return ClipOutcome(name, "failed", seconds=time.monotonic() - t0,
                           error=f"unexpected error: {type(exc).__name__}: {first}")


def run_batch(jobs: list[ClipJob], n_jobs: int,
              on_done: Callable[[int, ClipOutcome], None] | None = None) -> list[ClipOutcome]:
    """Review every job, up to n_jobs at once; outcomes in the jobs' order.

    n_jobs 1 reviews in this process. Otherwise each worker is a fresh process (spawned, so no
    model or thread state is inherited) that reviews one clip after another.
    """
    outcomes: list[ClipOutcome | None] = [None] * len(jobs)

    def done(i: int, outcome: ClipOutcome) -> None:
        outcomes[i] = outcome
        if on_done is not None:
            on_done(i, outcome)

    if n_jobs <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            done(i, review_one(job))
        return outcomes  # type: ignore[return-value]

    unfinished: list[int] = []
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=_SPAWN) as pool:
        running = {pool.submit(review_one, job): i for i, job in enumerate(jobs)}
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = running.pop(fut)
                try:
                    done(i, fut.result())
                except BrokenProcessPool:  # a worker died (a crash, or out of memory)
                    unfinished.append(i)
            if unfinished:  # the pool is gone with every clip it held
                unfinished.extend(running.values())
                break
    for i in sorted(unfinished):  # one at a time, each alone, so a crash is the crashing clip's
        done(i, _review_alone(jobs[i]))
    return outcomes  # type: ignore[return-value]


_SPAWN = multiprocessing.get_context("spawn")


def _review_alone(job: ClipJob) -> ClipOutcome:
    with ProcessPoolExecutor(max_workers=1, mp_context=_SPAWN) as pool:
        try:
            return pool.submit(review_one, job).result()
        except BrokenProcessPool:
            return ClipOutcome(job.video.name, "failed", error="the review process stopped (a crash, or out of memory)")


SUMMARY_FIELDS = ["clip", "status", "exercise", "recognised", "rep_count", "headline", "view",
                  "pose_found_ratio", "corrections", "seconds", "error", "outputs", "counted_from"]


def format_table(outcomes: list[ClipOutcome]) -> str:
    width = max([len("clip")] + [len(o.clip) for o in outcomes])
    lines = [f"{'clip':<{width}}  {'status':<8}  {'exercise':<24}  {'result':<34}  {'view':<7}  "
             f"{'seen':>5}  {'took':>6}"]
    for o in outcomes:
        if o.status == "failed":
            lines.append(f"{o.clip:<{width}}  {'FAILED':<8}  {o.error}")
            continue
        found = f"{o.pose_found_ratio:.0%}" if o.pose_found_ratio is not None else ""
        lines.append(f"{o.clip:<{width}}  {o.status:<8}  {(o.exercise or '') + ('*' if o.recognised else ''):<24}  "
                     f"{o.headline:<34}  {o.view or '':<7}  {found:>5}  {o.seconds:5.0f}s")
        if o.corrections:
            lines.append(f"{'':<{width}}  what to fix: {'; '.join(o.corrections)}")
        elif o.counted_from == "motion":
            lines.append(f"{'':<{width}}  form not checked: counted from the movement in the picture")
    failed = sum(o.status == "failed" for o in outcomes)
    partial = sum(o.status == "partial" for o in outcomes)
    lines.append(f"{len(outcomes)} clips: {len(outcomes) - failed - partial} complete, {partial} partial, "
                 f"{failed} failed" + ("  (* recognised from the clip)" if any(o.recognised for o in outcomes) else "")
                 + "; seen: the share of frames you were found in; took: the seconds the review took")
    return "\n".join(lines)


def write_summary_csv(outcomes: list[ClipOutcome], path: str | os.PathLike) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=SUMMARY_FIELDS)
        w.writeheader()
        for o in outcomes:
            row = asdict(o)
            row["corrections"] = "; ".join(o.corrections)
            row["outputs"] = "; ".join(o.outputs)
            row["seconds"] = round(o.seconds, 2)
            w.writerow({k: row[k] for k in SUMMARY_FIELDS})
    os.replace(tmp, path)
    return path
