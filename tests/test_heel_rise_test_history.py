"""The heel-rise test in the history and the CLI: an old history file gains the table and keeps its
sessions; `analyze --heel-rise-test` refuses bad input with one line before any work."""
import json
import sqlite3
import subprocess
import sys

import pytest

from formcheck.events import Rep
from formcheck.run.heel_rise_test import heel_rise_test
from formcheck.sinks.history import HistoryStore

# The history's tables as they were before the heel-rise test (sinks/history.py at main ab269f4).
OLD_SCHEMA = """
CREATE TABLE sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at REAL NOT NULL, ended_at REAL,
    exercise TEXT NOT NULL, source TEXT NOT NULL, rep_count INTEGER NOT NULL DEFAULT 0,
    summary_json TEXT NOT NULL DEFAULT '{}');
CREATE TABLE reps (session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, start_s REAL, peak_s REAL, end_s REAL, side TEXT, metrics_json TEXT NOT NULL,
    faults_json TEXT NOT NULL, PRIMARY KEY (session_id, idx));
INSERT INTO sessions VALUES (1, 1700000000.0, 1700000100.0, 'calf_raise', 'live', 1, '{"best_height_cm": 7.5}');
INSERT INTO reps VALUES (1, 1, 0.5, 1.0, 1.5, NULL, '{"peak_height_cm": 7.5}', '[]');
"""


def test_an_old_history_keeps_its_sessions_and_stores_heel_rise_tests(tmp_path):
    path = tmp_path / "history.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    old.commit()
    old.close()
    result = heel_rise_test([Rep(i + 1, 2.0 * i, 2.0 * i + 0.8, 2.0 * i + 1.6, {"peak_height_cm": 6.0}, side="left")
                             for i in range(4)], 70).to_dict()
    with HistoryStore(path) as store:
        [s] = store.sessions()
        assert (s.id, s.exercise, s.rep_count, s.summary) == (1, "calf_raise", 1, {"best_height_cm": 7.5})
        assert store.reps(1)[0]["metrics"] == {"peak_height_cm": 7.5}
        assert store.heel_rise_tests() == []
        sid = store.start_session("calf_raise", "clip:test.mp4")
        store.add_heel_rise_test(result, "clip:test.mp4", session_id=sid, taken_at=1700000200.0)
    with HistoryStore(path) as store:  # opened again: kept, and the table is not made twice
        [row] = store.heel_rise_tests()
        assert (row.session_id, row.source, row.body_mass_kg) == (sid, "clip:test.mp4", 70.0)
        assert row.result["legs"]["left"]["reps"] == 4
        assert row.result["legs"]["left"]["work_j"] == pytest.approx(round(70 * 9.81 * 0.24, 1))
        assert len(store.sessions()) == 2


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "formcheck.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("args, says", [
    (["--exercise", "calf_raise", "--heel-rise-test"], "needs your body mass: add --body-mass-kg"),
    (["--exercise", "calf_raise", "--heel-rise-test", "--body-mass-kg", "12"], "out of range"),
    (["--exercise", "calf_raise", "--heel-rise-test", "--body-mass-kg", "400"], "out of range"),
    (["--exercise", "leg_press", "--heel-rise-test", "--body-mass-kg", "70"], "add --exercise calf_raise"),
    (["--exercise", "calf_raise", "--body-mass-kg", "70"], "add --heel-rise-test"),
])
def test_bad_heel_rise_test_options_are_one_line_before_any_work(tmp_path, args, says):
    clip = tmp_path / "never_read.mp4"  # not even there: the options are refused first
    out = run_cli("analyze", clip, *args)
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and says in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_live_plan_heel_rise_test_without_the_body_mass_is_one_line():
    out = run_cli("live", "--plan", "heel_rise_test", "--no-window", "--quiet")
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "add --body-mass-kg" in out.stderr


@pytest.mark.slow
def test_analyze_heel_rise_test_on_a_real_single_leg_clip(tmp_path):
    from conftest import shared_clip
    clip = shared_clip("single_leg_calf_raise_fitbod_side.mp4")
    report = tmp_path / "report.json"
    out = run_cli("analyze", clip, "--exercise", "calf_raise", "--heel-rise-test", "--body-mass-kg", "70",
                  "--report", report)
    assert out.returncode == 0, out.stderr
    assert "RIGHT leg: 3 REPS" in out.stdout and "Heel-rise test saved to your history (" in out.stdout and "My progress page" in out.stdout
    data = json.loads(report.read_text())
    assert data["schema_version"] == 1 and data["rep_count"] == 3  # the rest of the report as before
    test = data["heel_rise_test"]
    assert test["legs"]["right"]["reps"] == 3 and test["legs"]["right"]["work_j"] > 0
    with HistoryStore() as store:  # FORMCHECK_HOME: the test's own (conftest)
        [row] = store.heel_rise_tests()
        assert row.result == test and len(store.reps(row.session_id)) == 3


@pytest.mark.parametrize("complete, side, kept", [(True, "right", True), (False, "right", False),
                                                   (True, None, False)])
def test_a_checked_clip_keeps_whole_tests_only_with_its_session(tmp_path, complete, side, kept):
    """`analyze --heel-rise-test` and the app's Check a video keep a clip's test through one function: a
    partial clip, or one without a counted single-leg rep, is scored but not kept."""
    from pathlib import Path
    from types import SimpleNamespace
    from formcheck.checkers.base import CheckResult
    from formcheck.run.heel_rise_clip import keep_clip_test, score_clip
    reps = [Rep(i + 1, 2.0 * i, 2.0 * i + 0.8, 2.0 * i + 1.6, {"peak_height_cm": 6.0}, side=side) for i in range(4)]
    analysis = SimpleNamespace(result=CheckResult("calf_raise", 4, reps, "side"), complete=complete,
                               info=SimpleNamespace(path=Path("/clips/my test.mp4")))
    report = {}
    result = score_clip(analysis, 70, report)
    assert report["heel_rise_test"] == result.to_dict()
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        test_id = keep_clip_test(store, analysis, result)
        rows = store.heel_rise_tests()
        assert (test_id is not None, len(rows), len(store.sessions())) == (kept, int(kept), int(kept))
        if kept:
            [session] = store.sessions()
            assert rows[0].session_id == session.id and rows[0].source == session.source == "clip:my test.mp4"
            assert len(store.reps(session.id)) == 4


def test_the_same_clip_checked_again_keeps_one_test(tmp_path):
    """A clip analysed twice with --heel-rise-test is one test on My progress (and one session); the
    same name with another result (another day's IMG_0001.mov) is a test of its own."""
    from pathlib import Path
    from types import SimpleNamespace
    from formcheck.checkers.base import CheckResult
    from formcheck.run.heel_rise_clip import keep_clip_test, score_clip

    def clip(height_cm):
        reps = [Rep(i + 1, 2.0 * i, 2.0 * i + 0.8, 2.0 * i + 1.6, {"peak_height_cm": height_cm}, side="left")
                for i in range(4)]
        return SimpleNamespace(result=CheckResult("calf_raise", 4, reps, "side"), complete=True,
                               info=SimpleNamespace(path=Path("/clips/IMG_0001.mov")))
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        first = keep_clip_test(store, clip(6.0), score_clip(clip(6.0), 70, {}))
        again = keep_clip_test(store, clip(6.0), score_clip(clip(6.0), 70, {}))
        other = keep_clip_test(store, clip(7.0), score_clip(clip(7.0), 70, {}))
        assert again == first and other != first
        assert len(store.heel_rise_tests()) == 2 and len(store.sessions()) == 2
        # kept before its words were reworded: still the same test
        row = store.heel_rise_tests_from("clip:IMG_0001.mov")[-1]
        old = dict(row.result, flags=["worded otherwise"])
        store._db.execute("UPDATE heel_rise_tests SET result_json = ? WHERE id = ?", (json.dumps(old), row.id))
        assert keep_clip_test(store, clip(6.0), score_clip(clip(6.0), 70, {})) == first
