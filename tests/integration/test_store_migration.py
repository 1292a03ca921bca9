"""A store made before schema versions is migrated in place when it opens, losing no row:
tested on a copy of an old-schema database, SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from contracts.budget import BudgetAsk, BudgetCharge, BudgetLine
from contracts.store import AssistantTurn, Store
from stores import open_store
from stores.schema import STEPS
from tests.fixtures import store_before_versions as old
from tests.integration.store_fixtures import STORES, _postgres_or_skip

OLD_KEY = "slack:T1:C1:1700000000.000100"


class OldStore:
    """An old-schema database and a copy of it; tests open the copy with today's code."""

    def __init__(self, url: str, raw: Callable[[str], Any], original: str) -> None:
        self.url, self.raw, self.original = url, raw, original

    def rows(self, url: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
        with closing(self.raw(url or self.url)) as conn:
            return old.snapshot(conn.cursor())

    def versions(self, url: str | None = None) -> list[int]:
        with closing(self.raw(url or self.url)) as conn:
            try:
                rows = conn.execute("SELECT version FROM schema_version ORDER BY version")
                return [int(r[0]) for r in rows.fetchall()]
            except (sqlite3.OperationalError, _pg_undefined_table()):
                return []


def _pg_undefined_table() -> type[Exception]:
    try:
        import psycopg.errors

        return psycopg.errors.UndefinedTable
    except ImportError:
        return sqlite3.OperationalError


def sqlite_old_store(tmp_path: Path) -> Iterator[OldStore]:
    original = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(original)) as conn:
        old.build(conn.cursor(), serial="INTEGER", placeholder="?")
        conn.commit()
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(original, copy)
    yield OldStore(f"sqlite:///{copy}", lambda url: sqlite3.connect(url.removeprefix(
        "sqlite:///")), f"sqlite:///{original}")


def postgres_old_store() -> Iterator[OldStore]:
    import psycopg

    base = _postgres_or_skip()
    suffix = threading.get_ident() % 100_000

    def on(db: str) -> str:
        return urlunsplit(urlsplit(base)._replace(path=f"/{db}"))

    original, copy = f"old_{suffix}", f"copy_{suffix}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {copy}")
        admin.execute(f"DROP DATABASE IF EXISTS {original}")
        admin.execute(f"CREATE DATABASE {original}")
    with psycopg.connect(on(original), autocommit=True) as conn:
        old.build(conn.cursor(), serial="SERIAL", placeholder="%s")
        for table in ("conversations", "turns", "feedback"):  # as SERIAL inserts would leave it
            conn.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    with psycopg.connect(base, autocommit=True) as admin:  # a copy, as a backup restore makes
        admin.execute(f"CREATE DATABASE {copy} TEMPLATE {original}")
    try:
        yield OldStore(on(copy), lambda url: psycopg.connect(url), on(original))
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {copy} WITH (FORCE)")
            admin.execute(f"DROP DATABASE IF EXISTS {original} WITH (FORCE)")


@pytest.fixture(params=STORES)
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OldStore]:
    if request.param == "sqlite":
        yield from sqlite_old_store(tmp_path)
    else:
        yield from postgres_old_store()


@pytest.fixture
def opened(old_store: OldStore, data_dir: Path) -> Iterator[Callable[[], Store]]:
    stores: list[Store] = []

    def factory() -> Store:
        stores.append(open_store(old_store.url, data_dir))
        return stores[-1]

    yield factory
    for store in stores:
        store.close()


def test_opening_an_old_store_migrates_it_and_keeps_every_row(
    old_store: OldStore, opened: Callable[[], Store]
) -> None:
    before = old_store.rows()
    assert old_store.versions() == []
    store = opened()
    assert [t.text for t in store.history(OLD_KEY)] == ["what is new?", "It broke off"]
    assert old_store.versions() == [s.version for s in STEPS]
    assert old_store.rows() == with_askers(before)
    assert old_store.versions(old_store.original) == []  # the copy changed, not the original


def with_askers(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The old rows as step 3 leaves them: each answer also names who asked it (the user of
    the question before it in its conversation); nothing else changes."""
    asker: dict[Any, Any] = {}
    turns = []
    for row in rows["turns"]:  # id, conversation_id, key, role, text, "user", …
        if row[3] == "user":
            asker[row[1]] = row[5]
        elif row[5] is None:
            row = (*row[:5], asker.get(row[1]), *row[6:])
        turns.append(row)
    return {**rows, "turns": turns}


def test_a_migrated_store_reads_old_turns_and_takes_new_ones(
    old_store: OldStore, opened: Callable[[], Store]
) -> None:
    store = opened()
    answer = store.turn(2)
    assert answer is not None and answer.tool_calls[0]["name"] == "calculator"
    assert answer.sources[0].source == "guide.md" and answer.cost_usd == pytest.approx(3.6e-5)
    assert [f.comment for f in store.feedback(2)] == ["spot on"]
    assert store.claim_event("Ev01") is False and store.claim_event("Ev03") is True
    store.add_user_turn(OLD_KEY, "a new question", user="U1", space="slack:C1")
    new_id = store.add_assistant_turn(OLD_KEY, AssistantTurn(text="a new answer"))
    assert new_id > 5  # ids carry on after the old rows
    turns = store.history(OLD_KEY)
    assert [(t.text, t.space) for t in turns] == [
        ("what is new?", None), ("It broke off", None),
        ("a new question", "slack:C1"), ("a new answer", None)]


def test_a_migrated_store_keeps_budgets(old_store: OldStore, opened: Callable[[], Store]) -> None:
    store = opened()
    line = BudgetLine(name="budgets.user.tokens_per_day", scope="user:U1", metric="tokens",
                      period="day:2025-06-14", cap=100)
    ask = BudgetAsk(lines=[line], hold="h1", hold_tokens=10, hold_cost_usd=0, hold_until=2e9,
                    now=1.75e9)
    assert store.reserve_budget(ask) is None
    store.settle_budget("h1", BudgetCharge(windows=[("user:U1", line.period)], tokens=120,
                                           cost_usd=0.01))
    refused = store.reserve_budget(ask.model_copy(update={"hold": "h2"}))
    assert refused is not None and refused.used == 120
    store.refuse_turn(3, refused.line.name)
    assert store.history(OLD_KEY)[0].refused == "budgets.user.tokens_per_day"


def test_migrating_is_idempotent_and_happens_once_when_processes_open_together(
    old_store: OldStore, opened: Callable[[], Store]
) -> None:
    stores = [opened() for _ in range(6)]  # as six workers starting on the old store at once
    start = threading.Barrier(len(stores))

    def first_call(store: Store) -> list[str]:
        start.wait()
        return store.keys()

    with ThreadPoolExecutor(len(stores)) as pool:
        results = list(pool.map(first_call, stores))
    assert all(r == results[0] for r in results) and OLD_KEY in results[0]
    opened().keys()  # and once more, later
    assert old_store.versions() == [s.version for s in STEPS]
