"""Big-toe lift: a plain hold timer, because the lift itself cannot be seen.

The body-pose model has no toe joints (one point per foot at the tip of the shoe), so it
cannot tell a lifted big toe from a resting one. Rather than pretend, this only times how
long you sit or lie still with your feet in view while you do the lifts, and says so.
"""
from __future__ import annotations

from dataclasses import dataclass

from formcheck.config import coerce_config
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import PoseSample
from formcheck.body.posture import LYING, SEATED, classify_posture
from formcheck.body.scale import ShankScale
from formcheck.signals.timing import RecentRange
from formcheck.checkers import register
from formcheck.checkers.kit.timed import TimedChecker
from formcheck.checkers.base import CheckerConfig, Fault, Mode

NOTE = ("The camera cannot see your toes (the body model has no toe joints), so this does not "
        "check the lift: it only times how long you hold, sitting or lying still with your feet in view.")


@dataclass(frozen=True)
class BigToeLiftConfig(CheckerConfig):
    # Still = heels and ankles moved less than this many shank lengths within the window
    # (~4 cm: above the ~0.01 jitter, well below getting up or shifting the feet).
    still_shank: float = 0.1
    still_window_s: float = 1.0


@register
class BigToeLiftChecker(TimedChecker):
    exercise = "big_toe_lift"
    title = "Big-toe lift (timer only)"
    mode = Mode.HOLD
    checks = ("cannot see your toes: the body model has no toe joints, so the lift itself is not checked",
              "times how long you sit or lie still with your feet in view")
    best_views = ("front", "oblique", "side")
    camera_does = "Times the hold only (it cannot see toes)"
    waiting_status = "Sit still with your feet in view"
    active_status = "Timing"

    def __init__(self, config: dict | BigToeLiftConfig | None = None) -> None:
        super().__init__()
        self.cfg = coerce_config(BigToeLiftConfig, config)
        self._still = RecentRange(self.cfg.still_window_s)
        self.scale = ShankScale(longest=True)  # foot stillness in shank lengths

    def measure(self, t_s: float, s: PoseSample | None) -> tuple[str | None, list[Fault]]:
        c = self.cfg
        feet = [LEG[sd][k] for sd in SIDES for k in ("ankle", "heel")]
        if s is None or classify_posture(s) not in (SEATED, LYING) or \
                not s.seen(*feet, min_visibility=c.min_visibility):
            self._still.clear()
            return None, []
        self.scale.update(s)
        if not self.scale.measured:
            return None, []
        moved = self._still.update(t_s, s.xy_px[feet].reshape(-1))
        still = moved is not None and moved / self.scale.px < c.still_shank
        return ("holding" if still else None), []

    def extra_summary(self) -> dict:
        return {"note": NOTE}

    def result(self):
        r = super().result()
        r.warnings.insert(0, NOTE)
        return r
