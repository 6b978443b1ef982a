"""Clip review: decode -> pose -> checker -> overlay -> H.264, one pass, streaming.

The pose model runs once per clip (`pose_stream`), whatever the options. With `--exercise auto`
the exercise is guessed from the first seconds (EARLY_GUESS_S) and named from the first WINDOW_S;
the frames before the guess are checked then, their pictures drawn from compressed copies kept
on the decoder's thread (`io.kept_pictures`); a guess the window does not confirm is done again
from the first frame (the pictures decoded again).

Inference and checking run in the calling thread (the checker is stateful and needs no
locks); the overlay is drawn and H.264 encoded beside them on the writer's thread, behind a
bounded queue, each frame from a snapshot of the checker's state at that frame.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Callable

import numpy as np

from formcheck.checkers import make_checker
from formcheck.checkers.base import CheckResult, CountedFrom, Mode, snapshot
from formcheck.events import Event, Rep
from formcheck.errors import FormcheckError, StoppedError
from formcheck.sinks.overlay import annotate
from formcheck.pose.types import PoseSample, PoseSeries
from formcheck.pose.stream import ANALYSIS_MAX_FPS, DECODE_AHEAD_FRAMES, PoseStream
from formcheck.body.view import View
from formcheck.setup.advice import check_view, people_advice
from formcheck.io.kept_pictures import KeptPictures, MotionThumbs
from formcheck.signals.motion import MotionCount, count_motion
from formcheck.io.video import (DecodeAhead, TruncatedVideoError, VideoInfo, VideoWriter, fit_short_side, open_video,
                                output_path)

ProgressFn = Callable[[int, int], None]  # (frames done, frames expected or 0)
StopFn = Callable[[], "str | None"]  # a reason to stop now (e.g. "Ctrl-C"), or None to go on
# The quickest rep any checker counts takes about a second (up and down); a shorter clip
# cannot hold one, so it gets a note instead of a silent "0 reps".
MIN_COUNTABLE_S = 1.0
AUTO = "auto"  # --exercise auto: recognise the exercise from the clip
# --exercise auto names the exercise from the first WINDOW_S (10 s) of the clip, but guesses from
# the first seconds already, so that the checking, the drawing and the encoding run beside the
# model from then on, as with a named exercise, instead of after the window (on a clip shorter than
# the window: after the whole clip). The window's answer still decides: a wrong guess is thrown
# away and everything done with it done again. Measured on the 74 landmark series at hand (real
# clips and their variants, rendered samples and truth set; scratch check in the issue-12 note):
# the first 3 s give the window's answer on 72, no answer on 1 (tried again each second) and
# another on 1 (the ankle alphabet's first seconds look like ankle flexion); 2 s agree on 25 only.
EARLY_GUESS_S = 3.0
GUESS_EVERY_S = 1.0
# Pictures are kept compressed for the guess's catch-up only at the default video size (a 720p
# picture is ~90 KB as JPEG: 10 s at 30 fps ~27 MB); a full-size 4K video decodes the clip again.
KEEP_MAX_LONG_SIDE_PX = 1280
# The annotated video's default size: 720p (shorter side). It plays anywhere, keeps the drawing
# readable, and encodes in well under half the time of 1080p; `full_size=True` keeps the clip's own.
VIDEO_MAX_SHORT_SIDE_PX = 720
# x264 preset of the annotated video, chosen by measurement (720p, real clip, 2 cores): ultrafast
# encodes at ~6-8 ms of CPU a frame and ~25 MB of encoder memory, against veryfast's ~9-14 ms and
# ~80 MB (lookahead, B-frames). Its files are ~6x larger (~1.9 Mbit/s at 720p60), still small for
# a review clip; the CPU and memory go to the model instead.
VIDEO_PRESET = "ultrafast"
# The annotated video shows the analysed frames (pose.stream.ANALYSIS_MAX_FPS: at most ~30 fps, a
# 60 fps clip's every other frame), each at its own time. `full_size=True` analyses and shows every
# frame, at the clip's own size.
# Annotated frames waiting for the encoder: at most this many bytes (8 frames at 720p, 2 at 4K):
# enough to ride out a slow frame; more only holds memory while the encoder is the slower side
# (auto's catch-up: with 16 frames the clip x4's peak was 411 MiB).
WRITER_QUEUE_BYTES = 24 * 2**20


@dataclass
class Analysis:
    exercise: str
    info: VideoInfo
    result: CheckResult
    events: list[Event]
    frames: int  # presented frames read (decoded, or stepped over undecoded)
    pose_found_ratio: float  # over the analysed frames
    model: str
    series: PoseSeries
    complete: bool = True
    problem: str | None = None  # why the analysis is partial
    video_path: Path | None = None
    warnings: list[str] = field(default_factory=list)
    stopped_by: str | None = None  # the signal that stopped the run early, if one did
    recognised: bool = False  # the exercise was recognised from the clip, not named
    stage_s: dict[str, float] = field(default_factory=dict)  # seconds per stage (decode, pose, ...)
    analysis_fps: float = 0.0  # frames a second given to the model (and drawn): the series' rate
    duration_s: float = 0.0  # to the end of the last frame read
    decoded_frames: int = 0  # of `frames`, the ones decoded (non-reference ones stepped over are not)

    @property
    def analysed_frames(self) -> int:
        return len(self.series)


def video_size(info: VideoInfo, full_size: bool = False) -> tuple[int, int]:
    """The annotated video's size for a clip."""
    return info.wh if full_size else fit_short_side(info.wh, VIDEO_MAX_SHORT_SIDE_PX)


def analyze_clip(video: str | os.PathLike, exercise: str, *, model: str | os.PathLike | None = None,
                 out_video: str | os.PathLike | None = None, progress: ProgressFn | None = None,
                 checker_config: dict | None = None,
                 stop_requested: StopFn | None = None, full_size: bool = False,
                 on_recognised: Callable[[str], None] | None = None) -> Analysis:
    """Run one clip through the pose model and the exercise checker.

    exercise: a checker id, or "auto" to recognise it from the clip's first seconds (the same
    model pass; `on_recognised(exercise)` is called as soon as it is known).
    Raises FormcheckError for input that cannot be analysed at all (unreadable, nobody in
    it, an exercise that cannot be told). A clip damaged midway, or a run stopped by
    `stop_requested()` returning a reason, returns `complete=False` with everything up to there
    (and a playable `.partial` video). An annotated video that cannot be written is given up
    with a warning; the count goes on. The annotated video is at most 720p unless full_size.
    """
    from formcheck.setup.recognize import WINDOW_S, name_exercise, recognize_series
    recognised = exercise == AUTO
    checker = None if recognised else make_checker(exercise, checker_config)
    stream = PoseStream(video, model, check_people=True, max_fps=None if full_size else ANALYSIS_MAX_FPS)
    info = stream.info
    out_wh = video_size(info, full_size)
    stream.out_wh = out_wh if out_video else None
    xy_scale = out_wh[0] / info.width
    t_list: list[float] = []
    samples: list[PoseSample | None] = []
    events: list[Event] = []
    warnings: list[str] = []
    stage_s = {"checker": 0.0, "overlay": 0.0}  # overlay and encode: on the writer's thread
    writer = None
    complete, problem, stopped_by = True, None, None
    last_handled = -1  # the index of the last presented frame the loop took in
    # --exercise auto: a guess made early (EARLY_GUESS_S), confirmed (or not) by the whole window
    guessed: str | None = None
    confirmed = not recognised
    kept: KeptPictures | None = None  # the first pictures, while nothing can be drawn on them yet
    thumbs: MotionThumbs | None = None  # every frame small, for a count from the movement (rep exercises)

    def check_and_draw(index: int, t_ms: float, sample: PoseSample | None, picture: np.ndarray | None) -> None:
        nonlocal writer
        t0 = time.perf_counter()
        events.extend(checker.update(t_ms, sample))
        stage_s["checker"] += time.perf_counter() - t0
        if writer is not None:  # drawn on the writer's thread, from this frame's state
            writer = _write_or_give_up(writer, picture, t_ms, warnings,
                                       partial(annotate, pose=sample, state=snapshot(checker.state), xy_scale=xy_scale))

    def catch_up(n: int, stream_done: bool = False) -> None:
        """Check (and draw) the first n frames with the checker just made. Their pictures come
        from `kept` when it holds them all (handed to the writer in one batch, drawn and encoded
        there while the model reads on); else they are decoded again, on a thread beside the
        drawing and the encoder: while the stream goes on, on one decoding thread (a second
        multi-threaded decoder's reference pictures would add ~90 MB at 1080p beside the
        stream's own); once it has ended, its decoder is closed first and this one takes the
        threads it would have had."""
        nonlocal writer
        if writer is None:
            for i, (t_ms, sample) in enumerate(zip(t_list[:n], samples[:n])):
                check_and_draw(i, t_ms, sample, None)
            return
        if kept is not None and len(kept) >= n:
            batch = []
            t0 = time.perf_counter()
            for t_ms, sample in zip(t_list[:n], samples[:n]):
                events.extend(checker.update(t_ms, sample))
                batch.append((kept.compressed(len(batch)), t_ms,
                              partial(_expand_and_annotate, pose=sample, state=snapshot(checker.state),
                                      xy_scale=xy_scale)))
            stage_s["checker"] += time.perf_counter() - t0
            kept.clear()
            writer = _write_batch_or_give_up(writer, batch, warnings)
            return
        if stream_done:
            stream.close_decoder()
        with open_video(video, decode_threads=None if stream_done else 1) as again:
            ahead = DecodeAhead(again.frames(out_wh, step=stream.step), DECODE_AHEAD_FRAMES)
            try:
                pictures = iter(ahead)
                for i, (t_ms, sample) in enumerate(zip(t_list[:n], samples[:n])):
                    check_and_draw(i, t_ms, sample, next(pictures).image_rgb)
            finally:
                ahead.close()

    def series_of_first(n: int) -> PoseSeries:
        return PoseSeries.from_samples(t_list[:n], samples[:n], info.wh, stream.fps)

    def guess(n: int) -> None:
        """An early guess from the first n frames (EARLY_GUESS_S): when sure, check and draw from
        now on with it, until the whole window confirms it (`confirm`)."""
        nonlocal checker, guessed
        guessed, _why = recognize_series(series_of_first(n), WINDOW_S)
        if guessed is None:
            return
        checker = make_checker(guessed, checker_config)
        if kept is not None:
            kept.stop()
        catch_up(n)

    def confirm(n: int, stream_done: bool = False) -> None:
        """Name the exercise from the first n frames (the whole window, as without a guess). A
        right guess goes on as it is; else the checker starts again from the first frame with
        the named exercise and the annotated video is made again from the start."""
        nonlocal checker, exercise, writer, confirmed
        exercise = name_exercise(series_of_first(n), WINDOW_S)
        confirmed = True
        if on_recognised is not None:
            on_recognised(exercise)
        if checker is not None and exercise == guessed:
            if kept is not None:
                kept.clear()
            return
        if checker is not None:  # a wrong guess: what it counted and drew goes
            events.clear()
            if writer is not None:
                writer.abort()
                try:
                    writer = new_writer()
                except FormcheckError as exc:  # the count goes on without the video
                    writer = None
                    warnings.append(f"annotated video not saved: {exc}")
        checker = make_checker(exercise, checker_config)
        catch_up(n, stream_done)
        if kept is not None:
            kept.clear()

    def new_writer() -> VideoWriter:
        frame_bytes = 3 * out_wh[0] * out_wh[1]
        return VideoWriter(out_video, stream.fps, out_wh, preset=VIDEO_PRESET,
                           queue_size=max(2, min(16, WRITER_QUEUE_BYTES // frame_bytes)))

    try:
        with stream:
            if out_video:
                writer = new_writer()
            if recognised and writer is not None and max(out_wh) <= KEEP_MAX_LONG_SIDE_PX:
                kept = stream.kept = KeptPictures()
            if checker is None or type(checker).mode == Mode.REPS:
                thumbs = stream.motion = MotionThumbs()
            window_ms, next_guess_ms = 1000.0 * WINDOW_S, 1000.0 * EARLY_GUESS_S
            try:
                for pf in stream:
                    if stop_requested is not None and (why := stop_requested()):
                        stopped_by = why
                        complete, problem = False, f"stopped ({why}) after {pf.t_ms / 1000:.1f} s of the clip"
                        break
                    t_list.append(pf.t_ms)
                    samples.append(pf.sample)
                    last_handled = pf.index
                    if not confirmed:
                        elapsed_ms = pf.t_ms - t_list[0]
                        if elapsed_ms > window_ms:
                            confirm(len(t_list) - 1)  # every frame before this one
                        elif checker is None and elapsed_ms > next_guess_ms:
                            guess(len(t_list) - 1)
                            next_guess_ms = elapsed_ms + 1000.0 * GUESS_EVERY_S
                        if checker is None:
                            if progress is not None:
                                progress(pf.index + 1, info.frame_count)
                            continue
                    check_and_draw(pf.index, pf.t_ms, pf.sample, pf.out_rgb)
                    if progress is not None:
                        progress(pf.index + 1, info.frame_count)
            except TruncatedVideoError as exc:
                complete, problem = False, str(exc)
            warnings.extend(stream.source.gap_warnings())
            if not confirmed and t_list and any(s is not None for s in samples):
                confirm(len(t_list), stream_done=True)  # a clip shorter than the window
            if checker is not None:
                events.extend(checker.finish(t_list[-1] if t_list else 0.0))
            crowd = people_advice(stream.people_in_view())  # after the counting, its model closed first
            stage_s.update(decode=stream.decode_s, pose=stream.pose_s, decode_wait=stream.wait_s,
                           people=stream.people_s)
            model_name = stream.model_name
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    series = PoseSeries.from_samples(t_list, samples, info.wh, stream.fps)
    # the movement up to the last frame handled (a stopped run's decoder read a few frames further)
    motion = cache(lambda: count_motion(*thumbs.arrays(until_ms=t_list[-1])) if thumbs is not None else None)
    if not t_list or series.found_ratio == 0.0:
        counted = motion() if t_list and checker is not None else None
        if counted is None or not counted.reps:  # (else: counted from the movement, below)
            if writer is not None:
                writer.abort()
            if stopped_by:
                raise StoppedError(f"stopped ({stopped_by}) before anything was counted", stopped_by)
            if not t_list:
                raise FormcheckError(f"{info.path.name}: no frames could be decoded")
            if checker is None and t_list:  # --exercise auto: a named rep exercise may be counted from movement
                raise FormcheckError(f"nobody found in {info.path.name}: film the whole body, feet included, in "
                                     "good light (or name a rep exercise to have its reps counted from the movement)")
            raise FormcheckError(f"nobody found in {info.path.name}: film the whole body, feet included, in good light")
    result = enough_seen(checker.result(), series, motion)
    from_motion = result.counted_from == CountedFrom.MOTION
    if from_motion and writer is not None:  # it would show a count of 0 throughout
        writer.abort()
        writer = None
        # a file already at that path is an earlier run's (the CLI asked for --overwrite to go on):
        # left there, it would look like this run's video
        try:
            output_path(out_video).unlink(missing_ok=True)
        except OSError as exc:
            warnings.append(f"an earlier video at {out_video} could not be removed ({exc.strerror or exc}): "
                            "it is not this run's")
        warnings.append("annotated video not saved: the reps were counted from the movement in the picture, "
                        "with no body to draw")
    video_path = _finish_video(writer, complete, warnings) if writer is not None else None
    if writer is not None:
        stage_s.update(encode=writer.encode_s, overlay=writer.draw_s)
    # counted from the movement: the body's landmarks were not the person (the camera advice and the
    # people found come from them), and the result's own note says what to change
    advice = check_view((s for _, s in series.samples()), type(checker), view=View(result.view))
    if advice.message and not from_motion:
        warnings.insert(0, f"Camera: {advice.message}")
    if crowd and not from_motion:
        warnings.insert(0, f"Camera: {crowd}")
    # a stopped run reports what it handled, not what the decoding thread had read ahead
    frames = last_handled + 1 if stopped_by else stream.source.presented
    duration_s = (t_list[-1] if stopped_by else stream.source.last_t_ms) / 1000.0 + 1.0 / info.fps
    if complete and duration_s < MIN_COUNTABLE_S:
        warnings.append(f"the clip is only {duration_s:.1f} s long: too short to count a rep "
                        f"(record at least {MIN_COUNTABLE_S:.0f} s)")
    return Analysis(exercise, info, result, events, frames, series.found_ratio,
                    model_name, series, complete, problem, video_path, warnings=warnings, stopped_by=stopped_by,
                    recognised=recognised, stage_s=stage_s, analysis_fps=stream.fps, duration_s=duration_s,
                    decoded_frames=stream.source.decoded)


def _expand_and_annotate(jpeg: np.ndarray, **how) -> np.ndarray:
    """A kept (compressed) picture, expanded and drawn on: `annotate`'s arguments in `how`."""
    return annotate(KeptPictures.expand(jpeg), **how)


def _write_batch_or_give_up(writer: VideoWriter, batch: list, warnings: list[str]) -> VideoWriter | None:
    try:
        writer.write_batch(batch)
        return writer
    except FormcheckError as exc:
        writer.abort()
        warnings.append(f"annotated video not saved: {exc}")
        return None


def _write_or_give_up(writer: VideoWriter, image, t_ms: float, warnings: list[str],
                      draw: Callable[[np.ndarray], np.ndarray] | None = None) -> VideoWriter | None:
    """Hand a frame to the writer; if the video cannot be written (disk full), drop it, keep counting."""
    try:
        writer.write(image, t_ms, draw)
        return writer
    except FormcheckError as exc:
        writer.abort()
        warnings.append(f"annotated video not saved: {exc}")
        return None


def _finish_video(writer: VideoWriter, complete: bool, warnings: list[str]) -> Path | None:
    try:
        path = writer.close(partial=not complete)
    except FormcheckError as exc:
        warnings.append(f"annotated video not saved: {exc}")
        return None
    if path is None:
        warnings.append("the annotated video was not kept: too little of it could be written to play")
    return path


def analyze_series(series: PoseSeries, exercise: str, checker_config: dict | None = None,
                   motion: Callable[[], MotionCount | None] | None = None) -> tuple[CheckResult, list[Event]]:
    """The same checking on a recorded landmark series (no model, no video); `motion` as in
    `enough_seen`."""
    from formcheck.checkers.base import run_on_series
    result, events = run_on_series(make_checker(exercise, checker_config), series)
    return enough_seen(result, series, motion), events


# Counting holds through gaps of up to 0.7 s (RepCounterConfig.max_gap_s); with the person found
# in under 60 % of the frames the gaps are longer than that on average and reps are guessed, not
# seen (the labelled clips are found in 100 % of frames; a self-filmed leg press with the body
# mostly out of the picture in 55 %). Then the body's count is never given: the reps are counted
# from the picture's movement where it shows them (SEEN_WHOLE), else there is no count at all. The share
# is taken over the frames from the first one the person is found in to the last: a clip that runs
# on after the person walks out (or starts before they walk in) saw their reps no worse, and its
# count is kept.
MIN_FOUND_TO_COUNT = 0.6
NOT_ENOUGH_SEEN = "Could not see enough of you to count"
# A body found in fewer of the frames than this was seen in pieces, its landmarks guessed (a leg
# extension filmed with the picture turned 90 degrees: 75 %, never in its start position; the leg
# press filmed from its seat: 55 %, and a tester's cut of it at 60 % counted 1 rep of 3 with made-up
# knee angles): the picture's movement is counted too, and stands where the body's count does not
# (`enough_seen`). Every labelled clip of a whole body is found in 100 % of its frames; a body seen
# whole but in the wrong exercise keeps its checker's "never saw you in the start position".
SEEN_WHOLE = 0.9
# The first words of a result counted from the picture's movement (`counted_from_motion`).
COUNTED_FROM_MOVEMENT = "Counted from the movement in the picture"
# What is said instead of "Form looks good" then.
FORM_NOT_CHECKED = "Form not checked: the reps were counted from the movement in the picture alone."
# Nobody in the picture for longer than this at the end of a clip is said (the count is up to then).
LEFT_EARLY_S = 2.0


def found_while_present(series: PoseSeries) -> float:
    """The share of frames with the person found, from the first frame they are found in to the last."""
    found = np.flatnonzero(~np.isnan(series.xy_px[:, 0, 0]))
    if not len(found):
        return 0.0
    return len(found) / float(found[-1] - found[0] + 1)


def enough_seen(result: CheckResult, series: PoseSeries,
                motion: Callable[[], MotionCount | None] | None = None) -> CheckResult:
    """The result, or (a rep exercise with the person found too rarely) no count and why; and a note
    when the person left the picture well before the clip's end.

    motion: the clip's reps counted from the picture's movement (`signals.motion`), asked for only
    when the body was seen in pieces (found in under SEEN_WHOLE of the frames); when it counts any,
    they are the result (`counted_from_motion`) if the body's count cannot stand: under
    MIN_FOUND_TO_COUNT, a checker that never started, or fewer reps than the movement shows."""
    from formcheck.checkers import get_checker_class
    found = np.flatnonzero(~np.isnan(series.xy_px[:, 0, 0]))
    share = found_while_present(series)
    if get_checker_class(result.exercise).mode != Mode.REPS:
        return _left_early(result, series, found)
    if motion is not None and share < SEEN_WHOLE:
        counted = motion()
        # under MIN_FOUND_TO_COUNT the body's count is never given; up to SEEN_WHOLE it stands unless
        # the checker never saw its start position or the movement shows more reps than it counted
        if counted is not None and counted.reps and (share < MIN_FOUND_TO_COUNT or not result.started
                                                     or len(counted.reps) > result.rep_count):
            return counted_from_motion(result, counted, share)
    result = _left_early(result, series, found)
    if share >= MIN_FOUND_TO_COUNT:
        return result
    result.warnings.insert(0, f"{NOT_ENOUGH_SEEN} (a person was found in {100 * share:.0f} % of "
                              f"the frames): film from further away so your whole body is in the picture")
    result.rep_count, result.reps, result.corrections = 0, [], []
    return result


def _left_early(result: CheckResult, series: PoseSeries, found: np.ndarray) -> CheckResult:
    if len(found) and series.t_ms[-1] - series.t_ms[found[-1]] > 1000.0 * LEFT_EARLY_S:
        result.warnings.append(f"Nobody in the picture after {series.t_ms[found[-1]] / 1000:.1f} s: "
                               "counted up to then")
    return result


def counted_from_motion(result: CheckResult, motion: MotionCount, found_share: float) -> CheckResult:
    """A rep exercise's result from the picture's movement alone: the reps and their tempo (away:
    from the start position to the far end, back: to it again), no heights, angles, faults or view,
    and a plain note first."""
    reps = [Rep(i, seg.start_t_s, seg.peak_t_s, seg.end_t_s,
                {"away_s": round(seg.peak_t_s - seg.start_t_s, 3), "back_s": round(seg.end_t_s - seg.peak_t_s, 3)})
            for i, seg in enumerate(motion.reps, 1)]
    why = "nobody was found in the picture" if found_share == 0.0 else "your body was seen only in pieces"
    note = (f"{COUNTED_FROM_MOVEMENT}: {why}, so reps are counted but your form is not checked. "
            "For form checks, film from further away so your whole body is in the picture")
    return CheckResult(result.exercise, len(reps), reps, "unknown", {"counted_from": CountedFrom.MOTION.value}, [],
                       reps[0].start_s, reps[-1].end_s,
                       {"t_s": [round(float(t), 3) for t in motion.t_s],
                        "value": [round(float(v), 3) if np.isfinite(v) else None for v in motion.value]},
                       "Movement in the picture (0 = start, 1 = far end)", [note], started=True,
                       counted_from=CountedFrom.MOTION)
