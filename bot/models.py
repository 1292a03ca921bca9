"""Which LLM does each job: roles -> profiles -> backend instances, built lazily."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from backends.resilient import Cooldowns
from bot.registry import BACKENDS, BUILTIN_FUNCTIONS, load
from config import Settings
from config.profiles import ProfileSettings
from config.sections import ROLES
from contracts.llm import LLM


def build_backend(name: str, profile: ProfileSettings) -> LLM:
    """One backend instance for a profile (imports its module only now)."""
    # A deployed embedded model runs once, as its own deployment that every replica calls.
    factory: Any = load(BACKENDS["deployment" if profile.deployment else profile.kind])
    if profile.deployment or profile.kind not in ("scripted", "function"):
        return factory.from_profile(name, profile)  # type: ignore[no-any-return]
    if profile.kind == "scripted":
        from backends.scripted import Reply

        replies = [Reply(text=r, delay_s=profile.latency_s) for r in profile.replies]
        double = factory(replies, default=replies[-1] if replies else None, profile=name)
    elif not profile.function:
        raise ValueError(f"profiles.{name}.function must name 'module:attr'")
    else:
        double = factory(load(BUILTIN_FUNCTIONS.get(profile.function, profile.function)),
                         profile=name)
    double.price_in, double.price_out = profile.price_in, profile.price_out  # costs in demos
    double.shapes = profile.fixed_shape != "none"
    return double  # type: ignore[no-any-return]


class ModelPool:
    """Lazily built backends, one per profile, shared by every session of a Bot."""

    def __init__(self, settings: Settings, overrides: dict[str, LLM] | None = None) -> None:
        self.settings = settings
        self._by_profile: dict[str, LLM] = {}
        self._bare: dict[str, LLM] = {}
        self.cooldowns = Cooldowns()
        self._by_role: dict[str, LLM] = dict(overrides or {})
        self._profile_for_role: dict[str, str] = {}

    def _leader(self, role: str) -> str:
        """The role whose model does ``role``'s job: itself, or primary when left unset."""
        unset = getattr(self.settings.roles, role, None) is None
        return "primary" if unset and role not in self._profile_for_role else role

    def follows_primary(self, role: str) -> bool:
        """Whether ``role`` is done by the primary role's model (``primary`` itself included);
        a role given its own model (``override``, ``llms=``) does its own job."""
        return role == "primary" or (role not in self._by_role and self._leader(role) == "primary")

    def profile_name(self, role: str) -> str:
        leader = self._leader(role)
        return self._profile_for_role.get(leader) or self.settings.roles.profile_for(leader)

    def use_profile(self, role: str, profile: str) -> None:
        """Route ``role`` (and roles that follow primary) to another profile.

        Raises KeyError naming the known profiles when ``profile`` is not configured
        (``/backend NAME`` in the terminal shows it).
        """
        if profile not in self.settings.profiles:
            known = ", ".join(sorted(self.settings.profiles))
            raise KeyError(f"no profile named {profile!r}; known: {known}")
        self._by_role.pop(role, None)
        self._profile_for_role[role] = profile

    def describe_roles(self) -> list[tuple[str, str, str, str]]:
        """(role, profile, kind, model) for each role, as routed now."""
        rows: list[tuple[str, str, str, str]] = []
        for role in ROLES:
            name = self.profile_name(role)
            profile = self.settings.profiles[name]
            rows.append((role, name, profile.kind, profile.model))
        return rows

    def for_role(self, role: str) -> LLM:
        for candidate in (role, self._leader(role)):
            if candidate in self._by_role:
                return self._by_role[candidate]
        return self.for_profile(self.profile_name(role))

    def for_profile(self, name: str) -> LLM:
        """The profile's backend; wrapped in retries and fallbacks when the profile asks."""
        if name not in self._by_profile:
            self._by_profile[name] = self._resilient(name)
        return self._by_profile[name]

    def backend(self, name: str) -> LLM:
        """The profile's bare backend, no retries: built once, shared by every chain."""
        if name not in self._bare:
            self._bare[name] = build_backend(name, self.settings.profile(name))
        return self._bare[name]

    def _resilient(self, name: str) -> LLM:
        from backends.resilient import Link, ResilientLLM

        profile = self.settings.profile(name)
        if profile.max_retries == 0 and not profile.fallbacks:
            return self.backend(name)
        chain = list(dict.fromkeys([name, *profile.fallbacks]))
        links = [Link(n, self.settings.profile(n), partial(self.backend, n)) for n in chain]
        return ResilientLLM(links, self.cooldowns)

    @contextmanager
    def override(self, role: str, llm: LLM) -> Iterator[LLM]:
        """Use ``llm`` for ``role`` inside the block (tests, like pydantic-ai's override)."""
        previous = self._by_role.get(role)
        self._by_role[role] = llm
        try:
            yield llm
        finally:
            if previous is None:
                self._by_role.pop(role, None)
            else:
                self._by_role[role] = previous

    async def aclose(self) -> None:
        built = [*self._bare.values(), *self._by_profile.values(), *self._by_role.values()]
        for llm in {id(x): x for x in built}.values():
            await llm.aclose()
