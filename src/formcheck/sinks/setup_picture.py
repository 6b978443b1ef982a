"""Stateless drawing of a camera-setup picture: where the phone goes and what it must see.

Left, "What the phone sees": a recorded pose (a sample clip's landmarks) inside the phone's frame,
with the box that must stay in the picture. Right, "Where the phone goes", seen from above: the
person, the way they face, and the phone at the clip camera's own angle and distance. Drawn from the
project's own data by `tools/draw_setup_pictures.py`; the PNGs ship in `formcheck/data/setup/`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.pose.types import PoseSample
from formcheck.sinks.overlay import BONE, draw_skeleton, glyphs

W, H = 640, 300  # the picture: small enough for a phone's width, ~20 KB as PNG
PANEL_W = 380  # the phone's view on the left; the top-down plan on the right
INK = (40, 40, 40)
PAPER = (255, 255, 255)
FRAME = (70, 70, 70)
KEEP = (22, 163, 74)  # the box that must stay in view
PHONE = (37, 99, 235)
FONT = cv2.FONT_HERSHEY_SIMPLEX
# The box is the body's landmarks plus this share of its height on every side: the model needs
# a little space round the feet and head (and MediaPipe's heel and toe sit above the sole).
KEEP_MARGIN = 0.08


@dataclass(frozen=True)
class Placement:
    """Where the clip's camera stood, from its truth file."""

    azimuth_deg: float  # 0: in front of the person, 90: side-on
    distance_m: float
    height_m: float
    view: str  # 'front', 'oblique' or 'side'


def _text(img, text: str, org, scale: float = 0.5, color=INK, thick: int = 1) -> None:
    cv2.putText(img, glyphs(text), org, FONT, scale, color, thick, cv2.LINE_AA)  # a round 0, not a slashed one


def _dashed_rect(img, p0, p1, color, thick=2, dash=8) -> None:
    (x0, y0), (x1, y1) = p0, p1
    for a, b in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        n = max(1, int(math.hypot(b[0] - a[0], b[1] - a[1]) // dash))
        for i in range(0, n, 2):
            s = (int(a[0] + (b[0] - a[0]) * i / n), int(a[1] + (b[1] - a[1]) * i / n))
            e = (int(a[0] + (b[0] - a[0]) * min(n, i + 1) / n), int(a[1] + (b[1] - a[1]) * min(n, i + 1) / n))
            cv2.line(img, s, e, color, thick, cv2.LINE_AA)


def _phone_icon(img, centre, angle_deg: float, size: int = 26) -> None:
    """A phone seen from above: a rounded slab with its lens side towards `angle_deg` (0 = up)."""
    cx, cy = centre
    a = math.radians(angle_deg)
    along = np.array([math.sin(a), -math.cos(a)])  # where the lens looks
    across = np.array([along[1], -along[0]])
    half_w, half_d = size / 2, size / 7
    corners = [np.array([cx, cy]) + across * sx * half_w + along * sy * half_d for sx, sy in
               ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    cv2.fillPoly(img, [np.array(corners, np.int32)], PHONE, cv2.LINE_AA)
    lens = np.array([cx, cy]) + along * (half_d + 4)
    cv2.circle(img, (int(lens[0]), int(lens[1])), 3, PHONE, -1, cv2.LINE_AA)


def draw_setup_picture(pose: PoseSample, placement: Placement, title: str) -> np.ndarray:
    """The setup picture (H x W x 3, RGB) for one exercise."""
    img = np.full((H, W, 3), PAPER, np.uint8)
    # ---- left: what the phone sees ----
    _text(img, f"{title}: what the phone sees", (16, 24), 0.55, INK, 1)
    iw, ih = pose.image_wh
    box_w = PANEL_W - 40
    box_h = int(box_w * ih / iw)
    if box_h > H - 56:
        box_h = H - 56
        box_w = int(box_h * iw / ih)
    x0, y0 = 20, 38
    scale = box_w / iw
    cv2.rectangle(img, (x0 - 6, y0 - 6), (x0 + box_w + 6, y0 + box_h + 6), FRAME, 6, cv2.LINE_AA)  # the phone
    view = np.full((box_h, box_w, 3), (236, 240, 244), np.uint8)
    draw_skeleton(view, pose, xy_scale=scale)
    img[y0:y0 + box_h, x0:x0 + box_w] = view
    seen = pose.visibility >= 0.5
    pts = pose.xy_px[seen] * scale
    if len(pts):
        (bx0, by0), (bx1, by1) = pts.min(axis=0), pts.max(axis=0)
        if seen[0]:  # a head at the nose, so the figure reads as a person
            nose = pose.xy_px[0] * scale + np.array([x0, y0])
            cv2.circle(img, (int(nose[0]), int(nose[1])), max(4, int(0.06 * max(by1 - by0, bx1 - bx0))), BONE, -1, cv2.LINE_AA)
        m = KEEP_MARGIN * max(by1 - by0, 1.0)
        p0 = (int(max(0, bx0 - m)) + x0, int(max(0, by0 - m)) + y0)
        p1 = (int(min(box_w - 1, bx1 + m)) + x0, int(min(box_h - 1, by1 + m)) + y0)
        _dashed_rect(img, p0, p1, KEEP, 2)
        _text(img, "head to feet in view", (p0[0] + 4, max(y0 + 14, p0[1] - 6) if p0[1] - y0 > 20 else p1[1] - 6),
              0.45, KEEP, 1)
    # ---- right: where the phone goes, from above ----
    rx = PANEL_W + 20
    _text(img, "Where the phone goes", (rx, 24), 0.55, INK, 1)
    _text(img, "(seen from above)", (rx, 42), 0.42, FRAME, 1)
    person = np.array([rx + 100, 95])
    cv2.circle(img, tuple(int(v) for v in person), 16, BONE, -1, cv2.LINE_AA)
    # the person faces the front (down the page); the phone sits `azimuth` round from the front
    face = person + np.array([0, 30])
    cv2.arrowedLine(img, tuple(int(v) for v in person), tuple(int(v) for v in face), INK, 2, cv2.LINE_AA,
                    tipLength=0.35)
    a = math.radians(placement.azimuth_deg)
    reach = 100  # drawn distance, not to scale (the words give the metres)
    phone = person + reach * np.array([math.sin(a), math.cos(a)])
    cv2.line(img, tuple(int(v) for v in person), tuple(int(v) for v in phone), (180, 180, 180), 1, cv2.LINE_AA)
    look = math.degrees(math.atan2(person[0] - phone[0], -(person[1] - phone[1])))
    _phone_icon(img, tuple(int(v) for v in phone), look)
    _text(img, "you", (int(person[0]) - 40, int(person[1]) - 14), 0.45, INK, 1)
    _text(img, "phone", (int(phone[0]) - 22, int(phone[1]) + 26), 0.45, PHONE, 1)
    words = [f"{placement.view} view: {placement.azimuth_deg:.0f} deg from the front",
             f"about {placement.distance_m:.1f} m away, lens {placement.height_m:.1f} m up",
             "whole body in the picture, feet included"]
    for i, line in enumerate(words):
        _text(img, line, (rx - 12, 240 + 20 * i), 0.42, INK, 1)
    return img


def encode_png(img_rgb: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", cv2.cvtColor(img_rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return buf.tobytes()
