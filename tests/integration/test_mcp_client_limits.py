"""What an MCP server says reaches the model within limits: a server's error text, however
long, is cut (an error explains itself in a paragraph; more is noise or an injection)."""

from __future__ import annotations

from typing import Any

import pytest

from backends.scripted import Reply, ScriptedToolCall
from config import Settings
from contracts.events import Event, ToolResult
from tests.fakes.asgi_loopback import serving_asgi
from tests.fakes.mcp_servers import with_servers

pytest.importorskip("mcp")
HUGE = 200_000


def call(name: str, arguments: dict[str, Any]) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(id="c1", name=name, arguments=arguments)])


@pytest.mark.parametrize("tool", ["shout", "rpc_shout"])
async def test_a_servers_error_text_is_capped_before_the_model_reads_it(
    tool: str, make_bot: Any, settings: Settings
) -> None:
    from tests.fakes.mcp_tool_server import fake_app

    with serving_asgi(fake_app()) as base:
        bot = make_bot(call(tool, {"n": HUGE}), "That failed.",
                       settings_=with_servers(settings, fake={"url": base + "/mcp"}))
        events: list[Event] = [e async for e in bot.session("test:cap").send("go")]
        await bot.aclose()
    failed = next(e for e in events if isinstance(e, ToolResult))
    assert failed.is_error and len(failed.content) < 1300
    assert "[result cut: the first 1000 of" in failed.content
    read = bot.models.for_role("primary").requests[1].messages[-1].content
    assert len(read) < 1500  # what the model was sent, not only what the user sees
