"""The project's own sample clips (`sample_videos/X.mp4` with `X.truth.json`), for trying the app.

They ship inside the package (`formcheck/sample_videos`, a link to the checkout's `sample_videos/`
in a source tree; the clips alone in a wheel, each exercise read from its name), so an installed
formcheck has them too. FORMCHECK_SAMPLE_VIDEOS points at another folder.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "FORMCHECK_SAMPLE_VIDEOS"
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "sample_videos"  # formcheck/sample_videos


@dataclass(frozen=True)
class SampleClip:
    path: Path
    exercise: str | None  # from the truth file, else from the file name; None when unknown

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        return self.path.stem.replace("_", " ")


def sample_dir() -> Path:
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DIR)


def _exercise_for(path: Path, known: list[str]) -> str | None:
    truth = path.with_suffix(".truth.json")
    if truth.is_file():
        try:
            ex = json.loads(truth.read_text(encoding="utf-8")).get("exercise")
        except (OSError, ValueError, AttributeError):
            ex = None
        if ex in known:
            return ex
    stem = path.stem
    for ex in sorted(known, key=len, reverse=True):  # hip_width_leg_extension before leg_extension
        if stem == ex or stem.startswith(ex + "_") or stem.startswith(ex + "-"):
            return ex
    return None


def list_samples(known_exercises: list[str], folder: Path | None = None) -> list[SampleClip]:
    """Sample clips found in the folder, by name; an empty list when there are none yet."""
    folder = folder or sample_dir()
    if not folder.is_dir():
        return []
    clips = sorted(p for p in folder.glob("*.mp4") if not p.name.endswith(".partial.mp4"))
    return [SampleClip(p, _exercise_for(p, known_exercises)) for p in clips]
