"""The checker interface every exercise implements, and the values it produces.

A checker is stateful and streaming: `update(t_ms, sample) -> list[Event]` once per frame
(sample is None when nobody was found), `finish(t_ms)` at the end. It never touches a model,
a camera or a frame, so it runs the same on a live camera, a clip, or a recorded
`PoseSeries` (see `run_on_series`), and its output is a pure function of that series.
"""
from __future__ import annotations

import math

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from formcheck.events import Event, EventKind, Fault, Rep
from formcheck.pose.types import MIN_VISIBILITY, PoseSample, PoseSeries

# The event vocabulary lives in `formcheck.events`; re-exported here so a checker imports its
# whole interface from one module.
__all__ = ["Checker", "CheckerConfig", "CheckResult", "CountedFrom", "Event", "EventKind", "Fault", "LiveState", "Mode", "Rep",
           "distinct_corrections", "nanmedian_or_none", "run_on_series"]

if TYPE_CHECKING:
    from formcheck.setup.features import Features


class CountedFrom(str, Enum):
    """What a result's count was read from."""
    POSE = "pose"  # the body's landmarks
    MOTION = "motion"  # the picture's movement alone (the body could not be seen): no form checks


class Mode(str, Enum):
    REPS = "reps"  # counts repetitions
    HOLD = "hold"  # times how long a position is held
    TIMER = "timer"  # times active movement (rolling, tracing)


@dataclass(frozen=True)
class CheckerConfig:
    """What every checker's config holds (each checker's config subclasses it)."""

    # A landmark seen less surely than this is not measured from (pose.types.MIN_VISIBILITY:
    # MediaPipe's usual cut between "in view" and "guessed").
    min_visibility: float = MIN_VISIBILITY
    # While getting ready (holding the start position), frames where the legs are not seen surely
    # enough for this long or less are stepped over, not a fresh start: the model's visibility of a
    # foot or knee flickers below the cut for a frame or a few. Restarting on each flicker put the
    # set's start after the first rep (the rep was lost) on 5 of 14 labelled clips with a fifth of
    # their frames' foot visibility lowered at random (perturbation "feet unsure"); 0.3 s is 3-9
    # frames at 10-30 fps, far shorter than walking into the picture.
    ready_gap_s: float = 0.3


@dataclass
class LiveState:
    """What the overlay and app show right now; plain values only."""

    exercise: str
    title: str
    rep_count: int = 0
    status: str = "Getting ready"  # plain words: "Stand still to start", "Counting", ...
    bar_label: str = ""  # e.g. "Heel height"
    bar_value: float | None = None  # current value of the live bar, in bar_unit
    bar_best: float | None = None  # the person's best so far (bar is drawn against it)
    bar_unit: str = ""  # "cm", "°", "%"
    latest_cue: str | None = None
    hold_s: float | None = None  # for HOLD/TIMER exercises
    side: str | None = None
    trace_xy_px: list[tuple[float, float]] = field(default_factory=list)  # e.g. the ankle alphabet path


def snapshot(state: LiveState) -> LiveState:
    """A copy of a checker's live state that later updates do not change (checkers update theirs
    in place): what a frame drawn on another thread must show."""
    return replace(state, trace_xy_px=list(state.trace_xy_px))


@dataclass
class CheckResult:
    exercise: str
    rep_count: int
    reps: list[Rep]
    view: str  # a body.view.View: "side" | "oblique" | "front" | "unknown"
    summary: dict[str, Any] = field(default_factory=dict)  # exercise-level figures (hold_s, per-side counts)
    corrections: list[str] = field(default_factory=list)  # distinct corrections, most frequent first
    set_start_s: float | None = None
    set_end_s: float | None = None
    signal: dict[str, list[float]] = field(default_factory=dict)  # {"t_s": [...], "value": [...]} for charts
    signal_label: str = ""
    warnings: list[str] = field(default_factory=list)
    # False: the checker never saw the start position (so it never began to count); with the body
    # seen in pieces, the count then comes from the picture's movement (run.review.enough_seen)
    started: bool = True
    # what the count was read from (the body, or the picture's movement when the body could not be seen)
    counted_from: CountedFrom = CountedFrom.POSE

    def __post_init__(self) -> None:
        # The set spans its reps: a checker that found its start position mid-rep (a still top
        # hold, a clip that starts moving) counted the frames before it, and its reps with them.
        reps = [r for r in self.reps if isinstance(r, Rep)]  # (a report read back may hold plain dicts)
        if reps and self.set_start_s is not None:
            self.set_start_s = min(self.set_start_s, min(r.start_s for r in reps))
        if reps and self.set_end_s is not None:
            self.set_end_s = max(self.set_end_s, max(r.end_s for r in reps))


class Checker(ABC):
    """Base for one exercise. Subclasses set the class attributes and implement the methods."""

    exercise: ClassVar[str]  # the id: "calf_raise"
    title: ClassVar[str]  # plain words: "Floor calf raise"
    mode: ClassVar[Mode] = Mode.REPS
    checks: ClassVar[tuple[str, ...]] = ()  # what it checks, in plain words, for `formcheck exercises`
    best_views: ClassVar[tuple[str, ...]] = ("side", "oblique")
    # Counts with the heel hidden behind its foot (a single-leg stance facing the camera) as long as
    # the hips are seen: on the body's rise (the floor calf raise). The camera advice then does not ask
    # the person to turn.
    counts_heel_hidden: ClassVar[bool] = False
    # Done with the body upright (standing or seated): a picture turned on its side is read turned
    # back (body.upright.UprightPicture), before anything is measured.
    upright_body: ClassVar[bool] = False
    # Done standing on the feet: a camera rolled a little (a phone propped up leaning) is levelled on
    # the standing body's balance line (body.level.LevelPicture), before anything is measured.
    standing_body: ClassVar[bool] = False
    # Recognition (--exercise auto): exercises are tried in this order (lower first; only the
    # order among exercises of one posture matters), and the first whose `recognize` answers wins.
    recognition_rank: ClassVar[int] = 100

    @classmethod
    def recognize(cls, f: "Features") -> str | None:
        """The reason in plain words when the first seconds' features (`setup.features`) show
        this exercise, else None. Default: never recognised (named with --exercise only)."""
        return None

    # What the camera does for it, in plain words, where the mode alone would overstate it
    # (None: said from the mode: "Counts reps, checks form", "Times the hold", "Times the movement").
    camera_does: ClassVar[str | None] = None

    @abstractmethod
    def update(self, t_ms: float, sample: PoseSample | None) -> list[Event]:
        """Feed one frame (None: nobody found). Returns what happened in this frame."""

    def seen_upright(self, sample: PoseSample | None) -> PoseSample | None:
        """A sample as this checker reads it now: turned back when it reads the picture turned
        (`upright_body`; body.upright), else as it is. For what else reads the body beside the
        checker (the live camera advice); the overlay draws on the picture as it is."""
        upright = getattr(self, "upright", None)
        if sample is None or upright is None or not upright.applied:
            return sample
        from formcheck.body.upright import turned_back
        return turned_back(sample, upright.applied)

    def finish(self, t_ms: float) -> list[Event]:
        """The stream ended; close anything open. Default: nothing."""
        return []

    @property
    @abstractmethod
    def state(self) -> LiveState:
        """What to draw now."""

    @property
    def timed_s(self) -> float | None:
        """Seconds timed so far (holds held, movement seen), never decreasing; None for a checker
        that times nothing (it counts reps). The workout flow times a timed set by what this gains."""
        return None

    @abstractmethod
    def result(self) -> CheckResult:
        """Everything counted and found so far (valid mid-stream, too)."""


def run_on_series(checker: Checker, series: PoseSeries) -> tuple[CheckResult, list[Event]]:
    """Feed a recorded series through a checker: the pure-function form used by tests and eval."""
    events: list[Event] = []
    t_last = 0.0
    for t_ms, sample in series.samples():
        events.extend(checker.update(t_ms, sample))
        t_last = t_ms
    events.extend(checker.finish(t_last))
    return checker.result(), events


def distinct_corrections(reps: list[Rep]) -> list[str]:
    """Corrections by fault code, most frequent first, each once (the latest wording)."""
    counts: dict[str, int] = {}
    latest: dict[str, str] = {}
    for rep in reps:
        for f in rep.faults:
            counts[f.code] = counts.get(f.code, 0) + 1
            latest[f.code] = f.message
    return [latest[c] for c in sorted(counts, key=lambda c: -counts[c])]


def nanmedian_or_none(values: list[float] | np.ndarray) -> float | None:
    arr = np.asarray(values, float)
    arr = arr[np.isfinite(arr)]
    return float(np.median(arr)) if arr.size else None


def finite_mean(values: list[float] | np.ndarray) -> float:
    """Mean of the finite values; NaN when there are none (without numpy's 'Mean of empty slice'
    warning, which would land on the user's terminal)."""
    arr = np.asarray(values, float)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if arr.size else math.nan


# A set whose first frame is this close to the first frame the person was seen in starts with the
# clip (or the camera): the clip may have been cut part-way up a rep's rise, and the still moment the
# set started from may be that rep's top. Two frames at 10 fps; a set begun later began from a
# position the person was seen taking.
OPENS_CLIP_S = 0.2


def opens_clip(set_first_t_s: float, first_seen_t_s: float | None) -> bool:
    """The set's frames begin with the person's first frame in the clip (within OPENS_CLIP_S)."""
    return first_seen_t_s is not None and set_first_t_s - first_seen_t_s <= OPENS_CLIP_S


# A rep already under way when the clip began (its rise had begun before the person's first frame,
# `rise_began_s`) is counted, but its tempo and its range are not judged: the clip did not show its start.
# On cuts of the labelled clips every 0.05 s around their first rep, 38 of the first reps counted got a
# "Slow down" or "Go further" that the whole clip does not give them.
UNSEEN_START_FAULTS = frozenset({"too_fast", "low_rise"})
# Where a rise began, read back from its own speed where it is quickest: the line through its 50 % and 90 %
# crossings (the signal's slow drift before a rise, or the model settling in its first frames, moves
# neither: with 20 % and 80 %, the real 3/4 calf raise's creep at 17-28 % of its rise before it set the
# rise's start at 0.16 s for a rise at ~0.8 s, on the model's landmarks run at 60 fps).
RISE_FIT_SHARES = (0.5, 0.9)


def rise_began_s(t_s: list[float], values: list[float], low: float, high: float) -> float:
    """When a rise from `low` to `high` began, at its own speed: the line through the times the values
    last crossed RISE_FIT_SHARES[0] on the way up and first reached RISE_FIT_SHARES[1], extended back to
    `low`. A rep's counted
    start is the last moment near its valley, which a slow drift up from the first frame puts at the
    clip's start (the real 3/4 calf raise: 0.07 s for a rise that begins at 0.7 s); a wobble or a
    frame of jitter over the first share before the rise is not its start (the crossing the rise made is).
    NaN without both crossings."""
    a, b = (low + share * (high - low) for share in RISE_FIT_SHARES)
    pts = [(t, v) for t, v in zip(t_s, values) if math.isfinite(v)]
    i_b = next((i for i, (t, v) in enumerate(pts) if v >= b), None)
    if i_b is None:
        return math.nan
    i_a = i_b
    while i_a > 0 and pts[i_a - 1][1] >= a:  # back from the top share while over the first: this rise's own
        i_a -= 1
    t_a, t_b = pts[i_a][0], pts[i_b][0]
    fa, fb = RISE_FIT_SHARES
    return t_a - (t_b - t_a) * fa / (fb - fa)


def under_way_at_start(rise_began: float, rep_start_s: float, first_seen_t_s: float | None) -> bool:
    """The rep's rise had begun by the person's first frame (within OPENS_CLIP_S): the clip cut into it.
    Without a reading of the rise (`rise_began_s` NaN), the rep's counted start says."""
    return opens_clip(rise_began if math.isfinite(rise_began) else rep_start_s, first_seen_t_s)


def judged_whole(faults: list[Fault], under_way: bool) -> list[Fault]:
    """The rep's faults, less those UNSEEN_START_FAULTS when the clip began during it (`Rep.under_way`)."""
    return [f for f in faults if f.code not in UNSEEN_START_FAULTS] if under_way else faults


def rated_low(faults: list[Fault], low: Fault | None, under_way: bool) -> list[Fault]:
    """The rep's faults with its "low_rise" (its range against the best so far, which every new rep may
    change) set anew: `low` first when the rep fell short, judged as the rep's other faults are
    (`judged_whole`: none for a rep the clip began during)."""
    others = [f for f in faults if f.code != "low_rise"]
    return judged_whole(([low] if low is not None else []) + others, under_way)


def seen_whole(metrics: dict[str, float], start_figures: tuple[str, ...], under_way: bool) -> dict[str, float]:
    """The rep's figures, those read at its start (`start_figures`: its first phase's time, e.g. "rise_s",
    and any figure taken from where it set off) not measured (NaN: not shown, and no "best" for other reps
    to fall short of) when the clip began during it: a tester saw "up 0.1 s" for a rise the clip had cut,
    and a leg extension cut mid-lift read "knees at the start 38°, range 140°", which made the whole reps'
    90° "50° less than your best"."""
    if under_way:
        for key in start_figures:
            if key in metrics:
                metrics[key] = math.nan
    return metrics
