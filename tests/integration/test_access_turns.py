"""Whole turns under ``[access]``: what reaches the model, the tool step and the sources list
follows who asks and where (a Slack channel's strictest reader, a private answer, an API key),
in new and continued conversations; a real collection, a scripted model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from bot.app import Bot
from config import Settings, load_settings
from config.access import KeyAccess
from contracts.access import Principal
from contracts.events import Sources, ToolResult
from tests.kb.access_corpus import Doc, ProbeWorld, ingest_world, leaks, make_world
from tests.kb.helpers import shared_minilm
from tools.search_knowledge import SearchKnowledge


@pytest.fixture
def world_settings(tmp_path: Path, data_dir: Path) -> tuple[ProbeWorld, Settings]:
    world = make_world(n_docs=24, n_users=6, n_groups=3, seed=7)
    access = world.access().model_copy(update={"keys": {
        "portal": KeyAccess(principal="service:portal", trusted_to_name_user=True)}})
    settings = load_settings(data_dir=data_dir, tools=["search_knowledge"], agent="tools",
                             kb={"min_score": -1.0}, access=access.model_dump())
    ingest_world(world, settings, tmp_path / "docs", shared_minilm())
    return world, settings


def search_turn(doc: Doc) -> list[Reply]:
    call = ScriptedToolCall(name="search_knowledge", arguments={"query": doc.question()})
    return [Reply(tool_calls=[call]), Reply(text="Here is what I found.")]


async def ask(settings: Settings, docs: list[Doc], key: str, user: str | None,
              space: str) -> tuple[list[str], ScriptedLLM]:
    """Ask about each of ``docs`` in one conversation; every text the asker or the model saw."""
    from knowledge.search import Searcher

    replies = [r for doc in docs for r in search_turn(doc)]
    llm = ScriptedLLM(replies, profile="scripted")
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    bot = Bot.from_settings(settings, llms={"primary": llm},  # type: ignore[arg-type]
                            tools={"search_knowledge": tool})
    seen: list[str] = []
    try:
        for doc in docs:
            async for event in bot.session(key).send(doc.question(), user=user, space=space):
                seen.extend(_texts(event))
    finally:
        await bot.aclose()
    seen.extend(str(m) for req in llm.requests for m in req.messages)
    return seen, llm


def _texts(event: Any) -> list[str]:
    if isinstance(event, Sources):
        return [f"{s.title} {s.text}" for s in event.sources]
    if isinstance(event, ToolResult):
        return [event.content]
    return []


async def test_a_slack_channel_answer_uses_only_what_the_channel_may_read(
    world_settings: tuple[ProbeWorld, Settings],
) -> None:
    world, settings = world_settings
    channel = Principal("slack-channel:C0PROBE")
    seen, _ = await ask(settings, world.docs, "slack:C0PROBE:1.0", world.users[0],
                        "slack:C0PROBE")  # a thread: every later turn obeys the same rule
    assert leaks(world, channel, seen) == []
    readable = [d for d in world.docs if "slack-channel:C0PROBE" in d.readers]
    assert readable and all(any(d.canary in t for t in seen) for d in readable)


async def test_a_private_answer_uses_what_the_asker_may_read(
    world_settings: tuple[ProbeWorld, Settings],
) -> None:
    world, settings = world_settings
    user = next(u for u in world.users if world.principal(u).groups)
    member = world.principal(user)  # asking in the channel: a member of it
    asker = Principal(member.id, member.groups, extra=("slack-channel:C0PROBE",))
    key = f"slack:C0PROBE:1.0:private:{user}"
    seen, _ = await ask(settings, world.docs, key, user, "slack:C0PROBE")
    assert leaks(world, asker, seen) == []
    own = [d for d in world.docs if set(d.readers) & set(asker.grants) - {"public"}]
    assert own and any(d.canary in t for d in own for t in seen)


async def test_an_api_key_trusted_to_name_the_user_asks_as_that_user(
    world_settings: tuple[ProbeWorld, Settings],
) -> None:
    world, settings = world_settings
    for user in world.users[:3]:
        seen, _ = await ask(settings, world.docs, f"api:{user}", user, "api:portal")
        assert leaks(world, world.principal(user), seen) == []
    service, _ = await ask(settings, world.docs, "api:svc", None, "api:portal")
    assert leaks(world, Principal("service:portal"), service) == []


async def test_a_private_answer_drawing_on_what_the_channel_may_not_read_cannot_be_shared(
    world_settings: tuple[ProbeWorld, Settings],
) -> None:
    from knowledge.search import Searcher
    from presenters.slack.private import PrivateRef, private_key, shareable

    world, settings = world_settings
    user = next(u for u in world.users if world.principal(u).groups)
    secret = next(d for d in world.docs if set(d.readers) & set(world.principal(user).groups))
    open_doc = next(d for d in world.docs if "slack-channel:C0PROBE" in d.readers)
    key = private_key("slack:C0PROBE:1.0", user)
    channel = Principal("slack-channel:C0PROBE")
    outcomes = []
    for doc in (secret, open_doc):
        llm = ScriptedLLM(search_turn(doc), profile="scripted")
        tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
        bot = Bot.from_settings(settings, llms={"primary": llm},  # type: ignore[arg-type]
                                tools={"search_knowledge": tool})
        try:
            async for _ in bot.session(key).send(doc.question(), user=user,
                                                 space="slack:C0PROBE"):
                pass
            answer = (await bot.session(key).history())[-1]
            assert any(doc.canary in s.text for s in answer.sources)
            ref = PrivateRef(key, answer.id, "1.0")
            shared = await shareable(bot, ref, user, "C0PROBE") is not None
            assert shared == (leaks(world, channel, [s.text for s in answer.sources]) == [])
            outcomes.append(shared)
        finally:
            await bot.aclose()
    assert outcomes[0] is False  # the group-only document never reaches the channel
