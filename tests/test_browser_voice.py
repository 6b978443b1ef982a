"""The browser's voice (formcheck.app.speech): the shared cue queue, clips handed out one after another."""
from __future__ import annotations

import io
import shutil
import wave

import pytest

from formcheck.app.live_view import big_count
from formcheck.app.speech import BrowserVoice, espeak_wav, wav_duration_s
from formcheck.events import Event, EventKind


def _wav(seconds: float, rate: int = 22050) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes(b"\x10\x00" * int(seconds * rate))
    return buf.getvalue()


def _voice() -> BrowserVoice:
    return BrowserVoice(render=lambda text: _wav(0.2 * len(text.split())))


def test_the_count_then_its_correction_each_when_the_last_has_played():
    v = _voice()
    v.hear([Event(EventKind.REP, 1.0, "1"), Event(EventKind.CUE, 1.0, "Rise higher: 2 cm below your best"),
            Event(EventKind.COUNT, 1.0, "1")])
    first = v.due(1.0)
    assert first.text == "1" and first.duration_s == pytest.approx(0.2)
    assert v.due(1.1) is None  # "1" still playing
    second = v.due(1.25)
    assert second.text == "Rise higher" and second.wav[:4] == b"RIFF"
    assert v.due(3.0) is None and v.said == ["1", "Rise higher"]


def test_a_new_camera_session_forgets_what_was_waiting():
    v = _voice()
    v.hear([Event(EventKind.GET_READY, 0.0, "Floor calf raise. Get in position")])
    v.reset()
    assert v.due(0.1) is None


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_espeak_renders_a_non_silent_wav_of_about_the_expected_length():
    wav = espeak_wav("Keep your knees straight")
    assert 0.8 < wav_duration_s(wav) < 3.0
    with wave.open(io.BytesIO(wav)) as w:
        frames = w.readframes(w.getnframes())
    import numpy as np
    pcm = np.frombuffer(frames, np.int16)
    assert np.abs(pcm).max() > 3000  # speech, not silence


class S:  # a live state, as the page sees it
    def __init__(self, **kw):
        self.__dict__.update(dict(phase="active", set_reps=0, rep_count=0, target_reps=None, target_s=None,
                                  hold_s=None, work_s=0.0, countdown=None, rest_left_s=None), **kw)


def test_big_count_says_what_is_counted():
    assert big_count(S(set_reps=7, target_reps=20)) == ("7", "of 20 reps")
    assert big_count(S(set_reps=1)) == ("1", "rep")
    assert big_count(S(exercise="hip_width_leg_extension", hold_s=12.4)) == ("12", "s held")
    assert big_count(S(target_s=30.0, work_s=12.2, hold_s=12.2)) == ("12", "of 30 s")
    assert big_count(S(phase="countdown", countdown=3)) == ("3", "get ready")
    assert big_count(S(phase="rest", rest_left_s=42.2)) == ("42", "s rest")


def test_work_out_shows_holds_and_timers_as_what_they_are():
    """A hold is seconds held even after its first hold ends (never '1 reps'); a timer is seconds moving."""
    from formcheck.app.live_view import stopped_line, tiles
    hold = S(exercise="hip_width_leg_extension", set_no=1, rep_count=1, set_reps=1, hold_s=14.2, total_reps=1)
    assert big_count(hold) == ("14", "s held")
    assert tiles(hold) == [("Held", "14 s"), ("Set", "1"), ("Holds", "1")]
    assert stopped_line({"total_reps": 1}, [object()], hold) == "Stopped. 1 hold saved to My progress."
    timer = S(exercise="ankle_alphabet", set_no=1, hold_s=12.6, total_reps=0)
    assert big_count(timer) == ("13", "s moving")
    assert tiles(timer) == [("Moving", "13 s"), ("Set", "1")]
    assert "reps" not in stopped_line({"total_reps": 0}, [], timer)
    passes = S(exercise="foam_roll", set_no=1, rep_count=4, set_reps=4, hold_s=40.0, total_reps=4)
    assert big_count(passes) == ("40", "s moving")
    reps = S(exercise="calf_raise", set_no=1, set_reps=3, rep_count=3, total_reps=3)
    assert big_count(reps) == ("3", "reps") and tiles(reps)[0] == ("Reps", "3")
    assert stopped_line({"total_reps": 3}, [], reps) == "Stopped. 3 reps saved to My progress."


# ---- each exercise shown as what it is (Check a video) ----------------------------------------
from formcheck.app.exercise_view import describe  # noqa: E402

ALPHABET = {"title": "Ankle alphabet", "rep_count": 0, "reps": [], "warnings": [],
            "summary": {"active_s": 12.4, "active_s_by_foot": {"right": 0.27, "left": 12.13},
                        "range_by_foot": {"left": {"width_cm": 4.7, "height_cm": 10.0},
                                          "right": {"width_cm": 0.7, "height_cm": 0.1}}}}
HOLD = {"title": "Hip-width leg extension hold", "rep_count": 1, "warnings": [],
        "reps": [{"index": 1, "metrics": {"held_s": 12.03}}],
        "summary": {"hold_s": 12.03, "longest_hold_s": 12.03, "holds": [{"held_s": 12.03}], "target_s": [30.0, 60.0]}}


def test_a_timer_is_shown_as_time_moved_per_foot_with_the_letters_size():
    v = describe(ALPHABET, "timer")
    assert v.headline == "Ankle alphabet: 12 s of movement" and "rep" not in v.headline
    assert ("Moving", "12 s") in v.tiles and ("Left", "12 s") in v.tiles
    assert v.nothing_found is None and "rep" not in v.chart_caption
    assert v.lines[0] == "Letters traced with the left foot: about 5 cm wide and 10 cm tall"


def test_a_hold_is_shown_as_holds_and_seconds_never_reps():
    v = describe(HOLD, "hold")
    assert v.headline == "Hip-width leg extension hold: 1 hold, 12 s held"
    assert ("Holds", "1") in v.tiles and ("Goal", "30-60 s") in v.tiles
    nothing = describe({**HOLD, "summary": {"hold_s": 0.0, "holds": []}}, "hold")
    assert nothing.headline.endswith("no hold seen") and "reps" not in nothing.nothing_found


def test_reps_say_rep_for_one():
    assert describe({"title": "Leg press", "rep_count": 1, "reps": [{}]}, "reps").headline == "Leg press: 1 rep"
    assert "No reps" in describe({"title": "Leg press", "rep_count": 0, "reps": []}, "reps").nothing_found


def test_cli_version():
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "formcheck.cli", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("formcheck 0.")
