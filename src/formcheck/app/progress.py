"""History as tables: the session list, progress per day, and CSV exports (no Streamlit here)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from formcheck.checkers import all_checkers
from formcheck.run.heel_rise_test import symmetry_text
from formcheck.sinks.history import CHECKED_VIDEO, LIVE, LIVE_FROM_VIDEO, HeelRiseTestRow, HistoryStore
from formcheck.sinks.report import csv_value

HEIGHT_KEY = "peak_height_cm"  # the heel height every calf-raise style checker reports per rep


def _title(exercise: str) -> str:
    cls = all_checkers().get(exercise)
    return cls.title if cls else exercise.replace("_", " ")


def source_words(source: str) -> str:
    if source.startswith(LIVE_FROM_VIDEO):
        return f"Live, a video as the camera: {source[len(LIVE_FROM_VIDEO):]}"
    if source.startswith(CHECKED_VIDEO):
        return f"Video: {source[len(CHECKED_VIDEO):]}"
    if source == LIVE:
        return "Live camera"
    return source


def _best_height(store: HistoryStore, session_id: int) -> float | None:
    values = [r["metrics"].get(HEIGHT_KEY) for r in store.reps(session_id)]
    values = [v for v in values if isinstance(v, (int, float))]
    return max(values) if values else None


def sessions_table(store: HistoryStore, limit: int = 500) -> pd.DataFrame:
    """One row per session, newest first, in plain words."""
    rows = []
    for s in store.sessions(limit):
        started = dt.datetime.fromtimestamp(s.started_at)
        minutes = (s.ended_at - s.started_at) / 60 if s.ended_at else None
        rows.append({"id": s.id, "Date": started.strftime("%Y-%m-%d"), "Time": started.strftime("%H:%M"),
                     "Exercise": _title(s.exercise), "exercise_id": s.exercise, "From": source_words(s.source),
                     "Reps": s.rep_count, "Best heel height (cm)": _best_height(store, s.id),
                     "Minutes": round(minutes, 1) if minutes is not None else None,
                     "Finished": s.ended_at is not None})
    return pd.DataFrame(rows, columns=["id", "Date", "Time", "Exercise", "exercise_id", "From", "Reps",
                                       "Best heel height (cm)", "Minutes", "Finished"])


HEEL_RISE_COLUMNS = ["Date", "Time", "From", "Reps left", "Reps right", "Best height left (cm)",
                     "Best height right (cm)", "Work left (J)", "Work right (J)", "Left vs right (work)",
                     "Left vs right (reps)", "Flagged"]


def _leg(result: dict, side: str, key: str):
    leg = (result.get("legs") or {}).get(side)
    if leg is None:
        return None
    if key == "best_cm":
        return max(leg["heights_cm"]) if leg["heights_cm"] else None
    return leg[key]


def heel_rise_table(tests: list[HeelRiseTestRow]) -> pd.DataFrame:
    """One row per heel-rise test, newest first: reps, best height and work per leg, left against right
    (under the test's cut, 90 %, flagged)."""
    rows = []
    for t in tests:
        r = t.result
        taken = dt.datetime.fromtimestamp(t.taken_at)
        cut = r.get("min_symmetry_pct", 90.0)
        lsi = [r.get("work_symmetry_pct"), r.get("reps_symmetry_pct")]
        rows.append({"Date": taken.strftime("%Y-%m-%d"), "Time": taken.strftime("%H:%M"),
                     "From": source_words(t.source),
                     "Reps left": _leg(r, "left", "reps"), "Reps right": _leg(r, "right", "reps"),
                     "Best height left (cm)": _leg(r, "left", "best_cm"),
                     "Best height right (cm)": _leg(r, "right", "best_cm"),
                     "Work left (J)": _leg(r, "left", "work_j"), "Work right (J)": _leg(r, "right", "work_j"),
                     "Left vs right (work)": symmetry_text(lsi[0], cut),
                     "Left vs right (reps)": symmetry_text(lsi[1], cut),
                     "Flagged": any(p is not None and p < cut for p in lsi)})
    return pd.DataFrame(rows, columns=HEEL_RISE_COLUMNS)


def heel_rise_reps_over_time(tests: list[HeelRiseTestRow]) -> pd.DataFrame:
    """Reps per leg per test, oldest first (the chart's long form: one row a leg a test)."""
    rows = [{"Taken": dt.datetime.fromtimestamp(t.taken_at), "Leg": side.capitalize(), "Reps": leg["reps"]}
            for t in sorted(tests, key=lambda t: t.taken_at) for side, leg in (t.result.get("legs") or {}).items()]
    return pd.DataFrame(rows, columns=["Taken", "Leg", "Reps"])


def daily_progress(sessions: pd.DataFrame) -> pd.DataFrame:
    """Per day and exercise: total reps and best heel height."""
    cols = ["Date", "Exercise", "Reps", "Best heel height (cm)"]
    if sessions.empty:
        return pd.DataFrame(columns=cols)
    out = (sessions.groupby(["Date", "Exercise"], as_index=False)
           .agg({"Reps": "sum", "Best heel height (cm)": "max"}))
    return out.sort_values(["Date", "Exercise"])[cols].reset_index(drop=True)


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    return df.apply(lambda col: col.map(csv_value) if col.dtype == object or
                    pd.api.types.is_float_dtype(col) else col)


def sessions_csv(sessions: pd.DataFrame) -> str:
    return _rounded(sessions.drop(columns=["exercise_id"]).rename(columns={"id": "Session"})).to_csv(index=False)


def reps_csv_all(store: HistoryStore, sessions: pd.DataFrame) -> str:
    """Every rep of the listed sessions, one row each, metrics as columns."""
    rows = []
    for _, s in sessions.iterrows():
        for r in store.reps(int(s["id"])):
            row = {"session": int(s["id"]), "date": s["Date"], "exercise": s["exercise_id"], "rep": r["index"],
                   "start_s": r["start_s"], "end_s": r["end_s"], "side": r["side"] or ""}
            row.update(r["metrics"])
            row = {k: csv_value(v) for k, v in row.items()}
            row["faults"] = ";".join(f["code"] for f in r["faults"])
            row["corrections"] = " | ".join(f["message"] for f in r["faults"])
            rows.append(row)
    return pd.DataFrame(rows).to_csv(index=False) if rows else "session,date,exercise,rep\n"
