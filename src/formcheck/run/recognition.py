"""`--exercise auto` live: keep the last seconds of samples and name the exercise from them.

The naming itself is `setup.recognize` (pure, also used by `analyze`); this holds the rolling
window and says when to try again. Once an exercise is named, `frames` holds the samples it was
named from, so the caller can replay them through the checker and count the first reps too.
"""
from __future__ import annotations

from formcheck.pose.types import PoseSample, PoseSeries
from formcheck.setup.recognize import MIN_FOUND_S, WINDOW_S, recognize_series

# Recognition looks at the last this-many seconds (recognize.WINDOW_S: the first reps of every
# exercise fit), tries again this often, and needs somebody seen for recognize.MIN_FOUND_S.
RECOGNISE_WINDOW_S = WINDOW_S
RECOGNISE_EVERY_S = 1.0
# Frame rate assumed while the window holds a single frame.
DEFAULT_FPS = 30.0
# Frame size assumed until a sample says otherwise.
DEFAULT_IMAGE_WH = (640, 480)


class LiveRecogniser:
    """`update(t_ms, sample)` once per frame: the exercise id once it is named, else None."""

    def __init__(self, window_s: float = RECOGNISE_WINDOW_S, every_s: float = RECOGNISE_EVERY_S) -> None:
        self.window_s, self.every_s = window_s, every_s
        self.frames: list[tuple[float, PoseSample | None]] = []  # (t_ms, sample), oldest first
        self._tried_s = -1e9
        self._image_wh = DEFAULT_IMAGE_WH

    def update(self, t_ms: float, sample: PoseSample | None) -> str | None:
        """The exercise, named from the frames before this one (this frame is then not kept:
        the caller feeds it to the checker after replaying `frames`)."""
        buf = self.frames
        if sample is not None:
            self._image_wh = sample.image_wh
        while buf and t_ms - buf[0][0] > 1000.0 * self.window_s:
            buf.pop(0)
        t_s = t_ms / 1000.0
        if buf and t_s - self._tried_s >= self.every_s and \
                sum(s is not None for _, s in buf) >= MIN_FOUND_S * self._fps():
            self._tried_s = t_s
            series = PoseSeries.from_samples([t for t, _ in buf], [s for _, s in buf], self._image_wh,
                                             self._fps())
            exercise, _why = recognize_series(series, self.window_s)
            if exercise is not None:
                return exercise
        buf.append((t_ms, sample))
        return None

    def _fps(self) -> float:
        buf = self.frames
        span_s = (buf[-1][0] - buf[0][0]) / 1000.0 if len(buf) > 1 else 0.0
        return (len(buf) - 1) / span_s if span_s > 0 else DEFAULT_FPS
