"""Ankle plantarflexion in degrees from the pose model's foot: its reading scaled back to the foot's
true turn.

The model's foot landmarks follow a foot turning at the ankle only part of the way: on the rendered
side-view point-and-flex clips the image angle between the shank (knee -> ankle) and the foot (heel ->
toe) changed by 0.61-0.74 degree per true degree (r = 0.99 over every frame, bodies 0 and 1; the
knee-ankle-toe angle the same, 0.65-0.74), while the truth's own pixels turn 1.00: the shortfall is
the model's, not the picture's. Its zero is where it should be: a foot at the truth's neutral (the
body's own flat foot under an upright shank) reads within ~1° of a right angle. So

    plantarflexion = (reading - FOOT_READ_OFFSET_DEG) / FOOT_READ_PER_DEG

for both ends (pointed: +, pulled up: -). Fitted on FIT_BODIES x FIT_VIEWS (the shipped sample clip
ankle_flexion_side: body 1, side-on; its 5 points and 5 flexes) and checked on truth_set/angles/
ankle_flexion_* (bodies 0 and 3 side-on, body 1 at 3/4), which it was not fitted on. Bodies differ
(0.61 vs 0.74 above), so a body unlike the fitted one reads up to ~7° off at a 38° point.
"""
from __future__ import annotations

FIT_BODIES = (1,)
FIT_VIEWS = ("side",)
# From the fitting clip's reps: reading 30.4° (median) at a true 37.6° point, -10.7° at a true 14.9° flex:
# slope (30.4 + 10.7) / (37.6 + 14.9) = 0.78, offset 30.4 - 0.78 x 37.6 = 1.0° (`formcheck eval --truth sample_videos --per-rep` before it).
FOOT_READ_PER_DEG = 0.78
FOOT_READ_OFFSET_DEG = 1.0


def plantarflexion_deg(read_deg: float) -> float:
    """The foot's true plantarflexion (+ pointed, - pulled up / dorsiflexed) for the model's reading of
    it (90° less the shank-to-foot angle)."""
    return (read_deg - FOOT_READ_OFFSET_DEG) / FOOT_READ_PER_DEG
