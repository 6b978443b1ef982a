"""Which exercise is this? Body position first, then which joints move, within the first reps.

`setup.features` measures the first seconds of a clip; each exercise declares beside its checker
what those features look like (`Checker.recognize`, tried in `recognition_rank` order), so adding
an exercise is one checker file. What is not one of the exercises (a squat, a lunge) and what
cannot be judged (too little of the person seen) is decided here, first. When nothing fits
clearly the answer is None with the reason: guessing wrong is worse than asking.
"""
from __future__ import annotations

import os

from formcheck.body.posture import STANDING, UNKNOWN
from formcheck.errors import FormcheckError
from formcheck.pose.types import PoseSeries
from formcheck.setup.features import WINDOW_S, Features, features

# Need at least this much of the window with somebody in it.
MIN_FOUND_S = 2.0
# ... and somebody in at least this share of its frames: the counting rule's bar
# (pipeline.MIN_FOUND_TO_COUNT); below it the "person" is often the model's guess at a part of one.
MIN_FOUND_SHARE = 0.6

# The whole body (shoulders, hips, a knee, an ankle) seen in at least half the frames with somebody:
# a picture of the legs only (a self-filmed machine, a phone on the floor) leaves the model guessing a
# trunk, and the posture read from a guessed trunk named a leg extension and a leg press "lying"
# (0.35 and 0.65 knee visibility on those clips; the labelled full-body clips 0.9-1.0).
MIN_BODY_SEEN_SHARE = 0.5

# Standing. A knee bending over 45° is a squat or a lunge (calf raises and hip abduction keep
# the stance knee near straight: 2-11° of range on the real clips; squats and lunges 80-110°).
SQUAT_KNEE_RANGE_DEG = 45.0


def classify(f: Features) -> tuple[str | None, str]:
    """(exercise id or None, the reason in plain words)."""
    from formcheck.checkers import all_checkers
    if f.found_s < MIN_FOUND_S:
        return None, "nobody was seen long enough"
    if f.found_share < MIN_FOUND_SHARE:
        return None, f"could not see enough of you (found in {100 * f.found_share:.0f} % of the frames)"
    if f.body_seen_share < MIN_BODY_SEEN_SHARE:
        return None, "could not see your whole body, shoulders to feet"
    if f.posture == UNKNOWN:
        return None, "could not tell standing, seated or lying"
    if f.posture == STANDING and f.knee_range_deg > SQUAT_KNEE_RANGE_DEG:
        return None, f"standing with knees bending {f.knee_range_deg:.0f}°: a squat or lunge is not one of the exercises"
    for cls in sorted(all_checkers().values(), key=lambda c: (c.recognition_rank, c.exercise)):
        reason = cls.recognize(f)
        if reason is not None:
            return cls.exercise, reason
    return None, f"{f.posture}, but no exercise movement seen"


def recognize_series(series: PoseSeries, window_s: float = WINDOW_S) -> tuple[str | None, str]:
    """(exercise id, reason) from the first seconds of a landmark series; None when not one of ours.

    A picture turned on its side shows a standing or seated person lying (body.upright): when the
    picture as it is shows none of the exercises and the trunk and a shin agree on a turn, the
    landmarks turned back are tried, for the exercises done upright only (a lying exercise that
    is recognised as filmed stays what it is)."""
    from formcheck.body.upright import series_turn, turned_back_series
    from formcheck.checkers import all_checkers
    exercise, reason = classify(features(series, window_s))
    if exercise is None:
        quarters = series_turn(series, window_s)
        if quarters:
            turned, why = classify(features(turned_back_series(series, quarters), window_s))
            if turned is not None and all_checkers()[turned].upright_body:
                return turned, f"{why} (the picture is turned on its side)"
    return exercise, reason


def name_exercise(series: PoseSeries, window_s: float = WINDOW_S) -> str:
    """The exercise in a series' first `window_s` seconds; FormcheckError when unsure."""
    exercise, reason = recognize_series(series, window_s)
    if exercise is None:
        raise FormcheckError(f"could not tell which exercise this is ({reason}); pass --exercise")
    return exercise


def recognize_clip(path: str | os.PathLike, model: str | os.PathLike | None = None,
                   window_s: float = WINDOW_S) -> str:
    """Run the pose model over the clip's first `window_s` seconds and name the exercise.

    Raises FormcheckError when unsure (the user then names it with --exercise). `formcheck
    analyze --exercise auto` does not call this: it recognises from the stream it already reads.
    """
    from formcheck.pose.stream import clip_series
    return name_exercise(clip_series(path, model, until_ms=1000.0 * window_s), window_s)
