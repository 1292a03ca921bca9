"""Turning any exception into an :class:`contracts.events.Error` a user may safely read."""

from __future__ import annotations

import secrets

import structlog

from contracts.events import Done, Error, Event
from contracts.llm_errors import LLMError, LLMNotConfigured


def new_error_id() -> str:
    return secrets.token_hex(4)


def user_error(exc: BaseException, error_id: str) -> Error:
    """A polite message naming the error id; never a traceback or an upstream body."""
    if isinstance(exc, TimeoutError):
        what, retryable = "The answer took too long and was stopped.", True
    elif isinstance(exc, LLMNotConfigured) and exc.detail:
        # names the setting to fix (never its value): the one thing the reader must know
        what, retryable = f"{exc.user_message} {exc.detail}.", False
    elif isinstance(exc, LLMError):
        what, retryable = exc.user_message, exc.retryable
    else:
        what, retryable = "Something went wrong on our side.", False
    return Error.apology(what, error_id, retryable)


def could_not_start(what: str, key: str, exc: Exception) -> list[Event]:
    """A turn that could not start (the store is down): logged as ``what`` with an error id,
    shown politely, no model asked."""
    error = user_error(exc, new_error_id())
    structlog.get_logger("bot.session").error(
        what, session=key, error_id=error.error_id, error_type=type(exc).__name__,
        error=str(exc)[:500])
    return [error, Done(turn_id=None, text="", interrupted=False)]
