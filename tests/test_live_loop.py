"""The live capture loop with clips as the camera (no hardware): newest-frame capture, faults, CLI."""
from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import FailAfter
from formcheck.errors import FormcheckError
from formcheck.sinks.history import HistoryStore
from formcheck.io.camera import LatestFrame
from formcheck.run.live import LiveOptions, run_live
from formcheck.io.video import CameraError, ClipCamera, LiveFrame
from formcheck.sinks.voice import RecordingSpeaker

NO_WAIT = (0.01, 0.01)  # camera retry waits for tests


class FakeCamera:
    """Makes numbered frames at `fps` (sleeping between them), like a camera would."""

    is_clip = False

    def __init__(self, n: int, fps: float = 200.0) -> None:
        self.n, self.period_s, self.k = n, 1.0 / fps, 0

    def read(self):
        if self.k >= self.n:
            return None
        time.sleep(self.period_s)
        now = time.monotonic()
        f = LiveFrame(self.k, self.k * self.period_s * 1000, np.zeros((4, 4, 3), np.uint8), now)
        self.k += 1
        return f

    def close(self):
        pass


def test_latest_frame_drops_old_frames_for_a_slow_consumer():
    grab = LatestFrame(FakeCamera(100, fps=200.0), drop=True)
    got = []
    while (f := grab.get()) is not None:
        got.append(f.index)
        time.sleep(0.03)  # ~6 camera frames per processed frame
    grab.stop()
    assert got == sorted(set(got))  # in order, never twice
    assert grab.dropped >= 50 and len(got) + grab.dropped == 100 == grab.captured
    assert got[-1] >= 94  # the last one handed out is (nearly) the newest, not a backlog


def test_latest_frame_in_lockstep_hands_out_every_frame():
    grab = LatestFrame(FakeCamera(50, fps=1000.0), drop=False)
    got = []
    while (f := grab.get()) is not None:
        got.append(f.index)
        time.sleep(0.002)
    grab.stop()
    assert got == list(range(50)) and grab.dropped == 0


def test_latest_frame_hands_the_camera_error_to_the_consumer():
    grab = LatestFrame(FailAfter(FakeCamera(100), 5), drop=False)
    got = []
    with pytest.raises(CameraError, match="unplugged"):
        while (f := grab.get()) is not None:
            got.append(f.index)
    assert got == [0, 1, 2, 3, 4]
    grab.stop()


def test_clip_camera_serves_frames_at_their_own_speed(noise_clip):
    cam = ClipCamera(noise_clip, realtime=True)  # 30 frames at 30 fps: ~1 s
    t0 = time.monotonic()
    frames = []
    while (f := cam.read()) is not None:
        frames.append(f)
    elapsed = time.monotonic() - t0
    cam.close()
    assert len(frames) == 30 and 0.9 <= elapsed <= 2.0
    assert [round(f.t_ms) for f in frames[:3]] == [0, 33, 67]  # media time


def test_camera_missing_retries_then_exits_1_with_one_line(tmp_path):
    warnings, tries = [], []

    def no_camera():
        tries.append(time.monotonic())
        raise CameraError("camera 3 not found, or another program is using it")
    store = HistoryStore(tmp_path / "h.sqlite3")
    out = run_live(LiveOptions(exercise="calf_raise", window=False, quiet=True, retry_waits_s=(0.05, 0.1)),
                   store=store, open_source=no_camera, warn_line=warnings.append, say_line=lambda s: None)
    assert out.exit_code == 1 and "camera 3 not found" in out.problem
    assert len(tries) == 3 and tries[2] - tries[1] >= 0.1 > tries[1] - tries[0] >= 0.05  # backoff
    assert all("\n" not in w for w in warnings) and len(warnings) == 2


def test_camera_unplugged_midway_reconnects_and_time_keeps_moving(tmp_path, noise_clip):
    opened = []

    def camera():  # first: fails after 10 frames; on reconnect: a working one
        cam = ClipCamera(noise_clip, realtime=False, size_wh=None)
        opened.append(cam)
        return FailAfter(cam, 10) if len(opened) == 1 else cam
    speaker = RecordingSpeaker()
    warnings = []
    out = run_live(LiveOptions(exercise="calf_raise", source=str(noise_clip), window=False, realtime=False,
                               retry_waits_s=NO_WAIT),
                   speaker=speaker, store=HistoryStore(tmp_path / "h.sqlite3"), open_source=camera,
                   warn_line=warnings.append, say_line=lambda s: None)
    assert out.exit_code == 0 and out.problem is None
    assert out.frames == 10 + 30 and len(opened) == 2
    assert warnings[0] == "camera 0 stopped sending pictures (unplugged?)"
    assert out.summary["duration_s"] >= 1.25  # 40 frames at 30 fps: the second clip's time did not restart
    assert speaker.texts[0] == "Floor calf raise. Get in position"


def test_ctrl_c_saves_and_returns_normally(tmp_path, noise_clip):
    class InterruptingSpeaker(RecordingSpeaker):
        def say(self, text, priority, t_s):
            if text == "Step into the picture":
                raise KeyboardInterrupt
            super().say(text, priority, t_s)
    out = run_live(LiveOptions(exercise="calf_raise", source=str(noise_clip), window=False, realtime=False),
                   speaker=InterruptingSpeaker(), store=HistoryStore(tmp_path / "h.sqlite3"),
                   say_line=lambda s: None)
    assert out.stopped_by_user and out.exit_code == 0 and 0 < out.frames < 30
    assert out.summary["exercises"][0]["exercise"] == "calf_raise"


def test_nothing_chosen_is_refused_with_a_clear_line(noise_clip):
    with pytest.raises(FormcheckError, match="choose what to do"):
        run_live(LiveOptions(source=str(noise_clip), window=False, quiet=True))


def test_cli_live_headless_on_a_clip(tmp_path, noise_clip):
    env = {"FORMCHECK_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "formcheck.cli", "live", "--source", str(noise_clip),
                        "--exercise", "calf_raise", "--no-window", "--quiet", "--stats"],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "Nothing was counted" in r.stdout or "0 reps" in r.stdout
    assert "Delay from camera to screen" in r.stdout


def test_cli_live_missing_clip_is_one_line_exit_1(tmp_path):
    r = subprocess.run([sys.executable, "-m", "formcheck.cli", "live", "--source", str(tmp_path / "no.mp4"),
                        "--exercise", "calf_raise", "--no-window", "--quiet"],
                       capture_output=True, text=True, timeout=120, env={"FORMCHECK_HOME": str(tmp_path)})
    assert r.returncode == 1 and r.stderr.strip().count("\n") == 0 and "no such file" in r.stderr


def test_a_clip_that_breaks_midway_is_never_replayed(tmp_path):
    """A damaged clip used as the camera ends the session (exit 1) instead of being reopened and counted again."""
    from conftest import make_clip
    whole = make_clip(tmp_path / "whole.mp4", 60, size_wh=(160, 120))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    opened = []

    def camera():
        opened.append(1)
        return ClipCamera(cut, realtime=False, size_wh=None)
    out = run_live(LiveOptions(exercise="calf_raise", source=str(cut), window=False, quiet=True, realtime=False,
                               retry_waits_s=NO_WAIT),
                   store=HistoryStore(tmp_path / "h.sqlite3"), open_source=camera,
                   warn_line=lambda s: None, say_line=lambda s: None)
    assert len(opened) == 1
    assert out.exit_code == 1 and "cut short" in out.problem
    assert 0 < out.frames < 60


def test_the_end_summary_gives_the_delay_with_stats_and_says_when_the_computer_fell_behind():
    from formcheck.run.live import LiveOutcome, format_outcome
    kept_up = LiveOutcome(0, {}, latency_ms=[40.0, 60.0], frames=180, dropped=120, media_s=10.0)
    assert "Delay from camera" not in format_outcome(kept_up)
    assert "Delay from camera to screen: typical 50 ms" in format_outcome(kept_up, stats=True)
    assert "kept up with only" not in format_outcome(kept_up)  # 18 frames a second: the counting holds
    behind = LiveOutcome(0, {}, latency_ms=[40.0], frames=60, dropped=240, media_s=10.0)
    assert "Note: this computer kept up with only 6 frames a second (240 skipped): quick reps may have been " \
        "missed" in format_outcome(behind)


def test_the_end_summary_says_where_the_history_was_saved(tmp_path, noise_clip):
    from formcheck.run.live import LiveOutcome, format_outcome
    history = tmp_path / "h.sqlite3"
    out = run_live(LiveOptions(exercise="calf_raise", source=str(noise_clip), window=False, quiet=True,
                               realtime=False, retry_waits_s=NO_WAIT),
                   store=HistoryStore(history), open_source=lambda: ClipCamera(noise_clip, realtime=False, size_wh=None),
                   warn_line=lambda s: None, say_line=lambda s: None)
    assert out.history_path == history
    counted = LiveOutcome(0, {"total_reps": 3}, history_path=history)
    assert f"Saved to your history ({history}): see it on the app's My progress page." in format_outcome(counted)
