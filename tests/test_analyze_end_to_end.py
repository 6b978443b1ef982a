"""`formcheck analyze` end to end on a real clip: annotated video, report contract, CSV, partial clips."""
import csv
import json
import subprocess
import sys

import av
import pytest

from conftest import run_cli, shared_clip

pytestmark = pytest.mark.slow

REPORT_KEYS = {"schema_version", "exercise", "rep_count", "reps", "fps", "frames", "pose_found_ratio", "view",
               "status", "source", "model", "duration_s", "resolution", "summary", "corrections", "set", "warnings"}
REP_KEYS = {"index", "start_s", "peak_s", "end_s", "side", "metrics", "faults"}



def test_analyze_writes_video_report_and_csv(tmp_path):
    clip = shared_clip("single_leg_calf_raise_fitbod_side.mp4")
    out, report, table = tmp_path / "a.mp4", tmp_path / "r.json", tmp_path / "r.csv"
    r = run_cli("analyze", clip, "-e", "calf_raise", "--out", out, "--report", report, "--csv", table)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.strip() == ""
    assert "3 reps" in r.stdout

    rep = json.loads(report.read_text())
    assert REPORT_KEYS <= set(rep)
    assert rep["exercise"] == "calf_raise" and rep["rep_count"] == 3 == len(rep["reps"])
    assert rep["status"] == "complete" and rep["view"] == "side" and rep["pose_found_ratio"] > 0.95
    assert abs(rep["fps"] - 59.94) < 0.01
    for r_ in rep["reps"]:
        assert REP_KEYS <= set(r_)
        assert r_["start_s"] < r_["peak_s"] < r_["end_s"]
        assert r_["metrics"]["peak_height_cm"] > 0
        assert all({"code", "message"} == set(f) for f in r_["faults"])

    rows = list(csv.DictReader(table.open()))
    assert [int(x["rep"]) for x in rows] == [1, 2, 3]
    assert "peak_height_cm" in rows[0]

    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"
        n = sum(1 for _ in c.decode(s))
        fps = float(s.average_rate)
    # a 59.94 fps clip: every frame analysed, every other one drawn (the video is at most 30 fps)
    assert abs(n - rep["frames"] / 2) <= 1 and abs(fps - 29.97) < 0.1


def test_clip_cut_midway_keeps_the_counted_part_marked_partial(tmp_path):
    clip = shared_clip("calf_raise_fitbod_side.mp4")
    cut = tmp_path / "cut.mp4"
    data = clip.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.6)])
    out, report = tmp_path / "a.mp4", tmp_path / "r.json"
    r = run_cli("analyze", cut, "-e", "calf_raise", "--out", out, "--report", report)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "cut short" in r.stderr
    assert not out.exists(), "a video of part of the clip must not look like the whole"
    assert (tmp_path / "a.partial.mp4").exists()
    rep = json.loads(report.read_text())
    assert rep["status"] == "partial" and rep["problem"]
    assert 1 <= rep["rep_count"] <= 3
