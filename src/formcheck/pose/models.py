"""Where the pose model comes from: `--model PATH`, else $FORMCHECK_MODEL, else the bundled default."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from formcheck.errors import FormcheckError

# Package data (pyproject `package-data`), so an installed wheel carries its models.
MODELS_DIR = Path(__file__).resolve().parents[1] / "pose_models"  # formcheck/pose_models: package data
# Full, not lite: on the labelled clips the full model keeps the feet (heel and toe
# landmarks, which every calf-raise rule reads) steadier, and at ~25 ms/frame it still
# runs faster than real time here. See README "Choosing the model".
DEFAULT_MODEL = "pose_landmarker_full.task"
ENV_VAR = "FORMCHECK_MODEL"


def resolve_model_path(model: str | os.PathLike | None = None) -> Path:
    """Return a readable `.task` path, or raise FormcheckError with one clear line."""
    chosen = model or os.environ.get(ENV_VAR)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            aliases = {"lite": "pose_landmarker_lite.task", "full": "pose_landmarker_full.task"}
            if str(chosen) in aliases:
                path = MODELS_DIR / aliases[str(chosen)]
            else:
                raise FormcheckError(f"pose model not found: {chosen}")
    else:
        path = MODELS_DIR / DEFAULT_MODEL
        if not path.is_file():
            raise FormcheckError(
                f"bundled pose model missing at {path}; rebuild it with "
                "'python tools/build_pose_models.py' or pass --model PATH")
    if not zipfile.is_zipfile(path):
        raise FormcheckError(f"not a MediaPipe .task bundle: {path}")
    return path
