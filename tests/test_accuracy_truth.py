"""`formcheck eval --truth`: reported heights and angles against the rendered sample clips' truth.

The floors below are what the sample clips measure today (worst |error| over every matched rep,
plus a little room for rounding); a change that makes any figure less true fails here.
"""
import json

import pytest

from conftest import SAMPLE_VIDEOS
from formcheck.cli import main
from formcheck.evaluation.accuracy import evaluate_truth

# exercise.metric -> worst |reported - true| allowed (cm or degrees), measured on sample_videos.
WORST_FLOOR = {
    "calf_raise.peak_height_cm": 5.2,  # was 6.0 before body.heel_rise
    "calf_raise.left_height_cm": 4.8,  # was 6.2
    "calf_raise.right_height_cm": 5.6,  # was 6.8
    "calf_raise.min_knee_angle_deg": 5.0,  # was 11.5 with the plain picture angle (body.measures)
    "seated_calf_raise.peak_height_cm": 4.5,
    "seated_calf_raise.knee_deg": 4.5,  # was 16.0 with the planar (depth-free) knee angle
    "leg_extension.top_knee_deg": 10.5,
    "leg_extension.start_knee_deg": 10.5,  # was 25.5: the planar angle at the counted start
    "leg_press.bottom_knee_deg": 9.5,
    "leg_press.top_knee_deg": 10.0,
    "leg_press.start_knee_deg": 10.0,
    "ankle_flexion.plantarflexion_deg": 2.0,  # was 9.0 before body.ankle (the model's foot turns ~3/4)
    "ankle_flexion.dorsiflexion_deg": 2.0,  # was 5.5
    "hip_abduction.abduction_deg": 3.0,  # was 15.5 before body.abduction (hip-line tilt taken as a hike)
}


@pytest.fixture(scope="module")
def report():
    if not any(SAMPLE_VIDEOS.glob("*.truth.json")):
        pytest.skip("no rendered sample clips (python -m formcheck.synth --all)")
    return evaluate_truth(SAMPLE_VIDEOS)


def test_every_reported_figure_within_its_floor(report):
    overall = report.overall()
    assert set(WORST_FLOOR) <= set(overall), f"figures no longer scored: {set(WORST_FLOOR) - set(overall)}"
    over = {k: round(overall[k].worst_abs, 2) for k, floor in WORST_FLOOR.items() if overall[k].worst_abs > floor}
    assert not over, f"less true than before: {over}"


# Median |error| of the floor calf raise's heel height: 3.9 cm with the heel-above-toe lift,
# 0.8 cm from the body's rise on the foot lever (body.heel_rise).
CALF_RAISE_MEDIAN_CM = 1.0
# Held-out split of body.heel_rise (other bodies, other view): every clean rep within this.
HELD_OUT_CLEAN_WORST_CM = 1.2


def test_calf_raise_height_median_and_held_out_clean_reps(report):
    assert report.overall()["calf_raise.peak_height_cm"].median_abs <= CALF_RAISE_MEDIAN_CM
    clean = next(c for c in report.clips if c.name == "calf_raise_side_clean")
    assert clean.metrics["peak_height_cm"].worst_abs <= HELD_OUT_CLEAN_WORST_CM


def test_every_counted_rep_is_matched_to_a_true_rep(report):
    for c in report.clips:
        if c.exercise == "ankle_alphabet":
            continue  # a timer exercise: no reps
        assert c.matched == c.counted == c.true_reps, c.name


def test_truth_rule_reads_the_rendered_series(report, tmp_path):
    """The truth side is the truth file's own series: shifting every true heel height by 2 cm moves
    the measured bias of the calf-raise height by -2 cm."""
    src = SAMPLE_VIDEOS / "calf_raise_side_clean.truth.json"
    d = json.loads(src.read_text())
    for sd in ("left", "right"):
        d["per_frame"]["heel_height_cm"][sd] = [v + 2.0 for v in d["per_frame"]["heel_height_cm"][sd]]
    (tmp_path / src.name).write_text(json.dumps(d))
    (tmp_path / "calf_raise_side_clean.landmarks.npz").write_bytes(
        (SAMPLE_VIDEOS / "calf_raise_side_clean.landmarks.npz").read_bytes())
    shifted = evaluate_truth(tmp_path).clips[0].metrics["peak_height_cm"]
    base = next(c for c in report.clips if c.name == "calf_raise_side_clean").metrics["peak_height_cm"]
    assert shifted.bias == pytest.approx(base.bias - 2.0, abs=0.01)


def test_cli_prints_the_table(capsys):
    if not (SAMPLE_VIDEOS / "leg_press_side.truth.json").is_file():
        pytest.skip("no rendered sample clips")
    assert main(["eval", "--truth", str(SAMPLE_VIDEOS)]) == 0
    out = capsys.readouterr().out
    assert "leg_press.bottom_knee_deg" in out and "all heights" in out


def test_cli_bad_truth_folder_is_one_line(tmp_path, capsys):
    assert main(["eval", "--truth", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("formcheck: truth folder not found") and err.count("\n") == 1
    assert main(["eval"]) == 1
