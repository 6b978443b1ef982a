"""Work out in headless Chromium shows a timer and a hold as what they are: seconds moving / held, never
reps. Each plays its own sample clip as the camera (this browser has no camera). Screenshots go to
artifacts/browser/ (gitignored).
"""
from __future__ import annotations

import re
import shutil
import time

import pytest

from conftest import SAMPLE_VIDEOS
from test_app_browser import webrtc_frame, CHROMIUM, _need_browser, _shot, serve_app
from test_sample_camera_browser import NO_CAMERA_FLAGS

pytestmark = pytest.mark.browser

CLIPS = {"ankle_alphabet": "ankle_alphabet_oblique", "hip_width_leg_extension": "hip_width_leg_extension_side"}


@pytest.fixture(scope="module")
def app_with_timed_samples(tmp_path_factory):
    _need_browser()
    home = tmp_path_factory.mktemp("home")
    samples = home / "samples"
    samples.mkdir()
    for stem in CLIPS.values():
        if not (SAMPLE_VIDEOS / f"{stem}.mp4").is_file():
            pytest.skip(f"sample clip {stem}.mp4 not rendered (python -m formcheck.synth)")
        for f in SAMPLE_VIDEOS.glob(f"{stem}.*"):
            shutil.copy(f, samples / f.name)
    with serve_app(home, FORMCHECK_SAMPLE_VIDEOS=str(samples)) as url:
        yield url


def _tile_labels(page) -> list[str]:
    return page.locator("[data-testid=stMetricLabel]").all_inner_texts()


@pytest.mark.parametrize("exercise, unit, tile", [("ankle_alphabet", "s moving", "Moving"),
                                                  ("hip_width_leg_extension", "s held", "Held")])
def test_a_timed_exercise_is_shown_in_seconds_not_reps(app_with_timed_samples, exercise, unit, tile):
    from formcheck.checkers import all_checkers
    sync_api = _need_browser()
    title = all_checkers()[exercise].title
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=NO_CAMERA_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_with_timed_samples + "/")
        page.get_by_role("combobox", name="Exercise").click(timeout=60_000)
        page.get_by_role("option", name=title, exact=True).click()
        page.get_by_text(f"Where to put the camera: {title}").wait_for(timeout=60_000)
        webrtc = webrtc_frame(page)
        webrtc.get_by_role("button", name="Play the sample clip").click(timeout=60_000)

        count = page.locator("[data-testid=fc-count]").first
        seconds = 0
        deadline = time.monotonic() + 150  # the pose model loads beside Chromium on 2 cores
        while time.monotonic() < deadline:
            if count.count():
                m = re.search(r"\n\s*(\d+)\s*\n?\s*(s moving|s held|of \d+ s)", count.inner_text())
                seconds = int(m.group(1)) if m else 0
                if seconds >= 2:
                    break
            time.sleep(1)
        text = count.inner_text()
        labels = _tile_labels(page)
        _shot(page, f"live_{exercise}.png")
        webrtc.get_by_role("button", name="Stop").click()
        browser.close()
    assert seconds >= 2, f"no time shown from the {exercise} sample: {text!r}"
    assert unit in text and "rep" not in text.lower(), text
    assert tile in labels and "Reps" not in labels and "Reps today" not in labels, labels
