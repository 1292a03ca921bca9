"""Button clicks the fuzzer found tracebacks for: each is now ignored quietly.

A feedback button without a value, a value that is no turn of the thread (a store reset
since, or another thread's turn), a user without an id: the click is acknowledged and
nothing is stored; no listener fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from presenters.slack.listeners import record_feedback
from tests.fakes.slack_harness import running_slack
from tests.fakes.slack_server import TEAM


def click(action_id: str, value: Any, **body: Any) -> dict[str, Any]:
    action = {"action_id": action_id, "type": "button", "value": value}  # None: JSON null
    return {"type": "block_actions", "actions": [action], "team": {"id": TEAM},
            "user": {"id": "U0ALICE"}, "channel": {"id": "C0GENERAL"},
            "message": {"ts": "1700000000.000100"}, "api_app_id": "A0APP",
            "token": "legacy", **body}


def all_turns(bot: Any) -> list[Any]:
    keys = bot.store.keys()  # the store is not a dict: keys() is its method
    return [t for k in keys for t in bot.store.history(k)]


@pytest.mark.parametrize("payload", [
    click("feedback_up", None),
    click("feedback_down", "987654"),
    click("feedback_up", "9" * 5000),
    click("feedback_up", "1", user={"name": "no id"}, channel=["not", "a", "dict"]),
    click("approval_allow", None, message={"text": "no ts"}),
], ids=["null value", "no such turn", "huge value", "odd shapes", "approval without value"])
async def test_a_malformed_click_is_ignored(make_bot: Any, settings: Any,
                                           payload: dict[str, Any]) -> None:
    async with running_slack(make_bot, settings, "An answer.") as h:
        await h.mention("hello")  # one answer with a turn id, in another thread
        await h.wait_handled(1)
        answerer, action = h.presenter.answerer, payload["actions"][0]
        if action["action_id"].startswith("approval"):
            await answerer.approvals.answer(h.bot, payload, action)
        else:
            await record_feedback(answerer, h.bot, payload, action)
        assert all(not h.bot.store.feedback(t.id) for t in all_turns(h.bot))


async def test_feedback_for_another_threads_answer_is_not_stored(
        make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "An answer.") as h:
        await h.mention("hello")
        await h.wait_handled(1)
        (answer,) = [t for t in all_turns(h.bot) if t.role == "assistant"]
        payload = click("feedback_up", str(answer.id))  # the click names another thread
        await record_feedback(h.presenter.answerer, h.bot, payload, payload["actions"][0])
        assert h.bot.store.feedback(answer.id) == []
