"""Pictures kept for later: compressed (`KeptPictures`), or as small grey thumbnails (`MotionThumbs`).

`analyze --exercise auto` reads the clip's first seconds before it knows what to draw on them.
Their pictures are kept as JPEG (a 720p picture: ~90 KB against 2.7 MB raw, so 10 s at 30 fps is
~27 MB) on the decoder's thread, which has time to spare while the model runs; once the exercise
is named they are drawn and encoded from here instead of decoding the clip again (measured on the
2-core machine at 720p: ~4 ms to compress and ~5 ms to expand a picture, against ~14 ms to decode
two 1080p60 frames again).
"""
from __future__ import annotations

import numpy as np

# JPEG quality of a kept picture: at 90 a 720p phone picture comes back within ~0.8 grey levels on
# average (measured: 0.80 at 90, 1.02 at 80), well under what the annotated video's H.264 (crf 23)
# changes anyway.
KEPT_JPEG_QUALITY = 90


class KeptPictures:
    """Pictures in the order `add`ed, from the first; `add` does nothing once `stop()` is called
    (so `len` pictures are always the first ones). Appended from one thread, read from another."""

    def __init__(self, quality: int = KEPT_JPEG_QUALITY) -> None:
        self.quality = quality
        self._jpegs: list[np.ndarray] = []
        self.keeping = True

    def add(self, picture_rgb: np.ndarray) -> None:
        if not self.keeping:
            return
        jpegs = self._jpegs  # `clear()` may swap the list while this one is compressed
        import cv2
        # the channels are stored in the order given and come back in it (JPEG's colour transform
        # is applied to them as if BGR; the round trip is the same either way)
        ok, jpeg = cv2.imencode(".jpg", picture_rgb, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:  # never seen; the caller then decodes the clip again
            self.keeping = False
            return
        jpegs.append(jpeg)

    def stop(self) -> None:
        """Keep no more (those kept stay)."""
        self.keeping = False

    def clear(self) -> None:
        self.keeping = False
        self._jpegs = []

    def __len__(self) -> int:
        return len(self._jpegs)

    def compressed(self, i: int) -> np.ndarray:
        return self._jpegs[i]

    @staticmethod
    def expand(jpeg: np.ndarray) -> np.ndarray:
        """The picture back (HxWx3 uint8, channels as given to `add`)."""
        import cv2
        return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


# Thumbnail size: the movement of a limb across a picture shows at any size, and 48 px keeps a
# minute at 15 fps in ~4 MB (counts were the same at 96 px on every clip of the study in `signals.motion`).
MOTION_THUMB_SHORT_PX = 48
# Frames a second kept: reps take a second or more; 15 fps counted as 30 fps did on every clip.
MOTION_MAX_FPS = 15.0
# At most this many kept (5 min at 15 fps, ~18 MB, ~75 MB as the floats the counting works on): a
# longer clip keeps every other one from then on, and so on (7.5 fps still sees a 1 s rep 7 times).
MOTION_MAX_THUMBS = 4500
# Raised whenever a thumbnail is made differently (kept thumbnails, e.g. eval's cache, are then made again).
THUMBS_VERSION = 2
# Frame times are rounded to the millisecond: a frame this much early still counts as on time.
RATE_SLACK_MS = 1.0


class MotionThumbs:
    """Small grey pictures of a clip's frames, at most MOTION_MAX_FPS a second and MOTION_MAX_THUMBS
    in all (`add` from one thread, read after)."""

    def __init__(self, max_fps: float = MOTION_MAX_FPS, short_px: int = MOTION_THUMB_SHORT_PX) -> None:
        self.max_fps = max_fps
        self.short_px = short_px
        self.t_ms: list[float] = []
        self.thumbs: list[np.ndarray] = []

    def add(self, t_ms: float, picture_rgb: np.ndarray) -> None:
        if self.t_ms and t_ms - self.t_ms[-1] < 1000.0 / self.max_fps - RATE_SLACK_MS:
            return
        if len(self.thumbs) >= MOTION_MAX_THUMBS:  # a long clip: half the rate, memory stays bounded
            self.thumbs, self.t_ms = self.thumbs[::2], self.t_ms[::2]
            self.max_fps /= 2.0
            if t_ms - self.t_ms[-1] < 1000.0 / self.max_fps - RATE_SLACK_MS:
                return
        import cv2
        h, w = picture_rgb.shape[:2]
        k = self.short_px / min(h, w)
        size = (max(2, round(w * k)), max(2, round(h * k)))
        grey = cv2.cvtColor(picture_rgb, cv2.COLOR_RGB2GRAY)
        # averaged down by a whole factor first (OpenCV's fast path: its general area resize took
        # ~2 ms of the decoder thread's CPU a 720p picture, this ~0.4 ms), the edge rows it leaves out
        # under that factor
        step = max(1, min(h, w) // (2 * self.short_px))
        if step > 1:
            grey = cv2.resize(grey[:h - h % step, :w - w % step], ((w - w % step) // step, (h - h % step) // step),
                              interpolation=cv2.INTER_AREA)
        self.thumbs.append(cv2.resize(grey, size, interpolation=cv2.INTER_AREA))
        self.t_ms.append(t_ms)

    def __len__(self) -> int:
        return len(self.thumbs)

    def arrays(self, until_ms: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(t_ms, thumbnails as T x H x W uint8), those up to until_ms when given."""
        n = len(self.thumbs) if until_ms is None else sum(1 for t in self.t_ms if t <= until_ms)
        if not n:
            return np.zeros(0), np.zeros((0, self.short_px, self.short_px), np.uint8)
        return np.asarray(self.t_ms[:n], float), np.stack(self.thumbs[:n])
