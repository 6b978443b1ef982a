"""The rep checkers on the project's own rendered sample clips' recorded landmarks.

Each `sample_videos/<name>.landmarks.npz` (the pose model's output on `<name>.mp4`) comes with
`<name>.truth.json` (rep_count, and per rep its time and injected fault codes). The checker
must count exactly and flag each injected fault at its rep.
"""
import json
from pathlib import Path

import pytest

from formcheck.checkers import make_checker
from formcheck.checkers.base import run_on_series
from formcheck.pose.types import PoseSeries

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
EXERCISES = ("seated_calf_raise", "leg_extension", "leg_press", "hip_abduction", "ankle_flexion")


def clips_for(exercise: str) -> list[Path]:
    out = []
    for lm in sorted(SAMPLES.glob(f"{exercise}*.landmarks.npz")):
        truth = lm.with_name(lm.name.replace(".landmarks.npz", ".truth.json"))
        if truth.exists() and json.loads(truth.read_text()).get("exercise", exercise) == exercise:
            out.append(lm)
    return out


@pytest.mark.parametrize("exercise", EXERCISES)
def test_sample_clip_counts_and_faults(exercise):
    clips = clips_for(exercise)
    if not clips:
        pytest.skip(f"no rendered sample clip with recorded landmarks for {exercise} in {SAMPLES} yet")
    for lm in clips:
        truth = json.loads(lm.with_name(lm.name.replace(".landmarks.npz", ".truth.json")).read_text())
        result, _ = run_on_series(make_checker(exercise), PoseSeries.load(lm))
        assert result.rep_count == truth["rep_count"], lm.name
        for t in truth["reps"]:
            mine = [r for r in result.reps if r.start_s - 0.3 <= t["peak_s"] <= r.end_s + 0.3]
            assert mine, f"{lm.name}: no counted rep around truth rep {t['index']} (peak {t['peak_s']} s)"
            found = {f.code for f in mine[0].faults}
            missing = set(t["faults"]) - found
            assert not missing, f"{lm.name} rep {t['index']}: {sorted(missing)} not flagged (got {sorted(found)})"
