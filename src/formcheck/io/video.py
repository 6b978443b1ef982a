"""The only module that touches PyAV / OpenCV capture: decode clips, encode browser-playable H.264.

* `open_video(path)` probes a clip and gives a `VideoSource` that streams frames (never the
  whole clip in memory) with media timestamps (VFR-safe) and phone rotation applied.
* `VideoWriter` encodes H.264 (yuv420p, faststart) on a background thread behind a bounded
  queue, writing to a temporary name that becomes the real one only on success.
* `CameraSource` (a webcam, wall-clock time) and `ClipCamera` (a clip served at its own
  speed, media time) feed `formcheck live` one frame at a time.
"""
from __future__ import annotations

import bisect
import os
import queue
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterator

import av
import numpy as np

from formcheck.cores import leave_model_core
from formcheck.errors import FormcheckError

# A clip whose decodable frames fall this short of the frames it presents (its edit-list
# duration times its rate, never more than its packets) was cut short (an interrupted copy or
# upload); whole clips, trimmed ones included, come within a frame or two of that figure.
TRUNCATED_FRACTION = 0.95
# Fewer frames than this is a still picture, not a movement: nothing can be counted in it.
MIN_VIDEO_FRAMES = 2
# Pictures larger than 1080p decode on at most 2 threads: each decoding thread holds its own
# reference pictures (~12 MB each at 4K), and FFmpeg's default (cores + 1 threads) put a 4K review
# over the 400 MB budget on 2 cores, and far over it on a many-core machine.
BIG_PICTURE_PX = 1920 * 1088
BIG_PICTURE_DECODE_THREADS = 2
# Downscaling filter for swscale: area averaging keeps thin limbs (no aliasing).
SCALE_INTERPOLATION = "AREA"
# A declared pixel aspect this close to 1 is square (rounding in the container).
SQUARE_PIXEL_TOLERANCE = 0.01
# Scale first, in the clip's own pixel format (YUV 4:2:0: 1.5 bytes a pixel, chroma at quarter
# size), then convert the smaller picture to RGB: measured on the 1080p60 labelled clip
# (calf_raise_fitbod_side, 2 cores), 4.1 ms a frame to 1280x720 RGB against 10.8 ms for swscale's
# one-step scale-and-convert (its combined path has no fast code; full-size RGB alone is 3.3 ms).
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".heic"}


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    width: int  # after rotation
    height: int
    fps: float  # average rate, as a float (29.97 stays 29.97)
    frame_count: int  # container's estimate, 0 when unknown
    duration_s: float
    rotation_deg: int

    @property
    def wh(self) -> tuple[int, int]:
        return (self.width, self.height)


@dataclass(frozen=True)
class Frame:
    index: int
    t_ms: float  # media time from the stream's timestamps
    image_rgb: np.ndarray  # HxWx3 uint8, contiguous, rotation applied


@dataclass(frozen=True)
class SizedFrame(Frame):
    also_rgb: np.ndarray | None = None  # the same frame at `frames(also_wh=...)`


def fit_short_side(size_wh: tuple[int, int], max_short_side_px: int | None) -> tuple[int, int]:
    """The size scaled down (never up) so its shorter side is at most max_short_side_px, keeping
    the aspect ratio, both sides even (H.264's yuv420p needs them even). None: unchanged."""
    w, h = size_wh
    if max_short_side_px is None or min(w, h) <= max_short_side_px:
        return (w, h)
    scale = max_short_side_px / min(w, h)
    even = lambda v: max(2, int(round(v * scale / 2)) * 2)  # noqa: E731
    return (even(w), even(h))


def frame_step(fps: float, max_fps: float | None) -> int:
    """Take every n-th frame to come nearest to max_fps (never faster by more than half a step):
    60 -> 2 (30 fps), 50 -> 2 (25), 120 -> 4, 240 -> 8, 30 or 25 -> 1. None: every frame."""
    if max_fps is None or fps <= 0:
        return 1
    return max(1, int(round(fps / max_fps)))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return re.sub(r"^\[Errno -?\d+\]\s*", "", line)


def _rotate(img: np.ndarray, rotation_deg: int) -> np.ndarray:
    # PyAV reports the display matrix's counter-clockwise rotation; np.rot90 turns counter-clockwise.
    k = (rotation_deg // 90) % 4
    return np.ascontiguousarray(np.rot90(img, k)) if k else img


# Packets read ahead of the one being decoded, to know which presented frame each one is: a
# B-frame's packet comes after the later frames it is predicted from, 3 packets at most in every
# labelled and sample clip (x264 and phone encoders, 2 frames of reorder). Few enough to hold (a 4K
# packet can be ~1 MB); a stream that reorders further turns the skipping off (`_PresentedOrder`).
RANK_LOOKAHEAD_PACKETS = 8
# Containers (FFmpeg demuxer names) whose packets carry presentation timestamps.
TIMED_CONTAINERS = frozenset({"mov", "mp4", "matroska", "webm", "mpegts"})


class _PresentedOrder:
    """Packets in decode order, each with the index of the frame it presents (its timestamp's
    rank among the stream's presented packets), so that a frame nobody will look at can be left
    undecoded before it is decoded. Packets without a timestamp, or discarded by an edit list,
    get None; a decoded frame is then placed by counting (`index_of`). A packet that arrives
    after one with a later timestamp was already ranked (reordered further than the lookahead)
    means the ranks cannot be trusted: every packet after it gets None."""

    def __init__(self, lookahead: int = RANK_LOOKAHEAD_PACKETS) -> None:
        self._lookahead = lookahead
        self._seen: list[int] = []  # every presented packet's pts so far, sorted
        self._index: dict[int, int] = {}  # pts -> presented index, until its frame is decoded
        self._last_ranked: int | None = None  # the latest pts ranked so far
        self._last_decoded: int | None = None  # the pts of the last frame decoded
        self.trusted = True

    @staticmethod
    def _presented(packet: av.Packet) -> bool:
        return packet.pts is not None and not packet.is_discard and bool(packet.size)

    def ranked(self, packets: Iterator[av.Packet]) -> Iterator[tuple[av.Packet, int | None]]:
        """(packet, its presented index or None); the packets read ahead are given before an error
        reading further is raised (a clip that breaks off keeps every frame it holds)."""
        ahead: deque[av.Packet] = deque()
        error: Exception | None = None
        try:
            for packet in packets:
                if self._presented(packet):
                    if self._last_ranked is not None and packet.pts < self._last_ranked:
                        self.trusted = False
                    bisect.insort(self._seen, packet.pts)
                ahead.append(packet)
                if len(ahead) > self._lookahead:
                    yield self._rank(ahead.popleft())
        except Exception as exc:  # (never GeneratorExit: a reader that stops early gets nothing more)
            error = exc
        while ahead:
            yield self._rank(ahead.popleft())
        if error is not None:
            raise error

    def _rank(self, packet: av.Packet) -> tuple[av.Packet, int | None]:
        if not (self.trusted and self._presented(packet)):
            return packet, None
        rank = bisect.bisect_left(self._seen, packet.pts)
        self._index[packet.pts] = rank
        self._last_ranked = packet.pts if self._last_ranked is None else max(self._last_ranked, packet.pts)
        return packet, rank

    def index_of(self, pts: int | None, counted: int) -> int:
        """The presented index of a decoded frame: its packet's rank, or `counted` (the index the
        count of frames so far gives) where it has none or it would run backwards. Decoded frames
        whose timestamps run backwards (pts in decode order: AVI) mean no rank can be trusted."""
        if pts is not None and self._last_decoded is not None and pts <= self._last_decoded:
            self.trusted = False
        self._last_decoded = pts if pts is not None else self._last_decoded
        rank = self._index.pop(pts, None) if pts is not None else None
        return rank if rank is not None and rank >= counted else counted


class VideoSource:
    """A decodable clip. Iterate `frames()`; use as a context manager to close it."""

    def __init__(self, path: str | os.PathLike, decode_threads: int | None = None) -> None:
        """decode_threads: FFmpeg's decoding threads (default: as many as suit the picture size)."""
        self.path = Path(path)
        _check_path(self.path)
        try:
            self._container = av.open(str(self.path))
        except Exception as exc:
            raise FormcheckError(f"cannot read {self.path.name}: not a video file, or damaged "
                                 f"({_one_line(exc)})") from exc
        if not self._container.streams.video:
            self._container.close()
            raise FormcheckError(f"{self.path.name} has no video track")
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        cc = self._stream.codec_context
        if (cc.width or 0) * (cc.height or 0) > BIG_PICTURE_PX:
            cc.thread_count = BIG_PICTURE_DECODE_THREADS
        if decode_threads is not None:
            cc.thread_count = decode_threads
        cc = self._stream.codec_context
        if not cc.width or not cc.height:
            self._container.close()
            raise FormcheckError(f"cannot read {self.path.name}: the video track has no picture size")
        rate = self._stream.average_rate or self._stream.guessed_rate or Fraction(30)
        fps = float(rate)
        if self._stream.duration and self._stream.time_base:
            duration = float(self._stream.duration * self._stream.time_base)
        elif self._container.duration:
            duration = self._container.duration / 1e6
        else:
            duration = 0.0
        rotation = self._probe_rotation()
        # A file that declares non-square pixels (anamorphic camera formats, `ffmpeg -aspect`) is shown
        # at its display aspect: the model, the report and the annotated video get that picture, the
        # shape a player shows (stored pixels would squeeze or stretch the person).
        sar = self._stream.sample_aspect_ratio or cc.sample_aspect_ratio
        display_w = cc.width
        if sar and sar > 0 and abs(float(sar) - 1.0) > SQUARE_PIXEL_TOLERANCE:
            display_w = 2 * max(1, round(cc.width * float(sar) / 2))  # even, as video encoders want
        self._stored_wh = (cc.height, cc.width) if rotation % 180 else (cc.width, cc.height)
        w, h = (cc.height, display_w) if rotation % 180 else (display_w, cc.height)
        frames = _presented_frames(int(self._stream.frames or 0), duration, fps)
        self.info = VideoInfo(self.path, w, h, fps, frames, duration, rotation)
        self.presented = 0  # frames presented so far by `frames()`, given or stepped over
        self.decoded = 0  # of those, the frames the decoder made (stepped-over ones may be left undecoded)
        self.last_t_ms = 0.0  # the last of them's time
        self.damaged_packets = 0  # packets that would not decode and were skipped
        self.gaps_ms: list[tuple[float, float]] = []  # (last good frame, next good frame) around each

    def _probe_rotation(self) -> int:
        """The display rotation, from the first frame; refuses a file with fewer than two frames.

        Read from a second opening of the file, closed after: the clip's own decoder is first opened
        by the first `frames()` read, so its threads start on the thread that decodes (and keep its
        CPU and priority: `background_priority`), not on the one that opened the clip."""
        try:
            probe = av.open(str(self.path))
        except Exception as exc:
            raise FormcheckError(f"cannot read {self.path.name}: not a video file, or damaged "
                                 f"({_one_line(exc)})") from exc
        try:
            stream = probe.streams.video[0]
            stream.codec_context.thread_count = 1  # two frames: no thread pool for them
            decoded = probe.decode(stream)
            first = next(decoded)
            rot = int(round(getattr(first, "rotation", 0) or 0)) % 360
            if sum(1 for _ in zip(range(MIN_VIDEO_FRAMES - 1), decoded)) < MIN_VIDEO_FRAMES - 1:
                raise FormcheckError(f"{self.path.name} is a still image, not a video: "
                                     "record the exercise as a video clip")
        except StopIteration:
            raise FormcheckError(f"{self.path.name} contains no video frames") from None
        except FormcheckError:
            raise
        except Exception as exc:
            raise FormcheckError(f"cannot decode {self.path.name}: the file is damaged or incomplete "
                                 f"({_one_line(exc)})") from exc
        finally:
            probe.close()
        return rot

    def frames(self, size_wh: tuple[int, int] | None = None, *,
               also_wh: tuple[int, int] | None = None, step: int = 1) -> Iterator[Frame]:
        """Presented frames in order, timed from the first one (t_ms 0).

        size_wh (after rotation): scale each picture to this size before the colour conversion
        (never a full-size RGB copy); None keeps the clip's size. also_wh: a second picture of
        each frame at another size, as `SizedFrame.also_rgb`. step: only every step-th presented
        frame (index 0, step, 2*step, ...) is converted and given; the others are decoded where
        a later frame is predicted from them, and counted either way, so `index`, `t_ms`,
        `presented` and the cut-short check are those of the whole clip.

        A packet that will not decode (garbage in the middle of a file) is skipped and the
        gap recorded in `gaps_ms`; a clip that ends well short of its length raises
        TruncatedVideoError after its last good frame.
        """
        fps = self.info.fps
        t0_ms: float | None = None
        last_t = -1.0
        index = 0
        gap_open = False
        # Stepping over frames: a packet whose frame is stepped over and that no other frame is
        # predicted from is not decoded at all (FFmpeg's skip of non-reference frames, set per
        # packet). Measured on the 1080p60 labelled clip: its 374 B-frames include every odd frame,
        # so decoding the 252 analysed frames of 504 took ~0.9 s of CPU instead of ~1.8.
        order = _PresentedOrder() if step > 1 and self._timed_container() else None
        packets = self._container.demux(self._stream)
        cc = self._stream.codec_context
        try:
            for packet, rank in order.ranked(packets) if order else ((p, None) for p in packets):
                if order is not None:
                    skip = order.trusted and rank is not None and rank % step
                    cc.skip_frame = "NONREF" if skip else "DEFAULT"
                try:
                    decoded = packet.decode()
                except av.error.FFmpegError:
                    self.damaged_packets += 1
                    gap_open = True
                    continue
                for frame in decoded:
                    self.decoded += 1
                    if order is not None:
                        index = order.index_of(frame.pts, index)
                    media_ms = self._media_ms(frame)
                    if media_ms is None:
                        t_ms = index * 1000.0 / fps
                    else:  # from the first presented frame: a .ts or an offset clip starts at 0 too
                        t0_ms = media_ms if t0_ms is None else t0_ms
                        t_ms = media_ms - t0_ms
                    if t_ms <= last_t:  # repeated/backwards stamps: keep media time monotonic
                        t_ms = last_t + 1000.0 / fps
                    if gap_open:
                        self.gaps_ms.append((max(0.0, last_t), t_ms))
                        gap_open = False
                    last_t = t_ms
                    self.presented, self.last_t_ms = index + 1, t_ms
                    if index % step:
                        index += 1
                        continue
                    img = self._picture(frame, size_wh)
                    if also_wh is None:
                        yield Frame(index, t_ms, img)
                    else:
                        same = tuple(also_wh) == tuple(size_wh or self.info.wh)
                        yield SizedFrame(index, t_ms, img, img if same else self._picture(frame, also_wh))
                    index += 1
        except av.error.FFmpegError as exc:  # the container itself breaks off
            if index == 0:
                raise FormcheckError(f"cannot decode {self.path.name}: the file is damaged or incomplete "
                                     f"({_one_line(exc)})") from exc
            raise TruncatedVideoError(
                f"{self.path.name} is damaged or cut short after {index} frames ({_one_line(exc)})",
                frames_read=index) from exc
        if index == 0:
            raise FormcheckError(f"cannot decode {self.path.name}: the file is damaged or incomplete")
        expected = self.info.frame_count
        # damaged packets were there (by count; placed by their timestamps, they are in `index` already)
        lost = self.damaged_packets if order is None else 0
        if expected and index + lost < TRUNCATED_FRACTION * expected - 1:
            raise TruncatedVideoError(
                f"{self.path.name} ends after {index} of its {expected} frames: the file is damaged or cut short",
                frames_read=index)

    def _timed_container(self) -> bool:
        """The container gives each packet the time it is shown (MP4/MOV, Matroska/WebM, MPEG-TS), so
        which frame a packet is can be known before it is decoded (`_PresentedOrder`); AVI and raw
        streams give decode order."""
        name = self._container.format.name
        return any(n in TIMED_CONTAINERS for n in name.split(","))

    def _picture(self, frame: av.VideoFrame, size_wh: tuple[int, int] | None) -> np.ndarray:
        """RGB, rotated, contiguous; when size_wh asks, scaled in the clip's own pixel format first
        and converted to RGB after (see SCALE_INTERPOLATION)."""
        rotation = self.info.rotation_deg
        size_wh = tuple(size_wh or self.info.wh)
        if size_wh != self._stored_wh:
            w, h = (size_wh[1], size_wh[0]) if rotation % 180 else size_wh  # the coded picture's sides
            frame = frame.reformat(width=w, height=h, interpolation=SCALE_INTERPOLATION)
        return _rotate(np.ascontiguousarray(frame.to_ndarray(format="rgb24")), rotation)

    def _media_ms(self, frame: av.VideoFrame) -> float | None:
        tb = frame.time_base or self._stream.time_base
        if frame.pts is None or tb is None:
            return None
        return float(frame.pts * tb) * 1000.0

    def gap_warnings(self) -> list[str]:
        """One plain line per stretch of damaged packets that was skipped."""
        return [f"{self.path.name}: a damaged stretch from {a / 1000:.1f} s to {b / 1000:.1f} s could not be "
                "decoded and was skipped" for a, b in self.gaps_ms]

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> "VideoSource":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class TruncatedVideoError(FormcheckError):
    def __init__(self, message: str, frames_read: int) -> None:
        super().__init__(message)
        self.frames_read = frames_read


def _presented_frames(packets: int, duration_s: float, fps: float) -> int:
    """Frames a player shows: an edit list (a trim by `ffmpeg -ss T -c copy`) keeps packets
    before the cut that are decoded but never shown, so the packet count alone overstates it."""
    by_time = round(duration_s * fps) if duration_s > 0 and fps > 0 else 0
    if packets and by_time:
        return min(packets, by_time)
    return packets or by_time


def _check_path(path: Path) -> None:
    if not path.exists():
        raise FormcheckError(f"no such file: {path}")
    if path.is_dir():
        raise FormcheckError(f"{path} is a folder, not a video file")
    if path.stat().st_size == 0:
        raise FormcheckError(f"{path.name} is empty (0 bytes)")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise FormcheckError(f"{path.name} is a still image; formcheck needs a video clip")


def open_video(path: str | os.PathLike, decode_threads: int | None = None) -> VideoSource:
    return VideoSource(path, decode_threads)


_END = object()


@dataclass(frozen=True)
class _Failed:
    exc: BaseException


# How often a reader waiting on a `DecodeAhead` looks whether it was closed from another thread.
STOP_POLL_S = 0.1


class DecodeAhead:
    """A source's frames decoded on a thread of their own, up to `ahead` frames ahead of the reader
    (PyAV decodes, scales and converts without the GIL, so decoding overlaps the reader's work).
    Iterate once; errors are raised in the reader's thread, in order. `close()` (also when the
    reader stops early) ends the thread before the frames' source may be closed.

    Any iterator of frames (or of what is made from them) can run so: `pose.stream` runs the pose
    model on its own thread this way, with `background=False` (the thread keeps the starting
    thread's CPU and priority, where `background_priority` would move it off the model's)."""

    def __init__(self, frames: Iterator, ahead: int = 4, *, name: str = "formcheck-decoder",
                 background: bool = True) -> None:
        self._frames = frames
        self._ahead: queue.Queue = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._background = background
        self.decode_s = 0.0  # seconds spent decoding, on the decoding thread
        self.wait_s = 0.0  # seconds the reader waited for a frame
        self._thread = threading.Thread(target=self._decode, name=name, daemon=True)
        self._thread.start()

    def _decode(self) -> None:
        if self._background:
            background_priority()
        try:
            while not self._stop.is_set():
                t0 = time.perf_counter()
                f = next(self._frames, None)
                self.decode_s += time.perf_counter() - t0
                self._ahead.put(f if f is not None else _END)
                if f is None:
                    return
        except BaseException as exc:  # a damaged clip
            self._ahead.put(_Failed(exc))

    def __iter__(self) -> Iterator[Frame]:
        try:
            while True:
                t0 = time.perf_counter()
                try:
                    item = self._ahead.get(timeout=STOP_POLL_S)
                except queue.Empty:
                    if self._stop.is_set():  # closed from another thread: no more frames come
                        return
                    continue
                finally:
                    self.wait_s += time.perf_counter() - t0
                if item is _END:
                    return
                if isinstance(item, _Failed):
                    raise item.exc
                yield item
        finally:
            self.close()

    def close(self) -> None:
        """Ask the thread to end, unblock it, wait for it; then close the frames' generator."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._ahead.get(timeout=0.05)
            except queue.Empty:
                pass
        self._thread.join()
        close = getattr(self._frames, "close", None)
        if close is not None:
            close()


_STOP = object()


# The threads that feed and drain the pose model (decoding, drawing and encoding, and x264's
# threads) run this much nicer than the model's thread: on 2 cores the pictures' work
# (~6 s of CPU for an 8.4 s 1080p60 clip) is as large as the model's, and at equal priority it
# took the model's core often enough to slow it by ~15 %. Measured on the 2-core machine, review
# of that clip with video, 5 alternated pairs: 7.77 s mean at equal priority, 7.19 s at +5.
BACKGROUND_NICE = 5


def background_priority() -> None:
    """Move the calling thread off the CPU kept for the pose model (`formcheck.cores`) and lower its
    CPU priority, and that of the threads it starts from now on (x264's, for the writer; FFmpeg's
    decoding threads, started by a clip's first decode, on its decoding thread; OpenCV's worker pool
    is started by its first parallel call, which may be on such a thread)."""
    leave_model_core()
    if not BACKGROUND_NICE:
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + BACKGROUND_NICE))
    except (AttributeError, OSError):  # not on Linux, or not allowed: the same work, at the same priority
        pass


@dataclass(frozen=True)
class _Batch:
    """Several frames queued to the writer as one item (`VideoWriter.write_batch`)."""
    frames: list


# Output timestamps in 1/90000 s (the MPEG clock): fine enough to keep every input frame's own time.
OUTPUT_TIME_BASE = Fraction(1, 90000)


def output_path(path: str | os.PathLike) -> Path:
    """Where an output really goes: through a symlink to its target (the link itself is kept)."""
    return Path(os.path.realpath(path))


def partial_name(path: Path) -> Path:
    return path.with_name(path.stem + ".partial" + (path.suffix or ".mp4"))


def plays(path: Path) -> bool:
    """The file opens and at least one frame decodes (a video cut off before its index does not)."""
    try:
        with av.open(str(path)) as c:
            return next(c.decode(video=0), None) is not None
    except Exception:
        return False


def _rgb_to_i420(image_rgb: np.ndarray) -> np.ndarray:
    """RGB (even sides) to planar YUV 4:2:0 (BT.601, limited range, as swscale's default), by OpenCV:
    measured at 720p on the 2-core machine, encoding from it costs ~4.5 ms of CPU a frame against
    ~8-9.5 ms when PyAV converts the RGB frame for x264 itself (its swscale path is the slow one)."""
    import cv2
    return cv2.cvtColor(np.ascontiguousarray(image_rgb), cv2.COLOR_RGB2YUV_I420)


class VideoWriter:
    """H.264 mp4 writer that encodes on its own thread.

    `write(image_rgb, t_ms, draw)` hands a frame over a bounded queue (back-pressure, no unbounded
    memory); each frame keeps its own time (a variable-frame-rate input stays in step). `draw`,
    when given, turns the picture into the one to encode on the writer's thread (the overlay is
    drawn there, beside the pose model rather than in its way). The
    file is written as `<name>.partial.mp4` and renamed on `close()`; on `abort()` (or an
    exception inside a `with` block) the partial file is deleted, so a half-written video never
    looks complete. A symlinked output is written through to its target.
    """

    def __init__(self, path: str | os.PathLike, fps: float, size_wh: tuple[int, int], *,
                 crf: int = 23, preset: str = "veryfast", queue_size: int = 16) -> None:
        self.path = output_path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = partial_name(self.path)
        w, h = size_wh
        self._size = (w - w % 2, h - h % 2)  # yuv420p needs even sides
        self._fps = fps
        try:
            self._container = av.open(str(self._tmp), mode="w", format="mp4",
                                      options={"movflags": "+faststart"})
        except Exception as exc:
            raise FormcheckError(f"cannot write {self.path}: {_one_line(exc)}") from exc
        rate = Fraction(fps).limit_denominator(1001)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width, self._stream.height = self._size
        self._stream.pix_fmt = "yuv420p"
        self._stream.codec_context.time_base = OUTPUT_TIME_BASE
        self._stream.options = {"crf": str(crf), "preset": preset}
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._error: BaseException | None = None
        self._frames = 0
        self._last_pts = -1
        self.encode_s = 0.0  # seconds spent encoding on the writer's thread
        self.draw_s = 0.0  # seconds spent in the frames' `draw` on the writer's thread
        self._aborted = False
        self._thread = threading.Thread(target=self._run, name="formcheck-encoder", daemon=True)
        self._thread.start()
        self._closed = False

    def _run(self) -> None:
        background_priority()
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            for image, pts, draw in item.frames if isinstance(item, _Batch) else (item,):
                self._encode(image, pts, draw)

    def _encode(self, image, pts: int, draw: Callable | None) -> None:
        """Draw (if asked) and encode one frame; the first error is kept for the caller (`write`,
        `close`), and later frames are drained unencoded so the caller never blocks."""
        if self._error is not None or self._aborted:
            return
        w, h = self._size
        t0 = time.perf_counter()
        try:
            if draw is not None:
                image = draw(image)
                t1 = time.perf_counter()
                self.draw_s += t1 - t0
                t0 = t1
            frame = av.VideoFrame.from_ndarray(_rgb_to_i420(image[:h, :w]), format="yuv420p")
            frame.pts, frame.time_base = pts, OUTPUT_TIME_BASE
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except Exception as exc:  # reported on the next write/close
            self._error = exc
        self.encode_s += time.perf_counter() - t0

    def _pts(self, t_ms: float | None) -> int:
        t_s = self._frames / self._fps if t_ms is None else t_ms / 1000.0
        pts = max(int(round(t_s / OUTPUT_TIME_BASE)), self._last_pts + 1)
        self._last_pts = pts
        self._frames += 1
        return pts

    def write(self, image_rgb: np.ndarray, t_ms: float | None = None,
              draw: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        """Queue one frame, shown at t_ms (from the first frame); None: the next frame at the nominal rate.
        draw: called on the writer's thread with the picture, returns the picture to encode (it
        must not depend on anything the caller changes after this call)."""
        if self._error is not None:
            raise FormcheckError(f"cannot write {self.path.name}: {_one_line(self._error)}")
        self._queue.put((image_rgb, self._pts(t_ms), draw))

    def write_batch(self, frames: "list[tuple[object, float | None, Callable[[object], np.ndarray]]]") -> None:
        """Queue several frames as one item (image-like, t_ms, draw): each `draw` makes the picture
        to encode from its image-like (e.g. a compressed picture), on the writer's thread. A batch
        takes one place in the queue, so a backlog of small items never blocks the caller."""
        if self._error is not None:
            raise FormcheckError(f"cannot write {self.path.name}: {_one_line(self._error)}")
        self._queue.put(_Batch([(image, self._pts(t_ms), draw) for image, t_ms, draw in frames]))

    def _finish_thread(self) -> None:
        self._queue.put(_STOP)
        self._thread.join()

    def close(self, partial: bool = False) -> Path | None:
        """Finish the file. `partial=True` (input cut short, run stopped) keeps the `.partial` name,
        and only when that file plays; an earlier complete file of this name is removed, since
        it is no longer this run's result. None when no playable partial video was left."""
        if self._closed:
            return self.path
        self._closed = True
        self._finish_thread()
        try:
            if self._error is None:
                t0 = time.perf_counter()
                for packet in self._stream.encode():
                    self._container.mux(packet)
                self.encode_s += time.perf_counter() - t0
        except Exception as exc:
            self._error = exc
        finally:
            try:
                self._container.close()
            except Exception as exc:  # the index could not be written (disk full)
                self._error = self._error or exc
        if self._error is not None:
            self._tmp.unlink(missing_ok=True)
            raise FormcheckError(f"cannot write {self.path}: {_one_line(self._error)}")
        if not partial:
            os.replace(self._tmp, self.path)
            return self.path
        if self._frames == 0 or not plays(self._tmp):
            self._tmp.unlink(missing_ok=True)
            return None
        self.path.unlink(missing_ok=True)
        self.path = self._tmp
        return self.path

    def abort(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._aborted = True  # frames still queued are dropped, not drawn and encoded
        self._finish_thread()
        try:
            self._container.close()
        except Exception:
            pass
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


# ---- live capture: a camera, or a clip served as if it were one ------------------------------
# `formcheck live` reads frames one at a time from a `LiveSource`: `read()` gives the next
# `LiveFrame`, None when a clip has ended, and raises `CameraError` when a camera is
# missing, busy or unplugged. `captured_s` is time.monotonic() when the frame came off the
# device (or was served), the start of the capture-to-overlay latency.


class CameraError(FormcheckError):
    """The camera is missing, busy, or stopped sending pictures."""


@dataclass(frozen=True)
class LiveFrame(Frame):
    captured_s: float = 0.0  # time.monotonic() when the frame was captured / served


def _fit_within(img: np.ndarray, size_wh: tuple[int, int] | None) -> np.ndarray:
    """Scale down (never up) to fit inside size_wh, keeping the aspect ratio."""
    if size_wh is None:
        return img
    import cv2
    h, w = img.shape[:2]
    scale = min(size_wh[0] / w, size_wh[1] / h)
    if scale >= 1.0:
        return img
    return cv2.resize(img, (max(2, round(w * scale)), max(2, round(h * scale))), interpolation=cv2.INTER_AREA)


class CameraSource:
    """A webcam through OpenCV. Timestamps: wall clock (monotonic) since the camera opened."""

    is_clip = False
    can_reconnect = True  # an unplugged camera may come back

    def __init__(self, index: int = 0, size_wh: tuple[int, int] = (640, 480)) -> None:
        import time

        import cv2
        self.index = index
        self._cv2, self._time = cv2, time
        if not os.environ.get("FORMCHECK_DEBUG"):  # OpenCV logs every backend it tries; we say it once
            cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            self._cap.release()
            raise CameraError(f"camera {index} not found, or another program is using it")
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, size_wh[0])
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size_wh[1])
        self._cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest picture, not a backlog
        self._size = size_wh
        self._t0 = time.monotonic()
        self._index = 0

    def read(self) -> LiveFrame:
        ok, bgr = self._cap.read()
        now = self._time.monotonic()
        if not ok or bgr is None:
            raise CameraError(f"camera {self.index} stopped sending pictures (unplugged?)")
        rgb = _fit_within(self._cv2.cvtColor(bgr, self._cv2.COLOR_BGR2RGB), self._size)
        frame = LiveFrame(self._index, (now - self._t0) * 1000.0, np.ascontiguousarray(rgb), now)
        self._index += 1
        return frame

    def close(self) -> None:
        self._cap.release()


class ClipCamera:
    """A recorded clip served like a camera: media timestamps, and (realtime=True) each frame
    handed out no sooner than its time comes, so a consumer that is too slow misses frames, as
    it would with a real camera. realtime=False serves frames as fast as they are asked for.
    """

    is_clip = True
    can_reconnect = False  # a damaged file stays damaged: opening it again would replay it from the start

    def __init__(self, path: str | os.PathLike, *, realtime: bool = True,
                 size_wh: tuple[int, int] | None = (640, 480), max_short_side_px: int | None = None,
                 max_fps: float | None = None) -> None:
        """size_wh: scale each picture down to fit (as a webcam's setting would); None: the clip's
        own size, or with max_short_side_px its short side at most that (decoded at that size,
        the way `formcheck analyze` feeds the model, so live reads the same pictures). max_fps:
        serve only every n-th frame of a faster clip (`frame_step`, as analyze's analysis rate)."""
        import time
        self._time = time
        self._video = open_video(path)
        self.info = self._video.info
        decode_wh = fit_short_side(self.info.wh, max_short_side_px) if size_wh is None else None
        self._frames = self._video.frames(decode_wh, step=frame_step(self.info.fps, max_fps))
        self.realtime = realtime
        self._size = size_wh
        self._t0: float | None = None

    def read(self) -> LiveFrame | None:
        try:
            f = next(self._frames)
        except StopIteration:
            return None
        except FormcheckError as exc:  # damaged midway: the clip ends here, like an unplugged camera
            raise CameraError(str(exc)) from exc
        now = self._time.monotonic()
        if self._t0 is None:
            self._t0 = now - f.t_ms / 1000.0
        if self.realtime:
            due = self._t0 + f.t_ms / 1000.0
            if due > now:
                self._time.sleep(due - now)
            now = self._time.monotonic()
        img = np.ascontiguousarray(_fit_within(f.image_rgb, self._size))
        return LiveFrame(f.index, f.t_ms, img, now)

    def gap_warnings(self) -> list[str]:
        """The damaged stretches skipped so far (as `formcheck analyze` notes them)."""
        return self._video.gap_warnings()

    def close(self) -> None:
        self._video.close()
