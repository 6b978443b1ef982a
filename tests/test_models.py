"""The bundled pose models load offline and find a person; the model is chosen as documented."""
import zipfile

import numpy as np
import pytest

from conftest import SAMPLE_VIDEOS, SHARED_VIDEOS
from formcheck.errors import FormcheckError
from formcheck.pose.models import DEFAULT_MODEL, MODELS_DIR, resolve_model_path


def _frame_with_person():
    for folder, pattern in ((SAMPLE_VIDEOS, "calf_raise*.mp4"), (SHARED_VIDEOS, "calf_raise_fitbod_side.mp4")):
        clips = sorted(c for c in folder.glob(pattern) if ".partial" not in c.name) if folder.is_dir() else []
        if clips:
            from formcheck.io.video import open_video
            with open_video(clips[0]) as v:
                frames = v.frames()
                return [next(frames) for _ in range(5)]
    pytest.skip("no clip with a person available")


@pytest.mark.parametrize("name", ["pose_landmarker_lite.task", "pose_landmarker_full.task"])
def test_bundled_model_is_an_aligned_tasks_bundle(name):
    path = MODELS_DIR / name
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert names == {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
        for info in zf.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            # data offset = header offset + 30-byte local header + name + extra; must be 4-byte aligned
            with path.open("rb") as fh:
                fh.seek(info.header_offset + 26)
                n, m = int.from_bytes(fh.read(2), "little"), int.from_bytes(fh.read(2), "little")
            assert (info.header_offset + 30 + n + m) % 4 == 0


@pytest.mark.parametrize("model", ["lite", "full"])
def test_bundled_model_loads_and_finds_a_person(model):
    from formcheck.pose.estimator import PoseEstimator
    frames = _frame_with_person()
    with PoseEstimator(model) as est:
        samples = [est.detect(f.image_rgb, f.t_ms) for f in frames]
    found = [s for s in samples if s is not None]
    assert len(found) >= 4
    s = found[-1]
    w, h = s.image_wh
    assert (s.xy_px[:, 0].min() > -0.2 * w) and (s.xy_px[:, 1].max() < 1.2 * h)
    assert s.visibility.max() > 0.8
    # world landmarks are metric: a shank is tens of centimetres, not pixels
    shank = np.linalg.norm(s.world_xyz_m[25] - s.world_xyz_m[27])
    assert 0.2 < shank < 0.7


def test_default_model_and_overrides(tmp_path, monkeypatch):
    monkeypatch.delenv("FORMCHECK_MODEL", raising=False)
    assert resolve_model_path().name == DEFAULT_MODEL
    assert resolve_model_path("lite").name == "pose_landmarker_lite.task"
    monkeypatch.setenv("FORMCHECK_MODEL", str(MODELS_DIR / "pose_landmarker_lite.task"))
    assert resolve_model_path().name == "pose_landmarker_lite.task"
    with pytest.raises(FormcheckError, match="pose model not found"):
        resolve_model_path(tmp_path / "missing.task")


def test_timestamps_that_go_backwards_do_not_break_the_graph():
    from formcheck.pose.estimator import PoseEstimator
    frames = _frame_with_person()
    with PoseEstimator("lite") as est:
        first = est.detect(frames[0].image_rgb, 1000.0)
        again = est.detect(frames[1].image_rgb, 1000.0)  # same stamp
        back = est.detect(frames[2].image_rgb, 500.0)  # earlier stamp
    assert first is not None and again is not None and back is not None
