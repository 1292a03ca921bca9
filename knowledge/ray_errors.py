"""Ray failures shown as what they are: a worker's knowledge-base error, not Ray's wrapper.

Ray re-raises an exception from a task or actor as a class deriving from both its own
``RayTaskError`` and the original class, with the remote traceback in the message; Ray Data
may wrap it once more. The user should read the original one-line message instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from knowledge import errors
from knowledge.errors import KBError

REMOTE_KB_ERROR = re.compile(r"^knowledge\.errors\.(\w+): (.+)$", re.M)


class RayIngestFailed(KBError):
    """A Ray task or actor failed for a reason that is not a knowledge-base error."""


@contextmanager
def unwrap_ray_error() -> Iterator[None]:
    """Show a failure inside a Ray worker as the error it was (a missing model, a text too
    long), not wrapped in Ray's remote traceback."""
    try:
        yield
    except Exception as exc:
        from ray.exceptions import RayError

        if not _mentions_ray(exc, RayError):
            raise
        original = _original_kb_error(exc)
        if original is not None:
            raise original from None
        last_line = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        raise RayIngestFailed(
            f"a Ray worker failed: {last_line[:300]}. Fix: see the Ray logs "
            "(/tmp/ray/session_latest/logs), or ingest without --ray"
        ) from exc


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__


def _original_kb_error(exc: BaseException) -> KBError | None:
    """The innermost knowledge-base error raised in a worker, rebuilt without Ray's wrapper.

    An actor that fails in its constructor reaches the driver only as ``ActorDiedError``
    whose message holds the remote traceback: the error is read back from its last line."""
    found = [e for e in _chain(exc) if isinstance(e, KBError)]
    if found:  # the last one is the worker's own exception (Ray keeps it as ``cause``)
        return found[-1]
    for error in _chain(exc):
        lines = REMOTE_KB_ERROR.findall(str(error))
        cls = getattr(errors, lines[-1][0], None) if lines else None
        if isinstance(cls, type) and issubclass(cls, KBError):
            return cls(lines[-1][1].strip())
    return None


def _mentions_ray(exc: BaseException, ray_error: type[BaseException]) -> bool:
    """Whether Ray raised (or wrapped) ``exc``; other errors are the driver's own and pass."""
    return any(
        isinstance(e, ray_error) or type(e).__module__.startswith("ray.") for e in _chain(exc)
    )
