"""What a refused user reads (which limit, when it resets, who can raise it), and the day
and month windows budgets reset on."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.budget_text import refusal_message
from bot.budgets import Windows
from contracts.budget import BudgetLine, BudgetRefusal

UTC = ZoneInfo("UTC")
NOW = datetime(2025, 6, 14, 20, 48, tzinfo=UTC).timestamp()


def refusal(scope: str, metric: str, period: str, cap: float, resets_at: float,
            window_s: float = 0.0) -> BudgetRefusal:
    line = BudgetLine(name="x", scope=scope, metric=metric, period=period,  # type: ignore[arg-type]
                      cap=cap, window_s=window_s)
    return BudgetRefusal(line=line, used=cap, resets_at=resets_at)


def test_a_users_daily_token_budget() -> None:
    w = Windows.at(NOW, UTC)
    text = refusal_message(refusal("user:U1", "tokens", w.day, 200_000, w.day_ends),
                           "#bot-admins", NOW, UTC)
    assert text == ("Sorry — your daily token budget (200,000 tokens) is used up, so I can't "
                    "answer now. It resets at midnight UTC, in 3 h 12 min. "
                    "To raise it, ask #bot-admins.")


@pytest.mark.parametrize(("scope", "whose"), [
    ("place:slack:C0123", "this channel's"), ("place:gradio:alice", "this login's"),
    ("place:api:support-bot", "this API key's"), ("place:terminal", "this terminal's"),
    ("space:support", 'the "support" space\'s'), ("global", "the bot's overall"),
    ("session:stdio:abc", "your"),
])
def test_a_monthly_spending_budget_names_whose_it_is(scope: str, whose: str) -> None:
    w = Windows.at(NOW, UTC)
    text = refusal_message(refusal(scope, "cost_usd", w.month, 20, w.month_ends),
                           "the people who run this bot", NOW, UTC)
    assert text.startswith(f"Sorry — {whose} monthly spending budget ($20.00) is used up")
    assert "It resets on 1 July 2025 at 00:00 UTC, in 16 days." in text
    assert text.endswith("To raise it, ask the people who run this bot.")


def test_a_rate_limit_says_when_to_ask_again() -> None:
    text = refusal_message(refusal("user:U1", "requests", "rate", 20, NOW + 42, 60),
                           "#bot-admins", NOW, UTC)
    assert text == ("Sorry — your limit of 20 requests a minute is reached, so I can't answer "
                    "now. You can ask again in 42 s. To raise it, ask #bot-admins.")


def test_days_and_months_follow_the_configured_time_zone_across_dst_and_year_end() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 23:30 UTC on 25 Oct is already 26 Oct in Berlin, the day clocks go back (25 h long)
    w = Windows.at(datetime(2025, 10, 25, 23, 30, tzinfo=UTC).timestamp(), berlin)
    assert (w.day, w.month) == ("day:2025-10-26", "month:2025-10")
    assert datetime.fromtimestamp(w.day_ends, berlin) == datetime(2025, 10, 27, tzinfo=berlin)
    assert w.day_ends - datetime(2025, 10, 26, tzinfo=berlin).timestamp() == 25 * 3600
    december = Windows.at(datetime(2025, 12, 31, 12, tzinfo=UTC).timestamp(), UTC)
    assert december.month_ends == datetime(2026, 1, 1, tzinfo=UTC).timestamp()
