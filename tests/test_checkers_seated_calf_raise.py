"""Seated calf raise on synthetic seated figures: exact counts, faults per rep, seat checks."""
import pytest

from builders import SEATED, STANDING, animate, jitter, rep_keys, series_from_poses
from formcheck.checkers import make_checker
from formcheck.checkers.base import run_on_series

SEAT_M = 0.49
UP = SEATED.legs(ankle_plantar_deg=30.0)


def run(keys, yaw=60.0, seat_m=SEAT_M):
    series = series_from_poses(animate(keys), yaw_deg=yaw, root_height_m=seat_m, toes_on_floor=True)
    return run_on_series(make_checker("seated_calf_raise"), series)[0]


def codes(result):
    return [sorted(f.code for f in r.faults) for r in result.reps]


@pytest.mark.parametrize("yaw", [40.0, 90.0])
def test_counts_clean_reps(yaw):
    result = run(rep_keys(SEATED, [UP] * 5), yaw=yaw)
    assert result.rep_count == 5
    assert codes(result) == [[]] * 5
    # heel 20 cm behind the toe tip, tipped 30°: 10 cm above it; 42 cm builder shank, ~40 cm assumed
    assert result.reps[0].metrics["peak_height_cm"] == pytest.approx(10.0, rel=0.15)


def test_faults_at_their_reps():
    tops = [UP, SEATED.legs(ankle_plantar_deg=12.0), UP, UP]
    bottoms = [None, None, None, SEATED.legs(ankle_plantar_deg=12.0)]  # the last one stays up, then rests there
    tempo = [None, None, (0.25, 0.25), None]
    result = run(rep_keys(SEATED, tops, top_s=0.0, bottoms=bottoms, tempo=tempo))
    assert result.rep_count == 4
    assert codes(result) == [[], ["low_rise"], ["too_fast"], ["incomplete_lowering"]]


def test_seat_and_knee_checks():
    low_seat = SEATED.legs(hip_flex_deg=115.0, knee_flex_deg=115.0)  # knees up above the hips
    result = run(rep_keys(low_seat, [low_seat.legs(ankle_plantar_deg=30.0)] * 2), seat_m=0.40)
    assert result.rep_count == 2
    assert all("seat_height" in c for c in codes(result))
    feet_forward = SEATED.legs(knee_flex_deg=55.0)
    result = run(rep_keys(feet_forward, [feet_forward.legs(ankle_plantar_deg=30.0)] * 2))
    assert [c for c in codes(result)] == [["knee_angle"], ["knee_angle"]]
    assert result.reps[0].faults[0].message.startswith("Move your feet back")


def test_standing_calf_raise_is_not_counted():
    series = jitter(series_from_poses(animate(rep_keys(STANDING, [STANDING.legs(ankle_plantar_deg=30)] * 3))))
    assert run_on_series(make_checker("seated_calf_raise"), series)[0].rep_count == 0


def test_a_heel_landmark_that_jumps_is_not_a_rep():
    """On the rear-oblique machine clip at 30 fps the model's heel jumped 10-15 % of the shank for
    0.4 s before the real rise, with the knee still: counted as a rep until the knee had to rise too."""
    from builders import jitter as copy_of
    from formcheck.pose.landmarks import PoseLandmark as L
    real = series_from_poses(animate(rep_keys(SEATED, [UP])), yaw_deg=60.0, root_height_m=SEAT_M, toes_on_floor=True)
    s = copy_of(real, px_sd=0.0, m_sd=0.0)
    shank_px = float(abs(s.xy_px[0, L.LEFT_KNEE, 1] - s.xy_px[0, L.LEFT_ANKLE, 1]))
    jump = (s.t_ms >= 500) & (s.t_ms <= 900)  # before the rise (rep_keys rests 1 s first)
    for heel in (L.LEFT_HEEL, L.RIGHT_HEEL):
        s.xy_px[jump, heel, 1] -= 0.12 * shank_px
    result = run_on_series(make_checker("seated_calf_raise"), s)[0]
    assert result.rep_count == 1 and result.reps[0].start_s > 0.9


def test_a_clip_that_starts_mid_rep_puts_the_set_around_its_reps():
    """The start position is found in a rep's still top hold (a clip that starts on the rise): the
    rep is still counted from the frames before, and the set spans it (it used to start after it)."""
    from formcheck.evaluation.perturb import cut
    full = series_from_poses(animate(rep_keys(SEATED, [UP] * 3, top_s=1.5)), yaw_deg=60.0, root_height_m=SEAT_M,
                             toes_on_floor=True)
    for t0 in (0.6, 0.9, 1.2, 1.5):
        result = run_on_series(make_checker("seated_calf_raise"), cut(full, t0, 99.0))[0]
        assert result.rep_count >= 2
        assert result.set_start_s <= result.reps[0].start_s and result.set_end_s >= result.reps[-1].end_s


def test_the_set_spans_its_reps():
    from formcheck.checkers.base import CheckResult, Rep
    r = CheckResult("seated_calf_raise", 1, [Rep(1, 0.5, 1.0, 3.5, {})], "side", set_start_s=1.6, set_end_s=3.0)
    assert (r.set_start_s, r.set_end_s) == (0.5, 3.5)
    assert CheckResult("x", 0, [], "side", set_start_s=1.6, set_end_s=3.0).set_start_s == 1.6


def test_the_rep_height_is_the_higher_heel_and_both_heels_read_alike():
    """Both heels are read the same way (each knee's rise on its foot): the rep's height is the higher
    of the two shown, never above both; and the figures read height, up, down before the hold."""
    from formcheck.sinks.figures import rep_words
    uneven = SEATED.leg("left", ankle_plantar_deg=30.0).leg("right", ankle_plantar_deg=20.0)
    result = run(rep_keys(SEATED, [uneven] * 3), yaw=0.0)
    assert result.rep_count == 3
    for r in result.reps:
        m = r.metrics
        assert m["peak_height_cm"] == max(m["left_height_cm"], m["right_height_cm"])
        assert m["left_height_cm"] > m["right_height_cm"]
        assert rep_words(m).split(", ")[2].startswith("down")
