"""Which connector class serves each ``kind``, and building one from its settings.

Connectors are imported only when a source of their kind is built, so a service SDK that
is not installed (or a connector not shipped yet) fails only for the sources that use it,
with a message that says so.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sources.model import Connector, SourceError

if TYPE_CHECKING:
    from config.sources import SourceSettings

KINDS: dict[str, str] = {
    "folder": "sources.folder:FolderConnector",
    "web": "sources.web:WebConnector",
    "github": "sources.github:GitHubConnector",
    "confluence": "sources.confluence:ConfluenceConnector",
    "notion": "sources.notion:NotionConnector",
    "gdrive": "sources.gdrive:DriveConnector",
    "slack": "sources.slack_threads:SlackThreadsConnector",
}


class SourceConfigError(SourceError):
    """A source's settings are wrong; the message names ``sources.NAME.<field>`` and the fix."""


def connector_class(name: str, kind: str) -> type[Any]:
    """The class for ``kind``, imported now (a clear error when it is unknown or missing)."""
    target = KINDS.get(kind)
    if target is None:
        raise SourceConfigError(f"sources.{name}.kind = {kind!r} is not a kind of source. "
                                f"Fix: use one of {', '.join(sorted(KINDS))}")
    module_name, attr = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise SourceConfigError(
            f"sources.{name}: the {kind} connector cannot be loaded ({exc}). "
            f"Fix: pip install 'bot[sources]' (and the {kind} client library), "
            "or disable the source with enabled = false") from exc
    return getattr(module, attr)  # type: ignore[no-any-return]


def options_for(name: str, source: SourceSettings, cls: type[Any]) -> Any:
    """The kind's ``Options`` validated; errors name ``sources.NAME.<field>`` and the fix."""
    try:
        return cls.Options.model_validate(source.options())
    except ValidationError as exc:
        raise SourceConfigError(describe(name, exc)) from None


def describe(name: str, exc: ValidationError) -> str:
    """One line per wrong field: where it is in bot.toml and what pydantic said."""
    lines = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"])
        fix = "remove it" if error["type"] == "extra_forbidden" else "correct it in bot.toml"
        lines.append(f"sources.{name}.{field}: {error['msg']}. Fix: {fix}")
    return "\n".join(lines)


def build_connector(name: str, source: SourceSettings) -> Connector:
    """The connector for ``[sources.NAME]``, its options validated (no I/O)."""
    cls = connector_class(name, source.kind)
    options = options_for(name, source, cls)
    return cls(name, options)  # type: ignore[no-any-return]


def check_sources(sources: dict[str, SourceSettings]) -> list[str]:
    """Every problem of every enabled source's settings (for ``bot config check``)."""
    problems = []
    for name, source in sources.items():
        if not source.enabled:
            continue
        try:
            options_for(name, source, connector_class(name, source.kind))
        except SourceConfigError as exc:
            problems.append(str(exc))
    return problems
