"""Standing hip abduction, resisted (band) or not: one leg lifts out to the side (front or oblique view).

Signal: each leg's angle out from hanging straight down (hip -> ankle) in the picture, stretched by
1/cos of the camera's yaw (`_counted`), so the same in a front and an oblique view; side-on,
its elevation from the metric world landmarks' vertical extent. Each leg counts on its own counter and reps are reported per side;
the standing leg barely moves and never counts. The abduction angle reported is the angle at
the hip (`body.abduction`): the leg's frontal-plane angle at the top of the lift (its sideways
travel in the picture stretched by the camera's yaw, `body.abduction.frontal_leg_deg`; the model's
world leg, `measures.leg_abduction_deg`, side-on) less the pelvis's own hike, the hip line's rise
corrected for the share the model's hip landmark rises with the lifted thigh.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.signals.counting import RepSegment
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import PoseSample
from formcheck.checkers import register
from formcheck.body.abduction import (MAX_PICTURE_YAW_DEG, frontal_leg_deg, hip_abduction_deg, pelvis_hike_deg,
                                      stretched_out_deg)
from formcheck.body.measures import (BoneLengths, elevation_deg, knee_deg, leg_abduction_deg, leg_out_px_deg,
                                     leg_seen, pelvis_tilt_deg, trunk_lean_deg)
from formcheck.checkers.kit.side_reps import RepFrame, SideRepChecker, SideRepConfig, finite, too_fast
from formcheck.checkers.base import Event, Fault, Rep
from formcheck.body.posture import STANDING
from formcheck.body.view import body_yaw_deg, camera_yaw_deg
from formcheck.setup.features import Features


# The top of a lift, where its angle is read: the frames within this of the leg's peak reading (the
# smoothed counting signal; 2° is under half the standing leg's wobble, so the band is the hold).
TOP_BAND_DEG = 2.0
# Hip abduction: the gap between the ankles changes by more than a hip width (2.8-3.4 hip widths
# on the real clips; calf raises 0.3-0.6).
ABDUCTION_RANGE_HIPW = 1.2
# The leg hanging before a lift, the zero of its angle in the picture: the frames in the rep's low band
# within this long before it starts (a rest between lifts is 0.5-2 s; the set's first lift has the
# still start before it).
HANGING_LOOKBACK_S = 1.5
# The camera's yaw: the median of the last this many frames' readings (10 s at 30 fps; one frame's
# reading wanders by ~3°).
YAW_FRAMES = 300
# ... and they must add up to this long, else the last lift's zero is kept (a clip that starts mid-lift
# has a few frames of the leg still coming down in that band: 9.6° on the real front clip's first lift)
MIN_HANGING_S = 0.3
# A lift with no hanging leg seen before it yet: a leg hanging straight down reads about 0° in the
# picture (-4° to +2° on the rendered and real front and 3/4 clips).
HANGING_LEG_PX_DEG = 0.0


@dataclass(frozen=True)
class HipAbductionConfig(SideRepConfig):
    # Normal hip abduction is ~45° (AAOS; Norkin & White); a standing lift is usually 25-45°.
    # Under 12° is not a rep: the standing leg's elevation wobbles by ~5° (measured on the clips).
    min_swing: float = 12.0
    # Standing: both knees straighter than this (a seated or squatting person is not in position),
    # and through every rep: a leg swing with a knee bent further is a squat, lunge or step.
    standing_knee_deg: float = 140.0
    # Start position: both legs hanging, within this of vertical (a straight standing leg reads
    # 5-15°; a leg held out at the top of a lift reads 40°+).
    hanging_leg_deg: float = 25.0
    # Standing tall on straight legs with both feet down is already a strong start gate, so
    # stillness only needs a few frames (0.1 s = 3 frames at 30 fps): a set that starts at once
    # still counts its first lift (the real front clip's first lift begins 0.1 s in).
    ready_still_s: float = 0.1
    # Trunk lean: sideways lean growing by more than this during a rep. Lateral trunk lean is the
    # classic compensation for weak abductors (Trendelenburg); 10° is about twice the lean
    # wobble of an upright person here and clearly visible to a coach.
    max_trunk_lean_deg: float = 10.0
    # Hip hike: the hip line tilts up on the moving side. The model's hip line tilts with any lift
    # (11-14° measured on the real clips for a 45° lift, ~8° on a rendered 36° lift whose pelvis
    # stays level: body.abduction), so it is a fault only when the tilt supplies over half the lift
    # and is over 8°.
    max_hike_share: float = 0.5
    min_hike_deg: float = 8.0


@register
class HipAbductionChecker(SideRepChecker):
    exercise = "hip_abduction"
    upright_body = True
    standing_body = True
    title = "Standing hip abduction"
    config_class = HipAbductionConfig
    one_sided = True
    checks = ("counts each side lift, per leg", "how far the leg lifts (degrees) against your best",
              "trunk stays upright (no leaning over)", "no hip hiking", "tempo (not too fast)")
    best_views = ("front", "oblique")
    bar_label = "Leg lift"
    range_metric = "abduction_deg"
    ready_text = "Stand tall and still, whole body in view"
    go_text = "Ready: lift one leg out to the side"
    cfg: HipAbductionConfig

    recognition_rank = 10

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == STANDING and f.abduction_range_hipw > ABDUCTION_RANGE_HIPW:
            return "standing, one leg moving out to the side"
        return None

    def __init__(self, config: dict | HipAbductionConfig | None = None) -> None:
        super().__init__(config)
        self.bones = BoneLengths()
        self._hanging_px_deg: dict[str, float] = {}  # side -> the hanging leg's angle in the picture
        # the camera's yaw: the median of the recent frames' (a walk-in or a turn ages out of it)
        self._recent_yaws: deque[float] = deque(maxlen=YAW_FRAMES)
        # side-on (the world leg is counted) or not (the picture's): fixed when a set starts, so the
        # counted signal never changes source within a set
        self._set_side_on: bool | None = None

    def measure(self, s: PoseSample) -> tuple[dict[str, float], dict[str, float]]:
        values, extra = {}, {}
        extra["yaw_deg"] = body_yaw_deg(s)
        if math.isfinite(extra["yaw_deg"]):
            self._recent_yaws.append(extra["yaw_deg"])
        for sd in SIDES:
            leg = LEG[sd]
            if not leg_seen(s, sd, "hip", "knee", "ankle", min_visibility=self.cfg.min_visibility):
                extra[f"knee_deg.{sd}"] = math.nan
                continue
            self.bones.add(f"leg.{sd}", float(np.linalg.norm(s.world(leg["ankle"]) - s.world(leg["hip"]))))
            extra[f"leg_deg.{sd}"] = elevation_deg(s, leg["hip"], leg["ankle"], self.bones.get(f"leg.{sd}"))
            extra[f"abduction_deg.{sd}"] = leg_abduction_deg(s, sd)
            extra[f"leg_px_deg.{sd}"] = leg_out_px_deg(s, sd)
            extra[f"knee_deg.{sd}"] = knee_deg(s, sd, self.bones)
        values.update(self._counted(extra))
        fwd, sideways = trunk_lean_deg(s)
        extra["lean_side_deg"] = sideways
        extra["pelvis_tilt_deg"] = pelvis_tilt_deg(s)
        return values, extra

    def _camera_yaw_deg(self) -> float:
        """The camera's yaw (`body.view.camera_yaw_deg`) from the recent frames' median reading."""
        return camera_yaw_deg(float(np.median(self._recent_yaws))) if self._recent_yaws else math.nan

    def _counted(self, extra: dict[str, float]) -> dict[str, float]:
        """The counted signal per leg: the leg's angle out in the picture, stretched for the camera's yaw
        (`frontal_leg_deg`'s geometry); side-on, the model's world leg elevation. The world leg read lifts
        at 3/4 at 0.7 of true and a half-height lift's swing at 7° (under the 12° floor); the picture reads
        them at their size. Legs without a reading are left out."""
        yaw = self._camera_yaw_deg()
        if not math.isfinite(yaw):
            return {}
        out = {}
        side_on = yaw > MAX_PICTURE_YAW_DEG if self._set_side_on is None else self._set_side_on
        for sd in SIDES:
            if side_on:
                v = extra.get(f"leg_deg.{sd}", math.nan)
            else:
                v = stretched_out_deg(extra.get(f"leg_px_deg.{sd}", math.nan), yaw)
            if math.isfinite(v):
                out[sd] = v
        return out

    def _calibrate(self, t_s: float, buf: list, sides: list[str], still: bool) -> list[Event]:
        """The set starts: the yaw is read from its start position on (a walk-in seen from elsewhere is
        forgotten), whether it is counted on the picture or (side-on) on the world leg is fixed, and every
        frame kept for the start (and for replaying since the person got into position) is read again."""
        yaws = finite(b[2].get("yaw_deg") for b in buf)
        if yaws:
            self._recent_yaws.clear()
            self._recent_yaws.extend(yaws)
        self._set_side_on = self._camera_yaw_deg() > MAX_PICTURE_YAW_DEG
        for _, values, extra in list(buf) + list(self._pre) + list(self._ready_buf):
            values.clear()
            values.update(self._counted(extra))
        sides = [sd for sd in sides if all(sd in b[1] for b in buf)]
        return super()._calibrate(t_s, buf, sides, still) if sides else []

    def _end_set(self, t_s: float, why: str) -> list[Event]:
        self._set_side_on = None  # the next set may be filmed from elsewhere
        return super()._end_set(t_s, why)

    def in_posture(self, extra: dict[str, float]) -> bool:
        knees = finite(extra.get(f"knee_deg.{sd}") for sd in SIDES)
        return bool(knees) and min(knees) >= self.cfg.standing_knee_deg

    def in_position(self, extra: dict[str, float]) -> str | None:
        knees = finite(extra.get(f"knee_deg.{sd}") for sd in SIDES)
        if not knees or min(knees) < self.cfg.standing_knee_deg:
            return "Stand up tall to start"
        legs = finite(extra.get(f"leg_deg.{sd}") for sd in SIDES)
        if len(legs) < 2 or max(legs) > self.cfg.hanging_leg_deg:
            return "Stand on both feet, whole body in view"
        return None

    def accept(self, side: str, seg: RepSegment, frames: list[RepFrame]) -> bool:
        knees = finite(f.extra.get(f"knee_deg.{sd}") for f in frames for sd in SIDES)
        return not knees or min(knees) >= self.cfg.standing_knee_deg

    def rep_metrics(self, segs: dict[str, RepSegment], frames: list[RepFrame]) -> dict[str, float]:
        side, seg = next(iter(segs.items()))
        sign = 1.0 if side == "left" else -1.0  # + = toward / up on the moving side
        up_s, top_s, down_s = self.phase_times(side, seg, frames)
        lean = finite(-sign * f.extra["lean_side_deg"] for f in frames)  # + = leaning away from the lifted leg
        tilt = finite(sign * f.extra["pelvis_tilt_deg"] for f in frames)  # + = moving-side hip up
        ref = self.baseline_extra
        lean0 = -sign * ref.get("lean_side_deg", math.nan)
        tilt0 = sign * ref.get("pelvis_tilt_deg", math.nan)
        lean0 = lean0 if math.isfinite(lean0) else (min(lean) if lean else math.nan)
        tilt0 = tilt0 if math.isfinite(tilt0) else (min(tilt) if tilt else math.nan)
        hike = max(0.0, max(tilt) - tilt0) if tilt else math.nan
        peak = max(finite(f.smooth[side] for f in frames), default=seg.peak_value)
        leg_rise = peak - self.baseline.get(side, seg.start_value)
        # the top of the lift: the frames whose (smoothed) leg reading is within TOP_BAND_DEG of its peak
        top = [f for f in frames if math.isfinite(f.smooth[side]) and f.smooth[side] >= peak - TOP_BAND_DEG]
        tilt_top = finite(sign * f.extra["pelvis_tilt_deg"] for f in top)
        leg_deg = self._frontal_leg_deg(side, seg, frames, top)
        rise = float(np.median(tilt_top)) - tilt0 if tilt_top and math.isfinite(tilt0) else math.nan
        return {"abduction_deg": round(hip_abduction_deg(leg_deg, rise), 1),
                "pelvis_hike_deg": round(pelvis_hike_deg(leg_deg, rise), 1),
                "leg_rise_deg": round(leg_rise, 1),
                "trunk_lean_deg": round(max(0.0, max(lean) - lean0), 1) if lean else math.nan,
                "hip_hike_deg": round(hike, 1),
                "up_s": round(up_s, 2), "top_hold_s": round(top_s, 2), "down_s": round(down_s, 2)}

    def _frontal_leg_deg(self, side: str, seg: RepSegment, frames: list[RepFrame], top: list[RepFrame]) -> float:
        """The leg's frontal angle at the top of the lift: from the picture, stretched for the view's yaw,
        against the same leg hanging at the rep's start (`body.abduction.frontal_leg_deg`); from the
        model's world leg where the picture cannot tell (side-on, or the readings missing)."""
        base = self.baseline.get(side, seg.start_value)
        low = base + 0.1 * (seg.peak_value - base)  # the leg hanging: the start position's band
        near = self.frames_between(seg.start_t_s - HANGING_LOOKBACK_S, seg.peak_t_s)
        hanging = finite(f.extra.get(f"leg_px_deg.{side}") for f in near
                         if math.isfinite(f.smooth[side]) and f.smooth[side] <= low)
        frame_s = float(np.median(np.diff([f.t_s for f in near]))) if len(near) > 2 else 0.0
        if len(hanging) * frame_s >= MIN_HANGING_S:
            self._hanging_px_deg[side] = float(np.median(hanging))
        zero = self._hanging_px_deg.get(side, HANGING_LEG_PX_DEG)
        out = finite(f.extra.get(f"leg_px_deg.{side}") for f in top)
        if out:
            deg = frontal_leg_deg(float(np.median(out)), zero, self._camera_yaw_deg())
            if math.isfinite(deg):
                return deg
        world = finite(f.extra.get(f"abduction_deg.{side}") for f in top)
        return float(np.median(world)) if world else math.nan

    def rep_faults(self, rep: Rep, segs: dict[str, RepSegment], at_end: bool) -> list[Fault]:
        c, m, out = self.cfg, rep.metrics, []
        if math.isfinite(m["trunk_lean_deg"]) and m["trunk_lean_deg"] > c.max_trunk_lean_deg:
            out.append(Fault("trunk_lean", f"Keep your body upright: you leaned {m['trunk_lean_deg']:.0f}° "
                                           f"to the side"))
        hike = m["hip_hike_deg"]
        if math.isfinite(hike) and hike > c.min_hike_deg and hike > c.max_hike_share * m["leg_rise_deg"]:
            out.append(Fault("hip_hike", "Keep your hips level: lift from the hip, don't hitch it up"))
        fast = too_fast(rep, c, m["up_s"], m["down_s"])
        if fast:
            out.append(fast)
        return out

    def low_range_fault(self, rep: Rep, best: float) -> Fault:
        return Fault("low_rise", f"Lift your {rep.side or ''} leg higher: "
                                 f"{best - rep.metrics['abduction_deg']:.0f}° below your best".replace("  ", " "))

    def summary(self) -> dict:
        out = {}
        for sd in SIDES:
            a = finite(r.metrics["abduction_deg"] for r in self.reps if r.side == sd)
            out[f"best_abduction_deg_{sd}"] = round(max(a), 1) if a else None
        return out
