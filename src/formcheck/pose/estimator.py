"""The only module that imports mediapipe: turns an RGB frame into a `PoseSample`.

Runs the Tasks `PoseLandmarker` in VIDEO mode (detector only when tracking is lost,
landmarks smoothed across frames). VIDEO mode needs strictly increasing integer-ms
timestamps and never recovers from a bad one, so `detect` enforces that here.
"""
from __future__ import annotations

import contextlib
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.errors import FormcheckError
from formcheck.pose.models import resolve_model_path
from formcheck.pose.types import PoseSample

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import mediapipe as mp  # noqa: E402
from mediapipe.tasks.python import BaseOptions, vision  # noqa: E402


@contextlib.contextmanager
def _quiet_native_stderr():
    """MediaPipe's C++ side prints INFO/WARNING lines on fd 2 when a graph starts; hide them."""
    if os.environ.get("FORMCHECK_DEBUG"):
        yield
        return
    try:
        fd = sys.__stderr__.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.__stderr__.flush()
    saved, devnull = os.dup(fd), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    try:
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


class PoseEstimator:
    """One landmarker for one stream (a clip or a camera session); not thread-safe, never share it."""

    def __init__(self, model: str | os.PathLike | None = None, *,
                 min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5) -> None:
        self.model_path: Path = resolve_model_path(model)
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=1,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        try:
            with _quiet_native_stderr():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except Exception as exc:  # mediapipe raises RuntimeError/ValueError with long C++ text
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise FormcheckError(f"cannot load pose model {self.model_path.name}: {first}") from exc
        self._last_ts_ms = -1

    def detect(self, image_rgb: np.ndarray, t_ms: float, *,
               image_wh: tuple[int, int] | None = None) -> PoseSample | None:
        """Landmarks of the most prominent person, or None when nobody is found.

        image_wh: the size of the picture the image was scaled down from; pixel landmarks are
        given in that picture's pixels (default: the image's own size).
        """
        ts = int(round(t_ms))
        if ts <= self._last_ts_ms:  # equal or backwards stamps would kill the graph for good
            ts = self._last_ts_ms + 1
        self._last_ts_ms = ts
        if image_rgb.dtype != np.uint8 or image_rgb.ndim != 3 or image_rgb.shape[2] != 3:
            raise ValueError("detect() takes an HxWx3 uint8 RGB image")
        # A strided view (PyAV rows that are not aligned) makes mp.Image silently find nobody.
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        # The graph logs start-up warnings on the first frame, and LiteRT now and then a line about an
        # internal tensor's alignment on a later one (not our image's: an aligned copy still gets it).
        # The user's stderr is for one plain line, so fd 2 is quiet during every inference (a few
        # microseconds of dup2); FORMCHECK_DEBUG=1 shows them.
        with _quiet_native_stderr():
            result = self._landmarker.detect_for_video(image, ts)
        if not result.pose_landmarks:
            return None
        w, h = image_wh if image_wh is not None else (image_rgb.shape[1], image_rgb.shape[0])
        lms, world = result.pose_landmarks[0], result.pose_world_landmarks[0]
        xy = np.array([(p.x * w, p.y * h) for p in lms], dtype=float)
        vis = np.array([p.visibility if p.visibility is not None else 0.0 for p in lms], dtype=float)
        xyz = np.array([(p.x, p.y, p.z) for p in world], dtype=float)
        return PoseSample(t_ms=float(t_ms), xy_px=xy, visibility=vis, world_xyz_m=xyz, image_wh=(w, h))

    def close(self) -> None:
        # mediapipe >= 1.2.3 logs "INFO: ... DestroyAccelerator" lines on fd 2 when closing.
        if getattr(self, "_landmarker", None) is not None:
            with _quiet_native_stderr():
                self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # close before interpreter teardown, which mediapipe dislikes
        try:
            self.close()
        except Exception:
            pass


# People looked for at once when checking how many are in view: two is the case to name ("two
# people in view"); a third lets the line say "3 people" instead of guessing two.
MAX_PEOPLE_LOOKED_FOR = 3
# The pose detector sees the whole picture squeezed into its square input, so a person small against
# the picture's long side is often missed: two rendered people 240 px tall side by side (each ~0.31 of
# the long side) were found as two in 19 of 38 frames of a 640x480 picture, 0 of 38 at 960x480 and at
# 1280x720, 35 of 38 at 640x240. When nobody is found, or only people smaller than this share of the
# long side (landmarks' extent, the larger of height and width), the picture is looked at again in
# square tiles of its short side: then 38, 38, 35 and 38 of 38 (sample_videos calf_raise_side_*,
# 38 frames). People in the real clips measure 0.38-0.65 standing (1080p and phone clips) and
# 0.2-0.29 lying or seated; the rendered ones 0.36-0.59 at 640x480. A lone person under the share
# costs one sampled frame's tiles (2-4 more inferences), then tiles stop (`PeopleFinder.people`).
TILE_BELOW_LONG_SIDE_SHARE = 0.35
# Neighbouring tiles overlap by at least this share of a tile, so a person on a tile's edge is whole
# in the next one.
TILE_OVERLAP = 0.33
# Two finds in overlapping tiles whose centres are closer than this share of the person's extent
# are the same person.
SAME_PERSON_EXTENT_SHARE = 0.25


def square_tiles(width: int, height: int, overlap: float = TILE_OVERLAP) -> list[tuple[int, int, int]]:
    """(x, y, side) of the square tiles, as big as the picture's short side, that cover the picture
    with neighbours overlapping by at least `overlap` of a tile; one tile for a square picture."""
    side = min(width, height)

    def starts(length: int) -> list[int]:
        if length <= side:
            return [0]
        n = int(np.ceil((length - side) / ((1.0 - overlap) * side))) + 1
        return [int(round(v)) for v in np.linspace(0, length - side, n)]
    return [(x, y, side) for y in starts(height) for x in starts(width)]


@dataclass(frozen=True)
class Found:
    """One person found in a picture, in that picture's pixels."""

    centre_px: tuple[float, float]  # mean of the landmarks
    extent_px: float  # the larger of the landmarks' height and width


def merge_people(found: list[Found]) -> list[Found]:
    """One entry per person: finds whose centres are closer than SAME_PERSON_EXTENT_SHARE of the
    larger one's extent are one person, found twice in overlapping tiles (the first find is kept)."""
    kept: list[Found] = []
    for f in found:
        if not any(math.dist(f.centre_px, k.centre_px) < SAME_PERSON_EXTENT_SHARE * max(f.extent_px, k.extent_px)
                   for k in kept):
            kept.append(f)
    return kept


class PeopleFinder:
    """How many people a picture holds, and where: a second landmarker in IMAGE mode with
    `num_poses=MAX_PEOPLE_LOOKED_FOR`, run on a handful of sampled frames only (the counting
    landmarker follows one person and cannot tell that anybody else is there).

    The pose detector is the same in every model bundle; a person counts when found with the
    counting landmarker's confidence. People small in the picture are looked for again in tiles
    (TILE_BELOW_LONG_SIDE_SHARE).
    """

    def __init__(self, model: str | os.PathLike | None = None, *, min_confidence: float = 0.5) -> None:
        path = resolve_model_path(model)
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.IMAGE,
            num_poses=MAX_PEOPLE_LOOKED_FOR,
            min_pose_detection_confidence=min_confidence,
            min_pose_presence_confidence=min_confidence,
        )
        try:
            with _quiet_native_stderr():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise FormcheckError(f"cannot load pose model {path.name}: {first}") from exc
        self.tiles_looked = 0  # tiles looked at since made (each costs one more inference)
        self._tile = True  # tiles are still worth looking at (see `people`)

    def centres(self, image_rgb: np.ndarray) -> list[tuple[float, float]]:
        """Each person's centre (mean of the landmarks), as fractions of the picture's width and height."""
        h, w = image_rgb.shape[:2]
        return [(f.centre_px[0] / w, f.centre_px[1] / h) for f in self.people(image_rgb)]

    def people(self, image_rgb: np.ndarray) -> list[Found]:
        """Everybody found: in the whole picture, then, if nobody or only people small against the
        picture's long side were found there, in its square tiles too. A picture with one small person
        whose tiles found nobody new turns tiles off for the frames after it (one person standing far
        off pays for one frame's tiles, not every frame's); an empty picture does not (the first look
        often comes before anybody is in place)."""
        h, w = image_rgb.shape[:2]
        found = self._find(image_rgb, 0, 0)
        small = max((f.extent_px for f in found), default=0.0) < TILE_BELOW_LONG_SIDE_SHARE * max(w, h)
        tiles = square_tiles(w, h)
        if self._tile and len(found) < 2 and small and len(tiles) > 1:
            merged = merge_people(found + [f for x, y, side in tiles
                                           for f in self._find(image_rgb[y:y + side, x:x + side], x, y)])
            self.tiles_looked += len(tiles)
            if found:  # one small person alone, and the tiles found nobody else: stop paying for tiles
                self._tile = len(merged) > len(found)
            found = merged
        return found

    def _find(self, image_rgb: np.ndarray, x0: int, y0: int) -> list[Found]:
        """People in this picture (a tile at x0, y0 of the whole one), in the whole picture's pixels."""
        h, w = image_rgb.shape[:2]
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        with _quiet_native_stderr():
            result = self._landmarker.detect(image)
        out = []
        for lms in result.pose_landmarks:
            xs, ys = np.array([p.x for p in lms]) * w, np.array([p.y for p in lms]) * h
            out.append(Found((x0 + float(xs.mean()), y0 + float(ys.mean())), float(max(np.ptp(xs), np.ptp(ys)))))
        return out

    def close(self) -> None:
        if getattr(self, "_landmarker", None) is not None:
            with _quiet_native_stderr():
                self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> "PeopleFinder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
