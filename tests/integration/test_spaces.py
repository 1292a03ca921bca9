"""Per-space configuration: a place listed in ``[spaces.NAME]`` gets that space's primary
profile, prompts and knowledge-base collection, resolved per turn; other places do not."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from bot.app import Bot
from config import Settings, load_settings
from contracts.events import Event, Sources, TextDelta
from knowledge.ingest import ingest
from knowledge.search import Searcher
from tests.kb.helpers import shared_minilm
from tools.search_knowledge import SearchKnowledge

SUPPORT_PROMPT = "You are the support team's assistant. Answer in one line."


def scripted(reply: str) -> dict[str, Any]:
    return {"kind": "scripted", "replies": [reply], "max_retries": 0}


@pytest.fixture
async def bots() -> AsyncIterator[Callable[..., Bot]]:
    made: list[Bot] = []

    def factory(settings: Settings, **kwargs: Any) -> Bot:
        made.append(Bot.from_settings(settings, **kwargs))
        return made[-1]

    yield factory
    for bot in made:
        await bot.aclose()


async def ask(bot: Bot, place: str, text: str = "hello", key: str | None = None) -> list[Event]:
    session = bot.session(key or f"test:{place}")
    return [e async for e in session.send(text, user="U1", space=place)]


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_a_space_answers_with_its_own_primary_profile_and_system_prompt(
    data_dir: Path, bots: Callable[..., Bot],
) -> None:
    settings = load_settings(
        data_dir=data_dir, tools=[], agent="tools", roles={"primary": "everyone"},
        profiles={"everyone": scripted("the usual answer"),
                  "support": scripted("the support answer")},
        spaces={"support": {"members": ["slack:C0SUPPORT", "gradio:alice"],
                            "primary": "support", "prompts": {"system": SUPPORT_PROMPT}}})
    bot = bots(settings)
    assert text_of(await ask(bot, "slack:C0SUPPORT")) == "the support answer"
    assert text_of(await ask(bot, "gradio:alice")) == "the support answer"
    assert text_of(await ask(bot, "slack:C0OTHER")) == "the usual answer"
    assert text_of(await ask(bot, "terminal")) == "the usual answer"
    support, everyone = bot.models.backend("support"), bot.models.backend("everyone")
    assert [r.messages[0].content for r in support.requests] == [SUPPORT_PROMPT] * 2  # type: ignore[attr-defined]
    assert everyone.requests[0].messages[0].content.startswith("You are bot")  # type: ignore[attr-defined]


async def test_a_space_whose_model_needs_the_tools_agent_gets_it_on_an_auto_bot(
    data_dir: Path, bots: Callable[..., Bot],
) -> None:
    # The embedded default makes `agent = "auto"` the pipeline (router, query writer, …);
    # a space on another kind of model gets the tools agent: one request, its system prompt.
    settings = load_settings(
        data_dir=data_dir, tools=[], profiles={"support": scripted("the support answer")},
        spaces={"support": {"members": ["terminal"], "primary": "support",
                            "prompts": {"system": SUPPORT_PROMPT}}})
    assert settings.agent_name() == "pipeline"
    bot = bots(settings)
    assert text_of(await ask(bot, "terminal")) == "the support answer"
    requests = bot.models.backend("support").requests  # type: ignore[attr-defined]
    assert len(requests) == 1 and requests[0].messages[0].content == SUPPORT_PROMPT


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder


async def test_a_space_searches_its_own_knowledge_base_collection(
    tmp_path: Path, bots: Callable[..., Bot],
) -> None:
    settings = load_settings(
        data_dir=tmp_path / "data", tools=["search_knowledge"], agent="tools",
        spaces={"support": {"members": ["slack:C0SUPPORT"], "collection": "support-docs"}})
    docs = write(tmp_path / "docs", "wifi.md", "# Office wifi\n\nThe office wifi password "
                 "is printed on the kitchen fridge.\n")
    support = write(tmp_path / "support", "wifi.md", "# Customer wifi\n\nCustomers reset "
                    "their router wifi by holding the button for ten seconds.\n")
    ingest(settings, [docs], embedder=shared_minilm(), progress=False)
    ingest(settings, [support], collection="support-docs", embedder=shared_minilm(),
           progress=False)
    search = Reply(tool_calls=[ScriptedToolCall(name="search_knowledge",
                                                arguments={"query": "wifi password reset"})])
    llm = ScriptedLLM([search, "answer one", search, "answer two"])
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    bot = bots(settings, llms={"primary": llm}, tools={"search_knowledge": tool})
    in_space = [e for e in await ask(bot, "slack:C0SUPPORT") if isinstance(e, Sources)]
    elsewhere = [e for e in await ask(bot, "slack:C0OTHER") if isinstance(e, Sources)]
    assert "ten seconds" in in_space[0].sources[0].text
    assert "kitchen fridge" in elsewhere[0].sources[0].text
    assert not any("fridge" in s.text for s in in_space[0].sources)  # the other collection
    assert not any("ten seconds" in s.text for s in elsewhere[0].sources)
