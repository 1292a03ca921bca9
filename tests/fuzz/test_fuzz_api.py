"""``bot serve api`` fuzzed from its own OpenAPI description, served by the app.

Schemathesis builds requests from ``GET /openapi.json`` and checks each response against
it: no 5xx, status codes, content types and bodies as described. A second strategy makes
the requests the bot answers (the configured model, a user's last message) with
generated histories, users and streaming flags, so the budget and the store are reached.
After the run, the store holds nothing the limits forbid and the budget held.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from backends.scripted import ScriptedLLM  # noqa: E402
from bot.app import Bot  # noqa: E402
from config import load_settings  # noqa: E402
from tests.fuzz.fuzz_size import Tally, fuzz_settings  # noqa: E402
from tests.integration.api_helpers import KEY, api_settings, serving  # noqa: E402

MAX_CHARS, MAX_HISTORY, ANSWERS_PER_HOUR = 300, 12, 15
AUTH = {"Authorization": f"Bearer {KEY}"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
OPERATIONS = [("/v1/chat/completions", "POST"), ("/v1/models", "GET"),
              ("/v1/models/{model}", "GET"), ("/health", "GET")]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Bot]]:
    data = Path(tmp_path_factory.mktemp("fuzz-api"))
    settings = api_settings(load_settings(
        data_dir=data, tools=[], input={"max_chars": MAX_CHARS},
        budgets={"global": {"requests": f"{ANSWERS_PER_HOUR}/hour"}}),
        max_history_messages=MAX_HISTORY)
    bot = Bot.from_settings(settings, llms={"primary": ScriptedLLM(default="An answer.")})
    with serving(bot) as url:
        yield url.removesuffix("/v1"), bot


def check(case: Any, base: str) -> None:
    excluded = [schemathesis.checks.positive_data_acceptance]  # semantic refusals are 400s
    case.call_and_validate(base_url=base, headers=AUTH, excluded_checks=excluded)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_endpoint_answers_as_its_description_says(
        served: tuple[str, Bot], path: str, method: str) -> None:
    base, _ = served
    operation = schemathesis.openapi.from_url(f"{base}/openapi.json")[path][method]
    with Tally(f"api {method} {path}") as tally:

        @fuzz_settings()
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            tally.requests += 1
            check(case, base)

        run()


TEXT = st.text(st.characters(codec="utf-8"), max_size=2 * MAX_CHARS)
MESSAGE = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system"]),
                                 "content": TEXT})


def answerable(case: Any, history: list[dict[str, str]], last: str, user: str | None,
               stream: bool) -> Any:
    """The generated case made into one the bot answers, bar the limits under test."""
    body = case.body if isinstance(case.body, dict) else {}
    body.update(model="bot", messages=[*history, {"role": "user", "content": last or "?"}],
                stream=stream)
    if user is None:
        body.pop("user", None)
    else:
        body["user"] = user
    body.pop("n", None)
    case.body = body
    return case


def test_answered_requests_keep_the_limits_and_the_budget(served: tuple[str, Bot]) -> None:
    base, bot = served
    operation = schemathesis.openapi.from_url(f"{base}/openapi.json")[
        "/v1/chat/completions"]["POST"]
    cases = st.builds(answerable, operation.as_strategy(),
                      st.lists(MESSAGE, max_size=MAX_HISTORY + 3), TEXT,
                      st.none() | st.text(max_size=20), st.booleans())
    with Tally("api answered chats") as tally:

        @fuzz_settings()
        @given(case=cases)
        def run(case: Any) -> None:
            tally.requests += 1
            check(case, base)

        run()
    keys = bot.store.keys()  # the store is not a dict: keys() is its method
    turns = [t for key in keys for t in bot.store.history(key)]
    assert all(len(t.text) <= MAX_CHARS for t in turns if t.role == "user")
    assert not any(CONTROL.search(t.text) for t in turns)
    answers = [t for t in turns if t.role == "assistant" and t.backend != "client"]
    assert len(answers) <= ANSWERS_PER_HOUR
