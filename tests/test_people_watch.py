"""Live: somebody else in view is looked for at the start and every so often, never every frame, and
said when it appears (run.people.PeopleWatch), on the status line and the overlay."""
from __future__ import annotations

import numpy as np
import pytest

from formcheck.app.live_view import status_line
from formcheck.pose.stream import PEOPLE_CHECK_AT_S
from formcheck.run.display import SessionState, overlay_lines
from formcheck.run.people import PEOPLE_RECHECK_S, PeopleWatch

LEFT, RIGHT = (0.25, 0.5), (0.75, 0.5)
FRAME = np.zeros((48, 64, 3), np.uint8)


class FakeFinder:
    """Says who is in view from a script of (from_s, centres); counts its looks."""

    def __init__(self, script):
        self.script, self.looks, self.t_s, self.closed = script, [], 0.0, False

    def centres(self, image_rgb):
        if image_rgb.shape[0] == 256:  # PeopleWatch.prepare's warm-up look
            return []
        self.looks.append(self.t_s)
        return [c for from_s, c in self.script if from_s <= self.t_s][-1]

    def close(self):
        self.closed = True


class _Sample:
    def centre(self):
        return LEFT


def run(script, until_s, fps=30):
    finder = FakeFinder(script)
    watch = PeopleWatch(lambda: finder)
    said = []
    for i in range(int(until_s * fps)):
        finder.t_s = i / fps
        line = watch.update(finder.t_s, FRAME, _Sample())
        if line:
            said.append((round(finder.t_s, 2), line))
    watch.close()
    return watch, finder, said


def test_looks_at_the_start_then_every_so_often_not_every_frame():
    watch, finder, said = run([(0.0, [LEFT])], until_s=30.0)
    assert finder.looks[:len(PEOPLE_CHECK_AT_S)] == [min(i / 30 for i in range(900) if i / 30 >= t)
                                                     for t in PEOPLE_CHECK_AT_S]
    later = np.diff(finder.looks[len(PEOPLE_CHECK_AT_S) - 1:])
    assert len(later) == 5 and all(abs(d - PEOPLE_RECHECK_S) < 0.05 for d in later)  # 30 s: 10 looks, not 900
    assert said == [] and watch.note is None and finder.closed


def test_two_people_are_said_once_as_soon_as_two_looks_agree():
    watch, _, said = run([(0.0, [LEFT, RIGHT])], until_s=20.0)
    assert said == [(1.27, "Two people in view: counting the one on the left; film one person at a time "
                           "for a sure count")]
    assert watch.notes == [said[0][1]]


def test_a_second_person_who_leaves_and_comes_back_is_said_again():
    script = [(0.0, [LEFT, RIGHT]), (3.0, [LEFT]), (40.0, [RIGHT, LEFT])]
    watch, finder, said = run(script, until_s=75.0)
    assert [t for t, _ in said] == pytest.approx([1.27, 49.27], abs=0.1)  # back at 40 s: said once two of the last three looks see two
    assert watch.note is not None and len(watch.notes) == 1  # the same line is listed once for the summary


def test_the_status_line_and_overlay_name_them_while_they_are_there():
    note = "Two people in view: counting the one on the left; film one person at a time for a sure count"
    active = SessionState("calf_raise", "Floor calf raise", phase="active", status="Counting", people=note)
    assert status_line(active) == "Counting · Two people in view: counting the one on the left"
    waiting = SessionState("calf_raise", "Floor calf raise", phase="waiting", people=note)
    assert status_line(waiting) == "Two people in view: counting the one on the left"
    assert "Two people in view: counting the one on the left" in overlay_lines(active, free=True, sided=False)
    alone = SessionState("calf_raise", "Floor calf raise", phase="active", status="Counting")
    assert status_line(alone) == "Counting" and not any("people" in ln for ln in overlay_lines(alone, free=True,
                                                                                                sided=False))
