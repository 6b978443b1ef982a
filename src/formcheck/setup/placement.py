"""Live wrapper around `setup.advice.check_view`: is the person placed right, and what to change.

`setup.advice` holds the rules (feet in the picture, enough light, the body turned the way the
exercise is best seen) as a pure function of a few seconds of samples, so `analyze` and live
mode give the same advice. Here it runs on a short rolling window of the latest frames,
a few times a second (not every frame: the loop's latency budget is tight), and the most
important message becomes the spoken hint.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from formcheck.checkers.base import Checker
from formcheck.pose.types import PoseSample
from formcheck.setup.advice import check_view

STEP_IN = "Step into the picture"
# Judge the placement on the last this-many seconds: long enough for the median body turn,
# short enough that a correction is noticed within a second or two.
WINDOW_S = 1.5
# Re-judge this often (each judgement reads every sample in the window).
EVERY_S = 0.25


@dataclass(frozen=True)
class Placement:
    ok: bool
    hint: str | None  # what to change, plain words; None when ok
    person_seen: bool


class PositionCheck:
    """`update(sample) -> Placement` once per frame. `checker=None`: only needs somebody in view."""

    def __init__(self, checker: type[Checker] | None, window_s: float = WINDOW_S, every_s: float = EVERY_S) -> None:
        self.checker = checker
        self.window_s, self.every_s = window_s, every_s
        self._window: deque[PoseSample] = deque()
        self._judged_t: float | None = None
        self._hint: str | None = None

    def update(self, sample: PoseSample | None) -> Placement:
        if sample is None:
            self._window.clear()
            self._judged_t = None
            return Placement(False, STEP_IN, False)
        t_s = sample.t_s
        self._window.append(sample)
        while t_s - self._window[0].t_s > self.window_s:
            self._window.popleft()
        if self._judged_t is None or t_s - self._judged_t >= self.every_s:
            self._judged_t = t_s
            if self.checker is None:
                self._hint = None
            else:
                advice = check_view(self._window, self.checker, window_s=self.window_s)
                self._hint = advice.messages[0] if advice.messages else None
        return Placement(self._hint is None, self._hint, True)
