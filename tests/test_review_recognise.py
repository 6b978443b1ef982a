"""Check a video recognises the exercise unless told: "Recognise it for me" is the default for your own
video, and the result says plainly what it took the clip to be."""
from __future__ import annotations


import pytest

from conftest import use_sample_folder
from formcheck.app.review import RECOGNISE, in_app_words, recognised_line

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

REVIEW = "from formcheck.app import review_page\nreview_page.render()"


def test_the_recognised_exercise_is_said_plainly_and_a_named_one_is_not():
    assert recognised_line({"title": "Floor calf raise", "recognised": True}) == "This looks like: Floor calf raise"
    assert recognised_line({"title": "Floor calf raise", "recognised": False}) is None


def test_an_unsure_recognition_points_at_the_exercise_box_not_a_cli_option():
    msg = in_app_words("could not tell which exercise this is (lying, but no exercise movement seen); pass --exercise")
    assert msg == ("could not tell which exercise this is (lying, but no exercise movement seen). "
                   "Choose the exercise above and check again")
    assert in_app_words("nobody found in a.mp4") == "nobody found in a.mp4"


def test_your_own_video_is_recognised_unless_you_say(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_SAMPLE_VIDEOS", str(tmp_path / "none"))
    at = AppTest.from_string(REVIEW).run()
    box = next(b for b in at.selectbox if b.label == "Exercise")
    assert box.value == RECOGNISE and box.options[0] == "Recognise it for me"


@pytest.mark.slow
def test_a_recognised_clip_says_what_it_looks_like(tmp_path, monkeypatch):
    use_sample_folder(tmp_path, monkeypatch, clip_only=True)  # no truth beside it: nothing names the exercise
    at = AppTest.from_string(REVIEW, default_timeout=300).run()
    at.radio[0].set_value("Use a sample video").run()
    box = next(b for b in at.selectbox if b.label == "Exercise")
    box.set_value(RECOGNISE).run()
    at.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success][0] == "This looks like: Floor calf raise"
    assert at.header[0].value.startswith("Floor calf raise: ")
