"""Workout plans as data, and the WorkoutFlow state machine driven with made-up times and events."""
from __future__ import annotations

import json

import pytest

from formcheck.events import Event, EventKind
from formcheck.errors import FormcheckError
from formcheck.run.flow import Phase, WorkoutFlow
from formcheck.run.plans import Plan, PlanItem, get_plan, load_plans, plan_from_dict
from formcheck.sinks.voice import estimate_speech_s

SEED_EXERCISES = {"calf_raise", "seated_calf_raise", "leg_extension", "hip_width_leg_extension",
                  "ankle_flexion", "leg_press", "hip_abduction", "ankle_alphabet", "foam_roll", "arch_roll",
                  "big_toe_lift"}
FPS = 10.0


def rep(t):
    return Event(EventKind.REP, t, "n")


def run(flow, until_s, *, reps_at=(), in_position=lambda t: True, seen=lambda t: True, set_end_at=(),
        start_s=0.0):
    """Feed the flow at FPS; returns [(t, kind, text)]."""
    out = []
    k = 0
    while True:
        t = round(start_s + k / FPS, 3)
        if t > until_s or flow.phase == Phase.DONE:
            return out
        events = [rep(t) for r in reps_at if abs(r - t) < 0.5 / FPS]
        events += [Event(EventKind.SET_END, t, "gone") for r in set_end_at if abs(r - t) < 0.5 / FPS]
        for e in flow.update(t, events, in_position(t), person_seen=seen(t)):
            out.append((t, e.kind, e.text))
        k += 1


def test_bundled_plans_are_the_seed_workouts():
    plans = load_plans()
    heels = plans["high_heels_8"]
    assert heels.title == "8 exercises for high heels" and len(heels.items) == 8
    by_ex = {it.exercise: it for it in heels.items}
    assert (by_ex["leg_press"].sets, by_ex["leg_press"].reps) == (4, 10)
    assert (by_ex["calf_raise"].sets, by_ex["calf_raise"].reps) == (3, 20)
    assert by_ex["foam_roll"].duration_s == 300 and by_ex["foam_roll"].sides == ("left", "right")
    assert by_ex["hip_abduction"].reps == 20 and by_ex["hip_abduction"].sides == ("left", "right")
    assert by_ex["arch_roll"].duration_s == 120
    rescue = plans["high_heel_rescue"]
    assert rescue.items[0].exercise == "hip_width_leg_extension"
    assert (rescue.items[0].hold_s, rescue.items[0].hold_max_s) == (30, 60)
    assert rescue.items[-1].exercise == "big_toe_lift" and rescue.items[-1].hold_s == 10
    for p in plans.values():
        assert set(p.exercises) <= SEED_EXERCISES
        assert all(it.rest_s >= 0 and it.title for it in p.items)
    assert by_ex["foam_roll"].target_text == "5 min each side"
    assert rescue.items[0].target_text == "3 x 30-60 s hold"


def test_plans_are_found_by_id_or_title():
    assert get_plan("High Heel Rescue").id == "high_heel_rescue"
    assert get_plan("high_heels_8").id == "high_heels_8"
    assert get_plan("heel-rise test").id == "heel_rise_test"
    with pytest.raises(FormcheckError, match="unknown plan 'nope'; choose one of.*high_heels_8"):
        get_plan("nope")
    with pytest.raises(FormcheckError, match=r"unknown plan 'heel_rise' \(did you mean heel_rise_test\?\)"):
        get_plan("heel_rise")


@pytest.mark.parametrize("item, match", [
    ({"exercise": "calf_raise", "title": "x", "repz": 3}, "unknown setting.*repz"),
    ({"exercise": "calf_raise", "title": "x", "reps": 3, "duration_s": 30}, "only one of"),
    ({"exercise": "calf_raise", "title": "x", "reps": 0}, "positive"),
    ({"exercise": "calf_raise", "title": "x", "sides": ["up"]}, "sides"),
    ({"exercise": None, "title": "x", "reps": 5}, "need an exercise"),
])
def test_bad_plan_items_are_rejected_with_one_clear_line(item, match):
    with pytest.raises(FormcheckError, match=match):
        plan_from_dict({"id": "p", "title": "P", "items": [item]})


def test_a_plans_file_with_a_typo_is_rejected(tmp_path):
    path = tmp_path / "plans.json"
    path.write_text(json.dumps({"plans": [{"id": "p", "title": "P", "itemz": []}]}))
    with pytest.raises(FormcheckError, match="itemz"):
        load_plans(path)


def test_countdown_then_reps_then_rest_then_next_set_when_back_in_position():
    plan = Plan("p", "P", (PlanItem("calf_raise", "Calf raise", sets=2, reps=3, rest_s=5.0),))
    flow = WorkoutFlow(plan)
    reps = [5.0, 6.0, 7.0]
    # rest runs 7.0..12.0; the person is away 11..15 and back at 15: the set waits for them
    back = lambda t: not (11.0 <= t < 15.0)
    out = run(flow, 30.0, reps_at=reps + [20.0, 21.0, 22.0], in_position=back)
    said = [(t, k.value, x) for t, k, x in out]
    assert said[0] == (0.0, "get_ready", "Calf raise. Get in position")
    # the countdown starts once "Calf raise. Get in position" is over (~1.9 s), so it is heard
    quiet = estimate_speech_s("Calf raise. Get in position")
    t3 = said[1][0]
    assert quiet <= t3 < quiet + 1.0 / FPS + 1e-9
    assert [(round(t - t3, 3), k, x) for t, k, x in said[1:5]] == [
        (0.0, "countdown", "3"), (1.0, "countdown", "2"), (2.0, "countdown", "1"), (3.0, "go", "Go")]
    assert [(t, x) for t, k, x in said if k == "count"][:3] == [(5.0, "1"), (6.0, "2"), (7.0, "3")]
    assert (7.0, "set_done", "Set done: 3 reps") in said and (7.0, "rest", "Rest 5 seconds") in said
    assert [x for t, k, x in said if k == "rest"] == ["Rest 5 seconds"]  # no "10 seconds left" in a 5 s rest
    nxt = [t for t, k, x in said if x == "Set 2 of 2. Get in position"]
    assert nxt == [12.0]
    cd = [t for t, k, x in said if k == "countdown" and t > 12]
    assert cd[0] == 15.5  # waited for the person to come back, then settled 0.5 s
    assert said[-1][1:] == ("done", "Workout done. Great job") and flow.completed
    assert [r.reps for r in flow.results] == [3, 3]


def test_long_rest_warns_ten_seconds_before_the_end():
    flow = WorkoutFlow(Plan("p", "P", (PlanItem("calf_raise", "Calf raise", sets=2, reps=1, rest_s=30.0),)))
    out = run(flow, 45.0, reps_at=[5.0])
    assert [(t, x) for t, k, x in out if k == EventKind.REST] == [(5.0, "Rest 30 seconds"), (25.0, "10 seconds")]


def test_reps_during_the_countdown_are_never_lost():
    flow = WorkoutFlow(Plan("p", "P", (PlanItem("calf_raise", "Calf raise", sets=1, reps=2),)))
    out = run(flow, 10.0, reps_at=[1.0, 2.0])
    kinds = [k for _, k, _ in out]
    assert EventKind.GO not in kinds  # started moving before "go": went straight to counting
    assert [x for _, k, x in out if k == EventKind.COUNT] == ["1", "2"]
    assert kinds[-1] == EventKind.DONE


def test_sides_switch_after_every_set_of_the_first_side():
    item = PlanItem("hip_abduction", "Hip abduction", sets=2, reps=1, sides=("left", "right"), rest_s=1.0)
    flow = WorkoutFlow(Plan("p", "P", (item,)))
    out = run(flow, 60.0, reps_at=[5.0, 12.0, 19.0, 26.0])
    ready = [x for _, k, x in out if k == EventKind.GET_READY]
    assert ready == ["Hip abduction, left side first. Get in position", "Set 2 of 2. Get in position",
                     "Switch to your right side. Get in position", "Set 2 of 2. Get in position"]
    assert [(r.side, r.set_no) for r in flow.results] == [("left", 1), ("left", 2), ("right", 1), ("right", 2)]


def test_timed_bout_and_hold_and_next_exercise():
    plan = Plan("p", "P", (PlanItem("foam_roll", "Foam roll", duration_s=20.0, rest_s=2.0),
                           PlanItem(None, "Big-toe lifts", hold_s=12.0, rest_s=0.0)))
    flow = WorkoutFlow(plan)
    # during the hold the person is out of position 36-39 s: that time does not count
    out = run(flow, 80.0, in_position=lambda t: not (36.0 <= t < 39.0))
    said = [(t, k, x) for t, k, x in out]
    done1 = [t for t, k, x in said if x == "Set done: 20 seconds"]
    go1 = [t for t, k, x in said if k == EventKind.GO][0]
    assert done1 and done1[0] == pytest.approx(go1 + 20.0, abs=0.15)
    assert any(x == "10 seconds left" for _, _, x in said)
    assert ("Next: Big-toe lifts. Get in position" in [x for _, _, x in said])
    end = [t for t, k, x in said if k == EventKind.DONE][0]
    start2 = [t for t, k, x in said if k == EventKind.GO][1]
    assert start2 < 36.0 < 39.0 < end  # the time out of position is inside the hold
    assert end - start2 == pytest.approx(12.0 + 3.0, abs=0.2)  # 3 s out of position not counted
    assert [r.work_s for r in flow.results] == [pytest.approx(20.0, abs=0.15), pytest.approx(12.0, abs=0.15)]


def test_a_hold_counts_the_checkers_hold_time_not_just_standing_there():
    flow = WorkoutFlow(Plan("p", "P", (PlanItem("hip_width_leg_extension", "Hold", sets=2, hold_s=5.0, rest_s=1.0),)))
    out = []
    # the checker's timer runs only 5-8 s and 9-12 s (two holds; it restarts for each)
    for k in range(0, 300):
        t = k / FPS
        hold = (min(t, 8.0) - 5.0) if 5.0 <= t < 9.0 else (t - 9.0) if 9.0 <= t < 12.0 else 0.0
        out += [(t, e.kind, e.text) for e in flow.update(t, [], True, timed_s=hold)]
    done = [t for t, k, x in out if k == EventKind.SET_DONE]
    assert done[0] == pytest.approx(11.0, abs=0.15)  # 3 s of the first hold + 2 s of the second
    assert flow.results[0].work_s == pytest.approx(5.0, abs=0.15)


def test_walking_away_mid_set_keeps_the_set_and_stops():
    flow = WorkoutFlow(Plan("p", "P", (PlanItem("calf_raise", "Calf raise", sets=3, reps=20),)),
                       {"away_s": 4.0})
    out = run(flow, 40.0, reps_at=[5.0, 6.0], seen=lambda t: t < 8.0, in_position=lambda t: t < 8.0)
    assert out[-1][1] == EventKind.STOPPED and out[-1][0] == pytest.approx(12.0, abs=0.11)
    assert flow.stopped and not flow.completed
    assert [(r.reps, r.stopped_early) for r in flow.results] == [(2, True)]


def test_open_ended_set_ends_when_the_checker_says_the_person_stepped_away():
    flow = WorkoutFlow(Plan("free", "Calf raise", (PlanItem("calf_raise", "Calf raise", sets=None, rest_s=3.0),)))
    out = run(flow, 30.0, reps_at=[5.0, 6.0, 7.0, 15.0], set_end_at=[9.0])
    said = [(k, x) for _, k, x in out]
    assert (EventKind.SET_DONE, "Set done: 3 reps") in said
    assert (EventKind.GET_READY, "Set 2. Get in position") in said
    assert [r.reps for r in flow.results] == [3] and flow.set_reps == 1 and flow.phase == Phase.ACTIVE


def test_unknown_flow_setting_is_rejected():
    with pytest.raises(FormcheckError, match="away_seconds"):
        WorkoutFlow(Plan("p", "P", (PlanItem("calf_raise", "C"),)), {"away_seconds": 3})


def test_the_countdown_waits_for_a_hint_said_by_the_session():
    flow = WorkoutFlow(Plan("p", "P", (PlanItem("calf_raise", "Calf raise", sets=1, reps=1),)))
    hint = "Step back: your feet are out of the picture"
    out, k = [], 0
    while k < 120:
        t = round(k / FPS, 3)
        out += [(t, e.kind, e.text) for e in flow.update(t, [], True)]
        if t == 2.5:  # the session's position hint, said while the countdown runs
            flow.note_said(t, [Event(EventKind.HINT, t, hint)])
        k += 1
    cd = [(t, x) for t, kind, x in out if kind in (EventKind.COUNTDOWN, EventKind.GO)]
    quiet = 2.5 + estimate_speech_s(hint)
    assert [x for _, x in cd if _ >= quiet] == ["3", "2", "1", "Go"]  # started again once it was said
    assert all(not (2.5 < t < quiet) for t, _ in cd)  # nothing spoken over the hint
