"""What a person fills into an elicitation's form (Gradio, Slack) becomes the answer the MCP
server's schema asks for, or a problem that names the field."""

from __future__ import annotations

import asyncio

from bot.question_form import content, fields
from bot.questions import DeskElicitor, Question, QuestionDesk
from contracts.elicitation import ElicitationAnswer, ElicitationAsk

SCHEMA = {"type": "object", "required": ["seats", "size"], "properties": {
    "seats": {"type": "integer", "title": "Seats"},
    "budget": {"type": "number"},
    "projector": {"type": "boolean"},
    "size": {"type": "string", "enum": ["S", "L"]},
    "note": {"type": "string", "description": "anything else"}}}


def test_text_from_a_form_becomes_typed_values() -> None:
    given, problems = content(fields(SCHEMA), {
        "seats": "6", "budget": "12.5", "projector": "yes", "size": "L", "note": " quiet "})
    assert problems == {}
    assert given == {"seats": 6, "budget": 12.5, "projector": True, "size": "L",
                     "note": "quiet"}


def test_problems_name_the_field_and_the_fix() -> None:
    given, problems = content(fields(SCHEMA), {"seats": "2.5", "budget": "lots",
                                               "projector": "maybe", "size": "XL"})
    assert problems == {"seats": "Seats: give a whole number", "budget": "budget: give a number",
                        "projector": "projector: answer yes or no",
                        "size": "size: choose one of S, L"}
    assert given == {}


def test_required_fields_must_be_filled_and_optional_ones_may_stay_empty() -> None:
    given, problems = content(fields(SCHEMA), {"seats": 3, "note": ""})
    assert problems == {"size": "size: this is required"}
    assert given == {"seats": 3}


def ask() -> ElicitationAsk:
    return ElicitationAsk("rooms", "book", "How many seats?", SCHEMA, 60.0)


async def test_only_the_same_session_answers_and_the_outcome_is_told() -> None:
    desk, told = QuestionDesk(), list[tuple[str, str]]()

    async def shown(question: Question) -> None:
        told.append((question.outcome, question.summary()))

    asking = asyncio.create_task(DeskElicitor(desk, "gradio:a", shown).ask(ask()))
    while not desk.pending("gradio:a"):
        await asyncio.sleep(0)
    (question,) = desk.pending("gradio:a")
    assert not desk.answer("gradio:b", question.id, ElicitationAnswer("accept", {"seats": 1}))
    assert desk.answer("gradio:a", question.id, ElicitationAnswer("accept", {"seats": 6}))
    assert (await asking).content == {"seats": 6}
    assert told == [("waiting", "waiting"), ("answered", "answered (seats: 6)")]
    assert not desk.answer("gradio:a", question.id, ElicitationAnswer("decline"))  # closed


async def test_a_question_the_call_stops_waiting_for_ends_as_timed_out() -> None:
    desk, told = QuestionDesk(), list[str]()

    async def shown(question: Question) -> None:
        told.append(question.summary())

    asking = asyncio.create_task(DeskElicitor(desk, "slack:t", shown).ask(ask()))
    while not desk.pending("slack:t"):
        await asyncio.sleep(0)
    asking.cancel()
    await asyncio.gather(asking, return_exceptions=True)
    assert told[-1] == "no answer in time, so it was declined"
    assert desk.pending("slack:t") == []
