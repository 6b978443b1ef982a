"""Where Work out's pictures come from: the browser's camera, or one of our sample clips played as
the camera (for a person without one, or to see how it works first). Plain values, no Streamlit.

The browser says how many cameras it has (`camera_probe`); with none, the page offers the sample
clip instead of a camera button that could only fail with the browser's raw "NotFoundError".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from formcheck.app.samples import SampleClip
from formcheck.sinks.history import LIVE, LIVE_FROM_VIDEO

CAMERA = "My camera"
SAMPLE = "Try with a sample clip"

# What the browser answered (`camera_probe`): a count of cameras, or one of these.
NO_MEDIA_API = -1  # the page cannot ask for a camera at all (served over plain http to another machine)


@dataclass(frozen=True)
class SourceChoice:
    options: list[str]  # the radio's options; empty: no choice to make (only one source works)
    message: str | None  # the friendly line shown instead of a camera that cannot work


def source_choice(cameras: int | None, clips: list[SampleClip]) -> SourceChoice:
    """What the page offers, from the browser's camera count (None: not known yet, assume one)."""
    if cameras is not None and cameras <= 0:
        why = ("This browser does not let the page use a camera here (it needs the app opened on "
               "localhost or over https)." if cameras == NO_MEDIA_API else "No camera found on this computer.")
        if clips:
            return SourceChoice([], f"{why} You can still try Work out: a sample clip plays as the camera "
                                     "and is counted live, just as you would be.")
        return SourceChoice([], f"{why} There is no sample clip for this exercise: pick another exercise to try "
                                "one, or plug in a camera and reload the page.")
    return SourceChoice([CAMERA, SAMPLE] if clips else [], None)


def uses_sample(cameras: int | None, picked: str | None, clips: list[SampleClip]) -> bool:
    """True when the pictures come from a sample clip."""
    if not clips:
        return False
    return (cameras is not None and cameras <= 0) or picked == SAMPLE


def clips_for(exercise: str | None, samples: list[SampleClip]) -> list[SampleClip]:
    """The sample clips of one exercise, clean takes first (they show counting before corrections)."""
    mine = [s for s in samples if exercise and s.exercise == exercise]
    return sorted(mine, key=lambda s: ("fault" in s.path.stem, s.path.stem))


def history_source(clip: SampleClip | None) -> str:
    """How the session is saved: 'live' for the camera, 'live-clip:NAME' for a clip played as the camera."""
    return f"{LIVE_FROM_VIDEO}{clip.name}" if clip is not None else LIVE


def clip_player(path: Path) -> Callable[[], object]:
    """streamlit-webrtc's `player_factory`: the clip played in real time, looped, like a camera."""
    def factory():
        from aiortc.contrib.media import MediaPlayer
        return MediaPlayer(str(path), loop=True)
    return factory
