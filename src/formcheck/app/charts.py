"""The exercise signal over time, with each rep shaded and reps that need a fix marked."""
from __future__ import annotations

import altair as alt
import pandas as pd

from formcheck.checkers.base import CheckResult, CountedFrom


def signal_frames(result: CheckResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(signal: Time, Value) and (reps: Rep, start, end, peak, Value at peak, Fix) for charting."""
    sig = pd.DataFrame({"Time (s)": result.signal.get("t_s", []), "Value": result.signal.get("value", [])})
    sig = sig.dropna()
    rows = []
    checked = result.counted_from != CountedFrom.MOTION  # counted from the picture's movement: form not checked
    for r in result.reps:
        near = sig.iloc[(sig["Time (s)"] - r.peak_s).abs().argsort()[:1]] if len(sig) else sig
        rows.append({"Rep": r.index, "start": r.start_s, "end": r.end_s, "Time (s)": r.peak_s,
                     "Value": float(near["Value"].iloc[0]) if len(near) else 0.0,
                     "Fix": "; ".join(f.message for f in r.faults) or ("Good" if checked else "Not checked"),
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
        if result.counted_from == CountedFrom.MOTION:  # neutral dots: no rep was judged good or bad
            colour = alt.value("#64748b")
        else:
            colour = alt.Color("Needs a fix:N", scale=alt.Scale(domain=[False, True], range=["#16a34a", "#f59e0b"]),
                               legend=alt.Legend(title=None, labelExpr="datum.value ? 'Needs a fix' : 'Good rep'"))
        dots = alt.Chart(reps).mark_point(size=160, filled=True).encode(
            x=alt.X("Time (s):Q", title=x_title), y=y, color=colour, tooltip=["Rep", "Fix"])
        if select_param:
            dots = dots.add_params(alt.selection_point(name=select_param, fields=["Rep"], on="click"))
        numbers = alt.Chart(reps).mark_text(dy=-16, fontSize=16, fontWeight="bold").encode(
            x=alt.X("Time (s):Q", title=x_title), y=y, text="Rep:Q")
        layers = [band, line, dots, numbers]
    return alt.layer(*layers).properties(height=280)


# A foot shown in the toe-path chart and the letter sizes only after this much tracing: a moment's
# "tracing" of the resting foot (0.3 s on the rendered alphabet clip, a 1 cm path) is the other
# foot's jitter, not letters.
MIN_TRACED_S = 1.0


def traced_feet(summary: dict) -> list[str]:
    """The feet that traced letters for at least MIN_TRACED_S, from an ankle-alphabet summary."""
    by_foot = summary.get("active_s_by_foot") or {}
    return sorted(str(getattr(f, "value", f)) for f, s in by_foot.items() if (s or 0) >= MIN_TRACED_S)


def path_frame(result: CheckResult) -> pd.DataFrame:
    """The toe's path (Across, Up in cm; Foot; Order) of the feet that traced letters; empty when none."""
    sig = result.signal
    cols = ["Across (cm)", "Up (cm)", "Foot", "Order"]
    if not sig.get("path_x_cm"):
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame({"Across (cm)": sig["path_x_cm"], "Up (cm)": sig["path_y_cm"],
                       "Foot": [f"{f} foot" for f in sig["path_foot"]], "Order": range(len(sig["path_x_cm"]))})
    keep = {f"{f} foot" for f in traced_feet(result.summary)}
    return df[df["Foot"].isin(keep)].reset_index(drop=True)


def path_chart(result: CheckResult) -> alt.Chart | None:
    """The toe's path while tracing letters, in cm on equal axes (a letter keeps its shape); None if none."""
    df = path_frame(result)
    if df.empty:
        return None
    half = max(5.0, float(df[["Across (cm)", "Up (cm)"]].abs().max().max()) * 1.1)
    scale = alt.Scale(domain=[-half, half])
    return alt.Chart(df).mark_line(strokeWidth=2, opacity=0.8).encode(
        x=alt.X("Across (cm):Q", scale=scale), y=alt.Y("Up (cm):Q", scale=scale),
        color=alt.Color("Foot:N", legend=alt.Legend(title=None)), order="Order:Q",
    ).properties(width=360, height=360)
