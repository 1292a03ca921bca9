"""The pipeline agent on the embedded SmolLM2-135M model over the bot's own docs, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Bot
from bot.contracts.events import Done, Error, Sources, Status
from bot.contracts.turn_view import TurnView
from config import load_settings
from knowledge.default_docs import BUNDLE, checkout_docs
from knowledge.ingest import ingest
from tests.kb.helpers import shared_minilm

pytestmark = pytest.mark.embedded


async def test_a_newcomer_asks_about_slack_and_gets_a_cited_answer(data_dir: Path) -> None:
    pytest.importorskip("llama_cpp")
    settings = load_settings(
        data_dir=data_dir,
        agent="pipeline",
        tools=["search_knowledge"],
        profiles={"local": {"max_tokens": 64}},  # a short answer keeps the test quick
    )
    docs = checkout_docs()[1] if checkout_docs() else BUNDLE
    ingest(
        settings,
        [docs / "slack.md", docs / "configuration.md"],
        embedder=shared_minilm(),
        progress=False,
    )
    bot = Bot.from_settings(settings)
    try:
        events = [
            e async for e in bot.session("test:newcomer").send("How do I connect it to Slack?")
        ]
    finally:
        await bot.aclose()
    assert not [e for e in events if isinstance(e, Error)]
    assert len([e for e in events if isinstance(e, Status)]) == 4, "router said yes, searched"
    view = TurnView()
    for event in events:
        view.apply(event)
    answer = view.answer
    assert view.text.strip()
    sources = next(e for e in events if isinstance(e, Sources)).sources
    assert any(s.source.endswith("slack.md") for s in sources), [s.source for s in sources]
    assert isinstance(events[-1], Done) and events[-1].text == answer
