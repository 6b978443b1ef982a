"""RepCounter on long synthetic per-frame sequences (the supervision line-counter style)."""
import math

import numpy as np
import pytest

from formcheck.signals.counting import Ema, RepCounter, RepCounterConfig

FPS = 30.0


def reps_signal(peaks, *, rest_s=1.0, up_s=0.6, top_s=0.4, down_s=0.6, lows=None, noise=0.0, seed=0):
    """Baseline 0, one raised-cosine rep per peak height; `lows[i]` is where rep i comes down to."""
    lows = lows or [0.0] * len(peaks)
    x, level = [], 0.0
    def seg(duration, a, b):
        n = max(1, int(round(duration * FPS)))
        for k in range(n):
            u = (k + 1) / n
            x.append(a + (b - a) * (1 - math.cos(math.pi * u)) / 2)
    seg(rest_s, 0, 0)
    for p, lo in zip(peaks, lows):
        seg(up_s, level, p); seg(top_s, p, p); seg(down_s, p, lo); level = lo
        seg(rest_s if lo == 0 else 0.2, lo, lo)
    seg(rest_s, level, 0) if level else None
    seg(rest_s, 0, 0)
    x = np.array(x) + np.random.default_rng(seed).uniform(-noise, noise, len(x))  # jitter of peak-to-peak 2*noise
    return np.arange(len(x)) / FPS, x


def count(t, x, cfg=RepCounterConfig(min_swing=0.05)):
    c = RepCounter(cfg)
    segs = [s for ti, xi in zip(t, x) if (s := c.update(ti, None if xi is None else float(xi)))]
    if (s := c.finish()):
        segs.append(s)
    return segs


@pytest.mark.parametrize("peaks, expected", [
    ([1, 1, 1], 3),
    ([1, 0.5, 1, 1], 4),  # a low rep still counts
    ([0.03, 0.03], 0),  # below the absolute floor: jitter, never a rep
    ([], 0),
])
def test_counts(peaks, expected):
    t, x = reps_signal(peaks)
    assert len(count(t, x)) == expected


def test_noise_below_floor_never_counts():
    t, x = reps_signal([1, 1, 1], noise=0.02, seed=3)
    assert len(count(t, x)) == 3
    t, x = reps_signal([], rest_s=20, noise=0.02, seed=4)
    assert count(t, x) == []


def test_wobble_while_lowering_is_one_rep():
    t, x = reps_signal([1, 1])
    x = x.copy()
    # a dip and a partial recovery on the way down of rep 1 (single-leg calf-raise trap)
    i = int((1.0 + 0.6 + 0.4 + 0.3) * FPS)
    x[i:i + 6] -= 0.2
    assert len(count(t, x)) == 2


def test_incomplete_lowering_counts_each_rep_and_is_flagged():
    t, x = reps_signal([1, 1, 1], lows=[0.0, 0.4, 0.0])
    segs = count(t, x)
    assert len(segs) == 3
    assert [s.lowered_fully for s in segs] == [True, False, True]


def test_rep_times_are_where_the_rep_happens():
    t, x = reps_signal([1])
    (s,) = count(t, x)
    assert 0.9 <= s.start_t_s <= 1.2
    assert 1.5 <= s.peak_t_s <= 2.0
    assert 2.2 <= s.end_t_s <= 2.7


def test_long_gap_drops_rep_in_progress_short_gap_holds():
    t, x = reps_signal([1, 1])
    x = list(x)
    i0 = int(1.3 * FPS)
    short = x.copy(); short[i0:i0 + 5] = [None] * 5  # 0.17 s hidden
    assert len(count(t, short)) == 2
    long = x.copy(); long[i0:i0 + 40] = [None] * 40  # 1.3 s hidden, across the top of rep 1
    assert len(count(t, long)) == 1


def test_ema_time_constant_and_gap():
    e = Ema(tau_s=0.1)
    assert e.update(0.0, 0.0) == 0.0
    v = e.update(0.1, 1.0)
    assert v == pytest.approx(1 - math.exp(-1))
    assert e.update(0.2, None) is None and e.value == v
