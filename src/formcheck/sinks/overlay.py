"""Stateless drawing: `annotate(frame_rgb, pose, state) -> frame_rgb` (skeleton, count, bar, cue)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.checkers.base import LiveState
from formcheck.pose.landmarks import SKELETON
from formcheck.pose.types import MIN_VISIBILITY, PoseSample

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GREEN = (60, 220, 120)
AMBER = (255, 190, 40)
BONE = (80, 200, 255)
FONT = cv2.FONT_HERSHEY_SIMPLEX
# No letter smaller than this (the height of a capital): ~8 px text on a phone-sized picture
# cannot be read at arm's length, let alone from the mat.
MIN_TEXT_PX = 14
_TEXT_PX_AT_1 = cv2.getTextSize("H", FONT, 1.0, 1)[0][1]  # this OpenCV's letter height at scale 1
# The bar's top, per unit: a fixed scale, so the bar never changes size mid-set (it was scaled to
# 1.25 x the best rep, so it jumped after the first rep). A strong calf raise lifts the heel
# ~8 cm; the deepest leg-press bend is ~100 degrees; percent runs to 100.
BAR_FULL = {"cm": 10.0, "°": 120.0, "%": 100.0}
BAR_FULL_OTHER = 10.0


def readable(scale: float) -> float:
    """A font scale no smaller than MIN_TEXT_PX letters."""
    return max(scale, MIN_TEXT_PX / _TEXT_PX_AT_1)


def text_px(scale: float) -> int:
    """The letter height drawn at this font scale."""
    return int(round(scale * _TEXT_PX_AT_1))


def glyphs(text: str) -> str:
    """What is drawn for `text`: OpenCV's zero carries a slash and reads as "Ø" (a letter in
    Danish and Norwegian), so every 0 is drawn as the round capital O."""
    return text.replace("0", "O")


def _outlined(img, text, org, scale, color, thick) -> None:
    # Outline by shifted copies at the same thickness: Hershey glyph advances grow with the
    # stroke, so a thicker black copy would drift off the letters of a long line.
    x, y = org
    d = _outline_px(thick)
    for dx, dy in ((-d, 0), (d, 0), (0, -d), (0, d), (-d, -d), (d, d), (-d, d), (d, -d)):
        cv2.putText(img, text, (x + dx, y + dy), FONT, scale, BLACK, thick, cv2.LINE_AA)
    cv2.putText(img, text, org, FONT, scale, color, thick, cv2.LINE_AA)


def _outline_px(thick: int) -> int:
    return max(1, thick // 2 + 1)


# Outlined text costs 9 anti-aliased putText calls; the same words are drawn on frame after frame
# (the count, the title, the status change a few times a set), so each is drawn once into a stamp
# and blended after. Measured on the 2-core machine, a 720p frame with a calf raise's panel, bar
# and cue: `annotate` 1.8-2.2 ms before, 1.0-1.1 ms with stamps. The stamps last used are kept up
# to this many bytes (a cue across a 720p picture is ~0.4 MB, across a 4K one ~3.4 MB):
STAMP_BYTES_KEPT = 16 * 2**20


@dataclass(frozen=True)
class _Stamp:
    """Outlined text drawn once: `ink` is what it leaves on black and `keep` how much of the picture
    under it stays (0-255); every drawing call is a blend, so drawing it on any picture is
    picture * keep / 255 + ink (the same pixels within OpenCV's per-call rounding)."""

    ink: np.ndarray  # HxWx3 uint8
    keep: np.ndarray  # HxWx3 uint16, keep + 1 (x * (keep + 1) >> 8 is x * keep / 255 within one level)
    left: int  # the text origin's offset inside the stamp
    top: int


class _Stamps:
    """The stamps last used, up to STAMP_BYTES_KEPT (shared by the threads that draw)."""

    def __init__(self, max_bytes: int = STAMP_BYTES_KEPT) -> None:
        self._kept: OrderedDict[tuple, _Stamp] = OrderedDict()
        self._bytes, self._max = 0, max_bytes
        self._lock = threading.Lock()

    def get(self, text: str, scale: float, color: tuple[int, int, int], thick: int) -> _Stamp:
        key = (text, scale, color, thick)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        st = _make_stamp(text, scale, color, thick)
        size = st.ink.nbytes + st.keep.nbytes
        with self._lock:
            if key in self._kept:  # another thread drew it meanwhile: keep that one, count it once
                return self._kept[key]
            self._kept[key] = st
            self._bytes += size
            while self._bytes > self._max and len(self._kept) > 1:
                _, old = self._kept.popitem(last=False)
                self._bytes -= old.ink.nbytes + old.keep.nbytes
        return st

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0


def _make_stamp(text: str, scale: float, color: tuple[int, int, int], thick: int) -> _Stamp:
    (tw, th), base = cv2.getTextSize(text, FONT, scale, thick)
    pad = _outline_px(thick) + thick + 2  # the outline's shift, the stroke and the anti-aliasing
    h, w = th + base + 2 * pad, tw + 2 * pad
    org = (pad, pad + th)
    black, white = np.zeros((h, w, 3), np.uint8), np.full((h, w, 3), 255, np.uint8)
    _outlined(black, text, org, scale, color, thick)
    _outlined(white, text, org, scale, color, thick)
    return _Stamp(black, white.astype(np.uint16) - black + 1, pad, pad + th)


_STAMPS = _Stamps()


def _text(img, text, org, scale, color=WHITE, thick=2):
    """Outlined text (readable on any picture) with its baseline's left end at org."""
    st = _STAMPS.get(glyphs(text), readable(scale), tuple(int(c) for c in color), int(thick))
    x0, y0 = org[0] - st.left, org[1] - st.top
    h, w = st.ink.shape[:2]
    ix0, iy0, ix1, iy1 = max(0, x0), max(0, y0), min(img.shape[1], x0 + w), min(img.shape[0], y0 + h)
    if ix0 >= ix1 or iy0 >= iy1:
        return
    sl = (slice(iy0 - y0, iy1 - y0), slice(ix0 - x0, ix1 - x0))
    roi = img[iy0:iy1, ix0:ix1]
    roi[:] = ((roi * st.keep[sl]) >> 8) + st.ink[sl]


def draw_skeleton(img: np.ndarray, pose: PoseSample, min_visibility: float = MIN_VISIBILITY,
                  xy_scale: float = 1.0) -> None:
    h = img.shape[0]
    r = max(2, h // 160)
    pts = pose.xy_px * xy_scale
    seen = pose.visibility >= min_visibility
    for a, b in SKELETON:
        if seen[a] and seen[b]:
            cv2.line(img, tuple(int(v) for v in pts[a]), tuple(int(v) for v in pts[b]), BONE,
                     max(2, h // 240), cv2.LINE_AA)
    for i in range(11, 33):
        if seen[i]:
            cv2.circle(img, tuple(int(v) for v in pts[i]), r, WHITE, -1, cv2.LINE_AA)


def annotate(frame_rgb: np.ndarray, pose: PoseSample | None, state: LiveState,
             extra_lines: tuple[str, ...] = (), *, xy_scale: float = 1.0) -> np.ndarray:
    """Return a copy of the frame with the skeleton, rep count, live bar and latest correction.

    xy_scale: picture pixels per landmark pixel, when the frame is drawn smaller than the clip
    the landmarks were measured in.
    """
    img = frame_rgb.copy()
    h, w = img.shape[:2]
    s = max(h / 720.0, 0.8)  # scale with the picture; small pictures keep readable text
    if pose is not None:
        draw_skeleton(img, pose, xy_scale=xy_scale)
    if state.trace_xy_px:
        path = (np.array(state.trace_xy_px, float) * xy_scale).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(img, [path], False, AMBER, max(2, int(3 * s)), cv2.LINE_AA)

    # panel: big count (or hold time), title, status, the session's lines
    small = readable(0.6 * s)
    gap = int(text_px(small) * 0.6) + 2
    big_scale = 3.0 * s
    if state.hold_s is not None and state.rep_count == 0:
        big = f"{int(state.hold_s)} s"
    else:
        big = str(state.rep_count)
    big_thick = max(2, int(6 * s))
    x = int(16 * s)
    y = int(16 * s) + text_px(big_scale)
    rows = [(state.title, readable(0.75 * s), WHITE), (state.status, small, AMBER),
            *((line, small, WHITE) for line in extra_lines)]
    rows = [r for r in rows if r[0]]
    panel_h = y + sum(text_px(sc) + gap for _, sc, _ in rows) + gap
    widths = [cv2.getTextSize(glyphs(t), FONT, readable(sc), max(1, int(2 * s)))[0][0] for t, sc, _ in rows]
    (big_w, _), _ = cv2.getTextSize(glyphs(big), FONT, big_scale, big_thick)
    unit_scale = readable(0.9 * s)
    unit = ("rep" if state.rep_count == 1 else "reps") if state.hold_s is None or state.rep_count else "held"
    unit_x = x + big_w + int(10 * s)
    (unit_w, _), _ = cv2.getTextSize(unit, FONT, unit_scale, max(1, int(2 * s)))
    panel_w = min(w, max([int(330 * s), unit_x + unit_w] + [x + tw for tw in widths]) + x)
    panel_h = min(h, panel_h)
    cv2.convertScaleAbs(img[0:panel_h, 0:panel_w], img[0:panel_h, 0:panel_w], 0.45)
    _text(img, big, (x, y), big_scale, GREEN, big_thick)
    _text(img, unit, (unit_x, y), unit_scale, WHITE, max(1, int(2 * s)))
    for text, scale, color in rows:
        y += gap + text_px(scale)
        _text(img, text, (x, y), scale, color, max(1, int(2 * s)))

    # latest correction, big, at the bottom (a long one wraps onto a second line, never shrinks
    # below MIN_TEXT_PX); its band is laid out first so the bar stays above it
    cue_band = 0
    if state.latest_cue:
        cue_scale, cue_thick = readable(1.0 * s), max(2, int(2 * s))
        cue_lines = _wrap(glyphs(state.latest_cue), cue_scale, cue_thick, w - 20)
        cue_line_h = text_px(cue_scale) + gap
        cue_band = len(cue_lines) * cue_line_h + gap + int(8 * s)
        cv2.convertScaleAbs(img[h - cue_band:h], img[h - cue_band:h], 0.35)

    # live bar against the person's best, on a fixed scale
    if state.bar_label:
        x0, y0, bw, bh = w - int(70 * s), int(40 * s), int(36 * s), int(260 * s)
        bh = max(int(40 * s), min(bh, h - cue_band - y0 - text_px(small) - 3 * gap))
        cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), WHITE, max(1, int(2 * s)))
        full = BAR_FULL.get(state.bar_unit, BAR_FULL_OTHER)
        top = state.bar_best if state.bar_best and state.bar_best > 0 else None
        if state.bar_value is not None:
            frac = float(np.clip(state.bar_value / full, 0, 1))
            cv2.rectangle(img, (x0 + 3, y0 + bh - int(frac * bh)), (x0 + bw - 3, y0 + bh - 3), GREEN, -1)
        if top:
            yb = y0 + bh - int(min(1.0, top / full) * bh)
            cv2.line(img, (x0 - int(10 * s), yb), (x0 + bw + int(6 * s), yb), AMBER, max(2, int(3 * s)))
            (bw_txt, _), _ = cv2.getTextSize("best", FONT, small, max(1, int(2 * s)))
            _text(img, "best", (x0 - int(14 * s) - bw_txt, yb + text_px(small) // 2), small, AMBER,
                  max(1, int(2 * s)))
        label = state.bar_label
        if state.bar_value is not None:
            label += f" {state.bar_value:.0f} {state.bar_unit}".rstrip()
        (tw, _), _ = cv2.getTextSize(glyphs(label), FONT, small, max(1, int(2 * s)))
        _text(img, label, (max(0, min(w - tw - 4, x0 + bw - tw)), y0 + bh + gap + text_px(small)), small, WHITE,
              max(1, int(2 * s)))

    if state.latest_cue:
        for i, line in enumerate(cue_lines):
            (tw, _), _ = cv2.getTextSize(line, FONT, cue_scale, cue_thick)
            yb = h - cue_band + gap + int(4 * s) + (i + 1) * cue_line_h - gap
            _text(img, line, (max(4, (w - tw) // 2), yb), cue_scale, AMBER, cue_thick)
    return img


def _wrap(text: str, scale: float, thick: int, max_w: int) -> list[str]:
    """Words split into lines no wider than max_w (a single long word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and cv2.getTextSize(trial, FONT, scale, thick)[0][0] <= max_w:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines or [""]
