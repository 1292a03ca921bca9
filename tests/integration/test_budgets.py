"""Budgets and limits through the Session API, on SQLite and PostgreSQL: a turn over a cap
is refused politely, asks no model, and is still stored, flagged with the cap."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from backends.scripted import ScriptedLLM
from bot.app import Bot
from bot.budgets import BudgetGate, Ticket
from bot.spaces import Spaces
from config import Settings, load_settings
from contracts.budget import BudgetRefusal
from contracts.events import Done, Error, Event, TextDelta
from stores import open_store

ANSWER = "Here is a short scripted answer."
KEY = "slack:T1:C1:1700000000.000100"
PRICED = {"kind": "scripted", "replies": [ANSWER], "price_in": 10_000, "price_out": 10_000,
          "max_retries": 0}


@pytest.fixture
async def make(store_url: str, data_dir: Path) -> AsyncIterator[Callable[..., Bot]]:
    """A Bot on the parametrized store; its primary model plays ANSWER unless ``llm`` is
    given (profiles named in ``roles`` are built from the settings instead)."""
    made: list[Bot] = []

    def factory(llm: ScriptedLLM | None = None, **overrides: Any) -> Bot:
        settings = load_settings(data_dir=data_dir, tools=[], agent="tools",
                                 store={"url": store_url}, **overrides)
        llms = {"primary": llm} if llm is not None else None
        made.append(Bot.from_settings(settings, llms=llms))  # type: ignore[arg-type]
        return made[-1]

    yield factory
    for bot in made:
        await bot.aclose()


async def ask(bot: Bot, text: str, user: str | None = "U1", space: str | None = "slack:C1",
              key: str = KEY) -> list[Event]:
    return [e async for e in bot.session(key).send(text, user=user, space=space)]


def answered(events: list[Event]) -> bool:
    return any(isinstance(e, TextDelta) for e in events)


def refusal(events: list[Event]) -> str:
    errors = [e for e in events if isinstance(e, Error)]
    assert len(errors) == 1 and not answered(events), events
    assert isinstance(events[-1], Done) and events[-1].turn_id is None
    return errors[0].message


async def test_a_turn_over_the_users_budget_asks_no_model_and_is_stored_flagged(
    make: Callable[..., Bot],
) -> None:
    llm = ScriptedLLM(default=ANSWER)
    bot = make(llm, budgets={"user": {"tokens_per_day": "50"}, "contact": "#bot-admins"})
    assert answered(await ask(bot, "first question"))  # about 70 tokens: now over 50
    message = refusal(await ask(bot, "second question"))
    assert message.startswith("Sorry — your daily token budget (50 tokens) is used up")
    assert "It resets at midnight UTC, in " in message and "ask #bot-admins." in message
    assert len(llm.requests) == 1  # no model call for the refused turn
    turns = await bot.session(KEY).history()
    assert [(t.role, t.text, t.refused) for t in turns[-2:]] == [
        ("assistant", ANSWER, None), ("user", "second question", "budgets.user.tokens_per_day")]
    assert turns[-1].space == "slack:C1" and turns[-1].user == "U1"
    assert answered(await ask(bot, "another user's question", user="U2"))


async def test_a_refused_question_is_kept_out_of_the_models_context_later(
    make: Callable[..., Bot],
) -> None:
    first = make(ScriptedLLM(default=ANSWER), budgets={"user": {"tokens_per_day": "50"}})
    await ask(first, "first question")
    refusal(await ask(first, "refused question"))
    llm = ScriptedLLM(default=ANSWER)
    raised = make(llm, budgets={"user": {"tokens_per_day": "50k"}})  # an admin raised it
    assert answered(await ask(raised, "third question"))
    sent = [m.content for m in llm.requests[0].messages]
    assert "first question" in sent and "third question" in sent
    assert "refused question" not in sent


async def test_a_cost_cap_counts_dollars_at_the_profiles_prices(make: Callable[..., Bot]) -> None:
    bot = make(roles={"primary": "priced"}, profiles={"priced": PRICED},
               budgets={"user": {"cost_per_month": "$1"}})
    results = [answered(await ask(bot, f"question {n}")) for n in range(4)]
    assert results == [True, True, False, False]  # each turn costs between $0.50 and $1
    turns = await bot.session(KEY).history()
    costs = [t.cost_usd for t in turns if t.cost_usd]
    assert len(costs) == 2 and all(0.5 < c < 1.0 for c in costs)  # tokens at the prices
    assert sum(costs) > 1.0  # two answers spent past the cap: the third is refused
    assert turns[-1].refused == "budgets.user.cost_per_month"
    assert len(bot.models.backend("priced").requests) == 2  # type: ignore[attr-defined]


async def test_the_request_rate_limit_says_when_to_ask_again(make: Callable[..., Bot]) -> None:
    llm = ScriptedLLM(default=ANSWER)
    bot = make(llm, budgets={"user": {"requests": "2/minute"}})
    assert answered(await ask(bot, "one")) and answered(await ask(bot, "two"))
    message = refusal(await ask(bot, "three"))
    assert message.startswith("Sorry — your limit of 2 requests a minute is reached")
    assert "You can ask again in " in message and len(llm.requests) == 2
    assert answered(await ask(bot, "four", user="U2"))


async def test_admins_are_never_refused_but_their_use_counts_for_everyone(
    make: Callable[..., Bot],
) -> None:
    bot = make(ScriptedLLM(default=ANSWER), budgets={
        "admins": ["UADMIN"], "user": {"tokens_per_day": "1"},
        "global": {"tokens_per_day": "100"}})
    for n in range(3):
        assert answered(await ask(bot, f"admin question {n}", user="UADMIN"))
    message = refusal(await ask(bot, "a user's question", user="U2"))
    assert message.startswith("Sorry — the bot's overall daily token budget (100 tokens)")


async def test_members_of_a_space_share_its_budget_and_other_places_have_their_own(
    make: Callable[..., Bot],
) -> None:
    bot = make(ScriptedLLM(default=ANSWER),
               spaces={"support": {"members": ["slack:C1", "slack:C2"],
                                   "budget": {"tokens_per_day": "50"}}},
               budgets={"space": {"tokens_per_day": "100"}})
    assert answered(await ask(bot, "in C1", space="slack:C1"))  # about 70 tokens a turn
    message = refusal(await ask(bot, "in C2", user="U2", space="slack:C2"))
    assert message.startswith('Sorry — the "support" space\'s daily token budget (50 tokens)')
    assert answered(await ask(bot, "in C3", space="slack:C3"))  # budgets.space, its own
    assert answered(await ask(bot, "in C3 again", space="slack:C3"))
    message = refusal(await ask(bot, "in C3 once more", space="slack:C3"))
    assert message.startswith("Sorry — this channel's daily token budget (100 tokens)")


def gate(store_settings: Settings, clock: Callable[[], float], **budgets: Any) -> BudgetGate:
    settings = store_settings.model_copy(
        update={"budgets": store_settings.budgets.model_validate(budgets)})
    bot = Bot.from_settings(settings)
    return BudgetGate(settings, bot.store, clock=clock)


def test_a_hold_left_by_a_process_that_died_lapses_after_the_turn_timeout(
    store_settings: Settings,
) -> None:
    now = [1_750_000_000.0]
    g = gate(store_settings, lambda: now[0], user={"tokens_per_day": "1000"}, hold_tokens=2000)
    space = Spaces(g.settings).resolve("slack:C1")
    assert isinstance(g.admit(KEY, "U1", space), Ticket)  # then the process dies: no settle
    now[0] += 1
    held = g.admit(KEY, "U1", space)
    assert isinstance(held, BudgetRefusal) and held.used == 2000
    now[0] += g.settings.turn_timeout_s + 61
    assert isinstance(g.admit(KEY, "U1", space), Ticket)
    g.store.close()


def test_settling_swaps_the_hold_for_what_the_turn_used(store_settings: Settings) -> None:
    now = [1_750_000_000.0]
    g = gate(store_settings, lambda: now[0], user={"tokens_per_day": "1000"}, hold_tokens=900)
    space = Spaces(g.settings).resolve(None)
    ticket = g.admit(KEY, "U1", space)
    assert isinstance(ticket, Ticket) and isinstance(g.admit(KEY, "U1", space), Ticket)
    third = g.admit(KEY, "U1", space)  # two holds of 900 are out
    assert isinstance(third, BudgetRefusal) and third.used == 1800
    g.settle(ticket, tokens=100, cost_usd=0.0)
    fourth = g.admit(KEY, "U1", space)  # 100 used + 900 held: still no room
    assert isinstance(fourth, BudgetRefusal) and fourth.used == 1000
    g.store.close()


def test_admissions_racing_on_separate_connections_hold_no_more_than_the_cap(
    store_settings: Settings, store_url: str, data_dir: Path,
) -> None:
    # Eight connections stand for eight processes: each checks and holds in its own
    # transaction. With 100 tokens held per turn and a cap of 1,000, exactly ten fit.
    settings = store_settings.model_copy(update={"budgets": store_settings.budgets.model_validate(
        {"user": {"tokens_per_day": "1000"}, "hold_tokens": 100})})
    stores = [open_store(store_url, data_dir) for _ in range(8)]
    gates = [BudgetGate(settings, s, clock=lambda: 1_750_000_000.0) for s in stores]
    space = Spaces(settings).resolve("slack:C1")
    for s in stores:
        s.keys()  # connected, so the race is over the budget and not over connecting
    start = threading.Barrier(len(gates))

    def five_turns(g: BudgetGate) -> list[bool]:
        start.wait()
        return [isinstance(g.admit(KEY, "U1", space), Ticket) for _ in range(5)]

    with ThreadPoolExecutor(len(gates)) as pool:
        admitted = sum(sum(r) for r in pool.map(five_turns, gates))
    for s in stores:
        s.close()
    assert admitted == 10


def test_request_rows_of_one_off_users_are_pruned(store_settings: Settings) -> None:
    """Each fresh user leaves a request row no later check of its own would clear."""
    now = [1_750_000_000.0]
    g = gate(store_settings, lambda: now[0], user={"requests": "5/minute"})
    space = Spaces(g.settings).resolve("api:alice")
    for n in range(20):
        assert isinstance(g.admit(KEY, f"one-off-{n}", space), Ticket)
    assert request_rows(g) == 20
    now[0] += 2 * 86_400  # two days on: every rate window is long past
    assert isinstance(g.admit(KEY, "someone-new", space), Ticket)
    assert request_rows(g) == 1
    g.store.close()


def request_rows(g: BudgetGate) -> int:
    """How many request rows the ledger keeps (read as the store reads its own tables)."""
    with g.store._tx() as cur:  # type: ignore[attr-defined]
        return int(cur.execute("SELECT COUNT(*) FROM budget_requests").fetchone()[0])
