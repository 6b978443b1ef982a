"""The heel-rise test on the app's pages: the body-mass box and the result block (Work out, Check a video).

Thin: the scoring is `run.heel_rise_test`, the saving `run.session` / `run.heel_rise_clip`. The block
is drawn from the result as the report and the history keep it (`HeelRiseTestResult.to_dict()`).
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from formcheck.run.heel_rise_test import MAX_BODY_MASS_KG, MIN_BODY_MASS_KG, symmetry_text
from formcheck.sinks.history import HistoryStore

REMEMBERED = "body_mass_kg"  # session state: the body mass last entered, on either page
BODY_MASS_LABEL = "Your body mass (kg)"
# The box's step: half a kilo, as a bathroom scale reads.
BODY_MASS_STEP_KG = 0.5


def _last_entered() -> float | None:
    """The body mass entered in this browser session, else the one of the last test in the history."""
    if st.session_state.get(REMEMBERED) is not None:
        return float(st.session_state[REMEMBERED])
    try:
        with HistoryStore() as store:
            last = store.heel_rise_tests(limit=1)
    except Exception:  # an unusable history: the person types it
        return None
    return float(last[0].body_mass_kg) if last else None


def body_mass_input() -> float | None:
    """The body-mass box (kg), remembered between pages and from the last test; None until it is filled in."""
    value = st.number_input(BODY_MASS_LABEL, min_value=MIN_BODY_MASS_KG, max_value=MAX_BODY_MASS_KG,
                            value=_last_entered(), step=BODY_MASS_STEP_KG, format="%.1f", placeholder="e.g. 70",
                            help="The test works out the work your calf did: your body mass x gravity x the "
                                 "height of every rep. Kept on this computer only.")
    if value is not None:
        st.session_state[REMEMBERED] = float(value)
    return None if value is None else float(value)


def _leg_lines(leg: dict[str, Any]) -> list[str]:
    heights = "  ".join(f"{h:.1f}" for h in leg["heights_cm"]) or "-"
    lines = [f"**Work: {leg['work_j']:.0f} J**"]
    if leg.get("fatigue_pct") is not None:
        drop = leg["fatigue_pct"]
        lines.append(f"Height lost over the set: {drop:.0f} %" if drop >= 0.5 else "No height lost over the set")
    lines.append(f"Height of each rep (cm): {heights}")
    lines.append(f"Ended: {leg['end_words']}")
    return lines


def show_result(result: dict[str, Any], saved: bool = False) -> None:
    """The test's result in big numbers: reps and work per leg, each rep's height, the height lost,
    left against right (flagged under the cut), and the findings in plain words."""
    st.subheader("Heel-rise test")
    legs = result.get("legs") or {}
    if not legs:
        st.warning("No single-leg rep was counted, so there is no test result. Stand on one leg, the other "
                   "foot up behind, side-on to the camera, and rise as high as you can on each \"up\".")
        return
    cols = st.columns(len(legs) + 1)
    for col, (side, leg) in zip(cols, legs.items()):
        with col:
            st.metric(f"{side.capitalize()} leg", f"{leg['reps']} reps")
            for line in _leg_lines(leg):
                st.markdown(line)
    cut = result.get("min_symmetry_pct", 90.0)
    with cols[-1]:
        if result.get("work_symmetry_pct") is None:
            st.metric("Left vs right", "-")
            st.markdown("Test the other leg too to compare them.")
        else:
            st.metric("Left vs right (work)", f"{result['work_symmetry_pct']:.0f} %")
            st.markdown(f"Reps: {symmetry_text(result['reps_symmetry_pct'], cut)}")
        low = [p for p in (result.get("work_symmetry_pct"), result.get("reps_symmetry_pct"))
               if p is not None and p < cut]
        if low:
            st.error(f"Flagged: under {cut:.0f} %")
        elif result.get("work_symmetry_pct") is not None:
            st.success(f"Within {cut:.0f} %")
    for flag in result.get("flags", []):
        st.warning(flag)
    st.caption(f"Body mass {result['body_mass_kg']:g} kg · 30 reps a minute · a normal calf does "
               f"{result.get('normal_reps', 25)} or more.")
    if saved:
        st.caption("Heel-rise test saved to your history (My progress).")
