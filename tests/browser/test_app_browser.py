"""End to end in headless Chromium: the real `streamlit run`, a clip as the webcam, a clip uploaded for review.

Needs Debian's `chromium` and the Python `playwright` package (no browser download:
Playwright drives the system Chromium). Screenshots go to artifacts/browser/ (gitignored).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import SAMPLE_VIDEOS, SHARED_VIDEOS, truth_reps

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = os.environ.get("FORMCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
         "--use-fake-device-for-media-stream", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync"]


def _need_browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api", reason="the Python playwright package is not installed")


def calf_raise_clip() -> tuple[Path, int]:
    """A calf-raise clip with a known count: one of ours when rendered, else a labelled real one."""
    for clip in sorted(SAMPLE_VIDEOS.glob("calf_raise*.mp4")):
        n = truth_reps(clip.with_suffix("").with_suffix(".truth.json"))
        if n:
            return clip, n
    real = SHARED_VIDEOS / "single_leg_calf_raise_fitbod_side.mp4"
    if not real.is_file():
        pytest.skip("no calf-raise clip: sample_videos/ not rendered and ../shared/videos absent")
    return real, 3  # labels.tsv


def to_y4m(clip: Path, dest: Path, *, fps: float = 30.0, width: int = 640, max_s: float = 10.0) -> Path:
    """A raw .y4m copy of a clip that Chromium can play as its fake camera (looped)."""
    import av
    with av.open(str(clip)) as src, av.open(str(dest), "w", format="yuv4mpegpipe") as out:
        vs = src.streams.video[0]
        height = int(round(vs.codec_context.height * width / vs.codec_context.width / 2)) * 2
        stream = out.add_stream("rawvideo", rate=int(fps))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        next_t, n = 0.0, 0
        for frame in src.decode(vs):
            t = float(frame.time or 0.0)
            if t > max_s:
                break
            if t + 1e-6 < next_t:
                continue
            next_t += 1.0 / fps
            img = frame.reformat(width=width, height=height, format="yuv420p")
            img.pts, img.time_base, n = n, Fraction(1, int(fps)), n + 1
            for packet in stream.encode(img):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(home: Path, **env: str):
    """`streamlit run streamlit_app.py` on a free localhost port with its history in `home`; yields the URL."""
    port = _free_port()
    env = dict(os.environ, FORMCHECK_HOME=str(home), **env)
    log = open(home / "streamlit.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
                             "--server.headless", "true", "--server.address", "localhost",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start: " + (home / "streamlit.log").read_text()[-2000:])
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app with its own history folder and no sample clips."""
    _need_browser()
    home = tmp_path_factory.mktemp("home")
    with serve_app(home, FORMCHECK_SAMPLE_VIDEOS=str(home / "no_samples")) as url:
        yield url, home


@pytest.fixture(scope="module")
def camera_clip(tmp_path_factory):
    clip, reps = calf_raise_clip()
    return to_y4m(clip, tmp_path_factory.mktemp("camera") / "camera.y4m"), reps


def _launch(pw, *extra):
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS + list(extra))


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def webrtc_frame(page, timeout_s: float = 60.0):
    """The camera component's frame, once the page shows exactly one: after the exercise or plan is
    changed, the old component can stay beside the new one for a moment while Streamlit redraws
    (CI once clicked Play in the old one, and once found both)."""
    # the old one is left at height 0 (not visible) while it goes: the visible one, once it has been the
    # only one for a second (CI under load once found the page with one, then clicked with two)
    selector = "iframe[title*='streamlit_webrtc']:visible"
    frames = page.locator(selector)
    deadline = time.monotonic() + timeout_s
    alone_since = None
    while time.monotonic() < deadline:
        if frames.count() == 1:
            alone_since = alone_since or time.monotonic()
            if time.monotonic() - alone_since >= 1.0:
                break
        else:
            alone_since = None
        time.sleep(0.25)
    return page.frame_locator(selector)


def _frames_checked(page) -> int:
    # the first frame waits for the pose model to load beside Chromium on 2 cores: be patient
    text = page.locator("text=/frames checked/").first.inner_text(timeout=120_000)
    return int(re.search(r"(\d+) frames checked", text).group(1))


def _tile(page, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]").filter(has=page.locator(
        "[data-testid=stMetricLabel]", has_text=re.compile(f"^{label}$")))
    return metric.locator("[data-testid=stMetricValue]").first.inner_text()


def test_live_webcam_frames_come_back_counted_and_saved(app, camera_clip):
    sync_api = _need_browser()
    url, _ = app
    y4m, _ = camera_clip
    with sync_api.sync_playwright() as pw:
        browser = _launch(pw, f"--use-file-for-fake-video-capture={y4m}")
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/")  # the live page is the app's front page
        page.get_by_text("What are we doing?").wait_for(timeout=60_000)
        assert page.get_by_role("combobox", name="Exercise").input_value() == "Floor calf raise"
        webrtc = webrtc_frame(page)
        webrtc.get_by_role("button", name="Start camera").click(timeout=30_000)

        first = _frames_checked(page)  # waits for the first processed frame to be reported
        time.sleep(3)
        second = _frames_checked(page)
        assert second > first, "the frame counter stopped: frames are not coming back processed"
        playing = webrtc.locator("video").first.evaluate("v => v.readyState >= 2 && v.videoWidth > 0")
        assert playing, "the processed video is not showing"

        deadline = time.monotonic() + 180  # the clip loops; a few reps at a few frames a second
        while int(_tile(page, "Reps").split("/")[0]) < 1 and time.monotonic() < deadline:
            time.sleep(1)
        reps_seen = int(_tile(page, "Reps").split("/")[0])
        _shot(page, "live.png")
        assert reps_seen >= 1, "no rep counted from a calf-raise clip played as the camera"
        page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=30_000)  # drawn after the tile
        assert page.locator("[data-testid=stDataFrame]").count() == 1  # the rep table beside the video

        webrtc.get_by_role("button", name="Stop").click()
        page.get_by_text(re.compile(r"Stopped\. \d+ reps? saved")).wait_for(timeout=90_000)
        page.goto(url + "/progress")
        # the sessions table (a canvas grid; its cells are also in the page for screen readers)
        page.locator("[data-testid=stDataFrame] td", has_text="Live camera").first.wait_for(
            state="attached", timeout=30_000)
        assert int(_tile(page, "Reps in all")) >= reps_seen
        _shot(page, "progress.png")
        browser.close()


def test_clip_review_through_the_page(app, tmp_path):
    sync_api = _need_browser()
    url, _ = app
    clip, expected = calf_raise_clip()
    bad = tmp_path / "holiday.mp4"
    bad.write_text("this is not a video")
    with sync_api.sync_playwright() as pw:
        browser = _launch(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url + "/review")
        page.get_by_text("Check a video").first.wait_for(timeout=60_000)

        page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(bad))
        page.get_by_role("button", name="Check my form").click(timeout=60_000)  # enabled once uploaded
        error = page.locator("[data-testid=stAlertContentError]").first
        error.wait_for(timeout=60_000)
        assert "holiday.mp4" in error.inner_text() and "Traceback" not in page.content()

        page.reload()  # a fresh page: the button stays disabled until the upload is in
        page.get_by_text("Check a video").first.wait_for(timeout=60_000)
        page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(clip))
        page.get_by_role("button", name="Check my form").click(timeout=60_000)
        page.get_by_role("heading", name=f"Floor calf raise: {expected} reps").wait_for(timeout=240_000)
        assert _tile(page, "Reps") == str(expected)
        # the video is drawn after the heading: wait for it (CI once read the page between the two)
        page.locator("[data-testid=stVideo]").first.wait_for(timeout=60_000)
        assert page.locator("[data-testid=stVideo]").count() == 1
        # the annotated H.264 actually decodes in Chromium (mp4v would not): frames, a size, a duration
        video = page.locator("[data-testid=stVideo]").first.element_handle()
        page.wait_for_function("v => v.readyState >= 2 && v.videoWidth > 0 && v.duration > 1", arg=video,
                               timeout=60_000)
        page.get_by_text("Saved to your history: see My progress.").wait_for()
        _shot(page, "review.png")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the report (JSON)").click()
        report = json.loads(Path(download.value.path()).read_text())
        assert report["rep_count"] == expected and report["source"] == clip.name
        assert len(report["reps"]) == expected
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the video").click()
        head = Path(download.value.path()).read_bytes()[:12]
        assert head[4:8] == b"ftyp", "the annotated video download is not an mp4"
        browser.close()
