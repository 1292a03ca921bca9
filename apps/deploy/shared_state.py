"""A replicated bot keeps no state of its own: what a replica checks before it joins.

Conversations, feedback and Slack's event claims must live in one PostgreSQL store that
every replica reaches, and the knowledge base in one Chroma server: a SQLite file or an
embedded Chroma folder would be per replica (and per machine), so a conversation would
split between replicas and a retry of a Slack event would be answered twice.
"""

from __future__ import annotations

from config import Settings


class ReplicaRefused(RuntimeError):
    """This replica must not serve: the message names the setting and the fix."""


def shared_state_problems(settings: Settings, presenters: list[str]) -> list[str]:
    """Every reason these settings cannot run as replicas, each with its fix."""
    problems = []
    url = settings.store.url.get_secret_value() if settings.store.url else ""
    if not url:
        problems.append(
            "store.url is not set, so each replica would write its own SQLite file in "
            "data_dir and conversations would split between replicas. Fix: set store.url "
            '(BOT_STORE__URL) to a PostgreSQL server every replica reaches: "postgresql://…"')
    elif not url.startswith(("postgresql://", "postgres://")):
        problems.append(
            "store.url is a SQLite file, which replicas on several machines cannot share. "
            'Fix: set store.url (BOT_STORE__URL) to "postgresql://…"')
    if "search_knowledge" in settings.tools and settings.kb.enabled and not settings.kb.url:
        problems.append(
            "kb.url is not set, so each replica would open its own Chroma folder in data_dir. "
            "Fix: run a Chroma server (`chroma run --path DIR`) and set kb.url (BOT_KB__URL), "
            "or leave search_knowledge out of tools")
    if "api" in presenters and not settings.api.keys:
        from presenters.api.serve import NO_KEYS

        problems.append(NO_KEYS)
    if "slack" in presenters and settings.slack.mode != "http":
        problems.append(
            'slack.mode is "socket", but a replicated Slack endpoint receives events over HTTP. '
            'Fix: set slack.mode = "http" and the signing secret (see docs/slack.md)')
    return problems


def require_shared_state(settings: Settings, presenters: list[str]) -> None:
    problems = shared_state_problems(settings, presenters)
    if problems:
        raise ReplicaRefused(problems[0])


def require_reachable_store(settings: Settings) -> None:
    """Connect to the store once; a replica that cannot reach it must not take requests."""
    from stores import open_store

    url = settings.store.url.get_secret_value() if settings.store.url else None
    store = open_store(url, settings.data_dir)
    try:
        store.history("deploy:health", 1)  # connects and makes the tables; reads one row
    except Exception as exc:
        raise ReplicaRefused(str(exc)) from None
    finally:
        store.close()
