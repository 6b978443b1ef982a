"""Per-rep figures in plain words: 'heel height 4.1 cm, up 0.2 s, down 0.2 s'.

The report's keys (peak_height_cm, rise_s) are a contract for programs; people read these.
Each unit is rounded to what the camera can tell apart: tenths of a cm and of a second (a
frame is 0.03 s), whole degrees and percent (the pose model wobbles by a degree or two).
"""
from __future__ import annotations

import math
from typing import Any

# unit suffix of a key -> (what is printed after the number, decimals)
UNITS = {"cm": (" cm", 1), "s": (" s", 1), "deg": ("°", 0), "pct": ("%", 0)}
OTHER_DECIMALS = 2  # a plain ratio (knee_ankle_ratio 0.85)

# the words for each key, where the key itself does not read as English
NAMES = {
    "peak_height_cm": "heel height", "left_height_cm": "left heel", "right_height_cm": "right heel",
    "rise_s": "up", "lower_s": "down", "up_s": "up", "down_s": "down", "press_s": "press",
    "top_hold_s": "held at the top", "bottom_hold_s": "held at the bottom", "point_hold_s": "held pointed",
    "held_s": "held", "pass_s": "pass", "away_s": "away", "back_s": "back",
    "bottom_knee_deg": "knees at the bottom", "top_knee_deg": "knees at the top",
    "start_knee_deg": "knees at the start", "min_knee_angle_deg": "least knee angle",
    "trunk_lean_deg": "lean", "abduction_deg": "leg out", "plantarflexion_deg": "point",
    "dorsiflexion_deg": "flex", "range_deg": "range", "depth_deg": "depth",
    "pct_of_best": "of your best", "left_right_difference_pct": "left-right difference",
}


# Figures kept in the JSON report for programs, never shown to people as a measurement: the ankle's raw
# point reading where its degrees are not true; hip abduction's raw hip-line rise (the pelvis hike,
# corrected for the hip landmark riding up with the thigh, is the one shown) and its counted signal's
# rise (the leg-out angle at the hip is the one shown). A person saw "pelvis hike 0°" beside "hip hike
# 14°", and the leg under three names. The seated calf raise's knee angle in the picture is kept for the
# record (it reads seated knees 6-22° open); its 3-D knee angle is the one shown: "knee 82°" beside
# "knee planar 112°" puzzled a tester.
NOT_SHOWN = frozenset({"point_reading_deg", "hip_hike_deg", "leg_rise_deg", "knee_planar_deg"})


def reps_words(n: int) -> str:
    """'1 rep', '0 reps', '12 reps'."""
    return f"{n} rep" if n == 1 else f"{n} reps"


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return "0" if text in ("-0", "-0.0") else text


def figure_words(key: str, value: Any) -> str | None:
    """'heel height 4.1 cm' for ('peak_height_cm', 4.09); None for a figure that was not measured."""
    if value is None or isinstance(value, bool) or key in NOT_SHOWN:
        return None
    if not isinstance(value, (int, float)):
        return f"{NAMES.get(key, key.replace('_', ' '))} {value}"
    if isinstance(value, float) and not math.isfinite(value):
        return None
    parts = key.split("_")
    unit = parts[0] if parts[0] == "pct" else parts[-1]
    suffix, decimals = UNITS.get(unit, ("", OTHER_DECIMALS if isinstance(value, float) else 0))
    name = NAMES.get(key) or " ".join(p for p in parts if p != unit or unit not in UNITS)
    number = _number(value, decimals) + suffix
    return f"{number} {name}" if key.startswith("pct_") else f"{name} {number}"


def rep_words(metrics: dict[str, Any], limit: int | None = 3) -> str:
    """The first `limit` measured figures of a rep, in plain words, comma-separated."""
    words = [w for w in (figure_words(k, v) for k, v in metrics.items()) if w]
    return ", ".join(words[:limit] if limit is not None else words)
