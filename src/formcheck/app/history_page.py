"""Page: every session so far, progress charts, and CSV export."""
from __future__ import annotations

import altair as alt
import streamlit as st

from formcheck.sinks.history import HistoryStore
from formcheck.app.progress import (daily_progress, heel_rise_reps_over_time, heel_rise_table, reps_csv_all,
                                    sessions_csv, sessions_table)
from formcheck.app.tables import for_display, rep_table
from formcheck.checkers.base import CountedFrom


def _heel_rise_tests(store: HistoryStore) -> None:
    """Past heel-rise tests (nothing when there are none), with reps per leg over time from the second."""
    tests = store.heel_rise_tests()
    if not tests:
        return
    st.subheader("Heel-rise tests")
    table = heel_rise_table(tests)
    flagged = table[table["Flagged"]]
    if not flagged.empty:
        st.error(f"Left against right under 90 % on {', '.join(flagged['Date'])}: worth working on the "
                 "weaker calf.")
    st.dataframe(for_display(table.drop(columns=["Flagged"])), hide_index=True, width="stretch")
    if len(tests) >= 2:
        st.caption("Reps per leg, test by test")
        chart = alt.Chart(heel_rise_reps_over_time(tests)).mark_line(point=alt.OverlayMarkDef(size=90))
        st.altair_chart(chart.encode(
            x=alt.X("Taken:T", title=None), y=alt.Y("Reps:Q", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("Leg:N", legend=alt.Legend(orient="bottom", title=None)),
            tooltip=["Taken", "Leg", "Reps"]).properties(height=240), width="stretch")


def render() -> None:
    st.title("My progress")
    with HistoryStore() as store:
        sessions = sessions_table(store)
        if sessions.empty:
            _heel_rise_tests(store)
            if not store.heel_rise_tests(limit=1):
                st.info("Nothing here yet. Finish a workout or check a video, and it will show up here.")
            return
        exercises = sorted(sessions["Exercise"].unique())
        pick = st.selectbox("Exercise", ["All exercises", *exercises])
        shown = sessions if pick == "All exercises" else sessions[sessions["Exercise"] == pick]

        c1, c2, c3 = st.columns(3)
        c1.metric("Sessions", len(shown))
        c2.metric("Reps in all", int(shown["Reps"].sum()))
        best = shown["Best heel height (cm)"].max()
        c3.metric("Best heel height", f"{best:.1f} cm" if best == best and best is not None else "-")

        days = daily_progress(shown)
        st.subheader("Reps per day")
        st.altair_chart(alt.Chart(days).mark_bar(size=40).encode(
            x=alt.X("Date:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("Reps:Q", axis=alt.Axis(tickMinStep=1, format="d")), color=alt.Color("Exercise:N", legend=alt.Legend(
                orient="bottom", title=None)), tooltip=["Date", "Exercise", "Reps"]).properties(height=240),
            width="stretch")
        heights = days.dropna(subset=["Best heel height (cm)"])
        if not heights.empty:
            st.subheader("Best heel height per day")
            st.altair_chart(alt.Chart(heights).mark_line(point=alt.OverlayMarkDef(size=90)).encode(
                x=alt.X("Date:O", title=None, axis=alt.Axis(labelAngle=0)), y=alt.Y("Best heel height (cm):Q", title="cm"),
                color=alt.Color("Exercise:N", legend=alt.Legend(orient="bottom", title=None)),
                tooltip=["Date", "Exercise", "Best heel height (cm)"]).properties(height=240),
                width="stretch")

        _heel_rise_tests(store)

        st.subheader("Sessions")
        st.dataframe(for_display(shown.drop(columns=["id", "exercise_id"])), hide_index=True, width="stretch")
        labels = {int(r.id): f"{r.Date} {r.Time}  {r.Exercise}  ({r.Reps} reps, {r.From})"
                  for r in shown.itertuples()}
        sid = st.selectbox("See the reps of one session", list(labels), format_func=labels.get)
        reps = store.reps(sid)
        if reps:
            row = store.session(sid)
            checked = row is None or row.summary.get("counted_from") != CountedFrom.MOTION
            st.dataframe(rep_table(reps, form_checked=checked), hide_index=True, width="stretch")
        else:
            st.caption("No reps in this session.")

        d1, d2 = st.columns(2)
        d1.download_button("Download sessions (CSV)", sessions_csv(shown), "formcheck-sessions.csv", "text/csv",
                           on_click="ignore")
        d2.download_button("Download every rep (CSV)", reps_csv_all(store, shown), "formcheck-reps.csv",
                           "text/csv", on_click="ignore")
