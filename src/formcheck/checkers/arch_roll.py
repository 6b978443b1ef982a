"""Arch roll (2 minutes each foot): rolling a ball under the arch, seated or standing.

The body-pose model sees the foot (heel, ankle, toe) but not the ball. Rolling shows as one
foot travelling back and forth while the other stays put; the timer counts only while that
is seen, per foot, and announces a switch of feet. Foot travel is in shank lengths (knee to
ankle in the image), so it does not depend on distance or zoom; both feet moving (walking,
shifting the chair) is not rolling.
"""
from __future__ import annotations

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
from formcheck.body.posture import STANDING
from formcheck.setup.features import FOOT_MOVE_SHANK, Features


@dataclass(frozen=True)
class ArchRollConfig(CheckerConfig):
    # Rolling = the (lightly smoothed) foot moved at least this many shank lengths within the
    # window (~2 cm for a 40 cm shank: 5x the ~0.01 jitter; a roll along the arch is 10-15 cm).
    active_shank: float = 0.05
    active_window_s: float = 0.5
    smoothing_tau_s: float = 0.1
    # The rolling foot moves at least this many times more than the other one.
    dominance: float = 2.0
    # A new foot must roll this long before the switch is announced (a nudge is not a switch).
    switch_s: float = 2.0


@register
class ArchRollChecker(TimedChecker):
    exercise = "arch_roll"
    title = "Arch roll"
    mode = Mode.TIMER
    checks = ("times your rolling on each foot (2 minutes each); the clock runs only while the foot rolls",
              "says when you switch feet")
    best_views = ("side", "oblique")  # the foot's back-and-forth shows across the picture
    milestone_every_s = 30.0
    targets_s = (120.0,)
    per_side = True
    side_word = "foot"
    waiting_status = "Roll the ball under one foot"
    active_status = "Rolling"
    signal_label = "Foot travel (% of shin)"

    recognition_rank = 30

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == STANDING and f.foot_planted_move_shank > FOOT_MOVE_SHANK:
            return "standing, one foot rolling back and forth"
        return None

    def __init__(self, config: dict | ArchRollConfig | None = None) -> None:
        super().__init__()
        self.cfg = coerce_config(ArchRollConfig, config)
        self.scale = ShankScale()  # foot travel in shank lengths
        self._moved = {sd: RecentRange(self.cfg.active_window_s) for sd in SIDES}
        self._ema = {sd: (Ema(self.cfg.smoothing_tau_s), Ema(self.cfg.smoothing_tau_s)) for sd in SIDES}
        self._foot = Debounce(self.cfg.switch_s)
        self.switches = 0

    def measure(self, t_s: float, s: PoseSample | None) -> tuple[str | None, list[Fault]]:
        c = self.cfg
        ranges: dict[str, float | None] = {}
        for sd in SIDES:
            leg = LEG[sd]
            if s is None or not s.seen(leg["heel"], leg["toe"], leg["ankle"], min_visibility=c.min_visibility):
                ranges[sd] = self._moved[sd].update(t_s, None)
                continue
            self.scale.update(s, (sd,))
            if not self.scale.measured:
                ranges[sd] = None
                continue
            foot_px = (s.px(leg["heel"]) + s.px(leg["toe"])) / 2
            ex, ey = self._ema[sd]
            smooth = np.array([ex.update(t_s, float(foot_px[0])), ey.update(t_s, float(foot_px[1]))])
            moved_px = self._moved[sd].update(t_s, smooth)
            ranges[sd] = None if moved_px is None else moved_px / self.scale.px
            if sd == self._foot.value or self._foot.value is None:
                self.signal_t.append(t_s)
                self.signal_v.append(round(100 * float(foot_px[0]) / self.scale.px, 1))
        side = moving_side(ranges, c.active_shank, c.dominance)
        before = self._foot.value
        if self._foot.update(t_s, side) and before is not None:
            self.switches += 1
            self.pending_events.append(Event(EventKind.CUE, t_s, self.switch_text(side)))
        return side, []

    def status_text(self) -> str:
        side = self.timer.current.state if self.timer.current else None
        return f"Rolling: {side} foot" if side else self.active_status

    def extra_summary(self) -> dict:
        return {"active_s_by_foot": {k: round(v, 2) for k, v in self.timer.totals_s.items()},
                "switches": self.switches, "target_s_per_foot": self.targets_s[0]}
