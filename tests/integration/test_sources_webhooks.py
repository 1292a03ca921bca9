"""``POST /webhooks/github`` on ``bot serve api``: a signed push syncs the GitHub source that
reads that repo at once (a real scheduler, engine and fake GitHub, over loopback HTTP); an
unsigned or wrongly signed one changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.webhooks import attach_trigger
from sources.runner import SourceRunner
from sources.scheduler import SourceScheduler
from stores import open_store
from tests.conftest import scripted_bot
from tests.fakes.github_server import TOKEN, FakeGitHub
from tests.integration.api_helpers import api_settings, serving
from tests.kb.helpers import shared_minilm
from tests.sources.helpers import indexed, paths_of, settings_with

SECRET = "hook-secret-for-tests"


def signed(payload: dict[str, Any], secret: str = SECRET, event: str = "push") -> dict[str, Any]:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"content": body, "headers": {"X-Hub-Signature-256": signature,
                                         "X-GitHub-Event": event,
                                         "Content-Type": "application/json"}}


def push(repo: str, path: str) -> dict[str, Any]:
    return {"ref": "refs/heads/main", "size": 1, "forced": False,
            "repository": {"full_name": repo, "default_branch": "main"},
            "commits": [{"added": [], "modified": [path], "removed": []}]}


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    with FakeGitHub() as fake:
        fake.add_repo("acme/runbooks", {"queue.md": b"# Queue\n\nRestart it.\n"})
        fake.add_repo("acme/other", {"x.md": b"# Other\n\nNot configured.\n"})
        yield fake


@pytest.fixture
def server(github: FakeGitHub, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The API's base URL and the settings, a scheduler that only a trigger wakes."""
    settings = settings_with(tmp_path / "data", runbooks={
        "kind": "github", "repos": ["acme/runbooks"], "base_url": github.api_url})
    store = open_store(None, settings.data_dir)
    scheduler = SourceScheduler(settings, SourceRunner(settings, store, embedder=shared_minilm()),
                                tick_s=3600)
    scheduler.start()
    attach_trigger(scheduler.trigger)
    try:
        with serving(scripted_bot(api_settings(settings))) as url:
            yield url.removesuffix("/v1"), settings
    finally:
        attach_trigger(None)
        scheduler.stop()
        store.close()


def test_a_signed_push_syncs_the_source_reading_that_repo(server: tuple[str, Any]) -> None:
    url, settings = server
    answer = httpx.post(f"{url}/webhooks/github", **signed(push("acme/runbooks", "queue.md")))
    assert (answer.status_code, answer.json()) == (202, {"syncing": ["runbooks"]})
    deadline = time.monotonic() + 120
    while "source:runbooks/acme/runbooks:queue.md" not in paths_of(indexed(settings)[0]):
        assert time.monotonic() < deadline, "the pushed source was never synced"
        time.sleep(0.2)


def test_pushes_that_are_unsigned_forged_or_elsewhere_sync_nothing(
        server: tuple[str, Any]) -> None:
    url, settings = server
    hook = f"{url}/webhooks/github"
    forged = httpx.post(hook, **signed(push("acme/runbooks", "queue.md"), secret="guess"))
    assert forged.status_code == 401 and "X-Hub-Signature-256" in forged.json()["error"]
    unsigned = httpx.post(hook, content=b"{}", headers={"X-GitHub-Event": "push"})
    assert unsigned.status_code == 401
    elsewhere = httpx.post(hook, **signed(push("acme/other", "x.md")))
    assert (elsewhere.status_code, elsewhere.json()) == (202, {"syncing": []})
    ping = httpx.post(hook, **signed({"zen": "Keep it simple."}, event="ping"))
    assert (ping.status_code, ping.json()) == (202, {"ignored": "ping"})
    assert indexed(settings)[0] == {}


def test_without_a_secret_the_endpoint_says_which_variable_to_set(
        server: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WEBHOOK_SECRET")
    url, _ = server
    answer = httpx.post(f"{url}/webhooks/github", **signed(push("acme/runbooks", "queue.md")))
    assert answer.status_code == 404 and "GITHUB_WEBHOOK_SECRET" in answer.json()["error"]


def test_bot_serve_starts_a_scheduler_for_webhooks_even_with_no_schedule(
        github: FakeGitHub, tmp_path: Path) -> None:
    from apps.cli.serve import start_source_schedule
    from bot.webhooks import github_webhook

    settings = settings_with(tmp_path / "data", runbooks={
        "kind": "github", "repos": ["acme/runbooks"], "base_url": github.api_url})
    scheduler = start_source_schedule(settings)
    try:
        request = signed(push("acme/runbooks", "queue.md"))
        headers = {k.lower(): v for k, v in request["headers"].items()}
        answer = github_webhook(settings, request["content"], headers)
        assert (answer.status, answer.body) == (202, {"syncing": ["runbooks"]})
        deadline = time.monotonic() + 120
        while not paths_of(indexed(settings)[0]):
            assert time.monotonic() < deadline, "the serving process never synced the push"
            time.sleep(0.2)
    finally:
        attach_trigger(None)
        scheduler.stop()
        scheduler.runner.bot_store.close()
