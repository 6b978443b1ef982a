"""Frame-rate independence (issue 9): the same counts and the same faults at every rep when the frames
arrive at 10, 15, 24 or 60 a second (live under load, phone clips), or each twice (30 fps content in a
60 fps file), on every rendered sample clip."""
import pytest

from conftest import SAMPLE_CLIPS, sample_series
from formcheck.evaluation.perturb import doubled, drop_frames, resample
from formcheck.run.review import analyze_series



def _faults(result):
    return [sorted(f.code for f in r.faults) for r in result.reps]


@pytest.mark.parametrize("clip", SAMPLE_CLIPS)
def test_counts_and_faults_do_not_depend_on_the_frame_rate(clip):
    series, truth = sample_series(clip)
    exercise = truth["exercise"]
    full, _ = analyze_series(series, exercise)
    for variant in [resample(series, fps) for fps in (10, 15, 24, 60)] + [drop_frames(series), doubled(series)]:
        got, _ = analyze_series(variant, exercise)
        assert got.rep_count == full.rep_count
        assert _faults(got) == _faults(full)
