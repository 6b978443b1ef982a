"""`formcheck eval`: count every labelled clip and compare with the hand counts.

Prints expected vs counted per clip, then exact-count %, within-one %, and the mean
absolute error relative to the true count. Landmark series can be cached per clip and
model, so re-running after a rule change skips the pose model.
"""
from __future__ import annotations

import csv
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.checkers.base import CountedFrom
from formcheck.errors import FormcheckError
from formcheck.pose.stream import ANALYSIS_MAX_FPS
from formcheck.pose.types import PoseSeries


@dataclass(frozen=True)
class LabelRow:
    file: str
    exercise: str
    view: str
    reps: int | None
    use: bool
    rep_times: str = ""  # "0.87-2.22; 3.47-5.09": for the perturbation suite's expected counts


@dataclass
class ClipScore:
    row: LabelRow
    counted: int | None
    error: str | None = None  # why the clip could not be scored
    recognised: str | None = None  # with --auto: the exercise recognised from the clip (None: not ours)
    auto_checked: bool = False
    naive: int | None = None  # the naive peak counter's count on the same landmarks (naive_count.py)
    counted_from: CountedFrom = CountedFrom.POSE  # MOTION: counted from the picture's movement (no body seen)

    @property
    def naive_diff(self) -> int | None:
        if self.naive is None or self.row.reps is None:
            return None
        return self.naive - self.row.reps

    def auto_ok(self, known: set[str]) -> bool:
        """Right when it names the labelled exercise, or says "not one of ours" for squats and lunges."""
        return self.recognised == (self.row.exercise if self.row.exercise in known else None)

    @property
    def diff(self) -> int | None:
        if self.counted is None or self.row.reps is None:
            return None
        return self.counted - self.row.reps


@dataclass
class EvalSummary:
    scores: list[ClipScore] = field(default_factory=list)

    @property
    def scored(self) -> list[ClipScore]:
        return [s for s in self.scores if s.diff is not None]

    @property
    def exact_pct(self) -> float:
        sc = self.scored
        return 100.0 * sum(s.diff == 0 for s in sc) / len(sc) if sc else 0.0

    @property
    def within_one_pct(self) -> float:
        sc = self.scored
        return 100.0 * sum(abs(s.diff) <= 1 for s in sc) / len(sc) if sc else 0.0

    @property
    def mae_rel(self) -> float:
        sc = [s for s in self.scored if s.row.reps]
        return sum(abs(s.diff) / s.row.reps for s in sc) / len(sc) if sc else 0.0


def read_labels(path: str | os.PathLike) -> list[LabelRow]:
    path = Path(path)
    if not path.is_file():
        raise FormcheckError(f"labels file not found: {path}")
    rows = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        missing = {"file", "exercise", "reps", "use"} - set(reader.fieldnames or [])
        if missing:
            raise FormcheckError(f"{path.name} lacks column(s): {', '.join(sorted(missing))}")
        for r in reader:
            reps = r["reps"].strip()
            rows.append(LabelRow(r["file"].strip(), r["exercise"].strip(), (r.get("view") or "").strip(),
                                 int(reps) if reps.isdigit() else None, r["use"].strip().lower() == "yes",
                                 (r.get("rep_times") or "").strip()))
    return rows


def _cache_name(clip: Path, model: str | None, max_fps: float | None = None) -> str:
    """The cache file of a clip's series: by clip (name, size, time), model and analysis rate, so
    series taken at different rates are never mixed (max_fps=None: every frame, the name that
    full-rate series have always had)."""
    st = clip.stat()
    key = f"{clip.name}:{st.st_size}:{int(st.st_mtime)}:{model or 'default'}"
    if max_fps is not None:
        key += f":max{max_fps:g}fps"
    return f"{clip.stem}.{hashlib.sha1(key.encode()).hexdigest()[:10]}.npz"


def clip_series(clip: Path, model: str | None, cache_dir: Path | None,
                max_fps: float | None = ANALYSIS_MAX_FPS) -> PoseSeries:
    """The clip's landmark series at the analysis rate (max_fps=None: every frame), from the cache
    when present. With no series cached at that rate but a full-rate one, the rate's frames are
    taken from it (`at_analysis_rate`; not stored: only the model's own output is cached)."""
    from formcheck.pose.stream import at_analysis_rate, clip_series as model_series
    if cache_dir is not None:
        cached = cache_dir / _cache_name(clip, model, max_fps)
        if cached.is_file():
            return PoseSeries.load(cached)
        full = cache_dir / _cache_name(clip, model)
        if max_fps is not None and full.is_file():
            return at_analysis_rate(PoseSeries.load(full), max_fps)
    series = model_series(clip, model, max_fps=max_fps)
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        series.save(cached)
    return series


def clip_motion(clip: Path, cache_dir: Path | None, max_fps: float | None = ANALYSIS_MAX_FPS):
    """The clip's reps counted from its pictures' movement (`signals.motion`), from the same
    thumbnails `analyze` keeps (the model's pictures at the analysis rate); the thumbnails are
    cached beside the landmark series. No model runs."""
    from formcheck.io.kept_pictures import MOTION_MAX_FPS, MOTION_THUMB_SHORT_PX, THUMBS_VERSION, MotionThumbs
    from formcheck.io.video import fit_short_side, frame_step, open_video
    from formcheck.pose.stream import MODEL_MAX_SHORT_SIDE_PX
    from formcheck.signals.motion import count_motion
    # the thumbnails' settings are in the key: a change of them never reads stale ones
    key = f"thumbs{MOTION_THUMB_SHORT_PX}px{MOTION_MAX_FPS:g}fps{MODEL_MAX_SHORT_SIDE_PX}:{THUMBS_VERSION}"
    cached = (cache_dir / _cache_name(clip, key, max_fps).replace(".npz", ".thumbs.npz")
              if cache_dir is not None else None)
    if cached is not None and cached.is_file():
        with np.load(cached) as z:
            return count_motion(z["t_ms"], z["thumbs"])
    thumbs = MotionThumbs()
    with open_video(clip) as video:
        size = fit_short_side(video.info.wh, MODEL_MAX_SHORT_SIDE_PX)
        for f in video.frames(size, step=frame_step(video.info.fps, max_fps)):
            thumbs.add(f.t_ms, f.image_rgb)
    t_ms, pictures = thumbs.arrays()
    if cached is not None:  # written beside, then renamed: never a half-written file
        cached.parent.mkdir(parents=True, exist_ok=True)
        part = cached.with_name(cached.name + f".{os.getpid()}.part.npz")
        np.savez_compressed(part, t_ms=t_ms, thumbs=pictures)
        os.replace(part, cached)
    return count_motion(t_ms, pictures)


def evaluate(labels: str | os.PathLike, *, videos_dir: str | os.PathLike | None = None,
             model: str | None = None, only: str | None = None, include_unused: bool = False,
             cache_dir: str | os.PathLike | None = None, auto: bool = False,
             max_fps: float | None = ANALYSIS_MAX_FPS) -> EvalSummary:
    from formcheck.checkers import all_checkers
    from formcheck.run.review import analyze_series
    from formcheck.evaluation.naive_count import naive_count
    from formcheck.run.review import NOT_ENOUGH_SEEN
    from formcheck.setup.recognize import recognize_series
    labels = Path(labels)
    videos = Path(videos_dir) if videos_dir else labels.parent
    cache = Path(cache_dir) if cache_dir else None
    known = all_checkers()
    summary = EvalSummary()
    for row in read_labels(labels):
        if (only and row.exercise != only) or (not row.use and not include_unused):
            continue
        if row.exercise not in known and not auto:
            summary.scores.append(ClipScore(row, None, "not a formcheck exercise"))
            continue
        try:
            series = clip_series(videos / row.file, model, cache, max_fps)
            if row.exercise in known:
                clip = videos / row.file
                result, _ = analyze_series(series, row.exercise,
                                           motion=lambda: clip_motion(clip, cache, max_fps))
                unseen = [w for w in result.warnings if w.startswith(NOT_ENOUGH_SEEN)]
                score = ClipScore(row, None if unseen else result.rep_count, unseen[0] if unseen else None,
                                  naive=naive_count(series, row.exercise), counted_from=result.counted_from)
            else:
                score = ClipScore(row, None, "not a formcheck exercise")
            if auto:
                score.recognised, score.auto_checked = recognize_series(series)[0], True
            summary.scores.append(score)
        except FormcheckError as exc:
            summary.scores.append(ClipScore(row, None, str(exc)))
    return summary


def format_summary(s: EvalSummary) -> str:
    from formcheck.checkers import all_checkers
    known = set(all_checkers())
    auto = [sc for sc in s.scores if sc.auto_checked]
    lines = [f"{'clip':<46} {'exercise':<18} {'view':<22} {'expected':>8} {'counted':>8} {'diff':>5} {'naive':>5}"
             + (f"  {'auto':<24}" if auto else "")]
    for sc in s.scores:
        exp = "-" if sc.row.reps is None else str(sc.row.reps)
        got = "-" if sc.counted is None else str(sc.counted)
        diff = "" if sc.diff is None else f"{sc.diff:+d}"
        note = f"  ({sc.error})" if sc.error else ("" if sc.row.use else "  (use=no)")
        if sc.counted_from == CountedFrom.MOTION:
            note += "  (from the movement in the picture)"
        rec = ""
        if auto:
            rec = "-" if not sc.auto_checked else f"{sc.recognised or 'not ours'}" + \
                ("" if sc.auto_ok(known) else " (WRONG)")
            rec = f"  {rec:<24}"
        naive = "-" if sc.naive is None else str(sc.naive)
        lines.append(f"{sc.row.file:<46} {sc.row.exercise:<18} {sc.row.view[:22]:<22} {exp:>8} {got:>8} {diff:>5}"
                     f" {naive:>5}{rec}{note}")
    n = len(s.scored)
    lines.append(f"\n{n} clips scored: exact count {s.exact_pct:.0f} %, within one {s.within_one_pct:.0f} %, "
                 f"mean |error|/true count {s.mae_rel:.3f}")
    groups = sorted({sc.row.exercise for sc in s.scored})
    if groups:
        lines.append("per exercise (exact: formcheck / naive peak counter):")
        for g in groups:
            sc = [x for x in s.scored if x.row.exercise == g]
            lines.append(f"  {g:<20} {sum(x.diff == 0 for x in sc)}/{len(sc)}  /  "
                         f"{sum(x.naive_diff == 0 for x in sc)}/{len(sc)}")
        lines.append(f"  {'all':<20} {sum(x.diff == 0 for x in s.scored)}/{n}  /  "
                     f"{sum(x.naive_diff == 0 for x in s.scored)}/{n}")
    if auto:
        lines.append(f"exercise recognised right on {sum(sc.auto_ok(known) for sc in auto)} of {len(auto)} clips")
    return "\n".join(lines)


@dataclass
class PerturbResult:
    name: str
    diffs: list[int] = field(default_factory=list)  # formcheck's count - expected, one per clip
    naive_diffs: list[int] = field(default_factory=list)

    def exact(self, naive: bool = False) -> int:
        return sum(d == 0 for d in (self.naive_diffs if naive else self.diffs))

    def within_one(self) -> int:
        return sum(abs(d) <= 1 for d in self.diffs)


def perturbation_suite(labels: str | os.PathLike, *, videos_dir: str | os.PathLike | None = None,
                       model: str | None = None, cache_dir: str | os.PathLike | None = None,
                       include_unused: bool = False, max_fps: float | None = ANALYSIS_MAX_FPS
                       ) -> dict[str, PerturbResult]:
    """Every labelled, countable clip under every perturbation (perturb.py): the count against the
    count derived from its labelled rep times, for formcheck and the naive peak counter."""
    from formcheck.checkers import all_checkers
    from formcheck.evaluation.naive_count import naive_count
    from formcheck.evaluation.perturb import parse_rep_times, variants
    from formcheck.run.review import MIN_FOUND_TO_COUNT, analyze_series, found_while_present
    labels = Path(labels)
    videos = Path(videos_dir) if videos_dir else labels.parent
    cache = Path(cache_dir) if cache_dir else None
    known = all_checkers()
    out: dict[str, PerturbResult] = {}
    for row in read_labels(labels):
        reps = parse_rep_times(row.rep_times, row.reps)
        if row.exercise not in known or row.reps is None or len(reps) != row.reps or \
                not (row.use or include_unused):
            continue
        series = clip_series(videos / row.file, model, cache, max_fps)
        if found_while_present(series) < MIN_FOUND_TO_COUNT:
            continue  # "could not see enough to count" is the answer, whatever the perturbation
        for v in variants(series, reps, upright=known[row.exercise].upright_body):
            res, _ = analyze_series(v.series, row.exercise)
            naive = naive_count(v.series, row.exercise)
            r = out.setdefault(v.name, PerturbResult(v.name))
            r.diffs.append(res.rep_count - v.expected)
            r.naive_diffs.append((naive if naive is not None else 0) - v.expected)
    return out


def format_perturbations(results: dict[str, PerturbResult]) -> str:
    lines = [f"{'perturbation':<28} {'clips':>5} {'exact':>7} {'within 1':>9} {'naive exact':>12}"]
    for r in results.values():
        n = len(r.diffs)
        lines.append(f"{r.name:<28} {n:>5} {r.exact():>7} {r.within_one():>9} {r.exact(naive=True):>12}")
    n = sum(len(r.diffs) for r in results.values())
    if n:
        ex = sum(r.exact() for r in results.values())
        w1 = sum(r.within_one() for r in results.values())
        nv = sum(r.exact(naive=True) for r in results.values())
        lines.append(f"\nall {n} clip variants: exact {100 * ex / n:.1f} %, within one {100 * w1 / n:.1f} %; "
                     f"naive peak counter exact {100 * nv / n:.1f} %")
    return "\n".join(lines)


def run_eval(labels, perturb: bool = False, **kw) -> int:
    if perturb:
        kw.pop("only", None), kw.pop("auto", None)
        print(format_perturbations(perturbation_suite(labels, **kw)))
        sys.stdout.flush()
        return 0
    summary = evaluate(labels, **kw)
    print(format_summary(summary))
    sys.stdout.flush()
    return 0
