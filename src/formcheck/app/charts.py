"""The exercise signal over time, with each rep shaded and reps that need a fix marked."""
from __future__ import annotations

import altair as alt
import pandas as pd

from formcheck.checkers.base import CheckResult


def signal_frames(result: CheckResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(signal: Time, Value) and (reps: Rep, start, end, peak, Value at peak, Fix) for charting."""
    sig = pd.DataFrame({"Time (s)": result.signal.get("t_s", []), "Value": result.signal.get("value", [])})
    sig = sig.dropna()
    rows = []
    for r in result.reps:
        near = sig.iloc[(sig["Time (s)"] - r.peak_s).abs().argsort()[:1]] if len(sig) else sig
        rows.append({"Rep": r.index, "start": r.start_s, "end": r.end_s, "Time (s)": r.peak_s,
                     "Value": float(near["Value"].iloc[0]) if len(near) else 0.0,
                     "Fix": "; ".join(f.message for f in r.faults) or "Good",
                     "Needs a fix": bool(r.faults)})
    return sig, pd.DataFrame(rows, columns=["Rep", "start", "end", "Time (s)", "Value", "Fix", "Needs a fix"])


def signal_chart(result: CheckResult, select_param: str | None = None) -> alt.Chart | None:
    """None when the checker gave no signal to draw. `select_param`: name a click-to-pick-a-rep selection
    on the rep dots (read back by jump.rep_from_chart)."""
    sig, reps = signal_frames(result)
    if sig.empty:
        return None
    label = result.signal_label or "Movement"
    y = alt.Y("Value:Q", title=label)
    x_title = "Seconds into the video"
    line = alt.Chart(sig).mark_line(color="#3b82f6").encode(x=alt.X("Time (s):Q", title=x_title), y=y)
    layers = [line]
    if not reps.empty:
        band = alt.Chart(reps).mark_rect(opacity=0.12, color="#22c55e").encode(x=alt.X("start:Q", title=x_title), x2="end:Q")
        dots = alt.Chart(reps).mark_point(size=160, filled=True).encode(
            x=alt.X("Time (s):Q", title=x_title), y=y,
            color=alt.Color("Needs a fix:N", scale=alt.Scale(domain=[False, True], range=["#16a34a", "#f59e0b"]),
                            legend=alt.Legend(title=None, labelExpr="datum.value ? 'Needs a fix' : 'Good rep'")),
            tooltip=["Rep", "Fix"])
        if select_param:
            dots = dots.add_params(alt.selection_point(name=select_param, fields=["Rep"], on="click"))
        numbers = alt.Chart(reps).mark_text(dy=-16, fontSize=16, fontWeight="bold").encode(
            x=alt.X("Time (s):Q", title=x_title), y=y, text="Rep:Q")
        layers = [band, line, dots, numbers]
    return alt.layer(*layers).properties(height=280)
