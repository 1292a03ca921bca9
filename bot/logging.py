"""structlog setup: readable console on a TTY, JSON lines otherwise; secrets redacted."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import structlog

from bot.log_privacy import hide_access_keys
from contracts.secrets import redact


def _redact_processor(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> Any:
    for key, value in list(event_dict.items()):
        if isinstance(value, str):
            event_dict[key] = redact(value)
    return event_dict


def _redact_rendered(_: Any, __: str, rendered: Any) -> Any:
    """The last step: the whole rendered line, nested values and tracebacks included."""
    return redact(rendered) if isinstance(rendered, str) else rendered


class _RedactingFormatter(logging.Formatter):
    """For records from libraries that log through stdlib (slack_bolt, uvicorn, asyncio)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_LEVELS = {"debug": 10, "info": 20, "msg": 20, "warning": 30, "warn": 30, "error": 40,
           "exception": 40, "critical": 50, "fatal": 50}


class _LevelFilter:
    """Drops events below the configured level."""

    def __init__(self, level: int) -> None:
        self.level = level

    def __call__(self, _: Any, method: str, event_dict: MutableMapping[str, Any]) -> Any:
        if _LEVELS.get(method, logging.INFO) < self.level:
            raise structlog.DropEvent
        return event_dict


class _CurrentStderr:
    """Whatever ``sys.stderr`` is at write time (test runners swap it between tests)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


def ensure_logging(level: str = "warning", fmt: str = "auto") -> None:
    """Configure logging unless the application already did (structlog's default prints
    every level to stdout, which would mix log lines into a presenter's output)."""
    if not structlog.is_configured():
        configure_logging(level, fmt)


def configure_logging(level: str = "warning", fmt: str = "auto", file: Path | None = None) -> None:
    """Route structlog (and stdlib logging) to stderr or ``file``, redacting secrets."""
    stream: Any = open(file, "a", encoding="utf-8") if file else _CurrentStderr()  # noqa: SIM115
    use_console = fmt == "console" or (fmt == "auto" and stream.isatty())
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=stream.isatty()) if use_console
        else structlog.processors.JSONRenderer()
    )
    numeric = getattr(logging, level.upper(), logging.WARNING)
    structlog.configure(
        processors=[
            _LevelFilter(numeric),
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            _redact_processor,
            hide_access_keys,
            *([] if use_console else [structlog.processors.format_exc_info]),
            renderer,
            _redact_rendered,
        ],
        # Filtering happens in _LevelFilter, a processor, so that structlog's capture_logs
        # (which swaps the processors) still sees every level in tests.
        wrapper_class=structlog.make_filtering_bound_logger(logging.NOTSET),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=max(numeric, logging.WARNING), stream=stream, force=True)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_RedactingFormatter(logging.BASIC_FORMAT))
