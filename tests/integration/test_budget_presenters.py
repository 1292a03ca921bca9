"""Each presenter says where a turn was asked, so a space's budget and settings follow a
Slack channel, a Gradio login and the terminal; the refusal reads the same everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from config.budgets import Limits
from config.spaces import SpaceSettings
from tests.fakes.slack_harness import running_slack
from tests.fakes.slack_server import TEAM

REFUSED = 'Sorry — the "team" space\'s daily token budget (1 token) is used up'


def with_team_space(settings: Any, member: str) -> Any:
    team = SpaceSettings(members=[member], budget=Limits(tokens_per_day=1))
    return settings.model_copy(update={"spaces": {"team": team}})


async def test_a_slack_channels_space_budget_refuses_in_its_thread_only(
    make_bot: Any, settings: Any
) -> None:
    team = with_team_space(settings, "slack:C0TEAM")
    async with running_slack(make_bot, team, "First answer.", "Elsewhere answer.") as h:
        first = await h.mention("first question", channel="C0TEAM")
        assert (await h.answer("C0TEAM", first)).text == "First answer."
        second = await h.mention("second question", channel="C0TEAM")
        refused = await h.answer("C0TEAM", second)
        assert refused.text.startswith(REFUSED) and "To raise it, ask" in refused.text
        other = await h.mention("question elsewhere", channel="C0GENERAL")
        assert (await h.answer("C0GENERAL", other)).text == "Elsewhere answer."
        stored = await h.bot.session(f"slack:{TEAM}:C0TEAM:{second}").history()
        assert [(t.text, t.space, t.refused) for t in stored] == [
            ("second question", "slack:C0TEAM", "spaces.team.budget.tokens_per_day")]


def test_a_gradio_logins_space_budget_refuses_on_the_page(tmp_path: Path) -> None:
    pytest.importorskip("gradio_client")
    from presenters.gradio.render import text_of
    from tests.integration.gradio_helpers import chat, client, gradio_settings, launched
    from tests.integration.gradio_helpers import scripted_bot as gradio_bot

    settings = gradio_settings(tmp_path, auth_username="ada", auth_password="pw-for-tests")
    bot = gradio_bot(with_team_space(settings, "gradio:ada"))
    with launched(bot) as demo:
        c = client(str(demo.local_url), auth=("ada", "pw-for-tests"))
        messages, sid = chat(c, "first question")
        messages, _ = chat(c, "second question", sid)
    shown = [text_of(m) for m in messages if m["role"] == "assistant"]
    assert any(REFUSED in text for text in shown), shown
    stored = bot.store.history(f"gradio:{sid}")
    assert [(t.space, t.refused) for t in stored][-1] == (
        "gradio:ada", "spaces.team.budget.tokens_per_day")
    bot.store.close()


def test_the_terminal_is_a_place_too(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(
        'tools = []\n[roles]\nprimary = "demo"\n[profiles.demo]\nkind = "scripted"\n'
        'replies = ["Hello from the terminal."]\n[spaces.team]\nmembers = ["terminal"]\n'
        'budget = { tokens_per_day = 1 }\n[budgets]\ncontact = "#bot-admins"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["BOT_DATA_DIR"] = str(tmp_path / "data")
    runs = [subprocess.run([sys.executable, "-m", "apps.cli.main", "ask", question],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
            for question in ("first question", "second question")]
    assert runs[0].returncode == 0 and runs[0].stdout.strip() == "Hello from the terminal."
    said = runs[1].stdout + runs[1].stderr
    assert runs[1].returncode == 1 and REFUSED in said and "ask #bot-admins." in said
