"""Standing hip abduction on synthetic figures (exact counts per side, faults) and real clips."""
import pytest

from conftest import shared_clip
from builders import STANDING, animate, jitter, rep_keys, series_from_poses
from formcheck.checkers import make_checker
from formcheck.checkers.base import run_on_series


def lift(side, deg=40.0, **more):
    return STANDING.leg(side, hip_abd_deg=deg).but(**more)


def run(keys, yaw=0.0):
    return run_on_series(make_checker("hip_abduction"), series_from_poses(animate(keys), yaw_deg=yaw))[0]


def codes(result):
    return [sorted(f.code for f in r.faults) for r in result.reps]


@pytest.mark.parametrize("yaw", [0.0, 40.0])
def test_counts_per_side_front_and_oblique(yaw):
    result = run(rep_keys(STANDING, [lift("left")] * 3 + [lift("right")] * 2), yaw=yaw)
    assert result.rep_count == 5
    assert result.summary["per_side"] == {"left": 3, "right": 2}
    assert codes(result) == [[]] * 5
    assert result.reps[0].metrics["abduction_deg"] == pytest.approx(40, abs=4)


def test_faults_at_their_reps():
    tops = [lift("left"), lift("left", 18.0), lift("left", trunk_side_deg=-15.0),
            lift("left", 10.0, pelvis_hike_deg=20.0).leg("right", hip_abd_deg=20.0),  # stance leg stays upright
            lift("left")]
    tempo = [None, None, None, None, (0.3, 0.3)]
    result = run(rep_keys(STANDING, tops, top_s=0.3, tempo=tempo))
    assert result.rep_count == 5
    assert codes(result) == [[], ["low_rise"], ["trunk_lean"], ["hip_hike", "low_rise"], ["too_fast"]]
    assert result.reps[1].faults[0].message.startswith("Lift your left leg higher")


def test_squat_and_jitter_do_not_count():
    squat = STANDING.legs(hip_flex_deg=90.0, knee_flex_deg=100.0, ankle_plantar_deg=-10.0).but(trunk_flex_deg=30.0)
    series = jitter(series_from_poses(animate(rep_keys(STANDING, [squat] * 3)), yaw_deg=40.0), px_sd=1.5, m_sd=0.006)
    assert run_on_series(make_checker("hip_abduction"), series)[0].rep_count == 0


@pytest.mark.parametrize("phase", ["against", "with"])
def test_standing_leg_wobbling_with_each_lift_does_not_count(phase):
    # The lite model reads the standing leg's elevation 13-15° off as the weight shifts with
    # each lift (above the 12° floor): dropping while the working leg is up and rising back
    # between lifts ("against"), or rising with it ("with"). Only the working leg's lifts count.
    wobble = STANDING.leg("left", hip_abd_deg=16.0)
    if phase == "against":
        keys = rep_keys(STANDING, [lift("right")] * 3, bottoms=[wobble] * 3)
    else:
        keys = rep_keys(STANDING, [lift("right").leg("left", hip_abd_deg=16.0)] * 3)
    result = run(keys, yaw=40.0)
    assert result.rep_count == 3
    assert result.summary["per_side"] == {"left": 0, "right": 3}


@pytest.mark.slow
@pytest.mark.parametrize("clip, reps", [("hip_abduction_standing_fitbod_front.mp4", 3),
                                        ("hip_abduction_standing_fitbod_oblique.mp4", 3),
                                        ("air_squat_fitbod_oblique.mp4", 0)])
def test_real_clips(clip, reps, real_series):
    from formcheck.run.review import analyze_series
    result, _ = analyze_series(real_series(clip), "hip_abduction")
    assert result.rep_count == reps
    assert all(r.side == "right" for r in result.reps)


@pytest.mark.slow
@pytest.mark.parametrize("clip, reps", [("hip_abduction_standing_fitbod_front.mp4", 3),
                                        ("hip_abduction_standing_fitbod_oblique.mp4", 3)])
def test_real_clips_lite_model(clip, reps, series_cache):
    # The lite model's standing leg wobbles 13-15° with each lift on the oblique clip.
    path = shared_clip(clip)
    from formcheck.evaluation.evaluate import clip_series
    series = clip_series(path, "lite", series_cache)
    result = run_on_series(make_checker("hip_abduction"), series)[0]
    assert result.rep_count == reps
    assert all(r.side == "right" for r in result.reps)


@pytest.mark.slow
def test_real_two_angle_pair_reads_the_same_lifts(real_series):
    """One performance filmed head-on and at 3/4: each lift's angle agrees within 5° (measured 0.8-3.8°;
    the model's world leg gave 2.7-7.2° apart, the 3/4 camera reading lower)."""
    from formcheck.run.review import analyze_series
    front, _ = analyze_series(real_series("hip_abduction_standing_fitbod_front.mp4"), "hip_abduction")
    oblique, _ = analyze_series(real_series("hip_abduction_standing_fitbod_oblique.mp4"), "hip_abduction")
    a = [r.metrics["abduction_deg"] for r in front.reps]
    b = [r.metrics["abduction_deg"] for r in oblique.reps]
    assert len(a) == len(b) == 3
    assert max(abs(x - y) for x, y in zip(a, b)) <= 5.0, (a, b)


@pytest.mark.parametrize("first_yaw", [0.0, 20.0])
def test_a_walk_in_from_another_angle_does_not_set_the_scale(first_yaw):
    """The person is first seen head-on for a moment, then turns to stand 50° round: the yaw is the
    recent frames' median from the set's start position on, not the first frame's, so the 18° lifts
    count and every lift reads its size (a scale fixed on the first frame counted 2 of 4)."""
    from builders import concat
    walk_in = series_from_poses(animate([(0.0, STANDING), (0.3, STANDING)]), yaw_deg=first_yaw)
    tops = [lift("left", 36.0), lift("left", 18.0), lift("left", 36.0), lift("left", 18.0)]
    set_ = series_from_poses(animate(rep_keys(STANDING, tops)), yaw_deg=50.0)
    result = run_on_series(make_checker("hip_abduction"), jitter(concat(walk_in, set_)))[0]
    assert result.rep_count == 4
    got = [r.metrics["abduction_deg"] for r in result.reps]
    assert got == pytest.approx([36.0, 18.0, 36.0, 18.0], abs=5.0), got


def test_people_see_one_hike_and_one_leg_angle():
    """The per-rep words, table and CSV show the pelvis hike and the leg's angle at the hip, not the raw
    hip-line rise or the counted signal's rise (the JSON keeps them for programs), and the leg once."""
    from formcheck.app.tables import rep_table
    from formcheck.sinks.figures import rep_words
    from formcheck.sinks.report import build_report, reps_csv
    result = run(rep_keys(STANDING, [lift("left")] * 2))
    report = build_report(result, source="x", model="full", fps=30.0, frames=100, duration_s=5.0,
                          resolution_wh=(640, 480), pose_found_ratio=1.0)
    assert {"hip_hike_deg", "leg_rise_deg"} <= set(report["reps"][0]["metrics"])
    words = rep_words(result.reps[0].metrics, limit=None)
    assert "leg out" in words and "pelvis hike" in words and "hip hike" not in words and "leg rise" not in words
    # nor the leg's picture travel as a "range" beside it (a tester saw "leg out 57°" and "range 58°")
    assert "range" not in words and "range_deg" not in report["reps"][0]["metrics"]
    header = reps_csv(report).splitlines()[0]
    assert "abduction_deg" in header and "hip_hike_deg" not in header and "leg_rise_deg" not in header
    assert not [c for c in rep_table(report["reps"]).columns if "rise" in c.lower() or "Hip hike" in c]
