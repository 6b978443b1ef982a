"""Ankle point and flex (seated or lying; side view best): cycles, angles per foot, hold time.

Signal: the foot's angle to the shank, per foot, as plantarflexion in degrees (0 = foot at
a right angle to the shank, + = toes pointed away, - = toes pulled up, i.e. dorsiflexion),
between the shank (knee->ankle) and the foot (heel->toe tip). Both move in the leg's sagittal
plane, so unless the camera looks at the person from the front, the angle is taken from the
IMAGE landmarks with that plane rectified by the body's yaw (`_sagittal_px`): the model's metric
world landmarks hold the foot at a fixed pose in long sitting (on the rendered side-view clip
the world foot-to-shank angle stayed at 27 +- 2° while the foot pointed 53° and the image heel
and toe followed it within ~10 px). From the front the sagittal plane is edge-on and the
image angle means nothing, so there the world landmarks are used. The model's foot turns only
~3/4 of the true turn, so the reported angles are that reading scaled back (`body.ankle`). One cycle is a point
and a flex back; both feet together are one cycle. Each cycle is rated against the normal
range of motion: 20° of dorsiflexion and 50° of plantarflexion (AAOS; Norkin & White).
The foot is short and often points at the camera, so the angles are rough (+-7° on rendered bodies) and
the rules below only flag clear shortfalls.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.signals.counting import RepSegment
from formcheck.body.ankle import plantarflexion_deg
from formcheck.body.geometry import angle_deg
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import PoseSample
from formcheck.body.view import View
from formcheck.checkers import register
from formcheck.body.measures import BoneLengths, elevation_deg, knee_deg, leg_seen
from formcheck.checkers.kit.side_reps import RepFrame, SideRepChecker, SideRepConfig, finite, too_fast
from formcheck.checkers.base import CheckResult, Event, Fault, Rep
from formcheck.body.posture import SEATED
from formcheck.setup.features import FOOT_MOVE_SHANK, Features

# At 3/4 the model's foot is read 20-28° more pointed at both ends on the rendered clip, and the two feet
# differ by ~24° (truth_set/angles/ankle_flexion_oblique_b1; side-on: within 7.3°); head-on the foot
# turns toward the camera, in depth, which the model reads worst (no rendered truth there). So degrees
# are given side-on only, with the rating against the normal range; otherwise the cycles, their tempo
# and "below your best" (on the model's own reading) stay.
AT_AN_ANGLE_WARNING = ("Not filmed side-on: your cycles are counted, but how far your foot points and pulls "
                       "up needs the camera side-on (at an angle the degrees can be 20-30° off)")

NORMAL_DORSIFLEXION_DEG = 20.0  # AAOS normal active range
NORMAL_PLANTARFLEXION_DEG = 50.0


def _pct(deg: float, normal_deg: float) -> float:
    """Degrees as a whole % of the normal range (NaN when no degrees are given)."""
    return round(100 * max(deg, 0.0) / normal_deg) if math.isfinite(deg) else math.nan


@dataclass(frozen=True)
class AnkleFlexionConfig(SideRepConfig):
    # A point-and-flex cycle spans up to ~70° (20° up + 50° down). Under 15° is not a cycle: a
    # still seated foot's reading stays within `still_range` (10°), and a standing foot, which
    # wobbles by up to ~15° as the weight shifts (the real standing clips), is turned away by
    # `min_thigh_deg`. A small cycle of a stiff ankle (the rendered half cycles: 11° pointed, 15°
    # pulled up, true range 26°) reads 16-19° here, as the model's foot turns ~3/4 as far; at 20°
    # they went uncounted on 2 of 3 bodies.
    min_swing: float = 15.0
    still_range: float = 10.0
    # Only the foot moves: a cycle during which the knee angle or the shin's tilt changes by
    # more than this is a leg exercise (squat, lunge, kick), not an ankle one.
    max_leg_motion_deg: float = 20.0
    # Seated or lying: the thigh is raised at least this far from hanging (sitting or lying it
    # is at ~90°; a standing person's thigh is at 5-15°, measured 6-15° on the real standing
    # clips). A foot-to-shank swing of a standing person is a calf raise or a squat (the foot
    # loaded on the floor), not a point-and-flex of a free foot. Same cut as the leg press's.
    min_thigh_deg: float = 40.0
    # Rated against the normal range: under half of it is a clear shortfall (the landmarks'
    # own error on a foot is ~10°, so a tighter rule would cue people with normal ankles).
    min_point_deg: float = NORMAL_PLANTARFLEXION_DEG / 2
    min_flex_deg: float = NORMAL_DORSIFLEXION_DEG / 2


@register
class AnkleFlexionChecker(SideRepChecker):
    exercise = "ankle_flexion"
    title = "Ankle point and flex"
    config_class = AnkleFlexionConfig
    checks = ("counts each point-and-flex cycle, per foot", "how far the toes point and pull up (degrees)",
              "against the normal range (20° up, 50° down)", "hold time at the pointed end",
              "tempo (not too fast)")
    best_views = ("side",)  # the degrees: at 3/4 the cycles are counted but the angles are not given
    bar_label = "Toes pointed"
    range_metric = "plantarflexion_deg"  # "below your best" compares how far the toes point
    ready_text = "Hold your foot still, foot and knee in view"
    go_text = "Ready: point your toes, then pull them up"

    recognition_rank = 50

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == SEATED and f.foot_move_shank > FOOT_MOVE_SHANK:
            return "seated, a foot moving at the ankle"
        return None

    def __init__(self, config: dict | AnkleFlexionConfig | None = None) -> None:
        super().__init__(config)
        self.bones = BoneLengths()
        # 1/sin(body yaw) when the foot angle is read in the image (not a front view), else None;
        # fixed once the set starts so the signal cannot change source mid-set
        self._stretch: float | None = None
        # degrees are given only where they are true: not at 3/4 (AT_AN_ANGLE_WARNING); fixed with _stretch
        self.degrees_shown = True

    def _sagittal_px(self, s: PoseSample, a: int, b: int) -> np.ndarray:
        """Image vector a->b rectified onto the leg's sagittal plane: a body turned by yaw from
        the camera shows that plane's forward axis shortened by sin(yaw) (weak perspective)."""
        v = s.px(b) - s.px(a)
        return np.array([v[0] * self._stretch, v[1]])

    def measure(self, s: PoseSample) -> tuple[dict[str, float], dict[str, float]]:
        values, extra = {}, {}
        if not self.ready:
            yaw = self.view.yaw_deg
            side_on = self.view.view in (View.SIDE, View.OBLIQUE)
            self._stretch = 1.0 / math.sin(math.radians(min(yaw, 90.0))) if side_on else None
            self.degrees_shown = self.view.view == View.SIDE
            self.range_metric = "plantarflexion_deg" if self.degrees_shown else "point_reading_deg"
            self._state.bar_label = self.bar_label if self.degrees_shown else ""  # no bar in degrees that are not true
        for sd in SIDES:
            leg = LEG[sd]
            extra[f"knee_deg.{sd}"] = extra[f"shin_deg.{sd}"] = extra[f"thigh_deg.{sd}"] = math.nan
            if not leg_seen(s, sd, "knee", "ankle", "heel", "toe", min_visibility=self.cfg.min_visibility):
                continue
            self.bones.add(f"shank.{sd}", float(np.linalg.norm(s.world(leg["ankle"]) - s.world(leg["knee"]))))
            extra[f"shin_deg.{sd}"] = elevation_deg(s, leg["knee"], leg["ankle"], self.bones.get(f"shank.{sd}"))
            if leg_seen(s, sd, "hip", min_visibility=self.cfg.min_visibility):
                extra[f"knee_deg.{sd}"] = knee_deg(s, sd, self.bones)
                extra[f"thigh_deg.{sd}"] = elevation_deg(s, leg["hip"], leg["knee"], self.bones.get(f"thigh.{sd}"))
            if self._stretch is not None:
                down = self._sagittal_px(s, leg["knee"], leg["ankle"])
                foot = self._sagittal_px(s, leg["heel"], leg["toe"])
            else:
                down = s.world(leg["ankle"]) - s.world(leg["knee"])
                foot = s.world(leg["toe"]) - s.world(leg["heel"])
            a = angle_deg(down, np.zeros_like(down), foot)  # between the two directions
            if math.isfinite(a):
                values[sd] = 90.0 - a
        return values, extra

    def accept(self, side: str, seg: RepSegment, frames: list[RepFrame]) -> bool:
        thighs = finite(f.extra.get(f"thigh_deg.{side}") for f in frames)
        if thighs and float(np.median(thighs)) < self.cfg.min_thigh_deg:
            return False  # standing: a calf raise or a squat
        for name in ("knee_deg", "shin_deg"):
            v = finite(f.extra.get(f"{name}.{side}") for f in frames)
            if v and np.ptp(v) > self.cfg.max_leg_motion_deg:
                return False
        return True

    def rep_metrics(self, segs: dict[str, RepSegment], frames: list[RepFrame]) -> dict[str, float]:
        side = max(segs, key=lambda sd: segs[sd].amplitude)
        seg = segs[side]
        up_s, top_s, down_s = self.phase_times(side, seg, frames)
        vals = finite(f.smooth[side] for f in frames)
        point = max(vals) if vals else seg.peak_value
        after = finite(f.smooth[side] for f in frames if f.t_s >= seg.peak_t_s)
        # the flex that closes this cycle; it often comes after the counter has closed the
        # cycle, so it is completed when the next cycle starts or the set ends (_credit_flex)
        flex = -min(after + [seg.end_value])
        reading = point
        point, flex = plantarflexion_deg(point), -plantarflexion_deg(-flex)  # the model's reading -> degrees
        if not self.degrees_shown:
            point = flex = math.nan
        m = {"plantarflexion_deg": round(point, 1), "dorsiflexion_deg": round(flex, 1),
             "range_deg": round(point + flex, 1),
             "point_pct_of_normal": _pct(point, NORMAL_PLANTARFLEXION_DEG),
             "flex_pct_of_normal": _pct(flex, NORMAL_DORSIFLEXION_DEG),
             "up_s": round(up_s, 2), "point_hold_s": round(top_s, 2), "down_s": round(down_s, 2),
             # the model's own reading of the point: for comparing reps with each other only (not shown)
             "point_reading_deg": round(reading, 1)}
        if self.reps[:-1] and self.reps[-1].metrics == {}:  # a new cycle: the flex before it closes the last
            self._credit_flex(self.reps[-2], -seg.start_value)
        return m

    def _credit_flex(self, rep: Rep, read_flex_deg: float) -> None:
        """Credit a rep with the flex (the signal's reading, pulled-up positive) that closed it."""
        if not math.isfinite(rep.metrics.get("plantarflexion_deg", math.nan)):
            return  # a rep without degrees (not filmed side-on) gets none
        flex_deg = -plantarflexion_deg(-read_flex_deg)
        if flex_deg <= rep.metrics.get("dorsiflexion_deg", math.inf):
            return
        m = rep.metrics
        m["dorsiflexion_deg"] = round(flex_deg, 1)
        m["range_deg"] = round(m["plantarflexion_deg"] + flex_deg, 1)
        m["flex_pct_of_normal"] = _pct(flex_deg, NORMAL_DORSIFLEXION_DEG)
        if flex_deg >= self.cfg.min_flex_deg:
            rep.faults = [f for f in rep.faults if f.code != "limited_flex"]

    def finish(self, t_ms: float) -> list[Event]:
        events = super().finish(t_ms)
        if self.reps:  # the last cycle's flex: the lowest the foot went after its point
            last = self.reps[-1]
            sides = [last.side] if last.side else list(SIDES)
            after = finite(f.smooth[sd] for f in self._frames if f.t_s >= last.peak_s for sd in sides)
            if after:
                self._credit_flex(last, -min(after))
        return events

    def rep_faults(self, rep: Rep, segs: dict[str, RepSegment], at_end: bool) -> list[Fault]:
        c, m, out = self.cfg, rep.metrics, []
        if not self.degrees_shown:  # no degrees, no rating against the normal range: only the tempo
            fast = too_fast(rep, c, m["up_s"], m["down_s"])
            return [Fault("too_fast", "Slow down: point, hold a moment, then pull up")] if fast else []
        if m["plantarflexion_deg"] < c.min_point_deg:
            out.append(Fault("limited_point", f"Point your toes further: {m['plantarflexion_deg']:.0f}° "
                                              f"of about {NORMAL_PLANTARFLEXION_DEG:.0f}°"))
        if m["dorsiflexion_deg"] < c.min_flex_deg:
            out.append(Fault("limited_flex", f"Pull your toes up more: {max(m['dorsiflexion_deg'], 0):.0f}° "
                                             f"of about {NORMAL_DORSIFLEXION_DEG:.0f}°"))
        fast = too_fast(rep, c, m["up_s"], m["down_s"])
        if fast:
            out.append(Fault("too_fast", "Slow down: point, hold a moment, then pull up"))
        return out

    def low_range_fault(self, rep: Rep, best: float) -> Fault:
        if not self.degrees_shown:
            return Fault("low_rise", "Point further: not as far as your best")
        return Fault("low_rise", f"Point further: {best - rep.metrics['plantarflexion_deg']:.0f}° less than your best")

    def result(self) -> CheckResult:
        result = super().result()
        if any(not math.isfinite(r.metrics.get("plantarflexion_deg", math.nan)) for r in self.reps):
            result.warnings.append(AT_AN_ANGLE_WARNING)
            if not self.degrees_shown:
                result.signal_label = f"{self.bar_label} (the camera's reading, not degrees: film side-on)"
        return result

    def summary(self) -> dict:
        out: dict = {"point_hold_s": round(sum(r.metrics["point_hold_s"] for r in self.reps), 2)}
        for sd in SIDES:
            mine = [r for r in self.reps if r.side in (sd, None)]
            p = finite(r.metrics["plantarflexion_deg"] for r in mine)
            d = finite(r.metrics["dorsiflexion_deg"] for r in mine)
            out[f"best_plantarflexion_deg_{sd}"] = round(max(p), 1) if p else None
            out[f"best_dorsiflexion_deg_{sd}"] = round(max(d), 1) if d else None
        return out

