"""The pipeline with checks on (small models), end to end on scripted models and a real KB."""

from __future__ import annotations

import uuid
from typing import Any

from agents.checked import NOT_COVERED
from agents.extractive import LEAD
from backends.scripted import ScriptedLLM
from bot.app import Bot
from config import Settings
from contracts.events import Done, Sources, Status, TextDelta, ToolCall
from tests.kb.fixtures import kb_ready_fixture, search_tool_fixture  # noqa: F401
from tools.calculator import Calculator
from tools.search_knowledge import SearchKnowledge


def checked_bot(
    settings: Settings, tools: list[Any], checks: str = "on", **llms: ScriptedLLM
) -> Bot:
    pipeline = settings.pipeline.model_copy(update={"checks": checks})
    settings = settings.model_copy(update={"agent": "pipeline", "pipeline": pipeline})
    return Bot.from_settings(settings, llms=llms, tools={t.name: t for t in tools})  # type: ignore[arg-type]


async def turn(bot: Bot, text: str) -> list[Any]:
    try:
        return [e async for e in bot.session(f"test:{uuid.uuid4().hex}").send(text)]
    finally:
        await bot.aclose()


def answer(events: list[Any]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_an_invented_answer_is_never_shown_and_the_documents_speak_instead(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    router = ScriptedLLM([])
    writer = ScriptedLLM(["paid leave days"])
    primary = ScriptedLLM([
        "You get 40 days of leave a year [1]. Request them in Workday by emailing hr@corp.com."
    ])
    events = await turn(
        checked_bot(kb_ready, [search_tool], router=router, query_writer=writer, primary=primary),
        "How many holidays do I get?",
    )
    text = answer(events)
    assert "40" not in text and "Workday" not in text and "hr@corp.com" not in text
    assert "Every employee gets 25 days of paid leave per calendar year." in text
    sources = next(e for e in events if isinstance(e, Sources)).sources
    assert sources[0].source.endswith("vacation.md") and f"[{sources[0].n}]" in text
    assert router.requests == [], "the search scores route, not the router model"
    statuses = [e.text for e in events if isinstance(e, Status)]
    assert statuses[0] == "writing a search query…" and len(statuses) == 3
    assert isinstance(events[-1], Done) and events[-1].text == text


async def test_a_supported_answer_streams_sentence_by_sentence_citing_its_passage(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    primary = ScriptedLLM([
        "Every employee gets 25 days of paid leave per calendar year [4]. "
        "Unused days expire in March. Submit leave requests through the HR portal."
    ])
    events = await turn(
        checked_bot(kb_ready, [search_tool], query_writer=ScriptedLLM(["leave days"]),
                    primary=primary),
        "How many days of leave do I get, and when do they expire?",
    )
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    sources = next(e for e in events if isinstance(e, Sources)).sources
    n = next(s.n for s in sources if s.source.endswith("vacation.md"))
    assert deltas[0] == (  # a lone sentence is not an answer: the first waits for the second
        f"Every employee gets 25 days of paid leave per calendar year [{n}]. "
        f"Unused days expire in March [{n}]. "
    )
    assert "HR portal" in "".join(deltas)


async def test_an_off_topic_question_is_searched_with_the_users_words_and_said_to_be_uncovered(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    writer = ScriptedLLM(["The document mentions that the capital of France is Paris"])
    primary = ScriptedLLM(["Paris."])
    events = await turn(
        checked_bot(kb_ready, [search_tool], query_writer=writer, primary=primary),
        "What is the capital of France?",
    )
    call = next(e for e in events if isinstance(e, ToolCall))
    assert call.arguments == {"query": "What is the capital of France?"}
    assert answer(events) == NOT_COVERED + "Paris."
    assert not any(isinstance(e, Sources) for e in events)
    assert "passages" not in primary.requests[0].messages[0].content


async def test_greetings_and_thanks_get_a_fixed_reply_not_the_models(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    writer = ScriptedLLM([])
    primary = ScriptedLLM(["I'm just a regular guy who loves the outdoors."])
    bot = checked_bot(kb_ready, [search_tool], query_writer=writer, primary=primary)
    hello = answer(await turn(bot, "Hello, how are you?"))
    bye = answer(await turn(bot, "Thanks, that's all for today!"))
    assert hello.startswith("Hello! I answer questions about your team's documents")
    assert bye == "You're welcome! Ask again any time."
    assert writer.requests == [] and primary.requests == []


async def test_a_sum_is_worked_out_by_the_calculator_not_the_model(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    primary = ScriptedLLM([])
    events = await turn(
        checked_bot(kb_ready, [search_tool, Calculator()], primary=primary),
        "What is 17 times 23?",
    )
    assert answer(events) == "17 * 23 = 391"
    assert next(e for e in events if isinstance(e, ToolCall)).name == "calculator"
    assert primary.requests == []


async def test_checks_follow_the_answering_profile_when_left_on_auto(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    invented = "Use Workday to book 40 days of leave."
    for profile, shown in (("local", False), ("openai", True)):
        primary = ScriptedLLM([invented], profile=profile)
        events = await turn(
            checked_bot(kb_ready, [search_tool], checks="auto", router=ScriptedLLM(["yes"]),
                        query_writer=ScriptedLLM(["leave"]), primary=primary),
            "How many holidays do I get?",
        )
        assert (invented in answer(events)) is shown, profile


class ClosingWatch(ScriptedLLM):
    """A scripted model that notes when its reply stream is closed."""

    def __init__(self, reply: str) -> None:
        super().__init__([], default=reply, profile="scripted")
        self.open_streams = 0

    async def stream(self, request: Any) -> Any:
        self.open_streams += 1
        try:
            async for chunk in super().stream(request):
                yield chunk
        finally:
            self.open_streams -= 1


async def test_a_model_given_up_on_is_stopped_before_the_documents_words_are_shown(
    kb_ready: Settings, search_tool: SearchKnowledge
) -> None:
    invented = " ".join(f"Install package number{i} on the Kubernetes cluster." for i in range(40))
    primary = ClosingWatch(invented)
    bot = checked_bot(kb_ready, [search_tool], query_writer=ScriptedLLM(["leave"]), primary=primary)
    open_when_quoting = None
    try:
        async for event in bot.session(f"test:{uuid.uuid4().hex}").send("How many holidays?"):
            if isinstance(event, TextDelta) and LEAD in event.text:
                open_when_quoting = primary.open_streams
                assert "25 days" in event.text and "Kubernetes" not in event.text
    finally:
        await bot.aclose()
    # a model still generating in the background would share llama.cpp's state with the
    # next request (issue 10: a native crash on the next turn)
    assert open_when_quoting == 0


class RecordingSearch:
    """A search tool with fixed passages that records the files each search was kept to."""

    name = SearchKnowledge.name
    description = SearchKnowledge.description
    Args = SearchKnowledge.Args

    def __init__(self, passages: list[Any], in_files: list[Any] | None = None) -> None:
        self.passages = passages
        self.in_files = in_files or []  # what a search within the files finds
        self.within: list[list[str]] = []

    async def run(self, args: Any, ctx: Any) -> Any:
        from contracts.tools import ToolOutput

        if args.within:
            self.within.append(list(args.within))
            return ToolOutput(content="", sources=self.in_files)
        return ToolOutput(content="found", sources=self.passages)


async def test_the_files_searched_for_a_quote_include_one_whose_passage_fell_under_the_floor(
    kb_ready: Settings,
) -> None:
    """A file's one passage in the search is its best *ranked* chunk, which may be a weak
    one while its answer waits behind the one-per-file cap: the file is searched within."""
    from contracts.events import Source

    strong = Source(n=1, source="docs/leave.md", heading="Leave", score=0.5,
                    text="Paid leave is 25 days a year.")
    weak = Source(n=2, source="docs/readme.md", heading="Two commands", score=0.21,
                  text="Paid leave questions: see the handbook.")
    search = RecordingSearch([strong, weak])
    primary = ScriptedLLM(["Paid leave is 25 days a year [1]."])
    await turn(checked_bot(kb_ready, [search], query_writer=ScriptedLLM(["paid leave"]),
                           primary=primary), "How much paid leave do I get?")
    assert search.within == [["docs/leave.md", "docs/readme.md"]]


async def test_a_files_section_that_covers_the_question_answers_when_its_ranked_passage_did_not(
    kb_ready: Settings,
) -> None:
    """"How do I add my own documents?" found knowledge-base.md by a weak passage under
    the floor; the file's ingest section covers it, so the documents answer."""
    from contracts.events import Source

    weak = Source(n=1, source="docs/kb.md", heading="The default knowledge base", score=0.23,
                  text="make chat ingests the bundled docs first.")
    steps = Source(n=1, source="docs/kb.md", heading="Ingesting documents", score=0.31,
                   text="Add your own documents with bot ingest PATH.")
    search = RecordingSearch([weak], in_files=[steps])
    primary = ScriptedLLM(["Reboot the cluster twice."])
    events = await turn(checked_bot(kb_ready, [search], query_writer=ScriptedLLM(["documents"]),
                                    primary=primary), "How do I add my own documents?")
    text = answer(events)
    assert not text.startswith(NOT_COVERED) and "Reboot" not in text
    assert "Add your own documents with bot ingest PATH." in text
    sources = next(e for e in events if isinstance(e, Sources)).sources
    assert [s.heading for s in sources] == ["Ingesting documents"]
    assert "Add your own documents" in primary.requests[0].messages[0].content


async def test_a_file_only_mentioning_the_question_still_leaves_it_uncovered(
    kb_ready: Settings,
) -> None:
    from contracts.events import Source

    weak = Source(n=1, source="docs/kb.md", heading="Checks", score=0.24,
                  text='Ask "What is the capital of France?" to see an uncovered answer.')
    example = Source(n=1, source="docs/kb.md", heading="Trying it", score=0.4,
                     text='Type "What is the capital of France?" and read the note.')
    search = RecordingSearch([weak], in_files=[example])
    primary = ScriptedLLM(["Paris."])
    events = await turn(checked_bot(kb_ready, [search], query_writer=ScriptedLLM(["France"]),
                                    primary=primary), "What is the capital of France?")
    assert answer(events) == NOT_COVERED + "Paris."
    assert search.within == [["docs/kb.md"]]
