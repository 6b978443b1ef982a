"""Camera and clip sources for live mode, and the newest-frame latch between capture and inference.

The capture thread reads the source and keeps only the newest frame: when inference is slower
than the camera, old frames are dropped, never queued, so what is shown and counted is now.
"""
from __future__ import annotations

import threading
import time
from typing import Protocol

from formcheck.io.video import CameraError, LiveFrame


class LiveSource(Protocol):
    is_clip: bool

    def read(self) -> LiveFrame | None: ...

    def close(self) -> None: ...


class LatestFrame:
    """A capture thread that keeps only the newest frame.

    `get()` returns the newest frame not yet handed out (waiting for one if needed), None
    once the source has ended, and re-raises the source's error. With `drop=False` the
    capture thread waits for each frame to be taken instead (every frame is processed:
    tests and clip replays that must match `analyze`).
    """

    def __init__(self, source: LiveSource, *, drop: bool = True) -> None:
        self.source = source
        self.drop = drop
        self.captured = 0
        self.dropped = 0
        self._frame: LiveFrame | None = None
        self._ended = False
        self._error: BaseException | None = None
        self._stop = False
        self._cv = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="formcheck-capture", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cv:
                if not self.drop:
                    while self._frame is not None and not self._stop:
                        self._cv.wait()
                if self._stop:
                    return
            try:
                frame = self.source.read()
            except BaseException as exc:  # handed to the consumer, which decides
                with self._cv:
                    self._error = exc
                    self._cv.notify_all()
                return
            with self._cv:
                if frame is None:
                    self._ended = True
                    self._cv.notify_all()
                    return
                self.captured += 1
                if self._frame is not None:
                    self.dropped += 1
                self._frame = frame
                self._cv.notify_all()

    def get(self, timeout_s: float = 5.0) -> LiveFrame | None:
        with self._cv:
            end = time.monotonic() + timeout_s
            while self._frame is None and not self._ended and self._error is None:
                left = end - time.monotonic()
                if left <= 0:
                    raise CameraError("the camera sent no picture for "
                                      f"{timeout_s:.0f} seconds (unplugged, or covered?)")
                self._cv.wait(left)
            if self._frame is not None:
                frame, self._frame = self._frame, None
                self._cv.notify_all()
                return frame
            if self._error is not None:
                raise self._error
            return None

    def stop(self) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify_all()
        self._thread.join(timeout=2.0)
