"""A camera-setup picture for every exercise: drawn from our sample clips by tools/draw_setup_pictures.py,
shipped in the package, named by `formcheck exercises` and shown in Work out."""
from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from conftest import REPO, SAMPLE_VIDEOS
from formcheck.checkers import all_checkers
from formcheck.setup.picture import SOURCES, best_frame, draw_from_clip, picture_path
from formcheck.sinks.setup_picture import H, KEEP, PANEL_W, PHONE, W

EXERCISES = sorted(all_checkers())


def _read(exercise: str) -> np.ndarray:
    img = cv2.imread(str(picture_path(exercise)), cv2.IMREAD_COLOR)
    assert img is not None, f"{picture_path(exercise)} is missing or not an image"
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _where(img: np.ndarray, colour) -> np.ndarray:
    """(x, y) of the pixels drawn in exactly this colour."""
    ys, xs = np.nonzero(np.all(img == np.array(colour, np.uint8), axis=2))
    return np.stack([xs, ys], axis=1)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_exercise_has_a_setup_picture(exercise):
    assert exercise in SOURCES  # a source clip is named for it
    img = _read(exercise)
    assert img.shape == (H, W, 3)
    keep = _where(img, KEEP)
    assert len(keep) > 100 and keep[:, 0].max() < PANEL_W  # the box to keep in view, in the phone's view
    phone = _where(img, PHONE)
    assert len(phone) > 30 and phone[:, 0].min() > PANEL_W  # the phone, on the plan seen from above
    assert picture_path(exercise).stat().st_size < 60_000


def test_the_phone_stands_where_the_clip_camera_stood():
    side, front = _where(_read("calf_raise"), PHONE), _where(_read("hip_abduction"), PHONE)
    # side-on: the phone to the person's side (right on the plan); facing: in front (below, same column)
    assert np.ptp(side[:, 0]) < np.ptp(side[:, 1]) + 40 and side[:, 0].mean() > front[:, 0].mean() + 50
    assert front[:, 1].mean() > side[:, 1].mean() + 50


def test_the_committed_pictures_are_what_the_tool_draws():
    if not (SAMPLE_VIDEOS / "calf_raise_side_clean.landmarks.npz").is_file():
        pytest.skip("sample clips not rendered (python -m formcheck.synth)")
    for exercise in ("calf_raise", "foam_roll"):
        drawn = draw_from_clip(exercise, SAMPLE_VIDEOS)
        diff = np.abs(drawn.astype(int) - _read(exercise).astype(int))
        assert diff.mean() < 1.0, f"{exercise}.png is stale: python tools/draw_setup_pictures.py"


def test_the_setup_pose_is_the_first_frame_seen_best():
    vis = np.zeros((4, 33))
    vis[1, :20] = 1
    vis[2, :] = 1
    vis[3, :] = 1
    xy = np.zeros((4, 33, 2))
    assert best_frame(vis, xy) == 2
    xy[2] = np.nan  # nobody found there
    assert best_frame(vis, xy) == 3


def test_exercises_command_names_each_picture():
    out = subprocess.run([sys.executable, "-m", "formcheck.cli", "exercises"], capture_output=True, text=True,
                         cwd=REPO)
    assert out.returncode == 0, out.stderr
    for exercise in EXERCISES:
        assert f"camera setup picture: {picture_path(exercise)}" in out.stdout


def test_work_out_shows_the_chosen_exercises_setup_picture():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_string("from formcheck.app import live_page\nlive_page.render()", default_timeout=60).run()
    assert not at.exception
    [box] = [e for e in at.expander if e.label.startswith("Where to put the camera")]
    assert box.label == "Where to put the camera: Floor calf raise"
    assert [type(c).__name__ for c in box.children.values()] == ["Image"]
    at.selectbox(key="live_exercise").set_value("hip_abduction").run()
    [box] = [e for e in at.expander if e.label.startswith("Where to put the camera")]
    assert box.label == f"Where to put the camera: {all_checkers()['hip_abduction'].title}"
