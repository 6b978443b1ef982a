"""Leg press on a synthetic reclined figure: exact counts, depth, knees caving, lockout."""
import pytest

from builders import STANDING, Pose, animate, jitter, rep_keys, series_from_poses
from formcheck.checkers import make_checker
from formcheck.checkers.base import run_on_series

TOP = Pose(trunk_flex_deg=-40.0).legs(hip_flex_deg=60.0, knee_flex_deg=20.0)  # legs pressed out, soft knees
BOTTOM = TOP.legs(hip_flex_deg=110.0, knee_flex_deg=90.0)
SHALLOW = TOP.legs(hip_flex_deg=90.0, knee_flex_deg=55.0)
CAVING = BOTTOM.legs(knee_flex_deg=95.0, hip_abd_deg=-4.0, hip_rot_deg=20.0)  # knees in, feet stay out
LOCKED = TOP.legs(knee_flex_deg=2.0)


def run(keys, yaw):
    series = series_from_poses(animate(keys), yaw_deg=yaw, root_height_m=0.6)
    return run_on_series(make_checker("leg_press"), series)[0]


def codes(result):
    return [sorted(f.code for f in r.faults) for r in result.reps]


@pytest.mark.parametrize("yaw", [0.0, 45.0, 90.0])
def test_clean_reps(yaw):
    result = run(rep_keys(TOP, [BOTTOM] * 4), yaw)
    assert result.rep_count == 4
    assert codes(result) == [[]] * 4
    assert result.reps[0].metrics["bottom_knee_deg"] == pytest.approx(90, abs=2)
    assert result.reps[0].metrics["top_knee_deg"] == pytest.approx(160, abs=2)


def test_faults_at_their_reps_front_view():
    tops = [BOTTOM, SHALLOW, CAVING, BOTTOM, BOTTOM]
    tempo = [None, None, None, (0.25, 0.25), None]
    bottoms = [None, None, None, LOCKED, None]  # rep 4 pressed out to a locked knee (rep 5 starts from it)
    result = run(rep_keys(TOP, tops, tempo=tempo, bottoms=bottoms, top_s=0.1), 0.0)
    assert result.rep_count == 5
    assert codes(result) == [[], ["low_rise", "shallow"], ["knees_caving"], ["lockout_snap", "too_fast"], []]
    assert result.reps[2].faults[0].message == "Push your knees out over your toes"


@pytest.mark.parametrize("yaw", [90.0, 45.0])
def test_press_that_stops_short_is_an_incomplete_lockout(yaw):
    short = TOP.legs(hip_flex_deg=75.0, knee_flex_deg=47.0)  # knee ~133° where the start is ~160°
    result = run(rep_keys(TOP, [BOTTOM] * 3, bottoms=[None, short, None]), yaw)
    assert result.rep_count == 3
    assert codes(result) == [[], ["incomplete_lockout"], []]
    assert result.reps[1].faults[0].message.startswith("Press all the way out")


def test_knees_not_judged_side_on():
    result = run(rep_keys(TOP, [CAVING] * 2), 90.0)
    assert result.rep_count == 2 and codes(result) == [[], []]


def test_squat_is_not_a_leg_press():
    squat = STANDING.legs(hip_flex_deg=90.0, knee_flex_deg=100.0).but(trunk_flex_deg=30.0)
    series = jitter(series_from_poses(animate(rep_keys(STANDING, [squat] * 3)), yaw_deg=40.0))
    assert run_on_series(make_checker("leg_press"), series)[0].rep_count == 0


@pytest.mark.xfail(strict=True, reason="known failure: the knee-landmark-based signal snaps straight "
                   "when the knee landmark slips toward the hip-ankle line; the hip-ankle-distance "
                   "alternative was measured worse on the rendered clip (see leg_press module docstring)")
def test_knee_landmark_slipping_at_the_bottom_does_not_split_reps():
    from builders import slip_toward_line
    from formcheck.pose.landmarks import LEG
    series = series_from_poses(animate(rep_keys(TOP, [BOTTOM] * 4)), yaw_deg=45.0, root_height_m=0.6)
    for i in range(4):  # bottoms held 2.5-2.8 s, 5.6-5.9 s, ... (lead 1.5 s, 1 s down, 3.1 s a rep)
        mid = 2.65 + 3.1 * i
        for sd in ("left", "right"):
            leg = LEG[sd]
            series = slip_toward_line(series, leg["knee"], leg["hip"], leg["ankle"], mid - 0.2, mid + 0.2, 0.7)
    assert run_on_series(make_checker("leg_press"), series)[0].rep_count == 4


def test_a_fault_seen_at_the_next_start_is_said_then_and_belongs_to_its_rep():
    """Rep 4 presses out to a locked knee; that shows only as rep 5 starts from it: the fault and the
    figure are rep 4's, and it is spoken right after rep 5's count, naming rep 4 (issue 11, item 4)."""
    from formcheck.checkers.base import EventKind
    tops = [BOTTOM] * 5
    bottoms = [None, None, None, LOCKED, None]
    series = series_from_poses(animate(rep_keys(TOP, tops, bottoms=bottoms, top_s=0.1)), yaw_deg=0.0,
                               root_height_m=0.6)
    result, events = run_on_series(make_checker("leg_press"), series)
    said = [(e.kind, e.text) for e in events if e.kind in (EventKind.REP, EventKind.CUE)]
    late = [i for i, (k, t) in enumerate(said) if k == EventKind.CUE and t.startswith("Rep 4: keep a slight bend")]
    assert len(late) == 1, said
    assert said[late[0] - 1] == (EventKind.REP, "5")  # the count that found it, then the correction
    cue = next(e for e in events if e.text == said[late[0]][1])
    assert cue.rep is result.reps[3] and cue.code == "lockout_snap"
    assert codes(result)[3:] == [["lockout_snap"], []]
    four, five = result.reps[3].metrics, result.reps[4].metrics
    assert four["top_knee_deg"] == five["start_knee_deg"] and four["top_knee_deg"] >= 175
    assert result.reps[2].metrics["top_knee_deg"] == pytest.approx(160, abs=3)  # rep 3: its own soft-knee top


def test_a_short_press_prints_its_own_top():
    short = TOP.legs(hip_flex_deg=75.0, knee_flex_deg=47.0)  # knee ~133° where the start is ~160°
    result = run(rep_keys(TOP, [BOTTOM] * 3, bottoms=[None, short, None]), 90.0)
    two = result.reps[1]
    assert two.metrics["top_knee_deg"] == pytest.approx(133, abs=4)
    assert f"stopped at {two.metrics['top_knee_deg']:.0f}°" in two.faults[0].message


def test_the_rendered_sample_prints_each_press_with_its_own_top():
    """The sample's rep 4 stops short (truth): its top (~154°) is printed beside its correction, and
    rep 5, which starts from there and presses fully out, is not given rep 4's figure."""
    from conftest import sample_series
    series, truth = sample_series("leg_press_side")
    result = run_on_series(make_checker("leg_press"), series)[0]
    assert [r["faults"] for r in truth["reps"]][3] == ["incomplete_lockout"]
    four, five = result.reps[3], result.reps[4]
    assert [f.code for f in four.faults] == ["incomplete_lockout"] and not five.faults
    assert four.metrics["top_knee_deg"] < 160 and f"stopped at {four.metrics['top_knee_deg']:.0f}°" in four.faults[0].message
    assert five.metrics["start_knee_deg"] < 160 and five.metrics["top_knee_deg"] > 170
