"""Fixtures that run a test once per store: SQLite and PostgreSQL.

Import them into a test module (``from tests.integration.store_fixtures import ...``).
PostgreSQL comes from ``tests/fakes/postgres.py``; without it the PostgreSQL case skips,
except where ``CI`` or ``BOT_TEST_REQUIRE_POSTGRES`` is set: there it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Settings, load_settings
from tests.fakes.postgres import (
    REQUIRED,
    PostgresUnavailable,
    drop_schema,
    new_schema,
    server_url,
    with_schema,
)

STORES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _postgres_or_skip() -> str:
    try:
        import psycopg  # noqa: F401

        return server_url()
    except (ImportError, PostgresUnavailable) as exc:
        reason = f"PostgreSQL store tests need a server: {exc}"
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL to an empty schema of its own on the test server."""
    base = _postgres_or_skip()
    schema = new_schema(base)
    yield with_schema(base, schema)
    drop_schema(base, schema)


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, data_dir: Path) -> str:
    """``sqlite:///...`` in the test's data dir, then ``postgresql://...``."""
    if request.param == "sqlite":
        return f"sqlite:///{data_dir / 'store.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store_settings(store_url: str, data_dir: Path) -> Settings:
    """Offline settings whose store is the parametrized one."""
    return load_settings(data_dir=data_dir, tools=["clock", "calculator"],
                         store={"url": store_url})
