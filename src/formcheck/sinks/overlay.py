"""Stateless drawing: `annotate(frame_rgb, pose, state) -> frame_rgb` (skeleton, count, bar, cue)."""
from __future__ import annotations

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


def _text(img, text, org, scale, color=WHITE, thick=2):
    # Outline by shifted copies at the same thickness: Hershey glyph advances grow with the
    # stroke, so a thicker black copy would drift off the letters of a long line.
    x, y = org
    d = max(1, thick // 2 + 1)
    for dx, dy in ((-d, 0), (d, 0), (0, -d), (0, d), (-d, -d), (d, d), (-d, d), (d, -d)):
        cv2.putText(img, text, (x + dx, y + dy), FONT, scale, BLACK, thick, cv2.LINE_AA)
    cv2.putText(img, text, org, FONT, scale, color, thick, cv2.LINE_AA)


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

    # panel: big count (or hold time), title, status
    panel_w, panel_h = int(330 * s), int(170 * s)
    sub = img[0:panel_h, 0:panel_w]
    img[0:panel_h, 0:panel_w] = (sub * 0.45).astype(np.uint8)
    if state.hold_s is not None and state.rep_count == 0:
        big = f"{int(state.hold_s)} s"
    else:
        big = str(state.rep_count)
    _text(img, big, (int(16 * s), int(100 * s)), 3.0 * s, GREEN, max(2, int(6 * s)))
    _text(img, "reps" if state.hold_s is None or state.rep_count else "held",
          (int(16 * s) + int(len(big) * 66 * s) + int(10 * s), int(100 * s)), 0.9 * s, WHITE, max(1, int(2 * s)))
    _text(img, state.title, (int(16 * s), int(135 * s)), 0.75 * s, WHITE, max(1, int(2 * s)))
    _text(img, state.status, (int(16 * s), int(160 * s)), 0.6 * s, AMBER, max(1, int(2 * s)))
    for i, line in enumerate(extra_lines):
        _text(img, line, (int(16 * s), int((190 + 26 * i) * s)), 0.6 * s, WHITE, max(1, int(2 * s)))

    # live bar against the person's best
    if state.bar_label:
        x0, y0, bw, bh = w - int(70 * s), int(40 * s), int(36 * s), int(260 * s)
        cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), WHITE, max(1, int(2 * s)))
        top = state.bar_best if state.bar_best and state.bar_best > 0 else None
        scale_max = (top * 1.25) if top else 10.0
        if state.bar_value is not None:
            frac = float(np.clip(state.bar_value / scale_max, 0, 1))
            cv2.rectangle(img, (x0 + 3, y0 + bh - int(frac * bh)), (x0 + bw - 3, y0 + bh - 3), GREEN, -1)
        if top:
            yb = y0 + bh - int(top / scale_max * bh)
            cv2.line(img, (x0 - int(10 * s), yb), (x0 + bw + int(6 * s), yb), AMBER, max(2, int(3 * s)))
            _text(img, "best", (x0 - int(80 * s), yb + int(8 * s)), 0.6 * s, AMBER, max(1, int(2 * s)))
        label = state.bar_label
        if state.bar_value is not None:
            label += f" {state.bar_value:.0f} {state.bar_unit}".rstrip()
        (tw, _), _ = cv2.getTextSize(label, FONT, 0.6 * s, max(1, int(2 * s)))
        _text(img, label, (max(0, x0 + bw - tw), y0 + bh + int(28 * s)), 0.6 * s, WHITE, max(1, int(2 * s)))

    # latest correction, big, at the bottom
    if state.latest_cue:
        band = int(64 * s)
        img[h - band:h] = (img[h - band:h] * 0.35).astype(np.uint8)
        scale = 1.0 * s
        (tw, _), _ = cv2.getTextSize(state.latest_cue, FONT, scale, max(2, int(2 * s)))
        if tw > w - 20:
            scale *= (w - 20) / tw
            tw = w - 20
        _text(img, state.latest_cue, ((w - tw) // 2, h - int(22 * s)), scale, AMBER, max(2, int(2 * s)))
    return img
