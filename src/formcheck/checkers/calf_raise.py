"""Floor calf raise (both legs, single leg, with or without dumbbells; side, oblique, front views).

Signal: heel lift = how far the heel rises above the toe in the image, divided by the
shank's image length (knee to ankle), so it is independent of distance and zoom and
barely changes with camera yaw (a vertical lift stays vertical). Each leg's lift is taken
relative to that leg's own standing level, and only stance legs count: in a single-leg
raise the free foot is off the floor (its toe well above the other), and the free leg is
never measured even when it is the better-seen one. The heights reported in cm are not this
signal (the model's heel lags the true heel) but the body's rise on the foot lever
(`body.heel_rise`); the lift signal counts the reps and judges them against each other.

Where the heel cannot be read, the body's rise is the signal too: a stance heel hidden behind its
foot (scored unseen), or one foot planted facing the camera (a single-leg raise filmed head-on: the
heel is behind the foot, and the model's lift read a full 8 cm rise as 0.015-0.08 shank with jitter
up to 0.018 on the truth set, while the hips rose a clean 12-13 px). The stance hip's rise above the
person's own standing level, in cm of heel rise (`body.heel_rise`: hips' rise over the leg's image
length, times the leg's metric length), goes through the same counter with a floor of
`min_rise_cm` and one above the jitter of the person's own still frames. A knee bend lowers the hips,
never raises them: a rep must peak above the standing level, with straight knees and planted toes.
Faults judged on the heel itself (heels not lowered all the way, left/right evenness) are not judged
then.

Counting uses the shared swing counter (hysteresis scaled to the person's own reps,
absolute floor above jitter, minimum duration). Counting starts only once the person
stands still on both feet (or one) in view: walking in, stepping and setting up never
count, and a rise during which the toes travel (a step) is not a rep.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.config import coerce_config
from formcheck.signals.robust import held_min
from formcheck.signals.counting import Ema, Phase, RepCounter, RepCounterConfig, RepSegment, jitter_sd, motion_jitter_sd
from formcheck.body.geometry import angle_deg
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.types import PoseSample
from formcheck.body.level import LevelPicture
from formcheck.body.upright import UprightPicture
from formcheck.body.view import View, ViewEstimator
from formcheck.checkers import register
from formcheck.body.measures import (body_anchor_px, facing_x, heel_hidden, heel_lift_shank, knee_picture_deg,
                                     trunk_tilt_deg)
from formcheck.body.heel_rise import body_height_px, heel_rise_cm, leg_m, leg_px, rise_over
from formcheck.body.scale import MIN_SHANK_PX, RunningLength, ShankScale
from formcheck.checkers.base import (Checker, CheckerConfig, CheckResult, Event, EventKind, Fault, LiveState, Mode, Rep,
                                     finite_mean, judged_whole, opens_clip, OPENS_CLIP_S, rated_low, rise_began_s,
                                     seen_whole, under_way_at_start,
                                     distinct_corrections)
from formcheck.body.posture import LYING_TRUNK_DEG, SEATED_THIGH_DEG, STANDING, thigh_from_vertical_deg, \
    trunk_from_vertical_deg
from formcheck.setup.features import Features


# Heel rising on the ball of the foot: the ankle (and the straight leg and hips above it) rise by
# about 3/4 as much, the ankle sitting about a quarter of the heel-to-ball length in front of the heel.
BODY_RISE_PER_HEEL_RISE = 0.75
# Heels "held" where they stopped: within this share of the rep's height of the lowest point.
HELD_TOLERANCE = 0.1


# Calf raise: the hips rise on the toes by at least 6 % of the trunk (a 5 cm heel lift is
# ~10 %; standing still or lifting a leg sideways moves them under 4 %).
RISE_RANGE_TRUNK = 0.06


def spread_px(points: np.ndarray) -> float:
    """The larger per-axis 5th-95th percentile range of a point's path (pixels)."""
    lo, hi = np.percentile(points, [TOE_SPREAD_PERCENTILE, 100 - TOE_SPREAD_PERCENTILE], axis=0)
    return float(np.max(hi - lo))


# A set that began with the clip stands lower than its start level once the person is still there,
# after a rep, for this long (the ready window's own length, `ready_still_s`).
# A rep's time is read on the hips from this long before its counted start (`_rep_s`): the heel's counted
# start can come after the hips began to rise (its landmark rising late and fast in a small picture).
HIPS_LOOKBACK_S = 1.0
# ... between the hips' crossings of this share of the rep's rise, up and back down: the counter ends a rep
# once it is back within 20 % of its rise (`RepCounterConfig.return_fraction`), so the hips are there too.
HIPS_BACK_SHARE = 0.2
STAND_LOWER_S = 0.3
# ... or, with no still moment before the next rise, its low: the frames from the rep's end to this
# long after where the next rise started.
VALLEY_S = 0.1


# The toe's travel during a rep is judged between these percentiles of its path, not on its extremes.
TOE_SPREAD_PERCENTILE = 5.0


@dataclass(frozen=True)
class CalfRaiseConfig(CheckerConfig):
    # A leg is used for the set only if its foot is this well seen on average while getting ready;
    # the far leg in a side view (~0.55) is a guess and would add jitter.
    leg_visibility: float = 0.7
    # Free foot: its toe is this many shank lengths above the other toe (single-leg raise).
    free_foot_shank: float = 0.25
    # Smallest heel lift that can be a rep, in shank lengths, when nothing else can confirm it (hips
    # out of the picture). Pose jitter of the heel-toe difference on still frames is ~0.01. The model's
    # heel reads only part of the true rise (rendered truth set, 8 cm rises: 0.13 shank from the side,
    # 0.08-0.12 at 3/4, 0.04 head-on), so this floor is 2 cm of true rise only from the side.
    min_lift_shank: float = 0.05
    # With the hips in view, a smaller lift can be a rep (above the jitter: 0.02 shank is 6-7 sd of
    # still-frame heel jitter on the real clips) when the body's rise on the foot lever, the figure the
    # heights in cm come from (body.heel_rise, within ~1 cm of the truth in every view), shows a heel
    # rise of at least min_rise_cm. Without it a full 8 cm rise filmed head-on (0.04 shank) and a
    # half-height rise at 3/4 (0.04) were never counted (truth set, `python -m formcheck.synth --truth-set`).
    confirmed_lift_shank: float = 0.02
    # ... and above this many sd of the lift's own jitter (4 sd: 1 still frame in ~16,000 reaches it;
    # 6 without the body's confirmation). Head-on the heel jitters 3x as much as from the side
    # (truth set: sd 0.007 against 0.002 shank), and 6 sd put a half-height rise under the floor.
    confirmed_noise_sd: float = 4.0
    # The smallest heel rise counted as a rep: 2 cm, what the 0.05-shank floor meant for a 40 cm shank.
    min_rise_cm: float = 2.0
    # Counting on the body's rise (heel unreadable): the whole pelvis rises on the foot, so the other hip
    # rises at least this share of the stance hip's rise. Rendered head-on single-leg raises: 0.92-1.13;
    # a standing hip abduction filmed head-on (real dev clip) hiked the stance hip 7-8 px and the other
    # 1-2 px (0.18-0.27), which read as a 2.2-2.5 cm "rise".
    pelvis_level_share: float = 0.5
    # Thresholds follow the person's own typical rep: a rise (or drop) of a third of the
    # median rep height is a movement; a low rep at 40-50 % still counts (and is flagged).
    swing_fraction: float = 0.33
    # Light smoothing only: VIDEO-mode landmarks are already filtered.
    smoothing_tau_s: float = 0.04
    # Ready = standing still with feet in view for this long.
    ready_still_s: float = 0.3
    # "Still" = toes move less than this (shank lengths) over the ready window.
    still_shank: float = 0.08
    # A rise while a stance toe travels more than this (shank lengths) is a step, not a rep.
    max_toe_travel_shank: float = 0.25
    # Nobody (or no feet) for this long ends the set.
    lost_end_s: float = 2.0
    # Standing: stance knee straighter than this (degrees) to get ready; a rise with the knee
    # bent further is a squat or lunge, never counted as a calf raise.
    standing_knee_deg: float = 140.0
    # Faults. Low rise: below this fraction of the best rep. Coaches cue "higher" well before
    # the heel-rise test's 50 %-of-max stop rule; 75 % is a clear, visible shortfall.
    low_rise_fraction: float = 0.75
    # Bent knees: the straight-leg calf raise keeps the knee as straight as the person stands.
    # The fault is a knee bend during the rise of more than this below their own standing knee
    # angle, measured in the picture and scaled up for a 3/4 view (sagittal bends shrink by the
    # sine of the body's turn). Clean reps on the real clips bend 1-10° by this measure (landmark
    # jitter); a rendered 20° bend reads 12-16°. Not judged in a front view, which cannot see it.
    knee_bend_deg: float = 11.0
    # ... or the knee is plainly bent whatever the standing angle (a bent-knee set from the start).
    bent_knee_deg: float = 150.0
    # Too fast (bouncing): a whole rep quicker than 0.8 s, i.e. over 2.5x the heel-rise test
    # cadence (30 reps/min: 1 s up, 1 s down; Lunsford & Perry 1995, Hebert-Losier 2009).
    min_rep_s: float = 0.8
    # Incomplete lowering: heels stay up by more than this fraction of the rep height.
    incomplete_lowering_fraction: float = 0.25
    # Left/right: heel-rise test limb symmetry, a side difference over 15 % is a deficit.
    # Front view only: at 3/4 the far foot is half hidden and reads 15-25 % off on even reps.
    max_side_difference: float = 0.15
    # The best rep is the median of the top few, so one outlier (a bent-knee rep tips the foot
    # further) does not make every other rep look low.
    best_of_top: int = 3
    # A clip that ends with the heels held part-way up for this long did stop short.
    end_hold_s: float = 0.3
    # No still start pose (a clip that starts on the first rise, a handheld phone, someone who
    # never pauses): after standing on planted feet this long, the person's own reps calibrate
    # (their standing level is the low end of the lift, `rest_percentile`). 3 s holds at least
    # one whole rep at the slowest advised tempo (1-2 s a phase, ACSM 2009).
    calibrate_from_reps_s: float = 3.0
    rest_percentile: float = 10.0
    # On getting ready, the frames since the person stood in place (at most this long) are
    # counted too, so a rep made before the first still moment is not lost.
    replay_s: float = 8.0


@dataclass
class _Frame:
    t_s: float
    lift: dict  # side -> lift (shank units, relative to the leg's standing level) or nan
    knee_deg: dict  # side -> knee angle used for the bent-knee rule
    toe_xy: dict  # side -> toe pixel position
    trunk_lean_deg: float
    rise_px: dict  # side -> the hip's rise above its standing level, pixels (body.heel_rise), or nan


@register
class CalfRaiseChecker(Checker):
    exercise = "calf_raise"
    upright_body = True
    standing_body = True
    title = "Floor calf raise"
    mode = Mode.REPS
    checks = ("counts each rise onto the toes (both legs or one)",
              "heel height in cm and against your best rep",
              "knees straight", "tempo (not too fast)", "heels lowered all the way",
              "left/right evenness (front view)")
    best_views = ("side", "oblique", "front")
    counts_heel_hidden = True  # on the body's rise, with the hips in view

    recognition_rank = 20

    @classmethod
    def recognize(cls, f: Features) -> str | None:
        if f.posture == STANDING and f.rise_range_trunk > RISE_RANGE_TRUNK:
            return "standing, rising onto the toes with straight knees"
        return None

    def __init__(self, config: dict | CalfRaiseConfig | None = None) -> None:
        self.cfg = coerce_config(CalfRaiseConfig, config)
        self.counter = self._lift_counter = RepCounter(RepCounterConfig(min_swing=self.cfg.min_lift_shank,
                                                                        swing_fraction=self.cfg.swing_fraction))
        # the body's rise as the signal (heel unreadable), in cm of heel rise: its floor is min_rise_cm
        self._rise_counter = RepCounter(RepCounterConfig(min_swing=self.cfg.min_rise_cm,
                                                         swing_fraction=self.cfg.swing_fraction))
        self.by_rise = False  # counting on the body's rise (the heel unreadable), decided before each set
        self.view = ViewEstimator()
        self.upright = UprightPicture(self.cfg.min_visibility)
        self.level = LevelPicture(self.cfg.min_visibility)  # (standing_body)
        self._ema = Ema(self.cfg.smoothing_tau_s)
        self._frames: deque[_Frame] = deque(maxlen=1200)
        self._ready_buf: deque[tuple[float, dict, dict, dict, dict]] = deque()
        self._stand_knee_deg = math.nan  # the person's own standing knee angle (2-D)
        self.ready = False
        self.legs: tuple[str, ...] = ()  # the legs measured
        # the one leg stood on, when the other foot is seen off the floor; None: both feet down, or
        # one leg measured with the other hidden behind it (side-on), which tells neither
        self.one_leg: str | None = None
        self._leg_base: dict[str, float] = {}
        self.scale = ShankScale(min_visibility=self.cfg.min_visibility)  # toe travel in shanks, heights in cm
        # heights in cm (body.heel_rise): the hips' image height per leg, the leg's image and metric length
        self._hip_y: deque[tuple[float, dict]] = deque(maxlen=1200)
        self._hip_base: dict[str, float] = {}
        self._leg_px = RunningLength(math.nan)  # thigh + shank in the picture
        self._leg_m = RunningLength(math.nan)  # and in the world
        self._side_lift: dict[int, dict] = {}  # rep -> each heel's own lift (the left/right difference)
        self._ready_toes: dict[str, np.ndarray] = {}
        self._rise_confirms = False  # the hips are seen: the body's rise can confirm a small heel lift
        self._pre: deque = deque()  # frames since the person stood in place, before getting ready
        self._last_seen_t = -math.inf
        self._first_seen_t: float | None = None  # the first frame with the feet measured
        self._set_first_t: float | None = None  # and the set's first frame
        self._set_opens_clip = False  # the set began with the clip (`opens_clip`)
        # ... and its first rep rose from below the set's start level: that level was on the rep's way up
        self._opened_on_top = False
        self._began_at_level: bool | None = None
        self._hips_read: tuple[RepSegment | None, tuple[float, float]] = (None, (math.nan, math.nan))
        self.reps: list[Rep] = []
        self._state = LiveState(self.exercise, self.title, status="Stand still, feet in view",
                                bar_label="Heel height", bar_unit="cm")
        self._trace_t: list[float] = []
        self._trace_v: list[float] = []
        self.set_start_s: float | None = None
        self.set_end_s: float | None = None

    # ---- per-frame measurement -------------------------------------------------------
    def _measure(self, s: PoseSample) -> tuple[dict, dict, dict, dict]:
        vis_min = self.cfg.min_visibility
        lift, toe, knee, footvis = {}, {}, {}, {}
        anchor = body_anchor_px(s)
        for side in SIDES:
            leg = LEG[side]
            footvis[side] = float(min(s.visibility[leg["heel"]], s.visibility[leg["toe"]],
                                      s.visibility[leg["ankle"]], s.visibility[leg["knee"]]))
            if footvis[side] < vis_min:
                continue
            got = heel_lift_shank(s, side, vis_min)
            if got is None:
                continue
            lift[side], shank_px = got
            # toe against the hips, less the hips' own rise on the toes: a foot turning about its
            # ball lifts the ankle, and the straight leg above it, by ~3/4 of the heel's rise
            toe[side] = s.px(leg["toe"]) - anchor + np.array([0.0, -BODY_RISE_PER_HEEL_RISE * lift[side] * shank_px]) \
                if anchor.any() else s.px(leg["toe"]).copy()
            knee[side] = self._knee_angle(s, side)
        return lift, toe, knee, footvis

    def _measure_rise(self, s: PoseSample) -> tuple[dict, dict, dict, dict]:
        """The legs measured without their heel: hip, knee, ankle and toe seen. `lift` is then the hip's
        height in the picture (pixels, up = +; its rise above standing is the signal) and the toe is where
        it is in the picture (the toe stays on the floor while the body rises on it)."""
        vis_min = self.cfg.min_visibility
        lift, toe, knee, footvis = {}, {}, {}, {}
        if trunk_from_vertical_deg(s, vis_min) > LYING_TRUNK_DEG:
            return lift, toe, knee, footvis  # lying (a foam roller): the hips ride on no foot
        for side in SIDES:
            leg = LEG[side]
            if not s.seen(leg["hip"], leg["knee"], leg["ankle"], leg["toe"], min_visibility=vis_min) or \
                    np.linalg.norm(s.px(leg["knee"]) - s.px(leg["ankle"])) < MIN_SHANK_PX or \
                    not thigh_from_vertical_deg(s, side, vis_min) < SEATED_THIGH_DEG:
                continue  # unseen, or a thigh that does not hang down: no standing leg for the hip to ride on
            lift[side] = body_height_px(s, side, False, vis_min)
            toe[side] = s.px(leg["toe"]).copy()
            knee[side] = self._knee_angle(s, side)
            footvis[side] = float(min(s.visibility[leg["toe"]], s.visibility[leg["ankle"]], s.visibility[leg["knee"]]))
        return lift, toe, knee, footvis

    def _heel_unreadable(self, lift: dict, rise: tuple[dict, dict, dict, dict]) -> bool:
        """The body's rise must count this set: legs measured without their heel, and either no heel
        seen (hidden behind its foot) or one foot planted facing the camera (its heel behind it)."""
        if not rise[0]:
            return False
        if not lift:
            return True
        stance = self._stance_sides({sd: float(rise[1][sd][1]) for sd in rise[1]},
                                    {sd: self.shank_px for sd in rise[1]})
        return self.view.view == View.FRONT and len(stance) == 1

    def _use(self, by_rise: bool) -> None:
        """Measure by the body's rise (or by the heel) from now on: what was gathered the other way
        while getting ready is dropped."""
        if by_rise == self.by_rise:
            return
        self.by_rise = by_rise
        self.counter = self._rise_counter if by_rise else self._lift_counter
        self._ready_buf.clear()
        self._pre.clear()

    def _knee_angle(self, s: PoseSample, side: str) -> float:
        leg = LEG[side]
        if self.view.view == "front":  # 2-D hides a forward knee bend (a squat) seen head-on
            return angle_deg(s.world(leg["hip"]), s.world(leg["knee"]), s.world(leg["ankle"]))
        if not s.seen(leg["hip"], min_visibility=self.cfg.min_visibility):
            return math.nan
        return knee_picture_deg(s, side, facing_x(s, self.cfg.min_visibility))

    def _stance_sides(self, toe_y_px: dict[str, float], shank_px: dict[str, float]) -> tuple[str, ...]:
        if len(toe_y_px) == 2:
            shank = max(shank_px.values())
            if self._raised(toe_y_px["left"], toe_y_px["right"], shank):
                return ("left",)
            if self._raised(toe_y_px["right"], toe_y_px["left"], shank):
                return ("right",)
        return tuple(toe_y_px)

    # ---- streaming ---------------------------------------------------------------------
    def update(self, t_ms: float, sample: PoseSample | None) -> list[Event]:
        events: list[Event] = []
        for t, s in self.level.feed(t_ms, self.upright.update(sample)):  # levelled (body.level)
            events += self._update_levelled(t, s)
        return events

    def _update_levelled(self, t_ms: float, sample: PoseSample | None) -> list[Event]:
        t_s = t_ms / 1000.0
        events: list[Event] = []
        self.view.update(sample)
        if sample is None:
            return self._on_missing(t_s)
        if self.ready:
            lift, toe, knee, footvis = self._measure_rise(sample) if self.by_rise else self._measure(sample)
        else:  # which way to measure this set: heel unreadable -> the body's rise; back to the heel only
            # when the rise cannot be measured and the heel can (a heel seen now and then changes nothing)
            by_heel, by_rise = self._measure(sample), self._measure_rise(sample)
            if not self.by_rise and self._heel_unreadable(by_heel[0], by_rise):
                self._use(True)
            elif self.by_rise and not by_rise[0] and by_heel[0]:
                self._use(False)
            lift, toe, knee, footvis = by_rise if self.by_rise else by_heel
        if not lift:
            return self._on_missing(t_s, heel_hidden(sample, self.cfg.min_visibility))
        self._last_seen_t = t_s
        if self._first_seen_t is None:
            self._first_seen_t = t_s
        self.scale.update(sample, lift)
        self._hip_y.append((t_s, {sd: body_height_px(sample, sd, False, self.cfg.min_visibility) for sd in SIDES}))
        for sd in lift:
            n_px = leg_px(sample, sd, self.cfg.min_visibility)
            if math.isfinite(n_px):
                self._leg_px.add(n_px)
                self._leg_m.add(leg_m(sample, sd))
        if not self.ready:
            self._pre.append((t_s, sample, lift, toe, knee, footvis))
            while self._pre and t_s - self._pre[0][0] > self.cfg.replay_s:
                self._pre.popleft()
            events += self._try_ready(t_s, sample, lift, toe, knee, footvis)
            if self.ready:  # count what happened since the person stood in place
                pre, self._pre = list(self._pre), deque()
                for f in pre:
                    events += self._count(*f[:5])
                return events
            self._state.bar_value = None
            return events
        return events + self._count(t_s, sample, lift, toe, knee)

    def _count(self, t_s, sample, lift, toe, knee) -> list[Event]:
        events: list[Event] = []
        rel = {sd: lift[sd] - self._leg_base[sd] for sd in self.legs if sd in lift}
        if self.by_rise:  # the hips' rise (px) as cm of heel rise
            rel = {sd: self._height_cm(v) for sd, v in rel.items()}
        if any(np.linalg.norm(toe[sd] - self._ready_toes[sd]) > 2 * self.cfg.max_toe_travel_shank * self.shank_px
               for sd in self.legs if sd in toe):
            return events + self._end_set(t_s, "You stepped away: stand still to start again")
        lean = trunk_tilt_deg(sample)
        hip = self._hip_at(t_s)
        rise = {sd: hip.get(sd, math.nan) - self._hip_base.get(sd, math.nan) for sd in SIDES}
        self._frames.append(_Frame(t_s, {sd: rel.get(sd, math.nan) for sd in SIDES},
                                   {sd: knee.get(sd, math.nan) for sd in SIDES},
                                   {sd: toe[sd] for sd in toe}, lean, rise))
        value = float(np.mean(list(rel.values()))) if rel else None
        value = self._ema.update(t_s, value)
        now_cm = self._height_cm(float(finite_mean([rise[sd] for sd in self.legs])))
        if value is not None and math.isfinite(now_cm):
            self._trace_t.append(t_s)
            self._trace_v.append(now_cm)
        seg = self.counter.update(t_s, value)
        if seg is not None:
            events += self._on_rep(seg)
        if self._opened_on_top and self.counter.phase != Phase.FALLING:
            self._stand_lower(t_s)
        if value is not None and math.isfinite(now_cm):
            self._state.bar_value = max(0.0, now_cm)
        self._state.status = "Counting"
        return events

    def _on_missing(self, t_s: float, heel_hidden: bool = False) -> list[Event]:
        self.counter.update(t_s, None)
        if self.ready and t_s - self._last_seen_t > self.cfg.lost_end_s:
            return self._end_set(t_s, "Feet out of view: step back so your feet are in the picture")
        if not self.ready and t_s - self._last_seen_t > self.cfg.ready_gap_s:
            self._ready_buf.clear()
            self._pre.clear()
            # feet in the picture but the heel behind the foot (a single-leg raise facing the camera)
            self._state.status = "Turn side-on: facing the camera, your heel is hidden" if heel_hidden \
                else "Step back: feet out of view"
        return []

    def _try_ready(self, t_s, sample, lift, toe, knee, footvis) -> list[Event]:
        buf = self._ready_buf
        buf.append((t_s, lift, toe, footvis, knee))
        while len(buf) > 1 and t_s - buf[1][0] >= self.cfg.ready_still_s:
            buf.popleft()  # keep the window just covering ready_still_s, whatever the frame rate
        if buf[-1][0] - buf[0][0] < self.cfg.ready_still_s - 1e-6:
            self._state.status = "Stand still, feet in view"
            return []
        sides = [sd for sd in SIDES if all(sd in b[1] for b in buf)]
        if not sides:
            return []
        toe_y = {sd: float(np.median([b[2][sd][1] for b in buf])) for sd in sides}
        stance = self._stance_sides(toe_y, {sd: self.shank_px for sd in sides})
        still = all(np.ptp(np.array([b[2][sd] for b in buf]), axis=0).max() < self.cfg.still_shank * self.shank_px
                    for sd in stance)
        standing = all(not (knee.get(sd, 180.0) < self.cfg.standing_knee_deg) for sd in stance)
        if not standing:
            self._pre.clear()  # a squat, a lunge, bending down: not standing in place
        if not (still and standing):
            if standing and not self._from_reps(stance):
                self._state.status = "Stand still to start"
                return []
            if not standing:
                self._state.status = "Stand tall and still to start"
                return []
            buf = deque((f[0], f[2], f[3], f[5], f[4]) for f in self._pre)  # calibrate on the reps
            still = False
        vis = {sd: float(np.mean([b[3][sd] for b in buf if sd in b[3]])) for sd in stance}
        legs = tuple(sd for sd in stance if vis[sd] >= self.cfg.leg_visibility) or \
            (max(stance, key=lambda sd: vis[sd]),)
        self.legs = legs
        self.one_leg = stance[0] if len(stance) == 1 and (len(sides) == 2 or self._foot_up(sample, stance[0])) \
            else None
        # the standing level: the still frames', or (none) the low end of the reps: heels down
        self._leg_base = {sd: float(np.median([b[1][sd] for b in buf if sd in b[1]])) if still else
                          float(np.percentile([b[1][sd] for b in buf if sd in b[1]], self.cfg.rest_percentile))
                          for sd in legs}
        hips = [h for t, h in self._hip_y if buf[0][0] - 1e-6 <= t <= buf[-1][0] + 1e-6]
        self._hip_base = {sd: float(np.nanmedian([h[sd] for h in hips])) if still else
                          float(np.nanpercentile([h[sd] for h in hips], self.cfg.rest_percentile))
                          for sd in (SIDES if self.by_rise else legs) if any(math.isfinite(h[sd]) for h in hips)}
        knees = [b[4][sd] for b in buf for sd in legs if math.isfinite(b[4].get(sd, math.nan))]
        self._stand_knee_deg = float(np.percentile(knees, 90)) if knees and not still else \
            float(np.median(knees)) if knees else math.nan
        self._ready_toes = {sd: np.median([b[2][sd] for b in buf if sd in b[2]], axis=0) for sd in legs}
        self.ready = True
        self.counter.reset()
        self._set_first_t = self._pre[0][0] if self._pre else buf[0][0]
        self._set_opens_clip = opens_clip(self._set_first_t, self._first_seen_t)
        # a set begun with the clip may have taken its level on a rep's top (the clip cut there): until its
        # first rep says otherwise (`_on_rep`), a lower stance moves the level (`_stand_lower`)
        self._opened_on_top = self._set_opens_clip
        self._began_at_level: bool | None = None  # (`_set_began_at_level`)
        self._rise_confirms = not self.by_rise and all(sd in self._hip_base for sd in legs)
        if self.by_rise:
            pass  # the rise counter's own floor: min_rise_cm, and 6 sd of the still frames' jitter
        elif self._rise_confirms:
            self.counter.set_floor(self.cfg.confirmed_lift_shank, self.cfg.confirmed_noise_sd)
        else:
            self.counter.set_floor(self.cfg.min_lift_shank, RepCounterConfig.noise_sd_factor)
        self._ema.reset()
        # jitter of the lift: a rep must stand out of it (RepCounter.floor); from the still
        # frames, or without any, from the reps' own frame-to-frame noise (second differences)
        lifts = [np.mean([b[1][sd] - self._leg_base[sd] for sd in legs if sd in b[1]]) for b in buf]
        self.counter.noise_sd = jitter_sd(lifts) if still else motion_jitter_sd(lifts)
        if self.by_rise and self.counter.noise_sd is not None:  # measured in px of the hips: in cm
            self.counter.noise_sd = abs(self._height_cm(self.counter.noise_sd))
            if not math.isfinite(self.counter.noise_sd):
                self.counter.noise_sd = None
        if self.set_start_s is None:
            self.set_start_s = t_s
        which = f" ({self.one_leg} leg)" if self.one_leg else " (both legs)" if len(stance) == 2 else ""
        self._state.status = "Counting"
        self._state.side = self.one_leg
        return [Event(EventKind.READY, t_s, f"Ready: rise onto your toes{which}")]

    def _foot_up(self, s: PoseSample, stance: str) -> bool:
        """The foot of the leg not stood on is off the floor: seen raised (`_raised`), or, head-on,
        hidden behind the body with its knee seen bent (held up behind). A leg hidden whole (behind
        the other, side-on) or a foot hidden behind the near one (3/4) tells nothing: it may stand."""
        other_side = SIDES[1] if stance == SIDES[0] else SIDES[0]
        other, vis = LEG[other_side], self.cfg.min_visibility
        if s.seen(other["ankle"], other["toe"], LEG[stance]["toe"], min_visibility=vis):
            return self._raised(float(s.px(LEG[stance]["toe"])[1]), float(s.px(other["toe"])[1]), self.shank_px)
        return self.view.view == View.FRONT and s.seen(other["knee"], min_visibility=vis) and \
            self._knee_angle(s, other_side) < self.cfg.standing_knee_deg

    def _raised(self, stance_toe_y_px: float, other_toe_y_px: float, shank_px: float) -> bool:
        """The other toe is off the floor: `free_foot_shank` shank lengths above the stance toe."""
        return stance_toe_y_px - other_toe_y_px > self.cfg.free_foot_shank * shank_px

    def _from_reps(self, stance: tuple[str, ...]) -> bool:
        """Standing on planted feet for `calibrate_from_reps_s` without a still moment: the reps calibrate."""
        pre = [f for f in self._pre if all(sd in f[3] for sd in stance)]
        if not pre or pre[-1][0] - pre[0][0] < self.cfg.calibrate_from_reps_s:
            return False
        toes = {sd: np.array([f[3][sd] for f in pre]) for sd in stance}
        # the same bound as stepping away while counting: the body rising on the toes moves the
        # toes against the hips by the rise itself
        limit = 2 * self.cfg.max_toe_travel_shank * self.shank_px
        return all(np.ptp(toes[sd], axis=0).max() < limit for sd in stance)

    def _end_set(self, t_s: float, why: str) -> list[Event]:
        events = []
        seg = self.counter.finish()
        if seg is not None:
            events += self._on_rep(seg, at_end=True)
        self.ready = False
        self._ready_buf.clear()
        self._pre.clear()
        self.counter.reset()
        self._use(False)  # the next set decides again how it is measured
        self.set_end_s = self._frames[-1].t_s if self._frames else t_s
        self._state.status = why
        return events + [Event(EventKind.SET_END, t_s, why)]

    def finish(self, t_ms: float) -> list[Event]:
        events = []
        for t, s in self.level.flush():
            events += self._update_levelled(t, s)
        if self.ready:
            seg = self.counter.finish()
            if seg is not None:
                # heels held part-way up and still before the clip ended: that is a stop, not a cut
                # (held = since the heels first came within a tenth of the rep of where they stopped:
                # the exact lowest frame of a still hold is where the jitter put it, any frame rate)
                near = seg.end_value + HELD_TOLERANCE * seg.amplitude
                after = [f.t_s for f in self._frames if f.t_s >= seg.peak_t_s
                         and finite_mean([f.lift[sd] for sd in self.legs]) <= near]
                held_s = t_ms / 1000.0 - (after[0] if after else seg.end_t_s)
                events += self._on_rep(seg, at_end=held_s < self.cfg.end_hold_s)
            self.set_end_s = self._frames[-1].t_s if self._frames else t_ms / 1000.0
        return events

    @property
    def shank_px(self) -> float:
        return self.scale.px

    def _hip_at(self, t_s: float) -> dict:
        for t, h in reversed(self._hip_y):
            if abs(t - t_s) < 1e-6:
                return h
        return {}

    def _height_cm(self, rise_px: float) -> float:
        """Heel height (cm) for a rise of the hips (pixels) on the foot lever (body.heel_rise)."""
        if not self._leg_px.measured:
            return math.nan
        return heel_rise_cm(rise_px, self._leg_px.value, 100.0 * self._leg_m.value)

    @property
    def shank_cm(self) -> float:
        return self.scale.cm

    # ---- one rep -----------------------------------------------------------------------
    def _on_rep(self, seg: RepSegment, at_end: bool = False) -> list[Event]:
        frames = [f for f in self._frames if seg.start_t_s - 1e-6 <= f.t_s <= seg.end_t_s + 1e-6]
        if not frames:
            return []
        # a rise while a stance toe travels is a step (walking, shifting), not a rep: the toe's spread over the
        # rep between its 5th and 95th percentiles (a step holds the new place for half the frames and more;
        # the jitter's extremes do not add up with the rep's length: a 3-6 s still spell before a rise took
        # the full spread from 0.62 to 1.03 of the bar on a real side clip, and the rep was lost)
        for sd in self.legs:
            pts = np.array([f.toe_xy[sd] for f in frames if sd in f.toe_xy])
            if len(pts) >= 2 and spread_px(pts) > self.cfg.max_toe_travel_shank * self.shank_px:
                return []
        knees = [f.knee_deg[sd] for f in frames for sd in self.legs if math.isfinite(f.knee_deg[sd])]
        if knees and min(knees) < self.cfg.standing_knee_deg:
            return []  # knees bent like a squat or lunge: whatever this was, it was not a calf raise
        cm = self.shank_cm
        # height above standing (lifts are relative to the standing level found when getting
        # ready), or above the rep's own start if the heels had sunk lower since
        lift_cm = (seg.peak_value - min(seg.start_value, 0.0)) * (1.0 if self.by_rise else cm)  # hips unseen: the height
        if self.by_rise and not (seg.peak_value >= self.cfg.min_rise_cm and self._pelvis_rose(frames)):
            # the hips never rose above where the person stood (back up from a dip), or one hip rose alone
            # (the pelvis tilting: a hip hiked, a leg lifted sideways): not the body rising on the foot
            self.counter.forget_last()
            return []
        ts = [f.t_s for f in frames]
        cut = self._cut_at_start(seg)
        if not self.reps:  # rep 1 cut in its rise, from below the set's start level: that level was not the floor
            self._opened_on_top = cut and seg.start_value < -self.counter.floor
        height_cm = self._height_cm(rise_over(ts, [finite_mean([f.rise_px[sd] for sd in self.legs]) for f in frames],
                                              0.0, or_end=cut))
        if self._rise_confirms:
            # the body's rise must show min_rise_cm; hips lost during this rep: the unconfirmed floor
            confirmed = height_cm >= self.cfg.min_rise_cm if math.isfinite(height_cm) \
                else seg.amplitude >= self.cfg.min_lift_shank
            if not confirmed:
                self.counter.forget_last()  # a heel lift the body's rise does not confirm: jitter or sway
                return []
        if not math.isfinite(height_cm):
            height_cm = lift_cm  # hips unseen: the lift is all there is
        thr_hi = seg.start_value + 0.9 * seg.amplitude
        lifts = [finite_mean([f.lift[sd] for sd in self.legs]) for f in frames]
        t_hi = [f.t_s for f, v in zip(frames, lifts) if v >= thr_hi - 1e-9]
        # up from where the rise began (`rise_began_s`), not from a counted start a slow drift moved earlier
        began = rise_began_s(ts, lifts, seg.start_value, seg.peak_value)
        t_up = max(seg.start_t_s, began) if math.isfinite(began) else seg.start_t_s
        rise_s = (t_hi[0] - t_up) if t_hi and t_hi[0] > t_up else seg.peak_t_s - seg.start_t_s
        hips_up_s = self._hips_times(seg)[0]  # the hips', where they show it: the heel rises late in a small picture
        rise_s = hips_up_s if math.isfinite(hips_up_s) else rise_s
        lower_s = (seg.end_t_s - t_hi[-1]) if t_hi else seg.end_t_s - seg.peak_t_s
        leans = [f.trunk_lean_deg for f in frames if math.isfinite(f.trunk_lean_deg)]
        knee_low = min((held_min([f.knee_deg[sd] for f in frames]) for sd in self.legs), default=math.nan)
        metrics: dict[str, float] = {
            "peak_height_cm": round(height_cm, 2),
            "rise_s": round(rise_s, 3), "lower_s": round(lower_s, 3),
            # not reported head-on: the knee there is the model's depth guess, which read straight
            # knees 18-23° bent on every head-on clip of the truth set (it still tells a squat)
            "min_knee_angle_deg": round(self._knee_seen_whole(knee_low), 1)
            if math.isfinite(knee_low) and self.view.view != "front" else math.nan,
            "trunk_lean_deg": round(max(leans), 1) if leans else math.nan,
        }
        side_h: dict = {}
        if len(self.legs) == 2 and not self.by_rise:  # one hip rise for both legs: no side difference
            side_h = {sd: np.nanmax([f.lift[sd] for f in frames]) - np.nanmin([f.lift[sd] for f in frames])
                      for sd in self.legs}
            hi = max(side_h.values())
            if hi > 0:
                metrics["left_right_difference_pct"] = round(100 * abs(side_h["left"] - side_h["right"]) / hi, 1)
                for sd in self.legs:
                    h_cm = self._height_cm(rise_over(ts, [f.rise_px[sd] for f in frames], 0.0, or_end=cut))
                    metrics[f"{sd}_height_cm"] = round(h_cm if math.isfinite(h_cm) else side_h[sd] * cm, 2)
        self._side_lift[len(self.reps) + 1] = side_h
        rep = Rep(len(self.reps) + 1, seg.start_t_s, seg.peak_t_s, seg.end_t_s, metrics,
                  side=self.one_leg)
        rep.under_way = under_way_at_start(began, rep.start_s, self._first_seen_t)
        rep.faults = judged_whole(self._faults(rep, seg, at_end), rep.under_way)
        seen_whole(rep.metrics, ("rise_s",), rep.under_way)
        self.reps.append(rep)
        self._refresh_relative()
        self._state.rep_count = len(self.reps)
        self._state.bar_best = self._best_height([r.metrics["peak_height_cm"] for r in self.reps])  # as rated
        events = [Event(EventKind.REP, seg.end_t_s, str(rep.index), rep=rep)]
        for f in rep.faults:
            self._state.latest_cue = f.message
            events.append(Event(EventKind.CUE, seg.end_t_s, f.message, code=f.code))
        return events

    def _stand_lower(self, t_s: float) -> None:
        """A set that began with the clip (`opens_clip`) took its level where the clip began: on a rep's
        top when the clip was cut there (before its first rep), or part-way up a rep cut in its rise (its
        first rep rising from below that level). Once the person stands after it (still for STAND_LOWER_S,
        or at the low point the next rise leaves from), heels lower than that level by more than a rep's
        floor, hips lower by at least `min_rise_cm` and knees straight, that is where they stand: every
        figure is read from there (the heel lift or the hips' rise, the live bar and chart), and the reps
        so far are measured again. Measured by the hips' rise (head-on on one leg), a level left on a
        rep's top had counted no rep at all: every later rise peaked below it."""
        if not self.reps and not (self.by_rise and self._set_began_at_level()):
            # before a rep, only on the hips' rise, where a level left on a rep's top counts nothing (by
            # the heel each rep is read from its own start where that is lower): a heel dropped below a
            # step before the set is a stretch, not where the person stands (a reviewer: a step raise
            # read 17.8 cm a rep for 9.65 from the stretch); nor when the clip began part-way up a rise
            # (below the level taken from it): rep 1 will tell
            return
        rising = self.counter.in_progress()
        after_s = self.reps[-1].end_s if self.reps else self._set_first_t if self._set_first_t is not None else -math.inf
        if rising is None:  # resting: the last STAND_LOWER_S, all after the rep
            still = [f for f in self._frames_since(t_s - STAND_LOWER_S) if f.t_s > after_s]
            if not still or still[-1].t_s - still[0].t_s < STAND_LOWER_S - 1e-6:
                return
        else:  # the next rep under way: the low it rose from (no still moment between reps)
            if not self.reps and rising.start_t_s - after_s < STAND_LOWER_S:
                return  # the clip began in the rise
            still = [f for f in self._frames_since(after_s) if f.t_s <= rising.start_t_s + VALLEY_S / 2]
            if not still:
                return
        lift = {sd: [f.lift[sd] for f in still if math.isfinite(f.lift[sd])] for sd in self.legs}
        if not all(len(v) == len(still) for v in lift.values()):
            return
        mean = np.mean([lift[sd] for sd in self.legs], axis=0)
        # still within half a rep's floor (between two reps, the low itself is the level)
        if (rising is None and np.ptp(mean) > 0.5 * self.counter.floor) or \
                (np.median(mean) if rising is None else np.min(mean)) > -self.counter.floor:
            return
        level = np.nanmedian if rising is None else np.nanmin  # still frames' level, or the low between reps
        d_hip = {sd: float(level([f.rise_px[sd] for f in still])) if any(math.isfinite(f.rise_px[sd])
                 for f in still) else 0.0 for sd in SIDES}
        knees = [f.knee_deg[sd] for f in still for sd in self.legs if math.isfinite(f.knee_deg[sd])]
        if not (self._height_cm(float(finite_mean([d_hip[sd] for sd in self.legs]))) <= -self.cfg.min_rise_cm) or \
                (knees and min(knees) < self.cfg.standing_knee_deg):
            return  # the hips must stand lower too, on straight knees: not a bend or a toe raise
        self._opened_on_top = False  # once a set
        d_lift = {sd: float(level(lift[sd])) for sd in self.legs}
        for sd in self.legs:  # (measured by the hips' rise, the lift is the hips' height: its base is in px)
            self._leg_base[sd] += d_hip[sd] if self.by_rise else d_lift[sd]
        for sd in self._hip_base:
            self._hip_base[sd] += d_hip[sd]
        set_frames = [f for f in self._frames if f.t_s >= (self._set_first_t or -math.inf) - 1e-6]
        for f in set_frames:
            for sd in self.legs:
                f.lift[sd] -= d_lift[sd]
            for sd in SIDES:
                f.rise_px[sd] -= d_hip[sd]
        shift = float(np.mean(list(d_lift.values())))
        self.counter.shift(-shift)
        self._ema.shift(-shift)
        d_cm = self._height_cm(float(finite_mean([d_hip[sd] for sd in self.legs])))
        if math.isfinite(d_cm):
            self._trace_v = [v - d_cm if t >= (self._set_first_t or -math.inf) - 1e-6 else v
                             for t, v in zip(self._trace_t, self._trace_v)]
        for rep in self.reps:  # measured again from where the person stands
            frames = [f for f in set_frames if rep.start_s - 1e-6 <= f.t_s <= rep.end_s + 1e-6]
            ts = [f.t_s for f in frames]
            h_cm = self._height_cm(rise_over(ts, [finite_mean([f.rise_px[sd] for sd in self.legs]) for f in frames], 0.0))
            if not math.isfinite(h_cm):
                continue
            rep.metrics["peak_height_cm"] = round(h_cm, 2)
            for sd in self.legs:
                if f"{sd}_height_cm" in rep.metrics:
                    side_cm = self._height_cm(rise_over(ts, [f.rise_px[sd] for f in frames], 0.0))
                    if math.isfinite(side_cm):
                        rep.metrics[f"{sd}_height_cm"] = round(side_cm, 2)
        if self.reps:
            self._refresh_relative()
            self._state.bar_best = self._best_height([r.metrics["peak_height_cm"] for r in self.reps])

    def _set_began_at_level(self) -> bool:
        """The set's first OPENS_CLIP_S is at its level (within half a rep's floor): the level was taken
        where the clip began, as on a rep's top, not further up a rise the clip began in."""
        if self._began_at_level is None:  # read once, from the set's first frames, once they are all in
            t0 = self._set_first_t if self._set_first_t is not None else -math.inf
            if not self._frames or self._frames[-1].t_s < t0 + OPENS_CLIP_S:
                return False
            first = [finite_mean([f.lift[sd] for sd in self.legs]) for f in self._frames
                     if f.t_s <= t0 + OPENS_CLIP_S + 1e-6]
            first = [v for v in first if math.isfinite(v)]
            self._began_at_level = bool(first) and float(np.median(first)) >= -0.5 * self.counter.floor
        return self._began_at_level

    def _frames_since(self, t0_s: float) -> list[_Frame]:
        """The stored frames from t0_s on, found from the newest back (called on every frame while a set
        that opened on a rep's top waits to stand lower: never a walk through all the stored frames)."""
        out = []
        for f in reversed(self._frames):
            if f.t_s < t0_s - 1e-6:
                break
            out.append(f)
        return out[::-1]

    def _cut_at_start(self, seg: RepSegment) -> bool:
        """The rep began with the clip (`opens_clip`): its rise may have been cut off, and the standing
        level taken at its top."""
        return self._set_opens_clip and self._set_first_t is not None and \
            seg.start_t_s - self._set_first_t <= OPENS_CLIP_S

    def _pelvis_rose(self, frames: list[_Frame]) -> bool:
        """Both hips rose together (the other hip at least `pelvis_level_share` of the stance hip's rise);
        true when the other hip was not seen (nothing tells a tilt then)."""
        ts = [f.t_s for f in frames]
        ups = {sd: rise_over(ts, [f.rise_px[sd] for f in frames], math.inf) for sd in SIDES}  # above the rep's start
        stance = max(ups[sd] for sd in self.legs)
        other = min(ups.values())
        return not (math.isfinite(stance) and math.isfinite(other)) or other >= self.cfg.pelvis_level_share * stance

    def _rep_s(self, rep: Rep, seg: RepSegment) -> float:
        """How long the rep took, for "Slow down": from where the hips rose HIPS_BACK_SHARE of the rep's
        rise to where they came back down to it, on the signal the height is read from. The heel's counted
        segment runs from its last moment near the valley to its settling, and its landmark rises in a frame
        or two in a small picture: on the real one-leg clips (labelled "quick tempo", 0.6-0.7 s a rep) it
        read 0.8-1.1 s for reps 2-3 (0.6 s for the side clip at 360p), where the hips read 0.5-0.67 at
        either size; on the two-leg clips (1.3-1.7 s by the labels) the hips read 1.17-1.47. Hips not yet
        back down when the rep is counted: to the counted end; hips unseen: the counted segment less a frame
        (it runs about one frame long)."""
        span = self._hips_times(seg)[1]
        return span if math.isfinite(span) else rep.end_s - rep.start_s - self._frame_s()

    def _hips_times(self, seg: RepSegment) -> tuple[float, float]:
        """(up, whole rep) seconds on the hips' rise, NaN where they do not show it: up from where the
        rise began (`rise_began_s` on the hips) to 90 % of it, the whole rep between the HIPS_BACK_SHARE
        crossings up and back down. Read once a rep (its "up" and its tempo both ask)."""
        if self._hips_read[0] is seg:
            return self._hips_read[1]
        self._hips_read = (seg, self._read_hips_times(seg))
        return self._hips_read[1]

    def _read_hips_times(self, seg: RepSegment) -> tuple[float, float]:
        pts = [(f.t_s, finite_mean([f.rise_px[sd] for sd in self.legs]))
               for f in self._frames_since(seg.start_t_s - HIPS_LOOKBACK_S)]
        pts = [(t, v) for t, v in pts if math.isfinite(v)]
        if len(pts) < 3:
            return math.nan, math.nan
        inside = [(t, v) for t, v in pts if seg.start_t_s - 1e-6 <= t <= seg.end_t_s + 1e-6] or pts
        t_peak, peak = max(inside, key=lambda p: p[1])
        base = min([0.0] + [v for t, v in pts if t <= t_peak])
        if not self._height_cm(peak - base) >= self.cfg.min_rise_cm:
            return math.nan, math.nan  # no hip rise to time the rep by
        low = base + HIPS_BACK_SHARE * (peak - base)
        before = [t for t, v in pts if t < t_peak and v <= low]
        after = [t for t, v in pts if t > t_peak and v <= low]
        if not before:
            return math.nan, math.nan
        rising = [(t, v) for t, v in pts if before[-1] <= t <= t_peak]
        began = rise_began_s([t for t, _ in rising], [v for _, v in rising], base, peak)
        t_top = next((t for t, v in rising if v >= base + 0.9 * (peak - base)), math.nan)
        up_s = t_top - began if math.isfinite(began) and t_top > began else math.nan
        # hips not back down yet when the heel's rep ends: to the heel's end (the single-leg side clip's
        # rep 2, on the model's landmarks at 60 fps, had fallen back on the heel's whole segment)
        return up_s, (after[0] if after else seg.end_t_s) - before[-1]

    def _frame_s(self) -> float:
        """The time between frames (median of the recent ones). A rep's start is the last frame
        before the rise and its end the first frame back down, so its measured length runs about one
        frame long: 0.57 s at 30 fps and 0.8 s at 10 fps for the rendered too-fast rep."""
        t = [f.t_s for f in list(self._frames)[-30:]]
        return float(np.median(np.diff(t))) if len(t) > 2 else 0.0

    def _faults(self, rep: Rep, seg: RepSegment, at_end: bool) -> list[Fault]:
        c, m, out = self.cfg, rep.metrics, []
        if self._knees_bent(m["min_knee_angle_deg"]):
            # the angle said with it: a rep's line shows its first few figures only (a tester could not
            # see why a rep was told this); spoken, the headline alone (sinks.voice.spoken_text)
            out.append(Fault("bent_knees", f"Keep your knees straight: they bent to {m['min_knee_angle_deg']:.0f}°"))
        rep_s = self._rep_s(rep, seg)
        if rep_s < c.min_rep_s:  # (the time it is judged on, said: a rep's "up" alone did not explain it)
            out.append(Fault("too_fast", f"Slow down: {rep_s:.1f} s for the rep - take about 1 s up and 1 s down"))
        if not seg.lowered_fully and not at_end and not self.by_rise and \
                seg.end_value - seg.start_value > c.incomplete_lowering_fraction * seg.amplitude:
            out.append(Fault("incomplete_lowering", "Lower your heels all the way down"))
        diff = m.get("left_right_difference_pct")
        if diff is not None and self.view.view == "front" and diff > 100 * c.max_side_difference:
            side_h = self._side_lift[rep.index]
            low = "left" if side_h["left"] < side_h["right"] else "right"
            out.append(Fault("asymmetry", f"Even out: {low} heel {diff:.0f} % lower"))
        return out

    def _knees_bent(self, min_knee_deg: float) -> bool:
        if not math.isfinite(min_knee_deg) or self.view.view == "front":
            return False
        if min_knee_deg < self.cfg.bent_knee_deg:
            return True
        if not math.isfinite(self._stand_knee_deg):
            return False
        # both as the knee's own angle (`_knee_seen_whole`), as the reported least angle is
        return self._knee_seen_whole(self._stand_knee_deg) - min_knee_deg > self.cfg.knee_bend_deg

    def _knee_turn(self) -> float:
        """How much of a forward knee bend the picture shows: all of it side-on, sin(yaw) of it at 3/4
        (the bend is foreshortened toward the camera), never taken under sin(30°)."""
        yaw = self.view.yaw_deg
        if not math.isfinite(yaw):
            return 1.0  # the view unread: the picture's bend as it is, never stretched (a reviewer)
        return math.sin(math.radians(min(90.0, max(30.0, yaw))))

    def _knee_seen_whole(self, knee_px_deg: float) -> float:
        """A knee angle read in the picture, as the knee's own: its bend under 180 stretched back by the
        view (`_knee_turn`). The rendered 3/4 clip's bent rep reads 168.3 in the picture for a true 160."""
        bend_px = math.radians(max(0.0, 180.0 - knee_px_deg))
        return 180.0 - math.degrees(math.atan(math.tan(min(bend_px, math.radians(89.0))) / self._knee_turn()))

    def _best_height(self, heights: list[float]) -> float:
        return float(np.median(sorted(heights)[-self.cfg.best_of_top:]))

    def _refresh_relative(self) -> None:
        """Re-rate every rep against the best so far (an early low rep is only known later), on the
        heights shown: the body's rise, which on the real two-angle pairs agrees between the views
        rep by rep (within 0.5-2.0 cm) where the heel landmark's own lift does not (rep 1 of the
        single-leg pair read 65 % of the best at 3/4, 79 % from the side, at 10.1 and 8.9 cm)."""
        best = self._best_height([r.metrics["peak_height_cm"] for r in self.reps])
        for r in self.reps:
            h = r.metrics["peak_height_cm"]
            # "best" is the level of the best reps (best_of_top), so a rep above it is at its best: 100 %
            r.metrics["pct_of_best"] = round(min(100.0, 100 * h / best), 1) if best > 0 else 0.0
            others = [f for f in r.faults if f.code != "low_rise"]
            # bent knees lower the hips on a full heel rise: that rep's height is not the heel's, and
            # straightening the knees is the one thing to fix
            low = h < self.cfg.low_rise_fraction * best and not any(f.code == "bent_knees" for f in others)
            r.faults = rated_low(others, _low_rise(best - h) if low else None, r.under_way)

    # ---- outputs -----------------------------------------------------------------------
    @property
    def state(self) -> LiveState:
        return self._state

    def result(self) -> CheckResult:
        heights = [r.metrics["peak_height_cm"] for r in self.reps]
        summary = {"legs": list(self.legs), "best_height_cm": round(max(heights), 2) if heights else None,
                   "mean_height_cm": round(float(np.mean(heights)), 2) if heights else None,
                   "shank_length_cm": round(self.shank_cm, 1), "body_yaw_deg": round(self.view.yaw_deg, 1)
                   if math.isfinite(self.view.yaw_deg) else None}
        warnings = [n for n in (self.upright.note, self.level.note) if n]
        if not self.ready and not self.reps:
            warnings.append("Never saw you standing still with your feet in view, so nothing was counted")
        return CheckResult(self.exercise, len(self.reps), list(self.reps), self.view.view, summary,
                           distinct_corrections(self.reps), self.set_start_s, self.set_end_s,
                           {"t_s": self._trace_t, "value": self._trace_v}, "Heel height (cm)", warnings, started=self.ready or bool(self.reps))


def _low_rise(short_cm: float) -> Fault:
    # never "0 cm below": a rep judged low is at least a whole centimetre short in words
    return Fault("low_rise", f"Rise higher: {max(1.0, short_cm):.0f} cm below your best")
