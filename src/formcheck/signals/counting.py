"""Shared rep-counting machinery for 1-D exercise signals (heel height, knee angle, ...).

`RepCounter` is a swing counter with hysteresis: a rep is a rise of at least `thr_up`
above the valley before it, then a drop of at least `thr_down` below its peak, then a
settle (back near the start level, a new rise, or stillness). Both thresholds scale with
the person's own typical rep (a fraction of the median amplitude of recent reps), never
below an absolute floor, so the same rule works for any view, body size or range, and
jitter smaller than the floor can never count (MediaPipe pose-classification doc:
enter/exit thresholds apart; counting-pitfalls: measure reps against the person's own range).

The signal must rise during the effortful part of the rep; checkers negate it otherwise.
`None` marks frames where the signal could not be measured: state is held through short
gaps and a rep in progress is dropped after a long one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np


class Ema:
    """Time-based exponential moving average (robust to uneven frame times); holds through gaps."""

    def __init__(self, tau_s: float) -> None:
        self.tau_s = tau_s
        self.value: float | None = None
        self._t_s: float | None = None

    def update(self, t_s: float, x: float | None) -> float | None:
        if x is None or not math.isfinite(x):
            return None
        if self.value is None or self._t_s is None or self.tau_s <= 0:
            self.value = x
        else:
            dt = max(0.0, t_s - self._t_s)
            a = 1.0 - math.exp(-dt / self.tau_s)
            self.value += a * (x - self.value)
        self._t_s = t_s
        return self.value

    def reset(self) -> None:
        self.value, self._t_s = None, None

    def shift(self, delta: float) -> None:
        """The signal's zero moved: what is held moves with it."""
        if self.value is not None:
            self.value += delta


@dataclass(frozen=True)
class RepCounterConfig:
    min_swing: float  # absolute floor for a rise or drop, in signal units (above the signal's jitter)
    swing_fraction: float = 0.4  # thresholds as a fraction of the person's median rep amplitude
    drop_fraction_of_rise: float = 0.45  # a rep must come down at least this part of its own rise
    return_fraction: float = 0.2  # "back down" = within this part of the rise above the start level
    settle_s: float = 0.6  # no further lowering for this long ends a rep that stopped short
    min_rep_s: float = 0.3  # anything quicker is a twitch, not a rep
    max_rep_s: float = 20.0  # longer "reps" are drift, not reps
    max_gap_s: float = 0.7  # a longer loss of signal drops the rep in progress
    amplitude_memory: int = 5  # reps kept for the median amplitude
    # A rise or drop must hold this long before it counts: one-frame spikes of landmark
    # jitter never do (3 frames at 30 fps, 6 at 60).
    min_dwell_s: float = 0.1
    # With a measured still-jitter sd (`RepCounter.noise_sd`), a swing must also exceed this
    # many sd: +-3 sd spans 99.7 % of still frames, so jitter alone cannot make a swing.
    noise_sd_factor: float = 6.0
    # ... but jitter never raises the floor past this multiple of min_swing: a noisy or brief
    # still spell must not make real reps (a 3-4 cm heel rise) uncountable.
    max_floor_factor: float = 1.6


class Phase(str, Enum):
    REST = "rest"
    RISING = "rising"
    FALLING = "falling"


@dataclass(frozen=True)
class RepSegment:
    start_t_s: float
    peak_t_s: float
    end_t_s: float
    start_value: float
    peak_value: float
    end_value: float  # the lowest value reached while coming down
    lowered_fully: bool  # came back within return_fraction of the rise

    @property
    def amplitude(self) -> float:
        return self.peak_value - self.start_value

    @property
    def duration_s(self) -> float:
        return self.end_t_s - self.start_t_s


def jitter_sd(values) -> float | None:
    """Frame-to-frame jitter of a still signal, robust to a slow drift or one outlier:
    the median absolute first difference, scaled to a Gaussian sd (x 1.4826 / sqrt 2)."""
    v = np.asarray([x for x in values if x is not None and math.isfinite(x)], float)
    if v.size < 5:
        return None
    return float(1.4826 * np.median(np.abs(np.diff(v))) / math.sqrt(2.0))


def motion_jitter_sd(values) -> float | None:
    """Jitter of a signal that is moving (no still frames to measure it on): smooth motion has
    small second differences and landmark jitter large ones, so the median absolute second
    difference, scaled to a Gaussian sd (x 1.4826 / sqrt 6), measures the jitter alone."""
    v = np.asarray([x for x in values if x is not None and math.isfinite(x)], float)
    if v.size < 7:
        return None
    return float(1.4826 * np.median(np.abs(np.diff(v, 2))) / math.sqrt(6.0))


class RepCounter:
    """Streaming swing counter: `update(t_s, value)` returns a finished `RepSegment` or None."""

    def __init__(self, config: RepCounterConfig) -> None:
        self.cfg = config
        self.amplitudes: list[float] = []
        self._floor_cap = config.max_floor_factor * config.min_swing  # see `set_floor`
        # "back near the valley" (where a rep starts) is judged against the configured floor, which sits
        # above the jitter, even when `set_floor` lowers what counts: with a band of a quarter of a 0.02
        # floor the start stuck to a jitter dip 0.35 s before the rise (rendered too-fast rep at 60 fps)
        self._near_swing = config.min_swing
        self.noise_sd: float | None = None  # still-jitter of the signal, set by the checker when known
        self.reset()

    def reset(self) -> None:
        self.phase = Phase.REST
        self._valley: float | None = None
        self._valley_t = 0.0
        self._near_valley_t = 0.0
        self._start_v = 0.0
        self._start_t = 0.0
        self._peak = -math.inf
        self._peak_t = 0.0
        self._low = math.inf
        self._low_t = 0.0
        self._returned_t: float | None = None
        self._last_t: float | None = None
        self._last_x = self._prev_x = math.nan  # the last two values
        self._up_since: float | None = None  # first time of the current run above the rise threshold
        self._down_since: float | None = None

    @property
    def rest_level(self) -> float | None:
        """Where the current rep is measured from: the valley while resting, else the rep's start
        (the live bar shows the signal above it). None before the first value."""
        if self.phase == Phase.REST:
            return self._valley
        return self._start_v

    @property
    def typical_amplitude(self) -> float | None:
        return float(np.median(self.amplitudes[-self.cfg.amplitude_memory:])) if self.amplitudes else None

    @property
    def floor(self) -> float:
        if self.noise_sd is None:
            return self.cfg.min_swing
        return min(max(self._floor_cap, self.cfg.min_swing),
                   max(self.cfg.min_swing, self.cfg.noise_sd_factor * self.noise_sd))

    @property
    def thr_up(self) -> float:
        amp = self.typical_amplitude
        return max(self.floor, self.cfg.swing_fraction * amp) if amp else self.floor

    def _held(self, cond: bool, since_attr: str, t_s: float) -> bool:
        """True once `cond` has held continuously for min_dwell_s."""
        if not cond:
            setattr(self, since_attr, None)
            return False
        since = getattr(self, since_attr)
        if since is None:
            setattr(self, since_attr, t_s)
            since = t_s
        return t_s - since >= self.cfg.min_dwell_s - 1e-9

    def _thr_down(self) -> float:
        return max(self.thr_up, self.cfg.drop_fraction_of_rise * (self._peak - self._start_v))

    def _start_rise(self, t_s: float, start_t: float, start_v: float, x: float) -> None:
        self.phase = Phase.RISING
        self._start_t, self._start_v = start_t, start_v
        self._peak, self._peak_t = x, t_s

    def _finish(self, end_t: float, end_v: float, fully: bool) -> RepSegment | None:
        seg = RepSegment(self._start_t, self._peak_t, end_t, self._start_v, self._peak, end_v, fully)
        if not (self.cfg.min_rep_s <= seg.duration_s <= self.cfg.max_rep_s):
            return None
        self.amplitudes.append(seg.amplitude)
        return seg

    def set_floor(self, min_swing: float, noise_sd_factor: float | None = None) -> None:
        """A lower (or higher) absolute floor, and jitter multiple, once the checker knows what else
        confirms a rep. The jitter floor's cap stays where the configured floor put it: a noisy
        signal still needs a swing as large as before."""
        from dataclasses import replace
        self.cfg = replace(self.cfg, min_swing=min_swing,
                           noise_sd_factor=self.cfg.noise_sd_factor if noise_sd_factor is None else noise_sd_factor)

    def shift(self, delta: float) -> None:
        """The signal's zero moved (the checker found the person's true start level): every level held
        moves with it; the rep sizes do not change."""
        if self._valley is not None:
            self._valley += delta
        self._start_v += delta
        self._peak += delta
        self._low += delta
        self._last_x += delta
        self._prev_x += delta

    def forget_last(self) -> None:
        """The checker rejected the segment just returned: it does not shape the typical amplitude."""
        if self.amplitudes:
            self.amplitudes.pop()

    def update(self, t_s: float, x: float | None) -> RepSegment | None:
        if x is None or not math.isfinite(x):
            if self._last_t is not None and t_s - self._last_t > self.cfg.max_gap_s and self.phase != Phase.REST:
                self.reset()  # lost the person mid-rep: never guess a rep across a long gap
            return None
        self._last_t, self._prev_x, self._last_x = t_s, self._last_x, x
        if self._valley is None:
            self._valley, self._valley_t, self._near_valley_t = x, t_s, t_s
            return None

        if self.phase == Phase.REST:
            if x < self._valley:
                self._valley, self._valley_t = x, t_s
            if x <= self._valley + 0.25 * max(self.thr_up, self._near_swing):
                self._near_valley_t = t_s
            if self._held(x >= self._valley + self.thr_up, "_up_since", t_s):
                self._up_since = None
                self._start_rise(t_s, self._near_valley_t, self._valley, x)
            return None

        if self.phase == Phase.RISING:
            if x > self._peak:
                self._peak, self._peak_t = x, t_s
            if self._held(x <= self._peak - self._thr_down(), "_down_since", t_s):
                self._down_since = None
                self.phase = Phase.FALLING
                self._low, self._low_t = x, t_s
                self._returned_t = None
            return None

        # FALLING: wait until the rep settles
        rise = self._peak - self._start_v
        if x < self._low:
            self._low, self._low_t = x, t_s
        if x <= self._start_v + self.cfg.return_fraction * rise:
            seg = self._finish(t_s, x, True)
            self.phase = Phase.REST
            self._valley, self._valley_t, self._near_valley_t = x, t_s, t_s
            return seg
        if self._held(x >= self._low + self.thr_up, "_up_since", t_s):  # rose again before lowering fully
            self._up_since = None
            low, low_t = self._low, self._low_t
            seg = self._finish(low_t, low, False)
            self._start_rise(t_s, low_t, low, x)
            return seg
        if t_s - self._low_t >= self.cfg.settle_s:  # stopped short and stayed there
            low, low_t = self._low, self._low_t
            seg = self._finish(low_t, low, False)
            self.phase = Phase.REST
            self._valley, self._valley_t, self._near_valley_t = low, low_t, t_s
            return seg
        return None

    def in_progress(self) -> RepSegment | None:
        """The rep under way (rising or coming down) as it stands at the last frame; None at rest.

        For comparing with the other leg's reps while this one has not finished yet."""
        if self.phase == Phase.REST or self._last_t is None:
            return None
        end_v = self._low if self.phase == Phase.FALLING else self._peak
        return RepSegment(self._start_t, self._peak_t, self._last_t, self._start_v, self._peak, end_v, False)

    def finish(self) -> RepSegment | None:
        """End of stream: a rep that came down but had not settled still counts, and so does one seen
        coming down from its peak as far as a rep must (`_thr_down`) in its last two frames: the clip
        ended while the person was lowering, and the stream, not the person, cut the drop's dwell short.
        One last frame below the line is not enough (one frame's jitter must never make a rep), nor is
        less of a drop: a real clip labelled "partial 2nd rise (clip ends)" ends 0.1 s into its lowering,
        28 % of the way down."""
        if self.phase == Phase.RISING and max(self._prev_x, self._last_x) <= self._peak - self._thr_down():
            self.phase = Phase.FALLING
            self._low, self._low_t = self._last_x, self._last_t
        if self.phase == Phase.FALLING:
            seg = self._finish(self._low_t, self._low, False)
            self.phase = Phase.REST
            return seg
        return None
