"""Page: work out in front of the browser's camera, alone or following a plan."""
from __future__ import annotations

import streamlit as st

from formcheck.checkers import all_checkers
from formcheck.sinks.history import HistoryStore
from formcheck.app import camera_probe
from formcheck.app.camera_source import clip_player, clips_for, history_source, source_choice, uses_sample
from formcheck.app.ice import ice_servers
from formcheck.app.heel_rise_view import body_mass_input, show_result
from formcheck.app.live_bridge import LiveBridge, Snapshot
from formcheck.app.live_view import big_count, exercise_line, status_line, stopped_line, tiles
from formcheck.app.messages import one_line
from formcheck.app.tables import plan_table, rep_table

ONE = "__one__"
TRANSLATIONS = {"start": "Start camera", "stop": "Stop", "select_device": "Choose camera",
                "device_ask_permission": "Please allow the camera",
                "device_access_denied": "The camera is blocked: allow it in the browser's address bar",
                "device_not_available": "No camera found"}
SAMPLE_TRANSLATIONS = dict(TRANSLATIONS, start="Play the sample clip")


def _secrets():
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: fine
        return None


def _choose():
    """The plan (or None), exercise and body mass (the heel-rise test's, else None) the person picked."""
    from formcheck.run.plans import load_plans
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
        return None, ex, None
    plan = plans[what]
    body_mass_kg = None
    if plan.heel_rise_test:
        st.markdown("A voice says **up** and **down** once a second: rise on *up*, lower on *down*, as high as "
                    "you can, until you cannot keep up. Then the other leg. Your body mass gives the work "
                    "your calf did.")
        body_mass_kg = body_mass_input()
    firsts = [it.exercise for it in plan.items if it.exercise]
    start = st.selectbox("Start with", ["", *firsts], key=f"live_start_{what}",
                         format_func=lambda e: "The first exercise" if not e else checkers[e].title
                         if e in checkers else e)
    return plan, start or None, body_mass_kg


# The count is read from where the person exercises, ~2 m from the screen: 96 px digits are
# ~2.5 cm tall on a laptop and ~1.5 cm on a phone (a 20/20 eye resolves 1.5 cm at 2 m easily).
COUNT_PX = 96
STATUS_PX = 26
# The page loop wakes at least this often: a voice line is never started later than this.
PAGE_POLL_S = 0.25


def _count_html(number: str, unit: str, status: str, title: str, beat: str | None = None) -> str:
    import html
    pace = (f'<span data-testid="fc-beat" style="font-size:{COUNT_PX}px;font-weight:800;margin-left:2.5rem">'
            f'{html.escape(beat.upper())} {"&uarr;" if beat == "up" else "&darr;"}</span>') if beat else ""
    return (f'<div data-testid="fc-count" style="line-height:1.05;margin:0 0 .3rem 0">'
            f'<div style="font-size:18px;opacity:.8">{html.escape(title)}</div>'
            f'<span style="font-size:{COUNT_PX}px;font-weight:800">{html.escape(number)}</span>'
            f'<span style="font-size:28px;font-weight:600;margin-left:.4rem">{html.escape(unit)}</span>{pace}'
            f'<div data-testid="fc-status" style="font-size:{STATUS_PX}px;font-weight:600">{html.escape(status)}</div>'
            f'</div>')


def _top(box, snap: Snapshot | None) -> None:
    """The big count and one status line, above the video at every width (a phone stacks the columns)."""
    state = snap.state if snap is not None else None
    if state is None:
        box.empty()
        return
    number, unit = big_count(state)
    box.markdown(_count_html(number, unit, status_line(state), exercise_line(state), snap.beat),
                 unsafe_allow_html=True)


def _speak(box, bridge: LiveBridge, voice_on: bool) -> None:
    """Play the next voice line, if one is due (its clip autoplays in the page)."""
    clip = bridge.speech_due()
    if clip is None:
        return
    if voice_on:
        with box.container():
            st.audio(clip.wav, format="audio/wav", autoplay=True)
            st.caption(f"Said: {clip.text}")


def _bridge(plan, exercise, model, clip=None, body_mass_kg: float | None = None) -> LiveBridge:
    from formcheck.run.session import LiveSession
    from formcheck.sinks.voice import Metronome
    key = (plan.id if plan else None, exercise, clip.name if clip else None, body_mass_kg)
    bridges = st.session_state.setdefault("live_bridges", {})
    if key not in bridges:
        for old in bridges.values():  # the camera now feeds the new choice: finish the old one
            old.finish()
        bridges.clear()

        def factory():
            return LiveSession(exercise, plan=plan, model=model, store=HistoryStore(), source=history_source(clip),
                               body_mass_kg=body_mass_kg)
        from formcheck.app.speech import BrowserVoice
        paced = plan is not None and any(it.metronome for it in plan.items)
        bridges[key] = LiveBridge(factory, voice=BrowserVoice(), metronome=Metronome() if paced else None)
    return bridges[key]


# Most tiles the panel shows at once (tiles(): the count, the set, then rest / get ready / holds / reps today).
MAX_TILES = 3


class _Panel:
    """Tiles, what to do now, the latest correction: redrawn a few times a second into fixed slots, so a
    line shown in one pass and gone in the next leaves nothing behind (no frozen second status line)."""

    def __init__(self, parent) -> None:
        with parent:
            self.head = st.empty()
            cols = st.columns(MAX_TILES)
            self.tiles = [c.empty() for c in cols]
            self.message = st.empty()
            self.caption = st.empty()

    def draw(self, snap: Snapshot | None, playing: bool, plan=None, clip=None) -> None:
        state = snap.state if snap is not None else None
        if snap is None:
            if clip is not None:
                intro = ("### Press **Play the sample clip**\n\nThe clip plays as if it were your camera: "
                         "watch it counted live.")
            else:
                intro = ("### Press **Start camera**\n\nStand back so your whole body, feet included, "
                         "is in the picture.")
            if plan is not None:
                intro += f"\n\n**Today: {plan.title}**\n\n" + "\n".join(
                    f"{r['#']}. {r['Exercise']}: **{r['How much']}**"
                    for r in plan_table(plan, all_checkers()).to_dict("records"))
            self.head.markdown(intro)
        elif snap.error:
            self.head.error(snap.error)
        elif not playing and snap.summary is not None:
            self.head.success(stopped_line(snap.summary, snap.reps, state))
        else:
            self.head.empty()
        shown = tiles(state)[:MAX_TILES] if state is not None else []
        for i, slot in enumerate(self.tiles):
            if i < len(shown):
                slot.metric(*shown[i])
            else:
                slot.empty()
        if snap is not None and snap.message:
            self.message.warning(snap.message)
        else:
            self.message.empty()
        if playing and snap is not None:
            where = "Sample clip playing" if clip is not None else "Camera on"
            self.caption.caption(f"{where} · {snap.frames} frames checked · {snap.fps:.0f} frames a second")
        else:
            self.caption.empty()


def _rep_table(box, snap: Snapshot | None) -> int:
    """The rep table, newest first; redrawn only when a rep is added. Returns the reps shown."""
    reps = snap.reps if snap is not None else []
    if reps:
        box.dataframe(rep_table(reps[::-1], max_metrics=1), hide_index=True, width="stretch")
    else:
        box.empty()
    return len(reps)


def _source(plan, exercise):
    """The sample clip to play as the camera, None for the browser's camera, False for neither."""
    from formcheck.app.samples import list_samples
    first = exercise or (next((it.exercise for it in plan.items if it.exercise), None) if plan else None)
    clips = clips_for(first, list_samples(sorted(all_checkers())))
    cameras = camera_probe.camera_count()
    choice = source_choice(cameras, clips)
    if choice.message:
        st.info(choice.message)
    picked = st.radio("Pictures from", choice.options, horizontal=True, key="live_source") \
        if choice.options else None
    if not uses_sample(cameras, picked, clips):
        return False if choice.message else None
    if len(clips) == 1:
        return clips[0]
    return st.selectbox("Sample clip", clips, format_func=lambda c: c.label, key=f"live_clip_{first}")


def _setup_picture(plan, exercise) -> None:
    """Where the phone goes and what it must see, for the exercise about to start (folded away once read)."""
    from formcheck.setup.picture import picture_path
    first = exercise or (next((it.exercise for it in plan.items if it.exercise), None) if plan else None)
    path = picture_path(first) if first else None
    if path is None or not path.is_file():
        return
    title = all_checkers()[first].title if first in all_checkers() else first
    running = any(b.running for b in st.session_state.get("live_bridges", {}).values())
    with st.expander(f"Where to put the camera: {title}", expanded=not running):
        st.image(str(path), caption="Drawn from our sample clip of it: the phone's view, and its place seen from "
                 "above.", width="stretch")


def render() -> None:
    from streamlit_webrtc import WebRtcMode, webrtc_streamer
    st.title("Work out")
    try:
        plan, exercise, body_mass_kg = _choose()
    except Exception as exc:
        st.error(one_line(exc))
        return
    voice_on = st.toggle("Voice: say counts and corrections", value=True, key="live_voice",
                         help="Spoken by this computer, no internet needed. Turn off to mute.")
    top = st.empty()
    left, right = st.columns([3, 2], gap="large")
    with left:
        try:
            from formcheck.run.session import LiveSession
            LiveSession(exercise, plan=plan, draw=False,  # checks the choice now (no camera, no model yet)
                        body_mass_kg=body_mass_kg)
            servers = ice_servers(secrets=_secrets())
        except Exception as exc:
            st.error(one_line(exc))
            return
        if plan is not None and plan.heel_rise_test and body_mass_kg is None:
            st.info("Enter your body mass above to start the test.")
            return
        _setup_picture(plan, exercise)
        clip = _source(plan, exercise)
        if clip is False:  # no camera and no sample clip: the message said what to do
            return
        bridge = _bridge(plan, exercise, model=None, clip=clip, body_mass_kg=body_mass_kg)
        panel, table = _Panel(right.container()), right.empty()
        panel.draw(bridge.last, False, plan, clip)  # what to press, before the camera component loads
        try:
            if clip is None:
                ctx = webrtc_streamer(
                    key="live", mode=WebRtcMode.SENDRECV, rtc_configuration={"iceServers": servers},
                    media_stream_constraints={"video": True, "audio": False},
                    video_frame_callback=bridge.callback, on_video_ended=bridge.end,
                    async_processing=True, translations=TRANSLATIONS)
            else:  # the clip plays on the server and comes back processed, as a camera's pictures do
                ctx = webrtc_streamer(
                    key="live_sample", mode=WebRtcMode.RECVONLY, rtc_configuration={"iceServers": servers},
                    media_stream_constraints={"video": True, "audio": False},
                    player_factory=clip_player(clip.path),
                    video_frame_callback=bridge.callback, on_video_ended=bridge.end,
                    async_processing=True, translations=SAMPLE_TRANSLATIONS)
        except Exception as exc:  # e.g. no browser session behind this script run
            st.error(f"The camera cannot start here: {one_line(exc)}")
            return
        if not ctx.state.playing and clip is None:
            st.caption("Camera not starting? Allow it in the browser's address bar, then press Start camera "
                       "again.")
    sound = left.empty()
    result_box = st.container()  # the heel-rise test's result, full width, once the camera is stopped
    if ctx.state.playing or ctx.state.signalling:  # running, or starting: frames may already be checked
        bridge.arm()
        snap = bridge.latest()
    else:
        snap = bridge.settle()  # the summary of a session just stopped, whichever thread closes it
    _top(top, snap if ctx.state.playing else None)
    panel.draw(snap, ctx.state.playing, plan, clip)
    shown = _rep_table(table, snap)
    if not ctx.state.playing and snap is not None and (snap.summary or {}).get("heel_rise_test") is not None:
        with result_box:
            show_result(snap.summary["heel_rise_test"], saved=snap.summary.get("heel_rise_test_id") is not None)
    # Frames are checked on streamlit-webrtc's thread; this loop only shows the newest result
    # and plays the voice. Each pass touches the page, so a Stop click (a rerun) is answered at once.
    while ctx.state.playing:
        snap = bridge.latest(timeout_s=PAGE_POLL_S)
        _top(top, snap)
        panel.draw(snap, True, clip=clip)
        _speak(sound, bridge, voice_on)
        if snap is not None and len(snap.reps) != shown:
            shown = _rep_table(table, snap)


def render_alias() -> None:
    """The same page at /live (Streamlit serves the default page only at the app's root)."""
    render()
