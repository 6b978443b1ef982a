"""Voice rules (RecordingSpeaker), event mapping, metronome, and espeak-ng failing soft."""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from formcheck.events import Event, EventKind
from formcheck.sinks.voice import (CUE_REPEAT_S, EspeakSpeaker, Metronome, Priority, RecordingSpeaker,
                             estimate_speech_s, speak_events, spoken_text)


def test_the_same_correction_is_not_repeated_within_the_window():
    sp = RecordingSpeaker()
    sp.say("Keep your knees straight", Priority.CUE, 10.0)
    sp.say("Keep your knees straight", Priority.CUE, 10.0 + CUE_REPEAT_S - 0.5)
    sp.say("Keep your knees straight", Priority.CUE, 10.0 + CUE_REPEAT_S + 0.5)
    assert [s.asked_s for s in sp.spoken] == [10.0, 10.0 + CUE_REPEAT_S + 0.5]


def test_a_correction_waits_while_something_else_is_being_said():
    sp = RecordingSpeaker()
    sp.say("Rest 60 seconds", Priority.ANNOUNCE, 0.0)
    sp.say("Lower your heels all the way down", Priority.CUE, 0.2)  # still talking: waits, not dropped
    rest, cue = sp.spoken
    assert sp.texts == ["Rest 60 seconds", "Lower your heels all the way down"]
    assert cue.start_s == pytest.approx(rest.end_s)


def test_a_count_is_never_cut_and_the_correction_after_it_is_kept():
    sp = RecordingSpeaker()
    sp.say("7", Priority.COUNT, 5.0)
    sp.say("Keep your knees straight", Priority.CUE, 5.0)
    sp.say("8", Priority.COUNT, 5.2)  # a fast rep: its count goes before the waiting correction
    assert sp.texts == ["7", "8", "Keep your knees straight"]
    starts = [s.start_s for s in sp.spoken]
    assert starts == sorted(starts)


def test_a_correction_waiting_too_long_is_dropped_not_said_late():
    sp = RecordingSpeaker(cue_stale_s=2.0)
    sp.say("Workout: high heels. First: floor calf raise, three sets of twenty", Priority.ANNOUNCE, 0.0)
    sp.say("Keep your knees straight", Priority.CUE, 0.1)
    assert sp.spoken[0].end_s > 2.0 + 0.1
    assert sp.texts == ["Workout: high heels. First: floor calf raise, three sets of twenty"]


def test_a_measured_correction_is_said_by_its_headline():
    assert spoken_text("Rise higher: 2 cm below your best", Priority.CUE) == "Rise higher"
    assert spoken_text("Slow down: 0.2 s up - take about 1 s up and 1 s down", Priority.CUE) == "Slow down"
    assert spoken_text("Switched: now rolling both legs", Priority.CUE) == "Switched: now rolling both legs"
    assert spoken_text("Keep your knees straight", Priority.CUE) == "Keep your knees straight"
    assert spoken_text("Set done: 12 reps", Priority.ANNOUNCE) == "Set done: 12 reps"


def test_countdown_digits_are_said_on_time_or_not_at_all_but_go_always():
    sp = RecordingSpeaker()
    sp.say("Floor calf raise. Get in position", Priority.ANNOUNCE, 0.0)  # ~2.2 s to say
    sp.say("3", Priority.COUNTDOWN, 0.5)
    sp.say("2", Priority.COUNTDOWN, 1.5)
    sp.say("1", Priority.COUNTDOWN, 2.5)  # said at 2.5: on time
    sp.say("Go", Priority.COUNT, 3.5)
    assert sp.texts == ["Floor calf raise. Get in position", "1", "Go"]


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


# What `formcheck live --source sample_videos/calf_raise_oblique_faults.mp4` produced (issue 11):
# the corrections came in the same frame as their rep's count, checker events first.
CAPTURED = [
    (0.0, EventKind.GET_READY, "Floor calf raise. Get in position"),
    (0.3, EventKind.READY, "Ready: rise onto your toes (both legs)"),
    (0.5, EventKind.COUNTDOWN, "3"), (1.5, EventKind.COUNTDOWN, "2"), (2.5, EventKind.COUNTDOWN, "1"),
    (3.5, EventKind.GO, "Go"),
    (4.93, EventKind.REP, "1"), (4.93, EventKind.COUNT, "1"),
    (7.47, EventKind.REP, "2"), (7.47, EventKind.CUE, "Rise higher: 1 cm below your best"),
    (7.47, EventKind.COUNT, "2"),
    (10.47, EventKind.REP, "3"), (10.47, EventKind.CUE, "Keep your knees straight"), (10.47, EventKind.COUNT, "3"),
    (11.77, EventKind.REP, "4"), (11.77, EventKind.CUE, "Slow down: 0.2 s up - take about 1 s up and 1 s down"),
    (11.77, EventKind.COUNT, "4"),
    (15.67, EventKind.REP, "5"), (15.67, EventKind.CUE, "Lower your heels all the way down"),
    (15.67, EventKind.COUNT, "5"),
]


def _frames(captured):
    by_t: dict[float, list] = {}
    for t, kind, text in captured:
        ev = Event(kind, t, text)
        by_t.setdefault(t, []).append(ev)
    return list(by_t.values())


def test_the_captured_calf_raise_session_is_said_whole_and_in_order():
    sp = RecordingSpeaker()
    for frame in _frames(CAPTURED):
        speak_events(sp, frame)
    said = sp.texts
    assert said[:2] == ["Floor calf raise. Get in position", "Ready: rise onto your toes (both legs)"]
    # every count, each rep's correction right after its count
    assert said[said.index("Go"):] == ["Go", "1", "2", "Rise higher", "3", "Keep your knees straight",
                                       "4", "Slow down", "5", "Lower your heels all the way down"]
    assert not sp.queue.dropped
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in zip(sp.spoken, sp.spoken[1:]))  # never two at once


def test_speak_events_maps_flow_and_checker_events():
    sp = RecordingSpeaker()
    events = [
        Event(EventKind.READY, 0.0, "Ready: rise onto your toes"),
        Event(EventKind.COUNTDOWN, 2.0, "3"),  # after "Ready" is over: on time
        Event(EventKind.COUNT, 4.0, "1"),
        Event(EventKind.REP, 4.0, "1"),
        Event(EventKind.CUE, 4.0, "Keep your knees straight"),  # after the count, not dropped
        Event(EventKind.SET_DONE, 9.0, "Set done: 1 reps"),
        Event(EventKind.HINT, 20.0, "Step back so your feet are in the picture"),
    ]
    for frame in _frames([(e.t_s, e.kind, e.text) for e in events]):
        speak_events(sp, frame)
    assert sp.texts == ["Ready: rise onto your toes", "3", "1", "Keep your knees straight", "Set done: 1 reps",
                        "Step back so your feet are in the picture"]
    assert [s.priority for s in sp.spoken] == [Priority.ANNOUNCE, Priority.COUNTDOWN, Priority.COUNT, Priority.CUE,
                                               Priority.ANNOUNCE, Priority.CUE]


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


def test_worker_says_the_count_before_the_correction_and_cuts_nothing(tmp_path):
    log = tmp_path / "said.txt"
    # "speaks" by logging its last argument; a correction takes 0.5 s to say
    prog = _fake_program(tmp_path, f'for a; do last="$a"; done; echo "start $last" >> {log}\n'
                                   'case "$last" in Keep*) sleep 0.5;; esac\n'
                                   f'echo "end $last" >> {log}')
    warnings = []
    sp = EspeakSpeaker(program=prog, on_warning=warnings.append)
    speak_events(sp, [Event(EventKind.REP, 0.0, "1"), Event(EventKind.CUE, 0.0, "Keep your knees straight"),
                      Event(EventKind.COUNT, 0.0, "1")])
    time.sleep(0.2)
    sp.say("2", Priority.COUNT, 0.2)
    sp.say("Keep your knees straight", Priority.CUE, 0.2)  # a repeat within CUE_REPEAT_S: not said
    assert sp.wait_idle(5.0)
    sp.close()
    lines = log.read_text().splitlines()
    assert lines == ["start 1", "end 1", "start Keep your knees straight", "end Keep your knees straight",
                     "start 2", "end 2"]
    assert warnings == []


@pytest.mark.skipif(not os.path.exists("/usr/bin/espeak-ng"), reason="espeak-ng not installed")
def test_real_espeak_never_raises_with_or_without_a_sound_device():
    warnings = []
    sp = EspeakSpeaker(on_warning=warnings.append)
    for i in range(3):
        sp.say(str(i + 1), Priority.COUNT, float(i))
    assert sp.wait_idle(10.0)
    sp.close()
    assert len(warnings) <= 1  # one warning when there is no audio (CI), none with audio
