"""Permission passes on access_schedule, through the real engine, store, Chroma, FTS5 and
MiniLM, against the loopback GitHub, Slack and Confluence: a person removed from a team,
a channel or a group at the source stops finding its documents after the next pass, with
nothing embedded again; a source whose permissions cannot be read fails closed, status says
so, and the next good pass reopens it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.cli.main import main
from bot.access import Principals
from config import Settings
from config.access import AccessSettings
from knowledge.search import Searcher
from sources.groups import SourceGroups
from sources.runner import SourceRunner
from sources.scheduler import SourceScheduler
from sources.status import status_lines
from stores import open_store
from tests.fakes.confluence_server import API_TOKEN, USER, FakeConfluence
from tests.fakes.github_server import TOKEN as GITHUB_TOKEN
from tests.fakes.github_server import FakeGitHub
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack
from tests.kb.helpers import shared_minilm
from tests.sources import helpers

CANARY = "walrus-kraken-7731"


def with_access(settings: Settings, schedule: str = "every 1s") -> Settings:
    access = AccessSettings(enabled=True, access_schedule=schedule)
    return settings.model_copy(update={"access": access})


def finds(settings: Settings, who: str, query: str = f"restart the {CANARY} queue") -> bool:
    """Whether ``who`` (as every presenter resolves them) finds the canary passage."""
    store = open_store(None, settings.data_dir)
    try:
        principal = Principals(settings.access, SourceGroups(store)).person(who)
    finally:
        store.close()
    passages = Searcher(settings, embedder=shared_minilm()).search(query, 4, 0.0, principal)
    return any(CANARY in p.text for p in passages)


def permission_pass(settings: Settings, name: str) -> Any:
    store = open_store(None, settings.data_dir)
    try:
        return SourceRunner(settings, store).permissions_one(name, settings.sources[name])
    finally:
        store.close()


def status(settings: Settings) -> str:
    store = open_store(None, settings.data_dir)
    try:
        return "\n".join(status_lines(settings, store))
    finally:
        store.close()


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    with FakeGitHub() as fake:
        repo = fake.add_repo(
            "acme/handbook",
            {
                "queue.md": f"# Queue\n\nRun queuectl restart when the {CANARY} queue is "
                "stuck.\n".encode()
            },
            private=True,
        )
        repo.teams = ["core"]
        fake.team_members["acme/core"] = ["alice", "bob"]
        yield fake


@pytest.fixture
def gh_settings(github: FakeGitHub, tmp_path: Path) -> Settings:
    settings = with_access(
        helpers.settings_with(
            tmp_path / "data",
            gh={"kind": "github", "repos": ["acme/handbook"], "base_url": github.api_url},
        )
    )
    assert helpers.sync(settings, "gh").outcome == "ok"
    return settings


def test_a_user_removed_from_a_github_team_loses_its_documents_at_the_next_pass(
    github: FakeGitHub, gh_settings: Settings
) -> None:
    assert not finds(gh_settings, "user:bob")  # the content sync stored no memberships
    first = permission_pass(gh_settings, "gh")
    assert (first.outcome, first.run_of, first.embedded) == ("ok", "permissions", 0)
    assert finds(gh_settings, "user:bob") and not finds(gh_settings, "user:carol")
    github.team_members["acme/core"].remove("bob")
    assert permission_pass(gh_settings, "gh").outcome == "ok"
    assert not finds(gh_settings, "user:bob")
    assert finds(gh_settings, "user:alice")


def test_a_failed_permission_read_fails_the_source_closed_until_the_next_good_pass(
    github: FakeGitHub, gh_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    permission_pass(gh_settings, "gh")
    assert finds(gh_settings, "user:alice")
    monkeypatch.setenv("GITHUB_TOKEN", "expired")
    closed = permission_pass(gh_settings, "gh")
    assert closed.outcome == "failed"
    assert not finds(gh_settings, "user:alice")  # nobody, not even a former reader
    shown = status(gh_settings)
    assert "permissions: failed" in shown and "GITHUB_TOKEN" in shown
    assert "unreadable to everyone (fail closed)" in shown
    from bot.app import Bot
    from presenters.gradio.stats_tab import sources_markdown

    admin = sources_markdown(Bot.from_settings(gh_settings).sources_status())
    assert "    - permissions: failed at" in admin and "(fail closed)" in admin
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    assert permission_pass(gh_settings, "gh").outcome == "ok"
    assert finds(gh_settings, "user:alice")


def test_the_scheduler_runs_a_pass_when_access_schedule_says(
    github: FakeGitHub, gh_settings: Settings
) -> None:
    store = open_store(None, gh_settings.data_dir)
    now = [time.time()]
    runner = SourceRunner(gh_settings, store, embedder=shared_minilm())
    scheduler = SourceScheduler(gh_settings, runner, clock=lambda: now[0])
    try:
        assert scheduler.tick_s == 1.0  # a tick no longer than access_schedule
        [first] = scheduler.run_due()  # the source has no schedule: only its pass is due
        assert (first.name, first.run_of) == ("gh", "permissions")
        assert scheduler.run_due() == []
        github.team_members["acme/core"] = ["alice"]
        now[0] += 1.5
        [later] = scheduler.run_due()
        assert later.run_of == "permissions"
    finally:
        store.close()
    assert not finds(gh_settings, "user:bob")


def test_bot_sources_sync_permissions_only_and_whois_show_the_team(
    github: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\ntools = ["search_knowledge"]\n'
        '[access]\nenabled = true\naccess_schedule = "every 2s"\n'
        f'[sources.gh]\nkind = "github"\nrepos = ["acme/handbook"]\n'
        f'base_url = "{github.api_url}"\n',
        "utf-8",
    )
    args = ["--config", str(config)]
    assert main([*args, "sources", "sync", "gh", "--no-progress"]) == 0
    capsys.readouterr()
    assert main([*args, "sources", "sync", "gh", "--permissions-only"]) == 0
    assert "gh: permissions ok, readers of 0 documents changed" in capsys.readouterr().out
    assert main([*args, "access", "whois", "bob"]) == 0
    shown = capsys.readouterr().out
    assert "github-team:acme/core" in shown and "source gh said" in shown
    assert main([*args, "sources", "status"]) == 0
    assert "next permission pass" in capsys.readouterr().out


def test_a_user_removed_from_a_slack_channel_loses_its_threads_at_the_next_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)

    async def scenario() -> None:
        fake = await FakeSlack().start()
        try:
            fake.add_channel("C0OPS", "ops", private=True)
            asked = fake.say("C0OPS", f"How do I restart the {CANARY} queue?")
            fake.say("C0OPS", "Run queuectl restart.", "U0BEN", asked)
            fake.members["C0OPS"] = ["U0ANA", "U0BEN"]
            fake.people |= {"U0ANA": "Ana", "U0BEN": "Ben"}
            fake.emails |= {"U0ANA": "ana@acme.example", "U0BEN": "ben@acme.example"}
            settings = with_access(
                helpers.settings_with(
                    tmp_path / "data", answers={"kind": "slack", "base_url": fake.api_url}
                )
            )
            assert (await asyncio.to_thread(helpers.sync, settings, "answers")).outcome == "ok"
            assert (await asyncio.to_thread(permission_pass, settings, "answers")).outcome == "ok"
            assert await asyncio.to_thread(finds, settings, "ben@acme.example")
            fake.members["C0OPS"] = ["U0ANA"]
            assert (await asyncio.to_thread(permission_pass, settings, "answers")).outcome == "ok"
            assert not await asyncio.to_thread(finds, settings, "ben@acme.example")
            assert await asyncio.to_thread(finds, settings, "ana@acme.example")
        finally:
            await fake.close()

    asyncio.run(scenario())


def test_a_user_removed_from_a_confluence_group_loses_its_pages_at_the_next_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFLUENCE_USER", USER)
    monkeypatch.setenv("CONFLUENCE_TOKEN", API_TOKEN)
    with FakeConfluence(cloud=True) as fake:
        page = fake.add_page(
            "OPS", "Queue", f"<p>Run queuectl restart when the {CANARY} queue is stuck.</p>"
        )
        page.groups = ["sre"]
        fake.groups["sre"] = ["acc-ana", "acc-ben"]
        settings = with_access(
            helpers.settings_with(
                tmp_path / "data",
                wiki={
                    "kind": "confluence",
                    "base_url": fake.base_url,
                    "spaces": ["OPS"],
                    "deployment": "cloud",
                },
            )
        )
        assert helpers.sync(settings, "wiki").outcome == "ok"
        assert permission_pass(settings, "wiki").outcome == "ok"
        assert finds(settings, "user:acc-ben")
        fake.groups["sre"] = ["acc-ana"]
        assert permission_pass(settings, "wiki").outcome == "ok"
        assert not finds(settings, "user:acc-ben") and finds(settings, "user:acc-ana")


def test_the_revocation_benchmark_revokes_every_trial(tmp_path: Path) -> None:
    """benchmarks/access_revocation.py at a small size: the background scheduler's passes
    take bob's access away after every removal (times are the benchmark's, not asserted)."""
    from benchmarks.access_revocation import measure

    result = measure(tmp_path / "data", trials=3, schedule="every 1s", embedder=shared_minilm())
    assert len(result.seconds) == 3 and result.passes >= 6


def test_a_pass_waits_for_a_content_sync_holding_the_lease_and_strangers_are_logged_once(
    github: FakeGitHub, gh_settings: Settings
) -> None:
    from structlog.testing import capture_logs

    from sources.lease import SourceLease

    store = open_store(None, gh_settings.data_dir)
    try:
        with SourceLease(store).hold("gh") as held:  # another runner is syncing it
            assert held and permission_pass(gh_settings, "gh").outcome == "busy"
    finally:
        store.close()
    assert permission_pass(gh_settings, "gh").outcome == "ok"
    with capture_logs() as logs:
        principals = Principals(gh_settings.access, None)
        assert not principals.person("user:carol").known
        principals.person("user:carol")
    assert [e["event"] for e in logs].count("access_unknown_principal") == 1
    assert not finds(gh_settings, "user:carol") and finds(gh_settings, "user:bob")
