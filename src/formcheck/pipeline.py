"""Clip review: decode -> pose -> checker -> overlay -> H.264, one pass, streaming.

Inference and checking run in the calling thread (the checker is stateful and needs no
locks); H.264 encoding runs beside them on the writer's thread behind a bounded queue.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .checkers import make_checker
from .checkers.base import CheckResult, Event
from .errors import FormcheckError, StoppedError
from .overlay import annotate
from .pose import PoseSample, PoseSeries
from .pose_adapter import PoseEstimator
from .viewcheck import check_view
from .video_io import TruncatedVideoError, VideoInfo, VideoWriter, open_video

ProgressFn = Callable[[int, int], None]  # (frames done, frames expected or 0)
StopFn = Callable[[], "str | None"]  # a reason to stop now (e.g. "Ctrl-C"), or None to go on
# The quickest rep any checker counts takes about a second (up and down); a shorter clip
# cannot hold one, so it gets a note instead of a silent "0 reps".
MIN_COUNTABLE_S = 1.0


@dataclass
class Analysis:
    exercise: str
    info: VideoInfo
    result: CheckResult
    events: list[Event]
    frames: int
    pose_found_ratio: float
    model: str
    series: PoseSeries
    complete: bool = True
    problem: str | None = None  # why the analysis is partial
    video_path: Path | None = None
    warnings: list[str] = field(default_factory=list)
    stopped_by: str | None = None  # the signal that stopped the run early, if one did


def analyze_clip(video: str | os.PathLike, exercise: str, *, model: str | os.PathLike | None = None,
                 out_video: str | os.PathLike | None = None, progress: ProgressFn | None = None,
                 checker_config: dict | None = None,
                 stop_requested: StopFn | None = None) -> Analysis:
    """Run one clip through the pose model and the exercise checker.

    Raises FormcheckError for input that cannot be analysed at all (unreadable, nobody in
    it). A clip damaged midway, or a run stopped by `stop_requested()` returning a reason,
    returns `complete=False` with everything up to there (and a playable `.partial` video).
    An annotated video that cannot be written is given up with a warning; the count goes on.
    """
    checker = make_checker(exercise, checker_config)
    source = open_video(video)
    info = source.info
    t_list: list[float] = []
    samples: list[PoseSample | None] = []
    events: list[Event] = []
    warnings: list[str] = []
    writer = VideoWriter(out_video, info.fps, info.wh) if out_video else None
    complete, problem, stopped_by = True, None, None
    try:
        with source, PoseEstimator(model) as estimator:
            model_name = estimator.model_path.name
            try:
                for frame in source.frames():
                    if stop_requested is not None and (why := stop_requested()):
                        stopped_by = why
                        complete, problem = False, f"stopped ({why}) after {frame.t_ms / 1000:.1f} s of the clip"
                        break
                    sample = estimator.detect(frame.image_rgb, frame.t_ms)
                    t_list.append(frame.t_ms)
                    samples.append(sample)
                    events.extend(checker.update(frame.t_ms, sample))
                    if writer is not None:
                        writer = _write_or_give_up(writer, annotate(frame.image_rgb, sample, checker.state),
                                                   frame.t_ms, warnings)
                    if progress is not None:
                        progress(frame.index + 1, info.frame_count)
            except TruncatedVideoError as exc:
                complete, problem = False, str(exc)
            warnings.extend(source.gap_warnings())
            events.extend(checker.finish(t_list[-1] if t_list else 0.0))
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    series = PoseSeries.from_samples(t_list, samples, info.wh, info.fps)
    if not t_list or series.found_ratio == 0.0:
        if writer is not None:
            writer.abort()
        if stopped_by:
            raise StoppedError(f"stopped ({stopped_by}) before anything was counted", stopped_by)
        if not t_list:
            raise FormcheckError(f"{info.path.name}: no frames could be decoded")
        raise FormcheckError(f"nobody found in {info.path.name}: film the whole body, feet included, in good light")
    video_path = _finish_video(writer, complete, warnings) if writer is not None else None
    advice = check_view((s for _, s in series.samples()), type(checker))
    if advice.message:
        warnings.insert(0, f"Camera: {advice.message}")
    duration_s = t_list[-1] / 1000.0 + 1.0 / info.fps
    if complete and duration_s < MIN_COUNTABLE_S:
        warnings.append(f"the clip is only {duration_s:.1f} s long: too short to count a rep "
                        f"(record at least {MIN_COUNTABLE_S:.0f} s)")
    return Analysis(exercise, info, enough_seen(checker.result(), series), events, len(t_list), series.found_ratio,
                    model_name, series, complete, problem, video_path, warnings=warnings, stopped_by=stopped_by)


def _write_or_give_up(writer: VideoWriter, image, t_ms: float, warnings: list[str]) -> VideoWriter | None:
    """Hand a frame to the writer; if the video cannot be written (disk full), drop it, keep counting."""
    try:
        writer.write(image, t_ms)
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


def extract_series(video: str | os.PathLike, *, model: str | os.PathLike | None = None) -> PoseSeries:
    """Only the pose pass: a clip's landmark series (for evaluation caches and tests)."""
    t_list: list[float] = []
    samples: list[PoseSample | None] = []
    with open_video(video) as source, PoseEstimator(model) as estimator:
        for frame in source.frames():
            t_list.append(frame.t_ms)
            samples.append(estimator.detect(frame.image_rgb, frame.t_ms))
        return PoseSeries.from_samples(t_list, samples, source.info.wh, source.info.fps)


def analyze_series(series: PoseSeries, exercise: str, checker_config: dict | None = None
                   ) -> tuple[CheckResult, list[Event]]:
    """The same checking on a recorded landmark series (no model, no video)."""
    from .checkers.base import run_on_series
    result, events = run_on_series(make_checker(exercise, checker_config), series)
    return enough_seen(result, series), events


# Counting holds through gaps of up to 0.7 s (RepCounterConfig.max_gap_s); with the person found
# in under 60 % of the frames the gaps are longer than that on average and reps are guessed, not
# seen (the labelled clips are found in 100 % of frames; a self-filmed leg press with the body
# mostly out of the picture in 52 %). Then no count is given at all.
MIN_FOUND_TO_COUNT = 0.6
NOT_ENOUGH_SEEN = "Could not see enough of you to count"


def enough_seen(result: CheckResult, series: PoseSeries) -> CheckResult:
    """The result, or (a rep exercise with the person found too rarely) no count and why."""
    from .checkers import get_checker_class
    from .checkers.base import Mode
    if get_checker_class(result.exercise).mode != Mode.REPS or series.found_ratio >= MIN_FOUND_TO_COUNT:
        return result
    result.warnings.insert(0, f"{NOT_ENOUGH_SEEN} (a person was found in {100 * series.found_ratio:.0f} % of "
                              f"the frames): film from further away so your whole body is in the picture")
    result.rep_count, result.reps, result.corrections = 0, [], []
    return result
