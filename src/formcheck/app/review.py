"""One clip review for the app: the CLI's pipeline and report, plus saving the session to history."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formcheck.checkers.base import CheckResult
from formcheck.sinks.history import HistoryStore
from formcheck.run.review import AUTO, Analysis, ProgressFn, analyze_clip
from formcheck.sinks.report import report_from_analysis, reps_csv
from formcheck.app.uploads import safe_name


@dataclass
class Review:
    analysis: Analysis
    report: dict[str, Any]  # formcheck.sinks.report's JSON contract
    csv: str  # formcheck.sinks.report.reps_csv
    video_path: Path | None  # the annotated H.264 clip
    session_id: int | None  # its row in the history, None when not saved


def save_result(store: HistoryStore, result: CheckResult, source: str) -> int:
    """Write a finished result as one session: each rep its own committed transaction."""
    started = time.time()
    session_id = store.start_session(result.exercise, source, started_at=started)
    for rep in result.reps:
        store.add_rep(session_id, rep)
    summary = dict(result.summary, view=result.view, corrections=list(result.corrections))
    store.end_session(session_id, summary)
    return session_id


def review_clip(video: Path, exercise: str, out_dir: Path, *, display_name: str | None = None,
                store: HistoryStore | None = None, progress: ProgressFn | None = None,
                model: str | None = None) -> Review:
    """Analyse a clip exactly as `formcheck analyze` does and save it to the history.

    Raises FormcheckError (one plain line) for a clip that cannot be analysed.
    """
    name = display_name or video.name
    out_video = out_dir / f"{Path(safe_name(name)).stem}-checked.mp4"  # a long name must not exceed 255 bytes
    analysis = analyze_clip(video, exercise, model=model, out_video=out_video, progress=progress)
    report = report_from_analysis(analysis, recognised=analysis.recognised)
    report["source"] = name
    session_id = save_result(store, analysis.result, f"clip:{name}") if store is not None else None
    return Review(analysis, report, reps_csv(report), analysis.video_path, session_id)


RECOGNISE = AUTO  # the exercise choice "Recognise it for me"
RECOGNISE_LABEL = "Recognise it for me"


def recognised_line(report: dict[str, Any]) -> str | None:
    """'This looks like: Floor calf raise' when the exercise was recognised from the clip, else None."""
    return f"This looks like: {report['title']}" if report.get("recognised") else None


def in_app_words(message: str) -> str:
    """A pipeline message in the app's words: the page has an Exercise box, not a --exercise option."""
    return message.replace("; pass --exercise", ". Choose the exercise above and check again")
