"""The streaming skeleton shared by rep checkers that measure one angle (or lift) per leg.

A subclass says what to measure each frame (`measure`: a value per side that rises during
the effort, plus named extras such as trunk lean), when the person is in position
(`in_position`), and what a finished rep's metrics and faults are. This base does the rest,
the same way for every such exercise:

- the set starts only once the person holds still in position (`ready_still_s`): walking in
  and setting up never count (counting-pitfalls: find the active set);
- each side has its own `RepCounter`, so the working leg counts and a still leg never does
  (one-sided moves are counted per side); reps of both legs that overlap in time are one rep,
  however many swings either leg shows inside it (the other leg's rep under way ties them
  together as they come, so such a swing is not announced as a rep first); in a one-sided move a
  much smaller swing of the other leg inside a rep is that rep's sympathetic motion, not a rep;
- a side with landmarks under the visibility cut gives no value that frame, the counters hold
  through short gaps, and a long loss ends the set;
- "below your best" faults are re-rated as the set goes (an early short rep is known later).
"""
from __future__ import annotations

import math
from abc import abstractmethod
from collections import deque
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from formcheck.config import coerce_config
from formcheck.signals.counting import Ema, RepCounter, RepCounterConfig, RepSegment, jitter_sd, motion_jitter_sd
from formcheck.pose.landmarks import SIDES
from formcheck.pose.types import PoseSample
from formcheck.body.level import LevelPicture
from formcheck.body.upright import UprightPicture
from formcheck.body.view import ViewEstimator
from formcheck.checkers.base import (Checker, CheckerConfig, CheckResult, Event, EventKind, Fault, LiveState, Mode,
                                     Rep, distinct_corrections, judged_whole, rated_low, rise_began_s,
                                     seen_whole, under_way_at_start)


@dataclass(frozen=True)
class SideRepConfig(CheckerConfig):
    """Settings every side-rep checker has; exercises subclass it and add their own rules."""

    # Smallest swing that can be a rep, in the signal's unit (set per exercise, above jitter).
    min_swing: float = 15.0
    # Thresholds follow the person's own typical rep (fraction of the median rep range).
    swing_fraction: float = 0.4
    # Light smoothing only: VIDEO-mode landmarks are already filtered.
    smoothing_tau_s: float = 0.05
    # Ready = in position and holding still this long.
    ready_still_s: float = 0.5
    # "Still" = the signal moves less than this (signal unit) over the ready window.
    still_range: float = 8.0
    # Nobody (or no leg) seen for this long ends the set.
    lost_end_s: float = 2.0
    # No still start pose (already moving at the first frame, a machine set started before the
    # camera, a handheld phone): after this long in position with the signal swinging, the
    # person's own reps calibrate: the start level is the low end of the signal
    # (`rest_percentile`). 4 s holds a whole rep at the slowest advised tempo (ACSM 2009: 1-2 s
    # a phase) plus a pause.
    calibrate_from_reps_s: float = 4.0
    rest_percentile: float = 10.0
    # On getting ready, the frames since the person got into position (at most this long) are
    # counted too, so the reps made before the first still moment are not lost.
    replay_s: float = 10.0
    # Reps of the two legs overlapping by this share of the shorter one are one two-legged rep.
    # Overlap is transitive: a leg's swings that both overlap one rep of the other leg (a far
    # leg read as two swings inside one rep of the near leg) are all that one rep.
    same_rep_overlap: float = 0.5
    # One-sided exercises: a swing of one leg under this share of a rep of the other leg that
    # it starts or peaks inside is that rep's sympathetic motion (the standing leg's reading
    # shifting with the weight and the pelvis), not a rep. Measured on the lite model: the
    # standing leg's 13-15° against lifts of 42-51° (about a third); a real lift of either leg
    # is far bigger than that, and one cannot lift both legs at once standing.
    sympathetic_fraction: float = 0.5
    # Short of your best: a rep whose range is under this share of the best rep (same side).
    # Coaches cue "further" well before a 50 % drop; 75 % is a clear, visible shortfall.
    low_range_fraction: float = 0.75
    # Too fast (bouncing): ACSM's resistance-training position stand (2009) advises moderate
    # speed, ~1-2 s per phase. Flagged when up plus down, each timed from 10 % to 90 % of the
    # range (pauses excluded), takes under 0.5 s: for an eased movement that is a whole
    # up-and-down in under ~0.8 s, more than twice the slowest-advised pace.
    min_move_s: float = 0.5


@dataclass
class RepFrame:
    t_s: float
    value: dict  # side -> raw signal (nan where unseen)
    smooth: dict  # side -> smoothed signal (nan where unseen)
    extra: dict  # name -> float (nan where unseen); per leg "<quantity>_<unit>.<side>": knee_deg.left


class SideRepChecker(Checker):
    """Base for one-signal-per-leg rep checkers. See the module docstring."""

    mode = Mode.REPS
    config_class: ClassVar[type[SideRepConfig]] = SideRepConfig
    one_sided: ClassVar[bool] = False  # True: one leg at a time, counts reported per side
    signal_unit: ClassVar[str] = "°"
    bar_label: ClassVar[str] = ""
    range_metric: ClassVar[str] = "range_deg"  # the rep's size, for "below your best"
    first_phase_metric: ClassVar[str] = "up_s"  # the time of the rep's first move (unseen in a cut one)
    start_figures: ClassVar[tuple[str, ...]] = ()  # other figures read where the rep set off (ditto)
    ready_text: ClassVar[str] = "Hold still to start"
    go_text: ClassVar[str] = "Ready: start your reps"

    def __init__(self, config: dict | SideRepConfig | None = None) -> None:
        cfg = coerce_config(self.config_class, config)
        self.cfg = cfg
        rc = RepCounterConfig(min_swing=cfg.min_swing, swing_fraction=cfg.swing_fraction)
        self.counters = {sd: RepCounter(rc) for sd in SIDES}
        self._ema = {sd: Ema(cfg.smoothing_tau_s) for sd in SIDES}
        self.view = ViewEstimator()
        self.upright = UprightPicture(cfg.min_visibility) if self.upright_body else None
        self.level = LevelPicture(cfg.min_visibility) if self.standing_body else None
        self._frames: deque[RepFrame] = deque(maxlen=3000)
        self._ready_buf: deque[tuple[float, dict, dict]] = deque()
        self._pre: deque[tuple[float, dict, dict]] = deque()  # in position, before getting ready
        self.ready = False
        self.baseline: dict[str, float] = {}  # side -> signal in the start position
        self.baseline_extra: dict[str, float] = {}  # extras in the start position (medians)
        self._last_seen_t = -math.inf
        self._first_seen_t: float | None = None  # the first frame the legs were measured in
        self.reps: list[Rep] = []
        self._segs: list[dict[str, RepSegment]] = []  # per rep: side -> its segment
        self._state = LiveState(self.exercise, self.title, status=self.ready_text,
                                bar_label=self.bar_label, bar_unit=self.signal_unit)
        self._trace_t: list[float] = []
        self._trace_v: list[float] = []
        self.set_start_s: float | None = None
        self.set_end_s: float | None = None

    # ---- what a subclass says ------------------------------------------------------------
    @abstractmethod
    def measure(self, s: PoseSample) -> tuple[dict[str, float], dict[str, float]]:
        """(side -> signal, rising during the effort; only sides seen) and named extras."""

    def in_position(self, extra: dict[str, float]) -> str | None:
        """None when the (median) extras over the ready window show the start position,
        else what to tell the person, in plain words."""
        return None

    def in_posture(self, extra: dict[str, float]) -> bool:
        """True when one frame shows the exercise's posture (seated on the machine, standing),
        anywhere in a rep: the frames counted on getting ready. Default: the start position."""
        return self.in_position(extra) is None

    @abstractmethod
    def rep_metrics(self, segs: dict[str, RepSegment], frames: list[RepFrame]) -> dict[str, float]:
        """Per-rep figures, units in the keys; must include `range_metric`."""

    def rep_faults(self, rep: Rep, segs: dict[str, RepSegment], at_end: bool) -> list[Fault]:
        return []

    def accept(self, side: str, seg: RepSegment, frames: list[RepFrame]) -> bool:
        """False when the swing was some other movement (a squat, a step), not this exercise."""
        return True

    def low_range_fault(self, rep: Rep, best: float) -> Fault:
        short = best - rep.metrics[self.range_metric]
        return Fault("low_rise", f"Go further: {short:.0f}{self.signal_unit} short of your best")

    def display_value(self, side: str, value: float) -> float:
        """The live bar's value for a signal value above the rep's start (unit conversion)."""
        return value

    def summary(self) -> dict:
        return {}

    # ---- streaming ----------------------------------------------------------------------
    def update(self, t_ms: float, sample: PoseSample | None) -> list[Event]:
        if self.upright is not None:
            sample = self.upright.update(sample)
        if self.level is None:
            return self._update_levelled(t_ms, sample)
        events: list[Event] = []
        for t, s in self.level.feed(t_ms, sample):  # levelled (body.level)
            events += self._update_levelled(t, s)
        return events

    def _update_levelled(self, t_ms: float, sample: PoseSample | None) -> list[Event]:
        t_s = t_ms / 1000.0
        self.view.update(sample)
        if sample is None:
            return self._on_missing(t_s)
        values, extra = self.measure(sample)
        values = {sd: v for sd, v in values.items() if v is not None and math.isfinite(v)}
        if not values:
            return self._on_missing(t_s)
        self._last_seen_t = t_s
        if self._first_seen_t is None:
            self._first_seen_t = t_s
        if not self.ready:
            self._state.bar_value = None
            if self.in_posture(extra):
                self._pre.append((t_s, values, extra))
                while self._pre and t_s - self._pre[0][0] > self.cfg.replay_s:
                    self._pre.popleft()
            else:
                self._pre.clear()  # sitting down, unracking, walking in: never counted
            events = self._try_ready(t_s, values, extra)
            if self.ready:  # count what happened since the person got into position
                pre, self._pre = list(self._pre), deque()
                for f in pre:
                    events += self._count(*f)
            return events
        return self._count(t_s, values, extra)

    def _count(self, t_s: float, values: dict, extra: dict) -> list[Event]:
        events: list[Event] = []
        smooth = {}
        for sd in SIDES:
            v = self._ema[sd].update(t_s, values.get(sd))
            smooth[sd] = v if v is not None and sd in values else math.nan
        self._frames.append(RepFrame(t_s, {k: values.get(k, math.nan) for k in SIDES}, smooth, extra))
        for sd in SIDES:
            seg = self.counters[sd].update(t_s, smooth[sd] if sd in values else None)
            if seg is not None:
                events += self._on_segment(sd, seg)
        main = self._main_side()
        if main is not None and math.isfinite(smooth[main]):
            self._trace_t.append(t_s)
            self._trace_v.append(self.display_value(main, smooth[main] - self.baseline.get(main, 0.0)))
            c = self.counters[main]
            base = c.rest_level
            self._state.bar_value = max(0.0, self.display_value(main, smooth[main] - (base or 0.0)))
        self._state.status = "Counting"
        return events

    def _main_side(self) -> str | None:
        """The side that moves most (the working leg), for the live bar and the chart."""
        last = self._frames[-1].value if self._frames else {}
        sides = list(self.baseline)
        if not sides:
            return None
        return max(sides, key=lambda sd: (self.counters[sd].typical_amplitude or 0.0,
                                          math.isfinite(last.get(sd, math.nan))))

    def _on_missing(self, t_s: float) -> list[Event]:
        for c in self.counters.values():
            c.update(t_s, None)
        if self.ready and t_s - self._last_seen_t > self.cfg.lost_end_s:
            return self._end_set(t_s, "Out of view: move so your whole leg is in the picture")
        if not self.ready and t_s - self._last_seen_t > self.cfg.ready_gap_s:
            self._ready_buf.clear()
            self._state.status = "Move so your whole leg is in the picture"
        return []

    def _try_ready(self, t_s: float, values: dict, extra: dict) -> list[Event]:
        buf = self._ready_buf
        buf.append((t_s, values, extra))
        while len(buf) > 1 and t_s - buf[1][0] >= self.cfg.ready_still_s:
            buf.popleft()  # keep the window just covering ready_still_s, whatever the frame rate
        if buf[-1][0] - buf[0][0] < self.cfg.ready_still_s - 1e-6:
            self._state.status = self.ready_text
            return []
        sides = [sd for sd in SIDES if all(sd in b[1] for b in buf)]
        if not sides:
            return []
        still = not any(np.ptp([b[1][sd] for b in buf]) > self.cfg.still_range for sd in sides)
        if not still:
            buf, sides = self._moving_start()
            if not sides:
                self._state.status = self.ready_text
                return []
        return self._calibrate(t_s, list(buf), sides, still)

    def _calibrate(self, t_s: float, buf: list, sides: list[str], still: bool) -> list[Event]:
        """Take the start position from `buf` (still frames, or the reps themselves) and start counting."""
        med = {k: float(np.nanmedian([b[2].get(k, math.nan) for b in buf]))
               if any(math.isfinite(b[2].get(k, math.nan)) for b in buf) else math.nan
               for k in buf[-1][2]}
        why = self.in_position(med)
        if why is not None:
            self._state.status = why
            return []
        # the start position: the still frames, or (none) the low end of the reps themselves
        self.baseline = {sd: float(np.median([b[1][sd] for b in buf])) if still else
                         float(np.percentile([b[1][sd] for b in buf if sd in b[1]], self.cfg.rest_percentile))
                         for sd in sides}
        self.baseline_extra = med
        self.ready = True
        for sd in SIDES:
            self.counters[sd].reset()
            self._ema[sd].reset()
            # a rep must stand out of the signal's jitter (RepCounter.floor)
            seq = [b[1][sd] for b in buf if sd in b[1]]
            self.counters[sd].noise_sd = (jitter_sd(seq) if still else motion_jitter_sd(seq)) if sd in sides else None
        if self.set_start_s is None:
            self.set_start_s = t_s
        self._state.status = "Counting"
        return [Event(EventKind.READY, t_s, self.go_text)]

    def _moving_start(self, at_end: bool = False) -> tuple[list[tuple[float, dict, dict]], list[str]]:
        """(frames, sides) to calibrate on when the person is in position and already moving:
        `calibrate_from_reps_s` in position (or, at the end of the clip, whatever there was) with
        some side swinging more than a rep's floor."""
        pre = list(self._pre)
        if not pre or (pre[-1][0] - pre[0][0] < self.cfg.calibrate_from_reps_s and not at_end):
            return [], []
        seen = {sd: [f[1][sd] for f in pre if sd in f[1]] for sd in SIDES}
        sides = [sd for sd in SIDES if len(seen[sd]) >= 0.5 * len(pre)]
        if not any(np.ptp(seen[sd]) >= self.cfg.min_swing for sd in sides):
            return [], []
        return pre, sides

    def _end_set(self, t_s: float, why: str) -> list[Event]:
        events = self._close_open_reps()
        self.ready = False
        self._ready_buf.clear()
        self._pre.clear()
        self.set_end_s = self._frames[-1].t_s if self._frames else t_s
        self._state.status = why
        return events + [Event(EventKind.SET_END, t_s, why)]

    def _close_open_reps(self) -> list[Event]:
        events: list[Event] = []
        for sd in SIDES:
            seg = self.counters[sd].finish()
            if seg is not None:
                events += self._on_segment(sd, seg, at_end=True)
            self.counters[sd].reset()
        return events

    def finish(self, t_ms: float) -> list[Event]:
        events: list[Event] = []
        for t, s in self.level.flush() if self.level is not None else []:
            events += self._update_levelled(t, s)
        if not self.ready and self._pre:  # a short clip that never paused: its reps calibrate
            buf, sides = self._moving_start(at_end=True)
            if sides:
                events += self._calibrate(buf[-1][0], buf, sides, still=False)
            if self.ready:
                pre, self._pre = list(self._pre), deque()
                for f in pre:
                    events += self._count(*f)
        if not self.ready:
            return events
        events += self._close_open_reps()
        self.set_end_s = self._frames[-1].t_s if self._frames else t_ms / 1000.0
        return events

    # ---- one rep ------------------------------------------------------------------------
    def frames_between(self, t0_s: float, t1_s: float) -> list[RepFrame]:
        return [f for f in self._frames if t0_s - 1e-6 <= f.t_s <= t1_s + 1e-6]

    def phase_times(self, side: str, seg: RepSegment, frames: list[RepFrame]) -> tuple[float, float, float]:
        """(up_s, top_s, down_s) between 10 % and 90 % of the rep's range, the same rule both
        ways (the counter's own start and end points are set by different rules)."""
        lo = seg.start_value + 0.1 * seg.amplitude
        hi = seg.start_value + 0.9 * seg.amplitude
        pts = [(f.t_s, f.smooth[side]) for f in frames if math.isfinite(f.smooth[side])]
        at_top = [t for t, v in pts if v >= hi - 1e-9] or [seg.peak_t_s]
        left = [t for t, v in pts if t < at_top[0] and v <= lo + 1e-9]
        right = [t for t, v in pts if t > at_top[-1] and v <= lo + 1e-9]
        t_up0 = left[-1] if left else seg.start_t_s
        t_down1 = right[0] if right else seg.end_t_s
        return at_top[0] - t_up0, at_top[-1] - at_top[0], max(0.0, t_down1 - at_top[-1])

    def _on_segment(self, side: str, seg: RepSegment, at_end: bool = False) -> list[Event]:
        if not self.accept(side, seg, self.frames_between(seg.start_t_s, seg.end_t_s)):
            return []
        other = SIDES[1 - SIDES.index(side)]
        live = self.counters[other].in_progress()  # the other leg's rep under way, if any
        recent = range(max(0, len(self.reps) - 4), len(self.reps))  # the reps it can be part of
        if self.one_sided:
            theirs = [self._segs[i][other] for i in recent if other in self._segs[i]] + ([live] if live else [])
            if any(self._sympathetic(seg, big) for big in theirs):
                return []
        else:
            # the same two-legged rep: overlaps the other leg's part of it, or the other
            # leg's rep under way overlaps both this swing and this leg's part of it
            joined = live is not None and self._same_rep(seg, live)
            same = [i for i in recent
                    if (other in self._segs[i] and self._same_rep(seg, self._segs[i][other]))
                    or (joined and side in self._segs[i] and other not in self._segs[i]
                        and self._same_rep(live, self._segs[i][side]))]
            if same:
                return self._merge(same, side, seg, at_end)
        self._segs.append({side: seg})
        self.reps.append(Rep(len(self.reps) + 1, seg.start_t_s, seg.peak_t_s, seg.end_t_s))
        return self._rate(len(self.reps) - 1, at_end, new=True)

    def _same_rep(self, a: RepSegment, b: RepSegment) -> bool:
        overlap = min(a.end_t_s, b.end_t_s) - max(a.start_t_s, b.start_t_s)
        return overlap > 0 and overlap >= self.cfg.same_rep_overlap * min(a.duration_s, b.duration_s)

    def _sympathetic(self, seg: RepSegment, big: RepSegment) -> bool:
        """A much smaller swing that starts or peaks inside the other leg's rep `big`."""
        inside = any(big.start_t_s <= t <= big.end_t_s for t in (seg.start_t_s, seg.peak_t_s))
        return inside and seg.amplitude < self.cfg.sympathetic_fraction * big.amplitude

    def _merge(self, idx: list[int], side: str, seg: RepSegment, at_end: bool) -> list[Event]:
        """Fold the swing and the reps `idx` (one two-legged rep) into the first of them."""
        first, segs = idx[0], self._segs[idx[0]]
        for i in reversed(idx[1:]):  # several reps overlapped by one swing: all one rep
            for sd, s in self._segs[i].items():
                segs[sd] = combine(segs[sd], s) if sd in segs else s
            del self.reps[i], self._segs[i]
        for k, r in enumerate(self.reps):
            r.index = k + 1
        segs[side] = combine(segs[side], seg) if side in segs else seg
        rep = self.reps[first]
        rep.peak_s = segs[next(iter(segs))].peak_t_s  # the first-counted leg's peak, as before
        return self._rate(first, at_end, new=False)

    def _rate(self, i: int, at_end: bool, new: bool) -> list[Event]:
        rep, segs = self.reps[i], self._segs[i]
        rep.start_s = min(s.start_t_s for s in segs.values())
        rep.end_s = max(s.end_t_s for s in segs.values())
        rep.side = next(iter(segs)) if len(segs) == 1 else None
        frames = self.frames_between(rep.start_s, rep.end_s)
        before = {f.code for f in rep.faults}
        rep.metrics = self.rep_metrics(segs, frames)
        main = max(segs, key=lambda sd: segs[sd].amplitude)
        began = rise_began_s([f.t_s for f in frames], [f.smooth[main] for f in frames],
                             segs[main].start_value, segs[main].peak_value)
        rep.under_way = under_way_at_start(began, rep.start_s, self._first_seen_t)
        rep.faults = judged_whole(self.rep_faults(rep, segs, at_end), rep.under_way)
        seen_whole(rep.metrics, (self.first_phase_metric, *self.start_figures), rep.under_way)
        self._refresh_relative()
        self._state.rep_count = len(self.reps)
        self._state.side = rep.side
        same = [r.metrics[self.range_metric] for r in self.reps if r.side == rep.side]
        self._state.bar_best = self.display_value(rep.side or "left", max(same)) if same else None
        events = [Event(EventKind.REP, rep.end_s, str(rep.index), rep=rep)] if new else []
        for f in rep.faults:
            if f.code in before and not new:
                continue
            self._state.latest_cue = f.message
            events.append(Event(EventKind.CUE, rep.end_s, f.message, code=f.code))
        return events

    def _refresh_relative(self) -> None:
        """Re-rate every rep against the best so far of the same side."""
        key = self.range_metric
        for r in self.reps:
            same = [o.metrics[key] for o in self.reps if o.side == r.side and math.isfinite(o.metrics[key])]
            best = max(same) if same else math.nan
            h = r.metrics[key]
            r.metrics["pct_of_best"] = round(100 * h / best, 1) if best and best > 0 else 0.0
            low = math.isfinite(h) and best > 0 and h < self.cfg.low_range_fraction * best
            r.faults = rated_low(r.faults, self.low_range_fault(r, best) if low else None, r.under_way)

    # ---- outputs ------------------------------------------------------------------------
    @property
    def state(self) -> LiveState:
        return self._state

    def result(self) -> CheckResult:
        summary = {"per_side": {sd: sum(1 for r in self.reps if r.side == sd) for sd in SIDES},
                   "both_legs": sum(1 for r in self.reps if r.side is None),
                   "body_yaw_deg": round(self.view.yaw_deg, 1) if math.isfinite(self.view.yaw_deg) else None}
        summary.update(self.summary())
        warnings = [n for n in (self.upright.note if self.upright is not None else None,
                                self.level.note if self.level is not None else None) if n]
        if not self.ready and not self.reps:
            warnings.append(f"Never saw you in the start position and still, so nothing was counted "
                            f"({self._state.status.lower()})")
        return CheckResult(self.exercise, len(self.reps), list(self.reps), self.view.view, summary,
                           distinct_corrections(self.reps), self.set_start_s, self.set_end_s,
                           {"t_s": self._trace_t, "value": self._trace_v},
                           f"{self.bar_label} ({self.signal_unit})", warnings, started=self.ready or bool(self.reps))


def too_fast(rep: Rep, cfg: SideRepConfig, up_s: float, down_s: float) -> Fault | None:
    """The shared tempo rule (see `SideRepConfig.min_move_s`); up_s/down_s from `phase_times`."""
    if up_s + down_s < cfg.min_move_s:
        return Fault("too_fast", "Slow down: take about 1 s up and 1 s down")
    return None


def finite(values) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(v)]


def combine(a: RepSegment, b: RepSegment) -> RepSegment:
    """Two swings of one leg as one: from the first's start to the last's end, the higher peak."""
    first = min((a, b), key=lambda g: g.start_t_s)
    last = max((a, b), key=lambda g: g.end_t_s)
    top = a if a.peak_value >= b.peak_value else b
    return RepSegment(first.start_t_s, top.peak_t_s, last.end_t_s, first.start_value, top.peak_value,
                      last.end_value, last.lowered_fully)
