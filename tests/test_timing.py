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
