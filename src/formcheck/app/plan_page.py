"""Page: the workout plans (placeholder until formcheck.plans lands)."""
import streamlit as st


def render() -> None:
    st.title("Workout plans")
