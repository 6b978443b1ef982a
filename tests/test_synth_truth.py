"""Shipped sample clips (sample_videos/) against their README table, and a tiny render.

The clips are rendered by `python -m formcheck.synth --all` (optional extra formcheck[synth]);
these tests only read the shipped files, except the last one, which renders a 1-s clip
when anny is installed.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
README = SAMPLES / "README.md"

ROW = re.compile(r"^\|\s*`(?P<name>[a-z0-9_]+)\.mp4`\s*\|(?P<rest>.*)\|\s*$")


def readme_rows() -> dict[str, dict]:
    """| `clip.mp4` | exercise | view | body | reps | faults (rep: code, ...) | ..."""
    rows = {}
    for line in README.read_text().splitlines():
        m = ROW.match(line.strip())
        if not m:
            continue
        cells = [c.strip() for c in m.group("rest").split("|")]
        faults: dict[int, list[str]] = {}
        if cells[4] not in ("", "none", "-"):
            for part in cells[4].split(","):
                rep, _, code = part.strip().partition(":")
                faults.setdefault(int(rep), []).append(code.strip())
        rows[m.group("name")] = {"exercise": cells[0], "view": cells[1], "body": int(cells[2]),
                                 "reps": int(cells[3]), "faults": faults}
    return rows


def test_readme_lists_the_required_clips():
    rows = readme_rows()
    for name in ("calf_raise_oblique_clean", "calf_raise_oblique_faults", "calf_raise_side_clean",
                 "calf_raise_side_faults"):
        assert name in rows
    exercises = {r["exercise"] for r in rows.values()}
    assert {"seated_calf_raise", "leg_extension", "hip_width_leg_extension", "ankle_flexion", "leg_press",
            "hip_abduction", "ankle_alphabet"} <= exercises


@pytest.mark.parametrize("name", sorted(readme_rows()))
def test_shipped_clip_has_truth_and_landmarks(name):
    row = readme_rows()[name]
    assert (SAMPLES / f"{name}.mp4").stat().st_size > 10_000
    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    assert truth["exercise"] == row["exercise"]
    assert truth["view"] == row["view"]
    assert truth["body"] == row["body"]
    assert truth["rep_count"] == row["reps"] == len(truth["reps"])
    got = {r["index"]: r["faults"] for r in truth["reps"] if r["faults"]}
    assert got == row["faults"]
    pf = truth["per_frame"]
    assert len(pf["t_s"]) == truth["frames"] == len(pf["phase"])
    for key in ("heel_height_cm", "knee_angle_deg", "ankle_angle_deg", "hip_abduction_deg"):
        assert len(pf[key]["left"]) == len(pf[key]["right"]) == truth["frames"]
    assert pf["phase"][0] == "rest" and pf["phase"][-1] == "rest"
    lead_in = truth["reps"][0]["start_s"]
    assert lead_in >= 1.0 and truth["frames"] / truth["fps"] - truth["reps"][-1]["end_s"] >= 0.9

    from formcheck.pose.types import PoseSeries
    series = PoseSeries.load(SAMPLES / f"{name}.landmarks.npz")
    assert abs(len(series) - truth["frames"]) <= 1
    assert series.found_ratio >= 0.95


def test_readme_table_matches_generator_table():
    pytest.importorskip("cv2")
    from formcheck.synth.clips import SHIPPED
    rows = readme_rows()
    assert set(rows) == set(SHIPPED)
    for name, spec in SHIPPED.items():
        assert rows[name]["exercise"] == spec.exercise and rows[name]["reps"] == spec.reps
        assert rows[name]["faults"] == spec.faults


def test_main_package_does_not_import_synth():
    import subprocess
    import sys
    code = "import sys, formcheck, formcheck.pose.types, formcheck.io.video; print('formcheck.synth' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(importlib.util.find_spec("anny") is None, reason="needs the synth extra (anny)")
def test_render_one_second_calf_raise(tmp_path):
    from formcheck.synth.render import ClipSpec, render_clip
    from formcheck.synth.schedule import Timing
    spec = ClipSpec("calf_raise", "oblique", body=0, reps=1, fps=15.0, width=160, height=120, supersample=1,
                    timing=Timing(up_s=0.4, top_s=0.1, down_s=0.3, rest_s=0.0, lead_in_s=0.1, tail_s=0.1))
    out = render_clip(spec, tmp_path / "c.mp4", log=lambda *_: None)
    truth = json.loads(out["truth"].read_text())
    assert out["video"].stat().st_size > 0
    assert 0.9 <= truth["frames"] / truth["fps"] <= 1.1
    heel = np.array(truth["per_frame"]["heel_height_cm"]["left"])
    peak = int(round(truth["reps"][0]["peak_s"] * truth["fps"]))
    assert heel[0] == 0.0 and heel[peak] > 4.0
    assert truth["per_frame"]["phase"][peak] == "top"
