"""The heel-rise test end to end: calf-raise checker on synthetic single-leg landmark series with known
heights, then `run.heel_rise_test`; and on the real single-leg dev clips (through the landmark cache)."""
import math

import pytest

from builders import STANDING, animate, jitter, rep_keys, series_from_poses
from formcheck.run.heel_rise_test import END_HEIGHT, END_PACE, G_M_S2, heel_rise_test
from formcheck.run.review import analyze_series

FREE_LEG = dict(knee_flex_deg=95, hip_flex_deg=10)  # the free foot held up behind
FOOT_M = 0.20  # the builders' heel-to-toe length: a heel rise of FOOT_M x sin(ankle plantarflexion)
BODY_MASS_KG = 70.0
# The checker's heights on clean synthetic side-view series, as in test_calf_raise. (At 3/4 this
# stick figure's single-leg reps read up to 2.6 cm high: the checker's accuracy, not this test's
# subject; there only counts, ends and the rep symmetry are checked exactly.)
HEIGHT_TOL_CM = 1.5


def true_cm(plantar_deg: float) -> float:
    return 100 * FOOT_M * math.sin(math.radians(plantar_deg))


def one_leg(stance: str, tops_deg, t0_s: float, tempo=None):
    """Single-leg raises on `stance` at the test's pace: 0.7 s up, 0.3 s top, 0.7 s down, 0.3 s rest."""
    rest = STANDING.leg("left" if stance == "right" else "right", **FREE_LEG)
    keys = rep_keys(rest, [rest.leg(stance, ankle_plantar_deg=d) for d in tops_deg], up_s=0.7, top_s=0.3,
                    down_s=0.7, rest_s=0.3, tempo=tempo)
    return [(t + t0_s, p) for t, p in keys]


def both_legs_tested(first: str = "right"):
    """Right leg: 6 reps, then the heel gives out (two reps under half the start height).
    Left leg: 5 reps on the beat, then two that miss it. The first leg, foot down, stand, the other."""
    right_deg = [30, 30, 30, 27, 24, 21, 10, 10]
    left_deg = [20] * 7
    legs = {"right": (right_deg, None), "left": (left_deg, [None] * 5 + [(2.0, 2.0)] * 2)}
    second = "left" if first == "right" else "right"
    keys = one_leg(first, legs[first][0], 0.0, tempo=legs[first][1])
    t = keys[-1][0]
    keys += [(t + 1.0, STANDING), (t + 3.0, STANDING)]
    keys += one_leg(second, legs[second][0], t + 4.0, tempo=legs[second][1])
    return animate(keys), right_deg, left_deg


def scored(yaw_deg):
    frames, right_deg, left_deg = both_legs_tested()
    result, _ = analyze_series(jitter(series_from_poses(frames, yaw_deg=yaw_deg), seed=yaw_deg), "calf_raise")
    assert [r.side for r in result.reps] == ["right"] * 8 + ["left"] * 7
    return heel_rise_test(result.reps, BODY_MASS_KG), right_deg, left_deg


@pytest.mark.parametrize("yaw_deg", [90, 40])
def test_reps_per_leg_where_each_ended_and_rep_symmetry(yaw_deg):
    test, _, _ = scored(yaw_deg)
    right, left = test.legs["right"], test.legs["left"]
    assert (right.reps, right.end_reason) == (6, END_HEIGHT)
    assert (left.reps, left.end_reason) == (5, END_PACE)
    assert left.ended_s > right.ended_s > 0
    assert test.reps_symmetry_pct == pytest.approx(100 * 5 / 6)
    assert test.work_symmetry_pct < 90 and any(f.startswith("Your left calf did") for f in test.flags)


def test_side_view_heights_work_fatigue_and_work_symmetry_against_the_truth():
    test, right_deg, left_deg = scored(90)
    right, left = test.legs["right"], test.legs["left"]
    for leg, degs in ((right, right_deg), (left, left_deg)):
        truth = [true_cm(d) for d in degs[:leg.reps]]
        assert all(abs(h - t) < HEIGHT_TOL_CM for h, t in zip(leg.heights_cm, truth)), (leg.heights_cm, truth)
        true_work_j = BODY_MASS_KG * G_M_S2 * sum(truth) / 100
        assert abs(leg.work_j - true_work_j) < BODY_MASS_KG * G_M_S2 * leg.reps * HEIGHT_TOL_CM / 100
    # right: 10 cm for three reps, then 9.1, 8.1, 7.2: the last third is 22 % under the first
    true_fatigue = 100 * (1 - (true_cm(24) + true_cm(21)) / 2 / true_cm(30))
    assert right.fatigue_pct == pytest.approx(true_fatigue, abs=10)
    assert abs(left.fatigue_pct) < 10  # every left rep the same height
    true_lsi = 100 * 5 * true_cm(20) / sum(true_cm(d) for d in right_deg[:6])
    assert test.work_symmetry_pct == pytest.approx(true_lsi, abs=10)


def test_live_plan_heel_rise_test_scores_both_legs_and_saves_the_result(tmp_path):
    from formcheck.run.plans import get_plan
    from formcheck.run.session import LiveSession
    from formcheck.sinks.history import HistoryStore
    plan = get_plan("heel_rise_test")
    assert [(it.exercise, it.sides, it.metronome, it.heel_rise_test) for it in plan.items] == \
        [("calf_raise", ("left", "right"), True, True)]
    frames, _, _ = both_legs_tested(first="left")  # the plan's order: left, then right
    series = jitter(series_from_poses(frames, yaw_deg=90), seed=5)
    store = HistoryStore(tmp_path / "h.sqlite3")
    session = LiveSession(None, plan=plan, store=store, body_mass_kg=BODY_MASS_KG)
    for t_ms, sample in series.samples():
        session.process_pose(t_ms, sample)
    summary = session.close()
    assert [(x["side"], x["reps"]) for x in summary["sets"]][:1] == [("left", 7)]  # the left set, then rest
    test = summary["heel_rise_test"]
    assert (test["legs"]["left"]["reps"], test["legs"]["left"]["end_reason"]) == (5, END_PACE)
    assert (test["legs"]["right"]["reps"], test["legs"]["right"]["end_reason"]) == (6, END_HEIGHT)
    assert test["reps_symmetry_pct"] == pytest.approx(round(100 * 5 / 6, 1))
    [row] = store.heel_rise_tests()
    assert row.result == test and row.session_id == store.sessions()[0].id
    assert len(store.reps(row.session_id)) == 15


def test_live_heel_rise_test_body_mass_out_of_range_is_refused_and_missing_leaves_it_unscored():
    from formcheck.errors import FormcheckError
    from formcheck.run.plans import get_plan
    from formcheck.run.session import LiveSession
    with pytest.raises(FormcheckError, match="out of range"):
        LiveSession(None, plan=get_plan("heel_rise_test"), body_mass_kg=500)
    session = LiveSession(None, plan=get_plan("heel_rise_test"))  # the app's plan list: runs, unscored
    assert "heel_rise_test" not in session.close() and session.heel_rise_result is None


# ---- the real single-leg dev clips (../shared/videos; the pose model, or the landmark cache) ----
REAL_SINGLE_LEG = {"single_leg_calf_raise_fitbod_oblique.mp4": ("right", 3),
                   "single_leg_calf_raise_fitbod_side.mp4": ("right", 3)}  # labels.tsv: stance leg, reps


@pytest.mark.slow
@pytest.mark.parametrize("clip", list(REAL_SINGLE_LEG))
def test_real_single_leg_clip_and_its_mirror_image_as_the_other_leg(real_series, clip):
    from formcheck.evaluation.perturb import mirror
    stance, label_reps = REAL_SINGLE_LEG[clip]
    series = real_series(clip)
    reps = analyze_series(series, "calf_raise")[0].reps
    # the same performance flipped left-right (a selfie camera) is the other leg's set
    other = analyze_series(mirror(series), "calf_raise")[0].reps
    test = heel_rise_test(reps + other, BODY_MASS_KG)
    leg, mirrored = test.legs[stance], test.legs["left" if stance == "right" else "right"]
    assert leg.reps == label_reps and mirrored.reps == label_reps
    assert leg.work_j > 0 and all(h > 0 for h in leg.heights_cm)
    assert test.reps_symmetry_pct == 100.0
    # one performance seen twice: no asymmetry to flag
    assert test.work_symmetry_pct is not None and test.work_symmetry_pct >= 90
    assert not any("calf did" in f for f in test.flags)
