"""Decoding (timestamps, rotation, truncation) and the H.264 writer."""
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from conftest import make_clip
from formcheck.errors import FormcheckError
from formcheck.io.video import TruncatedVideoError, VideoWriter, open_video


def test_writer_makes_browser_playable_h264(tmp_path):
    out = make_clip(tmp_path / "out.mp4", n_frames=45, fps=29.97, size_wh=(321, 241))
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        assert (s.codec_context.width, s.codec_context.height) == (320, 240)  # even sides for yuv420p
        assert abs(float(s.average_rate) - 29.97) < 0.01  # not truncated to 29 or 30
        assert sum(1 for _ in c.decode(s)) == 45
    head = out.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat")), \
        "faststart: the index must come before the media data so a browser can start playing"
    assert not list(tmp_path.glob("*.partial*"))


def test_writer_abort_leaves_nothing(tmp_path):
    out = tmp_path / "x.mp4"
    with pytest.raises(RuntimeError):
        with VideoWriter(out, 30, (64, 48)) as w:
            w.write(np.zeros((48, 64, 3), np.uint8))
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_reader_streams_with_monotonic_media_time(tmp_path):
    clip = make_clip(tmp_path / "c.mp4", n_frames=20, fps=25.0)
    with open_video(clip) as v:
        assert v.info.fps == pytest.approx(25.0)
        frames = list(v.frames())
    t = [f.t_ms for f in frames]
    assert len(frames) == 20 and t[0] == pytest.approx(0.0)
    assert all(b > a for a, b in zip(t, t[1:]))
    assert t[-1] == pytest.approx(19 * 40.0, abs=1)
    assert all(f.image_rgb.flags.c_contiguous for f in frames)


def _vfr_clip(path, times_ms, size_wh=(64, 48), seed=None):
    """An H.264 clip whose frames are shown at `times_ms` (noise pictures with a seed, else black)."""
    c = av.open(str(path), "w")
    s = c.add_stream("libx264", rate=1000)
    (w, h), rng = size_wh, np.random.default_rng(seed)
    s.width, s.height, s.pix_fmt = w, h, "yuv420p"
    s.codec_context.time_base = __import__("fractions").Fraction(1, 1000)
    for t in times_ms:
        img = rng.integers(0, 255, (h, w, 3), dtype=np.uint8) if seed is not None else np.zeros((h, w, 3), np.uint8)
        f = av.VideoFrame.from_ndarray(img, format="rgb24")
        f.pts, f.time_base = t, s.codec_context.time_base
        for p in s.encode(f):
            c.mux(p)
    for p in s.encode():
        c.mux(p)
    c.close()
    return path


def test_variable_frame_rate_uses_frame_timestamps(tmp_path):
    times_ms = [0, 33, 66, 200, 233, 500]
    path = _vfr_clip(tmp_path / "vfr.mp4", times_ms)
    with open_video(path) as v:
        got = [f.t_ms for f in v.frames()]
    assert got == pytest.approx(times_ms, abs=2)


@pytest.mark.parametrize("rotation, expect_corner", [(90, (63, 0)), (-90, (0, 47)), (180, (47, 63))])
def test_phone_rotation_metadata_is_applied_like_ffmpeg(tmp_path, rotation, expect_corner):
    path = tmp_path / "rot.mp4"
    c = av.open(str(path), "w")
    s = c.add_stream("libx264", rate=30)
    s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
    s.set_display_rotation(rotation)
    img = np.zeros((48, 64, 3), np.uint8)
    img[:16, :16] = 255  # white top-left corner before rotation
    for _ in range(3):
        for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
            c.mux(p)
    for p in s.encode():
        c.mux(p)
    c.close()
    with open_video(path) as v:
        frame = next(v.frames()).image_rgb
        assert v.info.wh == (frame.shape[1], frame.shape[0])
    y, x = expect_corner
    assert frame[y, x, 0] > 200
    assert frame[frame.shape[0] - 1 - y, frame.shape[1] - 1 - x, 0] < 60


def test_clip_cut_in_half_is_reported_as_truncated(tmp_path):
    clip = make_clip(tmp_path / "whole.mp4", n_frames=60)
    data = clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with open_video(cut) as v, pytest.raises(TruncatedVideoError) as err:
        for _ in v.frames():
            pass
    assert 0 < err.value.frames_read < 60


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "no such file"),
    (lambda p: (p.mkdir(), p)[1], "is a folder"),
    (lambda p: (p.write_bytes(b""), p)[1], "is empty"),
    (lambda p: (p.write_text("hello, this is text"), p)[1], "not a video file"),
])
def test_unreadable_inputs_raise_one_clear_error(tmp_path, make, message):
    path = make(tmp_path / "clip.mp4")
    with pytest.raises(FormcheckError, match=message):
        open_video(path)


def test_writer_keeps_the_colours(tmp_path):
    """What is written decodes back to the same colours (the RGB -> YUV matrix matches the reader's)."""
    rng = np.random.default_rng(1)
    blocks = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    img = np.ascontiguousarray(np.kron(blocks, np.ones((40, 40, 1), dtype=np.uint8)))  # 320x240, flat 40 px blocks
    with VideoWriter(tmp_path / "c.mp4", 30.0, (320, 240), crf=12) as w:
        for _ in range(5):
            w.write(img)
    with open_video(tmp_path / "c.mp4") as v:
        back = next(v.frames()).image_rgb.astype(int)
    centres = back[20::40, 20::40]  # the middle of each block, away from chroma edges
    assert np.abs(centres - blocks.astype(int)).max() <= 6


def test_writer_draws_on_its_own_thread_and_keeps_batches_in_order(tmp_path):
    """`write(..., draw)` draws on the writer's thread; a batch of compressed pictures (the kept first
    seconds of `--exercise auto`) is expanded and drawn there, in order, before the frames after it."""
    import threading

    from formcheck.io.kept_pictures import KeptPictures
    shade = lambda v: np.full((48, 64, 3), v, np.uint8)  # noqa: E731
    kept = KeptPictures()
    for v in (10, 40):
        kept.add(shade(v))
    kept.stop()
    kept.add(shade(250))  # not kept after stop()
    assert len(kept) == 2 and np.abs(KeptPictures.expand(kept.compressed(1)).astype(int) - 40).max() <= 2
    threads = set()

    def plus(k):
        def draw(img):
            threads.add(threading.current_thread().name)
            img = KeptPictures.expand(img) if img.ndim == 1 else img
            return np.clip(img.astype(int) + k, 0, 255).astype(np.uint8)
        return draw
    out = tmp_path / "d.mp4"
    with VideoWriter(out, 10, (64, 48), preset="ultrafast") as w:
        w.write_batch([(kept.compressed(i), i * 100.0, plus(100)) for i in range(len(kept))])
        w.write(shade(70), 200.0, plus(100))
        w.write(shade(20), 300.0)
    assert threads == {"formcheck-encoder"}
    with open_video(out) as v:
        levels = [float(f.image_rgb.mean()) for f in v.frames()]
    assert levels == pytest.approx([110, 140, 170, 20], abs=4)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice value is Linux's")
def test_decoding_and_encoding_threads_give_way_to_the_model(tmp_path):
    """The decoder's and the writer's threads run nicer than the caller's (the pose model's) thread."""
    import os
    import threading

    from formcheck.io.video import BACKGROUND_NICE, DecodeAhead
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = {}

    def frames():
        seen["decoder"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        yield from ()
    assert list(DecodeAhead(frames())) == []

    def draw(img):
        seen["writer"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return img
    with VideoWriter(tmp_path / "n.mp4", 10, (64, 48), preset="ultrafast") as w:
        w.write(np.zeros((48, 64, 3), np.uint8), 0.0, draw)
    assert BACKGROUND_NICE > 0
    assert seen == {"decoder": min(19, mine + BACKGROUND_NICE), "writer": min(19, mine + BACKGROUND_NICE)}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # the caller's is untouched


def _frames(path, step):
    import hashlib
    with open_video(path) as v:
        got = [(f.index, round(f.t_ms, 3), hashlib.md5(f.image_rgb.tobytes()).hexdigest())
               for f in v.frames((160, 120), step=step)]
        return got, v.presented, v.decoded


def test_stepped_over_frames_are_left_undecoded_and_the_given_ones_are_the_same(tmp_path):
    """With step 2, a stepped-over frame that no other frame is predicted from is not decoded; the
    frames given (index, time, picture) are those of decoding every frame, on an x264 clip with
    B-frames, a variable-rate one, and one trimmed by an edit list (packets before the cut decoded,
    never shown)."""
    import shutil
    import subprocess
    sample = Path(__file__).resolve().parents[1] / "sample_videos" / "calf_raise_side_clean.mp4"
    clips = [sample]
    if shutil.which("ffmpeg"):
        trim = tmp_path / "trim.mp4"
        subprocess.run(["ffmpeg", "-v", "error", "-ss", "2.5", "-i", str(sample), "-c", "copy", str(trim)], check=True)
        avi = tmp_path / "bframes.avi"  # AVI times its packets in decode order: nothing is skipped there
        subprocess.run(["ffmpeg", "-v", "error", "-t", "3", "-i", str(sample), "-c:v", "libx264", "-bf", "3",
                        str(avi)], check=True)
        clips += [trim, avi]
    for clip in clips:
        every, presented, decoded_all = _frames(clip, 1)
        stepped, presented2, decoded = _frames(clip, 2)
        assert stepped == [f for f in every if f[0] % 2 == 0] and presented2 == presented == decoded_all
        if clip == sample:  # its odd frames are B-frames that nothing refers to (trimmed at an odd
            assert decoded < 0.6 * presented  # frame, they are the even ones, which are given)
    vfr = _vfr_clip(tmp_path / "vfr.mp4", [0, 33, 66, 200, 233, 266, 300, 500, 533, 566, 600, 633, 700],
                    (160, 120), seed=1)
    every, _, _ = _frames(vfr, 1)
    stepped, _, _ = _frames(vfr, 2)
    assert stepped == [f for f in every if f[0] % 2 == 0] and len(every) == 13


def test_presented_order_ranks_reordered_packets_and_stops_trusting_deeper_reordering():
    from types import SimpleNamespace
    from formcheck.io.video import _PresentedOrder

    def packets(pts_list):
        return [SimpleNamespace(pts=p, is_discard=False, size=10) for p in pts_list]
    # decode order of I P B b b (presented 0 4 2 1 3) and on: every packet gets its presented index
    order = _PresentedOrder(lookahead=4)
    got = [(p.pts, r) for p, r in order.ranked(iter(packets([0, 4, 2, 1, 3, 8, 6, 5, 7])))]
    assert got == [(p, p) for p in [0, 4, 2, 1, 3, 8, 6, 5, 7]] and order.trusted
    assert order.index_of(4, 3) == 4 and order.index_of(None, 5) == 5
    # a frame that comes 6 packets after a later one, with 2 read ahead: ranks stop, frames are counted
    order = _PresentedOrder(lookahead=2)
    got = [r for _, r in order.ranked(iter(packets([0, 6, 1, 2, 3, 4, 5, 7])))]
    assert not order.trusted and got[-1] is None and order.index_of(7, 7) == 7
    assert order.index_of(0, 0) == 0 and got[0] == 0  # what was ranked before still places its frame


def test_packets_read_ahead_are_given_before_a_read_error():
    from types import SimpleNamespace
    from formcheck.io.video import _PresentedOrder

    def breaking():
        for p in range(6):
            yield SimpleNamespace(pts=p, is_discard=False, size=10)
        raise av.error.InvalidDataError(1094995529, "Invalid data found when processing input")
    given = []
    with pytest.raises(av.error.InvalidDataError):
        for packet, rank in _PresentedOrder(lookahead=4).ranked(breaking()):
            given.append(rank)
    assert given == [0, 1, 2, 3, 4, 5]


def test_a_reader_that_stops_early_leaves_no_error_behind(monkeypatch):
    """A run that stops reading (an error in the checking, Ctrl-C, a full disk) closes the frames; closing
    them printed "Exception ignored ... RuntimeError: generator ignored GeneratorExit" under the one-line
    error (a tester's run): the packets read ahead were given from a `finally` even on close."""
    from types import SimpleNamespace
    from formcheck.io.video import _PresentedOrder
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    ranked = _PresentedOrder(lookahead=4).ranked(iter([SimpleNamespace(pts=p, is_discard=False, size=10)
                                                       for p in range(20)]))
    assert [r for _, r in (next(ranked), next(ranked))] == [0, 1]
    ranked.close()
    assert unraisable == []
    sample = Path(__file__).resolve().parents[1] / "sample_videos" / "calf_raise_side_clean.mp4"
    with open_video(sample) as video:
        frames = video.frames(step=2)
        next(frames)
        frames.close()
    assert unraisable == []
