"""Check a video in headless Chromium: picking a row of the rep table starts the checked video at that rep.

Screenshots go to artifacts/browser/ (gitignored).
"""
from __future__ import annotations

import json

import pytest

from conftest import SAMPLE_VIDEOS
from test_app_browser import _launch, _need_browser, _shot
from test_sample_camera_browser import CLIP, app_with_samples  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

ROW_PX = 35  # st.dataframe's default row height (the header row too)


def test_picking_a_rep_in_the_table_starts_the_video_there(app_with_samples):  # noqa: F811
    sync_api = _need_browser()
    url = app_with_samples
    with sync_api.sync_playwright() as pw:
        browser = _launch(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url + "/review")
        page.get_by_text("Use a sample video").click(timeout=60_000)
        page.get_by_role("button", name="Check my form").click(timeout=60_000)
        page.get_by_text("Rep by rep").wait_for(timeout=240_000)
        video = page.locator("[data-testid=stVideo]").first
        video.element_handle().wait_for_element_state("visible")
        page.wait_for_function("v => v.readyState >= 1 && v.duration > 5", arg=video.element_handle(), timeout=60_000)
        assert video.evaluate("v => v.currentTime") < 0.5

        grid = page.locator("[data-testid=stDataFrame]").last
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        # the row marker of the third rep (header, rep 1, rep 2, rep 3)
        page.mouse.click(box["x"] + 16, box["y"] + ROW_PX * 3 + ROW_PX / 2)
        page.get_by_text("From rep 3").wait_for(timeout=60_000)
        video = page.locator("[data-testid=stVideo]").first
        page.wait_for_function("v => v.readyState >= 1 && v.currentTime > 2", arg=video.element_handle(),
                               timeout=30_000)
        t = video.evaluate("v => v.currentTime")
        _shot(page, "review_jump_to_rep.png")
        browser.close()
    truth = json.loads((SAMPLE_VIDEOS / f"{CLIP}.truth.json").read_text())["reps"][2]
    # whole seconds, half a second before the rep (jump.JUMP_LEAD_S); it may have played on a little
    assert truth["start_s"] - 2.0 <= t <= truth["end_s"], f"the video is at {t:.1f} s, rep 3 is {truth}"
