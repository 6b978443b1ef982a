"""A checked clip's session in the history (`sinks.history.save_result`): checking the same clip
again with the same outcome keeps one session on My progress, never two."""
from formcheck.checkers.base import CheckResult
from formcheck.events import Fault, Rep
from formcheck.sinks.history import HistoryStore, save_result


def _result(n: int = 3, exercise: str = "calf_raise", height_cm: float = 6.5) -> CheckResult:
    reps = [Rep(i, 2.0 * i, 2.0 * i + 0.8, 2.0 * i + 1.6, {"peak_height_cm": height_cm, "rise_s": 0.8},
                [Fault("too_fast", "Slow down")] if i == 2 else []) for i in range(1, n + 1)]
    return CheckResult(exercise, n, reps, "side", {"legs": ["left"]}, ["Slow down"], 2.0, 2.0 * n + 1.6)


def test_the_same_clip_checked_twice_is_one_session(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        first = save_result(store, _result(), "clip:calf.mp4")
        again = save_result(store, _result(), "clip:calf.mp4")
        assert again == first and len(store.sessions()) == 1 and len(store.reps(first)) == 3


def test_another_outcome_or_another_clip_is_a_new_session(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        first = save_result(store, _result(), "clip:calf.mp4")
        ids = {first,
               save_result(store, _result(n=4), "clip:calf.mp4"),  # counted differently (another model)
               save_result(store, _result(height_cm=7.0), "clip:calf.mp4"),  # a figure differs
               save_result(store, _result(exercise="seated_calf_raise"), "clip:calf.mp4"),
               save_result(store, _result(), "clip:other.mp4")}
        assert len(ids) == 5 and len(store.sessions()) == 5


def test_a_session_cut_off_while_saving_is_not_taken_for_the_finished_one(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        cut = store.start_session("calf_raise", "clip:calf.mp4")  # never ended (the app was closed midway)
        for rep in _result().reps:
            store.add_rep(cut, rep)
        saved = save_result(store, _result(), "clip:calf.mp4")
        assert saved != cut and store.sessions_from("clip:calf.mp4")[0].ended_at is not None


def test_timed_checks_of_one_clip_name_with_other_figures_are_two_sessions(tmp_path):
    # an ankle alphabet has no reps: its figures are in the summary, and two uploads may share a name
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        long = CheckResult("ankle_alphabet", 0, [], "side", {"active_s": 120.0}, [])
        short = CheckResult("ankle_alphabet", 0, [], "side", {"active_s": 15.0}, ["Trace bigger letters"])
        first, second = save_result(store, long, "clip:video.mp4"), save_result(store, short, "clip:video.mp4")
        assert first != second and save_result(store, long, "clip:video.mp4") == first
