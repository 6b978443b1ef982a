"""CLI: `--exercise auto` names what it recognised; `exercises` is honest about big-toe lifts; hold/timer headlines."""
import json

import pytest

from conftest import shared_clip
from formcheck.cli import _fmt_summary, main


def test_exercises_lists_big_toe_lift_as_a_timer_that_cannot_see_toes(capsys):
    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    block = out[out.index("big_toe_lift"):].split("\n")
    assert "timer only" in block[0] and "[hold;" in block[0]
    assert "cannot see your toes" in block[1]
    for ex in ("hip_width_leg_extension", "foam_roll", "arch_roll", "ankle_alphabet"):
        assert ex in out


def _report(summary, rep_count=0):
    return {"title": "T", "rep_count": rep_count, "view": "side", "pose_found_ratio": 1.0, "reps": [],
            "corrections": [], "warnings": [], "summary": summary}


def test_headline_for_holds_and_timers():
    assert _fmt_summary(_report({"hold_s": 42.4, "longest_hold_s": 30.2})).startswith(
        "T: held 42 s in all, longest 30 s")
    line = _fmt_summary(_report({"active_s": 100.0, "active_s_by_side": {"left": 60.0, "right": 40.0},
                                 "passes": 7}, rep_count=7)).splitlines()[0]
    assert line.startswith("T: 100 s of movement (left 60 s, right 40 s), 7 passes")
    assert _fmt_summary(_report({}, rep_count=3)).startswith("T: 3 reps")


@pytest.mark.slow
def test_analyze_auto_recognises_and_records_it(tmp_path, capsys):
    clip = shared_clip("calf_raise_fitbod_side.mp4")
    assert main(["analyze", str(clip), "--exercise", "auto", "--report", str(tmp_path / "r.json")]) == 0
    assert "Recognised: Floor calf raise" in capsys.readouterr().out
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["recognised"] is True and report["exercise"] == "calf_raise"
    assert main(["analyze", str(clip), "-q", "-e", "calf_raise", "--report", str(tmp_path / "n.json")]) == 0
    assert json.loads((tmp_path / "n.json").read_text())["recognised"] is False


@pytest.mark.slow
def test_analyze_auto_on_a_squat_asks_for_the_exercise(capsys):
    clip = shared_clip("air_squat_fitbod_side.mp4")
    assert main(["analyze", str(clip), "--exercise", "auto"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "could not tell which exercise this is" in err and "pass --exercise" in err


def test_analyze_recognises_the_exercise_when_none_is_named():
    from formcheck.cli import build_parser
    assert build_parser().parse_args(["analyze", "clip.mp4"]).exercise == "auto"
    assert build_parser().parse_args(["analyze", "clip.mp4", "-e", "leg_press"]).exercise == "leg_press"


def test_rep_figures_print_in_plain_words():
    rep = {"index": 1, "start_s": 0.5, "end_s": 1.2, "faults": [],
           "metrics": {"peak_height_cm": 4.0912, "rise_s": 0.234, "lower_s": 0.2, "trunk_lean_deg": 3.0}}
    text = _fmt_summary(dict(_report({}, rep_count=1), reps=[rep]))
    assert "heel height 4.1 cm, up 0.2 s, down 0.2 s" in text
    assert "peak_height_cm" not in text and "0.234" not in text and "lean" not in text  # three figures a rep
