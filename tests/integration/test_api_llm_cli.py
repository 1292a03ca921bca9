"""A client no one here wrote: Simon Willison's ``llm`` CLI, pointed at ``bot serve api``.

``llm`` is configured the documented way (docs/api.md): an ``extra-openai-models.yaml`` and a
``keys.json`` in its own ``LLM_USER_PATH``; plugins are not loaded. It streams by default,
and ``llm -c`` continues a conversation by resending it, which must not duplicate turns.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Bot
from tests.conformance.conversation import HandbookLookup
from tests.fakes.openai_profiles import openai_settings
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    FakeToolCall,
    openai_server_fixture,  # noqa: F401
)
from tests.integration.api_helpers import KEY, api_settings, serving

pytest.importorskip("llm")
MODELS = """- model_id: team-bot
  model_name: bot
  api_base: "{url}"
  api_key_name: team-bot
"""


@pytest.fixture
def llm(openai_server: FakeOpenAI, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[str], Bot]]:
    """The ``llm`` command line, configured for the API; and the bot behind it."""
    user_path = tmp_path / "llm-user"
    user_path.mkdir()
    bot = Bot.from_settings(api_settings(openai_settings(data_dir, openai_server)),
                            tools={"handbook": HandbookLookup()})
    with serving(bot) as url:
        (user_path / "extra-openai-models.yaml").write_text(MODELS.format(url=url))
        (user_path / "keys.json").write_text(json.dumps({"team-bot": KEY}))
        monkeypatch.setenv("LLM_USER_PATH", str(user_path))
        monkeypatch.setenv("LLM_LOAD_PLUGINS", "")  # no plugin of this machine's
        yield [sys.executable, "-m", "llm"], bot


def run(command: list[str], *args: str) -> str:
    done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_llm_streams_an_answer_with_its_sources_and_continues_without_duplicates(
    llm: tuple[list[str], Bot], openai_server: FakeOpenAI
) -> None:
    command, bot = llm
    openai_server.reply(FakeReply(tool_calls=[FakeToolCall("handbook", {"query": "slack"})]),
                        "Create the app from the manifest [1].", "Yes, two tokens.")
    first = run(command, "-m", "team-bot", "How do I connect it to Slack?")
    second = run(command, "-c", "--no-stream", "Is that all?")
    assert first.strip() == ("Create the app from the manifest [1].\n\nSources:\n"
                             "- [1] docs/slack.md — Setup")
    assert second.strip() == "Yes, two tokens."
    [key] = bot.store.keys()
    assert [(t.role, t.text) for t in bot.store.history(key)] == [
        ("user", "How do I connect it to Slack?"),
        ("assistant", "Create the app from the manifest [1]."),
        ("user", "Is that all?"), ("assistant", "Yes, two tokens.")]
    continued = [m for m in openai_server.chat_requests[-1].messages if m["role"] != "system"]
    assert continued[0]["content"] == "How do I connect it to Slack?"
