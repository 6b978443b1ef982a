"""Camera-view advice from a few seconds of synthetic samples."""
import pytest

from builders import LYING_BACK, SEATED, STANDING, animate, concat, drop, hide, series_from_poses
from formcheck.checkers import get_checker_class
from formcheck.pose.landmarks import PoseLandmark as L
from formcheck.setup.advice import check_view


def samples(series):
    return [s for _, s in series.samples()]


def still(pose=STANDING, yaw=0.0, seconds=4.0, **kw):
    return series_from_poses(animate([(0, pose), (seconds, pose)], fps=30), yaw_deg=yaw, **kw)


@pytest.mark.parametrize("exercise, yaw, ok", [
    ("foam_roll", 90, True), ("foam_roll", 0, False),
    ("ankle_alphabet", 0, True), ("ankle_alphabet", 90, False),
    ("calf_raise", 0, True), ("calf_raise", 90, True),
])
def test_view_suits_exercise(exercise, yaw, ok):
    advice = check_view(samples(still(yaw=yaw)), get_checker_class(exercise))
    assert advice.suits is ok
    if not ok:
        assert advice.message.startswith("Turn side-on" if yaw == 0 else "Face the camera")


def test_lying_advice_talks_about_where_the_camera_goes():
    class FromTheFeet:  # a lying exercise seen only from the feet end
        title, best_views = "Lying test", ("front",)
    advice = check_view(samples(still(LYING_BACK, yaw=90, root_height_m=0.1)), FromTheFeet)
    assert advice.view == "side" and advice.message.startswith("Put the camera at your feet")


def test_the_side_on_hip_width_hold_is_not_told_to_turn():
    """Its measures are 3-D: the side-on sample is timed rightly, so no 'best seen from the front'."""
    lying = samples(still(LYING_BACK, yaw=90, root_height_m=0.1))
    assert check_view(lying, get_checker_class("hip_width_leg_extension")).suits


def test_feet_out_of_frame_says_step_back():
    s = still(yaw=90)
    feet = [L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX]
    cut = hide(s, feet, 0.0, 10.0, visibility=0.05)
    assert check_view(samples(cut), get_checker_class("calf_raise")).messages == \
        ["Step back: your feet are out of the picture"]
    below = still(yaw=90, floor_px=800.0)  # feet drawn below the bottom edge of a 720-px picture
    assert "Step back" in check_view(samples(below), get_checker_class("calf_raise")).message


def test_dark_or_empty_picture_says_more_light():
    s = still(yaw=90)
    s.visibility[:] = 0.3
    assert "More light" in check_view(samples(s), get_checker_class("calf_raise")).message
    nobody = drop(still(yaw=90), 0.0, 10.0)
    advice = check_view(samples(nobody), get_checker_class("calf_raise"))
    assert advice.view == "unknown" and "More light" in advice.message
    assert check_view([], get_checker_class("calf_raise")).message is not None


def test_only_the_first_seconds_count():
    turned = series_from_poses(animate([(0, STANDING), (6, STANDING)], fps=30), yaw_deg=0)
    late = series_from_poses(animate([(0, STANDING), (30, STANDING)], fps=30), yaw_deg=90)
    late.t_ms += 6000
    both = concat(turned, late)
    assert check_view(samples(both), get_checker_class("foam_roll")).view == "front"


def test_a_person_too_small_in_the_picture_is_told_to_move_closer():
    s = still(yaw=90)
    tall = check_view(samples(s), get_checker_class("calf_raise"))
    assert not any("Move closer" in m for m in tall.messages)
    c = s.xy_px.reshape(-1, 2).mean(0)
    s.xy_px = c + (s.xy_px - c) * 0.2  # the same person a fifth the size (a far camera, a 64x64 clip)
    small = check_view(samples(s), get_checker_class("calf_raise"))
    assert small.messages[0].startswith("Move closer or film in a higher resolution")


def test_the_rendered_side_on_hip_width_sample_gets_no_turn_advice():
    from conftest import sample_series
    series, truth = sample_series("hip_width_leg_extension_side")
    advice = check_view(samples(series), get_checker_class("hip_width_leg_extension"))
    assert truth["view"] == "side" and advice.view == "side" and advice.suits, advice.messages


# ---- more than one person in view (people_advice) -------------------------------------------
from formcheck.pose.types import PeopleSighting  # noqa: E402
from formcheck.setup.advice import people_advice  # noqa: E402

LEFT, RIGHT, MIDDLE = (0.25, 0.5), (0.75, 0.5), (0.5, 0.5)


def _sightings(*crowds, counted=LEFT):
    return [PeopleSighting(1000.0 * i, tuple(c), counted) for i, c in enumerate(crowds)]


def test_two_people_in_most_frames_are_named_with_the_one_counted():
    msg = people_advice(_sightings([LEFT, RIGHT], [LEFT, RIGHT], [LEFT], [RIGHT, LEFT], [LEFT, RIGHT], counted=RIGHT))
    assert msg.startswith("Two people in view: counting the one on the right")


def test_three_people_and_the_one_in_the_middle():
    msg = people_advice(_sightings([LEFT, MIDDLE, RIGHT], [LEFT, MIDDLE, RIGHT], counted=(0.52, 0.48)))
    assert msg.startswith("3 people in view: counting the one in the middle")


def test_a_passer_by_in_one_frame_is_not_two_people():
    assert people_advice(_sightings([LEFT], [LEFT, RIGHT], [LEFT], [LEFT], [LEFT])) is None
    assert people_advice(_sightings([LEFT, RIGHT])) is None  # one sighting is never enough
    assert people_advice(_sightings([LEFT], [LEFT], [LEFT])) is None
    assert people_advice([]) is None


def test_two_people_with_nobody_counted_in_those_frames_says_the_best_seen():
    msg = people_advice(_sightings([LEFT, RIGHT], [LEFT, RIGHT], counted=None))
    assert "counting the one the camera sees best" in msg


def test_a_heel_hidden_behind_its_foot_says_turn_not_step_back():
    """Heel scored 0.39 seen behind its foot (a single-leg stance filmed head-on, truth set): the feet
    are in the picture, so 'step back' would be wrong. A checker that needs the heel asks to turn; the
    floor calf raise counts on the hips' rise then, and asks to turn only when the hips are not seen."""
    s = still(yaw=0)
    hidden = hide(s, [L.LEFT_HEEL, L.RIGHT_HEEL], 0.0, 10.0, visibility=0.39)
    seated = hide(still(SEATED, yaw=0, root_height_m=0.49), [L.LEFT_HEEL, L.RIGHT_HEEL], 0.0, 10.0, visibility=0.39)
    message = check_view(samples(seated), get_checker_class("seated_calf_raise")).message
    assert "heel is hidden behind your foot" in message and "Step back" not in message
    assert check_view(samples(hidden), get_checker_class("calf_raise")).suits
    no_hips = hide(hidden, [L.LEFT_HIP, L.RIGHT_HIP], 0.0, 10.0, visibility=0.2)
    message = check_view(samples(no_hips), get_checker_class("calf_raise")).message
    assert "heel is hidden behind your foot" in message and "Step back" not in message
