"""What each session and update costs Gradio: handlers whose type hints it reads cheaply,
component signatures pinned, and State outputs sent only when they change."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

pytest.importorskip("gradio")

import gradio as gr

from bot.app import Bot
from config import load_settings
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
