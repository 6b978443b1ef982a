"""A checked clip taken as the heel-rise test: scored, put in its report and kept in the history.

The one path for `formcheck analyze CLIP --heel-rise-test` and the app's Check a video with "Score as a
heel-rise test": the clip's calf-raise reps scored by `run.heel_rise_test`, the result under the
report's `heel_rise_test` key, and, when the clip was read to its end and a rep was counted, one row in
the history's heel-rise tests linked to the clip's session (saved here unless the caller already did).
"""
from __future__ import annotations

from typing import Any

from formcheck.run.heel_rise_test import HeelRiseTestResult, heel_rise_test
from formcheck.run.review import Analysis
from formcheck.sinks.history import CHECKED_VIDEO, HistoryStore, save_result


def clip_source(name: str) -> str:
    """The history's `source` of a checked clip (by its file name, as the person knows it)."""
    return f"{CHECKED_VIDEO}{name}"


def score_clip(analysis: Analysis, body_mass_kg: float, report: dict[str, Any], *,
               store: HistoryStore | None = None, source: str | None = None,
               session_id: int | None = None) -> tuple[HeelRiseTestResult, int | None]:
    """(the test's result, its row id in the history or None when it was not kept).

    A partial clip (damaged or stopped midway) or one with no counted single-leg rep is scored and
    reported but not kept: the history holds whole tests only."""
    result = heel_rise_test(analysis.result.reps, body_mass_kg)
    report["heel_rise_test"] = result.to_dict()
    if store is None or not analysis.complete or not result.legs:
        return result, None
    source = source or clip_source(analysis.info.path.name)
    if session_id is None:
        session_id = save_result(store, analysis.result, source)
    return result, store.add_heel_rise_test(report["heel_rise_test"], source, session_id=session_id)
