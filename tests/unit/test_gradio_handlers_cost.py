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
    LazyConfigs,
    LazySessionState,
    _lazy_init_fits,
    lazy_session_configs,
    processed,
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
    assert not lazy.config_values._data  # nothing derived yet
    assert list(lazy.components) == list(gradio_session.components)


CHAT = [{"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello.", "metadata": {"title": "🔧 x", "id": "1"}},
        {"role": "assistant", "content": "Hi.", "options": [{"value": "approve:1"}]}]


def _answer_events(demo: gr.Blocks, session: SessionState, gradio: bool,
                   shown: list[Any]) -> tuple[list[Any], list[Any]]:
    """What one /chat answer after ``shown`` gets and sends: the handler's arguments and
    the three updates, through Gradio's own pre- and postprocessing (``gradio``) or the
    page's (its handler doing them, cheap skips)."""
    fn = next(f for f in demo.fns.values() if f.api_name == "chat")
    updates = [("", CHAT[:1], "s" * 22, [None], None),
               (gr.skip(), CHAT[:2], "s" * 22, [None, None], gr.skip()),
               (gr.skip(), CHAT, "s" * 22, [None, 5, 5], gr.skip())]
    received: list[Any] = []
    if gradio:
        fn = copy.copy(fn)
        fn.preprocess = fn.postprocess = True

    async def handler(*args: Any) -> AsyncIterator[tuple[Any, ...]]:
        received.extend(args)
        for update in updates:
            yield update

    async def run() -> list[Any]:
        args = await demo.preprocess_data(fn, ["hi", shown, "s" * 22, None], session)
        if gradio:
            received.extend(args)
            made = [list(u) for u in updates]
            return [await gr.Blocks.postprocess_data(demo, fn, u, session) for u in made]
        return [await demo.postprocess_data(fn, list(u), session)
                async for u in processed(handler, fn.inputs, fn.outputs)(*args)]

    return received, asyncio.run(run())


def test_answers_send_what_gradio_sends_and_keep_the_same_session(tmp_path: Path) -> None:
    demo = build_app(Bot.from_settings(load_settings(data_dir=tmp_path, tools=[])))
    assert "postprocess_data" in vars(demo)  # skip_cheaply took
    chat_fns = [f for f in demo.fns.values() if f.api_name in ("chat", "retry")]
    assert len(chat_fns) == 2
    assert not any(f.postprocess or f.preprocess for f in chat_fns)
    gradio_session, lazy = SessionState(demo), LazySessionState(demo)
    shown: list[Any] = []
    for _ in range(2):  # the second answer gets the chat the first one sent
        got, sent = _answer_events(demo, lazy, False, shown)
        assert (got, sent) == _answer_events(demo, gradio_session, True, shown)
        shown = sent[2][1]
    assert got[1][1]["metadata"]["title"] == "🔧 x"
    assert sent[1][0] == sent[2][0] == {"__type__": "update"}  # the box untouched
    assert lazy.state_data == gradio_session.state_data
    box = next(f for f in demo.fns.values() if f.api_name == "chat").outputs[0]._id
    ours, theirs = dict(zip(lazy.config_values, lazy.components, strict=True)), {
        c["id"]: c for c in gradio_session.components}
    # the differences: after a skip Gradio rebuilt the box (a new block id) without its
    # value, and the next answer's input noted that id's config too; the lazy session keeps
    # the box, with the value it shows ("", as it was cleared)
    assert ours[box]["props"].pop("value") == ""
    assert ours == {k: theirs[k] for k in ours}
    assert not set(theirs) - set(ours) & set(demo.blocks)


def test_a_launched_page_makes_lazy_sessions(tmp_path: Path) -> None:
    demo = build_app(Bot.from_settings(load_settings(data_dir=tmp_path, tools=[])))
    demo.state_holder = StateHolder()
    demo.state_holder.set_blocks(demo)
    assert lazy_session_configs(demo)
    assert isinstance(demo.state_holder["abc"], LazySessionState)
    assert not lazy_session_configs(demo)  # once


def test_lazy_configs_read_like_the_dict_gradio_keeps() -> None:
    derived: list[int] = []

    def derive(key: int, rendered: list[int], block: str) -> dict[str, Any]:
        derived.append(key)
        return {"id": key, "props": {"of": block}}

    page = {1: "a", 2: "b", 3: "c"}
    configs, plain = LazyConfigs(derive, page), {k: derive(k, [], b) for k, b in page.items()}
    derived.clear()
    assert configs.defer_value(2, "typed")
    plain[2]["props"]["value"] = "typed"
    configs[9] = plain[9] = {"id": 9}
    configs.defer(3, "c2")
    plain[3] = derive(3, [], "c2")
    assert 2 in configs and 9 in configs and 5 not in configs and len(configs) == 4
    assert list(configs) == list(plain) == [1, 2, 3, 9]
    derived.clear()
    assert dict(configs.items()) == plain and sorted(derived) == [1, 2, 3]
    assert not configs.defer_value(2, "again")  # derived now: Gradio's own update applies
    del configs[2], plain[2]
    assert dict(configs.items()) == plain and list(configs) == [1, 3, 9]
    assert page == {1: "a", 2: "b", 3: "c"}
