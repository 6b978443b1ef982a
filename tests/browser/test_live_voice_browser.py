"""Work out in headless Chromium, hands-free: the voice arrives (non-silent audio playing in the page,
counts and corrections in the queue's order) and the count sits above the video on a 390 px phone.

A calf-raise clip plays as the webcam. Screenshots go to artifacts/browser/ (gitignored).
"""
from __future__ import annotations

import re
import time

import pytest

from test_app_browser import webrtc_frame, _launch, _need_browser, _shot, app, camera_clip  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

# Decodes the newest voice clip the page holds and measures it: proof that sound, not silence, arrived.
MEASURE_JS = """async () => {
  const els = [...document.querySelectorAll('[data-testid=stAudio], audio')].filter(e => e.tagName === 'AUDIO');
  if (!els.length) return null;
  const a = els[els.length - 1];
  const buf = await (await fetch(a.currentSrc || a.src)).arrayBuffer();
  const ctx = new OfflineAudioContext(1, 22050, 22050);
  const audio = await ctx.decodeAudioData(buf);
  const pcm = audio.getChannelData(0);
  let peak = 0; for (const v of pcm) peak = Math.max(peak, Math.abs(v));
  return {peak, duration: audio.duration, played: a.currentTime > 0 || !a.paused || a.ended};
}"""


def test_counts_are_spoken_in_the_browser_and_the_count_is_above_the_video_on_a_phone(app, camera_clip):
    sync_api = _need_browser()
    url, _ = app
    y4m, _ = camera_clip
    with sync_api.sync_playwright() as pw:
        browser = _launch(pw, f"--use-file-for-fake-video-capture={y4m}")
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        page.goto(url + "/live")
        page.get_by_text("What are we doing?").wait_for(timeout=60_000)
        assert page.get_by_text("Page not found").count() == 0
        webrtc = webrtc_frame(page)
        webrtc.get_by_role("button", name="Start camera").click(timeout=30_000)

        said: list[str] = []
        measured = None
        deadline = time.monotonic() + 240  # the pose model loads beside Chromium on 2 cores
        while time.monotonic() < deadline:
            for cap in page.get_by_text(re.compile(r"^Said: ")).all_inner_texts():
                line = cap.removeprefix("Said: ").strip()
                if not said or said[-1] != line:
                    said.append(line)
            if any(s.isdigit() for s in said) and measured is None:
                measured = page.evaluate(MEASURE_JS)
            if measured and sum(s.isdigit() for s in said) >= 2:
                break
            time.sleep(0.3)
        assert said, "nothing was spoken in the page"
        assert said[0].startswith("Floor calf raise"), said
        assert sum(s.isdigit() for s in said) >= 2, f"counts not spoken: {said}"
        assert measured and measured["peak"] > 0.1 and measured["duration"] > 0.2, measured
        assert measured["played"], "the voice clip did not play (autoplay blocked?)"

        # the count and its one status line are on screen above the video, without scrolling
        count = page.locator("[data-testid=fc-count]").first
        box = count.bounding_box()
        video = webrtc.locator("video").first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, "the count is below the fold on a phone"
        assert video is None or box["y"] < video["y"], "the count is below the video"
        assert page.locator("[data-testid=fc-status]").count() == 1
        _shot(page, "live_phone_390.png")
        webrtc.get_by_role("button", name="Stop").click()
        browser.close()
