"""The store for several processes or machines: PostgreSQL through psycopg 3.

Same schema and queries as SQLite (``stores/schema.py``). One connection per process,
guarded by a lock, because the Session calls the store from worker threads and each call
is one short transaction. Construction does no I/O; the first call connects and creates
or migrates the tables (``stores/migrations.py``). A connection the server dropped
while idle is replaced transparently; one that breaks mid-transaction raises (the write
may or may not have happened) and is replaced on the next call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from functools import cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from contracts.budget import BudgetAsk, BudgetCharge, BudgetRefusal
from contracts.secrets import register_secret
from contracts.store import AssistantTurn, FeedbackRecord, TurnRecord
from stores import budget_ledger as ledger
from stores import schema as q
from stores.analytics_schema import INSERT_SOURCE, source_rows
from stores.migrations import POSTGRES, migrate
from stores.rollup_backfill import rebuild
from stores.rollup_write import record_answer, record_rating

# Two processes creating the tables at once would race on PostgreSQL's catalogue;
# an advisory lock (any fixed number) makes the second one wait for the first.
_SCHEMA_LOCK = 0x626F7400
# Every change to the usage rollups takes this lock: a row's histograms are read, merged
# and written back. Above the int4 range, so no hashtext() lock of a key can equal it.
_ROLLUP_LOCK = 0x626F74_726F6C6C
CONNECT_TIMEOUT_S = 10


@cache
def pg(sql: str) -> str:
    """A shared query in psycopg's placeholder style."""
    return sql.replace("?", "%s")


def redacted_url(url: str) -> str:
    """``url`` with its password replaced, for messages and reprs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


class StoreUnavailable(RuntimeError):
    """PostgreSQL could not be reached; the message names the server, never the password."""


class PostgresStore:
    """A :class:`stores.Store` on PostgreSQL (``store.url = "postgresql://..."``)."""

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self._url = url
        self.clock = clock  # when turns and feedback are stored (a test sets the time)
        for secret in (url, urlsplit(url).password):  # logs never show either
            register_secret(secret)
        self._lock = threading.RLock()
        self._conn: Any = None

    def __repr__(self) -> str:
        return f"PostgresStore({redacted_url(self._url)!r})"

    def _connect(self) -> Any:
        try:
            import psycopg
            from psycopg.conninfo import conninfo_to_dict
        except ImportError:
            raise StoreUnavailable("store.url names PostgreSQL but psycopg is not installed. "
                                   "Fix: pip install 'bot[postgres]'") from None
        extra: dict[str, Any] = {"application_name": "bot"}
        if "connect_timeout" not in conninfo_to_dict(self._url):
            extra["connect_timeout"] = CONNECT_TIMEOUT_S  # a dead host must not hang a turn
        try:
            conn = psycopg.connect(self._url, autocommit=True, **extra)
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"cannot connect to the PostgreSQL store at {redacted_url(self._url)}: "
                f"{_first_line(exc)}. Fix: start the server or correct store.url"
            ) from None
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                migrate(conn.cursor(), POSTGRES, q.STEPS)
        except BaseException:
            conn.close()  # e.g. no CREATE permission: the error says which table
            raise
        return conn

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """One transaction on the shared connection, committed before the caller returns."""
        import psycopg

        with self._lock:
            try:
                with ExitStack() as stack:
                    self._begin(stack)
                    yield stack.enter_context(self._conn.cursor())
            except psycopg.OperationalError:
                self._drop_connection()  # the next call reconnects
                raise

    def _begin(self, stack: ExitStack) -> None:
        """Start a transaction. A connection found dead at BEGIN (after a server restart or
        an idle timeout) has run nothing yet, so it is replaced and BEGIN tried once more."""
        import psycopg

        for attempt in (1, 2):
            if self._conn is None or self._conn.closed:
                self._conn = self._connect()
            try:
                stack.enter_context(self._conn.transaction())
                return
            except psycopg.OperationalError:
                self._drop_connection()
                if attempt == 2:
                    raise

    def _drop_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _conversation(self, cur: Any, key: str) -> int:
        # Serialise per key across processes so two of them never open two conversations.
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))
        row = cur.execute(pg(q.SELECT_CONVERSATION), (key,)).fetchone()
        if row:
            return int(row[0])
        cur.execute(pg(q.INSERT_CONVERSATION) + " RETURNING id", (key, self.clock()))
        return int(cur.fetchone()[0])

    def _insert_turn(self, key: str, params: Any) -> int:
        with self._tx() as cur:
            conv = self._conversation(cur, key)
            cur.execute(pg(q.INSERT_TURN) + " RETURNING id", params(conv))
            return int(cur.fetchone()[0])

    def add_user_turn(
        self, key: str, text: str, user: str | None = None, space: str | None = None
    ) -> int:
        return self._insert_turn(
            key, lambda conv: q.user_turn_params(conv, key, text, user, space, self.clock()))

    def refuse_turn(self, turn_id: int, limit: str) -> None:
        with self._tx() as cur:
            cur.execute(pg(q.REFUSE_TURN), (limit, turn_id))

    def add_assistant_turn(self, key: str, turn: AssistantTurn) -> int:
        now = self.clock()
        with self._tx() as cur:
            conv = self._conversation(cur, key)
            cur.execute(pg(q.INSERT_TURN) + " RETURNING id",
                        q.assistant_turn_params(conv, key, turn, now))
            turn_id = int(cur.fetchone()[0])
            sources = source_rows(turn_id, turn, now)
            cur.executemany(pg(INSERT_SOURCE), sources)
            self._record_rollups(cur, turn_id, [s[2] for s in sources])
            return turn_id

    def _record_rollups(self, cur: Any, turn_id: int, sources: list[str]) -> None:
        """Add the answer to the usage rollups, holding the rollup lock until commit."""
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ROLLUP_LOCK,))
        record_answer(cur, POSTGRES, turn_id, sources)

    def _record_rating(self, cur: Any, turn_id: int, score: int) -> None:
        """Count a first 👍 or 👎 of an answer in the rollups (before the rating is stored)."""
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ROLLUP_LOCK,))
        record_rating(cur, POSTGRES, turn_id, score)

    def rebuild_rollups(self) -> None:
        """Fill the usage rollups again from the stored rows (``bot stats --rebuild``)."""
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ROLLUP_LOCK,))
            rebuild(cur, POSTGRES)

    def history(self, key: str, limit: int | None = None) -> list[TurnRecord]:
        with self._tx() as cur:
            row = cur.execute(pg(q.SELECT_CONVERSATION), (key,)).fetchone()
            if not row:
                return []
            sql = pg(q.HISTORY) + (f" LIMIT {int(limit)}" if limit else "")
            rows = cur.execute(sql, (row[0],)).fetchall()
        return [q.turn_from_row(r) for r in reversed(rows)]

    def turn(self, turn_id: int) -> TurnRecord | None:
        with self._tx() as cur:
            row = cur.execute(pg(q.ONE_TURN), (turn_id,)).fetchone()
        return q.turn_from_row(row) if row else None

    def reset(self, key: str) -> None:
        with self._tx() as cur:
            cur.execute(pg(q.ARCHIVE), (key,))

    def supersede_from(self, key: str, turn_id: int) -> None:
        with self._tx() as cur:
            conv = self._conversation(cur, key)
            cur.execute(pg(q.SUPERSEDE), (conv, turn_id))

    def add_feedback(
        self, turn_id: int, score: int, comment: str | None = None, user: str | None = None
    ) -> int:
        with self._tx() as cur:
            self._record_rating(cur, turn_id, score)
            cur.execute(pg(q.INSERT_FEEDBACK) + " RETURNING id",
                        (turn_id, score, comment, user, self.clock()))
            return int(cur.fetchone()[0])

    def feedback(self, turn_id: int) -> list[FeedbackRecord]:
        with self._tx() as cur:
            rows = cur.execute(pg(q.SELECT_FEEDBACK), (turn_id,)).fetchall()
        return [q.feedback_from_row(r) for r in rows]

    def claim_event(self, event_id: str, owner: str = "", lease_s: float | None = None) -> bool:
        """True for the first claim of ``event_id``, or for taking over one whose lease ran
        out; False while another holder renews it, or once done."""
        now = time.time()
        with self._tx() as cur:
            cur.execute(pg(q.CLAIM_EVENT) + " ON CONFLICT (event_id) DO NOTHING",
                        (event_id, now, owner))
            if cur.rowcount == 1:
                return True
            if lease_s is None:
                return False
            # Two takers of one expired claim: the row lock makes the second re-check
            # ``updated_at``, which the first has just renewed, so only one wins.
            cur.execute(pg(q.TAKE_OVER_EVENT), (owner, now, event_id, now - lease_s))
            return bool(cur.rowcount == 1)

    def renew_event(self, event_id: str, owner: str) -> bool:
        with self._tx() as cur:
            cur.execute(pg(q.RENEW_EVENT), (time.time(), event_id, owner))
            return bool(cur.rowcount == 1)

    def finish_event(self, event_id: str) -> None:
        with self._tx() as cur:
            cur.execute(pg(q.FINISH_EVENT), (time.time(), event_id))

    def release_event(self, event_id: str, owner: str | None = None) -> None:
        with self._tx() as cur:
            if owner is None:
                cur.execute(pg(q.RELEASE_EVENT), (event_id,))
            else:
                cur.execute(pg(q.RELEASE_OWN_EVENT), (event_id, owner))

    dialect = "postgresql"

    def transaction(self) -> AbstractContextManager[Any]:
        """One committed transaction's cursor, for tables another layer owns (the sources'
        sync state); queries use this store's placeholders (see ``dialect``)."""
        return self._tx()

    def fetch(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of one read-only query (``?`` placeholders), for reports such as ``bot stats``."""
        with self._tx() as cur:
            sql = pg(sql.replace("%", "%%"))  # a LIKE pattern's % is no placeholder
            return [tuple(r) for r in cur.execute(sql, params).fetchall()]

    def keys(self) -> list[str]:
        with self._tx() as cur:
            return [r[0] for r in cur.execute(q.KEYS).fetchall()]

    def reserve_budget(self, ask: BudgetAsk) -> BudgetRefusal | None:
        with self._tx() as cur:
            _lock_scopes(cur, ledger.scopes(ask))
            return ledger.reserve(cur, ask, pg)

    def settle_budget(self, hold: str | None, charge: BudgetCharge) -> None:
        with self._tx() as cur:
            _lock_scopes(cur, ledger.scopes(charge))
            ledger.settle(cur, hold, charge, pg)

    def close(self) -> None:
        with self._lock:
            self._drop_connection()


def _lock_scopes(cur: Any, scopes: list[str]) -> None:
    """Every process checking or settling a scope's budget waits for the one before it.
    ``scopes`` comes sorted, so two transactions never wait on each other's locks."""
    for scope in scopes:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"budget:{scope}",))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
