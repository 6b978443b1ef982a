"""Installed the normal way: a wheel built from the tree carries the pose models and their licence."""
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO
from formcheck.pose.models import DEFAULT_MODEL, MODELS_DIR


def test_wheel_carries_the_pose_models(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("formcheck-*.whl")
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
