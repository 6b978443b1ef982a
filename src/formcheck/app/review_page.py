"""Page: check a recorded video (upload one or pick a sample)."""
from __future__ import annotations

import json
import time

import streamlit as st

from formcheck.checkers import all_checkers
from formcheck.checkers.base import CountedFrom
from formcheck.sinks.history import HistoryStore
from formcheck.app.charts import path_chart, signal_chart
from formcheck.app.exercise_view import describe
from formcheck.app.heel_rise_view import body_mass_input, show_result
from formcheck.app.jump import CHART_PARAM, rep_from_chart, rep_from_table, rep_start_s
from formcheck.app.messages import one_line
from formcheck.app.review import (HEEL_RISE_EXERCISE, RECOGNISE, RECOGNISE_LABEL, Review, in_app_words,
                                  recognised_line, review_clip)
from formcheck.app.samples import list_samples
from formcheck.app.tables import headline_figure, metric_display, rep_table
from formcheck.app.uploads import MAX_UPLOAD_MB, VIDEO_TYPES, Workdir, save_upload

UPLOAD = "Upload my video"
SAMPLE = "Use a sample video"


def _workdir() -> Workdir:
    if "workdir" not in st.session_state:
        st.session_state["workdir"] = Workdir()
    return st.session_state["workdir"]


def _progress_bar():
    bar = st.progress(0.0, text="Checking your video...")
    last = [0.0]

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.25 and done != total:
            return
        last[0] = now
        if total:
            bar.progress(min(1.0, done / total), text=f"Checking your video: {min(100, 100 * done // total)} %")
        else:
            bar.progress(0.0, text=f"Checking your video: {done} frames")
    return bar, update


def _run(source, name: str, size: int | None, exercise: str, body_mass_kg: float | None = None) -> None:
    work = _workdir().fresh("review")
    st.session_state.pop("review", None)
    st.session_state.pop(JUMP, None)
    clip = None
    bar, progress = _progress_bar()
    try:
        if size is None:  # a sample clip on disk
            clip = source
        else:
            clip = save_upload(source, name, size, work)
        with HistoryStore() as store:
            review = review_clip(clip, exercise, work, display_name=name, store=store, progress=progress,
                                 body_mass_kg=body_mass_kg)
        st.session_state["review"] = review
    except Exception as exc:  # one plain line, never a traceback
        st.session_state["review_error"] = in_app_words(one_line(exc))
    finally:
        bar.empty()
        if size is not None and clip is not None:
            clip.unlink(missing_ok=True)  # the upload itself is never kept


JUMP = "review_jump_rep"  # the rep the video starts at, from the last click on the chart or the table


def _jump_from_table(table) -> None:
    rep = rep_from_table(st.session_state.get("review_table"), table)
    if rep is not None:
        st.session_state[JUMP] = rep


def _jump_from_chart() -> None:
    rep = rep_from_chart(st.session_state.get("review_chart"))
    if rep is not None:
        st.session_state[JUMP] = rep


def _mode(exercise: str) -> str:
    cls = all_checkers().get(exercise)
    return getattr(getattr(cls, "mode", None), "value", "reps")


def _show(review: Review) -> None:
    report, result = review.report, review.analysis.result
    mode = _mode(report["exercise"])
    view = describe(report, mode)
    recognised = recognised_line(report)
    if recognised:
        st.success(recognised)
    st.header(view.headline)
    if report["status"] == "partial":
        st.warning(f"Only part of the video could be read: {report['problem']}")
    tiles = list(view.tiles)
    if mode == "reps":
        figure = headline_figure(report["summary"])
        tiles += [metric_display(*figure)] if figure else []
    tiles.append(("Person seen", f"{100 * report['pose_found_ratio']:.0f} %"))
    cols = st.columns(len(tiles))
    for col, (label, value) in zip(cols, tiles):
        col.metric(label, value)
    for line in view.lines:
        st.markdown(f"**{line}**")
    if review.heel_rise is not None:
        show_result(report["heel_rise_test"], saved=review.heel_rise_id is not None)

    st.subheader("What to fix")
    if report["corrections"]:
        for c in report["corrections"]:
            st.markdown(f"- **{c}**")
    elif report.get("counted_from") == CountedFrom.MOTION:
        from formcheck.run.review import FORM_NOT_CHECKED
        st.info(FORM_NOT_CHECKED)
    elif view.nothing_found is None:
        st.success("Form looks good: nothing to fix.")
    else:
        st.info(view.nothing_found)
    for w in report["warnings"]:
        if w != view.nothing_found:
            st.info(w)

    jump = st.session_state.get(JUMP)
    if review.video_path and review.video_path.is_file():
        st.subheader("Your video, checked")
        if jump is not None:
            st.caption(f"From {'hold' if mode == 'hold' else 'rep'} {jump}")
        st.video(str(review.video_path), start_time=rep_start_s(report["reps"], jump), autoplay=jump is not None,
                 muted=True)
    path = path_chart(result)
    if path is not None:
        st.subheader("Your toe's path")
        st.caption("Where each foot's toe went while it traced letters, as the camera saw it, in cm on equal "
                   "scales. The app cannot read which letters you drew, only how big they were.")
        st.altair_chart(path, width="content")
    chart = signal_chart(result, select_param=CHART_PARAM if report["reps"] else None)
    if chart is not None:
        st.subheader(result.signal_label or "Movement")
        if report.get("counted_from") == CountedFrom.MOTION:
            st.caption("How far the picture moved from where the set started (0) toward the far end of a rep (1).")
        else:
            st.caption(view.chart_caption + (" Click one to watch it in the video."
                                             if report["reps"] and review.video_path is not None else ""))
        picks = dict(key="review_chart", on_select=_jump_from_chart, selection_mode=CHART_PARAM) if report["reps"] \
            else {}
        st.altair_chart(chart, width="stretch", **picks)
    if report["reps"]:
        st.subheader("Hold by hold" if mode == "hold" else "Rep by rep")
        table = rep_table(report["reps"], form_checked=report.get("counted_from") != CountedFrom.MOTION)
        st.dataframe(table, hide_index=True, width="stretch", key="review_table", selection_mode="single-row",
                     on_select=lambda: _jump_from_table(table))
        if review.video_path is not None:
            st.caption("Pick a row to watch that one in the video.")

    stem = review.video_path.stem if review.video_path else "formcheck"
    c1, c2, c3 = st.columns(3)
    if review.video_path and review.video_path.is_file():
        video = review.video_path  # read only when the person asks for it (it can be large)
        c1.download_button("Download the video", lambda: video.read_bytes(), f"{stem}.mp4", "video/mp4",
                           on_click="ignore")
    c2.download_button("Download the report (JSON)", json.dumps(report, indent=2, ensure_ascii=False),
                       f"{stem}.json", "application/json", on_click="ignore")
    c3.download_button("Download the rep table (CSV)", review.csv, f"{stem}.csv", "text/csv", on_click="ignore")
    if review.session_id is not None:
        st.caption("Saved to your history: see My progress.")


def render() -> None:
    st.title("Check a video")
    st.write("Film the whole body, feet included, from the side or at an angle, in good light.")
    checkers = all_checkers()
    ids = sorted(checkers, key=lambda e: checkers[e].title)
    samples = list_samples(ids)

    mode = st.radio("Which video?", [UPLOAD, SAMPLE], horizontal=True) if samples else UPLOAD
    if not samples:
        st.caption("No sample videos yet: upload one of your own.")
    source, name, size, default_ex = None, "", None, RECOGNISE
    if mode == UPLOAD:
        up = st.file_uploader(f"Your video (up to {MAX_UPLOAD_MB} MB)", type=list(VIDEO_TYPES))
        if up is not None:
            source, name, size = up, up.name, up.size
        key = "exercise_upload"
    else:
        pick = st.selectbox("Sample video", samples, format_func=lambda s: s.label)
        source, name = pick.path, pick.name
        default_ex = pick.exercise or default_ex
        key = f"exercise_{pick.name}"
    choices = [RECOGNISE, *ids]  # your own video: recognised unless you say which exercise it is
    exercise = st.selectbox("Exercise", choices, index=choices.index(default_ex) if default_ex in choices else 0,
                            format_func=lambda e: RECOGNISE_LABEL if e == RECOGNISE else checkers[e].title, key=key)

    body_mass_kg, test = None, False
    if exercise == HEEL_RISE_EXERCISE:
        test = st.checkbox("Score as a heel-rise test", key="review_heel_rise_test",
                           help="Single-leg calf raises at 30 a minute until you cannot keep up: reps and work "
                                "per leg, the height of every rep, and left against right.")
        if test:
            body_mass_kg = body_mass_input()
            if body_mass_kg is None:
                st.caption("Enter your body mass to score the test.")
    if st.button("Check my form", type="primary", disabled=source is None or (test and body_mass_kg is None)):
        st.session_state.pop("review_error", None)
        _run(source, name, size, exercise, body_mass_kg)

    if "review_error" in st.session_state:
        st.error(st.session_state["review_error"])
    elif "review" in st.session_state:
        _show(st.session_state["review"])
