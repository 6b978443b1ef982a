"""Single-leg calf raises filmed head-on, the most common home set-up: the stance heel is behind its foot
(the model scores it unseen, or reads a full rise as a fifth of it), so the checker counts on the body's
rise: the hips rising on the foot lever, above the person's own standing level."""
import numpy as np
import pytest

from builders import STANDING, animate, hide, jitter, rep_keys, series_from_poses
from formcheck.checkers.base import run_on_series
from formcheck.checkers.calf_raise import CalfRaiseChecker
from formcheck.pose.landmarks import PoseLandmark as L

REST = STANDING.leg("left", knee_flex_deg=95, hip_flex_deg=10)  # on the right foot, the left held up behind
TOP = REST.leg("right", ankle_plantar_deg=30)  # heel 10 cm up (20 cm heel-to-toe foot)
HALF = REST.leg("right", ankle_plantar_deg=14)  # heel 4.8 cm up
FREE_FOOT = [L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]


def head_on(keys, *, heel_visibility=0.39, seed=0):
    """Filmed head-on with the pose model's jitter; the stance heel scored `heel_visibility` seen and the
    free foot, held up behind the body, unseen (truth set: 0.08-0.4)."""
    s = jitter(series_from_poses(animate(keys), yaw_deg=0), seed=seed)
    s = hide(s, FREE_FOOT, 0.0, 1e3, visibility=0.1)
    return hide(s, [L.RIGHT_HEEL], 0.0, 1e3, visibility=heel_visibility)


def run(series):
    return run_on_series(CalfRaiseChecker(), series)[0]


def test_a_hidden_heel_is_counted_on_the_hips_rise_full_and_half_height():
    result = run(head_on(rep_keys(REST, [TOP, HALF, TOP])))
    assert result.rep_count == 3
    assert result.summary["legs"] == ["right"] and all(r.side == "right" for r in result.reps)
    heights = [r.metrics["peak_height_cm"] for r in result.reps]
    assert abs(heights[0] - 10.0) < 1.5 and abs(heights[1] - 4.8) < 1.5 and abs(heights[2] - 10.0) < 1.5, heights
    assert {r.index: sorted(f.code for f in r.faults) for r in result.reps if r.faults} == {2: ["low_rise"]}


def test_a_heel_seen_but_read_flat_head_on_on_one_foot_is_counted_on_the_hips():
    """The heel scored seen (0.52-0.58 on two truth-set bodies) but its lift reads a twentieth of the rise."""
    s = head_on(rep_keys(REST, [TOP] * 3), heel_visibility=0.9)
    heel, toe = L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX
    rest = s.xy_px[0, heel, 1] - s.xy_px[0, toe, 1]
    s.xy_px[:, heel, 1] = s.xy_px[:, toe, 1] + rest + 0.05 * (s.xy_px[:, heel, 1] - s.xy_px[:, toe, 1] - rest)
    assert run(s).rep_count == 3


def test_a_single_leg_squat_filmed_head_on_is_not_a_calf_raise():
    """A knee bend lowers the hips, and standing back up raises them only to where they stood."""
    dip = REST.leg("right", knee_flex_deg=45, hip_flex_deg=25)
    assert run(head_on(rep_keys(REST, [dip] * 4))).rep_count == 0
    shallow = REST.leg("right", knee_flex_deg=20, hip_flex_deg=10)  # a dip the knee rule would let by
    assert run(head_on(rep_keys(REST, [shallow] * 4))).rep_count == 0


@pytest.mark.parametrize("rest", [REST, STANDING], ids=["one foot", "both feet"])
def test_a_person_swaying_in_place_filmed_head_on_counts_nothing(rest):
    """Weight shifting side to side, the trunk leaning with it, for 16 s, heels hidden."""
    keys = [(0.0, rest)] + [(1.0 + i, rest.but(trunk_side_deg=6.0 * (-1) ** i).leg("right", hip_abd_deg=3.0 * (-1) ** i))
                            for i in range(15)] + [(16.0, rest)]
    s = head_on(keys)
    if rest is STANDING:
        s = hide(s, [L.LEFT_HEEL, L.LEFT_ANKLE, L.LEFT_FOOT_INDEX], 0.0, 1e3, visibility=0.95)  # both feet seen
        s = hide(s, [L.LEFT_HEEL], 0.0, 1e3, visibility=0.39)
    assert run(s).rep_count == 0


def test_one_hip_rising_alone_is_not_the_body_rising():
    """The pelvis tilting (a standing hip abduction filmed head-on hiked the stance hip 7-8 px and the other
    1-2 px on a real clip) is no rise on the foot; both hips rising together is."""
    still = head_on([(0.0, REST), (12.0, REST)])
    t_s = still.t_ms / 1000.0
    bump = 20.0 * np.clip(np.sin(np.pi * (t_s - 2.0) / 2.0), 0, None) * ((t_s > 2.0) & (t_s < 10.0))  # 2 s reps
    one = jitter(still, px_sd=0.0, m_sd=0.0)
    one.xy_px[:, L.RIGHT_HIP, 1] -= bump
    assert run(one).rep_count == 0
    both = jitter(one, px_sd=0.0, m_sd=0.0)
    both.xy_px[:, L.LEFT_HIP, 1] -= bump
    assert run(both).rep_count == 2
