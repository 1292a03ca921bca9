"""What usage analytics add to the store (schema step 3): one table, the indexes ``bot stats``
reads, and the backfill that gives answers stored before it their sources and their user.
"""

from __future__ import annotations

from typing import Any

from contracts.store import AssistantTurn

TABLES_AND_INDEXES = (
    # One row per cited source of an answer, so "top sources" never parses JSON.
    """CREATE TABLE IF NOT EXISTS turn_sources (
        turn_id INTEGER NOT NULL REFERENCES turns(id), created_at DOUBLE PRECISION NOT NULL,
        source TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS turn_sources_time ON turn_sources (created_at, source)",
    # Covering: a stats query over a time range reads this index, never the turns' text.
    """CREATE INDEX IF NOT EXISTS turns_stats ON turns (role, created_at, key, "user", model,
        input_tokens, output_tokens, cost_usd, latency_s, ttft_s, error_id)""",
    # Answers where the knowledge base was searched and nothing was found (a user turn has
    # no tool calls, so the role need not be named: queries then cannot pick turns_stats).
    """CREATE INDEX IF NOT EXISTS turns_no_passage ON turns (created_at, conversation_id, id)
        WHERE sources = '[]' AND tool_calls LIKE '%"search_knowledge"%'""",
    "CREATE INDEX IF NOT EXISTS feedback_turn ON feedback (turn_id)",
    "CREATE INDEX IF NOT EXISTS feedback_time ON feedback (created_at, turn_id, score)",
)

# Where the search tool's name shows in a stored answer; the partial index above repeats it.
NO_PASSAGE = "sources = '[]' AND tool_calls LIKE '%\"search_knowledge\"%'"

# Rows stored before this step: sources of old answers, and who asked each old answer
# (assistant turns did not record the user). The JSON functions differ by dialect.
BACKFILL = {
    "sqlite": [
        """INSERT INTO turn_sources (turn_id, created_at, source)
           SELECT t.id, t.created_at, json_extract(s.value, '$.source')
           FROM turns t, json_each(t.sources) s
           WHERE t.role = 'assistant' AND t.sources != '[]'""",
        """UPDATE turns SET "user" = (SELECT u."user" FROM turns u
             WHERE u.conversation_id = turns.conversation_id AND u.role = 'user'
             AND u.id < turns.id ORDER BY u.id DESC LIMIT 1)
           WHERE role = 'assistant' AND "user" IS NULL""",
    ],
    "postgresql": [
        """INSERT INTO turn_sources (turn_id, created_at, source)
           SELECT t.id, t.created_at, s.value ->> 'source'
           FROM turns t, json_array_elements(t.sources::json) s
           WHERE t.role = 'assistant' AND t.sources != '[]'""",
        """UPDATE turns SET "user" = (SELECT u."user" FROM turns u
             WHERE u.conversation_id = turns.conversation_id AND u.role = 'user'
             AND u.id < turns.id ORDER BY u.id DESC LIMIT 1)
           WHERE role = 'assistant' AND "user" IS NULL""",
    ],
}

ANALYTICS: tuple[str | dict[str, str], ...] = (
    *TABLES_AND_INDEXES,
    {name: statements[0] for name, statements in BACKFILL.items()},
    {name: statements[1] for name, statements in BACKFILL.items()},
)

INSERT_SOURCE = "INSERT INTO turn_sources (turn_id, created_at, source) VALUES (?, ?, ?)"


def source_rows(turn_id: int, turn: AssistantTurn, now: float) -> list[tuple[Any, ...]]:
    """One row per distinct source the answer cited."""
    names = dict.fromkeys(s.source for s in turn.sources if s.source)
    return [(turn_id, now, name) for name in names]

