"""What Gradio records about each browser session, recorded only where something reads it.

Two records cost the server CPU on every answer beyond a bare Gradio app, for nothing any
user sees (docs/benchmarks.md, "Gradio under 100 users"):

- every new session's first event derives the config of every block of the page (54 of
  them, about 0.9 ms) into ``SessionState.config_values``, which only Gradio's deep-link
  snapshot (``/gradio_api/deep_link``) reads: :class:`LazyConfigs` derives a block's config
  when it is first read, from the same block, so a snapshot holds what it held before;
- a ``gr.skip()`` for a component output (the question box while an answer streams) makes
  Gradio build a new instance of the component from its constructor arguments and derive
  its config again, only to send ``{"__type__": "update"}``: :func:`skip_cheaply` sends
  that without the rebuild (the session keeps the component it had, with the same props).

And an answer had Gradio run each component input's ``preprocess`` (the question, the chat,
the conversation id) and each update's component outputs' ``postprocess`` (the chat and the
id, three updates an answer) on a worker thread, a trip there and back for each, and dump
each output twice: :func:`processed` runs the same pre- and postprocessing where the
handler runs, once, for events wired with ``preprocess=False, postprocess=False``.

The first two hook into Gradio's internals; where those are not what this expects (another Gradio
version), the hook leaves Gradio as it is. tests/unit/test_gradio_handlers_cost.py checks
that what they produce equals what Gradio does.
"""

from __future__ import annotations

import datetime
import functools
import types
from collections.abc import AsyncIterator, Callable, Iterator, MutableMapping, Sequence
from contextlib import aclosing
from typing import Any

from gradio.components import State
from gradio.data_classes import GradioModel, GradioRootModel
from gradio.state_holder import SessionState, StateHolder

SKIP: dict[str, Any] = {"__type__": "update"}  # gr.skip(): what Gradio sends for it


class _Pending:
    """A block whose config is not derived yet, and the value it is to show."""

    __slots__ = ("block", "value")

    def __init__(self, block: Any) -> None:
        self.block, self.value = block, _NO_VALUE


_NO_VALUE = object()


class LazyConfigs(MutableMapping[int, Any]):
    """A session's per-block configs, each derived on first read, in Gradio's order (the
    page's blocks, then blocks the session added). ``blocks``, the page's own, is read,
    not copied: it does not change while the page serves."""

    def __init__(self, derive: Callable[[int, list[int], Any], Any], blocks: dict[int, Any]
                 ) -> None:
        self._derive, self._blocks = derive, blocks
        self._data: dict[int, Any] = {}  # derived, set, or pending with a newer block/value

    def _entry(self, key: int) -> Any:
        if key in self._data:
            return self._data[key]
        if key in self._blocks:
            entry = self._data[key] = _Pending(self._blocks[key])
            return entry
        raise KeyError(key)

    def __getitem__(self, key: int) -> Any:
        value = self._entry(key)
        if isinstance(value, _Pending):
            pending, value = value, self._derive(key, [], value.block)
            if pending.value is not _NO_VALUE and "props" in value:
                value["props"]["value"] = pending.value
            self._data[key] = value
        return value

    def defer(self, key: int, block: Any) -> None:
        """``block``'s config, derived when first read (what Gradio derives now)."""
        self._data[key] = _Pending(block)

    def defer_value(self, key: int, value: Any) -> bool:
        """Note ``value`` as the value in a config not derived yet; False if it is."""
        pending = self._entry(key) if key in self else None
        if not isinstance(pending, _Pending):
            return False
        pending.value = value
        return True

    def __setitem__(self, key: int, value: Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: int) -> None:  # Gradio deletes none; kept exact all the same
        if key not in self:
            raise KeyError(key)
        self._data = {k: self._entry(k) for k in self if k != key}
        self._blocks = {}

    def __contains__(self, key: object) -> bool:
        return key in self._data or key in self._blocks

    def __iter__(self) -> Iterator[int]:
        yield from self._blocks
        yield from (k for k in self._data if k not in self._blocks)

    def __len__(self) -> int:
        return len(self._blocks) + sum(k not in self._blocks for k in self._data)


class _NoBlocks:
    """``blocks`` as ``SessionState.__init__`` reads it, less the blocks whose configs it
    would derive (it derives one for each block of ``blocks.blocks``)."""

    blocks: dict[int, Any] = {}

    def __init__(self, blocks: Any) -> None:
        self._blocks = blocks

    def __getattr__(self, name: str) -> Any:
        return getattr(self._blocks, name)


class LazySessionState(SessionState):
    """Gradio's ``SessionState`` whose ``config_values`` are :class:`LazyConfigs`: where
    Gradio derives a block's config (for every block at the start, for a State on each new
    value, for a block on each new value or props), this notes what to derive it from."""

    config_values: LazyConfigs  # type: ignore[assignment]

    def __init__(self, blocks: Any) -> None:
        super().__init__(_NoBlocks(blocks))  # type: ignore[arg-type]  # the rest as Gradio sets it
        self.config_values = LazyConfigs(self.blocks_config.config_for_block, blocks.blocks)

    def __setitem__(self, key: int, value: Any) -> None:
        """Gradio's, less deriving the config now (from the block that was there, as
        Gradio does)."""
        block = self.blocks_config.blocks.get(key)
        if isinstance(block, State):
            self._state_ttl[key] = (block.time_to_live, datetime.datetime.now())
            self.state_data[key] = value
        else:
            self.blocks_config.blocks[key] = value
        if block:
            self.config_values.defer(key, block)

    def _update_config(self, key: int) -> None:
        if (block := self[key]) is not None:
            self.config_values.defer(key, block)

    def _update_value_in_config(self, key: int, value: Any) -> None:
        if not self.config_values.defer_value(key, value):
            super()._update_value_in_config(key, value)


class LazyStateHolder(StateHolder):
    """Gradio's ``StateHolder`` making :class:`LazySessionState` for new sessions."""

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LazySessionState(self.blocks)
        return super().__getitem__(session_id)


def lazy_session_configs(demo: Any) -> bool:
    """Make the launched ``demo``'s new sessions derive block configs on first read; False
    where its session holder is not Gradio's own (left as it is)."""
    holder = getattr(demo, "state_holder", None)
    if type(holder) is not StateHolder or not _lazy_init_fits():
        return False
    holder.__class__ = LazyStateHolder
    return True


def _lazy_init_fits() -> bool:
    """Gradio's ``SessionState`` still does what :class:`LazySessionState` assumes: its
    ``__init__`` reads only ``default_config`` and ``blocks``, and the methods it replaces
    touch only what it does."""
    def names(fn: Any) -> set[str]:
        return set(fn.__code__.co_names)

    init = names(SessionState.__init__)
    setitem = names(SessionState.__setitem__)
    return ({"default_config", "blocks", "config_values"} <= init and "fns" not in init
            and setitem <= {"gradio.components", "State", "blocks_config", "blocks",
                            "get", "isinstance", "time_to_live", "datetime", "now",
                            "_state_ttl", "state_data", "config_values", "config_for_block"}
            and names(SessionState._update_config) <= {"config_values", "blocks_config",
                                                       "config_for_block"})


def skip_cheaply(demo: Any) -> bool:
    """Send a ``gr.skip()`` for a component output of ``demo``'s events without rebuilding
    the component; False where Gradio's postprocessing is not what this expects."""
    postprocess = getattr(type(demo), "postprocess_data", None)
    finished = _finished_marker()
    if postprocess is None or finished is None or "postprocess_data" in vars(demo):
        return False

    async def postprocess_data(self: Any, block_fn: Any, predictions: Any, state: Any
                               ) -> list[Any]:
        skipped = _skipped(block_fn, predictions)
        if not skipped:
            return list(await postprocess(self, block_fn, predictions, state))
        predictions = [finished if i in skipped else p for i, p in enumerate(predictions)]
        output = list(await postprocess(self, block_fn, predictions, state))
        for i in skipped:  # Gradio's own answer for a skip: an update of nothing
            output[i] = dict(SKIP)
        return output

    demo.postprocess_data = types.MethodType(postprocess_data, demo)
    return True


def _skipped(block_fn: Any, predictions: Any) -> set[int]:
    """Which of several outputs are a bare ``gr.skip()`` for a component that is not State
    (a State's skip costs Gradio nothing)."""
    outputs = block_fn.outputs
    if (not isinstance(predictions, list | tuple) or len(outputs) < 2
            or getattr(block_fn, "batch", False) or len(predictions) != len(outputs)):
        return set()
    return {i for i, (p, block) in enumerate(zip(predictions, outputs, strict=True))
            if type(p) is dict and p == SKIP and not block.stateful}


def _finished_marker() -> Any:
    """The prediction Gradio turns into a ``None`` output without touching the component."""
    from gradio import components

    keywords = getattr(components, "_Keywords", None)
    return getattr(keywords, "FINISHED_ITERATING", None)


def processed(fn: Callable[..., AsyncIterator[Any]], inputs: Sequence[Any],
              outputs: Sequence[Any]) -> Callable[..., AsyncIterator[Any]]:
    """``fn``, an async generator handler of an event with ``inputs`` and ``outputs``, doing
    Gradio's pre- and postprocessing itself, for an event wired with ``preprocess=False,
    postprocess=False``: each component input (not a State) validated into its data model
    and through its component's ``preprocess``; each update's component outputs (not a
    State, not an update such as ``gr.skip()``) through ``postprocess``, a Gradio model
    dumped. ``fn``'s component parameters come first (Gradio's ``gr.Request`` after them);
    Gradio reads its signature and type hints through the wrapper (less the return type,
    which the wrapper's updates do not have)."""
    takes = [None if block.stateful else block for block in inputs]
    gives = [None if block.stateful else block for block in outputs]

    @functools.wraps(fn)
    async def run(*args: Any, **kwargs: Any) -> AsyncIterator[tuple[Any, ...]]:
        given = [_preprocess(c, v) for c, v in zip(takes, args, strict=False)]
        async with aclosing(fn(*given, *args[len(given):], **kwargs)) as updates:  # type: ignore[type-var]
            async for update in updates:
                yield tuple(_postprocess(c, v) for c, v in zip(gives, update, strict=True))

    run.__annotations__ = {k: v for k, v in fn.__annotations__.items() if k != "return"}
    return run


def handled_event(fn: Callable[..., AsyncIterator[Any]], inputs: list[Any],
                  outputs: list[Any]) -> dict[str, Any]:
    """An event listener's ``fn``, ``inputs`` and ``outputs`` for ``fn`` doing its own pre-
    and postprocessing (:func:`processed`), with Gradio's turned off."""
    return {"fn": processed(fn, inputs, outputs), "inputs": inputs, "outputs": outputs,
            "preprocess": False, "postprocess": False}


def _preprocess(component: Any, value: Any) -> Any:
    """What Gradio's ``preprocess_data`` passes on, given what it passes on without
    preprocessing (the input, validated into the component's data model and dumped)."""
    if component is None:
        return value
    model = getattr(component, "data_model", None)
    if model is not None and value is not None:
        value = model.model_validate(value, context={"validate_meta": True})
    return component.preprocess(value)


def _postprocess(component: Any, value: Any) -> Any:
    if component is None or (isinstance(value, dict) and "update" in value.get("__type__", "")):
        return value
    value = component.postprocess(value)
    return value.model_dump() if isinstance(value, GradioModel | GradioRootModel) else value
