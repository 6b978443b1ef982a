"""Bout timer, debounce, recent range and milestones on exact synthetic timelines."""
import numpy as np
import pytest

from formcheck.signals.timing import BoutTimer, Debounce, RecentRange, milestones_crossed


def run(timer, states, fps=10.0):
    out = []
    for i, st in enumerate(states):
        out.append(timer.update(i / fps, st))
    return out


def test_bout_time_bridges_short_gaps_and_splits_long_ones():
    # 0-5 s holding, 0.5 s unseen, 5.5-8 s holding, 2 s out, 10-12 s holding (10 fps)
    states = ["h"] * 51 + [None] * 4 + ["h"] * 26 + [None] * 19 + ["h"] * 21
    t = BoutTimer(grace_s=1.0)
    run(t, states)
    t.close()
    assert [round(b.held_s, 3) for b in t.bouts] == [8.0, 2.0]
    assert t.total_s("h") == pytest.approx(10.0)
    assert t.longest_s() == pytest.approx(8.0)


def test_state_change_starts_a_new_bout():
    t = BoutTimer(grace_s=1.0)
    ev = run(t, ["left"] * 11 + ["right"] * 11)
    ended, started = ev[11]
    assert ended.state == "left" and started.state == "right"
    assert t.totals_s == pytest.approx({"left": 1.0, "right": 1.0})


def test_debounce_ignores_flicker():
    d = Debounce(hold_s=1.0)
    changes = [d.update(i / 10, r) for i, r in enumerate(["a"] * 10 + ["b"] * 5 + ["a"] * 5 + ["b"] * 11)]
    assert d.value == "b" and sum(changes) == 2  # first value, then one real switch
    assert d.since_s == pytest.approx(2.0)


def test_recent_range():
    r = RecentRange(window_s=1.0)
    vals = [r.update(i / 10, np.array([i * 0.1, 0.0])) for i in range(30)]
    assert vals[0] is None and vals[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("before, now, every, marks", [
    (9.9, 10.0, 10, [10]), (10.0, 10.1, 10, []),
    # a sum of frame times lands a hair under the mark: it counts once, on that frame
    (19.96, 19.99999999999, 10, [20]), (19.99999999999, 20.03, 10, []),
    (0.0, 0.0, 10, []), (5, 35, 10, [10, 20, 30]),
])
def test_milestones(before, now, every, marks):
    assert milestones_crossed(before, now, every) == marks


@pytest.mark.parametrize("fps", [30.0, 3.75, 3.0])
def test_recent_range_sees_movement_when_frames_come_few_a_second(fps):
    """A slow computer's 3-4 frames a second still fill a 0.5 s window (they never did at 3.75 fps:
    no two frames 0.27 s apart spanned 80 % of it, so the ankle alphabet timed 0 s)."""
    r = RecentRange(window_s=0.5)
    t = np.arange(0.0, 3.0, 1.0 / fps)
    vals = [r.update(float(ti), np.array([np.sin(2 * np.pi * ti), 0.0])) for ti in t]
    seen = [v for v in vals[len(vals) // 2:] if v is not None]
    assert len(seen) == len(vals) - len(vals) // 2  # a reading on every frame once a window has passed
    assert min(seen) > 0.3  # a 1 Hz swing of amplitude 1 moves over 0.3 in any 0.5 s


def test_recent_range_forgets_a_point_from_before_a_long_gap():
    r = RecentRange(window_s=0.5)
    r.update(0.0, np.array([5.0]))
    assert r.update(2.0, np.array([0.0])) is None  # one point from 2 s ago is not a movement now
    assert r.update(2.5, np.array([0.1])) == pytest.approx(0.1)
