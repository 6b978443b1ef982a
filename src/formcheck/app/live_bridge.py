"""Between the browser's camera (streamlit-webrtc's frame thread) and the live page.

The frame callback runs on streamlit-webrtc's worker thread and must stay fast: it runs
the live session on the newest frame only (streamlit-webrtc hands it the latest frame and
drops the ones that queued up meanwhile) and posts a small snapshot for the page; the page
reads the newest snapshot and never blocks the callback. One engine (so one pose model)
per camera session: made on the first frame, closed when the camera stops.
"""
from __future__ import annotations

import copy
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import numpy as np

from formcheck.events import Event, EventKind

log = logging.getLogger("formcheck.app.live")

# Events whose words the page shows as "the latest thing said": corrections (checker CUE) and the
# workout flow's hints, set-done, rest and done lines (not the counting itself, which has its tile).
SHOWN_KINDS = frozenset({EventKind.CUE, EventKind.HINT, EventKind.GET_READY, EventKind.SET_DONE, EventKind.REST,
                         EventKind.DONE, EventKind.STOPPED})
MESSAGE_SHOW_S = 6.0  # a line stays on the page this long after it was said
# After Stop, streamlit-webrtc closes the session on its own thread (`on_video_ended`), usually well
# within a second; the page waits this long for that before it closes the session itself. Measured: in
# CI on a loaded 2-core machine that call came after the page had already redrawn, and the page was never
# redrawn again, so "Stopped. N reps saved" never showed (twice, 30 s and 90 s waits in the test).
STOP_SETTLE_S = 3.0


class Engine(Protocol):  # formcheck.run.session.LiveSession
    def process(self, image_rgb: np.ndarray, t_ms: float) -> tuple[np.ndarray, list[Event]]: ...

    @property
    def state(self) -> Any: ...

    def close(self) -> Any: ...


@dataclass
class Snapshot:
    """What the page shows: plain values copied out of the engine on the frame thread."""

    frames: int  # frames checked in this camera session
    fps: float  # frames checked per second, recently
    state: Any  # the engine's state object (its fields are read, never written, by the page)
    reps: list[dict[str, Any]] = field(default_factory=list)  # rep dicts, as in the report
    cues: list[str] = field(default_factory=list)  # corrections and workout lines so far, newest last
    summary: Any = None  # the engine's close() result, once the camera stopped
    error: str | None = None
    message: str | None = None  # the newest correction or workout line, while it is fresh
    beat: str | None = None  # the metronome's current beat ("up" / "down") while a paced set is on


class LiveBridge:
    def __init__(self, factory: Callable[[], Engine], clock: Callable[[], float] = time.monotonic,
                 voice: Any = None, metronome: Any = None) -> None:
        self._factory = factory
        self.voice = voice  # formcheck.app.speech.BrowserVoice, or None: silent
        # formcheck.sinks.voice.Metronome, or None: paces the sets the engine says are paced (`metronome_on`)
        self.metronome = metronome
        self._beat: str | None = None
        self._clock = clock
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._t0 = 0.0
        self._last_t_ms = -1.0
        self._frames = 0
        self._rate_t: list[float] = []
        self._reps: list[dict[str, Any]] = []
        self._cues: list[str] = []
        self._message: tuple[float, str] | None = None  # (t_ms, text)
        self._closed_by_page = False  # the page closed the session: late frames of that stream are dropped
        self._late_ends_owed = 0  # on_video_ended calls still to come for sessions the page closed
        self.snapshots: queue.Queue[Snapshot] = queue.Queue(maxsize=1)
        self.last: Snapshot | None = None  # the page's copy of the newest snapshot

    # ---- frame thread ----------------------------------------------------------------
    def process_rgb(self, image_rgb: np.ndarray) -> np.ndarray:
        """Run the engine on one frame; returns the annotated frame (the input, if it failed)."""
        with self._lock:
            if self._engine is None and self._closed_by_page:
                return image_rgb  # a late frame of a camera session the page has closed
            try:
                if self._engine is None:
                    self._engine = self._factory()
                    self._t0 = self._clock()
                    self._frames, self._reps, self._cues, self._last_t_ms = 0, [], [], -1.0
                    self._message = None
                    self._beat = None
                    if self.voice is not None:
                        self.voice.reset()
                    if self.metronome is not None:
                        self.metronome.update(0.0, False)  # a new session starts its beats afresh
                t_ms = max((self._clock() - self._t0) * 1000.0, self._last_t_ms + 1.0)  # wall clock, increasing
                self._last_t_ms = t_ms
                out, events = self._engine.process(image_rgb, t_ms)
            except Exception as exc:
                from formcheck.app.messages import one_line
                self._post(Snapshot(self._frames, 0.0, None, list(self._reps), list(self._cues),
                                    error=one_line(exc)))
                return image_rgb
            self._frames += 1
            if self.voice is not None:
                self.voice.hear(events)
            self._pace(t_ms / 1000.0)
            now = self._clock()
            self._rate_t = [t for t in self._rate_t if now - t < 2.0] + [now]
            for ev in events:
                if ev.kind == EventKind.REP and ev.rep is not None:
                    self._reps.append(ev.rep.to_dict())
                    continue
                if ev.rep is not None:  # a fault found later: that rep's row gets it
                    row = next((i for i in range(len(self._reps) - 1, -1, -1)
                                if self._reps[i]["index"] == ev.rep.index), None)
                    if row is not None:
                        self._reps[row] = ev.rep.to_dict()
                if ev.kind in SHOWN_KINDS and ev.text:
                    self._cues.append(ev.text)
                    self._message = (t_ms, ev.text)
            fps = (len(self._rate_t) - 1) / max(1e-6, self._rate_t[-1] - self._rate_t[0]) if len(self._rate_t) > 1 else 0.0
            fresh = self._message and t_ms - self._message[0] <= MESSAGE_SHOW_S * 1000.0
            self._post(Snapshot(self._frames, fps, copy.copy(self._engine.state), list(self._reps), self._cues[-5:],
                                message=self._message[1] if fresh else None, beat=self._beat))
            return out

    def _pace(self, t_s: float) -> None:
        """The metronome's beat for this frame: said (on time or not at all) and shown."""
        if self.metronome is None:
            return
        on = bool(getattr(self._engine, "metronome_on", False))
        for word in self.metronome.update(t_s, on):
            self._beat = word
            if self.voice is not None:
                self.voice.tick(word, t_s)
        if not on:
            self._beat = None

    def callback(self, frame):
        """streamlit-webrtc's `video_frame_callback` (av.VideoFrame in, av.VideoFrame out)."""
        import av
        out = self.process_rgb(frame.to_ndarray(format="rgb24"))
        new = av.VideoFrame.from_ndarray(np.ascontiguousarray(out), format="rgb24")
        new.pts, new.time_base = frame.pts, frame.time_base
        return new

    def end(self) -> Any:
        """The camera stopped (streamlit-webrtc's `on_video_ended`): close the engine, post the summary.

        A call owed to a session the page already closed (`settle`) closes nothing: coming late, it
        must not end the next camera session mid-set."""
        with self._lock:
            if self._late_ends_owed > 0:
                self._late_ends_owed -= 1
                return None
        return self._close()[1]

    def finish(self) -> Any:
        """Close the session now (page thread: the person picked another exercise or plan)."""
        return self._close()[1]

    def _close(self, by_page: bool = False) -> tuple[bool, Any]:
        """(whether a session was open, its summary). by_page: the page closes it (`settle`); late
        frames of that stream are dropped and the stream's own `end` call is owed."""
        with self._lock:
            engine, self._engine = self._engine, None
            if engine is None:
                return False, None
            if by_page:
                self._closed_by_page = True
                self._late_ends_owed += 1
            try:
                summary = engine.close()
            except Exception as exc:
                log.exception("closing the live session failed")
                summary, err = None, str(exc)
            else:
                err = None
            store = getattr(engine, "store", None)
            if store is not None:  # the factory opened it for this camera session
                store.close()
            self._post(Snapshot(self._frames, 0.0, engine.state, list(self._reps), self._cues[-5:], summary, err))
            return True, summary

    def _post(self, snap: Snapshot) -> None:
        """Keep only the newest snapshot: a slow page never holds up the camera."""
        try:
            self.snapshots.get_nowait()
        except queue.Empty:
            pass
        try:
            self.snapshots.put_nowait(snap)
        except queue.Full:
            pass

    # ---- page thread -----------------------------------------------------------------
    def latest(self, timeout_s: float = 0.0) -> Snapshot | None:
        """The newest snapshot (waiting up to timeout_s for a new one), else the last one seen."""
        try:
            self.last = self.snapshots.get(timeout=timeout_s) if timeout_s > 0 else self.snapshots.get_nowait()
        except queue.Empty:
            pass
        return self.last

    def settle(self, wait_s: float = STOP_SETTLE_S) -> Snapshot | None:
        """The camera is stopped: the newest snapshot, with the session's summary once it is closed.

        Waits up to wait_s for streamlit-webrtc to close the session on its own thread, then closes it
        here, so what was counted is saved and said even when that call comes late or never."""
        deadline = time.monotonic() + wait_s
        while self.running and time.monotonic() < deadline:
            self.latest(timeout_s=0.1)
        self._close(by_page=True)  # also waits for a close in progress on the other thread
        return self.latest()

    def arm(self) -> None:
        """The camera is starting or playing (page thread): frames start a session again."""
        with self._lock:
            self._closed_by_page = False

    def speech_due(self):
        """The next voice clip to play now (a `speech.Clip`), or None."""
        if self.voice is None or self._engine is None:
            return None
        return self.voice.due(self._clock() - self._t0)

    @property
    def running(self) -> bool:
        return self._engine is not None
