"""Machine leg extension, seated a little forward (both legs or one; side or oblique view).

Signal: the knee angle (180° = straight) of each leg, from the thigh's and the shank's
vertical extents in metric world landmarks (`body.measures.knee_deg`): on the oblique clip the
shank swings toward the camera, where 2-D angles and even 3-D world angles jump by tens of
degrees from frame to frame (a naive counter counted 7 for 3); vertical extents do not.
Each leg counts on its own counter; both legs rising together make one rep.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.signals.counting import RepSegment
from formcheck.body.geometry import angle_deg
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import PoseSample
from formcheck.checkers import register
from formcheck.body.measures import BoneLengths, elevation_deg, knee_3d_deg, knee_deg, leg_seen
from formcheck.checkers.kit.side_reps import RepFrame, SideRepChecker, SideRepConfig, finite, too_fast
from formcheck.checkers.base import Fault, Rep
from formcheck.body.posture import SEATED
from formcheck.setup.features import SEATED_KNEE_RANGE_DEG, Features

# The bent knee a lift starts from is the one held just before the counter saw the rise begin:
# this long a window (a held start lasts longer; the lift itself takes ~1-2 s) ...
START_HELD_S = 0.5
# ... kept for this long back (longer than any rep, so the window is there when the rep ends).
KNEE_MEMORY_S = 20.0


@dataclass(frozen=True)
class LegExtensionConfig(SideRepConfig):
    # A leg extension moves the knee ~80-90° (from bent at a right angle to straight); a swing
    # under a third of that is not a rep. The far leg of a seated person, half hidden, jitters
    # by up to 25-30° at rest on the oblique clip (measured), so lower would count it.
    min_swing: float = 30.0
    # Slow, controlled exercise (2-3 s per rep): a 0.1 s average irons out the far leg's jitter.
    smoothing_tau_s: float = 0.1
    # Seated: thigh at least this far from hanging down (level thigh = 90°; standing ~5-15°).
    seated_thigh_deg: float = 60.0
    # Start position: legs down, knees bent more than this (a leg held straight out is a rep's top).
    start_knee_deg: float = 140.0
    # Still = the knee angle moves less than half the smallest rep; the far leg's resting jitter
    # is +-10° on the oblique clip (measured), so a tighter cut would never see it still.
    still_range: float = 15.0
    # Full lockout: normal knee extension is 0° of flexion (AAOS, Norkin & White); a machine
    # pad and landmark error cost ~10-15°, so a top angle under 165° is a bent knee.
    lockout_knee_deg: float = 165.0
    # Controlled lowering: time down at least time up. Flagged when the lowering takes under
    # 2/3 of the lift: the up and down times of one controlled set vary by +-20-30 % from rep
    # to rep (measured 10-90 % phase times on the real clip), so a smaller gap is noise.
    min_down_over_up: float = 0.67
    # Incomplete lowering: the leg stays up by more than this share of the rep's range.
    incomplete_lowering_fraction: float = 0.25
    # Leaning back: the forward seat keeps the hip angle near 90-110° (trunk upright, thigh
    # level); a reclined backrest or slouching back opens it past 115°.
    max_hip_deg: float = 115.0


@register
class LegExtensionChecker(SideRepChecker):
    exercise = "leg_extension"
    upright_body = True
    title = "Leg extension (machine)"
    config_class = LegExtensionConfig
    checks = ("counts each kick up and lowering (both legs or one)",
              "knee straight at the top", "lowering slowly (at least as slow as lifting)",
              "lowered all the way", "seated forward a little (hip angle)", "tempo (not too fast)")
    best_views = ("side", "oblique")
    bar_label = "Knee straightening"
    range_metric = "range_deg"
    start_figures = ("start_knee_deg", "range_deg")  # from the knee the lift set off from
    ready_text = "Sit still on the machine, whole leg in view"
    go_text = "Ready: straighten your knees"
    cfg: LegExtensionConfig

    recognition_rank = 20

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == SEATED and f.knee_range_deg > SEATED_KNEE_RANGE_DEG:
            return "seated, the knee straightening with the thigh still"
        return None

    def __init__(self, config: dict | LegExtensionConfig | None = None) -> None:
        super().__init__(config)
        self.bones = BoneLengths()
        self._knee_3d: dict[str, deque[tuple[float, float]]] = {}  # side -> (t_s, 3-D knee deg)

    def measure(self, s: PoseSample) -> tuple[dict[str, float], dict[str, float]]:
        values, extra = {}, {}
        hips = []
        for sd in SIDES:
            leg = LEG[sd]
            if not leg_seen(s, sd, "hip", "knee", "ankle", min_visibility=self.cfg.min_visibility):
                extra[f"thigh_deg.{sd}"] = extra[f"knee_3d_deg.{sd}"] = math.nan
                continue
            values[sd] = extra[f"knee_deg.{sd}"] = knee_deg(s, sd, self.bones)
            extra[f"knee_3d_deg.{sd}"] = knee_3d_deg(s, sd)
            memory = self._knee_3d.setdefault(sd, deque())
            memory.append((s.t_s, extra[f"knee_3d_deg.{sd}"]))
            while memory and memory[0][0] < s.t_s - KNEE_MEMORY_S:
                memory.popleft()
            extra[f"thigh_deg.{sd}"] = elevation_deg(s, leg["hip"], leg["knee"], self.bones.get(f"thigh.{sd}"))
            if leg_seen(s, sd, "shoulder", min_visibility=self.cfg.min_visibility):
                hips.append(angle_deg(s.world(leg["shoulder"]), s.world(leg["hip"]), s.world(leg["knee"])))
        extra["hip_deg"] = float(np.mean(hips)) if hips else math.nan
        return values, extra

    def in_posture(self, extra: dict[str, float]) -> bool:
        thighs = finite(extra.get(f"thigh_deg.{sd}") for sd in SIDES)
        return bool(thighs) and max(thighs) >= self.cfg.seated_thigh_deg

    def in_position(self, extra: dict[str, float]) -> str | None:
        thighs = finite(extra.get(f"thigh_deg.{sd}") for sd in SIDES)
        if not thighs or max(thighs) < self.cfg.seated_thigh_deg:
            return "Sit down on the machine to start"
        knees = finite(extra.get(f"knee_deg.{sd}") for sd in SIDES)
        if knees and max(knees) > self.cfg.start_knee_deg:
            return "Start with your knees bent, feet under the pad"
        return None

    def accept(self, side: str, seg: RepSegment, frames: list[RepFrame]) -> bool:
        """The thigh stays on the seat through a rep; straightening the knee while the thigh
        drops toward vertical is standing up (a squat), not a leg extension."""
        thighs = finite(f.extra.get(f"thigh_deg.{side}") for f in frames)
        return not thighs or float(np.percentile(thighs, 10)) >= self.cfg.seated_thigh_deg

    def rep_metrics(self, segs: dict[str, RepSegment], frames: list[RepFrame]) -> dict[str, float]:
        side = max(segs, key=lambda sd: segs[sd].amplitude)
        seg = segs[side]
        up_s, top_s, down_s = self.phase_times(side, seg, frames)
        tops = {sd: max(finite(f.smooth[sd] for f in frames), default=math.nan) for sd in segs}
        hips = finite(f.extra.get("hip_deg") for f in frames)
        top, start = round(min(tops.values()), 1), round(self._start_knee_deg(side, seg), 1)  # as reported
        # the range shown is the two knee angles shown, top less start (a tester read "knees at the top
        # 178°, knees at the start 86°, range 80°": the counted signal's own rise, from its planar start)
        span = float(round(top) - round(start)) if math.isfinite(top) and math.isfinite(start) else \
            seg.amplitude if not self._start_unseen(seg) else math.nan
        m = {"top_knee_deg": top,  # the less straight working leg
             "start_knee_deg": start,
             "range_deg": round(span, 1),
             "up_s": round(up_s, 2), "top_hold_s": round(top_s, 2), "down_s": round(down_s, 2),
             "hip_deg": round(float(np.median(hips)), 1) if hips else math.nan}
        return m

    def _start_knee_deg(self, side: str, seg: RepSegment) -> float:
        """The bent knee the lift set off from, as a 3-D joint angle: the median over the
        START_HELD_S before the rise began (the planar signal reads a shank tucked under the seat,
        or tilted in depth, as less bent: 110-118 for a true 90 on the side sample)."""
        if self._start_unseen(seg):
            return math.nan
        got = [k for t, k in self._knee_3d.get(side, ())
               if seg.start_t_s - START_HELD_S <= t <= seg.start_t_s and math.isfinite(k)]
        return float(np.median(got)) if got else seg.start_value

    def _start_unseen(self, seg: RepSegment) -> bool:
        """The clip began within START_HELD_S before the rise: where the lift set off from was not seen (a
        clip cut mid-lift read "knees at the start 38°, range 140°" from its first frames, and that range
        became the best the whole reps fell short of)."""
        first = self._first_seen_t
        return first is not None and seg.start_t_s - START_HELD_S < first - 1e-6

    def rep_faults(self, rep: Rep, segs: dict[str, RepSegment], at_end: bool) -> list[Fault]:
        c, m, out = self.cfg, rep.metrics, []
        if m["top_knee_deg"] < c.lockout_knee_deg:
            out.append(Fault("incomplete_lockout", f"Straighten your knee fully at the top: "
                                                   f"{180 - m['top_knee_deg']:.0f}° short"))
        fast = too_fast(rep, c, m["up_s"], m["down_s"])
        if fast:
            out.append(fast)
        elif m["down_s"] < c.min_down_over_up * m["up_s"]:
            out.append(Fault("fast_lowering", f"Lower slowly: {m['down_s']:.1f} s down vs {m['up_s']:.1f} s up"))
        side = max(segs, key=lambda sd: segs[sd].amplitude)
        seg = segs[side]
        if not at_end and not seg.lowered_fully and \
                seg.end_value - seg.start_value > c.incomplete_lowering_fraction * seg.amplitude:
            out.append(Fault("incomplete_lowering", "Lower your leg all the way down"))
        if math.isfinite(m["hip_deg"]) and m["hip_deg"] > c.max_hip_deg:
            out.append(Fault("seat_back", "Sit forward a little: lean off the backrest"))
        return out

    def low_range_fault(self, rep: Rep, best: float) -> Fault:
        return Fault("low_rise", f"Lift higher: {best - rep.metrics['range_deg']:.0f}° less than your best")

    def summary(self) -> dict:
        tops = finite(r.metrics.get("top_knee_deg") for r in self.reps)
        return {"best_top_knee_deg": round(max(tops), 1) if tops else None}
