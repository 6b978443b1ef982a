"""Speaking counts and corrections aloud, offline, without ever holding up the capture loop.

* `EspeakSpeaker` runs the `espeak-ng` program (Debian package espeak-ng) on a worker
  thread, one utterance at a time. With no program or no audio device it warns once and
  goes silent; it never raises into the caller.
* `RecordingSpeaker` plays nothing: it records what would be said and when (tests), with
  the same rules, timing speech by an estimate of how long espeak-ng takes to say it.

The rules (shared by both, in `ThrottledSpeaker`):
* one utterance at a time;
* counts (and the countdown) are never delayed by corrections: a count drops corrections
  still waiting and cuts off one being spoken;
* a correction is only said when nothing else is being said or waiting, and the same
  correction not again within `CUE_REPEAT_S`;
* metronome ticks are said on time or not at all.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from enum import IntEnum
from typing import Callable, Iterable, Protocol

from .checkers.base import Event, EventKind
from .plans import FlowEvent, FlowKind

log = logging.getLogger("formcheck.voice")

# The same correction is not repeated within this many seconds: long enough not to nag
# through a set at ~2 s per rep, short enough that a fault that persists is said again.
CUE_REPEAT_S = 6.0
# espeak-ng's default speaking rate is 175 words per minute (espeak-ng -s); plus ~0.15 s
# to start the program and open audio. Used to estimate when an utterance will be over.
ESPEAK_WPM = 175
ESPEAK_START_S = 0.15
# The heel-rise test's cadence: 30 reps per minute, 1 s up and 1 s down (Lunsford & Perry
# 1995; Hebert-Losier et al. 2009): the metronome says "up" and "down" once a second.
HEEL_RISE_TEST_REPS_PER_MIN = 30


class Priority(IntEnum):
    CUE = 0  # corrections and position hints: dropped when busy or repeated
    TICK = 1  # metronome: on time or not at all
    ANNOUNCE = 2  # set done, rest, next exercise: queued, never dropped
    COUNT = 3  # rep counts and the countdown: never delayed by corrections


def estimate_speech_s(text: str) -> float:
    words = max(1, len(text.split()))
    return ESPEAK_START_S + words * 60.0 / ESPEAK_WPM


class Speaker(Protocol):
    def say(self, text: str, priority: Priority, t_s: float) -> None: ...

    def close(self) -> None: ...


@dataclass
class Utterance:
    text: str
    priority: Priority
    t_s: float  # when it was asked for (session time: media time for a clip, monotonic for a camera)


class ThrottledSpeaker:
    """The speaking rules; subclasses say how to play, queue and cut."""

    def __init__(self, cue_repeat_s: float = CUE_REPEAT_S) -> None:
        self.cue_repeat_s = cue_repeat_s
        self._last_said: dict[str, float] = {}
        self._lock = threading.Lock()

    def say(self, text: str, priority: Priority, t_s: float) -> None:
        text = text.strip()
        if not text:
            return
        with self._lock:
            busy = self._busy(t_s)
            if priority == Priority.CUE:
                last = self._last_said.get(text)
                if busy or (last is not None and t_s - last < self.cue_repeat_s):
                    return
            elif priority == Priority.TICK:
                if busy and not self._playing_cue(t_s):
                    return
                self._drop_queued(lambda u: u.priority <= Priority.TICK, t_s)
                self._cut_cue(t_s)
            else:  # counts and announcements go ahead of corrections
                self._drop_queued(lambda u: u.priority <= Priority.TICK, t_s)
                if priority == Priority.COUNT:
                    self._cut_cue(t_s)
            self._last_said[text] = t_s
            self._enqueue(Utterance(text, priority, t_s))

    # to implement
    def _busy(self, t_s: float) -> bool: ...

    def _playing_cue(self, t_s: float) -> bool: ...

    def _drop_queued(self, which: Callable[[Utterance], bool], t_s: float) -> None: ...

    def _cut_cue(self, t_s: float) -> None: ...

    def _enqueue(self, u: Utterance) -> None: ...

    def close(self) -> None:
        pass


@dataclass
class Spoken:
    text: str
    priority: Priority
    asked_s: float
    start_s: float  # when it would start (after what was before it)
    end_s: float  # when it would end (earlier if cut off)
    cut: bool = False


class RecordingSpeaker(ThrottledSpeaker):
    """Plays nothing; `.spoken` lists what would be said, when, with the real rules (tests)."""

    def __init__(self, cue_repeat_s: float = CUE_REPEAT_S) -> None:
        super().__init__(cue_repeat_s)
        self.spoken: list[Spoken] = []

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.spoken]

    def _busy(self, t_s: float) -> bool:
        return bool(self.spoken) and self.spoken[-1].end_s > t_s

    def _playing_cue(self, t_s: float) -> bool:
        return any(s.priority == Priority.CUE and s.start_s <= t_s < s.end_s for s in self.spoken[-3:])

    def _drop_queued(self, which, t_s: float) -> None:
        """Utterances not started by t_s are still queued: drop the matching ones, close the gaps."""
        done = [s for s in self.spoken if s.start_s <= t_s]
        queued = [s for s in self.spoken if s.start_s > t_s and not which(Utterance(s.text, s.priority, s.asked_s))]
        self.spoken = done
        for s in queued:
            self._enqueue(Utterance(s.text, s.priority, s.asked_s))

    def _cut_cue(self, t_s: float) -> None:
        for s in self.spoken[-3:]:
            if s.priority == Priority.CUE and s.start_s <= t_s < s.end_s:
                s.end_s, s.cut = t_s, True

    def _enqueue(self, u: Utterance) -> None:
        start = max(u.t_s, self.spoken[-1].end_s if self.spoken else u.t_s)
        self.spoken.append(Spoken(u.text, u.priority, u.t_s, start, start + estimate_speech_s(u.text)))


class EspeakSpeaker(ThrottledSpeaker):
    """Speaks with espeak-ng on a worker thread; fails soft (one warning, then silent)."""

    def __init__(self, *, words_per_min: int = ESPEAK_WPM, voice: str | None = None,
                 cue_repeat_s: float = CUE_REPEAT_S, on_warning: Callable[[str], None] | None = None,
                 program: str = "espeak-ng") -> None:
        super().__init__(cue_repeat_s)
        self._cmd = [program, "-s", str(words_per_min)] + (["-v", voice] if voice else [])
        self._warn = on_warning or log.warning
        self._queue: deque[Utterance] = deque()
        self._cv = threading.Condition(self._lock)
        self._proc: subprocess.Popen | None = None
        self._current: Utterance | None = None
        self._stop = False
        self.silent = False
        if shutil.which(program) is None:
            self._fail(f"voice off: the speech program '{program}' is not installed")
        self._thread = threading.Thread(target=self._run, name="formcheck-voice", daemon=True)
        self._thread.start()

    def _fail(self, why: str) -> None:
        if not self.silent:
            self.silent = True
            self._warn(why)

    # rules hooks (called with the lock held)
    def _busy(self, t_s: float) -> bool:
        return self._current is not None or bool(self._queue)

    def _playing_cue(self, t_s: float) -> bool:
        return self._current is not None and self._current.priority == Priority.CUE

    def _drop_queued(self, which, t_s: float) -> None:
        kept = [u for u in self._queue if not which(u)]
        self._queue.clear()
        self._queue.extend(kept)

    def _cut_cue(self, t_s: float) -> None:
        if self._playing_cue(t_s):
            self._kill_current()

    def _kill_current(self) -> None:
        """Stop the utterance being spoken (its own process group: the speech program we started)."""
        if self._proc is None or self._proc.poll() is not None:
            return
        try:
            if hasattr(os, "killpg"):
                os.killpg(self._proc.pid, signal.SIGTERM)
            else:
                self._proc.terminate()
        except OSError:
            pass

    def _enqueue(self, u: Utterance) -> None:
        if self.silent:
            return
        self._queue.append(u)
        self._cv.notify()

    # worker
    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._queue and not self._stop:
                    self._cv.wait()
                if self._stop:
                    return
                u = self._queue.popleft()
                self._current = u
                try:
                    self._proc = subprocess.Popen(self._cmd + ["--", u.text], stdin=subprocess.DEVNULL,
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                                  start_new_session=os.name == "posix")
                except OSError as exc:
                    self._proc = None
                    self._fail(f"voice off: cannot start espeak-ng ({exc})")
            if self._proc is not None:
                _, err = self._proc.communicate()
                text = err.decode("utf-8", "replace")
                cut = self._proc.returncode is not None and self._proc.returncode < 0
                if not cut and (self._proc.returncode != 0 or "error" in text.lower() or "ALSA lib" in text):
                    self._fail("voice off: no sound device found (counts and corrections are still shown and logged)")
            with self._cv:
                self._current, self._proc = None, None
                if self.silent:
                    self._queue.clear()

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Block until everything queued has been said (tests, and the last words at the end)."""
        import time
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            with self._lock:
                if self._current is None and not self._queue:
                    return True
            time.sleep(0.02)
        return False

    def close(self, finish_s: float = 3.0) -> None:
        """Let the last words finish (at most finish_s), then stop the worker."""
        self.wait_idle(finish_s)
        with self._cv:
            self._stop = True
            self._queue.clear()
            self._kill_current()
            self._cv.notify()
        self._thread.join(timeout=2.0)


class SilentSpeaker:
    """--quiet: says nothing."""

    def say(self, text: str, priority: Priority, t_s: float) -> None:
        pass

    def close(self) -> None:
        pass


_FLOW_PRIORITY = {FlowKind.COUNT: Priority.COUNT, FlowKind.COUNTDOWN: Priority.COUNT, FlowKind.GO: Priority.COUNT,
                  FlowKind.HINT: Priority.CUE}


def speak_events(speaker: Speaker, events: Iterable[Event | FlowEvent]) -> None:
    """Say what a live session produced: counts, flow announcements, corrections.

    Checker REP/READY/SET_END events are not said themselves: the flow turns them into the
    per-set count and the set announcements.
    """
    for e in events:
        if isinstance(e, FlowEvent):
            speaker.say(e.text, _FLOW_PRIORITY.get(e.kind, Priority.ANNOUNCE), e.t_s)
        elif e.kind == EventKind.CUE:
            speaker.say(e.text, Priority.CUE, e.t_s)


class Metronome:
    """Paces the heel-rise test: "up" and "down" once a second while a set is active."""

    def __init__(self, reps_per_min: float = HEEL_RISE_TEST_REPS_PER_MIN) -> None:
        self.beat_s = 60.0 / reps_per_min / 2.0  # one beat up, one beat down
        self._start_s: float | None = None
        self._beat = -1

    def update(self, t_s: float, active: bool) -> list[str]:
        if not active:
            self._start_s, self._beat = None, -1
            return []
        if self._start_s is None:
            self._start_s = t_s
        beat = int((t_s - self._start_s) / self.beat_s)
        if beat == self._beat:
            return []
        self._beat = beat
        return ["up" if beat % 2 == 0 else "down"]
