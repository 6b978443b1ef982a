"""Jump to a rep: a click on a rep in the chart or a row of the rep table starts the video at that rep
(plain values, no Streamlit; the page wires the clicks)."""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

# Start a little before the rep so its beginning is seen: about the time a person needs to look
# from the table to the video.
JUMP_LEAD_S = 0.5
CHART_PARAM = "rep"  # the chart's point selection (charts.signal_chart)


def rep_start_s(reps: list[dict[str, Any]], rep_index: int | None, lead_s: float = JUMP_LEAD_S) -> float:
    """Where the video starts for a rep (its report dict's `start_s`, a little earlier); 0 when unknown."""
    rep = next((r for r in reps if r.get("index") == rep_index), None)
    if rep is None or rep.get("start_s") is None:
        return 0.0
    return max(0.0, float(rep["start_s"]) - lead_s)


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def rep_from_table(state: Any, table: pd.DataFrame) -> int | None:
    """The rep in the row picked in st.dataframe's selection state ({'selection': {'rows': [i]}})."""
    rows = _get(_get(state, "selection") or {}, "rows") or []
    if not rows or "Rep" not in table.columns or not 0 <= rows[0] < len(table):
        return None
    return int(table["Rep"].iloc[rows[0]])


def rep_from_chart(state: Any, param: str = CHART_PARAM) -> int | None:
    """The rep clicked in st.altair_chart's selection state ({'selection': {'rep': [{'Rep': 3, ...}]}})."""
    points = _get(_get(state, "selection") or {}, param) or []
    for p in points:
        rep = p.get("Rep") if isinstance(p, Mapping) else None
        if isinstance(rep, (int, float)):
            return int(rep)
    return None
