"""Foam rolling (5 minutes each side): time spent rolling per side, side switches, passes.

A knee angle does not follow foam rolling (counting-pitfalls); the body's travel along the
roller does. Signal: the hip centre's image position along the body's own axis (hip ->
shoulder), in trunk lengths, so it does not depend on distance or zoom. The timer runs only
while that travel is seen (moved at least `active_travel_trunk` within the last
`active_window_s`; the pauses at the turns are bridged); a pass (roll away from where you
started and back) is counted by the shared swing counter. The side rolled is the lower hip
(side-lying on a roller); with level hips both legs (or the back) are on the roller.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.config import coerce_config
from formcheck.signals.counting import Ema, RepCounter, RepCounterConfig, RepSegment
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import PoseSample
from formcheck.body.posture import STANDING, classify_posture, hip_centre_px, torso_px
from formcheck.body.scale import DEFAULT_TRUNK_M, RunningLength
from formcheck.signals.timing import Debounce, RecentRange
from formcheck.checkers import register
from formcheck.checkers.kit.timed import TimedChecker
from formcheck.checkers.base import CheckerConfig, Event, EventKind, Fault, Mode, Rep
from formcheck.body.posture import LYING
from formcheck.setup.features import Features


# Lying. Travel along the roller of at least a fifth of the trunk (real passes 0.4-0.6).
ROLL_TRAVEL_TRUNK = 0.2


@dataclass(frozen=True)
class FoamRollConfig(CheckerConfig):
    # Rolling = the (lightly smoothed) hips travelled at least this many trunk lengths within the
    # last window: 5x the ~0.01 trunk a still body's hip centre jitters, while a pass along the
    # thigh moves 0.4-0.6 trunk in ~1.5 s (real clips). The pause where a pass turns round
    # (~0.5 s) is bridged by the timer's grace, so the clock stops within a window of stopping.
    active_travel_trunk: float = 0.05
    active_window_s: float = 0.5
    smoothing_tau_s: float = 0.1  # removes frame-to-frame jitter, not a 1.5 s roll
    # Smallest pass: a quarter of a trunk (~12 cm); a shift of the hands or a fidget is less.
    min_pass_trunk: float = 0.15
    # Side-lying: the lower hip is this much lower (the hip landmarks are ~0.2 m apart; level
    # hips differ by under 2 cm of jitter).
    side_drop_m: float = 0.05
    # A new side must last this long to be announced (rolling over briefly is not a switch).
    switch_s: float = 3.0


@register
class FoamRollChecker(TimedChecker):
    exercise = "foam_roll"
    title = "Foam rolling"
    mode = Mode.TIMER
    checks = ("times your rolling on each side (5 minutes each); the clock runs only while you roll",
              "says when you switch sides", "counts passes (rolling up and back)")
    best_views = ("side", "oblique")  # travel along the body shows best across the picture
    grace_s = 1.0
    milestone_every_s = 60.0
    targets_s = (300.0,)
    per_side = True
    waiting_status = "Lie on the roller and start rolling"
    active_status = "Rolling"
    signal_label = "Travel along the roller (% of trunk)"

    recognition_rank = 10

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == LYING and f.travel_range_trunk > ROLL_TRAVEL_TRUNK:
            return "lying, the body travelling along a roller"
        return None

    def __init__(self, config: dict | FoamRollConfig | None = None) -> None:
        super().__init__()
        self.cfg = coerce_config(FoamRollConfig, config)
        self.counter = RepCounter(RepCounterConfig(min_swing=self.cfg.min_pass_trunk))
        self._axis: deque[np.ndarray] = deque(maxlen=300)
        self._torso_px = RunningLength(math.nan)  # travel in trunk lengths (always read before use)
        self._torso_m = RunningLength(DEFAULT_TRUNK_M)  # ... and in cm
        self._moved = RecentRange(self.cfg.active_window_s)
        self._ema = Ema(self.cfg.smoothing_tau_s)
        self._side = Debounce(self.cfg.switch_s)
        self._sign: float | None = None  # +1/-1 once the first direction of travel is known
        self._origin: float | None = None
        self._pending: list[tuple[float, float]] = []
        self._ref_px: np.ndarray | None = None  # where travel is measured from
        self._travel_now = 0.0
        self._history: deque[tuple[float, np.ndarray, np.ndarray, float]] = deque()
        self.passes_by_side: dict[str, int] = {}
        self.switches = 0

    def _side_reading(self, s: PoseSample) -> str:
        dy = float(s.world(L.LEFT_HIP)[1] - s.world(L.RIGHT_HIP)[1])  # y points down
        if abs(dy) < self.cfg.side_drop_m:
            return "both"
        return "left" if dy > 0 else "right"

    def measure(self, t_s: float, s: PoseSample | None) -> tuple[str | None, list[Fault]]:
        c = self.cfg
        if s is None or not s.seen(L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER,
                                   min_visibility=c.min_visibility):
            self._moved.update(t_s, None)
            self.counter.update(t_s, None)
            return None, []
        if classify_posture(s) == STANDING:  # walking about is travel, but not rolling
            self._moved.update(t_s, None)
            return None, []
        hip = hip_centre_px(s)
        sh = (s.px(L.LEFT_SHOULDER) + s.px(L.RIGHT_SHOULDER)) / 2
        length = torso_px(s)
        if hip is None or not length > 1:
            return None, []
        self._torso_m.add(float(np.linalg.norm((s.world(L.LEFT_SHOULDER) + s.world(L.RIGHT_SHOULDER)) / 2
                                               - (s.world(L.LEFT_HIP) + s.world(L.RIGHT_HIP)) / 2)))
        frame = (t_s, hip, (sh - hip) / length, length)
        self._history.append(frame)
        while self._history and t_s - self._history[0][0] > self.cfg.switch_s + 1.0:
            self._history.popleft()
        reading = self._side_reading(s)
        before = self._side.value
        if self._side.update(t_s, reading):
            if before is not None:
                self.pending_events.append(Event(EventKind.CUE, t_s, self.switch_text(reading)))
                self.switches += 1
            # the new side began when its readings began: count its passes from there
            self._reset_passes()
            self._moved.clear()
            self._ema.reset()
            for f in self._history:
                if f[0] >= self._side.since_s:
                    self._count(f[0], self._travel(*f[1:]))
            travel = self._travel_now
        else:
            travel = self._travel(*frame[1:])
            self._count(t_s, travel)
        self.signal_t.append(t_s)
        self.signal_v.append(round(100 * travel, 1))
        moved = self._moved.update(t_s, self._ema.update(t_s, travel))
        self._state.bar_value = None
        active = moved is not None and moved >= c.active_travel_trunk
        # time goes to the side seen now; the switch is announced once the new side has lasted
        return (reading if active else None), []

    # ---- passes ------------------------------------------------------------------------
    def _travel(self, hip: np.ndarray, axis_vec: np.ndarray, length: float) -> float:
        """Hip displacement along the body's running-median axis, in running-median trunk lengths."""
        self._axis.append(axis_vec)
        self._torso_px.add(length)
        axis = np.median(np.array(self._axis), axis=0)
        axis /= max(1e-9, float(np.linalg.norm(axis)))
        if self._ref_px is None:
            self._ref_px = hip.copy()
        # displacement from a fixed point, so a small turn of the running axis barely changes it
        self._travel_now = float((hip - self._ref_px) @ axis) / self._torso_px.value
        return self._travel_now

    def _reset_passes(self) -> None:
        self.counter.reset()
        self._sign, self._origin, self._pending = None, None, []
        self._axis.clear()
        self._torso_px.clear()
        self._ref_px = None

    def _count(self, t_s: float, travel: float) -> None:
        """A pass starts by rolling away from where you began, so the first clear direction of
        travel is the counter's "up"; samples before that is known are replayed once it is."""
        if self._sign is None:
            if self._origin is None:
                self._origin = travel
            self._pending.append((t_s, travel))
            if abs(travel - self._origin) < self.cfg.min_pass_trunk:
                return
            self._sign = 1.0 if travel > self._origin else -1.0
            pending, self._pending = self._pending, []
            for t, x in pending:
                self._on_segment(self.counter.update(t, self._sign * x))
            return
        self._on_segment(self.counter.update(t_s, self._sign * travel))

    def _on_segment(self, seg: RepSegment | None) -> None:
        if seg is None:
            return
        side = self._side.value or "both"
        trunk_cm = 100 * self._torso_m.value
        rep = Rep(len(self.reps) + 1, seg.start_t_s, seg.peak_t_s, seg.end_t_s,
                  {"travel_cm": round(seg.amplitude * trunk_cm, 1),
                   "travel_pct_of_trunk": round(100 * seg.amplitude, 1),
                   "pass_s": round(seg.duration_s, 2)},
                  side=None if side == "both" else side)
        self.reps.append(rep)
        self.passes_by_side[side] = self.passes_by_side.get(side, 0) + 1

    def finish(self, t_ms: float) -> list[Event]:
        if self._sign is not None:
            self._on_segment(self.counter.finish())
        return super().finish(t_ms)

    # ---- words ---------------------------------------------------------------------------
    def switch_text(self, new: str) -> str:
        return "Switched: now rolling both legs" if new == "both" else f"Switched: now rolling your {new} side"

    def status_text(self) -> str:
        side = self._side.value
        where = "" if side in (None, "both") else f" {side} side"
        n = len(self.reps)
        return f"Rolling{where}: {n} pass{'es' if n != 1 else ''}"

    def extra_summary(self) -> dict:
        t = self.timer
        return {"active_s_by_side": {k: round(v, 2) for k, v in t.totals_s.items()},
                "passes": len(self.reps), "passes_by_side": dict(self.passes_by_side),
                "switches": self.switches,
                "target_s_per_side": self.targets_s[0]}
