"""The composition root: builds the agent graph from Settings, once per process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from typing import Any

import structlog

from bot.contracts.agent import Agent
from bot.contracts.llm import LLM
from bot.contracts.store import Store
from bot.contracts.tools import Tool
from bot.logging import ensure_logging
from bot.models import ModelPool
from bot.prompts import PromptLibrary
from bot.registry import AGENTS, TOOLS, lookup
from bot.session import Session
from bot.store import open_store
from config import Settings
from config.sections import ROLES

log = structlog.get_logger("bot.app")


def build_tools(settings: Settings) -> dict[str, Tool]:
    """The configured tools; one whose optional parts are missing is left out, with a log line."""
    tools: dict[str, Tool] = {}
    for name in settings.tools:
        factory: Any = lookup(TOOLS, name, "tool")
        tool = factory.from_settings(settings) if hasattr(factory, "from_settings") else factory()
        if tool is None:
            log.info("tool_unavailable", tool=name)
            continue
        tools[tool.name] = tool
    return tools


class Bot:
    """Shared by every session of a process. Construction does no I/O.

    ``Bot.from_settings(settings)`` then ``bot.session(key)``; tests pass ``llms`` to
    put scripted models in given roles, or use ``bot.models.override(role, llm)``.
    """

    def __init__(
        self, settings: Settings, *, models: ModelPool, store: Store | None = None,
        tools: dict[str, Tool] | None = None, agent: Agent | None = None,
    ) -> None:
        self.settings = settings
        self.models = models
        self._store = store
        self._tools = tools
        self._agent = agent
        self._locks: dict[str, asyncio.Lock] = {}

    @classmethod
    def from_settings(
        cls, settings: Settings, *, llms: dict[str, LLM] | None = None, store: Store | None = None,
        tools: dict[str, Tool] | None = None,
    ) -> Bot:
        ensure_logging(settings.log.level, settings.log.format)
        return cls(settings, models=ModelPool(settings, llms), store=store, tools=tools)

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

    @property
    def tools(self) -> dict[str, Tool]:
        if self._tools is None:
            self._tools = build_tools(self.settings)
        return self._tools

    @property
    def agent(self) -> Agent:
        if self._agent is None:
            self._agent = lookup(AGENTS, self.settings.agent_name(), "agent")()
        return self._agent

    def session(self, key: str) -> Session:
        """The conversation for ``key`` ("stdio:<id>", "gradio:<id>", "slack:<team>:<ch>:<ts>")."""
        return Session(self, key)

    @asynccontextmanager
    async def turn_lock(self, key: str) -> AsyncIterator[None]:
        """One answer in flight per session key; others queue behind it in order."""
        async with self._locks.setdefault(key, asyncio.Lock()):
            yield

    def switch_profile(self, role: str, profile: str) -> None:
        """Answer ``role`` with another configured profile from now on (``/backend NAME``)."""
        if profile not in self.settings.profiles:
            known = ", ".join(sorted(self.settings.profiles))
            raise KeyError(f"no profile named {profile!r}; known: {known}")
        self.models.use_profile(role, profile)

    def describe_roles(self) -> list[tuple[str, str, str, str]]:
        """(role, profile, kind, model) for each role, as configured now."""
        rows: list[tuple[str, str, str, str]] = []
        for role in ROLES:
            name = self.models.profile_name(role)
            profile = self.settings.profiles[name]
            rows.append((role, name, profile.kind, profile.model))
        return rows

    @asynccontextmanager
    async def claim_event(self, event_id: str) -> AsyncIterator[bool]:
        """Exactly once per platform event id (e.g. Slack's ``event_id``), across retries.

        Yields True for the delivery that claimed it, False when it is done or in flight
        (possibly in another process). The claim is finished when the block ends and
        released when it raises, so a later retry may run it.
        """
        claimed = await asyncio.to_thread(self.store.claim_event, event_id)
        if not claimed:
            yield False
            return
        try:
            yield True
        except BaseException:
            self.store.release_event(event_id)  # synchronous: we may be cancelled
            raise
        await asyncio.to_thread(self.store.finish_event, event_id)

    async def aclose(self) -> None:
        await self.models.aclose()
        if self._store is not None:
            self._store.close()


__all__ = ["Bot", "build_tools"]
