"""With username/password set, no route of the Gradio page answers a caller who has not
signed in: the page shows only its login form, and every API route says 401."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

pytest.importorskip("gradio_client")
from gradio_client.exceptions import AuthenticationError

from bot.app import Bot
from tests.integration.gradio_helpers import (
    answers,
    chat,
    client,
    gradio_settings,
    launched,
    scripted_bot,
)

USER, PASSWORD = "ada", "correct horse battery staple"
# The login form itself: the index page (rendered without the app) and its static bundle.
LOGIN_PAGE = {"/", "/login", "/login/", "/favicon.ico", "/theme.css", "/gradio_api/theme.css",
              "/manifest.json", "/robots.txt"}
LOGIN_BUNDLE = ("/assets/", "/static/", "/svelte/")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bot, Any]]:
    settings = gradio_settings(tmp_path_factory.mktemp("gradio-auth"),
                               auth_username=USER, auth_password=PASSWORD)
    bot = scripted_bot(settings)
    with launched(bot) as demo:
        yield bot, demo
    bot.store.close()


def every_route(routes: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    """(method, path) for every route of an app and its mounts, path parameters filled in."""
    out = []
    for route in routes:
        path = prefix + re.sub(r"\{[^}]+\}", "x", getattr(route, "path", ""))
        included = getattr(route, "original_router", None)  # an include_router() group
        if included is not None:
            prefix_ = prefix + getattr(getattr(route, "include_context", None), "prefix", "")
            out += every_route(included.routes, prefix_)
            continue
        inner = getattr(route, "routes", None)  # a Mount
        if inner and not getattr(route, "methods", None):
            out += every_route(inner, path)
            continue
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method in ("GET", "POST") and path:
                out.append((method, path))
    return out


def test_no_route_answers_without_signing_in(app: tuple[Bot, Any]) -> None:
    _, demo = app
    base = str(demo.local_url).rstrip("/")
    routes = [(m, p) for m, p in every_route(demo.server_app.routes)
              if p not in LOGIN_PAGE and not p.startswith(LOGIN_BUNDLE)]
    assert len(routes) > 30  # the queue, call, upload, file, cancel, heartbeat... routes
    for method, path in routes:
        response = httpx.request(method, base + path, json={}, timeout=10)
        assert response.status_code == 401, f"{method} {path} answered {response.status_code}"


def test_named_api_routes_refuse_unauthenticated_calls(app: tuple[Bot, Any]) -> None:
    _, demo = app
    base = str(demo.local_url).rstrip("/")
    for path in ("/gradio_api/call/chat", "/gradio_api/call/feedback", "/gradio_api/queue/join",
                 "/gradio_api/cancel", "/gradio_api/info", "/config"):
        response = httpx.post(base + path, json={"data": ["hi", [], None]}, timeout=10)
        assert response.status_code == 401, path
    with pytest.raises(AuthenticationError):
        client(str(demo.local_url)).predict("hello", [], None, api_name="/chat")


def test_login_page_shows_nothing_of_the_app(app: tuple[Bot, Any]) -> None:
    _, demo = app
    page = httpx.get(str(demo.local_url), timeout=10)
    assert page.status_code == 200 and "auth_required" in page.text
    assert "You said" not in page.text and "bot-session" not in page.text
    assert PASSWORD not in page.text


def test_signed_in_client_chats_and_is_recorded_as_the_user(app: tuple[Bot, Any]) -> None:
    bot, demo = app
    c = client(str(demo.local_url), auth=(USER, PASSWORD))
    messages, sid = chat(c, "hello with a password")
    assert answers(messages) == ["You said: hello with a password"]
    assert bot.store.history(f"gradio:{sid}")[0].user == USER


def test_wrong_password_is_refused(app: tuple[Bot, Any]) -> None:
    _, demo = app
    with pytest.raises(ValueError, match="Could not login"):
        client(str(demo.local_url), auth=(USER, "wrong"))
    response = httpx.post(str(demo.local_url) + "login", timeout=10,
                          data={"username": USER, "password": "wrong"})
    assert response.status_code == 400 and not response.cookies
