"""What the store keeps of a conversation, through the Session API, on SQLite and PostgreSQL.

Every test runs twice (``store_url`` in ``store_fixtures.py`` is parametrized); the
PostgreSQL case uses a real server (see ``tests/fakes/postgres.py``).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from backends.scripted import FunctionLLM, Reply, ScriptedLLM
from bot.app import Bot
from config import Settings, load_settings
from contracts.events import Done, Error, Event, TextDelta
from contracts.llm import LLMRequest
from contracts.llm_errors import LLMServerError
from contracts.store import AssistantTurn, Store
from stores import open_store

KEY = "stdio:test"
LEASE_S = 0.5


@pytest.fixture
def fresh_store(store_url: str, data_dir: Path) -> Iterator[Callable[[], Store]]:
    """Opens a second, independent handle on the same database (another process's view)."""
    opened: list[Store] = []

    def factory() -> Store:
        opened.append(open_store(store_url, data_dir))
        return opened[-1]

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
async def bots(store_settings: Settings) -> AsyncIterator[Callable[[Any], Bot]]:
    made: list[Bot] = []

    def factory(llm: Any) -> Bot:
        made.append(Bot.from_settings(store_settings, llms={"primary": llm}))
        return made[-1]

    yield factory
    for bot in made:
        await bot.aclose()


async def collect(events: Any) -> list[Event]:
    return [event async for event in events]


async def test_user_turn_is_committed_before_the_model_is_called(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    seen: list[list[tuple[str, str]]] = []

    def model(request: LLMRequest) -> str:
        turns = fresh_store().history(KEY)  # another connection: only committed rows show
        seen.append([(t.role, t.text) for t in turns])
        return "Noted."

    await collect(bots(FunctionLLM(model)).session(KEY).send("remember the milk"))
    assert seen == [[("user", "remember the milk")]]


async def test_a_successful_turn_stores_answer_and_usage(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    events = await collect(bots(ScriptedLLM(["Paris is the capital."])).session(KEY).send(
        "capital of France?", user="ada"))
    done = events[-1]
    assert isinstance(done, Done) and done.turn_id is not None
    user, answer = fresh_store().history(KEY)
    assert (user.role, user.text, user.user) == ("user", "capital of France?", "ada")
    assert (answer.id, answer.role, answer.text) == (done.turn_id, "assistant",
                                                     "Paris is the capital.")
    assert answer.backend == "scripted" and answer.model == "scripted"
    assert answer.input_tokens > 0 and answer.output_tokens == 4
    assert answer.latency_s is not None and answer.ttft_s is not None
    assert answer.error_id is None and not answer.interrupted


async def test_a_failed_turn_keeps_the_question_and_the_error_id(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    llm = ScriptedLLM([Reply(error=LLMServerError("HTTP 503 upstream", status=503))])
    events = await collect(bots(llm).session(KEY).send("will this fail?"))
    error = next(e for e in events if isinstance(e, Error))
    assert error.error_id in error.message and "503 upstream" not in error.message
    user, answer = fresh_store().history(KEY)
    assert (user.role, user.text) == ("user", "will this fail?")
    assert (answer.error_id, answer.text, answer.interrupted) == (error.error_id, "", False)


async def test_an_answer_cut_mid_stream_is_stored_interrupted(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    cut = Reply(text="The first half and the second half.", chunk_chars=5,
                error=LLMServerError("stream reset"), error_after_chars=10)
    events = await collect(bots(ScriptedLLM([cut])).session(KEY).send("tell me"))
    done = events[-1]
    shown = "The first "  # what the user saw; presenters add "(interrupted)" from the flag
    assert isinstance(done, Done) and done.interrupted and done.text == shown
    answer = fresh_store().history(KEY)[-1]
    assert (answer.text, answer.interrupted, answer.error_id is not None) == (
        shown, True, True)


async def test_a_user_who_stops_reading_leaves_an_interrupted_turn(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    slow = Reply(text="word " * 40, chunk_chars=5, delay_s=0.01)
    events = bots(ScriptedLLM([slow])).session(KEY).send("long answer please")
    shown = ""
    async for event in events:
        if isinstance(event, TextDelta):
            shown += event.text
            if len(shown) >= 15:
                break
    await events.aclose()  # what a presenter does when the user presses Ctrl-C
    answer = fresh_store().history(KEY)[-1]
    assert answer.role == "assistant" and answer.interrupted
    assert answer.text == shown


async def test_reset_starts_a_new_conversation_and_the_model_forgets(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    llm = ScriptedLLM(["Hi Ada.", "Hello again."])
    session = bots(llm).session(KEY)
    await collect(session.send("my name is Ada"))
    await session.reset()
    assert await session.history() == []
    await collect(session.send("what is my name?"))
    assert "Ada" not in " ".join(m.content for m in llm.requests[-1].messages)
    assert [t.text for t in fresh_store().history(KEY)] == ["what is my name?", "Hello again."]
    assert fresh_store().keys() == [KEY]


async def test_undo_and_retry_replace_the_last_exchange(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    llm = ScriptedLLM(["Four.", "Wrong answer.", "Six."])
    session = bots(llm).session(KEY)
    await collect(session.send("2+2?"))
    await collect(session.send("3+3?"))
    events = await collect(session.retry())
    assert isinstance(events[-1], Done) and events[-1].text == "Six."
    assert "Wrong answer." not in " ".join(m.content for m in llm.requests[-1].messages)
    assert [t.text for t in fresh_store().history(KEY)] == ["2+2?", "Four.", "3+3?", "Six."]
    assert await session.undo() == "3+3?"
    assert [t.text for t in fresh_store().history(KEY)] == ["2+2?", "Four."]


async def test_feedback_is_stored_against_the_answer(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    session = bots(ScriptedLLM(["An answer."])).session(KEY)
    done = (await collect(session.send("question")))[-1]
    assert isinstance(done, Done) and done.turn_id is not None
    await session.feedback(done.turn_id, 1, user="ada")
    await session.feedback(done.turn_id, -1, "missed the point", user="bob")
    rows = fresh_store().feedback(done.turn_id)
    assert [(f.score, f.comment, f.user) for f in rows] == [
        (1, None, "ada"), (-1, "missed the point", "bob")]
    assert fresh_store().turn(done.turn_id).text == "An answer."  # type: ignore[union-attr]


async def test_sessions_answer_concurrently_without_losing_a_turn(
    bots: Any, fresh_store: Callable[[], Store]
) -> None:
    bot = bots(FunctionLLM(lambda r: Reply(text=f"re: {r.messages[-1].content}", delay_s=0.01)))
    keys = [f"gradio:{i}" for i in range(12)]
    await asyncio.gather(*(collect(bot.session(k).send(f"q{i}")) for i, k in enumerate(keys)))
    store = fresh_store()
    assert store.keys() == sorted(keys)
    for i, key in enumerate(keys):
        assert [t.text for t in store.history(key)] == [f"q{i}", f"re: q{i}"]


def test_event_claims_dedupe_slack_retries(fresh_store: Callable[[], Store]) -> None:
    first, second = fresh_store(), fresh_store()  # two processes receiving the same event
    assert first.claim_event("Ev1") is True
    assert second.claim_event("Ev1") is False  # in flight elsewhere
    first.release_event("Ev1")  # handling failed: a retry may take it
    assert second.claim_event("Ev1") is True
    second.finish_event("Ev1")
    first.release_event("Ev1")  # a finished event stays claimed
    assert first.claim_event("Ev1") is False
    assert first.claim_event("Ev2") is True


def test_an_event_claim_is_a_lease_its_holder_must_renew(
    fresh_store: Callable[[], Store],
) -> None:
    dead, alive, late = fresh_store(), fresh_store(), fresh_store()
    assert dead.claim_event("EvL", "dead-owner", lease_s=60)
    assert not alive.claim_event("EvL", "alive-owner", lease_s=60)  # leased, not expired
    assert alive.claim_event("EvL", "alive-owner", lease_s=0)  # expired: taken over
    assert not dead.renew_event("EvL", "dead-owner")  # the old holder learns it lost it
    assert alive.renew_event("EvL", "alive-owner")
    dead.release_event("EvL", "dead-owner")  # cannot drop the new holder's claim
    assert not late.claim_event("EvL", "late-owner", lease_s=60)
    alive.finish_event("EvL")
    assert not late.claim_event("EvL", "late-owner", lease_s=0)  # done is done for good


def test_one_taker_wins_an_expired_claim(fresh_store: Callable[[], Store]) -> None:
    fresh_store().claim_event("EvT", "died", lease_s=LEASE_S)
    stores = [fresh_store() for _ in range(6)]  # six replicas receiving Slack's retries
    for store in stores:
        store.keys()
    time.sleep(LEASE_S * 1.5)  # the holder died: its lease runs out
    start = threading.Barrier(len(stores))

    def take(n: int) -> bool:
        start.wait()
        return stores[n].claim_event("EvT", f"taker-{n}", lease_s=LEASE_S)

    with ThreadPoolExecutor(len(stores)) as pool:
        won = list(pool.map(take, range(len(stores))))
    assert won.count(True) == 1


def test_first_messages_racing_on_one_key_land_in_one_conversation(
    fresh_store: Callable[[], Store],
) -> None:
    stores = [fresh_store() for _ in range(8)]  # as 8 processes
    for store in stores:
        store.keys()  # connected, tables made: only the conversation is raced for
    start = threading.Barrier(len(stores))

    def first_message(n: int) -> int:
        start.wait()
        return stores[n].add_user_turn(KEY, f"message {n}")

    with ThreadPoolExecutor(len(stores)) as pool:
        list(pool.map(first_message, range(len(stores))))
    assert sorted(t.text for t in stores[0].history(KEY)) == [f"message {i}" for i in range(8)]


def test_two_handles_on_one_key_share_one_conversation(fresh_store: Callable[[], Store]) -> None:
    first, second = fresh_store(), fresh_store()
    first.add_user_turn(KEY, "from process one")
    second.add_assistant_turn(KEY, AssistantTurn(text="answered by process two"))
    assert [t.text for t in first.history(KEY)] == ["from process one", "answered by process two"]
    assert [t.text for t in second.history(KEY, limit=1)] == ["answered by process two"]


@pytest.mark.parametrize("broken_url", [
    "sqlite:////dev/null/cannot/be/a/folder.sqlite3",
    "postgresql://bot:pw-for-a-dead-server@127.0.0.1:9/bot",
])
async def test_a_store_that_cannot_be_opened_gives_a_polite_error(
    broken_url: str, data_dir: Path
) -> None:
    settings = load_settings(data_dir=data_dir, tools=[], store={"url": broken_url})
    llm = ScriptedLLM(["never asked"])
    bot = Bot.from_settings(settings, llms={"primary": llm})
    error, done = await collect(bot.session(KEY).send("is anyone there?"))
    assert isinstance(error, Error) and f"(error id: {error.error_id})" in error.message
    assert "pw-for-a-dead-server" not in error.message and "127.0.0.1" not in error.message
    assert isinstance(done, Done) and done.turn_id is None
    assert llm.requests == []  # nothing is asked that could not be saved
