"""An MCP server's question on the Gradio page in headless Chromium: the form appears below the
chat while the answer waits, a person types the number and presses Submit, the answer goes
on, and the form goes."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, cast

import pytest

from tests.e2e.chromium import browser_fixture  # noqa: F401  (the `browser` fixture)
from tests.e2e.test_gradio_browser import open_page
from tests.fakes.asgi_loopback import serving_asgi
from tests.integration.gradio_helpers import free_port, gradio_settings
from tests.integration.test_gradio_elicitation import booking_bot

pytestmark = pytest.mark.browser
pytest.importorskip("mcp")


def test_a_person_answers_the_form_and_the_answer_goes_on(browser: Any, tmp_path: Path) -> None:
    from presenters.gradio.app import launch
    from tests.fakes.mcp_tool_server import fake_app

    with serving_asgi(fake_app()) as base:
        bot = booking_bot(gradio_settings(tmp_path), base + "/mcp", timeout_s=120.0)
        demo = launch(bot, host="127.0.0.1", port=free_port())
        outside = cast(list[str], [])
        try:
            page = open_page(browser, str(demo.local_url), outside)
            page.fill("#question textarea", "book 4")
            page.keyboard.press("Enter")
            form = page.locator("#elicitation").first
            form.get_by_text("How many seats in 4?").wait_for(timeout=60_000)
            form.get_by_label("Seats").fill("6")
            page.screenshot(path=str(tmp_path / "question.png"), full_page=True)
            form.locator("#elicit-submit").click()
            page.get_by_text("Tool said: booked 4 for 6").first.wait_for(timeout=60_000)
            page.screenshot(path=str(tmp_path / "answered.png"), full_page=True)
            page.wait_for_function("document.querySelectorAll('#elicitation').length === 0",
                                   timeout=60_000)  # the form goes once answered
            page.get_by_text("rooms asks").first.click()  # the step folds once done: open it
            page.get_by_text("answered (seats: 6)").first.wait_for(timeout=60_000)
        finally:
            demo.close()
            closing = threading.Thread(target=asyncio.run, args=(bot.aclose(),))
            closing.start()  # Playwright's loop runs in this thread
            closing.join(60)
    assert outside == [], f"the page tried to leave the machine: {outside}"
