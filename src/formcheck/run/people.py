"""Live: is somebody else in view? Looked at now and then, never every frame.

The counting landmarker follows one person and cannot tell that anybody else is there, so a second
landmarker that finds several people (`pose.estimator.PeopleFinder`) looks at a frame at the times
`analyze` looks (PEOPLE_CHECK_AT_S from the start) and then every PEOPLE_RECHECK_S, and the last
PEOPLE_LOOKS_KEPT looks decide, by the same rule as the report (`setup.advice.people_advice`: most
of them, two at least), whether to say
"Two people in view: counting the one on the left". The line is said when it appears or changes.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Callable, Protocol

import numpy as np

from formcheck.pose.stream import PEOPLE_CHECK_AT_S
from formcheck.pose.types import PeopleSighting, PoseSample
from formcheck.setup.advice import people_advice

# After the first looks, look again this often: somebody may walk in or out during a workout. A look
# holds up one frame: measured at 640x480 on the 2-core machine (busy), 30-70 ms for one person
# filling the picture, 100-150 ms for two small people (looked for in tiles); a live frame takes
# ~25 ms. Frames that arrive meanwhile are skipped, as for any slow frame.
PEOPLE_RECHECK_S = 5.0
# The looks that decide: the last three, so two people are said from the second look at the start
# (1.25 s), and somebody who walks in later within two looks (5-10 s); one look that sees two (a
# passer-by, a false find) is not enough.
PEOPLE_LOOKS_KEPT = 3


class Finder(Protocol):  # pose.estimator.PeopleFinder
    def centres(self, image_rgb: np.ndarray) -> list[tuple[float, float]]: ...

    def close(self) -> None: ...


class PeopleWatch:
    """`update(t_s, image_rgb, sample)` once a frame; returns a line to say when the advice appears or
    changes. `note` is the advice now (None: one person, or nobody); `notes` every line said."""

    def __init__(self, make_finder: Callable[[], Finder]) -> None:
        self._make_finder = make_finder
        self._finder: Finder | None = None
        self._t0_s: float | None = None
        self._looks = 0
        self._last_look_s = 0.0
        self.sightings: deque[PeopleSighting] = deque(maxlen=PEOPLE_LOOKS_KEPT)
        self.note: str | None = None
        self.notes: list[str] = []
        self.look_s = 0.0  # seconds spent looking (model loading included)

    def prepare(self) -> None:
        """Load the second landmarker and run it once now (0.2-0.4 s), not on the first look."""
        if self._finder is None:
            started = time.perf_counter()
            self._finder = self._make_finder()
            self._finder.centres(np.zeros((256, 256, 3), np.uint8))  # the first inference sets the graph up
            self.look_s += time.perf_counter() - started

    def due(self, t_s: float) -> bool:
        if self._t0_s is None:
            self._t0_s = t_s
        if self._looks < len(PEOPLE_CHECK_AT_S):
            return t_s - self._t0_s >= PEOPLE_CHECK_AT_S[self._looks]
        return t_s - self._last_look_s >= PEOPLE_RECHECK_S

    def update(self, t_s: float, image_rgb: np.ndarray, sample: PoseSample | None) -> str | None:
        if not self.due(t_s):
            return None
        self.prepare()
        started = time.perf_counter()
        centres = tuple(self._finder.centres(image_rgb))
        self.look_s += time.perf_counter() - started
        self._looks += 1
        self._last_look_s = t_s
        self.sightings.append(PeopleSighting(t_s * 1000.0, centres, sample.centre() if sample is not None else None))
        advice = people_advice(list(self.sightings))
        said = advice if advice is not None and advice != self.note else None
        self.note = advice
        if said and said not in self.notes:
            self.notes.append(said)
        return said

    def close(self) -> None:
        if self._finder is not None:
            self._finder.close()
            self._finder = None
