"""The admin-only Stats tab in headless Chromium: figures, charts and lists after a week of use."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from config import Settings
from tests.e2e.chromium import browser_fixture  # noqa: F401  (the `browser` fixture)
from tests.fakes.team_usage import VPN_QUESTION, play_week, team_bot
from tests.integration.gradio_helpers import free_port, gradio_settings

pytestmark = pytest.mark.browser


def used_for_a_week(tmp_path: Path, admins: list[str]) -> Settings:
    settings = gradio_settings(tmp_path, auth_username="ada", auth_password="s3cret pass",
                               admin_users=admins)

    async def play() -> None:
        bot = team_bot(settings)
        await play_week(bot)
        await bot.aclose()

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        pool.submit(asyncio.run, play()).result()
    return settings


def sign_in(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(url)
    page.get_by_label("username").fill("ada")
    page.get_by_label("password").fill("s3cret pass")
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#question textarea", timeout=60_000)
    return page


def test_an_admin_reads_usage_figures_and_charts(browser: Any, tmp_path: Path) -> None:
    from presenters.gradio.app import launch

    settings = used_for_a_week(tmp_path, admins=["ada"])
    demo = launch(team_bot(settings), host="127.0.0.1", port=free_port())
    try:
        page = sign_in(browser, str(demo.local_url))
        page.get_by_role("tab", name="Stats").click()
        page.get_by_text("4 answers").first.wait_for(timeout=60_000)
        summary = page.locator("#stats-summary").inner_text()
        assert "errors 25.0%" in summary and "rated up 25.0% · rated down 25.0%" in summary
        lists = page.locator("#stats-lists")
        lists.get_by_text("docs/slack.md (1)").wait_for()
        assert VPN_QUESTION in lists.inner_text()
        for chart in ("#stats-cost", "#stats-latency", "#stats-feedback"):
            page.locator(f"{chart} canvas, {chart} svg").first.wait_for(timeout=60_000)
        page.get_by_label("Group by").click()
        page.get_by_role("option", name="user").click()
        table = page.locator("#stats-table")
        table.get_by_text("bob").first.wait_for(timeout=60_000)
        assert "ada" in table.inner_text()
        page.screenshot(path=str(tmp_path / "stats_tab.png"), full_page=True)
    finally:
        demo.close()


def test_the_tab_is_hidden_from_everyone_else(browser: Any, tmp_path: Path) -> None:
    from presenters.gradio.app import launch

    settings = used_for_a_week(tmp_path, admins=["grace"])
    demo = launch(team_bot(settings), host="127.0.0.1", port=free_port())
    try:
        page = sign_in(browser, str(demo.local_url))
        page.get_by_role("tab", name="Chat").wait_for()
        page.wait_for_timeout(500)  # the load event that would reveal the tab has run
        assert page.get_by_role("tab", name="Stats").count() == 0
        assert page.get_by_text("answers").count() == 0
    finally:
        demo.close()
