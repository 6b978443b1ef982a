"""Speaking counts and corrections aloud, offline, without ever holding up the capture loop.

One scheduler, `CueQueue`, decides what is said next, for the command line and the browser:
* one utterance at a time, and nothing is ever cut off;
* counts and workout lines (countdown, set done, rest) are said in the order they came;
  corrections wait behind them: a rep's count first, its correction right after it;
* a correction is never dropped because something else was being said; it is dropped only
  when the same correction was said within `CUE_REPEAT_S`, or when it waited longer than
  `CUE_STALE_S` (by then it belongs to a rep long gone);
* a correction is said by its headline when the rest is a measurement ("Rise higher: 2 cm
  below your best" is said "Rise higher"; the screen shows it whole), so it fits between reps;
* countdown digits and metronome ticks are said on time or not at all.

Players: `EspeakSpeaker` runs the `espeak-ng` program (Debian package espeak-ng) on a worker
thread; with no program or no audio device it warns once and goes silent, never raising into
the caller. `RecordingSpeaker` plays nothing: it records what would be said and when (tests),
timing speech by an estimate of how long espeak-ng takes to say it. The browser's player is
`formcheck.app.speech` (the same queue, audio rendered by espeak-ng and played by the page).
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from enum import IntEnum
from typing import Callable, Iterable, Protocol

from formcheck.events import Event, EventKind

log = logging.getLogger("formcheck.sinks.voice")

# The same correction is not repeated within this many seconds: long enough not to nag
# through a set at ~2 s per rep, short enough that a fault that persists is said again.
CUE_REPEAT_S = 6.0
# A correction still waiting this long after it was asked for is dropped: two reps at ~2 s a
# rep have gone by and it no longer follows the count it belongs to.
CUE_STALE_S = 5.0
# espeak-ng's default speaking rate is 175 words per minute (espeak-ng -s); plus ~0.15 s
# to start the program and open audio. Used to estimate when an utterance will be over.
ESPEAK_WPM = 175
ESPEAK_START_S = 0.15
# The heel-rise test's cadence: 30 reps per minute, 1 s up and 1 s down (Lunsford & Perry
# 1995; Hebert-Losier et al. 2009): the metronome says "up" and "down" once a second.
HEEL_RISE_TEST_REPS_PER_MIN = 30
# A countdown digit or a metronome tick that would start later than this is not said: a late
# "3" while the set has begun misleads ("Go" and the counts are always said).
ON_TIME_S = 0.5


class Priority(IntEnum):
    CUE = 0  # corrections and position hints: after counts and workout lines
    TICK = 1  # metronome: on time or not at all
    ANNOUNCE = 2  # set done, rest, next exercise, "Ready": in order with the counts
    COUNT = 3  # rep counts and "Go"
    COUNTDOWN = 4  # "3, 2, 1": in order with the counts, on time or not at all


def estimate_speech_s(text: str) -> float:
    words = max(1, len(text.split()))
    return ESPEAK_START_S + words * 60.0 / ESPEAK_WPM


_MEASURED = re.compile(r"\d")


def spoken_text(text: str, priority: "Priority") -> str:
    """What is said for a line: a correction's headline when the rest is a measurement."""
    text = " ".join(text.split())
    if priority == Priority.CUE and ":" in text:
        head, detail = text.split(":", 1)
        if _MEASURED.search(detail) and len(head.split()) >= 2:
            return head.strip()
    return text


@dataclass
class Utterance:
    text: str
    priority: Priority
    t_s: float  # when it was asked for (session time: media time for a clip, monotonic for a camera)
    seq: int = 0


class CueQueue:
    """What to say next. Not thread-safe by itself: players call it under their own lock.

    `push` when something should be said; `pop(t_s)` when the player is free (it returns the
    next utterance and marks it playing); `finished()` when it has been said.
    """

    def __init__(self, cue_repeat_s: float = CUE_REPEAT_S, cue_stale_s: float = CUE_STALE_S) -> None:
        self.cue_repeat_s, self.cue_stale_s = cue_repeat_s, cue_stale_s
        self.waiting: list[Utterance] = []
        self.playing: Utterance | None = None
        self.dropped: list[Utterance] = []  # corrections that went stale (tests and logs)
        self._last_said: dict[str, float] = {}
        self._seq = 0

    @property
    def busy(self) -> bool:
        return self.playing is not None or bool(self.waiting)

    def push(self, text: str, priority: Priority, t_s: float) -> bool:
        """Queue a line; False when it is not to be said (a repeat, or a tick that would be late)."""
        text = spoken_text(text, priority)
        if not text:
            return False
        if priority == Priority.CUE:
            last = self._last_said.get(text)
            if (last is not None and t_s - last < self.cue_repeat_s) or any(
                    u.text == text for u in self.waiting):
                return False
        elif priority == Priority.TICK and self.busy:
            return False
        self._last_said[text] = t_s
        self._seq += 1
        self.waiting.append(Utterance(text, priority, t_s, self._seq))
        return True

    def pop(self, t_s: float) -> Utterance | None:
        """The next line to say now: counts and workout lines in order, then corrections."""
        while self.waiting:
            u = min(self.waiting, key=lambda w: (w.priority == Priority.CUE, w.seq))
            self.waiting.remove(u)
            if u.priority == Priority.CUE and t_s - u.t_s > self.cue_stale_s:
                self.dropped.append(u)
                continue
            if u.priority in (Priority.TICK, Priority.COUNTDOWN) and t_s - u.t_s > ON_TIME_S:
                continue  # on time or not at all
            self.playing = u
            return u
        return None

    def finished(self) -> None:
        self.playing = None

    def clear(self) -> None:
        self.waiting.clear()


class Speaker(Protocol):
    def say(self, text: str, priority: Priority, t_s: float) -> None: ...

    def close(self) -> None: ...


@dataclass
class Spoken:
    text: str
    priority: Priority
    asked_s: float
    start_s: float  # when it would start (after what was before it)
    end_s: float  # when it would end


class RecordingSpeaker:
    """Plays nothing; `.spoken` lists what would be said, when, with the real queue (tests).

    Time is the callers' session time: an utterance takes `estimate_speech_s` to say.
    """

    def __init__(self, cue_repeat_s: float = CUE_REPEAT_S, cue_stale_s: float = CUE_STALE_S) -> None:
        self.queue = CueQueue(cue_repeat_s, cue_stale_s)
        self._said: list[Spoken] = []
        self._free_s = -1e9  # when the current utterance ends

    def say(self, text: str, priority: Priority, t_s: float) -> None:
        self._advance(t_s)
        if self.queue.push(text, priority, t_s):
            self._advance(t_s)

    def _advance(self, until_s: float, said: list[Spoken] | None = None, q: CueQueue | None = None,
                 free_s: float | None = None) -> float:
        said = self._said if said is None else said
        q = self.queue if q is None else q
        free = self._free_s if free_s is None else free_s
        while True:
            if q.playing is not None:
                if free > until_s:
                    break
                q.finished()
            if not q.waiting:
                break
            start = max(free, min(u.t_s for u in q.waiting))
            if start > until_s:
                break
            u = q.pop(start)
            if u is None:
                break
            start = max(free, u.t_s)
            free = start + estimate_speech_s(u.text)
            said.append(Spoken(u.text, u.priority, u.t_s, start, free))
        if free_s is None:
            self._free_s = free
        return free

    @property
    def spoken(self) -> list[Spoken]:
        """Everything said so far, plus what is waiting, as it will be said if nothing else comes."""
        import copy
        said = list(self._said)
        q = copy.deepcopy(self.queue)
        self._advance(float("inf"), said, q, self._free_s)
        return said

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.spoken]

    def close(self) -> None:
        pass


class EspeakSpeaker:
    """Speaks with espeak-ng on a worker thread, in `CueQueue` order; fails soft (one warning, then silent)."""

    def __init__(self, *, words_per_min: int = ESPEAK_WPM, voice: str | None = None,
                 cue_repeat_s: float = CUE_REPEAT_S, cue_stale_s: float = CUE_STALE_S,
                 on_warning: Callable[[str], None] | None = None, program: str = "espeak-ng") -> None:
        self.queue = CueQueue(cue_repeat_s, cue_stale_s)
        self._cmd = [program, "-s", str(words_per_min)] + (["-v", voice] if voice else [])
        self._warn = on_warning or log.warning
        self._lock = threading.Lock()
        self._cv = threading.Condition(self._lock)
        self._proc: subprocess.Popen | None = None
        self._now_s = 0.0  # the newest session time a caller gave: corrections go stale by it
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

    def say(self, text: str, priority: Priority, t_s: float) -> None:
        with self._cv:
            self._now_s = max(self._now_s, t_s)
            if self.silent:
                return
            if self.queue.push(text, priority, t_s):
                self._cv.notify()

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

    # worker
    def _run(self) -> None:
        while True:
            with self._cv:
                u = None
                while u is None:
                    if self._stop:
                        return
                    u = self.queue.pop(self._now_s) if self.queue.waiting else None
                    if u is None:
                        self._cv.wait()
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
                self._proc = None
                self.queue.finished()
                if self.silent:
                    self.queue.clear()

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Block until everything queued has been said (tests, and the last words at the end)."""
        import time
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            with self._lock:
                if not self.queue.busy:
                    return True
            time.sleep(0.02)
        return False

    def close(self, finish_s: float = 3.0) -> None:
        """Let the last words finish (at most finish_s), then stop the worker."""
        self.wait_idle(finish_s)
        with self._cv:
            self._stop = True
            self.queue.clear()
            self._kill_current()
            self._cv.notify()
        self._thread.join(timeout=2.0)


class SilentSpeaker:
    """--quiet: says nothing."""

    def say(self, text: str, priority: Priority, t_s: float) -> None:
        pass

    def close(self) -> None:
        pass


# How each kind of event is said; kinds not here are not said (a checker's REP and SET_END: the flow
# turns them into the per-set count and the set lines). Counts and countdown digits are said on time.
_PRIORITY = {EventKind.COUNT: Priority.COUNT, EventKind.GO: Priority.COUNT, EventKind.COUNTDOWN: Priority.COUNTDOWN,
             EventKind.CUE: Priority.CUE, EventKind.HINT: Priority.CUE,
             EventKind.READY: Priority.ANNOUNCE, EventKind.GET_READY: Priority.ANNOUNCE,
             EventKind.TIME: Priority.ANNOUNCE, EventKind.SET_DONE: Priority.ANNOUNCE, EventKind.REST: Priority.ANNOUNCE,
             EventKind.DONE: Priority.ANNOUNCE, EventKind.STOPPED: Priority.ANNOUNCE}


def speech_of(events: Iterable[Event]) -> list[tuple[str, Priority, float]]:
    """What a frame's events say, in the order to hand them to a speaker: counts first.

    Checker REP and SET_END events are not said themselves (the flow turns them into the
    per-set count and the set lines); the checker's "Ready: ..." is. Within one frame a count
    goes before the rep's correction, so a player that starts at once starts with the count.
    """
    out = [(e.text, _PRIORITY[e.kind], e.t_s) for e in events if e.kind in _PRIORITY]
    return sorted(out, key=lambda x: -int(x[1]))


def speak_events(speaker: Speaker, events: Iterable[Event]) -> None:
    """Say what a live session produced: counts, flow announcements, corrections."""
    for text, priority, t_s in speech_of(events):
        speaker.say(text, priority, t_s)


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
