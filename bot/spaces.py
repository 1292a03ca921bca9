"""Where a turn was asked, and the settings that apply there (``[spaces.NAME]``).

A presenter passes the space it answers in (``"slack:C0123"``, ``"gradio:alice"``,
``"api:support-bot"``, ``"terminal"``) with each turn; :class:`Spaces` finds the space that
lists it and gives the turn that space's knowledge-base collection, ``primary`` profile,
prompts and budget. Spaces in no ``[spaces]`` entry get the top-level settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.models import ModelPool
from bot.prompts import fill
from config import Settings
from config.budgets import Limits
from contracts.llm import LLM
from contracts.run_context import ModelsByRole, Prompts


@dataclass(frozen=True)
class Space:
    """The settings one turn runs under."""

    id: str | None  # what the presenter passed, e.g. "slack:C0123"
    name: str | None  # the [spaces.NAME] entry that lists it, if any
    settings: Settings  # the top level with the space's collection and primary applied
    prompts: dict[str, str] = field(default_factory=dict)
    budget: Limits = field(default_factory=Limits)
    primary: str | None = None  # the profile the space picks for the primary role

    @property
    def budget_scope(self) -> str | None:
        """Whose spending the space's caps count: members of a named space share one."""
        if self.name is not None:
            return f"space:{self.name}"
        # "place:" is the ledger's stored prefix for a space in no entry (kept for old rows)
        return f"place:{self.id}" if self.id else None

    @property
    def budget_setting(self) -> str:
        return f"spaces.{self.name}.budget" if self.name else "budgets.space"


class Spaces:
    """Resolves a space id to its :class:`Space`; the effective settings are built once each."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._owner = {m: name for name, s in settings.spaces.items() for m in s.members}
        self._named: dict[str, Space] = {}

    def resolve(self, space: str | None) -> Space:
        name = self._owner.get(space or "")
        if name is None:
            return Space(space, None, self.settings, budget=self.settings.budgets.space)
        if name not in self._named:
            self._named[name] = self._build(name)
        named = self._named[name]
        return Space(space, name, named.settings, named.prompts, named.budget, named.primary)

    def _build(self, name: str) -> Space:
        conf, s = self.settings.spaces[name], self.settings
        update: dict[str, object] = {}
        if conf.collection is not None:
            update["kb"] = s.kb.model_copy(update={"collection": conf.collection})
        if conf.primary is not None:
            update["roles"] = s.roles.model_copy(update={"primary": conf.primary})
        budget = conf.budget if conf.budget is not None else s.budgets.space
        return Space(None, name, s.model_copy(update=update), dict(conf.prompts), budget,
                     conf.primary)

    def models(self, space: Space, pool: ModelPool) -> ModelsByRole:
        """The turn's models: the pool, or a view of it with the space's primary profile."""
        return pool if space.primary is None else SpaceModels(pool, space.primary)

    def prompts(self, space: Space, library: Prompts) -> Prompts:
        """The turn's prompts: the library, with the space's own texts in front."""
        return SpacePrompts(library, space.prompts) if space.prompts else library


class SpaceModels:
    """The turn's models by role when its space picks another profile for ``primary``:
    ``primary`` and every role that follows it use that profile; the rest are unchanged."""

    def __init__(self, pool: ModelPool, primary: str) -> None:
        self.pool, self.primary = pool, primary

    def profile_name(self, role: str) -> str:
        return self.primary if self.pool.follows_primary(role) else self.pool.profile_name(role)

    def for_role(self, role: str) -> LLM:
        if self.pool.follows_primary(role):
            return self.pool.for_profile(self.primary)
        return self.pool.for_role(role)


class SpacePrompts:
    """The prompt library with a space's own texts in front."""

    def __init__(self, base: Prompts, overrides: dict[str, str]) -> None:
        self.base, self.overrides = base, overrides

    def text(self, name: str) -> str:
        return self.overrides[name].strip() if name in self.overrides else self.base.text(name)

    def render(self, prompt: str, /, **values: object) -> str:
        return fill(self.text(prompt), values)
