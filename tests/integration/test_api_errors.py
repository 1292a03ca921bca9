"""Bad input and failures get OpenAI-shaped errors with an error id, and lose nothing.

Raw ``httpx`` for requests no SDK would send; the ``openai`` client where one would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from backends.scripted import Reply
from bot.app import Bot
from config import Settings, load_settings
from contracts.llm_errors import LLMServerError
from tests.conftest import scripted_bot
from tests.integration.api_helpers import KEY, api_settings, serving

AUTH = {"Authorization": f"Bearer {KEY}"}
ASK = {"model": "bot", "messages": [{"role": "user", "content": "Hi"}]}
ERROR_ID = re.compile(r"\(error id: ([0-9a-f]{8})\)$")


@pytest.fixture
def api(settings: Settings) -> Iterator[tuple[str, Bot]]:
    bot = scripted_bot(api_settings(settings, max_body_bytes=4096), "Hello!")
    with serving(bot) as url:
        yield url, bot


def refused(response: httpx.Response, status: int, code: str | None,
            param: str | None = None) -> dict[str, Any]:
    """Assert OpenAI's error shape, its status, code and param, and a matching error id."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert (error["code"], error["param"]) == (code, param)
    match = ERROR_ID.search(error["message"])
    assert match is not None and response.headers["X-Bot-Error-Id"] == match.group(1)
    return dict(error)


def post(url: str, body: Any = None, *, content: bytes | None = None,
         headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{url}/chat/completions", json=body, content=content,
                      headers={**AUTH, **(headers or {})}, timeout=30)


def test_a_request_without_the_right_key_is_refused(api: tuple[str, Bot]) -> None:
    url, bot = api
    missing = httpx.post(f"{url}/chat/completions", json=ASK, timeout=30)
    wrong = post(url, ASK, headers={"Authorization": "Bearer sk-not-a-key-0000000000"})
    listing = httpx.get(f"{url}/models", timeout=30)
    assert "didn't provide an API key" in refused(missing, 401, "invalid_api_key")["message"]
    assert "Incorrect API key" in refused(wrong, 401, "invalid_api_key")["message"]
    refused(listing, 401, "invalid_api_key")
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert bot.store.keys() == []


@pytest.mark.parametrize(("body", "status", "code", "param"), [
    (b'{"model": "bot", "messages": [', 400, "invalid_json", None),
    (b'["not", "an", "object"]', 400, "invalid_json", None),
    (json.dumps({"model": "bot"}).encode(), 400, "missing_required_parameter", "messages"),
    (json.dumps({"model": "bot", "messages": []}).encode(), 400, "invalid_value", "messages"),
    (json.dumps({"messages": ASK["messages"]}).encode(), 400, "missing_required_parameter",
     "model"),
    (json.dumps({**ASK, "model": "gpt-4o"}).encode(), 404, "model_not_found", "model"),
    (json.dumps({**ASK, "messages": [{"role": "wizard", "content": "hi"}]}).encode(), 400,
     "invalid_value", "messages[0].role"),
    (json.dumps({**ASK, "messages": [{"role": "assistant", "content": "hi"}]}).encode(), 400,
     "invalid_value", "messages"),
    (json.dumps({**ASK, "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "http://x/y.png"}}]}]}).encode(), 400,
     "unsupported_content", "messages[0].content"),
    (json.dumps({**ASK, "n": 2}).encode(), 400, "invalid_value", "n"),
])
def test_malformed_requests_name_what_is_wrong(
    api: tuple[str, Bot], body: bytes, status: int, code: str, param: str | None
) -> None:
    url, bot = api
    refused(post(url, content=body, headers={"Content-Type": "application/json"}), status,
            code, param)
    assert bot.store.keys() == []


def test_a_question_must_have_text_and_a_conversation_id_be_plain(api: tuple[str, Bot]) -> None:
    url, bot = api
    control = {**ASK, "messages": [{"role": "user", "content": "\x1b[31m\x07"}]}
    refused(post(url, control), 400, "invalid_value", "messages")
    spaced = post(url, ASK, headers={"X-Bot-Conversation": "two words"})
    refused(spaced, 400, "invalid_value", "X-Bot-Conversation")
    assert bot.store.keys() == []


def test_oversized_bodies_are_refused_whether_declared_or_streamed(api: tuple[str, Bot]) -> None:
    url, bot = api
    big = json.dumps({**ASK, "messages": [{"role": "user", "content": "x" * 5000}]}).encode()

    def chunked() -> Iterator[bytes]:  # no Content-Length: the server must count
        yield big[:1000]
        yield big[1000:]

    refused(post(url, content=big), 413, "request_too_large")
    refused(post(url, content=chunked()), 413, "request_too_large")
    assert bot.store.keys() == []


def test_a_message_over_the_input_limit_is_refused_before_anything_is_stored(
    settings: Settings,
) -> None:
    limited = settings.model_copy(update={"input": settings.input.model_copy(
        update={"max_chars": 20})})
    bot = scripted_bot(api_settings(limited), "never")
    with serving(bot) as url:
        long = {**ASK, "messages": [{"role": "user", "content": "y" * 21}]}
        error = refused(post(url, long), 400, "message_too_long", "messages")
        assert "the limit is 20" in error["message"]
        assert bot.store.keys() == []


def test_unknown_urls_and_methods_answer_in_the_same_shape(api: tuple[str, Bot]) -> None:
    url, _ = api
    refused(httpx.get(f"{url}/completions", headers=AUTH, timeout=30), 404, "unknown_url")
    refused(httpx.get(f"{url}/chat/completions", headers=AUTH, timeout=30), 405, None)


def test_a_backend_failure_is_an_error_with_its_id_and_the_question_is_kept(
    settings: Settings,
) -> None:
    bot = scripted_bot(api_settings(settings), Reply(error=LLMServerError("upstream 500")),
                       Reply(text="Partly", error=LLMServerError("reset"), error_after_chars=6))
    with serving(bot) as url:
        client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0)
        with pytest.raises(openai.APIStatusError) as caught:
            client.chat.completions.create(model="bot", messages=ASK["messages"])
        stream = client.chat.completions.create(
            model="bot", stream=True, messages=[{"role": "user", "content": "Again"}])
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert caught.value.status_code == 503
    message = caught.value.body["message"]  # type: ignore[index]
    assert message.startswith("Sorry — the language model's server had an error.")
    conversations = [bot.store.history(k) for k in bot.store.keys()]  # noqa: SIM118
    first, second = (next(c for c in conversations if c[0].text == opening)
                     for opening in ("Hi", "Again"))
    assert [t.role for t in first] == ["user", "assistant"]
    assert first[1].error_id is not None and first[1].error_id in message
    assert text.startswith("Partly\n\n(interrupted)\n\nSorry — the language model's server")
    assert second[1].interrupted and second[1].text == "Partly"


def test_a_budget_refusal_is_429_and_the_sdk_does_not_retry_it(settings: Settings) -> None:
    capped = load_settings(data_dir=settings.data_dir, tools=[], agent="tools",
                           budgets={"space": {"tokens_per_day": 0}})
    bot = scripted_bot(api_settings(capped), "never")
    with serving(bot) as url:
        client = openai.OpenAI(base_url=url, api_key=KEY)  # the SDK's default: 2 retries
        with pytest.raises(openai.RateLimitError) as caught:  # a named conversation: a retry
            client.chat.completions.create(  # would add a turn, not start afresh
                model="bot", messages=ASK["messages"], extra_headers={"X-Bot-Conversation": "c"})
    assert caught.value.code == "insufficient_quota"
    assert "budget" in caught.value.body["message"]  # type: ignore[index]
    [key] = bot.store.keys()
    [asked] = bot.store.history(key)
    assert asked.space == "api:alice" and asked.refused == "budgets.space.tokens_per_day"
