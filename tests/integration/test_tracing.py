"""Tracing: one span per turn, children per agent step, model call, tool call and retrieval,
exported through the SDK's in-memory exporter and over OTLP/HTTP to a loopback receiver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backends.scripted import FunctionLLM, Reply, ScriptedToolCall
from config import Settings
from config.sections import TracingSettings
from contracts.events import Error
from contracts.secrets import register_secret
from tests.fakes.team_usage import GRADIO, SLACK, ask, team_bot
from tests.kb.fixtures import kb_ready_fixture, search_tool_fixture  # noqa: F401

pytest.importorskip("opentelemetry.sdk")
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)

from bot.otel import OtelTracer
from tests.fakes.otlp_receiver import otlp_receiver

KEY = "sk-live-abcdef1234567890"


def traced(settings: Settings, include_text: bool = False) -> tuple[Any, InMemorySpanExporter]:
    cfg = TracingSettings(enabled=True, include_text=include_text)
    exporter = InMemorySpanExporter()
    settings = settings.model_copy(update={"tracing": cfg})
    return team_bot(settings, OtelTracer(cfg, exporter, batch=False)), exporter


def tree(spans: Any) -> list[str]:
    """Span names indented under their parents, in start order."""
    by_parent: dict[Any, list[Any]] = {}
    for s in sorted(spans, key=lambda s: s.start_time):
        by_parent.setdefault(s.parent.span_id if s.parent else None, []).append(s)

    def walk(parent: Any, depth: int) -> list[str]:
        out = []
        for s in by_parent.get(parent, []):
            out += ["  " * depth + s.name, *walk(s.context.span_id, depth + 1)]
        return out

    return walk(None, 0)


def strings(spans: Any) -> str:
    return " ".join(str(v) for s in spans for v in s.attributes.values())


async def test_one_span_per_turn_with_steps_model_calls_and_tool_calls(
    settings: Settings,
) -> None:
    bot, exporter = traced(settings)
    turn_id = await ask(bot, SLACK, "How do I connect Slack?", "ada")
    spans = exporter.get_finished_spans()
    assert tree(spans) == ["bot.turn", "  agent.step", "    chat team-model",
                           "    execute_tool handbook", "  agent.step", "    chat team-model"]
    assert len({s.context.trace_id for s in spans}) == 1
    root = next(s for s in spans if s.name == "bot.turn")
    assert root.attributes["bot.turn_id"] == turn_id and root.attributes["bot.presenter"] == "slack"
    assert root.attributes["gen_ai.usage.input_tokens"] > 0
    first, second = [s for s in spans if s.name.startswith("chat")]
    assert first.attributes["gen_ai.operation.name"] == "chat"
    assert first.attributes["gen_ai.request.model"] == "team-model"
    assert first.attributes["gen_ai.response.finish_reasons"] == ("tool_calls",)
    assert second.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert second.attributes["gen_ai.usage.output_tokens"] > 0
    assert first.attributes["bot.role"] == "primary" and first.attributes["bot.tools_offered"] == 3
    tool = next(s for s in spans if s.name.startswith("execute_tool"))
    assert tool.attributes["gen_ai.tool.name"] == "handbook"
    assert tool.attributes["gen_ai.operation.name"] == "execute_tool"
    await bot.aclose()


async def test_a_failed_turn_carries_the_error_id_the_user_sees(settings: Settings) -> None:
    bot, exporter = traced(settings)
    errors = [e async for e in bot.session(GRADIO).send("error please", user="bob")
              if isinstance(e, Error)]
    root = next(s for s in exporter.get_finished_spans() if s.name == "bot.turn")
    assert f"(error id: {root.attributes['bot.error_id']})" in errors[0].message
    assert root.status.status_code.name == "ERROR"
    chat = next(s for s in exporter.get_finished_spans() if s.name.startswith("chat"))
    assert chat.attributes["error.type"] == "LLMServerError"
    await bot.aclose()


async def test_message_text_and_secrets_never_reach_a_span(settings: Settings) -> None:
    register_secret(KEY)
    bot, exporter = traced(settings)
    await ask(bot, GRADIO, f"hello, my key is {KEY}", "bob")
    seen = strings(exporter.get_finished_spans())
    assert "hello" not in seen and "You said" not in seen and KEY not in seen
    await bot.aclose()


async def test_text_goes_in_only_when_asked_and_then_without_secrets(settings: Settings) -> None:
    register_secret(KEY)
    bot, exporter = traced(settings, include_text=True)
    await ask(bot, GRADIO, f"hello, my key is {KEY}", "bob")
    root = next(s for s in exporter.get_finished_spans() if s.name == "bot.turn")
    assert root.attributes["bot.question"] == "hello, my key is ***"
    assert root.attributes["bot.answer"] == "You said: hello, my key is ***"
    assert KEY not in strings(exporter.get_finished_spans())
    await bot.aclose()


async def test_a_knowledge_base_search_is_a_retrieval_span(
    search_tool: Any, settings: Settings
) -> None:
    def model(request: Any) -> Reply:
        if request.messages[-1].role == "tool":
            return Reply(text="25 days [1].")
        return Reply(tool_calls=[ScriptedToolCall(name="search_knowledge",
                                                  arguments={"query": "paid leave"})])

    cfg = TracingSettings(enabled=True)
    exporter = InMemorySpanExporter()
    from bot.app import Bot

    bot = Bot.from_settings(settings.model_copy(update={"tracing": cfg}),
                            llms={"primary": FunctionLLM(model, model="kb-model")},
                            tools={"search_knowledge": search_tool},
                            tracer=OtelTracer(cfg, exporter, batch=False))
    await ask(bot, "stdio:kb", "How much paid leave do I get?", "ada")
    spans = exporter.get_finished_spans()
    assert "      retrieval" in tree(spans)
    retrieval = next(s for s in spans if s.name == "retrieval")
    assert retrieval.attributes["bot.kb.passages"] > 0
    assert 0 < retrieval.attributes["bot.kb.top_score"] <= 1
    assert "paid leave" not in strings(spans)
    await bot.aclose()


async def test_spans_reach_a_real_otlp_http_receiver(settings: Settings) -> None:
    with otlp_receiver() as (url, received):
        cfg = TracingSettings(enabled=True, endpoint=url, service_name="team-bot")
        bot = team_bot(settings.model_copy(update={"tracing": cfg}))  # builds the OTLP exporter
        turn_id = await ask(bot, SLACK, "How do I connect Slack?", "ada")
        await bot.aclose()  # shutdown flushes the batch
    assert set(received.paths) == {"/v1/traces"} and received.services == {"team-bot"}
    names = sorted(s["name"] for s in received.spans)
    assert names == ["agent.step", "agent.step", "bot.turn", "chat team-model",
                     "chat team-model", "execute_tool handbook"]
    ids = {s["id"] for s in received.spans}
    root = next(s for s in received.spans if s["name"] == "bot.turn")
    assert root["parent"] is None and root["attributes"]["bot.turn_id"] == turn_id
    assert all(s["parent"] in ids for s in received.spans if s is not root)
    assert not any(b"connect Slack" in body for body in received.bodies)


def test_a_bot_with_tracing_off_imports_no_opentelemetry() -> None:
    code = (
        "import asyncio, sys\n"
        "from config import load_settings\n"
        "from tests.conftest import scripted_bot\n"
        "import tempfile\n"
        "bot = scripted_bot(load_settings(data_dir=tempfile.mkdtemp(), tools=[], "
        "agent='tools'), 'hi')\n"
        "async def main():\n"
        "    async for _ in bot.session('stdio:x').send('hello'):\n"
        "        pass\n"
        "    await bot.aclose()\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    # The suite runs each test in a tmp dir; the child imports tests/ from the repo.
    repo = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo
    )
    assert run.stdout.strip().splitlines()[-1] == "[]"
