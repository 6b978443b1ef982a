"""The clip report: a stable JSON contract other tools read, and a per-rep CSV.

JSON (schema_version 1), documented in README "Report format":
  schema_version, formcheck_version, exercise, title, source, model, status ("complete" |
  "partial"), problem, fps, frames, duration_s, resolution [w, h], pose_found_ratio, view,
  rep_count, reps [{index, start_s, peak_s, end_s, side, metrics{...}, faults[{code, message}]}],
  summary{...}, corrections [...], set {start_s, end_s}, warnings [...], recognised (true when the
  exercise was recognised from the clip rather than named), heel_rise_test (only with
  `analyze --heel-rise-test`: run.heel_rise_test.HeelRiseTestResult.to_dict()), analysed_fps and
  analysed_frames (the frames given to the pose model: at most ~30 a second), counted_from ("pose":
  from the body's landmarks; "motion": from the picture's movement alone, when the body could not be
  seen: reps and their tempo only, no form checks)
Keys are only ever added, never renamed or removed, within a schema version.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path
from typing import Any

from formcheck import __version__
from formcheck.checkers import get_checker_class
from formcheck.checkers.base import CheckResult, CountedFrom
from formcheck.errors import FormcheckError
from formcheck.sinks.figures import NOT_SHOWN

SCHEMA_VERSION = 1


def _clean(v: Any) -> Any:
    if isinstance(v, float):
        return None if not math.isfinite(v) else round(v, 4)
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        return _clean(v.item())
    return v


def build_report(result: CheckResult, *, source: str, model: str, fps: float, frames: int,
                 duration_s: float, resolution_wh: tuple[int, int], pose_found_ratio: float,
                 complete: bool = True, problem: str | None = None,
                 warnings: list[str] | None = None, recognised: bool = False,
                 analysed_fps: float | None = None, analysed_frames: int | None = None) -> dict[str, Any]:
    return _clean({
        "schema_version": SCHEMA_VERSION,
        "formcheck_version": __version__,
        "exercise": result.exercise,
        "title": get_checker_class(result.exercise).title,
        "source": source,
        "model": model,
        "status": "complete" if complete else "partial",
        "problem": problem,
        "fps": fps,
        "frames": frames,
        "duration_s": duration_s,
        "resolution": list(resolution_wh),
        "pose_found_ratio": pose_found_ratio,
        "view": result.view,
        "rep_count": result.rep_count,
        "reps": [r.to_dict() for r in result.reps],
        "summary": result.summary,
        "corrections": result.corrections,
        "set": {"start_s": result.set_start_s, "end_s": result.set_end_s},
        "warnings": list(result.warnings) + list(warnings or []),
        "recognised": recognised,
        "analysed_fps": fps if analysed_fps is None else analysed_fps,
        "analysed_frames": frames if analysed_frames is None else analysed_frames,
        "counted_from": CountedFrom(result.counted_from).value,
    })


def report_from_analysis(a, recognised: bool = False) -> dict[str, Any]:
    """`a` is a pipeline.Analysis."""
    return build_report(a.result, source=a.info.path.name, model=a.model, fps=a.info.fps, frames=a.frames,
                        duration_s=round(a.duration_s, 3) if a.frames else 0.0,
                        resolution_wh=a.info.wh, pose_found_ratio=a.pose_found_ratio,
                        complete=a.complete, problem=a.problem, warnings=a.warnings, recognised=recognised,
                        analysed_fps=a.analysis_fps, analysed_frames=a.analysed_frames)


def _atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write all of `data` or nothing: a temporary file beside the target, renamed over it.

    A symlink is written through (its target gets the new content, the link stays); on any
    failure the temporary file is removed and the old content is left as it was.
    """
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise FormcheckError(f"cannot write {path}: it is a folder, give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FormcheckError(f"cannot write {path}: {exc.strerror or exc}") from exc
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FormcheckError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_json(report: dict[str, Any], path: str | os.PathLike) -> Path:
    return _atomic_write(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")


# CSV figures carry 2 decimals: 0.01 s is under a frame's time even at 60 fps, and 0.01 cm or
# 0.01 degree is far finer than the pose model resolves. (The JSON report keeps its 4: a contract.)
CSV_DECIMALS = 2


def csv_value(v: Any) -> Any:
    """One CSV cell: a float rounded to CSV_DECIMALS, a gap (None, NaN) empty."""
    if v is None:
        return ""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        v = v.item()
    if isinstance(v, float):
        return round(v, CSV_DECIMALS) if math.isfinite(v) else ""
    return v


def reps_csv(report: dict[str, Any]) -> str:
    reps = report["reps"]
    metric_keys: list[str] = []
    for r in reps:
        metric_keys += [k for k in r["metrics"] if k not in metric_keys and k not in NOT_SHOWN]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["rep", "start_s", "peak_s", "end_s", "side", *metric_keys, "faults", "corrections"])
    for r in reps:
        w.writerow([r["index"], *(csv_value(r[k]) for k in ("start_s", "peak_s", "end_s")), r["side"] or "",
                    *[csv_value(r["metrics"].get(k)) for k in metric_keys],
                    ";".join(f["code"] for f in r["faults"]), " | ".join(f["message"] for f in r["faults"])])
    return buf.getvalue()


def write_csv(report: dict[str, Any], path: str | os.PathLike) -> Path:
    return _atomic_write(path, reps_csv(report))


def write_landmarks(series, path: str | os.PathLike) -> Path:
    """A PoseSeries as .npz, written like the reports (whole or not at all, through symlinks)."""
    buf = io.BytesIO()
    series.save(buf)
    return _atomic_write(path, buf.getvalue())
