"""What each session and update costs Gradio: handlers whose type hints it reads cheaply,
component signatures pinned, State outputs sent only when they change, block configs
derived only when read, and a skipped output sent without rebuilding its component."""

from __future__ import annotations

import asyncio
import copy
import inspect
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("gradio")

import gradio as gr
from gradio.state_holder import SessionState, StateHolder

from bot.app import Bot
from config import load_settings
from presenters.gradio.bookkeeping import (
    LazySessionState,
    _lazy_init_fits,
    lazy_session_configs,
    postprocessed,
)
from presenters.gradio.handlers import Sent
from presenters.gradio.ui import build_app


def test_every_handler_has_its_type_hints_evaluated(tmp_path: Path) -> None:
    # Gradio reads them on every event; as strings they are compiled again each time
    demo = build_app(Bot.from_settings(load_settings(data_dir=tmp_path, tools=[])))
    handlers = [f.renderable.fn if f.renderable else f.fn for f in demo.fns.values()]
    unresolved = {getattr(fn, "__qualname__", str(fn)): name
                  for fn in handlers if fn is not None
                  for name, hint in getattr(fn, "__annotations__", {}).items()
                  if isinstance(hint, str)}
    assert not unresolved
    assert any(getattr(fn, "__name__", "") == "answer" for fn in handlers)


def test_every_block_class_has_its_true_signature_pinned(tmp_path: Path) -> None:
    # Gradio rebuilds it per block of every new session and per update otherwise
    demo = build_app(Bot.from_settings(load_settings(data_dir=tmp_path, tools=[])))
    classes = {type(block) for block in demo.blocks.values()}
    assert gr.Chatbot in classes and gr.Textbox in classes
    for cls in classes:
        init = cls.__init__
        assert "__signature__" in init.__dict__, cls
        assert init.__signature__ == inspect.signature(inspect.unwrap(init)), cls


def test_unchanged_states_are_skipped() -> None:
    sent = Sent([None])
    chat = [{"role": "user", "content": "hi"}]
    assert sent.update(chat, [None], None) == (chat, gr.skip(), gr.skip())
    assert sent.update(chat, [None, None], None) == (chat, [None, None], gr.skip())
    asking = {"id": "q1"}
    assert sent.update(chat, [None, None], asking) == (chat, gr.skip(), asking)
    assert sent.update(chat, [None, 7], None)[1:] == ([None, 7], None)


def test_sessions_derive_block_configs_only_when_read(tmp_path: Path) -> None:
    # Gradio derives all 54 blocks' configs at each new session's first event, for a
    # deep-link snapshot nobody takes; the lazy session derives the same ones when read
    demo = build_app(Bot.from_settings(load_settings(data_dir=tmp_path, tools=[])))
    assert _lazy_init_fits()
    gradio_session, lazy = SessionState(demo), LazySessionState(demo)
    assert set(vars(gradio_session)) == set(vars(lazy))
    assert not any(isinstance(v, dict) for v in lazy.config_values._data.values())
    assert list(lazy.components) == list(gradio_session.components)


def _answer_events(demo: gr.Blocks, session: SessionState, gradio: bool) -> list[Any]:
    """What one /chat answer sends: its inputs, then the three updates, through Gradio's own
    postprocessing (``gradio``) or the page's (its handler postprocessed, cheap skips)."""
    fn = next(f for f in demo.fns.values() if f.api_name == "chat")
    chat = [{"role": "user", "content": "hi"},
            {"role": "assistant", "content": "Hello.", "metadata": {"title": "🔧 x", "id": "1"}},
            {"role": "assistant", "content": "Hi.", "options": [{"value": "approve:1"}]}]
    updates = [("", chat[:1], "s" * 22, [None], None),
               (gr.skip(), chat[:2], "s" * 22, [None, None], gr.skip()),
               (gr.skip(), chat, "s" * 22, [None, 5, 5], gr.skip())]
    if gradio:
        fn = copy.copy(fn)
        fn.postprocess = True

    async def handler() -> AsyncIterator[tuple[Any, ...]]:
        for update in updates:
            yield update

    async def run() -> list[Any]:
        await demo.preprocess_data(fn, ["hi", [], None, None], session)
        if gradio:
            made = [list(u) for u in updates]
            return [await gr.Blocks.postprocess_data(demo, fn, u, session) for u in made]
        return [await demo.postprocess_data(fn, list(u), session)
                async for u in postprocessed(handler, fn.outputs)()]

    return asyncio.run(run())


def test_answers_send_what_gradio_sends_and_keep_the_same_session(tmp_path: Path) -> None:
    demo = build_app(Bot.from_settings(load_settings(data_dir=tmp_path, tools=[])))
    assert "postprocess_data" in vars(demo)  # skip_cheaply took
    chat_fns = [f for f in demo.fns.values() if f.api_name in ("chat", "retry")]
    assert len(chat_fns) == 2 and not any(f.postprocess for f in chat_fns)
    gradio_session, lazy = SessionState(demo), LazySessionState(demo)
    sent = _answer_events(demo, lazy, gradio=False)
    assert sent == _answer_events(demo, gradio_session, gradio=True)
    assert sent[1][0] == sent[2][0] == {"__type__": "update"}  # the box untouched
    assert sent[2][1][1]["metadata"]["title"] == "🔧 x"
    assert lazy.state_data == gradio_session.state_data
    box = next(f for f in demo.fns.values() if f.api_name == "chat").outputs[0]._id
    ours, theirs = dict(zip(lazy.config_values, lazy.components, strict=True)), {
        c["id"]: c for c in gradio_session.components}
    # the one difference: after a skip Gradio rebuilt the box without its value; the lazy
    # session keeps the value the box shows ("", as it was cleared)
    assert ours[box]["props"].pop("value") == ""
    assert ours == theirs


def test_a_launched_page_makes_lazy_sessions(tmp_path: Path) -> None:
    demo = build_app(Bot.from_settings(load_settings(data_dir=tmp_path, tools=[])))
    demo.state_holder = StateHolder()
    demo.state_holder.set_blocks(demo)
    assert lazy_session_configs(demo)
    assert isinstance(demo.state_holder["abc"], LazySessionState)
    assert not lazy_session_configs(demo)  # once
