"""Live mode on a real calf-raise clip played as the camera: same counts as `analyze`, spoken cues in
order, the session saved, and a camera lost midway (pose model over whole clips: slow)."""
from __future__ import annotations

import pytest

import json

from conftest import FailAfter, sample_clip, shared_clip
from formcheck.sinks.history import HistoryStore
from formcheck.run.live import LiveOptions, run_live
from formcheck.run.review import analyze_clip
from formcheck.io.video import CameraError, ClipCamera
from formcheck.sinks.voice import Priority, RecordingSpeaker

pytestmark = pytest.mark.slow
CLIP = "calf_raise_fitbod_side.mp4"  # 3 labelled reps


def test_live_counts_equal_analyze_and_the_session_is_saved(tmp_path):
    clip = shared_clip(CLIP)
    review = analyze_clip(clip, "calf_raise", model="full")
    expected = review.result
    speaker = RecordingSpeaker()
    store = HistoryStore(tmp_path / "h.sqlite3")
    out = run_live(LiveOptions(exercise="calf_raise", source=str(clip), window=False, realtime=False,
                               size_wh=None, model="full"),
                   speaker=speaker, store=store, say_line=lambda s: None)
    # the frames analyze gives the model (a 60 fps clip at its 30 fps analysis rate), none dropped
    assert out.exit_code == 0 and out.frames == review.analysed_frames < expected_frames(clip) and out.dropped == 0
    assert expected.rep_count == 3
    assert out.summary["total_reps"] == expected.rep_count

    counts = [s.text for s in speaker.spoken if s.priority == Priority.COUNT and s.text.isdigit()]
    assert speaker.texts[0] == "Floor calf raise. Get in position"
    assert in_order(["1", "2", "3"], counts) and counts[-1] == "3"  # after any countdown digits

    (row,) = store.sessions()
    assert row.exercise == "calf_raise" and row.source == f"live-clip:{CLIP}" and row.ended_at is not None
    assert row.rep_count == 3 and [r["index"] for r in store.reps(row.id)] == [1, 2, 3]
    assert [round(r["end_s"], 2) for r in store.reps(row.id)] == [round(r.end_s, 2) for r in expected.reps]


def in_order(wanted: list[str], said: list[str]) -> bool:
    """`wanted` appears in `said` in this order (other words may come between)."""
    it = iter(said)
    return all(any(w == s for s in it) for w in wanted)


def expected_frames(clip) -> int:
    from formcheck.io.video import open_video
    with open_video(clip) as v:
        return sum(1 for _ in v.frames())


def test_camera_lost_midway_keeps_the_reps_and_exits_1(tmp_path):
    clip = shared_clip(CLIP)
    opens = []

    def camera():
        opens.append(1)
        if len(opens) > 1:
            raise CameraError("camera 0 not found, or another program is using it")
        return FailAfter(ClipCamera(clip, realtime=False), 360)  # 6 s of 8.4: two reps done
    speaker = RecordingSpeaker()
    store = HistoryStore(tmp_path / "h.sqlite3")
    out = run_live(LiveOptions(exercise="calf_raise", source=str(clip), window=False, realtime=False,
                               retry_waits_s=(0.01, 0.01)),
                   speaker=speaker, store=store, open_source=camera, say_line=lambda s: None,
                   warn_line=lambda s: None)
    assert out.exit_code == 1 and "not found" in out.problem and out.frames == 360 and len(opens) == 1 + 3  # first open, then 3 tries
    (row,) = store.sessions()
    assert row.ended_at is not None  # closed and summarised, not left running
    assert row.rep_count == out.summary["total_reps"] == 2


@pytest.mark.parametrize("name", ["calf_raise_side_faults", "calf_raise_oblique_faults"])
def test_live_on_our_sample_clip_counts_as_analyze_does(tmp_path, name):
    clip = sample_clip(f"{name}.mp4")  # 640x480 at 30 fps: what a webcam gives
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    expected = analyze_clip(clip, "calf_raise", model="full").result
    speaker = RecordingSpeaker()
    store = HistoryStore(tmp_path / "h.sqlite3")
    out = run_live(LiveOptions(exercise="calf_raise", source=str(clip), window=False, realtime=False,
                               model="full"), speaker=speaker, store=store, say_line=lambda s: None)
    assert out.exit_code == 0 and out.summary["total_reps"] == expected.rep_count
    assert abs(expected.rep_count - truth["rep_count"]) <= 1
    counts = [s.text for s in speaker.spoken if s.priority == Priority.COUNT and s.text.isdigit()]
    n = expected.rep_count
    assert in_order([str(i) for i in range(1, n + 1)], counts)  # (countdown digits may come first)
    assert store.sessions()[0].rep_count == n


def test_every_printed_correction_is_spoken_right_after_its_count(tmp_path):
    """Issue 11: the printed corrections of the oblique faults clip were all dropped for a count."""
    from formcheck.sinks.voice import spoken_text
    clip = sample_clip("calf_raise_oblique_faults.mp4")
    speaker, printed = RecordingSpeaker(), []
    out = run_live(LiveOptions(exercise="calf_raise", source=str(clip), window=False, realtime=False, model="full"),
                   speaker=speaker, store=HistoryStore(tmp_path / "h.sqlite3"), say_line=printed.append)
    assert out.exit_code == 0
    corrections = [line.split("] ", 1)[1] for line in printed
                   if line.startswith("[") and not line.split("] ", 1)[1].startswith(("Ready", "Floor"))]
    assert len(corrections) >= 3
    said = speaker.texts
    assert "Ready: rise onto your toes (both legs)" in said
    cues = [spoken_text(c, Priority.CUE) for c in corrections]
    assert [t for t in said if t in cues] == cues  # all of them, in order
    for cue in cues:  # each right after a count
        assert said[said.index(cue) - 1].isdigit()
