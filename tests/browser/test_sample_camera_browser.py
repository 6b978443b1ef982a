"""Work out without a camera, in headless Chromium with no camera at all: the page says so in one
friendly line (never the browser's raw "NotFoundError: Requested device not found"), offers the sample
clip, and the clip played as the camera comes back counted live and is saved as such.

Screenshots go to artifacts/browser/ (gitignored).
"""
from __future__ import annotations

import re
import shutil
import time

import pytest

from conftest import SAMPLE_VIDEOS
from test_app_browser import webrtc_frame, CHROMIUM, _frames_checked, _need_browser, _shot, _tile, serve_app

pytestmark = pytest.mark.browser

CLIP = "calf_raise_oblique_clean"
NO_CAMERA_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
                   "--disable-background-networking", "--disable-component-update", "--no-first-run",
                   "--disable-sync"]  # no --use-fake-device-for-media-stream: this browser has no camera


@pytest.fixture(scope="module")
def app_with_samples(tmp_path_factory):
    _need_browser()
    clip = SAMPLE_VIDEOS / f"{CLIP}.mp4"
    if not clip.is_file():
        pytest.skip(f"sample clip {clip.name} not rendered (python -m formcheck.synth)")
    home = tmp_path_factory.mktemp("home")
    samples = home / "samples"
    samples.mkdir()
    for f in SAMPLE_VIDEOS.glob(f"{CLIP}.*"):
        shutil.copy(f, samples / f.name)
    with serve_app(home, FORMCHECK_SAMPLE_VIDEOS=str(samples)) as url:
        yield url


def _raw_errors(page) -> list[str]:
    """The browser's own error names anywhere in the page or its frames (the camera component's iframe)."""
    found = []
    for frame in page.frames:
        text = frame.content()
        found += re.findall(r"NotFoundError|Requested device not found|NotReadableError", text)
    return found


def test_without_a_camera_the_sample_clip_is_counted_live(app_with_samples):
    sync_api = _need_browser()
    url = app_with_samples
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=NO_CAMERA_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/")
        page.get_by_text("No camera found on this computer").wait_for(timeout=60_000)
        assert page.get_by_text("a sample clip plays as the camera").count() == 1
        assert page.get_by_role("radiogroup").count() == 0  # no camera to choose: nothing to pick
        webrtc = webrtc_frame(page)
        webrtc.get_by_role("button", name="Play the sample clip").click(timeout=30_000)

        # the status line comes once the server has the clip playing (slower beside a busy model)
        page.locator("text=/Sample clip playing/").first.wait_for(timeout=60_000)
        first = _frames_checked(page)
        assert "Sample clip playing" in page.locator("text=/frames checked/").first.inner_text()
        deadline = time.monotonic() + 180  # the pose model loads beside Chromium on 2 cores
        while int(_tile(page, "Reps").split("/")[0]) < 1 and time.monotonic() < deadline:
            time.sleep(1)
        reps = int(_tile(page, "Reps").split("/")[0])
        _shot(page, "live_sample_clip.png")
        assert reps >= 1, "the sample clip played as the camera was not counted"
        assert _frames_checked(page) > first
        shown = webrtc.locator("video").first.evaluate("v => v.readyState >= 2 && v.videoWidth > 0")
        assert shown, "the processed sample clip is not showing"
        assert _raw_errors(page) == []
        assert page.locator("text=/frames checked/").count() == 1, "a second, frozen status line"

        webrtc.get_by_role("button", name="Stop").click()
        page.get_by_text(re.compile(r"Stopped\. \d+ reps? saved")).wait_for(timeout=90_000)  # saving waits for the stopped run to close; slow under load
        page.goto(url + "/progress")
        page.locator("[data-testid=stDataFrame] td", has_text=f"a video as the camera: {CLIP}.mp4").first.wait_for(
            state="attached", timeout=30_000)
        browser.close()
