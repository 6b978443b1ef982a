"""Shared timing machinery for hold and timer exercises (holds, rolling, tracing).

* `BoutTimer` times bouts of a state ("holding", or the side being rolled): time between two
  frames in the same state counts, so short gaps (a lost frame, a wobble) are bridged and a
  longer break ends the bout; never a guess across a long gap.
* `Debounce` keeps a value (e.g. the side being rolled) until a new one has lasted a while, so
  a flicker is never announced as a switch.
* `RecentRange` says how far a point moved within the last seconds: "is the movement seen".
* `milestones_crossed` gives the 10 s, 20 s, ... marks passed between two readings.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass
class Bout:
    state: str
    start_s: float
    end_s: float
    held_s: float = 0.0  # time counted (gaps longer than the grace are not in it)


class BoutTimer:
    """`update(t_s, state)` per frame; `state` None = not in any timed state (or unseen)."""

    def __init__(self, grace_s: float) -> None:
        self.grace_s = grace_s  # a break up to this long is bridged and counted
        self.bouts: list[Bout] = []
        self.current: Bout | None = None
        self.totals_s: dict[str, float] = {}

    def update(self, t_s: float, state: str | None) -> tuple[Bout | None, Bout | None]:
        """Returns (bout that ended, bout that started) in this frame; either may be None."""
        ended = started = None
        cur = self.current
        if cur is not None and (t_s - cur.end_s > self.grace_s or (state is not None and state != cur.state)):
            ended, self.current, cur = cur, None, None
        if state is None:
            return ended, None
        if cur is None:
            cur = self.current = Bout(state, t_s, t_s)
            self.bouts.append(cur)
            started = cur
        else:
            dt = t_s - cur.end_s
            cur.held_s += dt
            self.totals_s[state] = self.totals_s.get(state, 0.0) + dt
            cur.end_s = t_s
        self.totals_s.setdefault(state, 0.0)
        return ended, started

    def close(self) -> Bout | None:
        ended, self.current = self.current, None
        return ended

    @property
    def current_s(self) -> float:
        return self.current.held_s if self.current is not None else 0.0

    def total_s(self, state: str | None = None) -> float:
        return sum(self.totals_s.values()) if state is None else self.totals_s.get(state, 0.0)

    def longest_s(self, state: str | None = None) -> float:
        return max((b.held_s for b in self.bouts if state is None or b.state == state), default=0.0)


class Debounce:
    """A value that changes only once a new reading has lasted `hold_s` (None readings are ignored)."""

    def __init__(self, hold_s: float) -> None:
        self.hold_s = hold_s
        self.value: str | None = None
        self.since_s = 0.0  # when the readings of the current value began
        self._candidate: str | None = None
        self._since_s = 0.0

    def update(self, t_s: float, reading: str | None) -> bool:
        """Feed one reading; True when the value changed in this frame."""
        if reading is None:
            return False
        if self.value is None:
            self.value, self.since_s = reading, t_s
            return True
        if reading == self.value:
            self._candidate = None
            return False
        if reading != self._candidate:
            self._candidate, self._since_s = reading, t_s
        if t_s - self._since_s >= self.hold_s:
            self.value, self.since_s, self._candidate = reading, self._since_s, None
            return True
        return False


# A point older than the window by more than this is dropped even when it is the only one: a
# movement is judged across a gap of up to about half a second, as BoutTimer's grace bridges.
MAX_POINT_AGE_OVER_WINDOW_S = 0.5


class RecentRange:
    """Largest per-axis spread of a point over the last `window_s` seconds (None until most of a window is seen)."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._buf: deque[tuple[float, np.ndarray]] = deque()

    def update(self, t_s: float, point: np.ndarray | float | None) -> float | None:
        if point is not None and np.all(np.isfinite(point)):
            self._buf.append((t_s, np.atleast_1d(np.asarray(point, float))))
        # Keep the last point at or before the window's start too, so that frames further apart
        # than a share of the window (a slow computer's 3-4 a second) still span a whole window:
        # without it, 0.27 s between frames never filled 80 % of 0.5 s and nothing ever moved.
        while len(self._buf) > 1 and t_s - self._buf[1][0] >= self.window_s:
            self._buf.popleft()
        if len(self._buf) > 1 and t_s - self._buf[0][0] > self.window_s + MAX_POINT_AGE_OVER_WINDOW_S:
            self._buf.popleft()  # after a long gap the old point says nothing of the movement now
        if len(self._buf) < 2 or self._buf[-1][0] - self._buf[0][0] < 0.8 * self.window_s:
            return None
        pts = np.array([p for _, p in self._buf])
        return float(np.ptp(pts, axis=0).max())

    def points(self) -> list[np.ndarray]:
        return [p for _, p in self._buf]

    def clear(self) -> None:
        self._buf.clear()


def milestones_crossed(before_s: float, now_s: float, every_s: float) -> list[int]:
    """Whole-second marks (multiples of every_s) passed in (before_s, now_s]."""
    if every_s <= 0 or now_s <= before_s:
        return []
    first = math.floor(before_s / every_s + 1e-9) + 1  # same rounding both ends: a mark never repeats
    last = math.floor(now_s / every_s + 1e-9)
    return [int(round(k * every_s)) for k in range(first, last + 1) if k > 0]


def moving_side(ranges: dict[str, float | None], min_range: float, dominance: float = 2.0) -> str | None:
    """The one side (foot, leg) that moves: its recent range is at least `min_range` and
    `dominance` times the other's. None when nothing moves or both do (walking, shifting)."""
    seen = {k: v for k, v in ranges.items() if v is not None}
    if not seen:
        return None
    side = max(seen, key=lambda k: seen[k])
    if seen[side] < min_range:
        return None
    others = [v for k, v in seen.items() if k != side]
    return side if all(seen[side] >= dominance * v for v in others) else None
