"""Seated calf raise (both feet or one; side or oblique view).

Signal: the floor calf raise's heel lift (heel above toe over the shank's image length,
`body.measures.heel_lift_shank`), in % of the shank, per foot; height in cm from the metric shank
length. The toes stay on the floor, so a rise of it is the heel rising. Both feet rising
together are one rep. The seat is checked too: thighs level (hips about as high as the
knees) and knees bent near a right angle, as the exercise is set up.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.signals.counting import RepSegment
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import PoseSample
from formcheck.checkers import register
from formcheck.body.measures import BoneLengths, elevation_deg, heel_lift_shank, knee_3d_deg, knee_deg, leg_seen
from formcheck.body.heel_rise import body_height_px, heel_rise_cm, rise_over
from formcheck.body.scale import ShankScale
from formcheck.checkers.kit.side_reps import RepFrame, SideRepChecker, SideRepConfig, finite, too_fast
from formcheck.checkers.base import Fault, Rep
from formcheck.body.posture import SEATED
from formcheck.body.view import View
from formcheck.setup.features import Features


# Seated calf raise: the knees rise by at least 5 % of the shin while the knee angle stays.
SEATED_RISE_SHANK = 0.05

# Seated calf raise, not ankle work: the knee's own rise carries at least half of the toe's motion
# relative to the knee (the toe stays on the platform while the knee goes up: real machine clips
# 0.85-0.9; a foot pointing and flexing under a still knee 0.2 on the real ankle clip).
KNEE_CARRIES_FOOT = 0.5


@dataclass(frozen=True)
class SeatedCalfRaiseConfig(SideRepConfig):
    # Smallest heel lift that can be a rep: 5 % of the shank (~2 cm), as for the floor calf
    # raise; the heel-toe jitter of a still foot is ~1 % (measured on still frames).
    min_swing: float = 5.0
    # Still = the lift moves less than half the smallest rep.
    still_range: float = 2.5
    # Seated: thigh at least this far from hanging down (level thigh = 90°, standing ~5-15°).
    seated_thigh_deg: float = 55.0
    # Thigh level (hip ~ knee height): within 15° of level. A 15° tilt of a 43 cm thigh is an
    # 11 cm height difference between hip and knee, a clearly wrong seat height.
    max_thigh_tilt_deg: float = 15.0
    # Knee ~ 90°: within 15° of a right angle (the usual set-up cue; further and the load
    # moves off the calf: a straighter knee loads the thigh, a tucked foot shortens the lift).
    max_knee_off_right_deg: float = 15.0
    # Incomplete lowering: the heel stays up by more than this share of the rep's height.
    incomplete_lowering_fraction: float = 0.25
    # A rep lifts the knee with the heel (the shank rides on the foot lever, body.heel_rise): the
    # knee's rise must show a heel rise of at least this (cm), where the knee is seen. A heel landmark
    # that jumps for a moment moves no knee: on the rear-oblique machine clip analysed at 30 fps the
    # heel jumped 10-15 % of the shank for 0.4 s before the real rise and was counted as a rep.
    min_rise_cm: float = 2.0
    # ... and where the knee is seen to confirm it, a heel lift from this (% of the shank, 3-4 sd of a
    # still foot's heel-toe jitter) can be a rep: the model's heel reads a 4.8 cm rise as 3-5 % head-on
    # and at 3/4 (truth set), under the 5 % floor, so half-height reps went uncounted.
    confirmed_min_swing: float = 2.0


@register
class SeatedCalfRaiseChecker(SideRepChecker):
    exercise = "seated_calf_raise"
    upright_body = True
    title = "Seated calf raise"
    config_class = SeatedCalfRaiseConfig
    signal_unit = "cm"
    checks = ("counts each heel rise (both feet or one)", "heel height in cm and against your best rep",
              "heels lowered all the way", "tempo (not too fast)",
              "seat not too low (knees no higher than the hips)", "knees bent at about a right angle")
    best_views = ("side", "oblique")
    bar_label = "Heel height"
    range_metric = "peak_height_cm"
    ready_text = "Sit still, feet flat and in view"
    go_text = "Ready: lift your heels"
    cfg: SeatedCalfRaiseConfig

    recognition_rank = 30

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == SEATED and f.knee_rise_shank > SEATED_RISE_SHANK \
                and f.knee_rise_shank >= KNEE_CARRIES_FOOT * f.foot_move_shank:
            return "seated, knees rising as the heels lift"
        return None

    def __init__(self, config: dict | SeatedCalfRaiseConfig | None = None) -> None:
        super().__init__(config)
        self.bones = BoneLengths()
        self.scale = ShankScale(min_visibility=self.cfg.min_visibility)  # heights in cm
        for counter in self.counters.values():  # the knee confirms (accept): a lower floor
            counter.set_floor(self.cfg.confirmed_min_swing)

    @property
    def shank_cm(self) -> float:
        return self.scale.cm

    def measure(self, s: PoseSample) -> tuple[dict[str, float], dict[str, float]]:
        values, extra = {}, {}
        for sd in SIDES:
            leg = LEG[sd]
            extra[f"knee_deg.{sd}"] = extra[f"thigh_deg.{sd}"] = extra[f"knee_3d_deg.{sd}"] = math.nan
            got = heel_lift_shank(s, sd, self.cfg.min_visibility)
            if got is None:
                continue
            values[sd] = 100.0 * got[0]
            self.scale.update(s, (sd,))
            extra[f"knee_y_px.{sd}"] = body_height_px(s, sd, True, self.cfg.min_visibility)
            if leg_seen(s, sd, "hip", min_visibility=self.cfg.min_visibility):
                extra[f"knee_deg.{sd}"] = knee_deg(s, sd, self.bones)
                extra[f"knee_3d_deg.{sd}"] = knee_3d_deg(s, sd)
                extra[f"thigh_deg.{sd}"] = elevation_deg(s, leg["hip"], leg["knee"], self.bones.get(f"thigh.{sd}"))
        return values, extra

    def display_value(self, side: str, value: float) -> float:
        return value / 100.0 * self.shank_cm

    def in_position(self, extra: dict[str, float]) -> str | None:
        thighs = finite(extra.get(f"thigh_deg.{sd}") for sd in SIDES)
        if not thighs or max(thighs) < self.cfg.seated_thigh_deg:
            return "Sit down, feet flat on the floor, to start"
        return None

    def accept(self, side: str, seg: RepSegment, frames: list[RepFrame]) -> bool:
        """Seated through the rep: standing up lifts the heels too, but the thigh drops."""
        thighs = finite(f.extra.get(f"thigh_deg.{side}") for f in frames)
        if thighs and float(np.percentile(thighs, 10)) < self.cfg.seated_thigh_deg:
            return False
        rise_cm = self._knee_rise_cm(side, frames)
        ok = rise_cm >= self.cfg.min_rise_cm if math.isfinite(rise_cm) else seg.amplitude >= self.cfg.min_swing
        if not ok:
            self.counters[side].forget_last()
        return ok

    def _knee_rise_cm(self, side: str, frames: list[RepFrame]) -> float:
        """The heel rise (cm) that the knee's rise over these frames shows (body.heel_rise); NaN unseen."""
        knee = [f.extra.get(f"knee_y_px.{side}", math.nan) for f in frames]
        seen = [k for k in knee if math.isfinite(k)]
        if len(seen) < 2 or not (self.scale.px > 0 and self.shank_cm > 0):
            return math.nan
        ts = [f.t_s for f, k in zip(frames, knee) if math.isfinite(k)]
        return heel_rise_cm(rise_over(ts, seen, min(seen[0], seen[-1])), self.scale.px, self.shank_cm)

    def rep_metrics(self, segs: dict[str, RepSegment], frames: list[RepFrame]) -> dict[str, float]:
        side = max(segs, key=lambda sd: segs[sd].amplitude)
        seg = segs[side]
        up_s, top_s, down_s = self.phase_times(side, seg, frames)
        # the knee as a 3-D joint angle (a median over the rep: one frame's depth can flicker)
        knees = finite(f.extra.get(f"knee_3d_deg.{sd}") for f in frames for sd in segs)
        planar = finite(f.extra.get(f"knee_deg.{sd}") for f in frames for sd in segs)
        # the seat is judged where the rep starts and ends, heels down (the lowest quarter of the lift):
        # the thigh tilts up as the knee rises (the model's head-on thigh swung 20° over a rep), so a
        # median over the whole rep moved with where the rep was cut
        low = seg.start_value + 0.25 * seg.amplitude
        bottom = [f for f in frames if math.isfinite(f.smooth.get(side, math.nan)) and f.smooth[side] <= low]
        thighs = finite(f.extra.get(f"thigh_deg.{sd}") for f in (bottom or frames) for sd in segs)
        # the height from the knee's rise on the foot lever (the model's heel reads 2.6 cm low on the
        # truth set); the heel lift where the knee is unseen
        # (each heel by its own knee's rise; the rep's height is the heel that rose most)
        heights = {sd: self._knee_rise_cm(sd, frames) for sd in segs}
        heights = {sd: h if math.isfinite(h) else self.display_value(sd, segs[sd].amplitude)
                   for sd, h in heights.items()}
        height_cm = max(heights.values())
        m = {"peak_height_cm": round(height_cm, 2),
             "up_s": round(up_s, 2), "down_s": round(down_s, 2), "top_hold_s": round(top_s, 2),
             # not reported head-on: the shank and thigh point at the camera and the 3-D knee is the
             # model's depth guess (truth set: 12-23° off head-on, within 7.5° from the side and at 3/4)
             "knee_deg": round(float(np.median(knees)), 1) if knees and self.view.view != View.FRONT else math.nan,
             # the picture's knee angle, kept for the record: it read the truth set's 88° knees as 96-110°
             # from the side and at 3/4 (the knee_angle fault fired on 11 of 16 set-ups that were right)
             "knee_planar_deg": round(float(np.median(planar)), 1) if planar else math.nan,
             "thigh_tilt_deg": round(float(np.median(thighs)) - 90.0, 1) if thighs else math.nan}
        if len(segs) == 2:
            for sd, h in heights.items():
                m[f"{sd}_height_cm"] = round(h, 2)
        return m

    def rep_faults(self, rep: Rep, segs: dict[str, RepSegment], at_end: bool) -> list[Fault]:
        c, m, out = self.cfg, rep.metrics, []
        side = max(segs, key=lambda sd: segs[sd].amplitude)
        seg = segs[side]
        if not at_end and not seg.lowered_fully and \
                seg.end_value - seg.start_value > c.incomplete_lowering_fraction * seg.amplitude:
            out.append(Fault("incomplete_lowering", "Lower your heels all the way down"))
        fast = too_fast(rep, c, m["up_s"], m["down_s"])
        if fast:
            out.append(fast)
        if self.view.view == View.FRONT:
            # head-on the thigh and the shank point at the camera: the knee angle in the picture and
            # the thigh's tilt in depth are guesses (the real Smith clip flipped its seat fault on
            # 1.6° of tilt as the rep's first frame moved 0.5 s; the truth set's head-on 3-D knee
            # reads 12-23° off)
            return out
        tilt = m["thigh_tilt_deg"]
        if math.isfinite(tilt) and tilt > c.max_thigh_tilt_deg:
            # knee above the hip: the seat is too low. The other way (knee below the hip) is not judged:
            # the model's thigh reads level thighs 4-14° knee-down from the side and at 3/4 and 18-25°
            # head-on (truth set), so "sit lower" would mostly be its error; its bias never makes a
            # level thigh look knee-up
            out.append(Fault("seat_height", "Sit higher: your knees are above your hips"))
        knee = m["knee_deg"]  # 3-D: within 7.5° of the truth set's knees from the side and at 3/4 but one
        if math.isfinite(knee) and abs(knee - 90.0) > c.max_knee_off_right_deg:
            out.append(Fault("knee_angle", "Move your feet back: bend your knees to a right angle" if knee > 90
                             else "Move your feet forward: bend your knees to a right angle"))
        return out

    def low_range_fault(self, rep: Rep, best: float) -> Fault:
        return Fault("low_rise", f"Rise higher: {best - rep.metrics['peak_height_cm']:.0f} cm below your best")

    def summary(self) -> dict:
        h = finite(r.metrics["peak_height_cm"] for r in self.reps)
        return {"best_height_cm": round(max(h), 2) if h else None,
                "mean_height_cm": round(float(np.mean(h)), 2) if h else None,
                "shank_length_cm": round(self.shank_cm, 1)}
