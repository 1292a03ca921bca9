"""How an answer is named in each ``bot stats`` grouping, in each store's SQL.

The raw queries group by these expressions, and the rollups store the names the same
expressions give for each new answer (``rollup_write.FACTS``), so a group read from the
rollups is the group the raw rows would form. ``{p}`` is the turns table's alias prefix.
"""

from __future__ import annotations

from stores.analytics_schema import NO_PASSAGE  # answers whose search found nothing

# An answer the bot gave: not one an API client supplied in the history it resent
# (bot.transcript stores those with backend 'client'); usage figures count only these.
BOT_ANSWER = "({p}backend IS NULL OR {p}backend <> 'client')"

# The answer's UTC day number, exactly floor(created_at / 86400) (usage_days.day_of):
# the division may round up to the next midnight, and the comparison undoes that.
DAY_SQL = {
    "sqlite": "(CAST({p}created_at / 86400 AS INTEGER) - "
              "(CAST({p}created_at / 86400 AS INTEGER) * 86400.0 > {p}created_at))",
    "postgresql": "(floor({p}created_at / 86400) - CASE WHEN floor({p}created_at / 86400) "
                  "* 86400 > {p}created_at THEN 1 ELSE 0 END)::bigint",
}

# Slack keys are slack:<team>:<channel>:<thread>; every other surface is one channel.
_SQLITE_PRESENTER = "substr({p}key, 1, instr({p}key, ':') - 1)"
_SQLITE_REST = "substr(substr({p}key, instr({p}key, ':') + 1), " \
    "instr(substr({p}key, instr({p}key, ':') + 1), ':') + 1)"  # "<channel>:<thread>"
GROUP_SQL: dict[str, dict[str, str]] = {
    "sqlite": {
        "user": "COALESCE({p}\"user\", '(unknown)')",
        "presenter": _SQLITE_PRESENTER,
        "channel": f"CASE WHEN {{p}}key LIKE 'slack:%' AND instr({_SQLITE_REST}, ':') > 0 "
                   f"THEN substr({{p}}key, 1, length({{p}}key) - length({_SQLITE_REST}) + "
                   f"instr({_SQLITE_REST}, ':') - 1) ELSE {_SQLITE_PRESENTER} END",
        "model": "COALESCE({p}model, '(none)')",
        "day": f"date({DAY_SQL['sqlite']} * 86400, 'unixepoch')",
    },
    "postgresql": {
        "user": "COALESCE({p}\"user\", '(unknown)')",
        "presenter": "split_part({p}key, ':', 1)",
        "channel": "CASE WHEN {p}key LIKE 'slack:%' THEN split_part({p}key, ':', 1) || ':' || "
                   "split_part({p}key, ':', 2) || ':' || split_part({p}key, ':', 3) "
                   "ELSE split_part({p}key, ':', 1) END",
        "model": "COALESCE({p}model, '(none)')",
        "day": f"to_char(to_timestamp({DAY_SQL['postgresql']} * 86400) AT TIME ZONE 'UTC', "
               "'YYYY-MM-DD')",
    },
}

# The dimensions the rollups keep (``day`` is the daily rows of ``all``).
ROLLUP_DIMS = ("all", "user", "channel", "presenter", "model")

__all__ = ["DAY_SQL", "GROUP_SQL", "NO_PASSAGE", "ROLLUP_DIMS", "question_sql"]


def question_sql(alias: str) -> str:
    """The question an answer (``alias``) replied to: its conversation's latest user turn
    before it, cut to 200 characters."""
    return ("(SELECT substr(u.text, 1, 200) FROM turns u WHERE u.conversation_id = "
            f"{alias}.conversation_id AND u.role = 'user' AND u.id < {alias}.id "
            "ORDER BY u.id DESC LIMIT 1)")
