"""The app's plain helpers: upload checks, sample listing, ICE settings, table wording, the live bridge."""
from __future__ import annotations

import io
import json
import queue
import threading

import numpy as np
import pytest

from formcheck.app.ice import ENV_VAR, ice_servers
from formcheck.app.live_bridge import LiveBridge
from formcheck.app.samples import list_samples
from formcheck.app.tables import metric_display, metric_label, rep_table
from formcheck.app.uploads import Workdir, check_upload, safe_name, save_upload
from formcheck.checkers.base import Event, EventKind, Fault, LiveState, Rep
from formcheck.errors import FormcheckError

EXERCISES = ["calf_raise", "seated_calf_raise", "leg_extension", "hip_width_leg_extension"]


# ---- uploads -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["a.mp4", "A.MOV", "x.webm", "y.avi", "z.mkv", "w.m4v"])
def test_common_containers_are_accepted(name):
    check_upload(name, 1000)


@pytest.mark.parametrize("name,size,words", [
    ("photo.jpg", 1000, "not a video file"),
    ("notes.txt", 1000, "not a video file"),
    ("empty.mp4", 0, "empty"),
    ("huge.mp4", 501 * 1024 * 1024, "limit is 500 MB"),
])
def test_bad_uploads_get_one_plain_line(name, size, words):
    with pytest.raises(FormcheckError) as err:
        check_upload(name, size)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_upload_names_cannot_leave_the_folder(tmp_path):
    assert safe_name("../../etc/passwd.mp4") == "passwd.mp4"
    assert safe_name("C:\\Users\\me\\my clip (1).mov") == "my clip _1_.mov"
    dest = save_upload(io.BytesIO(b"abc" * 100), "../x/../clip.mp4", 300, tmp_path)
    assert dest.parent == tmp_path and dest.read_bytes() == b"abc" * 100


def test_workdir_is_private_and_removed(tmp_path):
    work = Workdir()
    first = work.fresh("review")
    (first / "old.mp4").write_bytes(b"x")
    again = work.fresh("review")
    assert again == first and not (again / "old.mp4").exists()  # the previous review's files are gone
    work.cleanup()
    assert not work.path.exists()


# ---- samples -------------------------------------------------------------------------
def test_samples_take_the_exercise_from_the_truth_file_or_the_name(tmp_path):
    assert list_samples(EXERCISES, tmp_path / "missing") == []
    (tmp_path / "clip_a.mp4").write_bytes(b"x")
    (tmp_path / "clip_a.truth.json").write_text(json.dumps({"exercise": "seated_calf_raise"}))
    (tmp_path / "hip_width_leg_extension_front.mp4").write_bytes(b"x")
    (tmp_path / "mystery.mp4").write_bytes(b"x")
    (tmp_path / "calf_raise_x.partial.mp4").write_bytes(b"x")
    found = {s.name: s.exercise for s in list_samples(EXERCISES, tmp_path)}
    assert found == {"clip_a.mp4": "seated_calf_raise", "hip_width_leg_extension_front.mp4": "hip_width_leg_extension",
                     "mystery.mp4": None}


# ---- ICE servers ---------------------------------------------------------------------
def test_no_ice_servers_by_default():
    assert ice_servers({}, None) == []
    assert ice_servers({}, {}) == []


def test_ice_servers_from_the_environment_and_secrets():
    env = {ENV_VAR: '[{"urls": ["stun:stun.example.org:3478"]}]'}
    assert ice_servers(env, None) == [{"urls": ["stun:stun.example.org:3478"]}]
    env = {ENV_VAR: '{"iceServers": [{"urls": "turn:t.example.org", "username": "u", "credential": "c"}]}'}
    assert ice_servers(env, None)[0]["username"] == "u"
    secrets = {"ice_servers": ({"urls": ("turn:t.example.org:3478",), "username": "me"},)}
    assert ice_servers({}, secrets) == [{"urls": ["turn:t.example.org:3478"], "username": "me"}]
    assert ice_servers({ENV_VAR: '[{"urls": ["stun:a"]}]'}, secrets) == [{"urls": ["stun:a"]}]  # env wins


@pytest.mark.parametrize("raw,words", [("[{", "not valid JSON"), ('[{"url": "x"}]', "needs \"urls\""),
                                       ('"stun:x"', "must be a list")])
def test_bad_ice_setting_is_one_line(raw, words):
    with pytest.raises(FormcheckError, match=words):
        ice_servers({ENV_VAR: raw}, None)


# ---- tables --------------------------------------------------------------------------
@pytest.mark.parametrize("key,label", [("peak_height_cm", "Peak height (cm)"), ("rise_s", "Rise (s)"),
                                       ("min_knee_angle_deg", "Lowest knee angle (°)"),
                                       ("pct_of_best", "% of your best")])
def test_metric_labels_are_plain_words(key, label):
    assert metric_label(key) == label


def test_metric_tiles():
    assert metric_display("best_height_cm", 5.714) == ("Best height", "5.7 cm")
    assert metric_display("hold_s", 30.0) == ("Hold", "30 s")


def test_rep_table_has_one_row_per_rep_and_the_fixes():
    from formcheck.app.tables import NOT_MEASURED
    reps = [Rep(1, 0.1, 0.5, 1.0, {"peak_height_cm": 5.04}).to_dict(),
            Rep(2, 2.0, 2.5, 3.0, {"peak_height_cm": 3.0, "rise_s": 0.2}).to_dict()]
    reps[1]["faults"] = [{"code": "low_rise", "message": "Rise higher"}]
    df = rep_table(reps)
    assert list(df["Rep"]) == [1, 2]
    assert list(df["What to fix"]) == ["Good", "Rise higher"]
    assert list(df["Peak height (cm)"]) == [5.0, 3.0]
    assert df["Rise (s)"].tolist()[0] == NOT_MEASURED  # a gap, never "None"
    assert list(rep_table(reps, max_metrics=1).columns) == ["Rep", "When (s)", "What to fix", "Peak height (cm)"]


# ---- live bridge ---------------------------------------------------------------------
class FakeEngine:
    """Stands in for LiveSession: counts a rep every third frame, shows a cue on the fifth."""

    made = 0
    latest: "FakeEngine | None" = None  # the engine made last (the bridge keeps its own private)

    def __init__(self):
        FakeEngine.made += 1
        FakeEngine.latest = self
        self.times: list[float] = []
        self._state = LiveState("calf_raise", "Floor calf raise")
        self.closed = False

    def process(self, image_rgb, t_ms):
        assert not self.closed
        self.times.append(t_ms)
        n = len(self.times)
        events = []
        if n % 3 == 0:
            self._state.rep_count += 1
            events.append(Event(EventKind.REP, t_ms / 1000, "rep", Rep(self._state.rep_count, 0, 0, 0)))
        if n == 5:
            events.append(Event(EventKind.CUE, t_ms / 1000, "Rise higher"))
        out = image_rgb.copy()
        out[0, 0] = 255
        return out, events

    @property
    def state(self):
        return self._state

    def close(self):
        self.closed = True
        return {"reps": self._state.rep_count}


def test_bridge_runs_one_engine_per_camera_session():
    FakeEngine.made = 0
    bridge = LiveBridge(FakeEngine, clock=lambda: 12.0)  # a stuck clock: timestamps must still increase
    img = np.zeros((4, 4, 3), np.uint8)
    for _ in range(7):
        out = bridge.process_rgb(img)
    assert out[0, 0, 0] == 255 and img[0, 0, 0] == 0
    snap = bridge.latest()
    assert snap.frames == 7 and snap.state.rep_count == 2 and [r["index"] for r in snap.reps] == [1, 2]
    assert snap.cues == ["Rise higher"]
    engine_times = FakeEngine.latest.times
    assert all(b > a for a, b in zip(engine_times, engine_times[1:]))
    assert bridge.end() == {"reps": 2} and not bridge.running
    assert bridge.latest().summary == {"reps": 2}
    bridge.process_rgb(img)  # camera started again: a fresh engine, a fresh count
    assert FakeEngine.made == 2 and bridge.latest().frames == 1 and bridge.latest().reps == []


def test_bridge_keeps_only_the_newest_snapshot_and_never_blocks():
    bridge = LiveBridge(FakeEngine)
    img = np.zeros((4, 4, 3), np.uint8)
    done = threading.Event()

    def camera():
        for _ in range(50):
            bridge.process_rgb(img)
        done.set()

    threading.Thread(target=camera).start()
    assert done.wait(5), "the frame thread blocked on a page that never read"
    assert bridge.snapshots.qsize() == 1 and bridge.latest().frames == 50
    with pytest.raises(queue.Empty):
        bridge.snapshots.get_nowait()
    assert bridge.latest().frames == 50  # the page keeps its last copy


def test_bridge_turns_an_engine_failure_into_a_message():
    class Broken(FakeEngine):
        def process(self, image_rgb, t_ms):
            raise RuntimeError("camera frame too small\nmore detail")

    bridge = LiveBridge(Broken)
    img = np.zeros((4, 4, 3), np.uint8)
    assert bridge.process_rgb(img) is img  # the picture still goes back
    err = bridge.latest().error
    assert "camera frame too small" in err and "\n" not in err


# ---- progress ------------------------------------------------------------------------
def test_progress_per_day_and_csv_exports():
    import datetime as dt

    from formcheck.app.progress import daily_progress, reps_csv_all, sessions_csv, sessions_table
    from formcheck.sinks.history import HistoryStore

    day1 = dt.datetime(2026, 3, 1, 9, 0).timestamp()
    day2 = dt.datetime(2026, 3, 2, 9, 0).timestamp()
    with HistoryStore() as store:
        for start, heights in ((day1, [4.0, 5.0]), (day1 + 3600, [6.0]), (day2, [5.5, 5.0, 4.5])):
            sid = store.start_session("calf_raise", "live", started_at=start)
            for i, h in enumerate(heights):
                store.add_rep(sid, Rep(i + 1, i, i + 0.5, i + 1, {"peak_height_cm": h}))
            store.end_session(sid, {}, ended_at=start + 120)
        sessions = sessions_table(store)
        days = daily_progress(sessions)
        assert days.to_dict("records") == [
            {"Date": "2026-03-01", "Exercise": "Floor calf raise", "Reps": 3, "Best heel height (cm)": 6.0},
            {"Date": "2026-03-02", "Exercise": "Floor calf raise", "Reps": 3, "Best heel height (cm)": 5.5}]
        assert list(sessions["Minutes"]) == [2.0, 2.0, 2.0]
        csv_text = sessions_csv(sessions)
        assert csv_text.splitlines()[0].startswith("Session,Date,Time,Exercise,From,Reps")
        assert len(csv_text.strip().splitlines()) == 4
        reps = reps_csv_all(store, sessions).strip().splitlines()
        assert len(reps) == 1 + 6 and "peak_height_cm" in reps[0]


def test_bridge_shows_a_message_only_while_it_is_fresh():
    now = [0.0]
    bridge = LiveBridge(FakeEngine, clock=lambda: now[0])
    img = np.zeros((4, 4, 3), np.uint8)
    for _ in range(5):  # the fake engine says "Rise higher" on its fifth frame
        now[0] += 0.5
        bridge.process_rgb(img)
    assert bridge.latest().message == "Rise higher"
    now[0] += 7.0
    bridge.process_rgb(img)
    assert bridge.latest().message is None and bridge.latest().cues == ["Rise higher"]


# ---- live panel wording --------------------------------------------------------------
def test_live_panel_words_follow_the_workout():
    from formcheck.app.live_view import exercise_line, status_line, tiles
    from formcheck.run.display import SessionState

    active = SessionState("calf_raise", "Floor calf raise", phase="active", status="Counting", item_title="Calf raise",
                          exercise_no=2, exercises_total=8, set_no=2, sets_total=3, set_reps=7, target_reps=20,
                          total_reps=27)
    assert tiles(active) == [("Reps", "7 / 20"), ("Set", "2 of 3"), ("Reps today", "27")]
    assert status_line(active) == "Counting" and exercise_line(active) == "Calf raise  ·  exercise 2 of 8"
    rest = SessionState("calf_raise", "Floor calf raise", phase="rest", set_no=2, sets_total=3, set_reps=20,
                        target_reps=20, rest_left_s=44.6)
    assert ("Rest", "45 s") in tiles(rest) and status_line(rest).startswith("Rest")
    hold = SessionState("hip_width_leg_extension", "Hold", phase="active", set_no=1, sets_total=3, target_s=30,
                        work_s=12.4)
    assert tiles(hold)[0] == ("Time", "12 / 30 s")
    waiting = SessionState("calf_raise", "Floor calf raise", phase="waiting", hint="Step back: show your feet")
    assert status_line(waiting) == "Step back: show your feet"
    assert status_line(SessionState("calf_raise", "x", phase="done")).startswith("Workout done")
    free = SessionState("calf_raise", "Floor calf raise", phase="countdown", countdown=2, set_no=1)
    assert tiles(free) == [("Reps", "0"), ("Set", "1"), ("Get ready", "2")]


def test_plan_table_says_what_the_camera_counts():
    from formcheck.app.tables import plan_table
    from formcheck.run.plans import Plan, PlanItem

    plan = Plan("p", "Test plan", (PlanItem("calf_raise", "Calf raise", sets=3, reps=20, rest_s=60),
                                   PlanItem("no_such_checker_yet", "Future", sets=1, reps=5, rest_s=30),
                                   PlanItem(None, "Toe lifts", sets=2, hold_s=10, rest_s=20, note="Lift the big toes")))
    from formcheck.checkers import all_checkers
    df = plan_table(plan, {"calf_raise": all_checkers()["calf_raise"]})
    assert list(df["How much"]) == ["3 x 20", "5", "2 x 10 s hold"]
    assert list(df["Rest"]) == ["1 min rest", "30 s rest", "20 s rest"]
    assert list(df["What the camera does"]) == ["Counts reps, checks form", "Not yet (your own count)",
                                                "Your own timer (not watched)"]
    assert df["Tip"].iloc[2] == "Lift the big toes"


def test_any_failure_becomes_one_plain_line():
    from formcheck.app.messages import one_line
    assert one_line(FormcheckError("nobody found in a.mp4: film the whole body")) == \
        "nobody found in a.mp4: film the whole body"
    msg = one_line(RuntimeError("boom\n  File x.py, line 3"))
    assert msg.startswith("Something went wrong (boom)") and "\n" not in msg and "File" not in msg


# ---- tables and errors tell the truth (issue 11) ---------------------------------------
def test_plan_table_never_says_a_timer_is_counted():
    from formcheck.app.tables import TIMER_ONLY, plan_table
    from formcheck.checkers import all_checkers
    from formcheck.run.plans import load_plans
    plans = load_plans()
    for plan in plans.values():
        df = plan_table(plan, all_checkers())
        for it, does in zip(plan.items, df["What the camera does"]):
            mode = all_checkers()[it.exercise].mode.value if it.exercise else None
            if mode != "reps":
                assert "count" not in does.lower(), (it.title, does)
    rescue = plan_table(plans["high_heel_rescue"], all_checkers()).set_index("Exercise")
    assert rescue.loc["Big-toe lifts", "What the camera does"] == "Times the hold only (it cannot see toes)"
    assert rescue.loc["Hip-width leg extension hold", "What the camera does"] == "Times the hold"
    assert rescue.loc["Ankle point and flex", "What the camera does"] == "Counts reps, checks form"
    assert rescue.loc["Big-toe lifts", "Tip"] == "Lift only your big toes and hold"


def test_tables_show_a_dash_not_none_and_round():
    import math

    import pandas as pd

    from formcheck.app.tables import NOT_MEASURED, for_display, rep_table
    df = for_display(pd.DataFrame({"Best heel height (cm)": [7.25333, None], "Minutes": [2.1333333, math.nan],
                                   "Reps": [3, 4]}))
    assert list(df["Best heel height (cm)"]) == ["7.3", NOT_MEASURED] and list(df["Minutes"]) == ["2.1", NOT_MEASURED]
    assert list(df["Reps"]) == [3, 4]
    reps = rep_table([{"index": 1, "metrics": {"held_s": 3.0}}, {"index": 2, "metrics": {"held_s": None}}])
    assert "None" not in reps.astype(str).to_string()


def test_csv_figures_are_rounded():
    from formcheck.app.progress import reps_csv_all, sessions_csv, sessions_table
    from formcheck.sinks.history import HistoryStore
    from formcheck.sinks.report import reps_csv
    report = {"reps": [{"index": 1, "start_s": 0.0333333, "peak_s": 1.0, "end_s": 2.1333333333333333, "side": None,
                        "metrics": {"peak_height_cm": 4.0912, "rise_s": float("nan")}, "faults": []}]}
    text = reps_csv(report)
    assert "2.13," in text and "4.09," in text and "2.1333" not in text and "nan" not in text
    with HistoryStore() as store:
        sid = store.start_session("calf_raise", "live", started_at=1000.0)
        store.add_rep(sid, Rep(1, 0.0333333, 1.0, 2.1333333, {"peak_height_cm": 4.0912345}))
        store.end_session(sid, {}, ended_at=1128.0)
        sessions = sessions_table(store)
        for text in (sessions_csv(sessions), reps_csv_all(store, sessions)):
            assert "2.133" not in text and "4.091" not in text, text
        assert "4.09" in reps_csv_all(store, sessions)


def test_a_video_played_as_the_camera_is_not_a_checked_video():
    from formcheck.app.progress import source_words
    assert source_words("live-clip:calf.mp4") == "Live, a video as the camera: calf.mp4"
    assert source_words("clip:calf.mp4") == "Video: calf.mp4"
    assert source_words("live") == "Live camera"


def test_errors_in_the_app_hide_the_servers_folders():
    from formcheck.app.messages import one_line
    msg = one_line(FormcheckError("cannot read /tmp/formcheck-app-k2j/review/my clip.mp4: no video in it"))
    assert msg == "cannot read my clip.mp4: no video in it"
    msg = one_line(OSError("[Errno 28] No space left: '/tmp/formcheck-app-k2j/review/x-checked.mp4'"))
    assert "/tmp" not in msg and "x-checked.mp4" in msg
    assert one_line(FormcheckError("2/3 of the frames are dark")) == "2/3 of the frames are dark"


def test_a_fault_found_later_reaches_the_rep_table_and_the_history():
    """A CUE carrying an earlier rep (leg press: a short press seen at the next start) updates that rep's
    row on the page and its saved copy."""
    class Late(FakeEngine):
        def process(self, image_rgb, t_ms):
            out, events = super().process(image_rgb, t_ms)
            if len(self.times) == 6:  # rep 2 counted now; rep 1 turns out to have stopped short
                one = Rep(1, 0, 0, 0, {"top_knee_deg": 133.0}, [Fault("incomplete_lockout", "Press all the way out")])
                events.append(Event(EventKind.CUE, t_ms / 1000, "Rep 1: press all the way out", one,
                                    "incomplete_lockout"))
            return out, events
    bridge = LiveBridge(Late)
    img = np.zeros((4, 4, 3), np.uint8)
    for _ in range(6):
        bridge.process_rgb(img)
    reps = bridge.latest().reps
    assert [r["index"] for r in reps] == [1, 2]
    assert reps[0]["faults"] == [{"code": "incomplete_lockout", "message": "Press all the way out"}]
    assert bridge.latest().message == "Rep 1: press all the way out"

    from formcheck.run.rep_log import RepLog
    from formcheck.sinks.history import HistoryStore
    with HistoryStore() as store:
        log = RepLog(store, "live")
        log.record("leg_press", [Event(EventKind.REP, 1.0, "1", Rep(1, 0, 0, 1, {"top_knee_deg": 170.0}))])
        sid = log.history_id
        late = Rep(1, 0, 0, 1, {"top_knee_deg": 133.0}, [Fault("incomplete_lockout", "Press all the way out")])
        log.record("leg_press", [Event(EventKind.CUE, 2.0, "Rep 1: press all the way out", late, "incomplete_lockout")])
        saved = store.reps(sid)
        assert len(saved) == 1 and saved[0]["metrics"]["top_knee_deg"] == 133.0
        assert saved[0]["faults"][0]["code"] == "incomplete_lockout"


def test_a_stop_the_stream_never_reports_is_settled_by_the_page():
    """streamlit-webrtc may call on_video_ended after the page has redrawn, or not at all: the page
    closes the session itself, so the reps are saved and 'Stopped. N reps saved' shows (it never did in
    CI under load). Late frames of that stream do not start a new session until the camera plays again."""
    FakeEngine.made = 0
    bridge = LiveBridge(FakeEngine)
    img = np.zeros((4, 4, 3), np.uint8)
    for _ in range(7):
        bridge.process_rgb(img)
    snap = bridge.settle(wait_s=0.05)
    assert snap.summary == {"reps": 2} and not bridge.running and len(snap.reps) == 2
    assert bridge.end() is None  # the stream's own call, coming late, finds nothing to close twice
    bridge.process_rgb(img)  # a late frame of the stopped stream
    assert not bridge.running and FakeEngine.made == 1
    bridge.arm()  # the camera plays again
    bridge.process_rgb(img)
    assert bridge.running and FakeEngine.made == 2 and bridge.latest().frames == 1


def test_the_page_waits_for_the_streams_own_close():
    FakeEngine.made = 0
    bridge = LiveBridge(FakeEngine)
    img = np.zeros((4, 4, 3), np.uint8)
    for _ in range(3):
        bridge.process_rgb(img)
    threading.Timer(0.2, bridge.end).start()  # streamlit-webrtc's thread, a little later
    snap = bridge.settle(wait_s=5.0)
    assert snap.summary == {"reps": 1} and FakeEngine.latest.closed
    bridge.process_rgb(img)  # closed by the stream itself: the next frames are a new camera session
    assert bridge.running and FakeEngine.made == 2


def test_a_late_stream_end_never_closes_the_next_session():
    """The page closed session 1 (the stream's own end had not come); the person starts again; the old
    stream's end arrives late: session 2 goes on, its count intact."""
    FakeEngine.made = 0
    bridge = LiveBridge(FakeEngine)
    img = np.zeros((4, 4, 3), np.uint8)
    for _ in range(3):
        bridge.process_rgb(img)
    assert bridge.settle(wait_s=0.0).summary == {"reps": 1}
    bridge.arm()  # Start pressed again
    for _ in range(6):
        bridge.process_rgb(img)
    assert bridge.end() is None  # session 1's end, late
    assert bridge.running and FakeEngine.made == 2 and bridge.latest().frames == 6
    assert bridge.end() == {"reps": 2}  # session 2's own end closes it


def test_a_frame_racing_the_pages_close_does_not_open_a_session():
    """The page's close and the 'drop late frames' mark happen under one lock: a frame cannot slip in
    between and replace the summary with an empty new session."""
    FakeEngine.made = 0
    bridge = LiveBridge(FakeEngine)
    img = np.zeros((4, 4, 3), np.uint8)
    bridge.process_rgb(img)
    done = threading.Event()

    def camera():  # the stopped stream keeps sending
        while not done.is_set():
            bridge.process_rgb(img)

    t = threading.Thread(target=camera)
    t.start()
    try:
        snap = bridge.settle(wait_s=0.05)
    finally:
        done.set()
        t.join(5)
    assert snap.summary is not None and not bridge.running and FakeEngine.made == 1


def test_the_big_number_beside_the_count_is_a_result_not_a_count_by_kind():
    """A leg extension's tiles read "Reps 3 | Both legs 0" (a tester): the tile is the set's best."""
    from formcheck.app.tables import headline_figure, metric_display
    leg_extension = {"per_side": {"left": 3, "right": 0}, "both_legs": 0, "body_yaw_deg": 20.9,
                     "best_top_knee_deg": 178.4}
    assert headline_figure(leg_extension) == ("best_top_knee_deg", 178.4)
    assert metric_display(*headline_figure(leg_extension))[1] == "178.4 °"
    calf = {"legs": ["left", "right"], "best_height_cm": 9.1, "mean_height_cm": 8.2, "shank_length_cm": 41.0}
    assert headline_figure(calf) == ("best_height_cm", 9.1)
    assert headline_figure({"per_side": {"left": 1}, "both_legs": 0, "body_yaw_deg": 3.0}) is None
