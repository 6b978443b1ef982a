"""Page: the workout plans, and a button to start one in front of the camera."""
from __future__ import annotations

import streamlit as st

from formcheck.checkers import all_checkers
from formcheck.run.plans import load_plans
from formcheck.app.messages import one_line
from formcheck.app.tables import plan_table


def render() -> None:
    from formcheck.app import live_page
    st.title("Workout plans")
    try:
        plans = load_plans()
    except Exception as exc:
        st.error(one_line(exc))
        return
    st.write("Pick a plan and press Start: the camera counts your reps, tells you when a set is done, "
             "times your rest and moves you on to the next exercise.")
    for plan in plans.values():
        with st.container(border=True):
            st.subheader(plan.title)
            if plan.description:
                st.write(plan.description)
            # a static table wraps long tips (a data grid cuts them off at the column's width)
            st.table(plan_table(plan, all_checkers()).set_index("#"))
            if st.button("Start this workout", key=f"start_{plan.id}", type="primary"):
                st.session_state["start_plan"] = plan.id
                st.switch_page(st.Page(live_page.render, title="Work out", url_path="live"))
