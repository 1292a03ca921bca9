"""No person answers an API call: an "ask first" tool gets ``approvals.default`` at once."""

from __future__ import annotations

import openai

from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from bot.app import Bot
from config import Settings
from tests.conformance.conversation import BookRoom
from tests.integration.api_helpers import KEY, api_settings, serving


async def test_an_ask_first_tool_is_denied_by_default_without_waiting(settings: Settings) -> None:
    replies = [Reply(tool_calls=[ScriptedToolCall(name="book_room", arguments={"room": 4})]),
               Reply(text="I could not book it.")]
    bot = Bot.from_settings(api_settings(settings), tools={"book_room": BookRoom()},
                            llms={"primary": ScriptedLLM(replies, profile="scripted")})
    with serving(bot) as url:
        client = openai.AsyncOpenAI(base_url=url, api_key=KEY, max_retries=0, timeout=20)
        done = await client.chat.completions.create(
            model="bot", messages=[{"role": "user", "content": "Book room 4"}])
        await client.close()
    [step] = done.choices[0].message.model_extra["bot"]["steps"]
    assert step["approval"] == "denied by default (no one to ask)" and step["failed"]
    assert done.choices[0].message.content.startswith("I could not book it.")
