"""`formcheck eval --truth DIR`: the heights (cm) and angles (degrees) formcheck reports, against
rendered truth.

Every clip in DIR with a `<name>.truth.json` (written by `formcheck.synth`) and a
`<name>.landmarks.npz` (the pose model's series of that clip) is run through its checker, and
each reported rep is matched to the true rep whose span holds its peak. Each reported figure is
compared with the same figure taken from the truth's per-frame series over that true rep
(`TRUTH_OF`, one rule per reported metric), and the errors are summed up per clip and overall:
median and worst absolute error, and the median signed error (the bias).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from formcheck.errors import FormcheckError
from formcheck.pose.types import PoseSeries

# A reported rep belongs to the true rep whose span (widened by this) holds its peak.
MATCH_SLACK_S = 0.4
# The foot's neutral position (foot at a right angle to the shank) in the truth's ankle angle
# (knee-ankle-toe tip, which is ~106-108° for a flat foot under a vertical shank, not 90°): the
# body's own angle in a clip's first frame where it stands or sits with the foot flat.
FLAT_FOOT_EXERCISES = ("calf_raise", "seated_calf_raise", "hip_abduction")


@dataclass(frozen=True)
class TruthRep:
    index: int
    start_s: float
    peak_s: float
    end_s: float


class Truth:
    """One rendered clip's truth file: header, reps and per-frame series."""

    def __init__(self, path: Path) -> None:
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            self.exercise: str = d["exercise"]
            self.view: str = d["view"]
            self.body: int = int(d["body"])
            self.variant: str | None = d.get("variant")
            self.reps = [TruthRep(r["index"], r["start_s"], r["peak_s"], r["end_s"]) for r in d["reps"]]
            pf = d["per_frame"]
            cam = d["camera"]
            self._px_per_m = float(cam["focal_px"]) / float(np.hypot(*cam["position_m"][:2]))
            self.camera_azimuth_deg = float(cam["azimuth_deg_from_front"])  # where the camera stood
            self._joints_px = {k: np.asarray(v, float) for k, v in pf["joints_px"].items()}
            self.t_s = np.asarray(pf["t_s"], float)
            self.series = {k: {sd: np.asarray(pf[k][sd], float) for sd in ("left", "right")}
                           for k in ("heel_height_cm", "knee_angle_deg", "ankle_angle_deg", "hip_abduction_deg")}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise FormcheckError(f"{path.name}: not a formcheck truth file ({exc})") from None
        self.name = path.name.removesuffix(".truth.json")
        self.ankle_neutral_deg: float | None = None  # set by `load_truth_dir` from a flat-foot clip

    def true_length_cm(self, *joints: str) -> float:
        """A body length (joint centre to joint centre along `joints`, e.g. "hip", "knee", "ankle"), cm:
        its image length in the first frame at the camera's distance from the person, both legs
        averaged (one is nearer than the other). Within a few % (perspective): enough to tell a
        measuring error from a scale error."""
        px = np.mean([sum(np.linalg.norm(self._joints_px[f"{a}_{s}"][0] - self._joints_px[f"{b}_{s}"][0])
                          for a, b in zip(joints, joints[1:])) for s in "LR"])
        return float(100.0 * px / self._px_per_m)

    def window(self, key: str, side: str, t0: float, t1: float) -> np.ndarray:
        m = (self.t_s >= t0 - 1e-6) & (self.t_s <= t1 + 1e-6)
        return self.series[key][side][m]

    def match(self, peak_s: float) -> TruthRep | None:
        for r in self.reps:
            if r.start_s - MATCH_SLACK_S <= peak_s <= r.end_s + MATCH_SLACK_S:
                return r
        return None


def _sides(rep_side: str | None) -> tuple[str, ...]:
    return (rep_side,) if rep_side else ("left", "right")


def _legs_mean(t: Truth, key: str, sides: tuple[str, ...], t0: float, t1: float) -> np.ndarray:
    return np.mean([t.window(key, sd, t0, t1) for sd in sides], axis=0)


# Truth of one reported metric: (truth, true rep, reported rep side) -> true value (nan: none).
TruthFn = Callable[[Truth, TruthRep, "str | None"], float]


def _peak_height(t: Truth, r: TruthRep, side: str | None) -> float:
    """Heel height at the top of the rep above the standing (frame 0) level, mean of the legs used."""
    return float(_legs_mean(t, "heel_height_cm", _sides(side), r.start_s, r.end_s).max())


def _seated_peak_height(t: Truth, r: TruthRep, side: str | None) -> float:
    """Seated: the rise over the rep (top - lowest), the foot that rose most (as the checker reports)."""
    return max(float(np.ptp(t.window("heel_height_cm", sd, r.start_s, r.end_s))) for sd in _sides(side))


def _side_height(sd: str) -> TruthFn:
    return lambda t, r, _side: float(np.ptp(t.window("heel_height_cm", sd, r.start_s, r.end_s)))


def _knee_min(t: Truth, r: TruthRep, side: str | None) -> float:
    return float(min(t.window("knee_angle_deg", sd, r.start_s, r.end_s).min() for sd in _sides(side)))


def _knee_median(t: Truth, r: TruthRep, side: str | None) -> float:
    return float(np.median(_legs_mean(t, "knee_angle_deg", _sides(side), r.start_s, r.end_s)))


def _knee_max(t: Truth, r: TruthRep, side: str | None) -> float:
    return float(max(t.window("knee_angle_deg", sd, r.start_s, r.end_s).max() for sd in _sides(side)))


def _knee_at_start(t: Truth, r: TruthRep, side: str | None) -> float:
    """The knee where the rep set off: the straightest (leg press) before the peak."""
    return float(_legs_mean(t, "knee_angle_deg", _sides(side), r.start_s, r.peak_s).max())


def _knee_press_end(t: Truth, r: TruthRep, side: str | None) -> float:
    """Leg press: the straightest knee after the deepest point (where the press ended)."""
    return float(_legs_mean(t, "knee_angle_deg", _sides(side), r.peak_s, r.end_s).max())


def _knee_ext_start(t: Truth, r: TruthRep, side: str | None) -> float:
    """Leg extension: the most bent knee before the top (where the lift began)."""
    return float(_legs_mean(t, "knee_angle_deg", _sides(side), r.start_s, r.peak_s).min())


def _plantarflexion(t: Truth, r: TruthRep, side: str | None) -> float:
    if t.ankle_neutral_deg is None:
        return math.nan
    return float(max(t.window("ankle_angle_deg", sd, r.start_s, r.end_s).max() for sd in _sides(side))
                 - t.ankle_neutral_deg)


def _dorsiflexion(t: Truth, r: TruthRep, side: str | None) -> float:
    if t.ankle_neutral_deg is None:
        return math.nan
    # the flex that closes a cycle can come just after the truth's rep end
    return float(t.ankle_neutral_deg - min(t.window("ankle_angle_deg", sd, r.start_s, r.end_s + 0.5).min()
                                           for sd in _sides(side)))


def _abduction(t: Truth, r: TruthRep, side: str | None) -> float:
    return float(max(t.window("hip_abduction_deg", sd, r.start_s, r.end_s).max() for sd in _sides(side)))


# exercise -> reported metric -> its truth. Metrics not listed (times, ratios, %) are not heights
# or angles; `range_deg`-like differences follow from the listed ends.
TRUTH_OF: dict[str, dict[str, TruthFn]] = {
    "calf_raise": {"peak_height_cm": _peak_height, "left_height_cm": _side_height("left"),
                   "right_height_cm": _side_height("right"), "min_knee_angle_deg": _knee_min},
    "seated_calf_raise": {"peak_height_cm": _seated_peak_height, "knee_deg": _knee_median},
    "leg_extension": {"top_knee_deg": _knee_max, "start_knee_deg": _knee_ext_start},
    "leg_press": {"bottom_knee_deg": _knee_min, "top_knee_deg": _knee_press_end,
                  "start_knee_deg": _knee_at_start},
    "ankle_flexion": {"plantarflexion_deg": _plantarflexion, "dorsiflexion_deg": _dorsiflexion},
    "hip_abduction": {"abduction_deg": _abduction},
}


@dataclass
class MetricErrors:
    metric: str
    errors: list[float] = field(default_factory=list)  # reported - true, one per matched rep

    @property
    def unit(self) -> str:
        return "cm" if self.metric.endswith("_cm") else "deg"

    @property
    def median_abs(self) -> float:
        return float(np.median(np.abs(self.errors))) if self.errors else math.nan

    @property
    def worst_abs(self) -> float:
        return float(np.max(np.abs(self.errors))) if self.errors else math.nan

    @property
    def bias(self) -> float:
        return float(np.median(self.errors)) if self.errors else math.nan


@dataclass
class ClipAccuracy:
    name: str
    exercise: str
    view: str
    body: int
    true_reps: int
    counted: int
    matched: int
    metrics: dict[str, MetricErrors] = field(default_factory=dict)
    rows: list[tuple[int, str, float, float]] = field(default_factory=list)  # (rep, metric, reported, true)


@dataclass
class AccuracyReport:
    clips: list[ClipAccuracy] = field(default_factory=list)

    def overall(self) -> dict[str, MetricErrors]:
        """Errors pooled over the clips, per exercise and metric ("calf_raise.peak_height_cm")."""
        out: dict[str, MetricErrors] = {}
        for c in self.clips:
            for m, e in c.metrics.items():
                key = f"{c.exercise}.{m}"
                out.setdefault(key, MetricErrors(m)).errors.extend(e.errors)
        return out

    def by_unit(self) -> dict[str, MetricErrors]:
        out: dict[str, MetricErrors] = {}
        for c in self.clips:
            for m, e in c.metrics.items():
                out.setdefault(e.unit, MetricErrors(m)).errors.extend(e.errors)
        return out


def load_truth_dir(folder: str | Path) -> list[tuple[Truth, Path]]:
    """(truth, landmark series path) for every clip in the folder that has both."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FormcheckError(f"truth folder not found: {folder}")
    found = []
    for tp in sorted(folder.glob("*.truth.json")):
        lp = tp.with_name(tp.name.removesuffix(".truth.json") + ".landmarks.npz")
        if lp.is_file():
            found.append((Truth(tp), lp))
    if not found:
        raise FormcheckError(f"no clip in {folder} has both a .truth.json and a .landmarks.npz")
    neutral: dict[int, float] = {}
    for t, _ in found:  # a flat foot under the body: the first frame of a standing/seated clip
        if t.exercise in FLAT_FOOT_EXERCISES and t.body not in neutral:
            neutral[t.body] = float(np.mean([t.series["ankle_angle_deg"][sd][0] for sd in ("left", "right")]))
    for t, _ in found:
        t.ankle_neutral_deg = neutral.get(t.body)
    return found


def clip_accuracy(truth: Truth, series: PoseSeries) -> ClipAccuracy:
    from formcheck.run.review import analyze_series
    result, _ = analyze_series(series, truth.exercise)
    acc = ClipAccuracy(truth.name, truth.exercise, truth.view, truth.body, len(truth.reps), result.rep_count, 0)
    rules = TRUTH_OF.get(truth.exercise, {})
    for rep in result.reps:
        tr = truth.match(rep.peak_s)
        if tr is None:
            continue
        acc.matched += 1
        for metric, fn in rules.items():
            got = rep.metrics.get(metric)
            if got is None or not math.isfinite(float(got)):
                continue
            true = fn(truth, tr, rep.side)
            if not math.isfinite(true):
                continue
            acc.metrics.setdefault(metric, MetricErrors(metric)).errors.append(float(got) - true)
            acc.rows.append((rep.index, metric, float(got), true))
    return acc


def evaluate_truth(folder: str | Path) -> AccuracyReport:
    report = AccuracyReport()
    for truth, lp in load_truth_dir(folder):
        report.clips.append(clip_accuracy(truth, PoseSeries.load(lp)))
    return report


def _fmt(v: float) -> str:
    return "-" if not math.isfinite(v) else f"{v:.1f}"


def format_accuracy(report: AccuracyReport, per_rep: bool = False) -> str:
    head = f"{'clip':<34} {'view':<8} {'body':>4} {'reps':>7}  {'metric':<20} {'n':>3} {'bias':>6} {'median':>7} {'worst':>6}"
    lines = ["Reported figure - truth (cm or degrees): bias = median signed error, median and worst |error|.", head]
    for c in report.clips:
        first = True
        reps = f"{c.matched}/{c.true_reps}"
        if not c.metrics:
            lines.append(f"{c.name:<34} {c.view:<8} {c.body:>4} {reps:>7}  (no height or angle reported)")
        for m, e in c.metrics.items():
            lead = f"{c.name:<34} {c.view:<8} {c.body:>4} {reps:>7}" if first else " " * 56
            lines.append(f"{lead}  {m:<20} {len(e.errors):>3} {_fmt(e.bias):>6} {_fmt(e.median_abs):>7} "
                         f"{_fmt(e.worst_abs):>6}")
            first = False
        if per_rep:
            for idx, m, got, true in c.rows:
                lines.append(f"{'':<34}   rep {idx}: {m} {got:.1f} (true {true:.1f})")
    lines.append("\nOverall, per exercise and figure:")
    for key, e in report.overall().items():
        lines.append(f"  {key:<40} {len(e.errors):>3} reps  bias {_fmt(e.bias):>5}  median {_fmt(e.median_abs):>5}"
                     f"  worst {_fmt(e.worst_abs):>5} {e.unit}")
    for unit, e in report.by_unit().items():
        lines.append(f"  {'all ' + ('heights' if unit == 'cm' else 'angles'):<40} {len(e.errors):>3} reps  "
                     f"median {_fmt(e.median_abs):>5}  worst {_fmt(e.worst_abs):>5} {unit}")
    return "\n".join(lines)


def run_truth_eval(folder: str | Path, per_rep: bool = False) -> int:
    import sys
    print(format_accuracy(evaluate_truth(folder), per_rep=per_rep))
    sys.stdout.flush()
    return 0
