"""The browser's voice: the shared cue queue (`formcheck.sinks.voice.CueQueue`), spoken by espeak-ng on
the server and played by the page, offline.

The frame thread hands each frame's events to `BrowserVoice.hear`; the page loop asks
`BrowserVoice.due(now_s)` a few times a second and plays what it returns (a WAV clip, with
`st.audio(..., autoplay=True)`). A clip is handed out only when the one before it has had its
length to play, so lines never talk over each other, in the queue's order: counts first, each
rep's correction right after its count. espeak-ng missing: `available` is False and the page
says so; counts and corrections are still shown.
"""
from __future__ import annotations

import io
import queue
import shutil
import subprocess
import threading
import wave
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable

from formcheck.sinks.voice import ESPEAK_WPM, CueQueue, Priority, speech_of

# Rendered clips kept for reuse: every count 1..30, the countdown and a set's corrections fit.
WAV_CACHE_SIZE = 64
# espeak-ng renders a short line in ~50 ms; a stuck one must not hang the page.
RENDER_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Clip:
    text: str
    wav: bytes  # RIFF WAV, as espeak-ng writes it
    duration_s: float
    priority: Priority


def wav_duration_s(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as w:
        return w.getnframes() / float(w.getframerate())


def espeak_wav(text: str, *, program: str = "espeak-ng", words_per_min: int = ESPEAK_WPM) -> bytes:
    """`text` spoken by espeak-ng as WAV bytes (no sound device needed)."""
    r = subprocess.run([program, "-s", str(words_per_min), "--stdout", "--", text], capture_output=True,
                       timeout=RENDER_TIMEOUT_S, check=True)
    # espeak-ng writes a streaming header (sizes 0xFFFFFFFF): fix the sizes so every reader accepts it
    data = bytearray(r.stdout)
    if data[:4] == b"RIFF" and len(data) > 44:
        data[4:8] = (len(data) - 8).to_bytes(4, "little")
        data[40:44] = (len(data) - 44).to_bytes(4, "little")
    return bytes(data)


class BrowserVoice:
    def __init__(self, render: Callable[[str], bytes] | None = None, program: str = "espeak-ng") -> None:
        self.available = render is not None or shutil.which(program) is not None
        self._render = render or (lambda text: espeak_wav(text, program=program))
        self.queue = CueQueue()
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._ends_s: float | None = None  # when the clip handed out last has played
        self.said: list[str] = []  # every line handed to the page, in order (tests, the page's caption)
        self._prefetch: queue.SimpleQueue[str] = queue.SimpleQueue()
        if self.available:
            threading.Thread(target=self._prefetch_run, name="formcheck-voice-render", daemon=True).start()

    # frame thread
    def hear(self, events: Iterable) -> None:
        """Queue what a frame's events say (counts first)."""
        if not self.available:
            return
        fresh = []
        with self._lock:
            for text, priority, t_s in speech_of(events):
                if self.queue.push(text, priority, t_s):
                    fresh.append(self.queue.waiting[-1].text)
        for text in fresh:  # rendered now, off this thread, so the page has it when it is due
            self._prefetch.put(text)

    def tick(self, word: str, t_s: float) -> None:
        """Queue a metronome beat ("up" / "down"): said on time or not at all (`Priority.TICK`)."""
        if not self.available:
            return
        with self._lock:
            fresh = self.queue.push(word, Priority.TICK, t_s)
        if fresh:
            self._prefetch.put(word)

    def _prefetch_run(self) -> None:
        while True:
            text = self._prefetch.get()
            try:
                self._wav(text)
            except (OSError, subprocess.SubprocessError):
                pass

    # page thread
    def due(self, now_s: float) -> Clip | None:
        """The next clip to play now, or None (nothing waiting, or the last one still playing)."""
        with self._lock:
            if self._ends_s is not None:
                if now_s < self._ends_s:
                    return None
                self._ends_s = None
                self.queue.finished()
            u = self.queue.pop(now_s)
            if u is None:
                return None
        try:
            wav = self._wav(u.text)
            dur = wav_duration_s(wav)
        except (OSError, subprocess.SubprocessError, wave.Error, EOFError):
            self.available = False
            with self._lock:
                self.queue.finished()
            return None
        with self._lock:
            self._ends_s = now_s + dur
            self.said.append(u.text)
        return Clip(u.text, wav, dur, u.priority)

    def _wav(self, text: str) -> bytes:
        with self._cache_lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        wav = self._render(text)
        with self._cache_lock:
            self._cache[text] = wav
            while len(self._cache) > WAV_CACHE_SIZE:
                self._cache.popitem(last=False)
        return wav

    def reset(self) -> None:
        """A new camera session: forget what was waiting (its times belong to the old clock)."""
        with self._lock:
            self.queue = CueQueue()
            self._ends_s = None


