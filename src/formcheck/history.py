"""Local session history in SQLite: every rep is written as it happens.

One store for the app and `formcheck live` (default `~/.formcheck/history.sqlite3`, or
$FORMCHECK_HOME). A crash or a closed tab loses at most the rep in progress: each rep is
its own committed transaction (WAL mode, so readers never block the writer).
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checkers.base import Rep

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL NOT NULL,          -- unix seconds
    ended_at REAL,                     -- NULL while running (or after a crash)
    exercise TEXT NOT NULL,
    source TEXT NOT NULL,              -- 'live', 'clip:<name>'
    rep_count INTEGER NOT NULL DEFAULT 0,
    summary_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS reps (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start_s REAL, peak_s REAL, end_s REAL, side TEXT,
    metrics_json TEXT NOT NULL,
    faults_json TEXT NOT NULL,
    PRIMARY KEY (session_id, idx)
);
"""


def default_path() -> Path:
    home = Path(os.environ.get("FORMCHECK_HOME", Path.home() / ".formcheck"))
    return home / "history.sqlite3"


@dataclass(frozen=True)
class SessionRow:
    id: int
    started_at: float
    ended_at: float | None
    exercise: str
    source: str
    rep_count: int
    summary: dict[str, Any]


class HistoryStore:
    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)

    def start_session(self, exercise: str, source: str, started_at: float | None = None) -> int:
        cur = self._db.execute("INSERT INTO sessions (started_at, exercise, source) VALUES (?, ?, ?)",
                               (started_at or time.time(), exercise, source))
        return int(cur.lastrowid)

    def add_rep(self, session_id: int, rep: Rep) -> None:
        with self._db:  # one transaction per rep
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO reps VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, rep.index, rep.start_s, rep.peak_s, rep.end_s, rep.side,
                 json.dumps(rep.to_dict()["metrics"]), json.dumps([f.to_dict() for f in rep.faults])))
            self._db.execute("UPDATE sessions SET rep_count = (SELECT COUNT(*) FROM reps WHERE session_id = ?) "
                             "WHERE id = ?", (session_id, session_id))

    def end_session(self, session_id: int, summary: dict[str, Any] | None = None,
                    ended_at: float | None = None) -> None:
        self._db.execute("UPDATE sessions SET ended_at = ?, summary_json = ? WHERE id = ?",
                         (ended_at or time.time(), json.dumps(summary or {}, default=str), session_id))

    def sessions(self, limit: int = 500) -> list[SessionRow]:
        rows = self._db.execute("SELECT id, started_at, ended_at, exercise, source, rep_count, summary_json "
                                "FROM sessions ORDER BY started_at DESC LIMIT ?", (limit,)).fetchall()
        return [SessionRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "{}")) for r in rows]

    def reps(self, session_id: int) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT idx, start_s, peak_s, end_s, side, metrics_json, faults_json FROM reps "
                                "WHERE session_id = ? ORDER BY idx", (session_id,)).fetchall()
        return [{"index": r[0], "start_s": r[1], "peak_s": r[2], "end_s": r[3], "side": r[4],
                 "metrics": json.loads(r[5]), "faults": json.loads(r[6])} for r in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
