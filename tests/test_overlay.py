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
