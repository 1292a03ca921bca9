"""The Gradio page in headless Chromium, as a person uses it: type, send, read the answer.

Uses Debian's ``chromium`` (``apt-get install chromium``) driven by Playwright; screenshots
land in the test's tmp dir (``--basetemp`` to keep them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

import pytest

from tests.e2e.chromium import browser_fixture  # noqa: F401  (the `browser` fixture)
from tests.integration.gradio_helpers import free_port, gradio_settings, scripted_bot

pytestmark = pytest.mark.browser


def open_page(browser: Any, url: str, outside: list[str]) -> Any:
    """A fresh page that records (and blocks) any request leaving this machine."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})

    def guard(route: Any) -> None:
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", ""):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    return page


def ask(page: Any, question: str, answer: str) -> None:
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.get_by_text(answer).first.wait_for(timeout=60_000)


def test_person_chats_and_the_conversation_survives_a_restart(
    browser: Any, tmp_path: Path
) -> None:
    from presenters.gradio.app import launch

    settings = gradio_settings(tmp_path, title="Team bot", description="Ask about the handbook.")
    port, outside = free_port(), cast(list[str], [])
    demo = launch(scripted_bot(settings), host="127.0.0.1", port=port)
    try:
        page = open_page(browser, str(demo.local_url), outside)
        assert page.title() == "Team bot"
        page.get_by_text("Ask about the handbook.").first.wait_for()
        ask(page, "hello from the browser", "You said: hello from the browser")
        ask(page, "handbook: how do I connect Slack?", "Create the Slack app from the manifest")
        page.get_by_text("docs/slack.md — Setup").first.wait_for()
        page.get_by_text("🔧 handbook").first.wait_for()
        page.get_by_text("Stop").first.wait_for(state="hidden")
        page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    finally:
        demo.close()
    # A new process on the same data dir: the browser keeps its id, the store the turns.
    demo = launch(scripted_bot(settings), host="127.0.0.1", port=port)
    try:
        page.reload()
        page.get_by_text("You said: hello from the browser").first.wait_for(timeout=60_000)
        page.get_by_text("docs/slack.md — Setup").first.wait_for()
        page.screenshot(path=str(tmp_path / "after_restart.png"), full_page=True)
    finally:
        demo.close()
    assert outside == [], f"the page tried to leave the machine: {outside}"


def test_a_question_typed_while_an_answer_streams_is_kept_and_sent_after_it(
    browser: Any, tmp_path: Path
) -> None:
    """A person who types (and presses Enter) before the answer is done loses nothing."""
    from presenters.gradio.app import launch

    demo = launch(scripted_bot(gradio_settings(tmp_path)), host="127.0.0.1", port=free_port())
    outside: list[str] = []
    try:
        page = open_page(browser, str(demo.local_url), outside)
        page.fill("#question textarea", "slow 60")
        page.keyboard.press("Enter")
        page.get_by_text("w3 w4").first.wait_for(timeout=60_000)
        page.fill("#question textarea", "typed while it streamed")
        page.get_by_text("w20").first.wait_for(timeout=60_000)  # more updates came meanwhile
        assert page.input_value("#question textarea") == "typed while it streamed"
        page.keyboard.press("Enter")  # still answering: sent once the answer is done
        page.get_by_text("You said: typed while it streamed").first.wait_for(timeout=60_000)
        page.get_by_text("w59").first.wait_for()
    finally:
        demo.close()


def test_a_second_browser_has_its_own_conversation(browser: Any, tmp_path: Path) -> None:
    from presenters.gradio.app import launch

    demo = launch(scripted_bot(gradio_settings(tmp_path)), host="127.0.0.1", port=free_port())
    outside: list[str] = []
    try:
        first = open_page(browser, str(demo.local_url), outside)
        ask(first, "I am the first visitor", "You said: I am the first visitor")
        other = browser.new_context().new_page()  # another browser profile: its own storage
        other.goto(str(demo.local_url))
        other.wait_for_selector("#question textarea", timeout=60_000)
        ask(other, "I am the second visitor", "You said: I am the second visitor")
        assert other.get_by_text("I am the first visitor").count() == 0
        assert first.get_by_text("I am the second visitor").count() == 0
    finally:
        demo.close()


def test_stop_then_thumbs_down_with_a_comment(browser: Any, tmp_path: Path) -> None:
    from presenters.gradio.app import launch

    bot = scripted_bot(gradio_settings(tmp_path))
    demo = launch(bot, host="127.0.0.1", port=free_port())
    outside: list[str] = []
    try:
        page = open_page(browser, str(demo.local_url), outside)
        page.fill("#question textarea", "slow 400")
        page.keyboard.press("Enter")
        page.get_by_text("w3 w4").first.wait_for(timeout=60_000)
        page.click("#stop")
        page.get_by_text("(interrupted)").first.wait_for(timeout=60_000)
        page.locator("#send").wait_for(state="visible")
        page.get_by_label("Dislike").last.click()
        page.get_by_label("Thanks! Anything to add? (optional)").fill("it rambles")
        page.get_by_text("Send comment").click()
        page.get_by_text("Thanks for your feedback!").first.wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "stopped_and_rated.png"), full_page=True)
    finally:
        demo.close()
    (key,) = bot.store.keys()
    answer = bot.store.history(key)[-1]
    assert answer.interrupted and answer.text.startswith("w0 w1")
    assert [(f.score, f.comment) for f in bot.store.feedback(answer.id)] == [
        (-1, None), (-1, "it rambles")]
    bot.store.close()


def test_sign_in_form_then_chat(browser: Any, tmp_path: Path) -> None:
    from presenters.gradio.app import launch

    settings = gradio_settings(tmp_path, auth_username="ada", auth_password="s3cret pass")
    demo = launch(scripted_bot(settings), host="127.0.0.1", port=free_port())
    try:
        page = browser.new_page()
        page.goto(str(demo.local_url))
        page.get_by_label("username").fill("ada")
        page.get_by_label("password").fill("s3cret pass")
        page.get_by_role("button", name="Login").click()
        page.wait_for_selector("#question textarea", timeout=60_000)
        ask(page, "signed in now", "You said: signed in now")
        page.screenshot(path=str(tmp_path / "signed_in.png"), full_page=True)
    finally:
        demo.close()


def test_a_person_approves_then_denies_a_tool_call(browser: Any, tmp_path: Path) -> None:
    from presenters.gradio.app import launch

    demo = launch(scripted_bot(gradio_settings(tmp_path)), host="127.0.0.1", port=free_port())
    outside: list[str] = []
    try:
        page = open_page(browser, str(demo.local_url), outside)
        page.fill("#question textarea", "book a room")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="✅ Approve").click(timeout=60_000)
        page.get_by_text("Tool said: room 4 booked").first.wait_for(timeout=60_000)
        assert page.get_by_role("button", name="✅ Approve").count() == 0
        page.fill("#question textarea", "book another room")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="❌ Deny").click(timeout=60_000)
        page.get_by_text("Tool said: error: the user denied").first.wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "approvals.png"), full_page=True)
    finally:
        demo.close()
    assert outside == []
