"""PostgreSQL-only behaviour: lazy connect, a dropped connection, a server that is down."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from contracts.store import AssistantTurn
from stores import open_store
from stores.postgres import PostgresStore, StoreUnavailable

psycopg = pytest.importorskip("psycopg")

pytestmark = pytest.mark.postgres
KEY = "slack:T1:C1:1700000000.000100"


def test_open_store_picks_postgres_and_connects_only_when_used(postgres_url: str) -> None:
    store = open_store(postgres_url, data_dir=None)  # type: ignore[arg-type]
    assert isinstance(store, PostgresStore) and store._conn is None
    store.add_user_turn(KEY, "hello")
    assert [t.text for t in store.history(KEY)] == ["hello"]
    store.close()


def test_a_connection_dropped_while_idle_is_replaced_without_losing_a_write(
    postgres_url: str,
) -> None:
    store = PostgresStore(postgres_url)
    store.add_user_turn(KEY, "before the drop")
    terminate(postgres_url, store._conn.info.backend_pid)  # as a server restart would
    store.add_assistant_turn(KEY, AssistantTurn(text="after the drop"))
    assert [t.text for t in store.history(KEY)] == ["before the drop", "after the drop"]
    store.close()


def test_a_connection_lost_mid_transaction_raises_then_recovers(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    store.add_user_turn(KEY, "kept")
    with pytest.raises(psycopg.OperationalError), store._tx() as cur:
        terminate(postgres_url, store._conn.info.backend_pid)
        cur.execute("SELECT 1")
    assert [t.text for t in store.history(KEY)] == ["kept"]
    store.close()


def terminate(url: str, pid: int) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))  # waits for it


def test_a_server_that_is_down_gives_a_clear_message_without_the_password() -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = PostgresStore(f"postgresql://bot:Hunter2-pg-secret@127.0.0.1:{port}/bot")
    with pytest.raises(StoreUnavailable) as caught:
        store.keys()
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "Fix:" in message
    assert "Hunter2-pg-secret" not in message and "Hunter2-pg-secret" not in repr(store)


def test_many_processes_starting_at_once_create_the_tables_once(postgres_url: str) -> None:
    stores = [PostgresStore(postgres_url) for _ in range(8)]  # as 8 workers starting together
    start = threading.Barrier(len(stores))

    def first_call(store: PostgresStore) -> list[str]:
        start.wait()
        return store.keys()

    with ThreadPoolExecutor(len(stores)) as pool:
        assert list(pool.map(first_call, stores)) == [[]] * len(stores)
    for store in stores:
        store.close()

