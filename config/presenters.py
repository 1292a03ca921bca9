"""The one table of presenters: every other list of them is derived from it.

The settings' ``presenter`` choices, ``bot serve``'s choices and aliases, and the Ray Serve
deployment plan read :data:`PRESENTERS`. The code behind a name is found by one rule, not by
strings here (``config`` imports nothing above it): package ``presenters.<name>`` exposes
``start(bot) -> int`` and, for a presenter that runs as Ray Serve replicas,
``asgi_app(settings)`` building its ASGI app (names no submodule may take, or importing
that submodule would replace the function on the package).
tests/unit/test_presenter_table.py checks both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Replicas:
    """How Ray Serve runs a presenter: its application's name and HTTP route prefix."""

    app: str
    route_prefix: str


@dataclass(frozen=True)
class Presenter:
    """One presenter: its name, old names that still work, the settings section whose
    ``host``/``port`` ``bot serve --host/--port`` override, and its Ray Serve shape."""

    name: str
    section: str | None = None
    aliases: tuple[str, ...] = ()
    replicas: Replicas | None = None


PRESENTERS: tuple[Presenter, ...] = (
    Presenter("terminal", aliases=("stdio",)),
    Presenter("gradio", section="gradio"),
    Presenter("slack", section="slack", replicas=Replicas("bot-slack", "/slack")),
    Presenter("api", section="api", replicas=Replicas("bot-api", "/")),
    Presenter("mcp", section="mcp.serve"),
)
BY_NAME = {p.name: p for p in PRESENTERS}
NAMES = tuple(BY_NAME)


def canonical(name: str) -> str:
    """The presenter's name for ``name`` or one of its aliases; ValueError names the choices."""
    for p in PRESENTERS:
        if name == p.name or name in p.aliases:
            return p.name
    quoted = [repr(n) for n in NAMES]
    raise ValueError(f"unknown presenter {name!r}. Fix: use {', '.join(quoted[:-1])} or "
                     f"{quoted[-1]}")


def with_replicas() -> tuple[str, ...]:
    """The presenters that can run as Ray Serve replicas."""
    return tuple(p.name for p in PRESENTERS if p.replicas is not None)
