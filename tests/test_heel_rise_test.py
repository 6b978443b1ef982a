"""The heel-rise test (run/heel_rise_test.py) on hand-made rep lists: every figure checked exactly."""
import json

import pytest

from formcheck.errors import FormcheckError
from formcheck.events import Rep
from formcheck.run.heel_rise_test import (END_HEIGHT, END_PACE, END_STOPPED, fatigue_pct, heel_rise_test,
                                          reps_from_dicts, result_words)


def reps(side, heights, *, every_s=2.0, rep_s=1.6, t0=0.0, gaps=None):
    """One rep per `every_s` (gaps: {rep index: extra seconds before it}), each `rep_s` long."""
    out, t = [], t0
    for i, h in enumerate(heights):
        t += (gaps or {}).get(i, 0.0)
        out.append(Rep(i + 1, t, t + rep_s / 2, t + rep_s, {"peak_height_cm": h}, side=side))
        t += every_s
    return out


def test_one_leg_on_the_beat_counts_every_rep_work_and_fatigue():
    result = heel_rise_test(reps("left", [10.0, 10.0, 10.0, 9.0, 9.0, 9.0, 8.0, 8.0, 8.0]), 70)
    leg = result.legs["left"]
    assert leg.reps == 9
    assert leg.heights_cm == (10.0, 10.0, 10.0, 9.0, 9.0, 9.0, 8.0, 8.0, 8.0)
    assert leg.work_j == pytest.approx(70 * 9.81 * 0.81)  # 81 cm in all
    assert leg.fatigue_pct == pytest.approx(20.0)  # last third 8 cm against first third 10 cm
    assert leg.end_reason == END_STOPPED
    assert leg.ended_s == pytest.approx(16.0 + 1.6)
    assert result.reps_symmetry_pct is None and result.work_symmetry_pct is None
    assert list(result.legs) == ["left"]


def test_two_missed_beats_in_a_row_end_the_test_and_do_not_count():
    # on the beat for 5 reps, then each rep 1.5 s late: over the 2 s beat + 1 s margin
    rs = reps("right", [8.0] * 8, gaps={5: 1.5, 6: 1.5, 7: 1.5})
    leg = heel_rise_test(rs, 60).legs["right"]
    # rep 6 tops 3.5 s after rep 5: the first missed beat; rep 7 too: the test ends (the late reps fail,
    # not the reps before the pause)
    assert leg.reps == 5
    assert leg.end_reason == END_PACE
    assert leg.ended_s == pytest.approx(4 * 2.0 + 1.6)
    assert [r.failed for r in leg.all_reps] == [None] * 5 + [END_PACE, END_PACE]
    assert leg.work_j == pytest.approx(60 * 9.81 * 0.40)


def test_one_late_rep_is_a_prompt_not_the_end():
    rs = reps("right", [8.0] * 6, gaps={3: 1.5})
    leg = heel_rise_test(rs, 60).legs["right"]
    assert [r.counted for r in leg.all_reps] == [True, True, True, False, True, True]  # the 4th came late
    assert leg.reps == 5 and leg.end_reason == END_STOPPED


def test_the_first_reps_start_does_not_set_the_pace():
    """A rep starts where the body began to move: shifting onto the test leg before the first rise put that
    a second early on a rendered head-on clip. The pace is read from the tops, so it costs no rep."""
    rs = reps("right", [8.0] * 4)
    early = rs[0]
    rs[0] = Rep(1, early.start_s - 1.2, early.peak_s, early.end_s, early.metrics, side="right")
    leg = heel_rise_test(rs, 60).legs["right"]
    assert leg.reps == 4 and leg.end_reason == END_STOPPED


def test_heels_under_half_the_first_reps_height_end_the_test():
    leg = heel_rise_test(reps("left", [10.0, 12.0, 11.0, 9.0, 5.4, 5.0, 4.0, 9.0]), 80).legs["left"]
    # the first three average 11 cm: 5.4 and 5.0 are both under half of it, two in a row end it
    assert leg.reps == 4
    assert leg.end_reason == END_HEIGHT
    assert len(leg.all_reps) == 6  # rep 7 and 8 come after the end
    assert leg.fatigue_pct == pytest.approx(100 * (10.0 - 9.0) / 10.0)  # 4 reps: thirds of one rep


def test_symmetry_between_legs_and_the_plain_words_flag():
    left = reps("left", [5.0] * 18)  # 90 cm
    right = reps("right", [5.0] * 25, t0=60.0)  # 125 cm
    result = heel_rise_test(left + right, 70)
    assert result.legs["left"].reps == 18 and result.legs["right"].reps == 25
    assert result.reps_symmetry_pct == pytest.approx(72.0)
    assert result.work_symmetry_pct == pytest.approx(72.0)
    assert "Your left calf did 72 % of your right's work: under 90 % is worth working on" in result.flags
    assert any(f.startswith("Left leg: 18 reps, under the 25") for f in result.flags)
    assert not any(f.startswith("Right leg") for f in result.flags)
    words = result_words(result)
    assert "LEFT leg: 18 REPS" in words and "72 % of the work" in words


def test_even_legs_are_not_flagged():
    result = heel_rise_test(reps("left", [6.0] * 26) + reps("right", [6.2] * 26, t0=80.0), 70)
    assert result.work_symmetry_pct == pytest.approx(100 * 6.0 / 6.2)
    assert result.reps_symmetry_pct == 100.0
    assert result.flags == ()


@pytest.mark.parametrize("mass", [None, 19.9, 300.5, float("nan")])
def test_body_mass_missing_or_out_of_range_is_one_line(mass):
    with pytest.raises(FormcheckError) as exc:
        heel_rise_test(reps("left", [5.0] * 3), mass)
    assert "body mass" in str(exc.value) and "\n" not in str(exc.value)


def test_both_leg_reps_are_left_out_and_said():
    result = heel_rise_test(reps(None, [5.0] * 3) + reps("right", [6.0] * 3, t0=10.0), 70)
    assert list(result.legs) == ["right"] and result.legs["right"].reps == 3
    assert result.flags[0] == ("3 reps not on one leg left out: the test is one leg at a time, the other foot "
                               "off the floor and in view")
    from formcheck.run.heel_rise_test import result_words
    words = result_words(heel_rise_test(reps(None, [5.0] * 3), 70))
    assert words.splitlines()[0].endswith("no single-leg rep was counted, nothing saved.")
    assert "3 reps not on one leg left out" in words


def test_fatigue_needs_three_reps():
    assert fatigue_pct([5.0, 4.0]) is None
    assert fatigue_pct([6.0, 6.0, 3.0]) == pytest.approx(50.0)


def test_the_result_round_trips_through_json_and_report_reps():
    rs = reps("left", [5.0, 6.0, 7.0])
    result = heel_rise_test(reps_from_dicts([r.to_dict() for r in rs]), 70)
    d = json.loads(json.dumps(result.to_dict()))
    assert d["legs"]["left"]["reps"] == 3
    assert d["legs"]["left"]["work_j"] == pytest.approx(round(70 * 9.81 * 0.18, 1))
    assert d["legs"]["left"]["end_reason"] == "stopped"
