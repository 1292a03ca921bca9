"""The pipeline agent end to end on scripted models over a real knowledge base."""

from __future__ import annotations

import uuid
from typing import Any

from backends.scripted import Reply, ScriptedLLM
from bot.app import Bot
from config import Settings
from contracts.events import Done, Sources, Status, TextDelta, ToolCall
from contracts.llm_errors import LLMTimeout
from tests.kb.fixtures import kb_ready_fixture, search_tool_fixture  # noqa: F401
from tools.search_knowledge import SearchKnowledge


def pipeline_bot(settings: Settings, tool: SearchKnowledge | None, **llms: ScriptedLLM) -> Bot:
    settings = settings.model_copy(update={"agent": "pipeline"})
    tools = {tool.name: tool} if tool is not None else {}
    return Bot.from_settings(settings, llms=llms, tools=tools)  # type: ignore[arg-type]


async def turn(bot: Bot, text: str) -> list[Any]:
    try:
        # a fresh conversation per turn: the store is shared by the module's tests
        return [e async for e in bot.session(f"test:{uuid.uuid4().hex}").send(text)]
    finally:
        await bot.aclose()


async def test_verbose_yes_searches_and_the_answer_cites_the_passages(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    router = ScriptedLLM(["Yes — this is about the leave policy, which the documents cover."])
    writer = ScriptedLLM(['Query: "paid leave days per year"'])
    primary = ScriptedLLM(["You get 25 days of paid leave a year [1]."])
    events = await turn(
        pipeline_bot(kb_ready, search_tool, router=router, query_writer=writer, primary=primary),
        "How many holidays do I get?",
    )
    statuses = [e.text for e in events if isinstance(e, Status)]
    assert len(statuses) == 4 and "paid leave days per year" in statuses[2]
    call = next(e for e in events if isinstance(e, ToolCall))
    assert call.arguments == {"query": "paid leave days per year"}
    answer = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert answer == "You get 25 days of paid leave a year [1]."
    sources = next(e for e in events if isinstance(e, Sources)).sources
    assert [s.n for s in sources] == [1] and sources[0].source.endswith("vacation.md")
    system = primary.requests[0].messages[0].content
    assert "[1] " in system and "25 days of paid leave" in system
    assert "How many holidays do I get?" in router.requests[0].messages[0].content
    assert isinstance(events[-1], Done) and events[-1].text == answer


async def test_no_means_no_search_and_no_sources(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    router = ScriptedLLM(
        ["No. This is a greeting, so no documents are needed.", "Yes, it is small talk."]
    )
    writer = ScriptedLLM([])
    primary = ScriptedLLM(["Hello! How can I help?"])
    events = await turn(
        pipeline_bot(kb_ready, search_tool, router=router, query_writer=writer, primary=primary),
        "Hi there!",
    )
    assert not any(isinstance(e, Sources | ToolCall) for e in events)
    assert writer.requests == []
    assert "passages" not in primary.requests[0].messages[0].content
    assert [e.text for e in events if isinstance(e, Status)][-1] == "writing the answer…"


async def test_a_router_that_says_no_to_everything_still_searches(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    router = ScriptedLLM(
        ["No, the message does not need the knowledge base.", "No, this message is not small talk."]
    )
    writer = ScriptedLLM(["leave request HR portal"])
    primary = ScriptedLLM(["Use the HR portal two weeks ahead [1]."])
    events = await turn(
        pipeline_bot(kb_ready, search_tool, router=router, query_writer=writer, primary=primary),
        "How do I ask for time off?",
    )
    assert len(router.requests) == 2
    assert "small talk" in router.requests[1].messages[0].content
    sources = next(e for e in events if isinstance(e, Sources)).sources
    assert sources[0].source.endswith("vacation.md")


async def test_an_unclear_router_reply_asks_the_extractor(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    router = ScriptedLLM(["Well, it depends on many things, honestly."])
    extractor = ScriptedLLM(["yes"])
    writer = ScriptedLLM(["espresso machine descaling"])
    primary = ScriptedLLM(["Every Friday morning [1]."])
    events = await turn(
        pipeline_bot(
            kb_ready,
            search_tool,
            router=router,
            extractor=extractor,
            query_writer=writer,
            primary=primary,
        ),
        "When is the coffee machine cleaned?",
    )
    assert len(extractor.requests) == 1
    sources = next(e for e in events if isinstance(e, Sources)).sources
    assert sources[0].source.endswith("kitchen.html")


async def test_a_failing_router_and_query_writer_still_search_with_the_users_words(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    router = ScriptedLLM([Reply(error=LLMTimeout("slow"))])
    writer = ScriptedLLM([Reply(error=LLMTimeout("slow"))])
    primary = ScriptedLLM(["Escalate to the team lead after 30 minutes."])
    events = await turn(
        pipeline_bot(kb_ready, search_tool, router=router, query_writer=writer, primary=primary),
        "Who do I escalate to when an incident drags on?",
    )
    call = next(e for e in events if isinstance(e, ToolCall))
    assert call.arguments == {"query": "Who do I escalate to when an incident drags on?"}
    sources = next(e for e in events if isinstance(e, Sources)).sources
    assert any(s.source.endswith("oncall.rst") for s in sources)  # uncited: all are shown


async def test_without_a_knowledge_base_it_just_answers(kb_ready: Settings) -> None:
    router = ScriptedLLM([])
    primary = ScriptedLLM(["Four."])
    events = await turn(pipeline_bot(kb_ready, None, router=router, primary=primary), "2+2?")
    assert router.requests == [] and not any(isinstance(e, Sources) for e in events)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Four."
