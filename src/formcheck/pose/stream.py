"""One clip through the pose model, once: `PoseStream` yields `PoseFrame`s in order.

Every recorded-clip path reads its poses here (analyze, auto-recognition, eval's landmark
series, the sample renderer's landmark recording, the benchmarks' model timings), so the model sees the same
pictures whichever command runs it, and runs once per clip.

A clip faster than ANALYSIS_MAX_FPS is analysed at about that rate: every frame is decoded, but
only every `step`-th is converted and given to the model (`frame_step`). Each of those is scaled
to the size the model needs before its colour conversion, and optionally a second picture made
at the annotated video's size. Landmark
pixels are always in the clip's own pixels (`info.wh`), whatever size the model saw, so a
landmark series does not depend on these sizes. Times are media milliseconds, strictly
increasing; pictures are contiguous HxWx3 uint8 RGB.
"""
from __future__ import annotations

import os
import time
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from formcheck.allocator import fewer_arenas
from formcheck.cores import leave_model_core, model_core, run_on
from formcheck.pose.types import PeopleSighting, PoseSample, PoseSeries
from formcheck.io.kept_pictures import KeptPictures, MotionThumbs
from formcheck.io.video import BIG_PICTURE_PX, DecodeAhead, Frame, SizedFrame, VideoInfo, fit_short_side, frame_step, open_video

# The landmarker crops the person and resizes the crop to 256x256 (the detector sees the whole
# picture at 224x224), so pixels past that are decoded, converted and copied for nothing. At a
# 720-pixel short side a whole person standing in a landscape 16:9 picture still spans ~600 px,
# over twice what the model reads; on every labelled clip the counts are the same as at full
# size (README "Speed and memory").
MODEL_MAX_SHORT_SIDE_PX = 720
# The model sees at most about this many frames a second (60 fps clips: every other frame; 25-45
# fps: every frame), halving the model's work on a phone's 60 fps clip. Chosen by measurement on
# every labelled clip's full-rate landmarks taken at the stream's own step (tests/test_analysis_rate.py):
# counts, faults at every rep and recognition are the same at 30, 24 and 20 fps; at 15 fps the quick
# single-leg calf raise loses its "too fast" fault, at 10 fps three clips gain or lose one. Timers
# (foam rolling) move by at most 0.1 s of ~10 s. The counting is frame-rate independent from 10 fps
# up on the rendered clips (tests/test_frame_rate.py).
ANALYSIS_MAX_FPS = 30.0


# Frames decoded ahead of the model: enough to ride out a slow frame, few enough for memory
# (a 720p RGB picture is 2.7 MB).
DECODE_AHEAD_FRAMES = 4
# Frames the model has read ahead of the reader (whose work on a frame is ~1-2 ms to the model's ~19).
POSED_AHEAD_FRAMES = 2
# `check_people`: frames looked at for more than one person, at these seconds from the start (the
# first seconds, where the camera advice looks too). A second landmarker that finds several people
# (`PeopleFinder`) runs on these frames only, never on every frame. Measured on the 2-core machine
# (full model, loading included): 0.23 s for a 2 s 640x480 clip, 0.39 s for two people side by side
# at 1280x480, 0.37-0.58 s for the 18-20 s sample clips, whose counting pass takes ~13 s: 2-4 %.
# The frames are kept (5 pictures, ~14 MB at 720p) and looked at after the counting model is closed
# (`people_in_view`): the second landmarker's ~75 MB never adds to the counting pass's peak memory.
PEOPLE_CHECK_AT_S = (0.25, 1.25, 2.25, 3.25, 4.25)


@dataclass(frozen=True)
class PoseFrame:
    index: int
    t_ms: float  # media time, strictly increasing
    image_rgb: np.ndarray  # the picture the model saw (model_wh)
    sample: PoseSample | None  # in the clip's pixels (info.wh); None: nobody found
    out_rgb: np.ndarray | None = None  # the picture at out_wh, when asked for (may be image_rgb itself)
    pose_ms: float = 0.0  # how long the model took on this frame


class PoseStream:
    """Decode a clip and run the pose model on its frames at the analysis rate, streaming (never
    the clip in memory).

    Use as a context manager; iterate once. `out_wh` asks for each frame also at that size
    (the annotated video's), decoded from the same frame. max_fps: the analysis rate's ceiling
    (None: every frame); `step` and `fps` say what it came to for this clip.
    """

    def __init__(self, video: str | os.PathLike, model: str | os.PathLike | None = None, *,
                 max_short_side_px: int | None = MODEL_MAX_SHORT_SIDE_PX,
                 out_wh: tuple[int, int] | None = None, until_ms: float | None = None,
                 check_people: bool = False, max_fps: float | None = ANALYSIS_MAX_FPS,
                 own_thread: bool = True) -> None:
        from formcheck.pose.estimator import PoseEstimator  # mediapipe loads only when a stream opens
        fewer_arenas()  # the pictures are made on one thread and freed on others
        self.source = open_video(video)
        # the model runs on a CPU of its own where the process keeps one (`formcheck.cores`): this
        # thread is moved there until `close()` (the model's executor threads start there), and so
        # is the model's own thread when the iterating starts it
        self._core = ExitStack()
        try:
            # pictures over 1080p: their decoding is about the model's work; they may share its CPU
            self._cpu = self._core.enter_context(model_core(
                exclusive=self.source.info.width * self.source.info.height <= BIG_PICTURE_PX))
            self.estimator = PoseEstimator(model)
        except BaseException:
            self._core.close()
            self.source.close()
            raise
        self.info: VideoInfo = self.source.info
        self.model_name = self.estimator.model_path.name
        self.model_wh = fit_short_side(self.info.wh, max_short_side_px)
        self.step = frame_step(self.info.fps, max_fps)  # the model sees presented frames 0, step, 2 * step, ...
        self.fps = self.info.fps / self.step  # the analysis rate
        self.out_wh = out_wh
        self.until_ms = until_ms  # stop (before the model) at the first frame later than this after the first
        # the model called on a thread of its own (False: on the iterating thread, one frame at a
        # time, as the live loop runs it: benchmarks/bench_live_latency.py)
        self.own_thread = own_thread
        self._stop_posed: Callable[[], None] = lambda: None
        self.decode_s = 0.0  # seconds spent decoding (and scaling, converting), on the decoder's thread
        self.pose_s = 0.0  # seconds in the pose model so far
        self.wait_s = 0.0  # seconds the model waited for a decoded frame
        self.check_people = check_people  # look for more than one person at PEOPLE_CHECK_AT_S
        self.people: list[PeopleSighting] = []
        self.people_s = 0.0  # seconds spent looking for more people (loading included)
        self._people_model = model
        self._people_frames: list[tuple[float, np.ndarray, PoseSample | None]] = []
        self._stop_decoder: Callable[[], None] = lambda: None
        # set before iterating: each analysed frame's out picture (else the model's) is also kept
        # compressed here, on the decoder's thread, until `kept.stop()`
        self.kept: KeptPictures | None = None
        # set before iterating: a small grey copy of each analysed frame (at most 15 a second) is kept
        # here, on the decoder's thread, for counting from the picture's movement (signals.motion)
        self.motion: MotionThumbs | None = None

    def __iter__(self) -> Iterator[PoseFrame]:
        """The frames with their poses, the model run on a thread of its own (`formcheck-pose`,
        on the CPU kept for it where one is: `formcheck.cores`) up to POSED_AHEAD_FRAMES ahead of
        the reader, whose work on each frame (checking, handing it to be drawn) then runs beside
        the model's on the next, and off the model's CPU."""
        if not self.own_thread:
            yield from self._posed()
            return
        posed = DecodeAhead(self._posed(), POSED_AHEAD_FRAMES, name="formcheck-pose", background=False)
        self._stop_posed = posed.close
        leave_model_core()  # this thread, the model's feeder until now: to the other CPUs
        try:
            yield from posed
        finally:
            posed.close()

    def _posed(self) -> Iterator[PoseFrame]:
        if self.own_thread:
            run_on(self._cpu)  # the model's own thread, on the CPU kept for it
        clip_wh = self.info.wh
        first_ms: float | None = None
        for f in self._decoded():
            first_ms = f.t_ms if first_ms is None else first_ms
            if self.until_ms is not None and f.t_ms - first_ms > self.until_ms:
                return
            t0 = time.perf_counter()
            sample = self.estimator.detect(f.image_rgb, f.t_ms, image_wh=clip_wh)
            pose_s = time.perf_counter() - t0
            self.pose_s += pose_s
            if self.check_people and len(self._people_frames) < len(PEOPLE_CHECK_AT_S) \
                    and f.t_ms - first_ms >= 1000.0 * PEOPLE_CHECK_AT_S[len(self._people_frames)]:
                self._people_frames.append((f.t_ms, f.image_rgb, sample))
            out = f.also_rgb if isinstance(f, SizedFrame) else None
            yield PoseFrame(f.index, f.t_ms, f.image_rgb, sample, out, 1000.0 * pose_s)

    def people_in_view(self) -> list[PeopleSighting]:
        """Who is in the frames kept for `check_people` (read after the stream): the counting model
        is closed first, then a `PeopleFinder` looks at each kept frame."""
        if self._people_frames:
            t0 = time.perf_counter()
            self.estimator.close()
            from formcheck.pose.estimator import PeopleFinder
            with PeopleFinder(self._people_model) as finder:
                for t_ms, picture, sample in self._people_frames:
                    centres = tuple(finder.centres(picture))
                    self.people.append(PeopleSighting(t_ms, centres, sample.centre() if sample is not None else None))
            self._people_frames.clear()
            self.people_s += time.perf_counter() - t0
        return self.people

    def _decoded(self) -> Iterator[Frame]:
        """The source's frames at the analysis rate, decoded on a thread of their own."""
        ahead = DecodeAhead(self._keeping(self.source.frames(self.model_wh, also_wh=self.out_wh, step=self.step)),
                            DECODE_AHEAD_FRAMES)
        self._stop_decoder = ahead.close
        try:
            yield from ahead
        finally:
            self.decode_s, self.wait_s = ahead.decode_s, ahead.wait_s

    def _keeping(self, frames: Iterator[Frame]) -> Iterator[Frame]:
        """The frames, each also added to `kept` while it keeps and to `motion` (on the decoder's thread)."""
        for f in frames:
            if self.kept is not None and self.kept.keeping:
                self.kept.add(f.also_rgb if isinstance(f, SizedFrame) else f.image_rgb)
            if self.motion is not None:
                self.motion.add(f.t_ms, f.image_rgb)
            yield f

    def close_decoder(self) -> None:
        """Stop decoding and close the clip (its decoder's pictures freed); the model stays open
        (`people_in_view` may still need it). `info`, `presented` and the gaps stay readable."""
        self._stop_posed()  # never close a clip under the model's thread, nor under its decoder
        self._stop_decoder()
        self.source.close()

    def close(self) -> None:
        try:
            self._stop_posed()  # never close the model under its own thread, nor a clip under its decoder
            self._stop_decoder()
            self.estimator.close()
        finally:
            try:
                self.source.close()
            finally:
                self._core.close()

    def __enter__(self) -> "PoseStream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def series_of(stream: PoseStream) -> PoseSeries:
    """Collect a stream's samples into a series (at the stream's analysis rate)."""
    t_ms: list[float] = []
    samples: list[PoseSample | None] = []
    for pf in stream:
        t_ms.append(pf.t_ms)
        samples.append(pf.sample)
    return PoseSeries.from_samples(t_ms, samples, stream.info.wh, stream.fps)


def clip_series(video: str | os.PathLike, model: str | os.PathLike | None = None, *,
                until_ms: float | None = None, max_fps: float | None = ANALYSIS_MAX_FPS) -> PoseSeries:
    """A clip's landmark series (the whole clip, or its first until_ms) at the analysis rate
    (max_fps=None: every frame)."""
    with PoseStream(video, model, until_ms=until_ms, max_fps=max_fps) as stream:
        return series_of(stream)


def at_analysis_rate(series: PoseSeries, max_fps: float | None = ANALYSIS_MAX_FPS) -> PoseSeries:
    """A full-rate series (one sample per presented frame) cut to the frames a `PoseStream`
    with this max_fps gives the model: the same step, from the first frame. Only the frames
    are chosen: the model, run at that rate, tracks across larger steps and may place its
    landmarks a little differently."""
    return series.every(frame_step(series.fps, max_fps))
