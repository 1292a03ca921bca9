"""Clients that resend the whole chat: the store keeps one copy, the model sees the client's.

Each test drives ``bot serve api`` with the real ``openai`` client; the bot's model is the
fake OpenAI server, so what the model was sent is on record next to what the store holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from bot.app import Bot
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    openai_server_fixture,  # noqa: F401
)
from tests.integration.api_helpers import KEY, OTHER_KEY, api_settings, serving

Chat = list[dict[str, Any]]


@pytest.fixture
def api(openai_server: FakeOpenAI, data_dir: Path) -> Iterator[tuple[str, Bot]]:
    bot = Bot.from_settings(api_settings(openai_settings(data_dir, openai_server)))
    with serving(bot) as url:
        yield url, bot


class Client:
    """A chat client the way Open WebUI or LibreChat is one: it resends every message."""

    def __init__(self, url: str, key: str = KEY, **headers: str) -> None:
        self.sdk = openai.OpenAI(base_url=url, api_key=key, max_retries=0,
                                 default_headers=headers)
        self.chat: Chat = []

    def ask(self, text: str, **kwargs: Any) -> str:
        self.chat.append({"role": "user", "content": text})
        done = self.sdk.chat.completions.create(model="bot", messages=self.chat, **kwargs)
        answer = done.choices[0].message.content or ""
        self.chat.append({"role": "assistant", "content": answer})
        return answer


def stored(bot: Bot) -> dict[str, list[tuple[str, str]]]:
    """Every conversation in the store: key -> (role, text) of its current turns."""
    keys = bot.store.keys()
    return {k: [(t.role, t.text) for t in bot.store.history(k)] for k in keys}


def said(request: Any) -> list[tuple[str, str]]:
    """The user and assistant messages a model request carried (no system prompt)."""
    return [(m["role"], m["content"]) for m in request.messages if m["role"] != "system"]


def test_resending_the_whole_chat_stores_each_turn_once(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    client = Client(url)
    for question in ("One?", "Two?", "Three?"):
        client.ask(question)
    [turns] = stored(bot).values()
    assert turns == [("user", "One?"), ("assistant", "You said: One?"),
                     ("user", "Two?"), ("assistant", "You said: Two?"),
                     ("user", "Three?"), ("assistant", "You said: Three?")]
    assert said(openai_server.chat_requests[-1]) == turns[:-1]


def test_a_regenerated_answer_replaces_the_stored_one(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    client = Client(url)
    client.ask("One?")
    openai_server.reply("First try.")
    client.ask("Two?")
    client.chat = client.chat[:-2]  # the user presses "regenerate"
    openai_server.reply("Second try.")
    client.ask("Two?")
    [turns] = stored(bot).values()
    assert turns[2:] == [("user", "Two?"), ("assistant", "Second try.")]
    assert len(turns) == 4


def test_an_edited_earlier_message_becomes_the_conversation(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    client = Client(url)
    client.ask("One?")
    client.ask("Two?")
    client.chat = [{"role": "user", "content": "One?"},
                   {"role": "assistant", "content": "Edited answer."}]
    client.ask("Three?")
    [turns] = stored(bot).values()
    assert turns == [("user", "One?"), ("assistant", "Edited answer."),
                     ("user", "Three?"), ("assistant", "You said: Three?")]
    assert said(openai_server.chat_requests[-1]) == turns[:-1]


def test_a_named_conversation_remembers_for_a_client_that_sends_one_message(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    for text in ("My name is Ada.", "What is my name?"):
        Client(url, **{"X-Bot-Conversation": "ticket-42"}).ask(text)
    assert said(openai_server.chat_requests[-1]) == [
        ("user", "My name is Ada."), ("assistant", "You said: My name is Ada."),
        ("user", "What is my name?")]
    assert list(stored(bot)) == ["api:alice:ticket-42"]


def test_keys_and_end_users_never_share_a_conversation(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    Client(url, **{"X-Bot-Conversation": "same"}).ask("Alice here.")
    Client(url, OTHER_KEY, **{"X-Bot-Conversation": "same"}).ask("Bob here.")
    Client(url).ask("Hello", user="ada")
    Client(url).ask("Hello", user="grace")
    conversations = stored(bot)
    assert len(conversations) == 4
    assert conversations["api:bob:same"] == [("user", "Bob here."),
                                             ("assistant", "You said: Bob here.")]
    assert all(len(turns) == 2 for turns in conversations.values())
    asked = [t for k in conversations for t in bot.store.history(k) if t.role == "user"]
    assert {(t.user, t.space) for t in asked} == {
        ("alice", "api:alice"), ("bob", "api:bob"), ("alice:ada", "api:alice"),
        ("alice:grace", "api:alice")}


def test_a_new_chat_that_opens_like_an_old_one_starts_afresh(
    api: tuple[str, Bot], openai_server: FakeOpenAI
) -> None:
    url, bot = api
    old = Client(url)
    old.ask("Hello")
    old.ask("Tell me more.")
    Client(url).ask("Hello")
    assert said(openai_server.chat_requests[-1]) == [("user", "Hello")]
    [turns] = stored(bot).values()
    assert turns == [("user", "Hello"), ("assistant", "You said: Hello")]
