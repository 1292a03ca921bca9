"""The one schema and the queries both stores run (``?`` placeholders; PostgreSQL converts).

The schema is the ordered list of :data:`STEPS`; ``stores.migrations`` applies the ones a
store lacks when it opens. Add a step at the end to change it; never edit a shipped one.
"""

from __future__ import annotations

import json
from typing import Any

from contracts.store import AssistantTurn, FeedbackRecord, TurnRecord
from stores.analytics_schema import ANALYTICS
from stores.migrations import Step
from stores.rollup_schema import ROLLUPS
from stores.sources_schema import ALIASES, PERMISSIONS, SOURCES

# The schema as it was before versions existed; stores made then are at step 1 already.
BASELINE = (
    """CREATE TABLE IF NOT EXISTS conversations (
        id {serial} PRIMARY KEY, key TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS conversations_key ON conversations (key, archived)",
    """CREATE TABLE IF NOT EXISTS turns (
        id {serial} PRIMARY KEY, conversation_id INTEGER NOT NULL REFERENCES conversations(id),
        key TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL, "user" TEXT,
        tool_calls TEXT NOT NULL DEFAULT '[]', sources TEXT NOT NULL DEFAULT '[]',
        backend TEXT, model TEXT, input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0, cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
        latency_s DOUBLE PRECISION, ttft_s DOUBLE PRECISION, error_id TEXT,
        interrupted INTEGER NOT NULL DEFAULT 0, superseded INTEGER NOT NULL DEFAULT 0,
        created_at DOUBLE PRECISION NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS turns_conversation ON turns (conversation_id, id)",
    """CREATE TABLE IF NOT EXISTS feedback (
        id {serial} PRIMARY KEY, turn_id INTEGER NOT NULL REFERENCES turns(id),
        score INTEGER NOT NULL, comment TEXT, "user" TEXT,
        created_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS events (
        event_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL)""",
)

BUDGETS = (
    "ALTER TABLE turns ADD COLUMN space TEXT",
    "ALTER TABLE turns ADD COLUMN refused TEXT",
    """CREATE TABLE IF NOT EXISTS budget_usage (
        scope TEXT NOT NULL, period TEXT NOT NULL, tokens {bigint} NOT NULL DEFAULT 0,
        cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0, PRIMARY KEY (scope, period))""",
    """CREATE TABLE IF NOT EXISTS budget_holds (
        hold TEXT NOT NULL, scope TEXT NOT NULL, tokens {bigint} NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (hold, scope))""",
    "CREATE INDEX IF NOT EXISTS budget_holds_scope ON budget_holds (scope, expires_at)",
    """CREATE TABLE IF NOT EXISTS budget_requests (
        scope TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS budget_requests_scope ON budget_requests (scope, at)",
)

# Step 4: the claim's holder, so a holder that lost its lease learns it when it renews.
EVENTS_OWNER = "ALTER TABLE events ADD COLUMN owner TEXT NOT NULL DEFAULT ''"

# The usage-rollups step's number: the one line to change if another step takes this one
# (its code, docs and benchmarks read it from here).
ROLLUP_STEP = 5

STEPS: list[Step] = [
    Step(1, "conversations, turns, feedback, events", BASELINE),
    Step(2, "budgets: where a turn was asked, refusals, the usage ledger", BUDGETS),
    Step(3, "usage analytics: cited sources, stats indexes, who asked each answer", ANALYTICS),
    Step(4, "event claims are leases: who holds each", (EVENTS_OWNER,)),
    Step(ROLLUP_STEP, "usage rollups: answers, ratings, sources and unanswered questions per "
         "day and month", ROLLUPS),
    Step(6, "sources: sync cursors, document versions, run history, leases", SOURCES),
    Step(7, "sources: permission passes in the run history, group memberships", PERMISSIONS),
    Step(8, "sources: identities linked by the permission passes", ALIASES),
]

TURN_COLUMNS = (
    'id, key, role, text, "user", tool_calls, sources, backend, model, input_tokens, '
    "output_tokens, cost_usd, latency_s, ttft_s, error_id, interrupted, space, refused, "
    "created_at"
)
SELECT_CONVERSATION = "SELECT id FROM conversations WHERE key = ? AND archived = 0 ORDER BY id DESC"
INSERT_CONVERSATION = "INSERT INTO conversations (key, created_at) VALUES (?, ?)"
ARCHIVE = "UPDATE conversations SET archived = 1 WHERE key = ? AND archived = 0"
INSERT_TURN = (
    'INSERT INTO turns (conversation_id, key, role, text, "user", tool_calls, sources, backend,'
    " model, input_tokens, output_tokens, cost_usd, latency_s, ttft_s, error_id, interrupted,"
    " space, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
HISTORY = (
    f"SELECT {TURN_COLUMNS} FROM turns WHERE conversation_id = ? AND superseded = 0 "
    "ORDER BY id DESC"
)
ONE_TURN = f"SELECT {TURN_COLUMNS} FROM turns WHERE id = ?"
SUPERSEDE = "UPDATE turns SET superseded = 1 WHERE conversation_id = ? AND id >= ?"
INSERT_FEEDBACK = (
    'INSERT INTO feedback (turn_id, score, comment, "user", created_at) VALUES (?, ?, ?, ?, ?)'
)
SELECT_FEEDBACK = 'SELECT id, turn_id, score, comment, "user" FROM feedback WHERE turn_id = ?'
# A claim is a lease: its holder renews ``updated_at`` while it works; one left unrenewed for
# longer than the lease (its process died) may be taken over by another delivery.
CLAIM_EVENT = (
    "INSERT INTO events (event_id, state, updated_at, owner) VALUES (?, 'in_flight', ?, ?)"
)
TAKE_OVER_EVENT = (
    "UPDATE events SET owner = ?, updated_at = ? "
    "WHERE event_id = ? AND state = 'in_flight' AND updated_at < ?"
)
RENEW_EVENT = (
    "UPDATE events SET updated_at = ? WHERE event_id = ? AND state = 'in_flight' AND owner = ?"
)
FINISH_EVENT = "UPDATE events SET state = 'done', updated_at = ? WHERE event_id = ?"
RELEASE_EVENT = "DELETE FROM events WHERE event_id = ? AND state = 'in_flight'"
RELEASE_OWN_EVENT = RELEASE_EVENT + " AND owner = ?"
KEYS = "SELECT DISTINCT key FROM conversations ORDER BY key"
REFUSE_TURN = "UPDATE turns SET refused = ? WHERE id = ? AND role = 'user'"


def user_turn_params(conv: int, key: str, text: str, user: str | None, space: str | None,
                     now: float) -> tuple:
    return (conv, key, "user", text, user, "[]", "[]", None, None, 0, 0, 0.0, None, None,
            None, 0, space, now)


def assistant_turn_params(conv: int, key: str, turn: AssistantTurn, now: float) -> tuple:
    sources = json.dumps([s.model_dump() for s in turn.sources])
    return (conv, key, "assistant", turn.text, turn.user, json.dumps(turn.tool_calls), sources,
            turn.backend, turn.model, turn.input_tokens, turn.output_tokens, turn.cost_usd,
            turn.latency_s, turn.ttft_s, turn.error_id, int(turn.interrupted), None, now)


def turn_from_row(row: Any) -> TurnRecord:
    names = [c.strip().strip('"') for c in TURN_COLUMNS.split(",")]
    data = dict(zip(names, row, strict=True))
    data["tool_calls"] = json.loads(data["tool_calls"] or "[]")
    data["sources"] = json.loads(data["sources"] or "[]")
    data["interrupted"] = bool(data["interrupted"])
    return TurnRecord(**data)


def feedback_from_row(row: Any) -> FeedbackRecord:
    return FeedbackRecord(id=row[0], turn_id=row[1], score=row[2], comment=row[3], user=row[4])
