"""The embedded default store: one SQLite file in WAL mode, safe across threads."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from contracts.budget import BudgetAsk, BudgetCharge, BudgetRefusal
from contracts.store import AssistantTurn, FeedbackRecord, TurnRecord
from stores import budget_ledger as ledger
from stores import schema as q
from stores.analytics_schema import INSERT_SOURCE, source_rows
from stores.migrations import SQLITE, migrate
from stores.rollup_backfill import rebuild
from stores.rollup_write import record_answer, record_rating

WAL_ATTEMPTS = 300  # 0.1 s apart: the 30 s the connection's own busy timeout allows


def enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting for other processes opening it at the same moment.

    Turning a rollback-journal file (an old store) into WAL needs an exclusive lock, and
    SQLite answers "database is locked" at once, without its busy wait, when two
    connections would otherwise deadlock on it; so the wait is here.
    """
    for attempt in range(WAL_ATTEMPTS):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.1)


class SQLiteStore:
    """A :class:`stores.Store` on SQLite. Each write commits before returning."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock  # when turns and feedback are stored (a test sets the time)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            enable_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            try:
                conn.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait
                migrate(conn.cursor(), SQLITE, q.STEPS)
                conn.commit()
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cur = self.conn.cursor()
            try:
                yield cur
                self.conn.commit()
            except BaseException:
                self.conn.rollback()
                raise

    def _write_lock(self, cur: sqlite3.Cursor) -> None:
        """Take the database's write lock before reading what the write depends on."""
        if not self.conn.in_transaction:
            cur.execute("BEGIN IMMEDIATE")

    def _conversation(self, cur: sqlite3.Cursor, key: str) -> int:
        self._write_lock(cur)  # so two processes never open two conversations for a key
        row = cur.execute(q.SELECT_CONVERSATION, (key,)).fetchone()
        if row:
            return int(row[0])
        cur.execute(q.INSERT_CONVERSATION, (key, self.clock()))
        return int(cur.lastrowid or 0)

    def add_user_turn(
        self, key: str, text: str, user: str | None = None, space: str | None = None
    ) -> int:
        with self._tx() as cur:
            conv = self._conversation(cur, key)
            params = q.user_turn_params(conv, key, text, user, space, self.clock())
            cur.execute(q.INSERT_TURN, params)
            return int(cur.lastrowid or 0)

    def refuse_turn(self, turn_id: int, limit: str) -> None:
        with self._tx() as cur:
            cur.execute(q.REFUSE_TURN, (limit, turn_id))

    def add_assistant_turn(self, key: str, turn: AssistantTurn) -> int:
        now = self.clock()
        with self._tx() as cur:
            conv = self._conversation(cur, key)
            cur.execute(q.INSERT_TURN, q.assistant_turn_params(conv, key, turn, now))
            turn_id = int(cur.lastrowid or 0)
            sources = source_rows(turn_id, turn, now)
            cur.executemany(INSERT_SOURCE, sources)
            self._record_rollups(cur, turn_id, [s[2] for s in sources])
            return turn_id

    def _record_rollups(self, cur: sqlite3.Cursor, turn_id: int, sources: list[str]) -> None:
        """Add the answer to the usage rollups, under the write lock its turn holds."""
        record_answer(cur, SQLITE, turn_id, sources)

    def _record_rating(self, cur: sqlite3.Cursor, turn_id: int, score: int) -> None:
        """Count a first 👍 or 👎 of an answer in the rollups (before the rating is stored)."""
        self._write_lock(cur)  # the check and the rollups it updates, together
        record_rating(cur, SQLITE, turn_id, score)

    def rebuild_rollups(self) -> None:
        """Fill the usage rollups again from the stored rows (``bot stats --rebuild``)."""
        with self._tx() as cur:
            self._write_lock(cur)  # no answer is counted while the rollups are refilled
            rebuild(cur, SQLITE)

    def history(self, key: str, limit: int | None = None) -> list[TurnRecord]:
        with self._tx() as cur:
            row = cur.execute(q.SELECT_CONVERSATION, (key,)).fetchone()
            if not row:
                return []
            sql = q.HISTORY + (f" LIMIT {int(limit)}" if limit else "")
            rows = cur.execute(sql, (row[0],)).fetchall()
        return [q.turn_from_row(r) for r in reversed(rows)]

    def turn(self, turn_id: int) -> TurnRecord | None:
        with self._tx() as cur:
            row = cur.execute(q.ONE_TURN, (turn_id,)).fetchone()
        return q.turn_from_row(row) if row else None

    def reset(self, key: str) -> None:
        with self._tx() as cur:
            cur.execute(q.ARCHIVE, (key,))

    def supersede_from(self, key: str, turn_id: int) -> None:
        with self._tx() as cur:
            conv = self._conversation(cur, key)
            cur.execute(q.SUPERSEDE, (conv, turn_id))

    def add_feedback(
        self, turn_id: int, score: int, comment: str | None = None, user: str | None = None
    ) -> int:
        with self._tx() as cur:
            self._record_rating(cur, turn_id, score)
            cur.execute(q.INSERT_FEEDBACK, (turn_id, score, comment, user, self.clock()))
            return int(cur.lastrowid or 0)

    def feedback(self, turn_id: int) -> list[FeedbackRecord]:
        with self._tx() as cur:
            rows = cur.execute(q.SELECT_FEEDBACK, (turn_id,)).fetchall()
        return [q.feedback_from_row(r) for r in rows]

    def claim_event(self, event_id: str, owner: str = "", lease_s: float | None = None) -> bool:
        now = time.time()
        with self._tx() as cur:
            try:
                cur.execute(q.CLAIM_EVENT, (event_id, now, owner))
            except sqlite3.IntegrityError:
                if lease_s is None:
                    return False
                cur.execute(q.TAKE_OVER_EVENT, (owner, now, event_id, now - lease_s))
                return cur.rowcount == 1
            return True

    def renew_event(self, event_id: str, owner: str) -> bool:
        with self._tx() as cur:
            cur.execute(q.RENEW_EVENT, (time.time(), event_id, owner))
            return cur.rowcount == 1

    def finish_event(self, event_id: str) -> None:
        with self._tx() as cur:
            cur.execute(q.FINISH_EVENT, (time.time(), event_id))

    def release_event(self, event_id: str, owner: str | None = None) -> None:
        with self._tx() as cur:
            if owner is None:
                cur.execute(q.RELEASE_EVENT, (event_id,))
            else:
                cur.execute(q.RELEASE_OWN_EVENT, (event_id, owner))

    dialect = "sqlite"

    def transaction(self) -> AbstractContextManager[Any]:
        """One committed transaction's cursor, for tables another layer owns (the sources'
        sync state); queries use this store's placeholders (see ``dialect``)."""
        return self._tx()

    def fetch(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of one read-only query (``?`` placeholders), for reports such as ``bot stats``."""
        with self._tx() as cur:
            return [tuple(r) for r in cur.execute(sql, params).fetchall()]

    def keys(self) -> list[str]:
        with self._tx() as cur:
            return [r[0] for r in cur.execute(q.KEYS).fetchall()]

    def reserve_budget(self, ask: BudgetAsk) -> BudgetRefusal | None:
        with self._tx() as cur:
            self._write_lock(cur)  # every process's check and hold, one after another
            return ledger.reserve(cur, ask, str)

    def settle_budget(self, hold: str | None, charge: BudgetCharge) -> None:
        with self._tx() as cur:
            self._write_lock(cur)
            ledger.settle(cur, hold, charge, str)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
