"""Page: work out in front of the camera (placeholder)."""
import streamlit as st


def render() -> None:
    st.title("Work out")
