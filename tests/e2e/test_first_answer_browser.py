"""The first question a newcomer asks, on the Gradio page in headless Chromium.

A small model's invented steps are dropped by the checks, so the answer is the documents'
own words: slack.md's sections quoted whole and re-flowed (no line broken where the file
wraps it), as the page shows them. The screenshot lands in the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backends.scripted import FunctionLLM, Reply
from bot.app import Bot
from contracts.llm import LLMRequest
from knowledge.default_docs import BUNDLE
from knowledge.ingest import ingest
from tests.e2e.chromium import browser_fixture  # noqa: F401  (the `browser` fixture)
from tests.e2e.test_gradio_browser import ask, open_page
from tests.integration.gradio_helpers import gradio_settings, launched
from tests.kb.helpers import shared_minilm

pytestmark = pytest.mark.browser
INVENTED = "Install gitlab-kubectl first. Then add your SSH keys to the cluster. Reboot it."


def small_model(request: LLMRequest) -> Reply:
    """Writes the user's words as the query, and invents the answer (as SmolLM2 did)."""
    question = [m.content for m in request.messages if m.role == "user"][-1]
    if "Query:" in question:
        return Reply(text="connect Slack")
    return Reply(text=INVENTED, chunk_chars=8)


def test_the_first_question_quotes_the_slack_steps_whole(browser: Any, tmp_path: Path) -> None:
    settings = gradio_settings(tmp_path).model_copy(update={"agent": "pipeline",
                                                            "tools": ["search_knowledge"]})
    settings = settings.model_copy(update={"pipeline": settings.pipeline.model_copy(
        update={"checks": "on"})})
    ingest(settings, [BUNDLE], embedder=shared_minilm(), progress=False)
    bot = Bot.from_settings(settings, llms={"primary": FunctionLLM(small_model, profile="s")})
    with launched(bot) as demo:
        page = open_page(browser, str(demo.local_url), [])
        ask(page, "How do I connect it to Slack?", "Here is what the documents say.")
        page.get_by_text("slack.md — 2. Install it and copy two tokens").first.wait_for()
        page.get_by_text("Sources").first.wait_for()
        bubble = "\n".join(page.locator(".bot, [data-testid='bot']").all_inner_texts())
        page.screenshot(path=str(tmp_path / "first_answer.png"), full_page=True)
    assert "gitlab" not in bubble and "SSH" not in bubble, bubble
    assert "Copy the Bot User OAuth Token (xoxb-…)." in bubble, "one line, as the file means it"
    assert "Basic Information → App-Level Tokens" in bubble, "the section whole"
