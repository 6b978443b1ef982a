"""Voice rules (RecordingSpeaker), event mapping, metronome, and espeak-ng failing soft."""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from formcheck.checkers.base import Event, EventKind
from formcheck.plans import FlowEvent, FlowKind
from formcheck.voice import (CUE_REPEAT_S, EspeakSpeaker, Metronome, Priority, RecordingSpeaker,
                             estimate_speech_s, speak_events)


def test_the_same_correction_is_not_repeated_within_the_window():
    sp = RecordingSpeaker()
    sp.say("Keep your knees straight", Priority.CUE, 10.0)
    sp.say("Keep your knees straight", Priority.CUE, 10.0 + CUE_REPEAT_S - 0.5)
    sp.say("Keep your knees straight", Priority.CUE, 10.0 + CUE_REPEAT_S + 0.5)
    assert [s.asked_s for s in sp.spoken] == [10.0, 10.0 + CUE_REPEAT_S + 0.5]


def test_a_correction_is_dropped_while_something_else_is_being_said():
    sp = RecordingSpeaker()
    sp.say("Rest 60 seconds", Priority.ANNOUNCE, 0.0)
    sp.say("Lower your heels all the way down", Priority.CUE, 0.2)  # still talking
    busy_until = sp.spoken[0].end_s
    sp.say("Lower your heels all the way down", Priority.CUE, busy_until + 0.1)
    assert sp.texts == ["Rest 60 seconds", "Lower your heels all the way down"]
    assert sp.spoken[1].asked_s > busy_until


def test_a_count_cuts_off_a_correction_and_is_said_at_once():
    sp = RecordingSpeaker()
    sp.say("Slow down: take about 1 s up and 1 s down", Priority.CUE, 5.0)
    sp.say("7", Priority.COUNT, 5.3)
    cue, count = sp.spoken
    assert cue.cut and cue.end_s == pytest.approx(5.3)
    assert count.start_s == pytest.approx(5.3)  # not delayed by the correction


def test_counts_are_never_dropped_they_queue_in_order():
    sp = RecordingSpeaker()
    for i in range(1, 5):
        sp.say(str(i), Priority.COUNT, 1.0 + 0.1 * i)
    assert sp.texts == ["1", "2", "3", "4"]
    starts = [s.start_s for s in sp.spoken]
    assert starts == sorted(starts) and starts[1] >= sp.spoken[0].end_s - 1e-9


def test_metronome_ticks_are_skipped_when_a_count_is_playing():
    sp = RecordingSpeaker()
    sp.say("12", Priority.COUNT, 3.0)
    sp.say("up", Priority.TICK, 3.05)  # late tick: not said
    sp.say("down", Priority.TICK, 3.0 + estimate_speech_s("12") + 0.01)
    assert sp.texts == ["12", "down"]


def test_speak_events_maps_flow_and_checker_events():
    sp = RecordingSpeaker()
    events = [
        Event(EventKind.READY, 0.0, "Ready: rise onto your toes"),  # not said: the flow speaks
        FlowEvent(FlowKind.COUNTDOWN, 0.1, "3"),
        FlowEvent(FlowKind.COUNT, 4.0, "1"),
        Event(EventKind.REP, 4.0, "1"),
        Event(EventKind.CUE, 4.0, "Keep your knees straight"),  # busy with "1": dropped
        FlowEvent(FlowKind.SET_DONE, 9.0, "Set done: 1 reps"),
        FlowEvent(FlowKind.HINT, 20.0, "Step back so your feet are in the picture"),
    ]
    speak_events(sp, events)
    assert sp.texts == ["3", "1", "Set done: 1 reps", "Step back so your feet are in the picture"]
    assert [s.priority for s in sp.spoken] == [Priority.COUNT, Priority.COUNT, Priority.ANNOUNCE, Priority.CUE]


def test_metronome_says_up_and_down_once_a_second_while_active():
    m = Metronome()  # 30 reps/min: a beat a second
    words = []
    for k in range(0, 61):  # 3 s at 20 fps
        words += [(round(k / 20, 2), w) for w in m.update(k / 20, active=True)]
    assert words == [(0.0, "up"), (1.0, "down"), (2.0, "up"), (3.0, "down")]
    assert m.update(3.5, active=False) == []
    assert m.update(4.0, active=True) == ["up"]  # starts over with the next set


def _fake_program(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-espeak"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_missing_speech_program_warns_once_and_stays_silent():
    warnings = []
    sp = EspeakSpeaker(program="formcheck-no-such-speech-program", on_warning=warnings.append)
    sp.say("1", Priority.COUNT, 0.0)
    sp.say("2", Priority.COUNT, 1.0)
    sp.close()
    assert len(warnings) == 1 and "not installed" in warnings[0]


def test_no_sound_device_warns_once_then_silent(tmp_path):
    log = tmp_path / "said.txt"
    prog = _fake_program(tmp_path, f'echo "$@" >> {log}\n'
                                   'echo "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default" >&2\n'
                                   'echo "error: No such file or directory" >&2')
    warnings = []
    sp = EspeakSpeaker(program=prog, on_warning=warnings.append)
    sp.say("1", Priority.COUNT, 0.0)
    assert sp.wait_idle(5.0)
    sp.say("2", Priority.COUNT, 1.0)
    sp.say("3", Priority.COUNT, 2.0)
    sp.close()
    assert len(warnings) == 1 and "no sound device" in warnings[0]
    assert sp.silent and log.read_text().count("\n") == 1  # nothing tried after the failure


def test_worker_speaks_in_order_and_a_count_cuts_a_long_correction(tmp_path):
    log = tmp_path / "said.txt"
    # "speaks" by logging its last argument; a correction takes 3 s to say
    prog = _fake_program(tmp_path, f'for a; do last="$a"; done; echo "start $last" >> {log}\n'
                                   'case "$last" in Keep*) sleep 3;; esac\n'
                                   f'echo "end $last" >> {log}')
    warnings = []
    sp = EspeakSpeaker(program=prog, on_warning=warnings.append)
    sp.say("Keep your knees straight", Priority.CUE, 0.0)
    time.sleep(0.3)
    t0 = time.monotonic()
    sp.say("1", Priority.COUNT, 0.3)
    sp.say("2", Priority.COUNT, 0.4)
    assert sp.wait_idle(5.0)
    elapsed = time.monotonic() - t0
    sp.close()
    lines = log.read_text().splitlines()
    assert lines[0] == "start Keep your knees straight"
    assert "end Keep your knees straight" not in lines  # cut off
    assert lines[1:] == ["start 1", "end 1", "start 2", "end 2"]
    assert elapsed < 2.0 and warnings == []


@pytest.mark.skipif(not os.path.exists("/usr/bin/espeak-ng"), reason="espeak-ng not installed")
def test_real_espeak_never_raises_with_or_without_a_sound_device():
    warnings = []
    sp = EspeakSpeaker(on_warning=warnings.append)
    for i in range(3):
        sp.say(str(i + 1), Priority.COUNT, float(i))
    assert sp.wait_idle(10.0)
    sp.close()
    assert len(warnings) <= 1  # one warning when there is no audio (CI), none with audio
