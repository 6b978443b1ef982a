"""Does the camera view suit the exercise? A few seconds of samples in, plain-word advice out.

Checked in order of what to fix first: is anybody seen (light), are the feet in the picture
(step back), is the picture clear (light), and is the body turned the way the exercise is
best seen (each checker's `best_views`: side-on for heights and knee angles, facing the
camera for hip width, knee tracking and left/right evenness). A pure function of the samples
and the checker class, so analyze and the live mode give the same advice.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from formcheck.checkers.base import Checker
from formcheck.pose.landmarks import LEG, SIDES
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.pose.types import MIN_VISIBILITY, PeopleSighting, PoseSample
from formcheck.body.measures import heel_hidden
from formcheck.body.posture import LYING, dominant_posture
from formcheck.body.view import View, body_yaw_deg, classify_view

# Somebody must be found in at least half the frames to judge anything else.
MIN_FOUND_SHARE = 0.5
# Mean visibility of the body's landmarks (shoulders to toes) below this = the model is guessing
# (0.5 is MediaPipe's usual in-view cut; well-lit real clips read 0.7-0.96).
MIN_MEAN_VISIBILITY = 0.55
# Feet count as out of the picture when no foot is seen in more than this share of frames.
MAX_FEET_MISSING_SHARE = 0.5
# The person must be at least this many pixels long in the picture: the landmark model reads the
# person from a 256-px crop, so a smaller person is upsampled over 2x and the heel and toe points, a
# few px apart at that size, blur together (a 64x64 clip counted 0 of 5 reps with no word why).
MIN_BODY_PX = 120.0
# Seconds of samples looked at (enough for the median view; quick enough for live advice).
DEFAULT_WINDOW_S = 5.0

# More than one person is named only when seen in at least this share of the sampled frames, and in
# two of them at least: a passer-by in one frame, or one false find, is not "two people in view".
MIN_CROWDED_SHARE = 0.5
MIN_CROWDED_SIGHTINGS = 2

_TURN = {"side": "Turn side-on to the camera", "front": "Face the camera",
         "oblique": "Turn halfway toward the camera"}
_TURN_LYING = {"side": "Put the camera at your side", "front": "Put the camera at your feet",
               "oblique": "Put the camera at an angle to your feet"}


@dataclass(frozen=True)
class ViewAdvice:
    view: View
    messages: list[str] = field(default_factory=list)  # what to change, most important first

    @property
    def suits(self) -> bool:
        return not self.messages

    @property
    def message(self) -> str | None:
        return "; ".join(self.messages) if self.messages else None


def _foot_seen(s: PoseSample) -> bool:
    w, h = s.image_wh
    for sd in SIDES:
        pts = [LEG[sd][k] for k in ("ankle", "heel", "toe")]
        if s.seen(*pts, min_visibility=MIN_VISIBILITY):
            xy = s.xy_px[pts]
            if np.all((xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)):
                return True
    return False


def _height_px(s: PoseSample) -> float:
    """How long the seen part of the body (shoulders down) is in the picture, px: its larger extent,
    up-down standing or seated, across lying."""
    seen = s.visibility[11:] >= MIN_VISIBILITY
    return float(np.ptp(s.xy_px[11:][seen], axis=0).max()) if seen.sum() >= 2 else 0.0


def check_view(samples: Iterable[PoseSample | None], checker: type[Checker],
               window_s: float = DEFAULT_WINDOW_S, view: View | None = None) -> ViewAdvice:
    """Advice from the first `window_s` seconds of samples (None = nobody found in that frame).

    `view`: the view already estimated for this clip (the checker's, over the whole clip), so a
    report's `view` and its camera advice never disagree; None: estimated from these samples."""
    frames: list[PoseSample | None] = []
    t0: float | None = None
    for s in samples:
        if s is not None:
            t0 = s.t_s if t0 is None else t0
            if s.t_s - t0 > window_s:
                break
        frames.append(s)
    found = [s for s in frames if s is not None]
    if not frames or len(found) < MIN_FOUND_SHARE * len(frames):
        return ViewAdvice(View.UNKNOWN, ["More light, and stand where the camera sees all of you"])
    messages = []
    tall_px = float(np.median([_height_px(s) for s in found]))
    if tall_px < MIN_BODY_PX:
        messages.append(f"Move closer or film in a higher resolution: you are only {tall_px:.0f} px tall in the "
                        f"picture, too small to measure")
    unseen = [s for s in found if not _foot_seen(s)]
    if len(unseen) > MAX_FEET_MISSING_SHARE * len(found):
        hidden = [s for s in unseen if heel_hidden(s)]
        if len(hidden) > 0.5 * len(unseen):  # the feet are there, the heels hidden
            # a checker that counts on the body's rise needs the hips instead of the heel
            if not (checker.counts_heel_hidden and
                    sum(s.seen(L.LEFT_HIP, L.RIGHT_HIP) for s in hidden) > 0.5 * len(hidden)):
                messages.append("Turn side-on or at an angle to the camera: facing it, your heel is hidden "
                                "behind your foot")
        else:
            messages.append("Step back: your feet are out of the picture")
    if float(np.mean([s.visibility[11:].mean() for s in found])) < MIN_MEAN_VISIBILITY:
        messages.append("More light: the camera cannot see you clearly")
    if view is None:
        yaws = [y for y in map(body_yaw_deg, found) if math.isfinite(y)]
        view = classify_view(float(np.median(yaws))) if yaws else View.UNKNOWN
    best = checker.best_views
    if view != View.UNKNOWN and best and view not in best:
        words = _TURN_LYING if dominant_posture(found) == LYING else _TURN
        messages.append(f"{words[best[0]]} ({checker.title} is best seen {_VIEW_WORDS[best[0]]})")
    return ViewAdvice(view, messages)


_VIEW_WORDS = {"side": "from the side", "front": "from the front", "oblique": "at an angle"}


def people_advice(sightings: list[PeopleSighting]) -> str | None:
    """"Two people in view: counting the one on the left" when the sampled frames mostly hold more
    than one person; None when they hold one (or nobody)."""
    crowded = [s for s in sightings if len(s.centres) > 1]
    if len(crowded) < MIN_CROWDED_SIGHTINGS or len(crowded) < MIN_CROWDED_SHARE * len(sightings):
        return None
    most = max(len(s.centres) for s in crowded)
    who = "Two people" if most == 2 else f"{most} people"
    places = [_place(s) for s in crowded if s.counted is not None]
    place = max(set(places), key=places.count) if places else None
    counted = f"counting the one {place}" if place else "counting the one the camera sees best"
    return f"{who} in view: {counted}; film one person at a time for a sure count"


def _place(s: PeopleSighting) -> str:
    """Where the counted person stands among everybody found: on the left, on the right, in the middle."""
    xs = sorted(c[0] for c in s.centres)
    nearest = min(range(len(s.centres)), key=lambda i: math.dist(s.centres[i], s.counted))
    rank = xs.index(s.centres[nearest][0])
    return "on the left" if rank == 0 else "on the right" if rank == len(xs) - 1 else "in the middle"
