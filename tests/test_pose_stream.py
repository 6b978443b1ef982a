"""One pose stream: sizes, order and coordinates; the model runs once per clip, `--exercise auto` included.

The pose model is replaced by a recorded landmark series (the sample clip's `.landmarks.npz`)
so these run in seconds and count exactly how often the model is asked.
"""
from pathlib import Path

import av
import numpy as np
import pytest

from conftest import make_clip, sample_clip
from formcheck.pose.types import PoseSeries
from formcheck.io.video import fit_short_side


class RecordedModel:
    """Stands in for PoseEstimator: plays a recorded series back, frame by frame, and logs each call."""

    series: PoseSeries | None = None
    calls: list[tuple[tuple[int, int], float, tuple[int, int] | None]] = []

    def __init__(self, model=None, **_):
        self.model_path = Path("recorded.task")
        self._i = 0

    def detect(self, image_rgb, t_ms, *, image_wh=None):
        assert image_rgb.dtype == np.uint8 and image_rgb.flags.c_contiguous
        RecordedModel.calls.append(((image_rgb.shape[1], image_rgb.shape[0]), t_ms, image_wh))
        s = self.series.sample(min(self._i, len(self.series) - 1)) if self.series is not None else None
        self._i += 1
        return s

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def recorded_model(monkeypatch):
    import formcheck.pose.estimator as adapter
    RecordedModel.calls = []
    RecordedModel.series = None
    monkeypatch.setattr(adapter, "PoseEstimator", RecordedModel)
    return RecordedModel


@pytest.mark.parametrize("wh, limit, expected", [
    ((1920, 1080), 720, (1280, 720)), ((1080, 1920), 720, (720, 1280)), ((3840, 2160), 720, (1280, 720)),
    ((640, 480), 720, (640, 480)), ((580, 1080), 720, (580, 1080)), ((1920, 1080), None, (1920, 1080)),
    ((1001, 999), 500, (502, 500))])
def test_fit_short_side_scales_down_only_and_keeps_sides_even(wh, limit, expected):
    assert fit_short_side(wh, limit) == expected


def test_stream_feeds_the_model_scaled_frames_and_reports_clip_pixels(tmp_path, recorded_model):
    from formcheck.pose.stream import PoseStream
    clip = make_clip(tmp_path / "wide.mp4", n_frames=12, size_wh=(1600, 900))
    with PoseStream(clip, max_short_side_px=360, out_wh=(800, 450)) as stream:
        frames = list(stream)
    assert stream.model_wh == (640, 360)
    assert len(frames) == 12 == len(recorded_model.calls)
    assert all(size == (640, 360) and wh == (1600, 900) for size, _, wh in recorded_model.calls)
    t = [f.t_ms for f in frames]
    assert all(b > a for a, b in zip(t, t[1:]))
    assert all(f.image_rgb.shape == (360, 640, 3) and f.image_rgb.flags.c_contiguous for f in frames)
    assert all(f.out_rgb.shape == (450, 800, 3) for f in frames)


def test_auto_runs_the_model_once_and_checks_as_a_named_exercise(tmp_path, recorded_model):
    from formcheck.run.review import analyze_clip
    clip = sample_clip("calf_raise_oblique_clean.mp4")
    recorded_model.series = PoseSeries.load(clip.with_name("calf_raise_oblique_clean.landmarks.npz"))
    named = analyze_clip(clip, "calf_raise", out_video=tmp_path / "named.mp4")
    frames = named.frames
    assert len(recorded_model.calls) == frames
    recorded_model.calls.clear()
    seen = []
    auto = analyze_clip(clip, "auto", out_video=tmp_path / "auto.mp4", on_recognised=seen.append)
    assert len(recorded_model.calls) == frames, "the model must run once per frame, recognition included"
    assert seen == ["calf_raise"] and auto.exercise == "calf_raise" and auto.recognised
    assert auto.result.rep_count == named.result.rep_count > 0
    assert [(r.start_s, r.end_s, [f.code for f in r.faults]) for r in auto.result.reps] == \
        [(r.start_s, r.end_s, [f.code for f in r.faults]) for r in named.result.reps]
    for video in (tmp_path / "named.mp4", tmp_path / "auto.mp4"):
        with av.open(str(video)) as c:
            assert sum(1 for _ in c.decode(video=0)) == frames
    with av.open(str(tmp_path / "auto.mp4")) as a, av.open(str(tmp_path / "named.mp4")) as n:
        # the window's pictures (decoded again for the video) carry the same drawing as a named run
        fa, fn = next(a.decode(video=0)).to_ndarray(format="rgb24"), next(n.decode(video=0)).to_ndarray(format="rgb24")
    assert np.abs(fa.astype(int) - fn).mean() < 1.0


def test_auto_without_a_person_long_enough_asks_for_the_exercise(tmp_path, recorded_model):
    from formcheck.errors import FormcheckError
    from formcheck.run.review import analyze_clip
    clip = make_clip(tmp_path / "nobody.mp4", n_frames=20)
    with pytest.raises(FormcheckError, match="nobody found"):
        analyze_clip(clip, "auto")


def test_stopping_early_and_a_damaged_clip_end_the_decoder_cleanly(tmp_path, recorded_model):
    import threading

    from formcheck.pose.stream import PoseStream, clip_series
    from formcheck.io.video import TruncatedVideoError
    clip = make_clip(tmp_path / "c.mp4", n_frames=60)
    series = clip_series(clip, until_ms=500)  # stops reading after half a second
    assert 14 <= len(series) <= 17 and len(recorded_model.calls) == len(series)
    with PoseStream(clip) as stream:
        for pf in stream:
            if pf.index == 3:
                break  # the decoder thread is left mid-clip, blocked on a full queue
    assert not any(t.name in ("formcheck-decoder", "formcheck-pose") for t in threading.enumerate())
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    with PoseStream(cut) as stream, pytest.raises(TruncatedVideoError):
        for _ in stream:
            pass


@pytest.mark.parametrize("full_size, expected_wh", [(False, (1280, 720)), (True, (1600, 900))])
def test_annotated_video_is_720p_unless_full_size(tmp_path, recorded_model, full_size, expected_wh):
    from formcheck.run.review import analyze_clip
    recorded_model.series = PoseSeries.load(sample_clip("calf_raise_oblique_clean.mp4")
                                            .with_name("calf_raise_oblique_clean.landmarks.npz"))
    clip = make_clip(tmp_path / "big.mp4", n_frames=10, size_wh=(1600, 900))
    a = analyze_clip(clip, "calf_raise", out_video=tmp_path / "o.mp4", full_size=full_size)
    with av.open(str(a.video_path)) as c:
        s = c.streams.video[0]
        assert (s.codec_context.width, s.codec_context.height) == expected_wh
    assert all(size == (1280, 720) for size, _, _ in recorded_model.calls)  # the model's input never changes
    assert set(a.stage_s) >= {"decode", "pose", "checker", "overlay", "encode"}


@pytest.mark.parametrize("full_size, expected_frames", [(False, 12), (True, 24)])
def test_a_60fps_clip_is_analysed_and_drawn_at_30fps_every_frame_decoded(tmp_path, recorded_model, full_size,
                                                                         expected_frames):
    from formcheck.run.review import analyze_clip
    recorded_model.series = PoseSeries.load(sample_clip("calf_raise_oblique_clean.mp4")
                                            .with_name("calf_raise_oblique_clean.landmarks.npz"))
    clip = make_clip(tmp_path / "fast.mp4", n_frames=24, fps=60.0)
    a = analyze_clip(clip, "calf_raise", out_video=tmp_path / "o.mp4", full_size=full_size)
    assert a.frames == 24  # every presented frame decoded and counted
    assert a.analysed_frames == expected_frames == len(recorded_model.calls)
    assert a.analysis_fps == pytest.approx(60.0 * expected_frames / 24)
    # the model sees presented frames 0, 2, 4, ... at their own media times
    assert [t for _, t, _ in recorded_model.calls] == pytest.approx(
        [i * 1000.0 / 60 for i in range(0, 24, 24 // expected_frames)], abs=0.5)
    assert a.duration_s == pytest.approx(24 / 60.0, abs=0.01)
    with av.open(str(a.video_path)) as c:
        times = [float(f.pts * f.time_base) for f in c.decode(video=0)]
    assert len(times) == expected_frames  # the video shows the analysed frames, each at its own time
    assert times == pytest.approx([t / 1000.0 for _, t, _ in recorded_model.calls], abs=0.002)


def _drawn_states(monkeypatch):
    """Record what every annotated frame is drawn with (on the writer's thread): count and status."""
    import formcheck.run.review as review
    from formcheck.sinks.overlay import annotate
    drawn = []

    def recording(frame_rgb, pose, state, **kw):
        drawn.append((state.rep_count, state.status, state.bar_value))
        return annotate(frame_rgb, pose, state, **kw)
    monkeypatch.setattr(review, "annotate", recording)
    return drawn


def test_every_frame_is_drawn_with_the_state_of_its_own_moment(tmp_path, recorded_model, monkeypatch):
    """The overlay is drawn on the writer's thread, behind a queue, while the checker runs on: each
    frame must still show the count and status of its own moment, not a later one."""
    from formcheck.checkers import make_checker
    from formcheck.run.review import analyze_clip
    clip = sample_clip("calf_raise_oblique_clean.mp4")
    recorded_model.series = PoseSeries.load(clip.with_name("calf_raise_oblique_clean.landmarks.npz"))
    drawn = _drawn_states(monkeypatch)
    a = analyze_clip(clip, "calf_raise", out_video=tmp_path / "o.mp4")
    checker, expected = make_checker("calf_raise"), []
    for t_ms, sample in a.series.samples():
        checker.update(t_ms, sample)
        expected.append((checker.state.rep_count, checker.state.status, checker.state.bar_value))
    assert drawn == expected
    assert [c for c, _, _ in drawn][-1] == a.result.rep_count > 0


def test_a_wrong_early_guess_is_done_again_from_the_first_frame(tmp_path, recorded_model, monkeypatch):
    """`--exercise auto` guesses from the first seconds to draw and encode beside the model; when the
    whole window names another exercise, the count, the events and the video are all the named one's."""
    import formcheck.setup.recognize as recognize
    from formcheck.run.review import analyze_clip
    clip = sample_clip("calf_raise_oblique_clean.mp4")
    recorded_model.series = PoseSeries.load(clip.with_name("calf_raise_oblique_clean.landmarks.npz"))
    named_drawn = _drawn_states(monkeypatch)
    named = analyze_clip(clip, "calf_raise", out_video=tmp_path / "named.mp4")
    named_drawn = list(named_drawn)
    real, calls = recognize.recognize_series, []

    def wrong_first(series, window_s):
        calls.append(len(series))
        return ("seated_calf_raise", "a wrong guess") if len(calls) == 1 else real(series, window_s)
    monkeypatch.setattr(recognize, "recognize_series", wrong_first)
    drawn = _drawn_states(monkeypatch)
    seen = []
    auto = analyze_clip(clip, "auto", out_video=tmp_path / "auto.mp4", on_recognised=seen.append)
    assert len(calls) == 2 and calls[0] < calls[1]  # guessed early, named from the whole window
    assert seen == ["calf_raise"] and auto.exercise == "calf_raise"
    assert [(r.start_s, r.end_s, [f.code for f in r.faults]) for r in auto.result.reps] == \
        [(r.start_s, r.end_s, [f.code for f in r.faults]) for r in named.result.reps]
    assert [type(e).__name__ for e in auto.events] == [type(e).__name__ for e in named.events]
    # the wrong guess's frames were drawn, then thrown away with their video: the kept video is the named one's
    assert drawn[-len(named_drawn):] == named_drawn and len(drawn) > len(named_drawn)
    with av.open(str(auto.video_path)) as c:
        assert sum(1 for _ in c.decode(video=0)) == named.analysed_frames


def test_a_clip_shorter_than_the_window_is_recognised_and_drawn_whole(tmp_path, recorded_model, monkeypatch):
    """A clip that ends inside the recognition window: the guess made at a few seconds is confirmed
    at the end, and every frame is checked and drawn as with the exercise named."""
    from formcheck.io.video import VideoWriter, open_video
    from formcheck.run.review import EARLY_GUESS_S, analyze_clip
    from formcheck.setup.recognize import WINDOW_S
    src = sample_clip("calf_raise_oblique_clean.mp4")
    recorded_model.series = PoseSeries.load(src.with_name("calf_raise_oblique_clean.landmarks.npz"))
    clip = tmp_path / "short.mp4"
    cut_s = (EARLY_GUESS_S + WINDOW_S) / 2
    with open_video(src) as v, VideoWriter(clip, v.info.fps, v.info.wh, preset="ultrafast") as out:
        for f in v.frames():
            if f.t_ms >= 1000 * cut_s:
                break
            out.write(f.image_rgb, f.t_ms)
    drawn = _drawn_states(monkeypatch)
    named = analyze_clip(clip, "calf_raise", out_video=tmp_path / "named.mp4")
    named_drawn = list(drawn)
    drawn.clear()
    auto = analyze_clip(clip, "auto", out_video=tmp_path / "auto.mp4")
    assert auto.exercise == "calf_raise" and auto.result.rep_count == named.result.rep_count > 0
    assert drawn == named_drawn and len(drawn) == named.analysed_frames
