"""The App Home tab: what the bot can do, the person's recent questions, their budget left.

Published with ``views.publish`` whenever the person opens the tab. Recent questions are the
ones this process answered (kept in memory, at most five a person); the budget line reads
today's usage from the store through ``Bot.usage_report``.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import Bot
from config.sections import SlackSettings

CAN_DO = ("• *Mention me* in a channel (`@bot how do I …?`) and I answer in the thread.\n"
          "• *{command} <question>* anywhere; `{command} --private …` shows the answer only to "
          "you, with a button to share it.\n"
          "• *Ask the bot about this message* from any message's ⋮ menu.\n"
          "• *Direct message* me, or open me from the top bar.\n"
          "• React with 🆘 to an answer to call in a person.")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def start_of_day(timezone: str) -> float:
    """Midnight today where the budgets' days begin (``budgets.timezone``)."""
    tz = ZoneInfo(timezone)
    local = datetime.fromtimestamp(time.time(), tz)
    return datetime.combine(local.date(), datetime.min.time(), tz).timestamp()


def budget_line(bot: Bot, user: str) -> str:
    """``12,300 of 200,000 tokens left today`` (blocking: reads the store)."""
    limits = bot.settings.budgets.user
    if user in bot.settings.budgets.admins or not limits.caps():
        return "No limit applies to you."
    report = bot.usage_report(start_of_day(bot.settings.budgets.timezone), by="user")
    row = next((g for g in report.groups if g.name == user), None)
    used_tokens = (row.input_tokens + row.output_tokens) if row else 0
    used_cost = row.cost_usd if row else 0.0
    parts = []
    if limits.tokens_per_day is not None:
        cap = int(limits.tokens_per_day)
        parts.append(f"{max(cap - used_tokens, 0):,} of {cap:,} tokens left today")
    if limits.cost_per_day is not None:
        cap_usd = float(limits.cost_per_day)
        parts.append(f"${max(cap_usd - used_cost, 0):,.2f} of ${cap_usd:,.2f} left today")
    return "; ".join(parts) or "Your limits are per month or per minute; see `bot stats`."


def home_view(bot: Bot, settings: SlackSettings, recent: list[str], budget: str
              ) -> dict[str, Any]:
    """The Home tab's view."""
    tools = ", ".join(f"`{name}`" for name in sorted(bot.tools)) or "none"
    asked = "\n".join(f"• {q[:150]}" for q in recent) or "_Nothing yet: ask me anything._"
    return {"type": "home", "blocks": [
        _header("What I can do"), _section(CAN_DO.format(command=settings.ask_command)),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Tools: {tools}"}]},
        _header("Your recent questions"), _section(asked),
        _header("Your budget"), _section(budget),
    ]}


async def publish_home(bot: Bot, client: Any, settings: SlackSettings, user: str,
                       recent: list[str]) -> None:
    """Publish the Home tab for ``user``."""
    budget = await asyncio.to_thread(budget_line, bot, user)
    await client.views_publish(user_id=user, view=home_view(bot, settings, recent, budget))
