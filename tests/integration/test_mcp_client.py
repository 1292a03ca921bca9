"""MCP servers' tools in a turn: the real ``mcp-server-time`` over stdio, an SDK-built server
over streamable HTTP on loopback. Failures reach the model as tool errors, never a crash."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import pytest
from structlog.testing import capture_logs

from backends.scripted import Reply, ScriptedToolCall
from config import Settings
from contracts.events import ApprovalRequest, Error, Event, ToolResult
from tests.fakes.mcp_servers import (
    TIME_COMMAND,
    child_pids,
    http_server,
    require_mcp,
    serving,
    waiting_input,
    with_servers,
)

KEY = "test:mcp"
PARIS = {"timezone": "Europe/Paris"}


@pytest.fixture(autouse=True)
def _mcp_installed() -> None:
    require_mcp()


def call(name: str, arguments: dict[str, Any]) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(id="c1", name=name, arguments=arguments)])


def time_settings(settings: Settings, **server: Any) -> Settings:
    return with_servers(settings, time={"command": TIME_COMMAND, **server})


async def ask(bot: Any, text: str = "What time is it in Paris?") -> list[Event]:
    return [e async for e in bot.session(KEY).send(text)]


def result(events: list[Event]) -> ToolResult:
    return next(e for e in events if isinstance(e, ToolResult))


def offered(bot: Any, request: int = 0) -> dict[str, Any]:
    tools = bot.models.for_role("primary").requests[request].tools
    return {t.name: t.parameters for t in tools}


async def test_the_time_servers_tools_are_offered_and_called(make_bot: Any,
                                                            settings: Settings) -> None:
    bot = make_bot(call("get_current_time", PARIS), "It is noon in Paris.",
                   settings_=time_settings(settings, allow=["get_current_time"]))
    events = await ask(bot)
    tools = offered(bot)
    assert {"clock", "calculator", "get_current_time"} == set(tools)  # not convert_time
    assert tools["get_current_time"]["required"] == ["timezone"]  # the server's own schema
    done = result(events)
    assert not done.is_error and '"timezone": "Europe/Paris"' in done.content
    assert "datetime" in bot.models.for_role("primary").requests[1].messages[-1].content


async def test_a_name_that_clashes_is_prefixed_with_the_server(make_bot: Any,
                                                              settings: Settings) -> None:
    from tools.clock import CurrentTime

    clock = CurrentTime()
    clock.name = "get_current_time"  # a built-in already called that
    bot = make_bot(call("time_get_current_time", PARIS), "Noon.",
                   tools={"get_current_time": clock}, settings_=time_settings(settings))
    events = await ask(bot)
    assert {"get_current_time", "time_get_current_time", "convert_time"} == set(offered(bot))
    assert "Europe/Paris" in result(events).content


async def test_the_servers_own_error_reaches_the_model(make_bot: Any, settings: Settings) -> None:
    bot = make_bot(call("get_current_time", {"timezone": "Mars/Olympus"}), "No such zone.",
                   settings_=time_settings(settings))
    events = await ask(bot)
    assert result(events).is_error and "Invalid timezone" in result(events).content
    assert not any(isinstance(e, Error) for e in events)


async def test_a_long_result_is_cut_and_the_model_is_told(make_bot: Any,
                                                          settings: Settings) -> None:
    bot = make_bot(call("get_current_time", PARIS), "Cut.",
                   settings_=time_settings(settings, max_result_chars=30))
    content = result(await ask(bot)).content
    assert content.startswith('{\n  "timezone": "Europe/Paris"'[:30])
    assert "[result cut: the first 30 of " in content


async def test_an_ask_first_tool_waits_for_the_person(make_bot: Any, settings: Settings) -> None:
    bot = make_bot(call("get_current_time", PARIS), "Denied.",
                   settings_=time_settings(settings, ask_first=["get_current_time"]))
    events = []
    async for event in bot.session(KEY).send("time?"):
        events.append(event)
        if isinstance(event, ApprovalRequest):
            assert (event.tool, event.arguments) == ("get_current_time", PARIS)
            bot.session(KEY).approve(event.id, False)
    assert result(events).is_error and "the user denied" in result(events).content


async def test_a_server_killed_mid_call_is_a_tool_error_then_restarts(
    make_bot: Any, settings: Settings
) -> None:
    bot = make_bot(call("get_current_time", PARIS), "The clock server died.",
                   call("get_current_time", PARIS), "It is noon.",
                   settings_=time_settings(settings))
    bot.start()
    [pid] = child_pids("mcp-server-time")
    os.kill(pid, signal.SIGSTOP)  # it cannot read the call: the call stays in flight

    async def kill_once_called() -> None:
        while waiting_input(pid) == 0:  # the request is in its stdin, unread
            await asyncio.sleep(0.01)
        os.kill(pid, signal.SIGKILL)

    with capture_logs() as logs:
        killer = asyncio.create_task(kill_once_called())
        events = await ask(bot)
        await killer
    failed = result(events)
    assert failed.is_error and "went away during the call to get_current_time" in failed.content
    assert not any(isinstance(e, Error) for e in events)
    assert any(e["event"] == "mcp_server_died" and e["server"] == "time" for e in logs)
    again = await ask(bot)
    assert not result(again).is_error and "Europe/Paris" in result(again).content
    assert child_pids("mcp-server-time") not in ([], [pid])  # a new process


async def test_a_call_past_its_deadline_is_a_tool_error(make_bot: Any,
                                                        settings: Settings) -> None:
    bot = make_bot(call("get_current_time", PARIS), "Too slow.", call("get_current_time", PARIS),
                   "Noon.", settings_=time_settings(settings,
                                                    tool_timeouts={"get_current_time": 1.0}))
    bot.start()
    [pid] = child_pids("mcp-server-time")
    os.kill(pid, signal.SIGSTOP)
    try:
        late = result(await ask(bot))
    finally:
        os.kill(pid, signal.SIGCONT)
    assert late.is_error and "did not answer within 1 s" in late.content
    assert not result(await ask(bot)).is_error  # the same server answers once it wakes


async def test_a_server_that_will_not_start_leaves_the_turn_working(
    make_bot: Any, settings: Settings, tmp_path: Any
) -> None:
    broken = with_servers(settings, time={"command": TIME_COMMAND},
                          gone={"command": [str(tmp_path / "no-such-server")]},
                          mute={"command": ["sleep", "60"], "startup_timeout_s": 1})
    bot = make_bot("Hello without the missing tools.", settings_=broken)
    with capture_logs() as logs:
        events = await ask(bot, "hello")
    assert set(offered(bot)) == {"clock", "calculator", "get_current_time", "convert_time"}
    assert not any(isinstance(e, Error) for e in events)
    failed = {e["server"]: e["error"] for e in logs if e["event"] == "mcp_server_failed"}
    assert "no-such-server" in failed["gone"]
    assert failed["mute"] == "TimeoutError: not ready within startup_timeout_s = 1 s"
    assert child_pids("sleep 60") == []  # the server that never answered was stopped


async def test_tools_over_streamable_http(make_bot: Any, settings: Settings,
                                          free_port: int) -> None:
    url = f"http://127.0.0.1:{free_port}/mcp"
    with http_server(free_port):
        bot = make_bot(call("whoami", {}), "Checked.", call("lookup", {"term": "turn"}), "Ok.",
                       settings_=with_servers(settings, docs={
                           "url": url, "headers": {"Authorization": "Bearer s3cret"}}))
        who = result(await ask(bot, "who am I?"))
        assert who.content == "authorization=Bearer s3cret"
        assert {"lookup", "whoami", "big"} <= set(offered(bot))
        found = result(await ask(bot, "define turn"))
        assert found.content.startswith("turn: a word in the glossary")


async def test_an_http_server_that_went_away_is_a_tool_error_then_comes_back(
    make_bot: Any, settings: Settings, free_port: int
) -> None:
    url = f"http://127.0.0.1:{free_port}/mcp"
    bot = make_bot(call("lookup", {"term": "a"}), "Gone.", call("lookup", {"term": "b"}),
                   "Back.", settings_=with_servers(settings, docs={"url": url}))
    with http_server(free_port):
        bot.start()
    with capture_logs() as logs:
        gone = result(await ask(bot, "define a"))
    assert gone.is_error and "docs" in gone.content
    assert any(e["event"] in ("mcp_server_died", "mcp_server_failed") for e in logs)
    with http_server(free_port):
        back = result(await ask(bot, "define b"))
    assert not back.is_error and back.content.startswith("b: a word")


async def test_another_bot_served_over_mcp_is_a_tool(make_bot: Any, settings: Settings,
                                                     free_port: int, tmp_path: Any) -> None:
    """MCP both ways: this bot calls ``ask`` on a second bot run by ``bot serve mcp``."""
    import sys

    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "bot.toml").write_text(
        'tools = []\n[roles]\nprimary = "demo"\n[profiles.demo]\nkind = "scripted"\n'
        'replies = ["The other bot says hi."]\n', encoding="utf-8")
    command = [sys.executable, "-m", "apps.cli.main", "serve", "mcp", "--transport", "http",
               "--port", str(free_port)]
    env = {"BOT_DATA_DIR": str(tmp_path / "other" / "data")}
    with serving(command, free_port, cwd=tmp_path / "other", env=env):
        bot = make_bot(call("ask", {"question": "say hi"}), "It said hi.",
                       settings_=with_servers(settings, other={
                           "url": f"http://127.0.0.1:{free_port}/mcp", "allow": ["ask"]}))
        said = result(await ask(bot, "ask the other bot"))
    assert not said.is_error and said.content.startswith("The other bot says hi.")
