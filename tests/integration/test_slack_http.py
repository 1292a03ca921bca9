"""HTTP mode: signed requests only, retries deduplicated, and no server without a secret."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from presenters.slack.app import serve
from presenters.slack.config_check import SlackConfigError
from presenters.slack.presenter import SlackPresenter
from tests.fakes.slack_harness import new_ts, running_slack, slack_settings
from tests.fakes.slack_server import BOT_USER, FakeSlack, event_body, signed_headers


def mention_body(text: str, event_id: str | None = None) -> tuple[str, str]:
    ts = new_ts()
    event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> {text}",
             "ts": ts, "channel": "C0GENERAL", "event_ts": ts}
    return json.dumps(event_body(event, event_id)), ts


async def post(port: int, body: str, headers: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.post(
        f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
    ) as response:
        return response.status, await response.text()


async def test_signed_request_is_answered(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "Signed and answered.", mode="http") as h:
        body, ts = mention_body("hello")
        status, _ = await post(h.presenter.port or 0, body, signed_headers(body))
        assert status == 200
        assert (await h.answer("C0GENERAL", ts)).text == "Signed and answered."


async def test_unsigned_forged_and_stale_requests_are_rejected(
    make_bot: Any, settings: Any
) -> None:
    async with running_slack(make_bot, settings, "never sent", mode="http") as h:
        port = h.presenter.port or 0
        body, _ = mention_body("let me in")
        unsigned = await post(port, body, {"Content-Type": "application/json"})
        forged = await post(port, body, signed_headers(body, secret="not-the-secret"))
        stale = await post(port, body, signed_headers(body, timestamp=int(time.time()) - 600))
        assert [unsigned[0], forged[0], stale[0]] == [401, 401, 401]
        tampered_headers = signed_headers(body)
        tampered = await post(port, body.replace("let me in", "let me in!!"), tampered_headers)
        assert tampered[0] == 401
        assert not h.fake.messages and not h.handled


async def test_retried_deliveries_are_answered_once(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, "Once.", "never twice", mode="http") as h:
        body, ts = mention_body("hello", event_id="Ev0HTTPRETRY")
        statuses = [(await post(h.presenter.port or 0, body, signed_headers(body)))[0]]
        for retry in (1, 2, 3):
            headers = signed_headers(body, retry_num=retry)
            statuses.append((await post(h.presenter.port or 0, body, headers))[0])
        assert statuses == [200, 200, 200, 200]
        await h.wait_handled(4)
        assert (await h.answer("C0GENERAL", ts)).text == "Once."
        assert len(h.answers("C0GENERAL", ts)) == 1


async def test_url_verification_and_health(make_bot: Any, settings: Any) -> None:
    async with running_slack(make_bot, settings, mode="http") as h:
        body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"})
        status, text = await post(h.presenter.port or 0, body, signed_headers(body))
        assert status == 200 and "c-123" in text
        async with aiohttp.ClientSession() as http, http.get(
            f"http://127.0.0.1:{h.presenter.port}/healthz"
        ) as response:
            assert response.status == 200


async def test_http_mode_fails_closed_without_signing_secret(
    make_bot: Any, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = await FakeSlack().start()
    try:
        s = slack_settings(settings, fake, mode="http", signing_secret=None)
        bot = make_bot(settings_=s)
        with pytest.raises(SlackConfigError, match=r"slack\.signing_secret"):
            SlackPresenter(bot)
        assert serve(bot) == 2
        assert "BOT_SLACK__SIGNING_SECRET" in capsys.readouterr().err
        empty = slack_settings(settings, fake, mode="http", signing_secret=SecretStr(""))
        with pytest.raises(SlackConfigError):
            SlackPresenter(make_bot(settings_=empty))
        assert not fake.calls  # nothing started, nothing called
    finally:
        await fake.close()


async def test_socket_mode_needs_an_app_token(make_bot: Any, settings: Any) -> None:
    fake = await FakeSlack().start()
    try:
        s = slack_settings(settings, fake, app_token=SecretStr("xoxb-wrong-kind"))
        with pytest.raises(SlackConfigError, match="xapp-"):
            SlackPresenter(make_bot(settings_=s))
    finally:
        await fake.close()


async def test_a_rejected_bot_token_stops_startup_with_the_fix(
    make_bot: Any, settings: Any
) -> None:
    fake = await FakeSlack().start()
    presenter = None
    try:
        s = slack_settings(settings, fake, bot_token=SecretStr("xoxb-revoked"))
        presenter = SlackPresenter(make_bot(settings_=s))
        with pytest.raises(SlackConfigError, match="invalid_auth"):
            await presenter.start()
        assert fake.connections == 0
    finally:
        if presenter is not None:
            await presenter.stop()
        await fake.close()
