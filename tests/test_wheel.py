"""Installed the normal way: a wheel built from the tree carries the pose models and their licence,
and the sample clips, which the app finds when installed from it."""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE_VIDEOS
from formcheck.pose.models import DEFAULT_MODEL, MODELS_DIR


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(REPO)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    (whl,) = out.glob("formcheck-*.whl")
    return whl


def test_wheel_carries_the_pose_models(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for model in sorted(MODELS_DIR.glob("*.task")):
            entry = f"formcheck/pose_models/{model.name}"
            assert entry in names
            assert zf.getinfo(entry).file_size == model.stat().st_size
        assert f"formcheck/pose_models/{DEFAULT_MODEL}" in names
        assert "formcheck/pose_models/NOTICE.md" in names
        assert "formcheck/data/plans.json" in names
        assert "formcheck/data/setup/calf_raise.png" in names  # the camera-setup pictures


def test_models_resolve_from_inside_the_package():
    import formcheck
    from formcheck.pose.models import resolve_model_path
    package_dir = Path(formcheck.__file__).resolve().parent
    for choice in (None, "full", "lite"):
        assert resolve_model_path(choice).parent == package_dir / "pose_models"


def test_sample_clips_are_found_when_installed_from_the_wheel(wheel, tmp_path):
    clips = sorted(p.name for p in SAMPLE_VIDEOS.glob("*.mp4"))
    if not clips:
        pytest.skip("no sample clips rendered yet (python -m formcheck.synth --all)")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {f"formcheck/sample_videos/{c}" for c in clips} <= names
    site = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile",
                                "--target", str(site), str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    code = ("import json, formcheck\n"
            "from formcheck.app.samples import list_samples\n"
            "ex = ['calf_raise', 'seated_calf_raise', 'leg_extension', 'hip_width_leg_extension', 'leg_press',\n"
            "      'hip_abduction', 'ankle_flexion', 'ankle_alphabet']\n"
            "print(json.dumps([formcheck.__file__] + [[str(s.path), s.exercise] for s in list_samples(ex)]))")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORMCHECK_SAMPLE_VIDEOS")}
    env["PYTHONPATH"] = str(site)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    package, *found = json.loads(run.stdout)
    assert Path(package).is_relative_to(site)  # the installed copy, not the checkout
    assert sorted(Path(p).name for p, _ in found) == clips
    assert all(Path(p).is_relative_to(site) and Path(p).stat().st_size > 0 for p, _ in found)
    assert all(ex is not None for _, ex in found)  # each exercise from the clip's name
