"""Ankle alphabet: tracing the letters A to Z with the toes, one foot at a time.

The model cannot read letters, so this times how long each foot traces, draws the moving
foot's recent toe path on the video, and measures how much ground each foot covered: the
width, height and area of its toe path relative to the knee (so moving the whole leg does not
count), in cm and in % of the shin. The foot that moves is the tracing foot; the other stays
still. Toe positions are in shank lengths (knee to ankle in the image), then cm from the
metric shank length.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.config import coerce_config
from formcheck.signals.counting import Ema
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import PoseSample
from formcheck.body.scale import ShankScale
from formcheck.signals.timing import Debounce, RecentRange, moving_side
from formcheck.checkers import register
from formcheck.checkers.kit.timed import TimedChecker
from formcheck.checkers.base import CheckerConfig, Event, EventKind, Fault, Mode
from formcheck.body.posture import LYING, SEATED
from formcheck.setup.features import FOOT_MOVE_SHANK, LEGS_LIFTED_DEG, Features


# A lifted foot tracing letters: the shin-to-foot angle in the picture swings over 25° (a still
# foot's reads 10-15° of range on the real clips: the model's foot is coarse). Lifting the whole
# leg does not change it, so a leg lift is not mistaken for tracing.
TRACING_FOOT_ANGLE_DEG = 25.0

# Seated, a foot moving on its own: tracing letters (ankle alphabet) or pointing and flexing
# (ankle flexion)? Point/flex swings the toe back and forth along one line, the foot's sagittal
# arc; a letter sends it across that line too, a 2-D path. Measured on the toe relative to the
# ankle (the foot's own motion, so moving the leg does not count), in shin lengths in the picture:
# the width of the path across its main direction (5th-95th percentile along the minor principal
# axis). The model reports about half of the foot's true travel (rendered alphabet clip: true toe
# path 30 x 53 px, landmarks 14 x 24 px), so a small letter (10 cm across, 0.25 of a 40 cm shin)
# reads ~0.12; half of that is the bar, which is still 1.5x the width that a point/flex arc's
# bulge plus landmark jitter gives (0.04 on the rendered point/flex clip, 0.01-0.02 for still feet).
TRACING_WIDTH_SHANK = 0.06

# Ankle circles are a 2-D path too, but one loop repeated the same way round: the share of the
# swept area turning one way is near 1 (a clean circle 1.0, the synthetic seated circles 0.7-0.9),
# while letters turn both ways (an A's strokes, then a B's bumps and a C's arc: 0.4 on the rendered
# clip). Circles are counted as cycles by ankle_flexion, so above this share they stay there.
CIRCLE_ONE_WAY_SHARE = 0.6


@dataclass(frozen=True)
class AnkleAlphabetConfig(CheckerConfig):
    # Tracing = the (lightly smoothed) toe moved at least this many shank lengths relative to the
    # knee within the window: ~2 cm for a 40 cm shank, 5x the ~0.01 jitter; a letter is 10-20 cm.
    active_shank: float = 0.05
    active_window_s: float = 0.5
    smoothing_tau_s: float = 0.1
    dominance: float = 2.0  # the tracing foot moves at least this many times more than the other
    switch_s: float = 2.0  # a new foot must trace this long before the switch is announced
    trace_s: float = 4.0  # the path drawn on the video: about one letter
    # Range covered: the 2nd-98th percentile of the toe path, so a one-frame glitch does not count.
    range_percentile: float = 2.0


@register
class AnkleAlphabetChecker(TimedChecker):
    exercise = "ankle_alphabet"
    title = "Ankle alphabet"
    mode = Mode.TIMER
    checks = ("times how long you trace letters with each foot (it cannot read the letters themselves)",
              "draws your toe's path on the video",
              "how big your letters are: width and height of the path in cm, per foot",
              "says when you switch feet")
    best_views = ("front", "oblique")  # the letters are drawn in a plane facing forward
    milestone_every_s = 30.0
    per_side = True
    side_word = "foot"
    waiting_status = "Lift one foot and draw letters with your toes"
    active_status = "Tracing"
    signal_label = "Toe height (% of shin)"

    recognition_rank = 40

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == SEATED and f.foot_move_shank > FOOT_MOVE_SHANK and \
                f.foot_path_width_shank > TRACING_WIDTH_SHANK and f.foot_path_one_way < CIRCLE_ONE_WAY_SHARE:
            return "seated, a foot tracing a 2-D path at the ankle (letters)"
        if f.posture == LYING and f.leg_lift_deg > LEGS_LIFTED_DEG and f.foot_angle_range_deg > TRACING_FOOT_ANGLE_DEG:
            return "lying, a lifted foot tracing"
        return None

    def __init__(self, config: dict | AnkleAlphabetConfig | None = None) -> None:
        super().__init__()
        self.cfg = coerce_config(AnkleAlphabetConfig, config)
        self.scale = ShankScale(longest=True)  # toe paths in shank lengths, then cm
        self._moved = {sd: RecentRange(self.cfg.active_window_s) for sd in SIDES}
        self._ema = {sd: (Ema(self.cfg.smoothing_tau_s), Ema(self.cfg.smoothing_tau_s)) for sd in SIDES}
        self._foot = Debounce(self.cfg.switch_s)
        self._trace: deque[tuple[float, tuple[float, float]]] = deque()
        self._paths: dict[str, list[np.ndarray]] = {sd: [] for sd in SIDES}  # toe - knee, shank units
        self._path_feet: list[str] = []  # the tracing foot of each signal sample
        self.switches = 0

    def measure(self, t_s: float, s: PoseSample | None) -> tuple[str | None, list[Fault]]:
        c = self.cfg
        ranges: dict[str, float | None] = {}
        rel: dict[str, np.ndarray] = {}
        toe_px: dict[str, np.ndarray] = {}
        if s is not None:  # the longer shin in the picture is the scale: a lifted leg often points at the camera
            self.scale.update(s)
        for sd in SIDES:
            leg = LEG[sd]
            if s is None or not s.seen(leg["knee"], leg["ankle"], leg["toe"], min_visibility=c.min_visibility):
                ranges[sd] = self._moved[sd].update(t_s, None)
                continue
            if not self.scale.measured:
                ranges[sd] = None
                continue
            d_px = s.px(leg["toe"]) - s.px(leg["knee"])
            ex, ey = self._ema[sd]
            smooth = np.array([ex.update(t_s, float(d_px[0])), ey.update(t_s, float(d_px[1]))])
            moved_px = self._moved[sd].update(t_s, smooth)
            ranges[sd] = None if moved_px is None else moved_px / self.shank_px
            rel[sd] = d_px / self.shank_px
            toe_px[sd] = s.px(leg["toe"])
        side = moving_side(ranges, c.active_shank, c.dominance)
        before = self._foot.value
        if self._foot.update(t_s, side) and before is not None:
            self.switches += 1
            self._trace.clear()
            self.pending_events.append(Event(EventKind.CUE, t_s, self.switch_text(side)))
        if side is not None and side in rel:
            self._paths[side].append(rel[side])
            self._path_feet.append(side)
            self.signal_t.append(t_s)
            self.signal_v.append(round(-100 * float(rel[side][1]), 1))
        tracing = self._foot.value
        if tracing in toe_px:
            self._trace.append((t_s, (float(toe_px[tracing][0]), float(toe_px[tracing][1]))))
        while self._trace and t_s - self._trace[0][0] > c.trace_s:
            self._trace.popleft()
        self._state.trace_xy_px = [p for _, p in self._trace]
        return side, []

    @property
    def shank_px(self) -> float:
        return self.scale.px

    @property
    def shank_cm(self) -> float:
        return self.scale.cm

    def foot_range(self, side: str) -> dict[str, float] | None:
        pts = np.array(self._paths[side])
        if len(pts) < 3:
            return None
        p = self.cfg.range_percentile
        lo, hi = np.percentile(pts, p, axis=0), np.percentile(pts, 100 - p, axis=0)
        inside = pts[np.all((pts >= lo) & (pts <= hi), axis=1)]
        w, h = (hi - lo).tolist()
        area = _hull_area(inside) if len(inside) >= 3 else 0.0
        cm = self.shank_cm
        return {"width_cm": round(w * cm, 1), "height_cm": round(h * cm, 1),
                "area_cm2": round(area * cm * cm, 1),
                "width_pct_of_shin": round(100 * w, 1), "height_pct_of_shin": round(100 * h, 1)}

    def status_text(self) -> str:
        side = self._foot.value
        return f"Tracing: {side} foot" if side else self.active_status

    def extra_signal(self) -> dict[str, list]:
        """The toe's path while tracing, in cm from the middle of that foot's path: x to the right in the
        picture, y up (path_x_cm, path_y_cm, path_foot; one per signal sample)."""
        cm = self.shank_cm
        centre = {sd: np.median(np.array(self._paths[sd]), axis=0) for sd in SIDES if self._paths[sd]}
        seen = {sd: 0 for sd in SIDES}
        xs: list[float] = []
        ys: list[float] = []
        for sd in self._path_feet:
            x, y = self._paths[sd][seen[sd]] - centre[sd]
            seen[sd] += 1
            xs.append(round(float(x) * cm, 1))
            ys.append(round(-float(y) * cm, 1))
        return {"path_x_cm": xs, "path_y_cm": ys, "path_foot": [str(getattr(f, "value", f)) for f in self._path_feet]}

    def extra_summary(self) -> dict:
        return {"active_s_by_foot": {k: round(v, 2) for k, v in self.timer.totals_s.items()},
                "range_by_foot": {sd: r for sd in SIDES if (r := self.foot_range(sd)) is not None},
                "switches": self.switches}


def _hull_area(points: np.ndarray) -> float:
    """Area of the convex hull of 2-D points (Andrew's monotone chain, then the shoelace formula)."""
    pts = sorted(set(map(tuple, np.round(points, 6))))
    if len(pts) < 3:
        return 0.0

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = np.array(lower[:-1] + upper[:-1])
    x, y = hull[:, 0], hull[:, 1]
    return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
