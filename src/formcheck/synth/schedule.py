"""Rep timelines: a still lead-in, then reps (up, top, down, rest) with per-rep faults, then a
still tail. `Schedule.at(t_s)` gives the movement level (0 = start position, 1 = a full rep's
peak), the phase name and the rep it belongs to."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FAULT_CODES = ("low_rise", "bent_knees", "too_fast", "incomplete_lowering", "asymmetry",
               "feet_not_hip_width", "incomplete_lockout", "knees_caving")


@dataclass(frozen=True)
class Timing:
    up_s: float = 1.0
    top_s: float = 0.6
    down_s: float = 1.2
    rest_s: float = 0.6
    lead_in_s: float = 1.5
    tail_s: float = 1.2


@dataclass
class Rep:
    index: int  # 1-based
    faults: list[str]
    start_s: float
    up_end_s: float
    down_start_s: float
    end_s: float
    start_level: float
    peak_level: float
    end_level: float
    extra: dict = field(default_factory=dict)

    @property
    def peak_s(self) -> float:
        return 0.5 * (self.up_end_s + self.down_start_s)

    def truth(self) -> dict:
        d = {"index": self.index, "start_s": round(self.start_s, 3), "peak_s": round(self.peak_s, 3),
             "end_s": round(self.end_s, 3), "faults": list(self.faults)}
        d.update(self.extra)
        return d


def _ease(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


@dataclass
class Schedule:
    reps: list[Rep]
    duration_s: float
    top_phase: str = "top"

    def at(self, t_s: float) -> tuple[float, str, Rep | None]:
        level = 0.0
        for rep in self.reps:
            if t_s < rep.start_s:
                return level, "rest", None
            if t_s < rep.up_end_s:
                x = (t_s - rep.start_s) / max(rep.up_end_s - rep.start_s, 1e-6)
                return rep.start_level + (rep.peak_level - rep.start_level) * _ease(x), "up", rep
            if t_s < rep.down_start_s:
                return rep.peak_level, self.top_phase, rep
            if t_s < rep.end_s:
                x = (t_s - rep.down_start_s) / max(rep.end_s - rep.down_start_s, 1e-6)
                return rep.peak_level + (rep.end_level - rep.peak_level) * _ease(x), "down", rep
            level = rep.end_level
        return level, "rest", None


def build_schedule(n_reps: int, faults: dict[int, list[str]], timing: Timing, *, tempo: float = 1.0,
                   levels=None, top_phase: str = "top") -> Schedule:
    """`levels(faults) -> (peak_level, end_level)` lets a motion turn faults into amplitudes;
    `tempo` > 1 is slower (multiplies every movement time)."""
    t = timing.lead_in_s
    reps = []
    start_level = 0.0
    for i in range(1, n_reps + 1):
        f = list(faults.get(i, []))
        up, top, down, rest = timing.up_s * tempo, timing.top_s * tempo, timing.down_s * tempo, timing.rest_s * tempo
        if "too_fast" in f:  # bouncing: ~0.3 s up, no pause, ~0.3 s down
            up, top, down, rest = 0.3, 0.0, 0.3, 0.1
        peak, end = levels(f) if levels else (1.0, 0.0)
        rep = Rep(i, f, t, t + up, t + up + top, t + up + top + down, start_level, peak, end)
        reps.append(rep)
        t = rep.end_s + rest
        start_level = end
    return Schedule(reps, t - (timing.rest_s * tempo if reps else 0) + timing.tail_s, top_phase)


def parse_faults(items: list[str] | None, n_reps: int) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for item in items or []:
        rep_s, _, code = item.partition(":")
        if not rep_s.isdigit() or not code:
            raise ValueError(f"--fault takes REP:CODE (e.g. 3:low_rise), got {item!r}")
        rep = int(rep_s)
        if not 1 <= rep <= n_reps:
            raise ValueError(f"--fault {item}: rep {rep} is outside 1..{n_reps}")
        if code not in FAULT_CODES:
            raise ValueError(f"--fault {item}: unknown fault {code!r}; known: {', '.join(FAULT_CODES)}")
        out.setdefault(rep, []).append(code)
    return out
