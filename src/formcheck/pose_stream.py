"""One clip through the pose model, once: `PoseStream` yields `PoseFrame`s in order.

Every recorded-clip path reads its poses here (analyze, auto-recognition, eval's landmark
series, the sample renderer's landmark recording, the benchmarks), so the model sees the same
pictures whichever command runs it, and runs once per clip.

Each frame is decoded straight to the size the model needs (scaled in the same step as the
colour conversion), and optionally a second picture at the annotated video's size. Landmark
pixels are always in the clip's own pixels (`info.wh`), whatever size the model saw, so a
landmark series does not depend on these sizes. Times are media milliseconds, strictly
increasing; pictures are contiguous HxWx3 uint8 RGB.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .pose import PoseSample, PoseSeries
from .video_io import SizedFrame, VideoInfo, fit_short_side, open_video

# The landmarker crops the person and resizes the crop to 256x256 (the detector sees the whole
# picture at 224x224), so pixels past that are decoded, converted and copied for nothing. At a
# 720-pixel short side a whole person standing in a landscape 16:9 picture still spans ~600 px,
# over twice what the model reads; on every labelled clip the counts are the same as at full
# size (README "Speed and memory").
MODEL_MAX_SHORT_SIDE_PX = 720


@dataclass(frozen=True)
class PoseFrame:
    index: int
    t_ms: float  # media time, strictly increasing
    image_rgb: np.ndarray  # the picture the model saw (model_wh)
    sample: PoseSample | None  # in the clip's pixels (info.wh); None: nobody found
    out_rgb: np.ndarray | None = None  # the picture at out_wh, when asked for (may be image_rgb itself)


class PoseStream:
    """Decode a clip and run the pose model on every frame, streaming (never the clip in memory).

    Use as a context manager; iterate once. `out_wh` asks for each frame also at that size
    (the annotated video's), decoded from the same frame.
    """

    def __init__(self, video: str | os.PathLike, model: str | os.PathLike | None = None, *,
                 max_short_side_px: int | None = MODEL_MAX_SHORT_SIDE_PX,
                 out_wh: tuple[int, int] | None = None) -> None:
        from .pose_adapter import PoseEstimator  # mediapipe loads only when a stream opens
        self.source = open_video(video)
        try:
            self.estimator = PoseEstimator(model)
        except BaseException:
            self.source.close()
            raise
        self.info: VideoInfo = self.source.info
        self.model_name = self.estimator.model_path.name
        self.model_wh = fit_short_side(self.info.wh, max_short_side_px)
        self.out_wh = out_wh
        self.decode_s = 0.0  # seconds spent decoding (and scaling, converting) so far
        self.pose_s = 0.0  # seconds in the pose model so far

    def __iter__(self) -> Iterator[PoseFrame]:
        clip_wh = self.info.wh
        frames = self.source.frames(self.model_wh, also_wh=self.out_wh)
        while True:
            t0 = time.perf_counter()
            f = next(frames, None)
            t1 = time.perf_counter()
            if f is None:
                return
            self.decode_s += t1 - t0
            sample = self.estimator.detect(f.image_rgb, f.t_ms, image_wh=clip_wh)
            self.pose_s += time.perf_counter() - t1
            out = f.also_rgb if isinstance(f, SizedFrame) else None
            yield PoseFrame(f.index, f.t_ms, f.image_rgb, sample, out)

    def close(self) -> None:
        try:
            self.estimator.close()
        finally:
            self.source.close()

    def __enter__(self) -> "PoseStream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def series_of(frames: Iterator[PoseFrame], info: VideoInfo, *, until_ms: float | None = None) -> PoseSeries:
    """Collect a stream's samples into a series; until_ms: stop after this long from the first frame."""
    t_ms: list[float] = []
    samples: list[PoseSample | None] = []
    for pf in frames:
        if until_ms is not None and t_ms and pf.t_ms - t_ms[0] > until_ms:
            break
        t_ms.append(pf.t_ms)
        samples.append(pf.sample)
    return PoseSeries.from_samples(t_ms, samples, info.wh, info.fps)


def clip_series(video: str | os.PathLike, model: str | os.PathLike | None = None, *,
                until_ms: float | None = None) -> PoseSeries:
    """A clip's landmark series (the whole clip, or its first until_ms)."""
    with PoseStream(video, model) as stream:
        return series_of(iter(stream), stream.info, until_ms=until_ms)
