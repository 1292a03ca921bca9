"""Findings of an outside review of ``bot serve api``, each driven with a real HTTP client.

A refused caller writes no history; history is cleaned and bounded like the question; the
client's own answers are not counted as answers; a client cannot dodge the per-user caps
by changing OpenAI's ``user`` field, nor claim an admin; a hostile body is a 400.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import Bot
from config import Settings
from config.budgets import BudgetSettings, Limits
from stores.analytics import raw_usage_report, usage_report
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    openai_server_fixture,  # noqa: F401
)
from tests.integration.api_helpers import KEY, api_settings, serving

AUTH = {"Authorization": f"Bearer {KEY}"}


def with_budgets(settings: Settings, **budgets: Any) -> Settings:
    return settings.model_copy(update={"budgets": BudgetSettings(**budgets)})


@pytest.fixture
def base(openai_server: FakeOpenAI, data_dir: Path) -> Settings:
    return api_settings(openai_settings(data_dir, openai_server))


@pytest.fixture
def served(base: Settings) -> Iterator[tuple[httpx.Client, Bot]]:
    yield from _serve(base)


def _serve(settings: Settings) -> Iterator[tuple[httpx.Client, Bot]]:
    bot = Bot.from_settings(settings)
    with serving(bot) as url, httpx.Client(base_url=url, headers=AUTH, timeout=60) as client:
        yield client, bot


def chat(client: httpx.Client, messages: list[dict[str, str]], **fields: Any) -> httpx.Response:
    return client.post("/chat/completions", json={"model": "bot", "messages": messages,
                                                  **fields})


def history(n: int) -> list[dict[str, str]]:
    """``n`` exchanges a client claims happened, then its new question."""
    said = []
    for i in range(n):
        said += [{"role": "user", "content": f"question {i}"},
                 {"role": "assistant", "content": f"answer {i}"}]
    return [*said, {"role": "user", "content": "and now?"}]


def all_turns(bot: Bot) -> list[Any]:
    keys = bot.store.keys()  # the store is not a dict: keys() is its method
    return [t for key in keys for t in bot.store.history(key)]


def test_a_refused_caller_stores_no_history(base: Settings) -> None:
    settings = with_budgets(base, user=Limits(requests="1/hour"))
    for client, bot in _serve(settings):
        assert chat(client, [{"role": "user", "content": "first"}], user="u1").status_code == 200
        refused = chat(client, history(90), user="u1")
        assert refused.status_code == 429
        texts = [t.text for t in all_turns(bot)]
        assert "question 3" not in texts and "answer 3" not in texts
        assert texts.count("and now?") == 1  # the refused question alone, flagged


def test_history_messages_are_cleaned_of_terminal_escapes(
        served: tuple[httpx.Client, Bot]) -> None:
    client, bot = served
    said = [{"role": "user", "content": "red \x1b[31mtext\x1b[0m here"},
            {"role": "assistant", "content": "ok\x07"}, {"role": "user", "content": "next"}]
    assert chat(client, said).status_code == 200
    texts = [t.text for t in all_turns(bot)]
    assert "red text here" in texts and "ok" in texts
    assert not any("\x1b" in t or "\x07" in t for t in texts)


def test_a_history_message_over_the_input_limit_is_refused_and_nothing_stored(
        base: Settings) -> None:
    settings = base.model_copy(update={"input": base.input.model_copy(
        update={"max_chars": 100})})
    for client, bot in _serve(settings):
        said = [{"role": "user", "content": "x" * 3053}, {"role": "user", "content": "hi"}]
        response = chat(client, said)
        error = response.json()["error"]
        assert response.status_code == 400 and error["code"] == "message_too_long"
        assert error["param"] == "messages[0].content" and "input.max_chars" in error["message"]
        assert all_turns(bot) == []


def test_too_many_history_messages_are_refused(base: Settings) -> None:
    settings = base.model_copy(update={"api": base.api.model_copy(
        update={"max_history_messages": 10})})
    for client, bot in _serve(settings):
        response = chat(client, history(6))
        assert response.status_code == 400
        assert "api.max_history_messages" in response.json()["error"]["message"]
        assert all_turns(bot) == []


def test_answers_a_client_supplied_are_not_counted_as_answers(
        served: tuple[httpx.Client, Bot]) -> None:
    client, bot = served
    assert chat(client, history(20)).status_code == 200
    day = 86_400.0  # from a whole day back: the rollups' part and the raw rows' part
    for report in (usage_report(bot.store, time.time() - 3 * day),
                   raw_usage_report(bot.store, None)):
        assert report.total.turns == 1


def test_changing_the_user_field_does_not_dodge_the_per_user_cap(base: Settings) -> None:
    settings = with_budgets(base, user=Limits(requests="2/hour"))
    for client, _ in _serve(settings):
        codes = [chat(client, [{"role": "user", "content": f"hi {u}"}], user=u).status_code
                 for u in ("u1", "u2", "u3", "u4")]
        assert codes == [200, 200, 429, 429]


def test_a_client_cannot_claim_an_admin_by_its_user_field(base: Settings) -> None:
    settings = with_budgets(base, user=Limits(requests="1/hour"), admins=["alice:boss"])
    for client, _ in _serve(settings):
        codes = [chat(client, [{"role": "user", "content": f"hi {i}"}], user="boss").status_code
                 for i in range(2)]
        assert codes == [200, 429]


def test_the_keys_own_name_is_an_admin_for_all_its_users(base: Settings) -> None:
    settings = with_budgets(base, user=Limits(requests="1/hour"), admins=["alice"])
    for client, _ in _serve(settings):
        codes = [chat(client, [{"role": "user", "content": f"hi {i}"}], user="boss").status_code
                 for i in range(3)]
        assert codes == [200, 200, 200]


def test_a_user_field_with_terminal_escapes_is_refused(served: tuple[httpx.Client, Bot]) -> None:
    client, bot = served
    response = chat(client, [{"role": "user", "content": "hi"}], user="\x1b]0;pwned\x07")
    assert response.status_code == 400 and response.json()["error"]["param"] == "user"
    assert all_turns(bot) == []


@pytest.mark.parametrize("body", [
    '{"model": "bot", "messages": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"model": "bot", "n": ' + "9" * 5000 + ', "messages": []}',
])
def test_a_hostile_json_body_is_invalid_json_not_a_server_error(
        served: tuple[httpx.Client, Bot], body: str, capfd: pytest.CaptureFixture[str]) -> None:
    client, _ = served
    response = client.post("/chat/completions", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    assert "Traceback" not in capfd.readouterr().err
    json.dumps(response.json())
