"""The overlay is stateless and draws what the state says, never on landmarks the model did not see."""
import numpy as np

from formcheck.checkers.base import LiveState
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.sinks.overlay import annotate
from formcheck.pose.types import PoseSample


def pose(visible=True):
    xy = np.zeros((33, 2))
    xy[:, 0], xy[:, 1] = 320, np.linspace(100, 400, 33)
    xy[L.LEFT_KNEE] = (200, 300)
    xy[L.LEFT_ANKLE] = (200, 420)
    vis = np.full(33, 0.9 if visible else 0.1)
    return PoseSample(0.0, xy, vis, np.zeros((33, 3)), (640, 480))


def state(**kw):
    return LiveState("calf_raise", "Floor calf raise", **kw)


def test_input_untouched_and_same_shape():
    img = np.full((480, 640, 3), 100, np.uint8)
    out = annotate(img, pose(), state(rep_count=3))
    assert out.shape == img.shape and out.dtype == np.uint8
    assert (img == 100).all()
    assert annotate(img, pose(), state(rep_count=3)).tobytes() == out.tobytes()  # same input, same picture


def test_skeleton_only_where_seen():
    img = np.zeros((480, 640, 3), np.uint8)
    shin = (slice(330, 390), slice(196, 205))  # on the knee-ankle bone, away from the panels
    assert annotate(img, pose(True), state())[shin].any()
    assert not annotate(img, pose(False), state())[shin].any()


def test_correction_banner_and_bar_follow_the_state():
    img = np.zeros((480, 640, 3), np.uint8)
    plain = annotate(img, None, state())
    with_cue = annotate(img, None, state(latest_cue="Keep your knees straight"))
    assert not plain[440:480].any() and with_cue[440:480].any()
    low = annotate(img, None, state(bar_label="Heel height", bar_value=1.0, bar_best=8.0, bar_unit="cm"))
    high = annotate(img, None, state(bar_label="Heel height", bar_value=8.0, bar_best=8.0, bar_unit="cm"))
    green = lambda a: int(((a[..., 1] > 200) & (a[..., 0] < 100)).sum())  # noqa: E731
    assert green(high) > 3 * green(low)


def _green(a):
    return (a[..., 1] > 200) & (a[..., 0] < 100) & (a[..., 2] > 90)


def test_the_bar_keeps_one_scale_whatever_the_best():
    """The same heel height fills the same bar, before the first rep and after a new best."""
    img = np.zeros((480, 640, 3), np.uint8)
    bar = (slice(0, 480), slice(560, 640))
    heights = []
    for best in (None, 6.0, 9.0):  # (the best line drawn elsewhere than the fill)
        out = annotate(img, None, state(bar_label="Heel height", bar_value=4.0, bar_best=best, bar_unit="cm"))
        heights.append(int(_green(out[bar]).any(axis=1).sum()))
    assert heights[0] > 20 and heights == [heights[0]] * 3


def test_a_zero_is_round_not_slashed():
    """OpenCV draws 0 with a slash (reads as the letter Ø): the count's zero has an empty middle."""
    img = np.full((480, 640, 3), 120, np.uint8)
    out = annotate(img, None, state(rep_count=0))
    ys, xs = np.nonzero(_green(out[:160, :200]))
    assert len(ys) > 100
    cy, cx = (ys.min() + ys.max()) // 2, (xs.min() + xs.max()) // 2
    assert not _green(out[cy - 3:cy + 4, cx - 3:cx + 4]).any()


def test_no_text_smaller_than_14_px_on_a_small_picture(monkeypatch):
    import cv2

    from formcheck.sinks import overlay
    drawn = []
    real = cv2.putText

    def spy(img, text, org, font, scale, *a, **kw):
        drawn.append((text, cv2.getTextSize(text, font, scale, 1)[0][1]))
        return real(img, text, org, font, scale, *a, **kw)
    monkeypatch.setattr(cv2, "putText", spy)
    overlay._STAMPS.clear()  # text drawn by earlier tests is blended from its stamp, not drawn again
    img = np.zeros((240, 426, 3), np.uint8)
    annotate(img, None, state(rep_count=3, status="Counting", bar_label="Heel height", bar_value=3.0, bar_best=5.0,
                              bar_unit="cm", latest_cue="Press all the way out: your knees stopped at 154°"),
             ("Set 1 of 3: 2 / 20",))
    texts = {t for t, _ in drawn}
    assert {"Floor calf raise", "Counting", "best", "Heel height 3 cm"} <= texts
    assert min(px for _, px in drawn) >= overlay.MIN_TEXT_PX, sorted(drawn, key=lambda d: d[1])[:3]


def test_text_blended_from_its_stamp_looks_as_if_drawn_on_the_picture():
    """Outlined text is drawn once into a stamp and blended after: on a busy picture, and cut by
    the picture's edges, it matches drawing the nine strokes on the picture itself."""
    from formcheck.sinks import overlay
    rng = np.random.default_rng(7)
    pic = rng.integers(0, 256, (120, 200, 3)).astype(np.uint8)
    for org in [(20, 60), (-15, 10), (150, 118)]:  # inside, off the top-left corner, off the bottom-right
        direct, stamped = pic.copy(), pic.copy()
        overlay._outlined(direct, "Rise O.8 cm", org, 0.9, overlay.AMBER, 2)
        overlay._text(stamped, "Rise 0.8 cm", org, 0.9, overlay.AMBER, 2)  # drawn with a round O
        diff = np.abs(direct.astype(int) - stamped)
        assert diff.max() <= 3 and diff.mean() < 0.1
        assert (direct != pic).any()  # the text was there to compare


def test_stamps_kept_stay_within_their_byte_budget():
    """A long session with ever-new words (a cue per rep, a bar figure per frame) keeps only the
    stamps last used, up to the budget: memory stays flat."""
    from formcheck.sinks import overlay
    stamps = overlay._Stamps(max_bytes=1_000_000)
    for i in range(300):
        st = stamps.get(f"Rise higher: {i} cm below your best", 1.0, overlay.AMBER, 2)
        assert st.ink.any()
        assert stamps._bytes <= 1_000_000 and stamps._bytes == sum(s.ink.nbytes + s.keep.nbytes
                                                                 for s in stamps._kept.values())
    assert 0 < len(stamps._kept) < 300
