"""What a live session records: every rep into the history store as it happens, and one entry
per exercise done (for the session summary and the history's session row).

Each rep is one committed transaction, so a crash or an unplugged camera loses nothing counted.
"""
from __future__ import annotations

import time
from typing import Any, Iterable

from formcheck.checkers.base import Checker
from formcheck.events import Event, EventKind
from formcheck.sinks.history import HistoryStore


class RepLog:
    """`record(exercise, events)` every frame; `end_exercise(...)` when a checker is done."""

    def __init__(self, store: HistoryStore | None, source: str) -> None:
        self.store = store
        self.source = source
        self.total_reps = 0  # every rep this session, all exercises
        self.exercises: list[dict[str, Any]] = []  # one entry per exercise done
        self._history_id: int | None = None  # the store's session of the current exercise

    @property
    def history_id(self) -> int | None:
        """The store's session of the current exercise (None until its first rep or 'ready')."""
        return self._history_id

    def record(self, exercise: str, events: Iterable[Event]) -> None:
        """Reps (and faults found later for a saved rep) into the store; the first rep or
        'ready' opens the store's session for this exercise."""
        for e in events:
            if e.kind in (EventKind.READY, EventKind.REP) and self._history_id is None and self.store is not None:
                self._history_id = self.store.start_session(exercise, self.source, time.time())
            if e.kind == EventKind.REP and e.rep is not None:
                self.total_reps += 1
                if self.store is not None:
                    self.store.add_rep(self._history_id, e.rep)
            elif e.kind == EventKind.CUE and e.rep is not None and self.store is not None \
                    and self._history_id is not None:
                self.store.add_rep(self._history_id, e.rep)  # a fault found later: the saved rep gets it

    def end_exercise(self, checker: Checker, sets: list[int], plan_id: str) -> None:
        """The checker is done: its summary entry, and the store's session ended with it."""
        res = checker.result()
        entry = {"exercise": res.exercise, "title": checker.title, "rep_count": res.rep_count,
                 "sets": sets, "corrections": res.corrections, "view": res.view,
                 "warnings": list(res.warnings), "history_session_id": self._history_id}
        self.exercises.append(entry)
        if self.store is not None and self._history_id is not None:
            self.store.end_session(self._history_id, {**entry, "plan": plan_id, "summary": res.summary})
        self._history_id = None
