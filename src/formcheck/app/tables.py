"""Plain-words tables for the app: the per-rep table and column names a person can read."""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from formcheck.sinks.figures import NOT_SHOWN

_UNITS = {"cm": "cm", "s": "s", "deg": "°", "pct": "%", "m": "m"}
_WORDS = {"pct of best": "of your best", "min": "lowest", "max": "highest"}


def metric_label(key: str) -> str:
    """'peak_height_cm' -> 'Peak height (cm)', 'pct_of_best' -> '% of your best'."""
    parts = key.split("_")
    unit = None
    if parts[0] == "pct":
        return "% " + " ".join(_WORDS.get(p, p) for p in parts[1:]).replace("of best", "of your best")
    if len(parts) > 1 and parts[-1] in _UNITS:
        unit = _UNITS[parts.pop()]
    words = " ".join(_WORDS.get(p, p) for p in parts)
    words = words[:1].upper() + words[1:]
    return f"{words} ({unit})" if unit else words


# Summary figures about the set-up, not the exercise: not a headline.
NOT_A_RESULT = frozenset({"body_yaw_deg", "shank_length_cm"})


def headline_figure(summary: dict[str, Any]) -> tuple[str, float] | None:
    """The summary's figure for a big-number tile: its best (`best_...`, e.g. best_height_cm), else its
    first measured figure with a unit; never a count of reps by kind (a leg extension's tiles read
    "Reps 3 | Both legs 0", a tester) nor how the camera stood."""
    measured = [(k, v) for k, v in summary.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool) and _measured(v)
                and k.rsplit("_", 1)[-1] in _UNITS and k not in NOT_A_RESULT]
    return next(((k, v) for k, v in measured if k.startswith("best_")), measured[0] if measured else None)


def metric_display(key: str, value: float) -> tuple[str, str]:
    """A big-number tile: ('Best height', '5.7 cm')."""
    label = metric_label(key)
    unit = ""
    if label.endswith(")") and " (" in label:
        label, unit = label[:-1].rsplit(" (", 1)
    number = f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    if label.startswith("% "):
        return label[2:].capitalize(), f"{number} %"
    return label, f"{number} {unit}".strip()


def _measured(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def rep_table(reps: list[dict[str, Any]], max_metrics: int | None = None, form_checked: bool = True) -> pd.DataFrame:
    """One row per rep, from report-style rep dicts (the JSON report's or the history's).

    Figures are rounded to one decimal; `max_metrics` keeps only the first few figures
    (the live panel shows just the main one). form_checked=False (reps counted from the picture's
    movement): a rep without faults reads "Not checked", never "Good".
    """
    keys: list[str] = []
    for r in reps:
        keys += [k for k in r.get("metrics", {}) if k not in keys and k not in NOT_SHOWN]
    keys = [k for k in keys if any(_measured(r.get("metrics", {}).get(k)) for r in reps)]  # an empty column says nothing
    keys = keys[:max_metrics] if max_metrics is not None else keys
    rows = []
    for r in reps:
        row: dict[str, Any] = {"Rep": r["index"]}
        if r.get("start_s") is not None and r.get("end_s") is not None:
            row["When (s)"] = f"{r['start_s']:.1f} - {r['end_s']:.1f}"
        faults = r.get("faults", [])
        row["What to fix"] = "; ".join(f["message"] for f in faults) if faults else (
            "Good" if form_checked else "Not checked")
        if any(x.get("side") for x in reps):
            row["Side"] = r.get("side") or ""
        for k in keys:
            v = r.get("metrics", {}).get(k)
            row[metric_label(k)] = round(v, 1) if isinstance(v, float) else v
        rows.append(row)
    return for_display(pd.DataFrame(rows))


# What an empty cell shows: a table never prints a literal "None" (Streamlit's rendering of a gap).
NOT_MEASURED = "–"


def for_display(df: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """A copy to show: figures rounded, gaps (None / NaN) as NOT_MEASURED.

    A column with a gap becomes text throughout (one type a column, as the table widget needs).
    """
    out = df.copy()
    for col in out.columns:
        if out[col].isna().any():
            out[col] = [NOT_MEASURED if pd.isna(v) else
                        (f"{round(v, decimals):g}" if isinstance(v, float) else str(v)) for v in out[col]]
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(decimals)
    return out


def _rest(seconds: float) -> str:
    return f"{seconds / 60:g} min rest" if seconds >= 60 else f"{seconds:g} s rest"


_MODE_WORDS = {"reps": "Counts reps, checks form", "hold": "Times the hold", "timer": "Times the movement"}
TIMER_ONLY = "Your own timer (not watched)"
NOT_YET = "Not yet (your own count)"


def camera_does(checker_cls) -> str:
    """What the camera does for an exercise, truthfully: a timer is never said to count."""
    if checker_cls is None:
        return NOT_YET
    own = getattr(checker_cls, "camera_does", None)
    if own:
        return own
    mode = getattr(getattr(checker_cls, "mode", None), "value", "reps")
    return _MODE_WORDS.get(mode, _MODE_WORDS["reps"])


def plan_table(plan, checkers) -> pd.DataFrame:
    """A workout plan (formcheck.run.plans.Plan), one row per exercise, in plain words.

    `checkers` maps exercise id -> checker class (formcheck.checkers.all_checkers()).
    """
    rows = []
    for i, it in enumerate(plan.items, 1):
        does = TIMER_ONLY if it.exercise is None else camera_does(checkers.get(it.exercise))
        rows.append({"#": i, "Exercise": it.title, "How much": it.target_text, "Rest": _rest(it.rest_s),
                     "What the camera does": does, "Tip": it.note or ""})
    return pd.DataFrame(rows)
