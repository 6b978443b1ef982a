"""Camera-setup pictures, one per exercise: which recorded pose each is drawn from, where the PNG lives.

Each picture is drawn (`sinks.setup_picture`) from one of our rendered sample clips: its recorded
landmarks and, from its truth file, where its camera stood. An exercise without its own sample clip
borrows the clip of an exercise done in the same posture, named below with the reason.
Regenerate them all with `python tools/draw_setup_pictures.py` (needs sample_videos/).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from formcheck.pose.types import MIN_VISIBILITY

from formcheck.errors import FormcheckError

PICTURE_DIR = Path(__file__).resolve().parents[1] / "data" / "setup"

# The sample clip (sample_videos/<stem>) each picture is drawn from.
SOURCES: dict[str, str] = {
    "ankle_alphabet": "ankle_alphabet_oblique",
    "ankle_flexion": "ankle_flexion_side",
    "calf_raise": "calf_raise_side_clean",
    "hip_abduction": "hip_abduction_front",
    "hip_width_leg_extension": "hip_width_leg_extension_side",
    "leg_extension": "leg_extension_side",
    "leg_press": "leg_press_side",
    "seated_calf_raise": "seated_calf_raise_side",
    # No clip of their own yet, so the same posture from another clip:
    "arch_roll": "seated_calf_raise_side",  # seated, a foot rolling on the floor: the seated pose, side-on
    "big_toe_lift": "seated_calf_raise_side",  # seated still with the feet in view
    "foam_roll": "hip_width_leg_extension_side",  # lying on the floor, filmed side-on along the body
}


def picture_path(exercise: str) -> Path:
    """The exercise's setup picture (it may be missing for an exercise added since they were drawn)."""
    return PICTURE_DIR / f"{exercise}.png"


def best_frame(visibility: np.ndarray, xy_px: np.ndarray) -> int:
    """The first frame in which the most landmarks are seen (a still start: the setup pose)."""
    seen = np.where(np.isnan(xy_px[:, :, 0]), 0, (visibility >= MIN_VISIBILITY)).sum(axis=1)
    return int(np.argmax(seen))


def placement_of(truth: dict):
    """Where a rendered clip's camera stood (its truth file's `camera` and `view`)."""
    from formcheck.sinks.setup_picture import Placement
    cam = truth.get("camera") or {}
    x, y, z = cam.get("position_m") or (0.0, 0.0, 0.0)
    return Placement(float(cam.get("azimuth_deg_from_front", 0.0)), float(np.hypot(x, y)), float(z),
                     str(truth.get("view", "")))


def draw_from_clip(exercise: str, samples_dir: Path) -> np.ndarray:
    """The setup picture of one exercise, drawn from its source clip in `samples_dir`."""
    from formcheck.checkers import get_checker_class
    from formcheck.pose.types import PoseSeries
    from formcheck.sinks.setup_picture import draw_setup_picture
    stem = SOURCES.get(exercise)
    if stem is None:
        raise FormcheckError(f"no source clip named for '{exercise}' in formcheck.setup.picture.SOURCES")
    series = PoseSeries.load(samples_dir / f"{stem}.landmarks.npz")
    truth = json.loads((samples_dir / f"{stem}.truth.json").read_text(encoding="utf-8"))
    pose = series.sample(best_frame(series.visibility, series.xy_px))
    return draw_setup_picture(pose, placement_of(truth), get_checker_class(exercise).title)
