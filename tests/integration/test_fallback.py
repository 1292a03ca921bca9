"""Fallback chains: another profile answers when one fails, and a failing one cools down."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from backends.resilient import Cooldowns
from bot.app import Bot
from config import load_settings
from contracts.events import Done, Error, Event, TextDelta, Usage
from tests.fakes.openai_profiles import fake_profile
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    openai_server_fixture,  # noqa: F401
)


@pytest.fixture
def backup() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(models=["backup-model"]) as server:
        yield server


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def chain(
    openai_server: FakeOpenAI, backup: FakeOpenAI, data_dir: Path
) -> AsyncIterator[tuple[Bot, Clock]]:
    """``main`` (retries 1, cooldown 60 s) falls back to ``backup`` (dearer)."""
    profiles = {
        "main": fake_profile(openai_server, max_retries=1, fallbacks=["backup"], cooldown_s=60),
        "backup": fake_profile(backup, model="backup-model", price_in=1.0, price_out=2.0),
    }
    settings = load_settings(data_dir=data_dir, tools=["clock"], roles={"primary": "main"},
                             profiles=profiles)
    bot = Bot.from_settings(settings)
    clock = Clock()
    bot.models.cooldowns = Cooldowns(clock)
    yield bot, clock
    await bot.aclose()


async def ask(bot: Bot, text: str = "Hi") -> list[Event]:
    return [e async for e in bot.session("test:fallback").send(text)]


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_the_fallback_answers_and_usage_names_it(
    chain: tuple[Bot, Clock], openai_server: FakeOpenAI, backup: FakeOpenAI
) -> None:
    bot, _ = chain
    openai_server.fail("unavailable", times=None)
    backup.reply(FakeReply(text="Backup here.", usage=(100, 10)))
    with capture_logs() as logs:
        events = await ask(bot)
    assert text_of(events) == "Backup here." and not any(isinstance(e, Error) for e in events)
    usage = next(e for e in events if isinstance(e, Usage))
    assert (usage.backend, usage.model) == ("backup", "backup-model")
    assert usage.cost_usd == pytest.approx((100 * 1.0 + 10 * 2.0) / 1e6)  # backup's prices
    stored = (await bot.session("test:fallback").history())[-1]
    assert (stored.backend, stored.model, stored.error_id) == ("backup", "backup-model", None)
    assert (len(openai_server.chat_requests), len(backup.chat_requests)) == (2, 1)
    fallback = next(e for e in logs if e["event"] == "llm_fallback")
    assert fallback["to"] == "backup" and "LLMServerError" in fallback["reason"]


async def test_a_failed_profile_cools_down_then_is_tried_again(
    chain: tuple[Bot, Clock], openai_server: FakeOpenAI, backup: FakeOpenAI
) -> None:
    bot, clock = chain
    openai_server.fail("server_error", times=2)  # main fails both attempts of turn 1
    await ask(bot)
    with capture_logs() as logs:
        second = await ask(bot, "again")
    assert text_of(second) == "You said: again"
    assert len(openai_server.chat_requests) == 2  # cooling: main was not even tried
    skipped = next(e for e in logs if e["event"] == "llm_cooling_skipped")
    assert skipped["profile"] == "main" and 0 < skipped["remaining_s"] <= 60
    assert next(e for e in second if isinstance(e, Usage)).backend == "backup"
    clock.now += 61
    third = await ask(bot, "later")
    assert text_of(third) == "You said: later" and len(openai_server.chat_requests) == 3
    assert next(e for e in third if isinstance(e, Usage)).backend == "main"


async def test_the_cooldown_is_logged_with_its_reason(
    chain: tuple[Bot, Clock], openai_server: FakeOpenAI
) -> None:
    bot, _ = chain
    openai_server.fail("reset", times=None)
    with capture_logs() as logs:
        await ask(bot)
    cooldown = next(e for e in logs if e["event"] == "llm_cooldown")
    assert (cooldown["profile"], cooldown["seconds"], cooldown["reason"]) == \
        ("main", 60, "LLMConnectionError")


async def test_no_fallback_once_text_was_shown(
    chain: tuple[Bot, Clock], openai_server: FakeOpenAI, backup: FakeOpenAI
) -> None:
    bot, _ = chain
    openai_server.fail("cut", after_chars=8)
    events = await ask(bot)
    assert text_of(events) == "Partial " and isinstance(events[-1], Done)
    assert events[-1].interrupted  # presenters show "(interrupted)" from the flag
    assert any(isinstance(e, Error) for e in events) and backup.chat_requests == []


async def test_when_every_link_fails_the_first_failure_is_shown(
    chain: tuple[Bot, Clock], openai_server: FakeOpenAI, backup: FakeOpenAI
) -> None:
    bot, _ = chain
    openai_server.fail("unavailable", times=None)
    backup.fail("auth", times=None)
    events = await ask(bot)
    error = next(e for e in events if isinstance(e, Error))
    assert "server had an error" in error.message and error.retryable


async def test_an_unconfigured_primary_falls_back(
    backup: FakeOpenAI, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    profiles: dict[str, Any] = {"openai": {"fallbacks": ["backup"]},
                                "backup": fake_profile(backup, model="backup-model")}
    settings = load_settings(data_dir=data_dir, tools=[], roles={"primary": "openai"},
                             profiles=profiles)
    bot = Bot.from_settings(settings)
    try:
        events = await ask(bot)
    finally:
        await bot.aclose()
    assert text_of(events) == "You said: Hi"
    assert next(e for e in events if isinstance(e, Usage)).backend == "backup"


async def test_a_missing_key_with_no_fallback_names_the_fix(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = load_settings(data_dir=data_dir, tools=[], roles={"primary": "openai"})
    bot = Bot.from_settings(settings)
    try:
        events = await ask(bot)
    finally:
        await bot.aclose()
    error = next(e for e in events if isinstance(e, Error))
    assert "OPENAI_API_KEY" in error.message and error.error_id in error.message
