"""Gradio behind a company SSO proxy: the e-mail header names the user only when the request
comes from a configured proxy address; from anywhere else it is refused and logged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import structlog

pytest.importorskip("gradio_client")

from bot.app import Bot
from config.access import AccessSettings
from tests.integration.gradio_helpers import answers, chat, client, gradio_settings, launched
from tests.integration.gradio_helpers import scripted_bot as gradio_bot

HEADER = {"X-Forwarded-Email": "alice@example.com"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bot, Any]]:
    bot = gradio_bot(gradio_settings(tmp_path_factory.mktemp("gradio-sso")))
    with launched(bot) as demo:
        yield bot, demo
    bot.store.close()


def trust(bot: Bot, proxies: list[str]) -> None:
    bot.settings.access = AccessSettings(enabled=True, trusted_proxies=proxies)


def test_the_proxy_header_names_the_user_when_it_comes_from_the_proxy(
    app: tuple[Bot, Any],
) -> None:
    bot, demo = app
    trust(bot, ["127.0.0.0/8"])
    messages, sid = chat(client(str(demo.local_url), headers=HEADER), "hello via sso")
    assert answers(messages) == ["You said: hello via sso"]
    assert bot.store.history(f"gradio:{sid}")[0].user == "alice@example.com"


def test_the_header_from_an_address_not_configured_as_the_proxy_is_refused_and_logged(
    app: tuple[Bot, Any],
) -> None:
    bot, demo = app
    trust(bot, ["10.0.0.5"])
    with structlog.testing.capture_logs() as logs:
        messages, sid = chat(client(str(demo.local_url), headers=HEADER), "hello, forged")
    assert answers(messages) == ["You said: hello, forged"]
    assert bot.store.history(f"gradio:{sid}")[0].user is None
    refused = [e for e in logs if e["event"] == "access_proxy_header_refused"]
    assert refused and refused[0]["address"].startswith("127.")
