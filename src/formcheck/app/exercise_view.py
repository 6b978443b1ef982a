"""What a checked video says about its exercise, as what it is: reps counted, holds timed, or
movement timed (plain values, no Streamlit). A timer never shows "0 reps", a hold never "1 reps".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


from formcheck.checkers.kit.timed import fmt_duration as fmt_seconds
from formcheck.app.charts import traced_feet

SIDE_KEYS = ("active_s_by_foot", "active_s_by_side")


@dataclass
class ExerciseView:
    headline: str
    tiles: list[tuple[str, str]]
    nothing_found: str | None  # advice when nothing was counted or timed, else None
    chart_caption: str
    lines: list[str] = field(default_factory=list)  # extra facts, e.g. the letters' size


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def describe(report: dict[str, Any], mode: str) -> ExerciseView:
    title, summary = report["title"], report.get("summary") or {}
    warnings = report.get("warnings") or []
    if mode == "hold":
        holds = summary.get("holds") or []
        total = summary.get("hold_s") or 0.0
        tiles = [("Holds", str(len(holds))), ("Held in all", fmt_seconds(total)),
                 ("Longest hold", fmt_seconds(summary.get("longest_hold_s") or 0.0))]
        target = summary.get("target_s")
        if target:
            tiles.append(("Goal", "-".join(f"{t:g}" for t in target) + " s"))
        head = f"{title}: {_n(len(holds), 'hold', 'holds')}, {fmt_seconds(total)} held" if holds else \
            f"{title}: no hold seen"
        nothing = None if holds else (warnings[0] if warnings else
                                      "No hold was seen. Film the whole body and hold the position still.")
        return ExerciseView(head, tiles, nothing, "The line is the position over time; each green band is one hold.")
    if mode == "timer":
        active = summary.get("active_s") or 0.0
        tiles = [("Moving", fmt_seconds(active))]
        by_side = next((summary[k] for k in SIDE_KEYS if isinstance(summary.get(k), dict)), {})
        for side, secs in sorted(by_side.items()):
            tiles.append((f"{side.capitalize()}", fmt_seconds(secs)))
        lines = []
        traced = traced_feet(summary)
        for side, r in sorted((summary.get("range_by_foot") or {}).items()):
            side = str(getattr(side, "value", side))
            if side in traced and (r.get("width_cm") or r.get("height_cm")):
                lines.append(f"Letters traced with the {side} foot: about {r['width_cm']:.0f} cm wide and "
                             f"{r['height_cm']:.0f} cm tall")
        head = f"{title}: {fmt_seconds(active)} of movement" if active else f"{title}: nothing timed"
        nothing = None if active else (warnings[0] if warnings else
                                       "Nothing was timed. Film the feet and legs, in good light.")
        return ExerciseView(head, tiles, nothing, "The line is the movement over time; the clock runs while it moves.",
                            lines)
    n = int(report.get("rep_count") or 0)
    return ExerciseView(f"{title}: {_n(n, 'rep', 'reps')}", [("Reps", str(n))],
                        None if report.get("reps") else
                        "No reps were counted. Film the whole body, feet included, and start standing still.",
                        "Each green band is one counted rep; orange dots are reps with something to fix.")
