"""Ray failures shown as what they are: a worker's knowledge-base error, not Ray's wrapper.

Ray re-raises an exception from a task or actor as a class deriving from both its own
``RayTaskError`` and the original class, with the remote traceback in the message; Ray Data
may wrap it once more. The user should read the original one-line message instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tools.kb.errors import KBError


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

        original = _original_kb_error(exc)
        if original is not None and original is not exc:
            raise original from None
        if original is None and _mentions_ray(exc, RayError):
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
            raise RayIngestFailed(
                f"a Ray worker failed: {first_line[:300]}. Fix: see the Ray logs "
                "(/tmp/ray/session_latest/logs), or ingest without --ray"
            ) from exc
        raise


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__
        current = current or None


def _original_kb_error(exc: BaseException) -> KBError | None:
    """The innermost knowledge-base error raised in a worker, rebuilt without Ray's wrapper."""
    found = [e for e in _chain(exc) if isinstance(e, KBError)]
    if not found:
        return None
    return _plain(found[-1])


def _plain(error: KBError) -> KBError:
    """Ray re-raises a remote error as a subclass of both RayTaskError and the original
    class; the original class (from ``tools.kb``) with the original message is what we show."""
    for cls in type(error).__mro__:
        if issubclass(cls, KBError) and cls.__module__.startswith("tools.kb"):
            return error if cls is type(error) else cls(*error.args)
    return error


def _mentions_ray(exc: BaseException, ray_error: type[BaseException]) -> bool:
    return any(isinstance(e, ray_error) or "ray" in type(e).__module__ for e in _chain(exc))
