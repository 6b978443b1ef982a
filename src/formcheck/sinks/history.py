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
from typing import TYPE_CHECKING, Any

from formcheck.events import Rep
from formcheck.errors import FormcheckError

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL NOT NULL,          -- unix seconds
    ended_at REAL,                     -- NULL while running (or after a crash)
    exercise TEXT NOT NULL,
    source TEXT NOT NULL,              -- 'live', 'clip:<name>' (a checked video), 'live-clip:<name>'
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
-- Added with the heel-rise test. CREATE IF NOT EXISTS on every opening is its migration: a history
-- written before it simply gains the (empty) table, and nothing else changes.
CREATE TABLE IF NOT EXISTS heel_rise_tests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,  -- the session holding its reps
    taken_at REAL NOT NULL,            -- unix seconds
    source TEXT NOT NULL,              -- as sessions.source
    body_mass_kg REAL NOT NULL,
    result_json TEXT NOT NULL          -- run.heel_rise_test.HeelRiseTestResult.to_dict()
);
"""

if TYPE_CHECKING:
    from formcheck.checkers.base import CheckResult

# Where a session's frames came from (the sessions.source column):
LIVE = "live"  # a camera, in front of it
CHECKED_VIDEO = "clip:"  # + the file's name: a recorded video checked afterwards (app, analyze)
LIVE_FROM_VIDEO = "live-clip:"  # + the file's name: a video played as the camera (`live --source`)


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


@dataclass(frozen=True)
class HeelRiseTestRow:
    id: int
    session_id: int | None
    taken_at: float
    source: str
    body_mass_kg: float
    result: dict[str, Any]  # HeelRiseTestResult.to_dict()


# The history is private: only its owner may read it (folder rwx------, files rw-------).
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def _private_folder(folder: Path, ours: bool) -> None:
    """Create the folder owner-only; tighten it too when it is formcheck's own (~/.formcheck)."""
    existed = folder.is_dir()
    folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if ours or not existed:
        os.chmod(folder, PRIVATE_DIR_MODE)


def _private_files(db_path: Path) -> None:
    """Create the database file owner-only before SQLite does (its -wal and -shm copy its mode)."""
    if not db_path.exists():
        os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    for p in (db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        try:  # (an older history's files; another session closing may remove -wal/-shm meanwhile)
            if os.access(p, os.W_OK) and (p.stat().st_mode & 0o777) != PRIVATE_FILE_MODE:
                os.chmod(p, PRIVATE_FILE_MODE)
        except FileNotFoundError:
            pass


def _unusable(path: Path, exc: BaseException) -> FormcheckError:
    """One plain line naming the file and what to do."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text or "malformed" in text):
        return FormcheckError(f"the history file {path} is damaged ({text}): move it aside (e.g. rename it "
                              f"to {path.name}.broken) and formcheck starts a new one")
    if isinstance(exc, OSError):
        text = exc.strerror or text
    return FormcheckError(f"cannot use the history file {path} ({text}): make {path.parent} writable, "
                          "or set FORMCHECK_HOME to a folder you can write")


# Switching a new file to WAL takes an exclusive lock without waiting for it (SQLite's busy timeout
# does not apply), so two sessions opening a new history at once can see "database is locked":
# try again after these waits (the other opening takes milliseconds).
OPEN_RETRY_WAITS_S = (0.05, 0.1, 0.2, 0.4, 0.8)


def _connect(path: Path) -> sqlite3.Connection:
    for wait_s in (*OPEN_RETRY_WAITS_S, None):
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(SCHEMA)
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            if wait_s is None or "locked" not in str(exc):
                raise
            time.sleep(wait_s)
        except BaseException:
            db.close()
            raise
    raise AssertionError("unreachable")


class HistoryStore:
    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self._db: sqlite3.Connection | None = None
        try:
            _private_folder(self.path.parent, ours=path is None and "FORMCHECK_HOME" not in os.environ)
            _private_files(self.path)
            self._db = _connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            raise _unusable(self.path, exc) from exc

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

    def session(self, session_id: int) -> SessionRow | None:
        r = self._db.execute("SELECT id, started_at, ended_at, exercise, source, rep_count, summary_json "
                             "FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return None if r is None else SessionRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "{}"))

    def sessions_from(self, source: str) -> list[SessionRow]:
        """The sessions saved from one source (a checked clip's name), newest first."""
        rows = self._db.execute("SELECT id, started_at, ended_at, exercise, source, rep_count, summary_json "
                                "FROM sessions WHERE source = ? ORDER BY started_at DESC, id DESC", (source,)).fetchall()
        return [SessionRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "{}")) for r in rows]

    def reps(self, session_id: int) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT idx, start_s, peak_s, end_s, side, metrics_json, faults_json FROM reps "
                                "WHERE session_id = ? ORDER BY idx", (session_id,)).fetchall()
        return [{"index": r[0], "start_s": r[1], "peak_s": r[2], "end_s": r[3], "side": r[4],
                 "metrics": json.loads(r[5]), "faults": json.loads(r[6])} for r in rows]

    def add_heel_rise_test(self, result: dict[str, Any], source: str, *, session_id: int | None = None,
                           taken_at: float | None = None) -> int:
        """Keep a heel-rise test's result (`HeelRiseTestResult.to_dict()`); its id."""
        cur = self._db.execute(
            "INSERT INTO heel_rise_tests (session_id, taken_at, source, body_mass_kg, result_json) "
            "VALUES (?, ?, ?, ?, ?)", (session_id, taken_at or time.time(), source, float(result["body_mass_kg"]),
                                       json.dumps(result)))
        return int(cur.lastrowid)

    def heel_rise_tests_from(self, source: str) -> list[HeelRiseTestRow]:
        """The heel-rise tests kept from one source (a clip's name), newest first."""
        rows = self._db.execute("SELECT id, session_id, taken_at, source, body_mass_kg, result_json FROM "
                                "heel_rise_tests WHERE source = ? ORDER BY taken_at DESC, id DESC", (source,)).fetchall()
        return [HeelRiseTestRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    def heel_rise_tests(self, limit: int = 500) -> list[HeelRiseTestRow]:
        """The heel-rise tests taken, newest first (for My progress)."""
        rows = self._db.execute("SELECT id, session_id, taken_at, source, body_mass_kg, result_json "
                                "FROM heel_rise_tests ORDER BY taken_at DESC, id DESC LIMIT ?", (limit,)).fetchall()
        return [HeelRiseTestRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def save_result(store: HistoryStore, result: "CheckResult", source: str) -> int:
    """A finished check of a recorded clip as one session (each rep its own committed transaction); its id.
    The same clip checked again with the same outcome (source, exercise, summary, corrections and every
    rep alike) keeps its first session: My progress shows one session, not two (a tester's review saved
    it twice)."""
    summary = dict(result.summary, view=result.view, corrections=list(result.corrections))
    same_summary = json.loads(json.dumps(summary, default=str))  # as it reads back from the history
    for row in store.sessions_from(source):
        if row.ended_at is not None and row.exercise == result.exercise and row.rep_count == len(result.reps) \
                and row.summary == same_summary and _same_reps(store.reps(row.id), result.reps):
            return row.id
    session_id = store.start_session(result.exercise, source, started_at=time.time())
    for rep in result.reps:
        store.add_rep(session_id, rep)
    store.end_session(session_id, summary)
    return session_id


def _same_reps(stored: list[dict[str, Any]], reps: list[Rep]) -> bool:
    """Stored rep rows (`HistoryStore.reps`) that hold these reps, as `Rep.to_dict` rounds them."""
    def key(d: dict[str, Any]) -> tuple:
        return (d["index"], round(d["start_s"], 3), round(d["peak_s"], 3), round(d["end_s"], 3), d["side"],
                json.dumps(d["metrics"], sort_keys=True), json.dumps(d["faults"], sort_keys=True))
    return [key(d) for d in stored] == [key(r.to_dict()) for r in reps]
