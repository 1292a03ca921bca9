"""The composition root: builds the agent graph from Settings, once per process."""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import Any

import structlog

from bot.approvals import ApprovalDesk
from bot.budgets import BudgetGate
from bot.catalog import build_agent, build_tools, start_mcp
from bot.direct_tools import run_outside_turn
from bot.exactly_once import EventClaims
from bot.keyed_locks import KeyedLocks
from bot.logging import ensure_logging
from bot.models import ModelPool
from bot.prompts import PromptLibrary
from bot.session import Session
from bot.spaces import Spaces
from bot.turn import TurnRunner
from config import Settings
from config.sections import TracingSettings
from contracts.access import Directory, Principal
from contracts.agent import Agent
from contracts.elicitation import Elicitor
from contracts.llm import LLM
from contracts.run_context import ToolRunContext
from contracts.store import Store
from contracts.tools import Tool, ToolOutput
from contracts.tracing import NO_TRACER, Tracer
from contracts.usage_report import StatsGroup, UsageReport
from stores import open_store
from tools.mcp.hub import McpHub

log = structlog.get_logger("bot.app")


def build_tracer(settings: TracingSettings) -> Tracer:
    if not settings.enabled:
        return NO_TRACER
    from bot.otel import OtelTracer

    return OtelTracer(settings)


class Bot:
    """Shared by every session of a process. Construction does no I/O.

    ``Bot.from_settings(settings)`` then ``bot.session(key)``; tests pass ``llms`` to put
    scripted models in given roles (or use ``bot.models.override(role, llm)``), and ``tools``
    to offer their own tools. The parts are built on first use.
    """

    def __init__(
        self, settings: Settings, *, models: ModelPool, store: Store | None = None,
        tools: dict[str, Tool] | None = None, agent: Agent | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self.settings = settings
        self.models = models
        self._tracer = tracer
        self._store = store
        self._tools = tools
        self._agent = agent
        self.locks = KeyedLocks()  # one answer in flight per session key
        self.approvals = ApprovalDesk()  # tool calls waiting for a person, by request id
        self._mcp: McpHub | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, *, llms: dict[str, LLM] | None = None, store: Store | None = None,
        tools: dict[str, Tool] | None = None, tracer: Tracer | None = None,
    ) -> Bot:
        ensure_logging(settings.log.level, settings.log.format)
        return cls(settings, models=ModelPool(settings, llms), store=store, tools=tools,
                   tracer=tracer)

    @property
    def tracer(self) -> Tracer:
        """OpenTelemetry when ``tracing.enabled`` (imported only then), else no tracing."""
        if self._tracer is None:
            self._tracer = build_tracer(self.settings.tracing)
        return self._tracer

    @cached_property
    def prompts(self) -> PromptLibrary:
        s = self.settings
        return PromptLibrary(s.environment, s.prompts_dir, s.prompts_hot_reload)

    @property
    def store(self) -> Store:
        if self._store is None:
            url = self.settings.store.url
            secret = url.get_secret_value() if url else None
            self._store = open_store(secret, self.settings.data_dir)
        return self._store

    @cached_property
    def turns(self) -> TurnRunner:
        """What answering needs: built on the first session, shared by all."""
        if self._tools is None:
            self._tools = build_tools(self.settings)
        if self._agent is None:
            self._agent = build_agent(self.settings)
        self._mcp, mcp_tools = start_mcp(self.settings, set(self._tools))
        return TurnRunner(settings=self.settings, store=self.store, models=self.models,
                          agent=self._agent, tools={**self._tools, **mcp_tools},
                          prompts=self.prompts, spaces=Spaces(self.settings),
                          budgets=BudgetGate(self.settings, self.store), tracer=self.tracer)

    def start(self) -> None:
        """Open now what the first turn would: the store, tools, MCP servers (discovered
        here, so a server's start-up is not paid by the first user)."""
        _ = self.turns

    @property
    def tools(self) -> dict[str, Tool]:
        """The tools a turn may use, MCP servers' included (built on first use)."""
        return self.turns.tools

    def use_directory(self, surface: str, directory: Directory) -> None:
        """Let ``surface``'s people (Slack: e-mail and user groups) decide who asks there
        (docs/access.md)."""
        self.turns.principals.directories[surface] = directory

    async def run_tool(self, name: str, arguments: dict[str, Any],
                       space: str | None = None, user: str | None = None) -> ToolOutput:
        """Run one configured tool outside any turn (``bot serve mcp``'s search_knowledge),
        under the settings of ``space`` (its collection) and the access of ``user`` there;
        see :func:`bot.direct_tools.run_outside_turn`."""
        settings = self.turns.spaces.resolve(space).settings
        principal = self.turns.principals.for_turn(name, user, space)
        ctx = ToolRunContext(models=self.models, settings=settings, prompts=self.prompts,
                             log=log.bind(tool=name), principal=principal)
        return await run_outside_turn(self.tools[name], arguments, ctx)

    @cached_property
    def claims(self) -> EventClaims:
        """Exactly-once handling of platform events (Slack retries), recorded in the store."""
        return EventClaims(self.store, self.settings.store.event_lease_s)

    def usage_report(self, since: float | None, by: StatsGroup | None = None,
                     viewer: Principal | None = None) -> UsageReport:
        """Usage figures for answers since ``since`` (epoch s; None: all), the cited sources
        only those ``viewer`` may read now (None: the operator, every one). Reads the store
        and the knowledge base: blocking, so async callers run it in a thread."""
        from bot.report_viewer import ReportViewer
        from stores.analytics import usage_report

        visible = None if viewer is None else ReportViewer(self.settings, viewer).source
        return usage_report(self.store, since, by, visible=visible)  # type: ignore[arg-type]

    def sources_status(self) -> list[str]:
        """Each source's last sync, changes, errors with the fix, and next run (what
        ``bot sources status`` prints). Reads the store: blocking."""
        from sources.status import status_lines

        return status_lines(self.settings, self.store)

    def session(self, key: str, *, headless: bool = False,
                elicitor: Elicitor | None = None) -> Session:
        """The conversation for ``key`` ("stdio:<id>", "gradio:<id>", "slack:<team>:<ch>:<ts>").

        ``headless``: no person watches it (an API client, an MCP client, piped input), so
        tool calls that need approval get ``approvals.default`` without asking.
        ``elicitor``: how the presenter asks its person for input an MCP server elicits mid-call
        (none, or headless: every elicitation is declined).
        """
        return Session(key, store=self.store, turns=self.turns, locks=self.locks,
                       max_chars=self.settings.input.max_chars, desk=self.approvals,
                       headless=headless, elicitor=elicitor)

    async def aclose(self) -> None:
        if self._mcp is not None:
            await asyncio.to_thread(self._mcp.close)
            self._mcp = None
        await self.models.aclose()
        if self._tracer is not None:
            self._tracer.shutdown()  # exports the spans still queued
        if self._store is not None:
            self._store.close()


__all__ = ["Bot"]
