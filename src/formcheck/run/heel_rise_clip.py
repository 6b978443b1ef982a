"""A checked clip taken as the heel-rise test: scored, put in its report and kept in the history.

The one path for `formcheck analyze CLIP --heel-rise-test` and the app's Check a video with "Score as a
heel-rise test": the clip's calf-raise reps scored by `run.heel_rise_test`, the result under the
report's `heel_rise_test` key, and, when the clip was read to its end and a rep was counted, one row in
the history's heel-rise tests linked to the clip's session (saved here unless the caller already did).
"""
from __future__ import annotations

from typing import Any

from formcheck.run.heel_rise_test import HeelRiseTestResult, figures_of, heel_rise_test
from formcheck.run.review import Analysis
from formcheck.sinks.history import CHECKED_VIDEO, HistoryStore, save_result


def clip_source(name: str) -> str:
    """The history's `source` of a checked clip (by its file name, as the person knows it)."""
    return f"{CHECKED_VIDEO}{name}"


def score_clip(analysis: Analysis, body_mass_kg: float, report: dict[str, Any]) -> HeelRiseTestResult:
    """The clip's reps scored as the test; the result also goes under the report's `heel_rise_test`.
    Reps counted from the picture's movement (no body seen) have no side and no height: no test."""
    from dataclasses import replace
    from formcheck.checkers.base import CountedFrom
    if analysis.result.counted_from == CountedFrom.MOTION:
        result = replace(heel_rise_test([], body_mass_kg), flags=(
            "the test needs your body in the picture, feet included: these reps were counted from the "
            "movement in the picture alone, with no leg and no height to score",))
    else:
        result = heel_rise_test(analysis.result.reps, body_mass_kg)
    report["heel_rise_test"] = result.to_dict()
    return result


def worth_keeping(analysis: Analysis, result: HeelRiseTestResult) -> bool:
    """Whole tests only: a partial clip (damaged or stopped midway), or one with no counted single-leg
    rep, is scored and reported but not kept in the history."""
    return analysis.complete and bool(result.legs)


def keep_clip_test(store: HistoryStore, analysis: Analysis, result: HeelRiseTestResult, *,
                   source: str | None = None, session_id: int | None = None) -> int | None:
    """The test into the history, linked to the clip's session (saved here unless `session_id` says the
    caller already saved it); its row id, or None when it is not worth keeping. The same clip checked
    again keeps its first row: My progress shows one test, not two."""
    if not worth_keeping(analysis, result):
        return None
    source = source or clip_source(analysis.info.path.name)
    figures = figures_of(result.to_dict())
    for row in store.heel_rise_tests_from(source):
        if figures_of(row.result) == figures:
            return row.id
    if session_id is None:
        session_id = save_result(store, analysis.result, source)
    return store.add_heel_rise_test(result.to_dict(), source, session_id=session_id)
