"""The sources' sync state: cursors, per-document versions, run history, leases, and the
group memberships the permission passes read from the services.

Tables of the ``sources`` layer kept in the bot's store, so every process and replica that
shares the store agrees on what was synced and who is syncing now.
"""

from __future__ import annotations

from stores.migrations import add_column

SOURCES = (
    """CREATE TABLE IF NOT EXISTS source_cursors (
        name TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS source_documents (
        name TEXT NOT NULL, key TEXT NOT NULL, version TEXT NOT NULL, url TEXT NOT NULL,
        title TEXT NOT NULL, modified TEXT NOT NULL, readers TEXT NOT NULL,
        synced_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (name, key))""",
    """CREATE TABLE IF NOT EXISTS source_runs (
        id {serial} PRIMARY KEY, name TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL,
        duration_s DOUBLE PRECISION NOT NULL, added INTEGER NOT NULL, changed INTEGER NOT NULL,
        removed INTEGER NOT NULL, unchanged INTEGER NOT NULL, skipped INTEGER NOT NULL,
        embedded INTEGER NOT NULL, outcome TEXT NOT NULL, errors TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS source_runs_name ON source_runs (name, id)",
    """CREATE TABLE IF NOT EXISTS source_leases (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)""",
)

# Step 7: a run is a content sync or a permission pass; the groups each source reported.
PERMISSIONS = (
    add_column("source_runs", "run_of", "TEXT NOT NULL DEFAULT 'content'"),
    """CREATE TABLE IF NOT EXISTS source_groups (
        name TEXT NOT NULL, grp TEXT NOT NULL, member TEXT NOT NULL,
        PRIMARY KEY (name, grp, member))""",
    "CREATE INDEX IF NOT EXISTS source_groups_member ON source_groups (member)",
)

# Step 8: the identities a permission pass linked (a GitHub login to its verified e-mail).
ALIASES = (
    """CREATE TABLE IF NOT EXISTS source_aliases (
        name TEXT NOT NULL, person TEXT NOT NULL, alias TEXT NOT NULL,
        PRIMARY KEY (name, person, alias))""",
    "CREATE INDEX IF NOT EXISTS source_aliases_person ON source_aliases (person)",
    "CREATE INDEX IF NOT EXISTS source_aliases_alias ON source_aliases (alias)",
)
