"""Agents and tools by the names configuration uses, as typed imports.

They are cheap to import (the knowledge base's heavy parts load on the first search), so a
reader, mypy and a walk of the imports can follow ``session.send -> agent.run -> tool.run``.
Heavy or optional parts (LLM backends, presenters) stay behind :mod:`bot.registry`'s strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import structlog

from agents.pipeline import PipelineAgent
from agents.tools_agent import ToolCallingAgent
from config import Settings
from contracts.agent import Agent
from contracts.tools import Tool
from tools.calculator import Calculator
from tools.clock import CurrentTime
from tools.judge_tool import CompareCandidates
from tools.mcp.hub import McpHub
from tools.search_knowledge import SearchKnowledge

log = structlog.get_logger("bot.app")

AGENTS: dict[str, Callable[[], Agent]] = {
    "tools": ToolCallingAgent,
    "pipeline": PipelineAgent,
}
# A factory returns None when the tool's optional parts are missing or switched off.
TOOLS: dict[str, Callable[[Settings], Tool | None]] = {
    "clock": lambda _: CurrentTime(),
    "calculator": lambda _: Calculator(),
    "search_knowledge": SearchKnowledge.from_settings,
    "compare": lambda _: CompareCandidates(),
}


def known(table: Mapping[str, object], name: str, what: str) -> None:
    if name not in table:
        raise KeyError(f"unknown {what} {name!r}; known: {', '.join(sorted(table))}")


def build_agent(settings: Settings) -> Agent:
    """The configured agent (``agent = "auto"`` picks by the primary model)."""
    name = settings.agent_name()
    known(AGENTS, name, "agent")
    return AGENTS[name]()


def build_tools(settings: Settings) -> dict[str, Tool]:
    """The configured tools; one whose optional parts are missing is left out, with a log line."""
    tools: dict[str, Tool] = {}
    for name in settings.tools:
        known(TOOLS, name, "tool")
        tool = TOOLS[name](settings)
        if tool is None:
            log.info("tool_unavailable", tool=name)
            continue
        tools[tool.name] = tool
    return tools


def start_mcp(settings: Settings, taken: set[str]) -> tuple[McpHub | None, dict[str, Tool]]:
    """Start the configured MCP servers; their tools, named clear of ``taken`` ones."""
    if not settings.mcp.servers:
        return None, {}
    hub = McpHub(settings.mcp, Path(settings.data_dir) / "mcp")
    tools = hub.start(taken)
    if settings.agent_name() != "tools":
        log.warning("mcp_tools_unused", agent=settings.agent_name(),
                    fix="MCP tools are offered by the tools agent only: set agent = \"tools\"")
    return hub, tools
