"""Typed pose data: one frame's landmarks (`PoseSample`) and a clip's series (`PoseSeries`).

Built at the edge by `pose.estimator` (the only module that imports mediapipe) and read
by everything else, so checkers run on recorded series without a model or a camera.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS, PoseLandmark

# A landmark whose visibility is below this is treated as not seen (Sports2D and the
# MediaPipe docs use 0.5 as the usual cut between "in view" and "guessed").
MIN_VISIBILITY = 0.5


@dataclass(frozen=True)
class PeopleSighting:
    """Who is in one sampled frame: every person's centre, and the counted person's (None: nobody
    counted in that frame), as fractions of the picture's width and height."""

    t_ms: float
    centres: tuple[tuple[float, float], ...]
    counted: tuple[float, float] | None


@dataclass(frozen=True)
class PoseSample:
    """One person's pose in one frame.

    xy_px: (33, 2) image pixels; visibility: (33,) in [0, 1];
    world_xyz_m: (33, 3) metres, origin between the hips, y pointing down.
    """

    t_ms: float
    xy_px: np.ndarray
    visibility: np.ndarray
    world_xyz_m: np.ndarray
    image_wh: tuple[int, int]

    def __post_init__(self) -> None:
        if self.xy_px.shape != (NUM_LANDMARKS, 2):
            raise ValueError(f"xy_px must be (33, 2), got {self.xy_px.shape}")
        if self.visibility.shape != (NUM_LANDMARKS,):
            raise ValueError(f"visibility must be (33,), got {self.visibility.shape}")
        if self.world_xyz_m.shape != (NUM_LANDMARKS, 3):
            raise ValueError(f"world_xyz_m must be (33, 3), got {self.world_xyz_m.shape}")

    @property
    def t_s(self) -> float:
        return self.t_ms / 1000.0

    def seen(self, *lms: PoseLandmark, min_visibility: float = MIN_VISIBILITY) -> bool:
        """True when every named landmark is visible enough to measure from."""
        return bool(np.all(self.visibility[list(lms)] >= min_visibility))

    def centre(self) -> tuple[float, float]:
        """The mean of the landmarks, as fractions of the picture's width and height."""
        x, y = self.xy_px.mean(axis=0)
        return float(x / self.image_wh[0]), float(y / self.image_wh[1])

    def px(self, lm: PoseLandmark) -> np.ndarray:
        return self.xy_px[lm]

    def world(self, lm: PoseLandmark) -> np.ndarray:
        return self.world_xyz_m[lm]


@dataclass
class PoseSeries:
    """A clip's poses as arrays; frames with nobody found hold NaN and visibility 0."""

    t_ms: np.ndarray  # (N,)
    xy_px: np.ndarray  # (N, 33, 2)
    visibility: np.ndarray  # (N, 33)
    world_xyz_m: np.ndarray  # (N, 33, 3)
    image_wh: tuple[int, int]
    fps: float

    def __len__(self) -> int:
        return len(self.t_ms)

    @classmethod
    def from_samples(cls, t_ms: list[float], samples: list[PoseSample | None],
                     image_wh: tuple[int, int], fps: float) -> "PoseSeries":
        n = len(samples)
        xy = np.full((n, NUM_LANDMARKS, 2), np.nan)
        vis = np.zeros((n, NUM_LANDMARKS))
        world = np.full((n, NUM_LANDMARKS, 3), np.nan)
        for i, s in enumerate(samples):
            if s is not None:
                xy[i], vis[i], world[i] = s.xy_px, s.visibility, s.world_xyz_m
        return cls(np.asarray(t_ms, float), xy, vis, world, tuple(image_wh), float(fps))

    def sample(self, i: int) -> PoseSample | None:
        if np.isnan(self.xy_px[i, 0, 0]):
            return None
        return PoseSample(float(self.t_ms[i]), self.xy_px[i], self.visibility[i],
                          self.world_xyz_m[i], self.image_wh)

    def samples(self) -> Iterator[tuple[float, PoseSample | None]]:
        for i in range(len(self)):
            yield float(self.t_ms[i]), self.sample(i)

    def every(self, step: int) -> "PoseSeries":
        """Every step-th sample from the first (the rate divided by step)."""
        if step <= 1:
            return self
        return PoseSeries(self.t_ms[::step].copy(), self.xy_px[::step].copy(), self.visibility[::step].copy(),
                          self.world_xyz_m[::step].copy(), self.image_wh, self.fps / step)

    @property
    def found_ratio(self) -> float:
        return float(np.mean(~np.isnan(self.xy_px[:, 0, 0]))) if len(self) else 0.0

    def save(self, path: str | Path) -> None:
        np.savez_compressed(path, t_ms=self.t_ms, xy_px=self.xy_px.astype(np.float32),
                            visibility=self.visibility.astype(np.float32),
                            world_xyz_m=self.world_xyz_m.astype(np.float32),
                            image_wh=np.asarray(self.image_wh), fps=np.asarray(self.fps))

    @classmethod
    def load(cls, path: str | Path) -> "PoseSeries":
        with np.load(path) as z:
            return cls(z["t_ms"].astype(float), z["xy_px"].astype(float), z["visibility"].astype(float),
                       z["world_xyz_m"].astype(float), tuple(int(v) for v in z["image_wh"]), float(z["fps"]))
