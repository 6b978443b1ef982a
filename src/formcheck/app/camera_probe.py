"""Ask the browser how many cameras it has, before offering a camera button (Streamlit page code).

`navigator.mediaDevices.enumerateDevices()` lists a camera's kind even before the camera is allowed
(its name stays hidden until then), so this needs no permission prompt. The answer comes back as the
component's state and reruns the page; until then it is None.
"""
from __future__ import annotations

from formcheck.app.camera_source import NO_MEDIA_API

JS = """
export default function(component) {
  const { setStateValue } = component;
  const md = navigator.mediaDevices;
  if (!md || !md.enumerateDevices) { setStateValue('cameras', %d); return; }
  md.enumerateDevices()
    .then(ds => setStateValue('cameras', ds.filter(d => d.kind === 'videoinput').length))
    .catch(() => setStateValue('cameras', %d));
}
""" % (NO_MEDIA_API, NO_MEDIA_API)

_component = None


def camera_count(key: str = "camera_probe") -> int | None:
    """How many cameras the browser has (NO_MEDIA_API when it cannot use any); None until it answers."""
    import streamlit as st
    global _component
    if _component is None:
        _component = st.components.v2.component("formcheck_camera_probe", js=JS)
    try:
        result = _component(key=key, default={"cameras": None}, on_cameras_change=lambda: None)
    except Exception:  # an older Streamlit, or no browser behind this run: assume a camera
        return None
    value = getattr(result, "cameras", None)
    return int(value) if isinstance(value, (int, float)) else None
