"""What Gradio reads about our page over and over, made cheap to read.

Two readings cost the server most of its CPU per answer beyond a bare Gradio app, because
Gradio repeats them for every event, session or update (docs/benchmarks.md, "Gradio under
100 users"):

- a handler's type hints, read on every event (``typing.get_type_hints``, to find a
  ``gr.Request`` or ``gr.LikeData`` parameter). Our modules postpone annotations, so each
  read compiled and evaluated every annotation string again: :func:`resolved`.
- each component class's constructor signature (``inspect.signature``), read once per block
  of the page for every new browser session, and again for each State or ``gr.skip()``
  output of every update: :func:`pin_signatures`.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def resolved(fn: F) -> F:
    """``fn`` with its annotations evaluated now, once, instead of on every event.

    A bound method's function is resolved (shared by every instance; evaluating is
    idempotent). Use it on each handler given to Gradio."""
    target = getattr(fn, "__func__", fn)
    target.__annotations__ = typing.get_type_hints(target)
    return fn


def pin_signatures(blocks: Any) -> None:
    """Give each block class of ``blocks`` (a ``gr.Blocks``) its constructor's signature as
    ``__signature__``, which ``inspect.signature`` returns without rebuilding it (about
    45 µs a call for a Textbox, ~0.8 µs pinned). A class's constructor does not change
    while the process runs, so what Gradio derives from it stays the same."""
    classes = {cls for block in blocks.blocks.values() for cls in type(block).__mro__}
    for cls in classes:
        init = cls.__dict__.get("__init__")
        if inspect.isfunction(init) and "__signature__" not in init.__dict__:
            pin(init)


def pin(init: Callable[..., Any]) -> None:
    """Pin ``init`` and the function it wraps (Gradio wraps component constructors), which
    both report the wrapped function's signature."""
    signature = inspect.signature(init)
    for fn in (init, getattr(init, "__wrapped__", None)):
        if inspect.isfunction(fn):
            fn.__signature__ = signature  # type: ignore[attr-defined]
