"""One clip review for the app: the CLI's pipeline and report, plus saving the session to history."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formcheck.errors import FormcheckError
from formcheck.run.heel_rise_clip import clip_source, keep_clip_test, score_clip
from formcheck.run.heel_rise_test import HeelRiseTestResult, check_body_mass
from formcheck.sinks.history import HistoryStore, save_result
from formcheck.run.review import AUTO, Analysis, ProgressFn, analyze_clip
from formcheck.sinks.report import report_from_analysis, reps_csv
from formcheck.app.uploads import safe_name


HEEL_RISE_EXERCISE = "calf_raise"  # the heel-rise test is single-leg floor calf raises


@dataclass
class Review:
    analysis: Analysis
    report: dict[str, Any]  # formcheck.sinks.report's JSON contract
    csv: str  # formcheck.sinks.report.reps_csv
    video_path: Path | None  # the annotated H.264 clip
    session_id: int | None  # its row in the history, None when not saved
    heel_rise: HeelRiseTestResult | None = None  # scored as the heel-rise test (asked for with a body mass)
    heel_rise_id: int | None = None  # the test's row in the history, None when not kept


def review_clip(video: Path, exercise: str, out_dir: Path, *, display_name: str | None = None,
                store: HistoryStore | None = None, progress: ProgressFn | None = None,
                model: str | None = None, body_mass_kg: float | None = None) -> Review:
    """Analyse a clip exactly as `formcheck analyze` does and save it to the history; with a body mass,
    score it as the heel-rise test too (`formcheck analyze --heel-rise-test --body-mass-kg`).

    Raises FormcheckError (one plain line) for a clip that cannot be analysed, or a body mass out of range.
    """
    if body_mass_kg is not None:  # refused before the clip is read
        if exercise != HEEL_RISE_EXERCISE:
            raise FormcheckError("the heel-rise test is single-leg calf raises: choose Floor calf raise")
        check_body_mass(body_mass_kg)
    name = display_name or video.name
    out_video = out_dir / f"{Path(safe_name(name)).stem}-checked.mp4"  # a long name must not exceed 255 bytes
    analysis = analyze_clip(video, exercise, model=model, out_video=out_video, progress=progress)
    report = report_from_analysis(analysis, recognised=analysis.recognised)
    report["source"] = name
    source = clip_source(name)
    session_id = save_result(store, analysis.result, source) if store is not None else None
    test = test_id = None
    if body_mass_kg is not None:
        test = score_clip(analysis, body_mass_kg, report)
        if store is not None:
            test_id = keep_clip_test(store, analysis, test, source=source, session_id=session_id)
    return Review(analysis, report, reps_csv(report), analysis.video_path, session_id, test, test_id)


RECOGNISE = AUTO  # the exercise choice "Recognise it for me"
RECOGNISE_LABEL = "Recognise it for me"


def recognised_line(report: dict[str, Any]) -> str | None:
    """'This looks like: Floor calf raise' when the exercise was recognised from the clip, else None."""
    return f"This looks like: {report['title']}" if report.get("recognised") else None


def in_app_words(message: str) -> str:
    """A pipeline message in the app's words: the page has an Exercise box, not a --exercise option."""
    return message.replace("; pass --exercise", ". Choose the exercise above and check again")
