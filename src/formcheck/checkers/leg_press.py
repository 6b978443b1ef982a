"""Leg press (sled or seated machine; side view for depth, front view for the knees).

Signal: knee bend (180° minus the knee angle) per leg, the knee angle from the thigh's and
the shank's vertical extents (`body.measures.knee_deg`, depth-free). A rep is a bend (sled lowered)
and a press back out, starting from the legs extended; both legs together are one rep.

Side-on (the view to film a leg press in) the knee angle is the plain image angle, which the
rendered side clip confirms (bottoms 97-99° for a true 90°, tops 173-175° for 170°). Known
limitation at 3/4: the sled plate hides the legs; for ~0.4 s at the bottom of some reps the knee
landmark fell 20-31 px toward the hip-ankle line and the signal snapped nearly straight,
splitting reps (the synthetic xfail test in tests/test_checkers_leg_press.py reproduces it). A knee
angle from the hip-ankle distance (law of cosines) was measured worse there (near leg: r = 0.50-0.54
against the truth vs 0.79 for this rule), because the ankle hidden behind the plate sits 40-70 px
up the shin. The camera check asks for a side view.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.signals.counting import RepSegment
from formcheck.body.geometry import angle_deg
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import PoseSample
from formcheck.checkers import register
from formcheck.body.measures import BoneLengths, elevation_deg, knee_deg, leg_seen
from formcheck.checkers.kit.side_reps import RepFrame, SideRepChecker, SideRepConfig, finite, too_fast
from formcheck.checkers.base import Event, EventKind, Fault, Rep
from formcheck.body.posture import SEATED
from formcheck.setup.features import SEATED_KNEE_RANGE_DEG, Features


# Leg press, not leg extension: both thighs swing more than this with the knee (the whole leg
# pushes); a leg extension keeps the thigh on the seat.
LEG_PRESS_THIGH_RANGE_DEG = 20.0


@dataclass(frozen=True)
class LegPressConfig(SideRepConfig):
    # A leg press bends the knee ~70-90° (from nearly straight to about a right angle); a bend
    # under a third of that is not a rep (resting jitter of this signal is ~5-10°, measured).
    min_swing: float = 25.0
    # Still = the knee moves less than half the smallest rep.
    still_range: float = 12.0
    # On the machine: the thigh is raised at least this far from hanging (hips flexed on the
    # seat; a standing person's thigh is at 5-15°), in the start position and through every rep.
    seated_thigh_deg: float = 40.0
    # Start position: legs pressed out, knees straighter than this.
    start_knee_deg: float = 130.0
    # Depth: the usual cue is to lower until the knees are bent to about a right angle; a
    # bottom more than 20° short of that (over 110°) is a shallow rep.
    shallow_knee_deg: float = 110.0
    # Lockout snap: the knees should keep a slight bend at the top; 175° and over is locked
    # straight (the few degrees left are the landmarks' error at a straight knee).
    locked_knee_deg: float = 175.0
    # Knees caving: knee-to-ankle separation ratio (knees' distance over ankles' distance)
    # under 0.8 at the bottom; the frontal-plane screening cut used for knee valgus
    # (Barber-Westin et al. 2005, drop-jump KASR). Front or oblique view only: side-on the
    # separation is depth, the coordinate the model guesses.
    min_knee_ankle_ratio: float = 0.8
    # Incomplete lockout: the press stops this far short of the person's usual top in the set
    # (the median rep start; their own start position counts). Above this signal's resting jitter
    # (~5-10°) by half again, and under the clearly visible shortfall it is meant to catch (the
    # knee staying at ~150° instead of ~170°): a bar equal to that shortfall flipped with 0.1° of
    # landmark noise (the rendered 20° short press read 20.0° at 30 fps and 19.9° at 10 fps).
    short_press_deg: float = 15.0


@register
class LegPressChecker(SideRepChecker):
    exercise = "leg_press"
    title = "Leg press"
    config_class = LegPressConfig
    checks = ("counts each lowering and press (both legs or one)", "depth: knees bent to about a right angle",
              "presses all the way out (back to your start position)",
              "knees track over the toes (front view)", "soft knees at the top (no locking out)",
              "tempo (not too fast)")
    best_views = ("side", "front", "oblique")
    bar_label = "Knee bend"
    first_phase_metric = "lower_s"  # a press starts at the top, lowering
    range_metric = "depth_deg"  # "as deep as your best" compares depth, not the distance from a short top
    ready_text = "Sit in the machine, legs pressed out, and hold still"
    go_text = "Ready: lower the weight"
    cfg: LegPressConfig

    recognition_rank = 10

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == SEATED and f.knee_range_deg > SEATED_KNEE_RANGE_DEG and f.thigh_range_deg > LEG_PRESS_THIGH_RANGE_DEG:
            return "seated, the whole leg pushing out and back"
        return None

    def __init__(self, config: dict | LegPressConfig | None = None) -> None:
        super().__init__(config)
        self.bones = BoneLengths()
        self._found_late: list[tuple[Rep, str, float]] = []  # (earlier rep, fault code, when found)

    def measure(self, s: PoseSample) -> tuple[dict[str, float], dict[str, float]]:
        values, extra = {}, {}
        for sd in SIDES:
            leg = LEG[sd]
            extra[f"knee_deg.{sd}"] = extra[f"thigh_deg.{sd}"] = math.nan
            if not leg_seen(s, sd, "hip", "knee", "ankle", min_visibility=self.cfg.min_visibility):
                continue
            if self.view.view == "side":
                # side-on the leg moves in the picture's plane, so the plain image angle is true;
                # the depth-free elevation rule misreads a press, whose bent thigh and shank lie on
                # opposite sides of vertical (a 90° bottom read 122° on the rendered side clip)
                extra[f"knee_deg.{sd}"] = angle_deg(s.px(leg["hip"]), s.px(leg["knee"]), s.px(leg["ankle"]))
                knee_deg(s, sd, self.bones)  # keeps the bone lengths the thigh elevation uses
            else:
                extra[f"knee_deg.{sd}"] = knee_deg(s, sd, self.bones)
            values[sd] = 180.0 - extra[f"knee_deg.{sd}"]
            extra[f"thigh_deg.{sd}"] = elevation_deg(s, leg["hip"], leg["knee"], self.bones.get(f"thigh.{sd}"))
        extra["knee_ankle_ratio"] = math.nan
        if all(leg_seen(s, sd, "knee", "ankle", min_visibility=self.cfg.min_visibility) for sd in SIDES):
            ankles = float(np.linalg.norm(s.world(LEG["left"]["ankle"]) - s.world(LEG["right"]["ankle"])))
            knees = float(np.linalg.norm(s.world(LEG["left"]["knee"]) - s.world(LEG["right"]["knee"])))
            if ankles > 0.05:
                extra["knee_ankle_ratio"] = knees / ankles
        return values, extra

    def in_posture(self, extra: dict[str, float]) -> bool:
        thighs = finite(extra.get(f"thigh_deg.{sd}") for sd in SIDES)
        return bool(thighs) and max(thighs) >= self.cfg.seated_thigh_deg

    def in_position(self, extra: dict[str, float]) -> str | None:
        thighs = finite(extra.get(f"thigh_deg.{sd}") for sd in SIDES)
        if not thighs or max(thighs) < self.cfg.seated_thigh_deg:
            return "Sit in the machine to start"
        knees = finite(extra.get(f"knee_deg.{sd}") for sd in SIDES)
        if not knees or min(knees) < self.cfg.start_knee_deg:
            return "Start with your legs pressed out"
        return None

    def update(self, t_ms: float, sample) -> list[Event]:
        return self._say_late(super().update(t_ms, sample))

    def finish(self, t_ms: float) -> list[Event]:
        events = self._say_late(super().finish(t_ms))
        if self.reps:  # no next rep shows where the last press ended: read it after the rep
            last = self.reps[-1]
            frames = self.frames_between(last.peak_s, last.end_s + LAST_TOP_WINDOW_S)
            tops = finite(max((f.extra.get(f"knee_deg.{sd}", math.nan) for sd in SIDES), key=_nan_low)
                          for f in frames)
            if tops:
                last.metrics["top_knee_deg"] = round(float(np.percentile(tops, 90)), 1)
        return events

    def _say_late(self, events: list[Event]) -> list[Event]:
        """A press that stopped short is seen only when the next rep starts bent: the fault is that
        earlier rep's, so it is said now, after the new rep's count, naming the rep (else it would
        never be heard live). The event carries the rep, so a saved copy can be updated."""
        found, self._found_late = self._found_late, []
        for prev, code, t_s in found:
            fault = next(f for f in prev.faults if f.code == code)
            text = f"Rep {prev.index}: {fault.message[:1].lower()}{fault.message[1:]}"
            self._state.latest_cue = text
            events.append(Event(EventKind.CUE, t_s, text, rep=prev, code=fault.code))
        return events

    def accept(self, side: str, seg: RepSegment, frames: list[RepFrame]) -> bool:
        """On the machine through the rep: a knee bend with the thigh hanging is a squat."""
        thighs = finite(f.extra.get(f"thigh_deg.{side}") for f in frames)
        return not thighs or float(np.percentile(thighs, 10)) >= self.cfg.seated_thigh_deg

    def rep_metrics(self, segs: dict[str, RepSegment], frames: list[RepFrame]) -> dict[str, float]:
        side = max(segs, key=lambda sd: segs[sd].amplitude)
        seg = segs[side]
        down_s, bottom_s, up_s = self.phase_times(side, seg, frames)
        knees = {sd: finite(f.extra.get(f"knee_deg.{sd}") for f in frames) for sd in segs}
        bottom = [f for f in frames if abs(f.t_s - seg.peak_t_s) <= 0.25]
        ratios = finite(f.extra.get("knee_ankle_ratio") for f in bottom)
        return {"bottom_knee_deg": round(max(min(k) for k in knees.values() if k), 1),  # the shallower leg
                # where the press ended (the straighter leg; counter's valleys, smoothed). Known for
                # sure only when the next rep starts (rep_faults then sets it); until then the
                # straighter of the rep's two ends
                "top_knee_deg": round(180.0 - min(min(g.start_value, g.end_value) for g in segs.values()), 1),
                # where the rep started (the previous press's top, or the start position)
                "start_knee_deg": round(180.0 - min(g.start_value for g in segs.values()), 1),
                "depth_deg": round(180.0 - max(min(k) for k in knees.values() if k), 1),
                "range_deg": round(seg.amplitude, 1),
                "lower_s": round(down_s, 2), "bottom_hold_s": round(bottom_s, 2), "press_s": round(up_s, 2),
                "knee_ankle_ratio": round(min(ratios), 2) if ratios else math.nan}

    def rep_faults(self, rep: Rep, segs: dict[str, RepSegment], at_end: bool) -> list[Fault]:
        c, m, out = self.cfg, rep.metrics, []
        if m["bottom_knee_deg"] > c.shallow_knee_deg:
            out.append(Fault("shallow", f"Go deeper: bend your knees to about a right angle "
                                        f"({m['bottom_knee_deg'] - 90:.0f}° to go)"))
        ratio = m["knee_ankle_ratio"]
        if self.view.view != "side" and math.isfinite(ratio) and ratio < c.min_knee_ankle_ratio:
            out.append(Fault("knees_caving", "Push your knees out over your toes"))
        # A press that stops short shows at the start of the next rep (it starts bent), or, for
        # the last rep, where the rep settled short of its own start.
        earlier = [r for r in self.reps if r is not rep and r.index < rep.index]
        # the person's usual top: the median start, so neither one locked-out rep nor one short
        # press moves the reference
        usual_top = float(np.median([r.metrics.get("start_knee_deg", 0.0) for r in earlier] + [m["start_knee_deg"]]))
        if earlier:
            # the previous press ended where this rep starts: its top, its faults (said now, see
            # _say_late), so its figures and corrections are its own and not this rep's
            prev = earlier[-1]
            prev.metrics["top_knee_deg"] = m["start_knee_deg"]
            late = []
            if m["start_knee_deg"] < usual_top - c.short_press_deg:
                late.append(_short_press(m["start_knee_deg"], usual_top))
            if m["start_knee_deg"] >= c.locked_knee_deg:
                late.append(_snap())
            for fault in late:
                if not any(f.code == fault.code for f in prev.faults):
                    prev.faults.append(fault)
                    self._found_late.append((prev, fault.code, rep.end_s))
        lowest_end = min(g.end_value for g in segs.values())
        if not at_end and not any(g.lowered_fully for g in segs.values()) \
                and 180.0 - lowest_end < usual_top - c.short_press_deg:
            out.append(_short_press(180.0 - lowest_end, usual_top))
        if 180.0 - lowest_end >= c.locked_knee_deg or (not earlier and m["start_knee_deg"] >= c.locked_knee_deg):
            out.append(_snap())  # this rep's own end (its start is the previous rep's top)
        fast = too_fast(rep, c, m["lower_s"], m["press_s"])
        if fast:
            out.append(fast)
        return out

    def low_range_fault(self, rep: Rep, best: float) -> Fault:
        return Fault("low_rise", f"Go as deep as your best: {best - rep.metrics['depth_deg']:.0f}° less bend")

    def summary(self) -> dict:
        b = finite(r.metrics["bottom_knee_deg"] for r in self.reps)
        return {"deepest_knee_deg": round(min(b), 1) if b else None}


# The last press's top is read from the frames up to this long after the rep closes (the counter
# closes a rep before the knee is fully out; the leg stays pressed out a moment after the set).
LAST_TOP_WINDOW_S = 1.0


def _nan_low(v: float) -> float:
    return -math.inf if not math.isfinite(v) else v


def _snap() -> Fault:
    return Fault("lockout_snap", "Keep a slight bend at the top: don't snap your knees straight")


def _short_press(stopped_deg: float, start_deg: float) -> Fault:
    return Fault("incomplete_lockout", f"Press all the way out: your knees stopped at {stopped_deg:.0f}°, "
                                       f"{start_deg:.0f}° at your start")
