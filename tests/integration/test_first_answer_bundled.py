"""The first answer a newcomer sees, over the bundled docs as `make chat` indexes them.

A small model's invented steps are dropped by the checks, so the answer quotes the docs.
"How do I connect it to Slack?" must quote slack.md's steps — creating the app, then
installing it and copying the two tokens — and not sources.md's section on *reading*
Slack threads as a source, which names Slack as often. A scripted model stands in for
the embedded one.
"""

from __future__ import annotations

import pytest

from backends.scripted import FunctionLLM, Reply
from bot.app import Bot
from config import Settings, load_settings
from contracts.events import TextDelta
from contracts.llm import LLMRequest
from knowledge.default_docs import BUNDLE
from knowledge.ingest import ingest
from tests.kb.first_answer import quoted_headings
from tests.kb.helpers import shared_minilm

INVENTED = "Install gitlab-kubectl first. Then add your SSH keys to the cluster. Reboot it."


def small_model(request: LLMRequest) -> Reply:
    """Writes the user's words as the query and invents the answer, as SmolLM2 did."""
    question = [m.content for m in request.messages if m.role == "user"][-1]
    return Reply(text=question if "Query:" in question else INVENTED)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("bundled"),
        agent="pipeline",
        tools=["search_knowledge"],
        pipeline={"checks": "on"},
    )
    ingest(settings, [BUNDLE], embedder=shared_minilm(), progress=False)
    return settings


async def answer(settings: Settings, question: str) -> str:
    bot = Bot.from_settings(settings, llms={"primary": FunctionLLM(small_model, profile="s")})
    try:
        events = [e async for e in bot.session(f"test:{abs(hash(question))}").send(question)]
    finally:
        await bot.aclose()
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_connecting_to_slack_quotes_its_steps_not_the_slack_source(
    bundled: Settings,
) -> None:
    text = await answer(bundled, "How do I connect it to Slack?")
    assert "gitlab" not in text, text
    quotes = quoted_headings(text)
    # the step before or after it, whichever ranks better (they score within a hair)
    assert quotes in (["slack.md — 1. Create the app from the manifest",
                       "slack.md — 2. Install it and copy two tokens"],
                      ["slack.md — 2. Install it and copy two tokens",
                       "slack.md — 3. Configure and start"]), text
    assert "Copy the **Bot User OAuth Token** (`xoxb-…`)." in text, "the step quoted whole"


async def test_the_slack_app_tokens_come_from_the_page_on_running_the_bot_in_slack(
    bundled: Settings,
) -> None:
    text = await answer(bundled, "Which tokens does the Slack app need?")
    quotes = quoted_headings(text)
    assert quotes and all(q.startswith("slack.md — ") for q in quotes), quotes
    assert "xapp-" in text and "xoxb-" in text, text



async def test_adding_my_own_documents_quotes_the_ingest_command(bundled: Settings) -> None:
    text = await answer(bundled, "How do I add my own documents?")
    assert "knowledge-base.md — Ingesting documents" in quoted_headings(text), text
    assert "Add your own files and folders with `bot ingest`:\n\n```\nbot ingest PATH" in text
