"""Shared fixtures: where the real clips and our sample clips live, and small clip makers."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_VIDEOS = REPO.parent / "shared" / "videos"
SAMPLE_VIDEOS = REPO / "sample_videos"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Never write history into the real user's home during tests."""
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "formcheck_home"))


@pytest.fixture(autouse=True)
def _no_core_kept_after():
    """A test that turns on keeping a CPU for the model (formcheck.cores) leaves it off, and the
    test process's thread on every CPU it had."""
    import os
    from formcheck import cores
    mine = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    yield
    cores.keep_core_for_model(False)
    if mine is not None:
        os.sched_setaffinity(0, mine)


SAMPLE_CLIPS = sorted(p.name.replace(".landmarks.npz", "") for p in SAMPLE_VIDEOS.glob("*.landmarks.npz"))


def sample_series(name: str):
    """(landmark series, truth dict) of one rendered sample clip: checkers run on it without the model."""
    import json
    from formcheck.pose.types import PoseSeries
    return (PoseSeries.load(SAMPLE_VIDEOS / f"{name}.landmarks.npz"),
            json.loads((SAMPLE_VIDEOS / f"{name}.truth.json").read_text()))


def truth_reps(truth: Path) -> int | None:
    """The rep count a truth file states, or None when it cannot be read."""
    import json
    try:
        data = json.loads(truth.read_text())
    except (OSError, ValueError):
        return None
    reps = data.get("reps", data.get("rep_count"))
    return len(reps) if isinstance(reps, list) else reps if isinstance(reps, int) else None


class FailAfter:
    """A source that raises like an unplugged camera after `n` frames (and, like a camera, may come back)."""

    can_reconnect = True

    def __init__(self, inner, n: int) -> None:
        self.inner, self.n, self.k = inner, n, 0
        self.is_clip = inner.is_clip

    def read(self):
        from formcheck.io.video import CameraError
        if self.k >= self.n:
            raise CameraError("camera 0 stopped sending pictures (unplugged?)")
        self.k += 1
        return self.inner.read()

    def close(self):
        self.inner.close()


def shared_clip(name: str) -> Path:
    path = SHARED_VIDEOS / name
    if not path.is_file():
        pytest.skip(f"real clip {name} not available (../shared/videos is absent on this machine)")
    return path


def sample_clip(name: str) -> Path:
    path = SAMPLE_VIDEOS / name
    if not path.is_file():
        pytest.skip(f"sample clip {name} not rendered yet (python -m formcheck.synth --all)")
    return path


def use_sample_folder(tmp_path: Path, monkeypatch, name: str = "calf_raise_oblique_clean", *,
                      clip_only: bool = False) -> Path:
    """Point the app's sample list (FORMCHECK_SAMPLE_VIDEOS) at a folder holding one sample clip,
    with its truth and landmarks, or the clip alone (`clip_only`: nothing names its exercise)."""
    import shutil
    sample_clip(f"{name}.mp4")
    folder = tmp_path / "samples"
    folder.mkdir()
    for f in SAMPLE_VIDEOS.glob(f"{name}.mp4" if clip_only else f"{name}.*"):
        shutil.copy(f, folder / f.name)
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(folder))
    return folder


def run_cli(*args, cwd=None, timeout: float = 600):
    """`formcheck ARGS...` in a child process (its stdout, stderr and return code)."""
    return subprocess.run([sys.executable, "-m", "formcheck.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def make_clip(path: Path, n_frames: int = 30, fps: float = 30.0, size_wh=(320, 240), seed: int = 0) -> Path:
    """A small H.264 clip of moving noise (nobody in it)."""
    from formcheck.io.video import VideoWriter
    rng = np.random.default_rng(seed)
    w, h = size_wh
    with VideoWriter(path, fps, size_wh) as writer:
        for i in range(n_frames):
            img = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
            img[:, : (i * 7) % w] //= 2
            writer.write(img)
    return path


@pytest.fixture
def noise_clip(tmp_path) -> Path:
    return make_clip(tmp_path / "nobody.mp4")


@pytest.fixture(scope="session")
def series_cache(tmp_path_factory) -> Path:
    """Landmark series of real clips, extracted once per test session.

    Set FORMCHECK_TEST_CACHE to a folder to keep them between runs (the pose model is the slow part).
    """
    kept = os.environ.get("FORMCHECK_TEST_CACHE")
    return Path(kept) if kept else tmp_path_factory.mktemp("series")


@pytest.fixture(scope="session")
def real_series(series_cache):
    from formcheck.evaluation.evaluate import clip_series

    def get(name: str):
        return clip_series(shared_clip(name), None, series_cache)
    return get
