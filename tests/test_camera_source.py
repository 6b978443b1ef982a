"""Work out's picture source: the browser's camera, or a sample clip played as the camera when there is none."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import use_sample_folder
from formcheck.app.camera_source import (CAMERA, NO_MEDIA_API, SAMPLE, clips_for, history_source, source_choice,
                                         uses_sample)
from formcheck.app.samples import SampleClip

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

CLIPS = [SampleClip(Path(f"/s/{n}.mp4"), ex) for n, ex in [
    ("calf_raise_side_faults", "calf_raise"), ("calf_raise_side_clean", "calf_raise"),
    ("leg_press_side", "leg_press")]]


def test_clips_of_the_chosen_exercise_clean_takes_first():
    assert [c.path.stem for c in clips_for("calf_raise", CLIPS)] == ["calf_raise_side_clean", "calf_raise_side_faults"]
    assert clips_for("foam_roll", CLIPS) == [] and clips_for(None, CLIPS) == []


@pytest.mark.parametrize("cameras", [None, 1, 2])
def test_with_a_camera_or_not_known_yet_both_are_offered(cameras):
    choice = source_choice(cameras, CLIPS[:1])
    assert choice.options == [CAMERA, SAMPLE] and choice.message is None
    assert not uses_sample(cameras, CAMERA, CLIPS[:1]) and uses_sample(cameras, SAMPLE, CLIPS[:1])


def test_without_a_camera_one_friendly_line_offers_the_sample():
    choice = source_choice(0, CLIPS[:1])
    assert choice.options == [] and "No camera found" in choice.message and "sample clip" in choice.message
    assert "Error" not in choice.message
    assert uses_sample(0, None, CLIPS[:1])
    assert "localhost or over https" in source_choice(NO_MEDIA_API, CLIPS[:1]).message


def test_without_a_camera_or_a_sample_it_says_what_to_do():
    choice = source_choice(0, [])
    assert choice.options == [] and "pick another exercise" in choice.message
    assert not uses_sample(0, None, [])
    assert source_choice(1, []).options == []  # a camera and no clip: nothing to choose


def test_a_sample_session_is_saved_as_a_video_played_as_the_camera():
    assert history_source(None) == "live"
    assert history_source(CLIPS[0]) == "live-clip:calf_raise_side_faults.mp4"


LIVE_WITH = """
from formcheck.app import camera_probe, live_page
camera_probe.camera_count = lambda key='camera_probe': {cameras}
live_page.render()
"""


def _only_no_browser_errors(at) -> bool:
    """AppTest has no browser session behind it, so the camera component itself cannot start there."""
    return all(e.value.startswith("The camera cannot start here") for e in at.error)


def test_live_page_without_a_camera_offers_the_sample_clip(tmp_path, monkeypatch):
    use_sample_folder(tmp_path, monkeypatch)
    at = AppTest.from_string(LIVE_WITH.format(cameras=0), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    [info] = at.info
    assert info.value.startswith("No camera found on this computer")
    assert not at.radio and _only_no_browser_errors(at)
    assert "Play the sample clip" in " ".join(m.value for m in at.markdown)


def test_live_page_with_a_camera_lets_one_pick_the_sample(tmp_path, monkeypatch):
    use_sample_folder(tmp_path, monkeypatch)
    at = AppTest.from_string(LIVE_WITH.format(cameras=1), default_timeout=60).run()
    assert not at.exception and not at.info
    assert at.radio(key="live_source").options == [CAMERA, SAMPLE]
    assert "Start camera" in " ".join(m.value for m in at.markdown)
    at.radio(key="live_source").set_value(SAMPLE).run()
    assert "Play the sample clip" in " ".join(m.value for m in at.markdown)


def test_live_page_without_a_camera_or_sample_shows_only_the_message(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(tmp_path / "none"))
    at = AppTest.from_string(LIVE_WITH.format(cameras=0), default_timeout=60).run()
    assert not at.exception
    [info] = at.info
    assert "pick another exercise" in info.value
    assert "Start camera" not in " ".join(m.value for m in at.markdown)
