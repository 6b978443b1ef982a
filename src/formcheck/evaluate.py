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

from .errors import FormcheckError
from .pose import PoseSeries


@dataclass(frozen=True)
class LabelRow:
    file: str
    exercise: str
    view: str
    reps: int | None
    use: bool


@dataclass
class ClipScore:
    row: LabelRow
    counted: int | None
    error: str | None = None  # why the clip could not be scored
    recognised: str | None = None  # with --auto: the exercise recognised from the clip (None: not ours)
    auto_checked: bool = False

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
                                 int(reps) if reps.isdigit() else None, r["use"].strip().lower() == "yes"))
    return rows


def _cache_name(clip: Path, model: str | None) -> str:
    st = clip.stat()
    key = f"{clip.name}:{st.st_size}:{int(st.st_mtime)}:{model or 'default'}"
    return f"{clip.stem}.{hashlib.sha1(key.encode()).hexdigest()[:10]}.npz"


def clip_series(clip: Path, model: str | None, cache_dir: Path | None) -> PoseSeries:
    """The clip's landmark series, from the cache when present."""
    from .pipeline import extract_series
    if cache_dir is not None:
        cached = cache_dir / _cache_name(clip, model)
        if cached.is_file():
            return PoseSeries.load(cached)
    series = extract_series(clip, model=model)
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        series.save(cached)
    return series


def evaluate(labels: str | os.PathLike, *, videos_dir: str | os.PathLike | None = None,
             model: str | None = None, only: str | None = None, include_unused: bool = False,
             cache_dir: str | os.PathLike | None = None, auto: bool = False) -> EvalSummary:
    from .checkers import all_checkers
    from .pipeline import analyze_series
    from .recognize import recognize_series
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
            series = clip_series(videos / row.file, model, cache)
            if row.exercise in known:
                result, _ = analyze_series(series, row.exercise)
                score = ClipScore(row, result.rep_count)
            else:
                score = ClipScore(row, None, "not a formcheck exercise")
            if auto:
                score.recognised, score.auto_checked = recognize_series(series)[0], True
            summary.scores.append(score)
        except FormcheckError as exc:
            summary.scores.append(ClipScore(row, None, str(exc)))
    return summary


def format_summary(s: EvalSummary) -> str:
    from .checkers import all_checkers
    known = set(all_checkers())
    auto = [sc for sc in s.scores if sc.auto_checked]
    lines = [f"{'clip':<46} {'exercise':<18} {'view':<22} {'expected':>8} {'counted':>8} {'diff':>5}"
             + (f"  {'auto':<24}" if auto else "")]
    for sc in s.scores:
        exp = "-" if sc.row.reps is None else str(sc.row.reps)
        got = "-" if sc.counted is None else str(sc.counted)
        diff = "" if sc.diff is None else f"{sc.diff:+d}"
        note = f"  ({sc.error})" if sc.error else ("" if sc.row.use else "  (use=no)")
        rec = ""
        if auto:
            rec = "-" if not sc.auto_checked else f"{sc.recognised or 'not ours'}" + \
                ("" if sc.auto_ok(known) else " (WRONG)")
            rec = f"  {rec:<24}"
        lines.append(f"{sc.row.file:<46} {sc.row.exercise:<18} {sc.row.view[:22]:<22} {exp:>8} {got:>8} {diff:>5}"
                     f"{rec}{note}")
    n = len(s.scored)
    lines.append(f"\n{n} clips scored: exact count {s.exact_pct:.0f} %, within one {s.within_one_pct:.0f} %, "
                 f"mean |error|/true count {s.mae_rel:.3f}")
    if auto:
        lines.append(f"exercise recognised right on {sum(sc.auto_ok(known) for sc in auto)} of {len(auto)} clips")
    return "\n".join(lines)


def run_eval(labels, **kw) -> int:
    summary = evaluate(labels, **kw)
    print(format_summary(summary))
    sys.stdout.flush()
    return 0
