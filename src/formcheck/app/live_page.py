"""Page: work out in front of the browser's camera, alone or following a plan."""
from __future__ import annotations

import streamlit as st

from ..checkers import all_checkers
from ..history import HistoryStore
from .ice import ice_servers
from .live_bridge import LiveBridge, Snapshot
from .live_view import exercise_line, status_line, tiles
from .messages import one_line
from .tables import plan_table, rep_table

ONE = "__one__"
TRANSLATIONS = {"start": "Start camera", "stop": "Stop", "select_device": "Choose camera",
                "device_ask_permission": "Please allow the camera",
                "device_access_denied": "The camera is blocked: allow it in the browser's address bar",
                "device_not_available": "No camera found"}


def _secrets():
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: fine
        return None


def _choose():
    """The plan (or None) and exercise the person picked, in the page's main column."""
    from ..plans import load_plans
    plans = load_plans()
    checkers = all_checkers()
    options = [ONE, *plans]
    chosen = st.session_state.pop("start_plan", None)  # set by the plans page's Start button
    if chosen in plans:
        st.session_state["live_what"] = chosen
    what = st.selectbox("What are we doing?", options, key="live_what",
                        format_func=lambda o: "One exercise" if o == ONE else f"Workout: {plans[o].title}")
    if what == ONE:
        ids = sorted(checkers, key=lambda e: checkers[e].title)
        ex = st.selectbox("Exercise", ids, index=ids.index("calf_raise") if "calf_raise" in ids else 0,
                          format_func=lambda e: checkers[e].title, key="live_exercise")
        return None, ex
    plan = plans[what]
    firsts = [it.exercise for it in plan.items if it.exercise]
    start = st.selectbox("Start with", ["", *firsts], key=f"live_start_{what}",
                         format_func=lambda e: "The first exercise" if not e else checkers[e].title
                         if e in checkers else e)
    return plan, start or None


def _bridge(plan, exercise, model) -> LiveBridge:
    from ..live_session import LiveSession
    key = (plan.id if plan else None, exercise)
    bridges = st.session_state.setdefault("live_bridges", {})
    if key not in bridges:
        for old in bridges.values():  # the camera now feeds the new choice: finish the old one
            old.end()
        bridges.clear()

        def factory():
            return LiveSession(exercise, plan=plan, model=model, store=HistoryStore(), source="live")
        bridges[key] = LiveBridge(factory)
    return bridges[key]


def _panel(box, snap: Snapshot | None, playing: bool, plan=None) -> None:
    """Tiles, what to do now, the latest correction: redrawn a few times a second."""
    with box.container():
        if snap is None:
            st.markdown("### Press **Start camera**")
            st.write("Stand back so your whole body, feet included, is in the picture.")
            if plan is not None:
                st.markdown(f"**Today: {plan.title}**")
                st.markdown("\n".join(f"{r['#']}. {r['Exercise']}: **{r['How much']}**"
                                       for r in plan_table(plan, all_checkers()).to_dict("records")))
            return
        if snap.error:
            st.error(snap.error)
        state = snap.state
        if state is not None:
            st.markdown(f"### {exercise_line(state)}")
            cols = st.columns(len(tiles(state)))
            for col, (label, value) in zip(cols, tiles(state)):
                col.metric(label, value)
            st.markdown(f"#### {status_line(state)}")
        if snap.message:
            st.warning(snap.message)
        if playing:
            st.caption(f"Camera on · {snap.frames} frames checked · {snap.fps:.0f} frames a second")
        elif snap.summary is not None:
            n = snap.summary.get("total_reps", len(snap.reps)) if isinstance(snap.summary, dict) else len(snap.reps)
            st.success(f"Stopped. {n} reps saved to My progress.")


def _rep_table(box, snap: Snapshot | None) -> int:
    """The rep table, newest first; redrawn only when a rep is added. Returns the reps shown."""
    reps = snap.reps if snap is not None else []
    if reps:
        box.dataframe(rep_table(reps[::-1], max_metrics=1), hide_index=True, width="stretch")
    else:
        box.empty()
    return len(reps)


def render() -> None:
    from streamlit_webrtc import WebRtcMode, webrtc_streamer
    st.title("Work out")
    left, right = st.columns([3, 2], gap="large")
    with left:
        try:
            plan, exercise = _choose()
            from ..live_session import LiveSession
            LiveSession(exercise, plan=plan, draw=False)  # checks the choice now (no camera, no model yet)
            servers = ice_servers(secrets=_secrets())
        except Exception as exc:
            st.error(one_line(exc))
            return
        bridge = _bridge(plan, exercise, model=None)
        try:
            ctx = webrtc_streamer(
                key="live", mode=WebRtcMode.SENDRECV, rtc_configuration={"iceServers": servers},
                media_stream_constraints={"video": True, "audio": False},
                video_frame_callback=bridge.callback, on_video_ended=bridge.end,
                async_processing=True, translations=TRANSLATIONS)
        except Exception as exc:  # e.g. no browser session behind this script run
            st.error(f"The camera cannot start here: {one_line(exc)}")
            return
    box, table = right.empty(), right.empty()
    snap = bridge.latest()
    _panel(box, snap, ctx.state.playing, plan)
    shown = _rep_table(table, snap)
    # Frames are checked on streamlit-webrtc's thread; this loop only shows the newest result.
    # Each pass touches the page, so a Stop click (a rerun) is answered at once.
    while ctx.state.playing:
        snap = bridge.latest(timeout_s=0.4)
        _panel(box, snap, True)
        if snap is not None and len(snap.reps) != shown:
            shown = _rep_table(table, snap)
