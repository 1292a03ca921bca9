"""``POST /webhooks/github`` on ``bot serve api``: a signed push syncs the GitHub source that
reads that repo at once (a real scheduler, engine and fake GitHub, over loopback HTTP) —
just the files it names when it follows the last synced commit, the whole source through a
listing otherwise; an unsigned or wrongly signed one changes nothing."""

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
from knowledge.search import Searcher
from sources.report import last_run
from sources.runner import SourceRunner
from sources.scheduler import SourceScheduler
from stores import open_store
from tests.conftest import scripted_bot
from tests.fakes.github_server import TOKEN, FakeGitHub, git_sha
from tests.integration.api_helpers import api_settings, serving
from tests.kb.helpers import shared_minilm
from tests.sources.helpers import indexed, paths_of, settings_with, sync

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


FILES = {
    "queue.md": b"# Queue\n\nRestart it with the blue lever.\n",
    "oncall.md": b"# On call\n\nPage the duty officer.\n",
    "old.md": b"# Old runbook\n\nThe walrus procedure, long retired.\n",
}


def file_push(github: FakeGitHub, changes: dict[str, bytes | None], **extra: Any) -> dict[str, Any]:
    """Push ``changes`` to the fake repo; the delivery GitHub sends for it."""
    before = github.repos["acme/runbooks"].commits[-1].sha
    after = github.push("acme/runbooks", changes)
    commit = {
        "added": [p for p, c in changes.items() if c is not None and p not in FILES],
        "modified": [p for p, c in changes.items() if c is not None and p in FILES],
        "removed": [p for p, c in changes.items() if c is None],
    }
    return {
        "ref": "refs/heads/main",
        "before": before,
        "after": after,
        "forced": False,
        "repository": {"full_name": "acme/runbooks", "default_branch": "main"},
        "commits": [commit],
        **extra,
    }


def synced_after(settings: Any, started: float) -> Any:
    """The source's first run that began after ``started`` (waits for the scheduler)."""
    store = open_store(None, settings.data_dir)
    try:
        deadline = time.monotonic() + 120
        while (run := last_run(store, "runbooks")) is None or run.started_at < started:
            assert time.monotonic() < deadline, "the pushed source was never synced"
            time.sleep(0.2)
        return run
    finally:
        store.close()


def requested(github: FakeGitHub, part: str) -> list[str]:
    return [line for line in github.faults.requests if part in line]


@pytest.fixture
def synced_server(server: tuple[str, Any], github: FakeGitHub) -> tuple[str, Any]:
    """The server, its source synced once in full with three files, the request log empty."""
    github.push("acme/runbooks", FILES)
    url, settings = server
    assert len(sync(settings, "runbooks").added) == 3
    github.faults.requests.clear()
    return url, settings


def test_a_push_syncs_only_the_files_it_names(
    synced_server: tuple[str, Any], github: FakeGitHub
) -> None:
    url, settings = synced_server
    new_queue = b"# Queue\n\nRestart it with the green button, never the lever.\n"
    rota = b"# Rota\n\nThe kraken keeper takes the night shift.\n"
    payload = file_push(github, {"queue.md": new_queue, "rota.md": rota, "old.md": None})
    posted = time.time()
    answer = httpx.post(f"{url}/webhooks/github", **signed(payload))
    assert (answer.status_code, answer.json()) == (202, {"syncing": ["runbooks"]})
    run = synced_after(settings, posted)

    assert (run.outcome, run.added, run.changed, run.removed) == ("ok", 1, 1, 1)
    fetched = {line.split("/git/blobs/")[1].split("?")[0] for line in requested(github, "/blobs/")}
    assert fetched == {git_sha(new_queue), git_sha(rota)}  # oncall.md was not read again
    assert requested(github, "/git/trees/") == []  # nor was the repo's tree listed
    chroma, lexical = indexed(settings)
    assert set(chroma) == lexical
    assert paths_of(chroma) == {
        f"source:runbooks/acme/runbooks:{name}" for name in ("queue.md", "oncall.md", "rota.md")
    }
    searcher = Searcher(settings, embedder=shared_minilm())
    hit = searcher.search("who takes the night shift", top_k=1)[0]
    assert "kraken keeper" in hit.text and hit.url.endswith(f"/blob/{payload['after']}/rota.md#L1")
    texts = " ".join(p.text for p in searcher.search("how do I restart the queue", top_k=3))
    assert "green button" in texts and "walrus" not in texts


@pytest.mark.parametrize("why", ["forced", "missed"])
def test_a_push_that_cannot_be_trusted_alone_syncs_the_whole_source(
    synced_server: tuple[str, Any], github: FakeGitHub, why: str
) -> None:
    url, settings = synced_server
    if why == "missed":  # a push this bot never heard of came first
        github.push("acme/runbooks", {"oncall.md": b"# On call\n\nPage the harbour master.\n"})
    payload = file_push(
        github, {"queue.md": b"# Queue\n\nUse the crank.\n"}, forced=why == "forced"
    )
    posted = time.time()
    assert httpx.post(f"{url}/webhooks/github", **signed(payload)).status_code == 202
    run = synced_after(settings, posted)

    assert len(requested(github, "/git/trees/")) == 1  # the listing found what changed
    assert (run.outcome, run.changed) == ("ok", 2 if why == "missed" else 1)
    texts = " ".join(
        p.text
        for p in Searcher(settings, embedder=shared_minilm()).search(
            "who do I page when on call", top_k=3
        )
    )
    assert ("harbour master" in texts) == (why == "missed")


def test_a_named_file_that_failed_is_found_by_the_next_push_through_a_listing(
    synced_server: tuple[str, Any], github: FakeGitHub
) -> None:
    url, settings = synced_server
    rota = b"# Rota\n\nThe kraken keeper takes the night shift.\n"
    github.faults.fail(f"/git/blobs/{git_sha(rota)}", 503, {"message": "Server Error"})
    posted = time.time()
    httpx.post(f"{url}/webhooks/github", **signed(file_push(github, {"rota.md": rota})))
    failed = synced_after(settings, posted)
    assert (failed.outcome, failed.added) == ("partial", 0)
    assert "503" in failed.errors[0]

    posted = time.time()
    later = file_push(github, {"queue.md": b"# Queue\n\nUse the crank.\n"})
    httpx.post(f"{url}/webhooks/github", **signed(later))
    run = synced_after(settings, posted)
    assert len(requested(github, "/git/trees/")) == 1  # the push alone would miss rota.md
    assert (run.outcome, run.added, run.changed) == ("ok", 1, 1)
