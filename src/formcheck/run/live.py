"""`formcheck live`: the capture loop around a `LiveSession`, hands-free.

A capture thread reads the camera (or a clip served at its own speed) and keeps only the
newest frame: when inference is slower than the camera, old frames are dropped, never
queued, so what is shown and counted is always now. The main thread runs pose, checker,
workout flow and overlay on the newest frame (the stateful objects need no locks), speaks
through a background voice worker, and shows the window. Latency is measured from the
moment a frame was captured to the moment its overlay is ready.

Faults: a camera that is missing, busy or unplugged is retried a few times with backoff,
then the run ends with exit code 1; whatever was counted is already in the history store
(each rep is saved as it happens) and the session is closed and summarised. A clip played as
the camera that turns out damaged is never reopened (that would replay and count it again):
the session ends there with exit code 1. Ctrl-C stops the same way, with exit code 0; SIGTERM
and a closed terminal save the same way and exit 143 / 129.
"""
from __future__ import annotations

import math
import os
import sys
from pathlib import Path
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from formcheck.errors import FormcheckError
from formcheck.events import Event, EventKind
from formcheck.sinks.figures import reps_words
from formcheck.sinks.history import LIVE, LIVE_FROM_VIDEO, HistoryStore
from formcheck.run.session import LiveSession
from formcheck.run.plans import get_plan
from formcheck.io.camera import LatestFrame, LiveSource
from formcheck.pose.stream import ANALYSIS_MAX_FPS, MODEL_MAX_SHORT_SIDE_PX
from formcheck.io.video import CameraError, CameraSource, ClipCamera
from formcheck.sinks.voice import EspeakSpeaker, Metronome, Priority, SilentSpeaker, Speaker, speak_events

# Live default: the full model, as for `analyze`, so live counts like a clip review. On the
# 2-core machine at 640x480 with nothing else running (benchmarks/bench_live_latency.py):
# capture-to-overlay p50/p95 full 22.4/25.7 ms, lite 17.6/21.0 ms, both inside the 50 ms target;
# lite missed the fast and low reps of a rendered faults clip (3 of 5) that full counted. With
# other heavy jobs running full's p95 rose to ~86 ms: `--model lite` on a slow or busy machine.
LIVE_DEFAULT_MODEL = "full"
# Camera retries after a failure: waits of 0.5, 1 and 2 s (a USB camera re-enumerates in ~1 s).
CAMERA_RETRY_WAITS_S = (0.5, 1.0, 2.0)
# Latency target of the live overlay (issue 6): p95 at 640x480 on a 2-core machine.
LATENCY_TARGET_P95_MS = 50.0
WINDOW_TITLE = "formcheck live (press Q to stop)"


@dataclass(frozen=True)
class LiveOptions:
    exercise: str | None = None  # checker id; None with a plan = the plan's first exercise
    plan: str | None = None  # plan id or title (data/plans.json)
    camera: int = 0
    source: str | None = None  # a clip to use instead of the camera
    window: bool = True
    quiet: bool = False  # no speech
    stats: bool = False  # latency figures on screen
    metronome: bool = False  # on for every set (a plan item can also ask for it: the heel-rise test)
    body_mass_kg: float | None = None  # the heel-rise test's work (plan heel_rise_test)
    model: str | None = None  # None: LIVE_DEFAULT_MODEL (or $FORMCHECK_MODEL)
    realtime: bool = True  # a clip is served at its own speed (frames dropped if too slow)
    size_wh: tuple[int, int] | None = (640, 480)  # a clip is scaled down to fit; None: as recorded
    retry_waits_s: tuple[float, ...] = CAMERA_RETRY_WAITS_S


@dataclass
class LiveOutcome:
    exit_code: int
    summary: dict[str, Any]
    latency_ms: list[float] = field(default_factory=list)
    frames: int = 0  # processed
    media_s: float = 0.0  # camera (or clip) time from the first frame processed to the last
    captured: int = 0
    dropped: int = 0
    problem: str | None = None  # why it ended early (camera failure, clip damaged)
    stopped_by_user: bool = False
    stopped_by: str | None = None  # the signal that stopped it ("SIGINT", "SIGTERM", ...), if one did
    warnings: list[str] = field(default_factory=list)  # e.g. a damaged stretch of a clip that was skipped
    heel_rise_words: str | None = None  # the heel-rise test's result in plain words (plan heel_rise_test)
    history_path: Path | None = None  # where the session was saved

    def latency_p(self, q: float) -> float | None:
        return float(np.percentile(self.latency_ms, q)) if self.latency_ms else None


def have_screen() -> bool:
    """Linux without X11/Wayland: OpenCV's window would abort the process, so check first."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def default_source_factory(opts: LiveOptions) -> Callable[[], LiveSource]:
    if opts.source:
        # a clip at its own size is read as `analyze` reads it (pose.stream: the same size and the
        # same analysis rate), so both count alike
        return lambda: ClipCamera(opts.source, realtime=opts.realtime, size_wh=opts.size_wh,
                                  max_short_side_px=MODEL_MAX_SHORT_SIDE_PX,
                                  max_fps=ANALYSIS_MAX_FPS if opts.size_wh is None else None)
    return lambda: CameraSource(opts.camera, opts.size_wh)


def _open_with_retries(open_source: Callable[[], LiveSource], waits_s: tuple[float, ...],
                       say_line: Callable[[str], None], first: bool) -> LiveSource:
    last: CameraError | None = None
    for attempt in range(len(waits_s) + 1):
        try:
            return open_source()
        except CameraError as exc:
            last = exc
            if attempt < len(waits_s):
                verb = "trying again" if first else "reconnecting"
                say_line(f"{exc}: {verb} in {waits_s[attempt]:g} s")
                time.sleep(waits_s[attempt])
    assert last is not None
    raise last


def _close_source(source: LiveSource, outcome: LiveOutcome) -> None:
    """Close a source, keeping what it has to say first (a clip's skipped damaged stretches)."""
    try:
        outcome.warnings.extend(w for w in getattr(source, "gap_warnings", list)() if w not in outcome.warnings)
    finally:
        source.close()


def _event_line(e: Event) -> str | None:
    kind = e.kind
    if kind in (EventKind.COUNTDOWN, EventKind.GO):
        return None  # said aloud and on screen; not worth a log line each
    if kind == EventKind.REP:
        return None  # the flow's COUNT line says it (per set)
    if kind == EventKind.COUNT:
        return f"  rep {e.text}"
    return f"[{e.t_s:6.1f} s] {e.text}"


def run_live(opts: LiveOptions, *, speaker: Speaker | None = None, store: HistoryStore | None = None,
             open_source: Callable[[], LiveSource] | None = None,
             say_line: Callable[[str], None] = print, warn_line: Callable[[str], None] | None = None,
             flow_config: dict | None = None,
             stop_requested: Callable[[], str | None] | None = None) -> LiveOutcome:
    """Run a live session to its end (plan done, person gone, clip over, Q, Ctrl-C or camera lost).

    `stop_requested()` is asked once a frame: a reason (e.g. "SIGTERM") ends the session there,
    saved and summarised like Q.
    """
    warn = warn_line or (lambda m: print(f"formcheck: {m}", file=sys.stderr))
    plan = get_plan(opts.plan) if opts.plan else None
    exercise = opts.exercise
    if plan is None and not exercise:
        raise FormcheckError("choose what to do: --exercise NAME or --plan NAME")
    open_source = open_source or default_source_factory(opts)
    window = opts.window
    if window and not have_screen():
        warn("no screen found: running without a window (speaking and logging only)")
        window = False
    own_store = store is None
    store = store if store is not None else HistoryStore()
    own_speaker = speaker is None
    if speaker is None:
        speaker = SilentSpeaker() if opts.quiet else EspeakSpeaker(on_warning=warn)
    metronome = Metronome() if opts.metronome or (plan and any(it.metronome for it in plan.items)) else None
    model = opts.model or os.environ.get("FORMCHECK_MODEL") or LIVE_DEFAULT_MODEL
    src_name = f"{LIVE_FROM_VIDEO}{os.path.basename(str(opts.source))}" if opts.source else LIVE
    session = LiveSession(exercise, plan=plan, model=model, store=store, source=src_name,
                          flow_config=flow_config, body_mass_kg=opts.body_mass_kg)
    outcome = LiveOutcome(0, {})
    grabber: LatestFrame | None = None
    source: LiveSource | None = None
    cv2 = None
    last_t_ms, t_offset_ms = -1.0, 0.0
    first_t_ms: float | None = None
    try:
        session.prepare()  # load the model before the camera starts, so no frame waits for it
        source = _open_with_retries(open_source, opts.retry_waits_s, warn, first=True)
        grabber = LatestFrame(source, drop=opts.realtime or not source.is_clip)
        if window:
            import cv2
            cv2.namedWindow(WINDOW_TITLE, cv2.WINDOW_NORMAL)
        while True:
            try:
                frame = grabber.get()
            except CameraError as exc:
                outcome.captured += grabber.captured
                outcome.dropped += grabber.dropped
                grabber.stop()
                reconnect = getattr(source, "can_reconnect", not source.is_clip)
                _close_source(source, outcome)
                source, grabber = None, None
                if not reconnect:  # a file that breaks is never replayed (that would count it twice)
                    outcome.exit_code, outcome.problem = 1, str(exc)
                    break
                warn(str(exc))
                try:
                    source = _open_with_retries(open_source, opts.retry_waits_s, warn, first=False)
                except CameraError as final:
                    outcome.exit_code, outcome.problem = 1, str(final)
                    break
                grabber = LatestFrame(source, drop=opts.realtime or not source.is_clip)
                continue
            if frame is None:
                break
            if stop_requested is not None and (why := stop_requested()):
                outcome.stopped_by_user, outcome.stopped_by = True, why
                break
            t_ms = frame.t_ms + t_offset_ms
            if t_ms <= last_t_ms:  # a reopened source starts its clock again: keep time moving on
                t_offset_ms += last_t_ms - t_ms + 1.0
                t_ms = frame.t_ms + t_offset_ms
            last_t_ms = t_ms
            first_t_ms = t_ms if first_t_ms is None else first_t_ms
            outcome.media_s = (t_ms - first_t_ms) / 1000.0
            extra = _stats_lines(outcome.latency_ms) if opts.stats else ()
            annotated, events = session.process(frame.image_rgb, t_ms, extra_lines=extra)
            outcome.latency_ms.append((time.monotonic() - frame.captured_s) * 1000.0)
            outcome.frames += 1
            speak_events(speaker, events)
            if metronome is not None:
                paced = (opts.metronome and session.state.phase == "active") or session.metronome_on
                for word in metronome.update(t_ms / 1000.0, paced):
                    speaker.say(word, Priority.TICK, t_ms / 1000.0)
            for e in events:
                line = _event_line(e)
                if line:
                    say_line(line)
            if window:
                cv2.imshow(WINDOW_TITLE, cv2.cvtColor(annotated, cv2.COLOR_RGB2BGR))
                key = cv2.waitKey(1) & 0xFF
                if key in (ord("q"), ord("Q"), 27):
                    outcome.stopped_by_user = True
                    break
            if session.done:
                break
    except KeyboardInterrupt:
        outcome.stopped_by_user = True
    except CameraError as exc:  # could not open at all
        outcome.exit_code, outcome.problem = 1, str(exc)
    finally:
        if grabber is not None:
            outcome.captured += grabber.captured
            outcome.dropped += grabber.dropped
            grabber.stop()
        if source is not None:
            _close_source(source, outcome)
        outcome.summary = session.close()
        outcome.history_path = store.path
        if session.heel_rise_result is not None:
            from formcheck.run.heel_rise_test import result_words
            outcome.heel_rise_words = result_words(session.heel_rise_result)
        outcome.warnings.extend(n for n in outcome.summary.get("camera_notes", []) if n not in outcome.warnings)
        speak_events(speaker, session.final_events)  # a rep completed by the end of the stream
        for e in session.final_events:
            line = _event_line(e)
            if line:
                say_line(line)
        if own_speaker:
            speaker.close()
        if own_store:
            store.close()
        if window and cv2 is not None:
            cv2.destroyAllWindows()
    return outcome


def _stats_lines(latency_ms: list[float]) -> tuple[str, ...]:
    recent = latency_ms[-120:]
    if not recent:
        return ()
    p50, p95 = np.percentile(recent, [50, 95])
    return (f"Delay {p50:.0f} ms (slowest {p95:.0f} ms)",)


# Frames processed a second below which the end summary says so even without --stats (the model
# slower than the camera): the counting holds from 10 frames a second up (tests/test_frame_rate.py),
# below it quick reps may be missed.
MIN_COUNTING_FPS = 10.0


def saved_words(path: Path | None, what: str = "Saved") -> str:
    """Where the history is, in words: the app's My progress page reads it."""
    where = f" ({path})" if path is not None else ""
    return f"{what} to your history{where}: see it on the app's My progress page."


def format_outcome(outcome: LiveOutcome, stats: bool = False) -> str:
    """The summary printed at the end, in plain words (the camera-to-screen delay with `stats`)."""
    s = outcome.summary
    lines = []
    for ex in s.get("exercises", []):
        sets = ex.get("sets") or []
        per_set = f" in {len(sets)} sets ({', '.join(str(n) for n in sets)})" if len(sets) > 1 else ""
        lines.append(f"{ex['title']}: {reps_words(ex['rep_count'])}{per_set}")
        if ex.get("corrections"):
            lines.append("  What to fix: " + "; ".join(ex["corrections"]))
        lines.extend(f"  Note: {w}" for w in ex.get("warnings", []) if ex["rep_count"])
    if not lines:
        lines.append("Nothing was counted.")
    timed = [x for x in s.get("sets", []) if x.get("work_s")]
    for x in timed:
        side = f" ({x['side']})" if x.get("side") else ""
        lines.append(f"{x['title']}{side}: {x['work_s']:.0f} s")
    if s.get("finished"):
        lines.append(f"Workout finished: {s.get('plan_title')}.")
    fps = outcome.frames / outcome.media_s if outcome.media_s > 0 else math.inf
    if outcome.frames > 1 and fps < MIN_COUNTING_FPS:
        lines.append(f"Note: this computer kept up with only {fps:.0f} frames a second "
                     f"({outcome.dropped} skipped): quick reps may have been missed")
    if stats and outcome.latency_ms:
        p50, p95 = outcome.latency_p(50), outcome.latency_p(95)
        lines.append(f"Delay from camera to screen: typical {p50:.0f} ms, slowest 5% {p95:.0f} ms "
                     f"({outcome.frames} frames shown, {outcome.dropped} skipped to keep up)")
    if outcome.heel_rise_words:
        lines.append(outcome.heel_rise_words)
    if s.get("total_reps") or timed:
        lines.append(saved_words(outcome.history_path))
    lines.extend(f"Note: {w}" for w in outcome.warnings)
    return "\n".join(lines)
