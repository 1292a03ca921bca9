"""One person under every id: alice asking as ``user:alice@example.com`` reads a private
repo's document because her GitHub login may — through ``[access.aliases]``, or through the
e-mail GitHub shows for her login (read by the permission pass) — until the loopback GitHub
no longer lists her; someone with no alias still reads only what is public. Real Chroma,
SQLite and MiniLM, through ``bot`` as an operator runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from apps.cli.main import main
from bot.access import Principals
from config.access import AccessSettings
from sources.groups import SourceGroups
from stores import open_store
from tests.fakes.confluence_server import API_TOKEN, PAT, USER, FakeConfluence
from tests.fakes.github_server import TOKEN as GITHUB_TOKEN
from tests.fakes.github_server import FakeGitHub

SECRET = "walrus-kraken-7731"  # only in the private repo
OPEN = "otter-lantern-4410"  # only in the public one
QUERY = ["kb", "search", "restart", "the", "stuck", "queue", "--min-score", "-1"]


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    with FakeGitHub() as fake:
        private = fake.add_repo("acme/handbook", {"queue.md": (
            f"# Queue\n\nRun queuectl restart when the {SECRET} queue is stuck.\n").encode()},
            private=True)
        private.teams = ["core"]
        fake.team_members["acme/core"] = ["alice-gh", "bob-gh"]
        fake.add_repo("acme/public", {"stuck.md": (
            f"# Stuck queue\n\nA stuck queue is restarted by the {OPEN} runbook.\n").encode()})
        yield fake


class Bot:
    """``bot`` with a bot.toml syncing both repos, ``aliases`` as ``[access.aliases]``."""

    def __init__(self, tmp_path: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str],
                 aliases: str = "", more: str = "") -> None:
        self.capsys = capsys
        self.config = tmp_path / "bot.toml"
        self.config.write_text(
            f'data_dir = "{tmp_path / "data"}"\ntools = ["search_knowledge"]\n'
            f"[access]\nenabled = true\n[access.aliases]\n{aliases}\n"
            '[sources.gh]\nkind = "github"\nrepos = ["acme/handbook", "acme/public"]\n'
            f'base_url = "{github.api_url}"\n{more}', "utf-8")
        assert self("sources", "sync", "gh", "--no-progress")[0] == 0

    def __call__(self, *argv: str) -> tuple[int, str]:
        code = main(["--config", str(self.config), *argv])
        return code, self.capsys.readouterr().out

    def permission_pass(self) -> None:
        code, out = self("sources", "sync", "gh", "--permissions-only")
        assert code == 0 and "gh: permissions ok" in out, out

    def whois(self, who: str) -> str:
        code, out = self("access", "whois", who)
        assert code == 0, out
        return out

    def reads(self, who: str) -> set[str]:
        """Which canaries ``who`` finds: what ``bot kb search --as`` shows them."""
        code, out = self(*QUERY, "--as", who)
        assert code == 0, out
        return {c for c in (SECRET, OPEN) if c in out}


def test_a_configured_alias_gives_alice_her_github_teams_documents_until_she_leaves(
    tmp_path: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    bot = Bot(tmp_path, github, capsys, '"user:alice@example.com" = ["user:alice-gh"]')
    bot.permission_pass()
    assert bot.reads("alice@example.com") == {SECRET, OPEN}
    assert bot.reads("user:alice-gh") == {SECRET, OPEN}
    assert bot.reads("carol@example.com") == {OPEN}  # no alias: public only
    out = bot.whois("alice@example.com")
    assert "via alias user:alice-gh" in out and "github-team:acme/core" in out
    github.team_members["acme/core"].remove("alice-gh")
    bot.permission_pass()
    assert bot.reads("alice@example.com") == {OPEN}


def test_the_email_github_shows_for_a_login_links_it_until_github_no_longer_does(
    tmp_path: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    github.org_members["acme"] = ["alice-gh", "bob-gh"]
    github.verified_emails["alice-gh"] = ["Alice@Example.com"]
    bot = Bot(tmp_path, github, capsys)
    assert bot.reads("alice@example.com") == {OPEN}  # a content sync links nobody
    bot.permission_pass()
    assert bot.reads("alice@example.com") == {SECRET, OPEN}
    assert bot.reads("bob@example.com") == {OPEN}  # bob-gh shows GitHub no e-mail
    out = bot.whois("alice@example.com")
    assert "via alias user:alice-gh" in out and "source gh links" in out
    github.verified_emails["alice-gh"] = []  # the e-mail is no longer hers at GitHub
    bot.permission_pass()
    assert bot.reads("alice@example.com") == {OPEN}


def test_leaving_the_team_revokes_a_discovered_link_s_grant_at_the_next_pass(
    tmp_path: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    github.org_members["acme"] = ["alice-gh"]
    github.verified_emails["alice-gh"] = ["alice@example.com"]
    bot = Bot(tmp_path, github, capsys)
    bot.permission_pass()
    assert bot.reads("alice@example.com") == {SECRET, OPEN}
    github.team_members["acme/core"] = ["bob-gh"]
    bot.permission_pass()
    assert bot.reads("alice@example.com") == {OPEN}


def test_without_read_org_a_collaborators_public_email_links_them(
    tmp_path: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    github.read_org = False
    github.org_members["acme"] = ["dave-gh"]
    github.verified_emails["dave-gh"] = ["dave@example.com"]  # unreadable without read:org
    github.repos["acme/handbook"].collaborators = ["dave-gh"]
    github.public_emails["dave-gh"] = "dave@example.com"
    bot = Bot(tmp_path, github, capsys)
    bot.permission_pass()
    assert bot.reads("dave@example.com") == {SECRET, OPEN}
    github.public_emails.pop("dave-gh")
    bot.permission_pass()
    assert bot.reads("dave@example.com") == {OPEN}


def test_config_wins_over_a_discovered_email_that_names_someone_else(
    tmp_path: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    github.org_members["acme"] = ["alice-gh"]
    github.verified_emails["alice-gh"] = ["mallory@example.com"]
    bot = Bot(tmp_path, github, capsys, '"user:alice@example.com" = ["user:alice-gh"]')
    bot.permission_pass()
    assert bot.reads("mallory@example.com") == {OPEN}
    assert bot.reads("alice@example.com") == {SECRET, OPEN}
    access = AccessSettings(enabled=True, aliases={"user:alice@example.com": ["user:alice-gh"]})
    store = open_store(None, tmp_path / "data")
    try:
        principals = Principals(access, SourceGroups(store))
        with capture_logs() as logs:
            for _ in range(2):
                assert "user:alice-gh" not in principals.person("mallory@example.com").grants
    finally:
        store.close()
    [conflict] = [e for e in logs if e["event"] == "access_alias_conflict"]  # logged once
    assert conflict["discovered"] == "user:mallory@example.com"
    assert conflict["configured"] == "user:alice@example.com" and conflict["source"] == "gh"


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "data-center"])
def test_the_email_confluence_shows_for_an_account_links_it_while_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    cloud: bool
) -> None:
    monkeypatch.setenv("CONFLUENCE_USER", USER)
    monkeypatch.setenv("CONFLUENCE_TOKEN", API_TOKEN if cloud else PAT)
    with FakeConfluence(cloud=cloud) as fake:
        page = fake.add_page("OPS", "Queue",
                             f"<p>Run queuectl restart when the {SECRET} queue is stuck.</p>")
        page.users, page.groups = ["acc-ana"], ["sre"]
        fake.groups["sre"] = ["acc-ben"]
        fake.emails |= {"acc-ana": "ana@acme.example", "acc-ben": "Ben@Acme.example"}
        config = tmp_path / "bot.toml"
        config.write_text(
            f'data_dir = "{tmp_path / "data"}"\ntools = ["search_knowledge"]\n'
            '[access]\nenabled = true\n[sources.wiki]\nkind = "confluence"\n'
            f'base_url = "{fake.base_url}"\nspaces = ["OPS"]\n'
            f'deployment = "{"cloud" if cloud else "datacenter"}"\n', "utf-8")
        bot = ["--config", str(config)]

        def reads(who: str) -> bool:
            assert main([*bot, *QUERY, "--as", who]) == 0
            return SECRET in capsys.readouterr().out

        assert main([*bot, "sources", "sync", "wiki", "--no-progress"]) == 0
        assert main([*bot, "sources", "sync", "wiki", "--permissions-only"]) == 0
        assert reads("ana@acme.example") and reads("ben@acme.example")
        assert not reads("carol@acme.example")
        fake.emails_visible = False  # the profiles now hide their e-mails
        assert main([*bot, "sources", "sync", "wiki", "--permissions-only"]) == 0
        assert not reads("ana@acme.example") and not reads("ben@acme.example")
        assert reads("user:acc-ana")


PORTAL = '[access.keys.portal]\nprincipal = "service:portal"\ntrusted_to_name_user = true\n'


async def turn_sees(config: Path, user: str) -> set[str]:
    """The canaries a Session turn through API key ``portal``, naming ``user``, shows (the
    tool step and the sources list) or hands the model."""
    from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
    from bot.app import Bot as App
    from config import load_settings
    from knowledge.search import Searcher
    from tests.kb.helpers import shared_minilm
    from tools.search_knowledge import SearchKnowledge

    settings = load_settings(config, agent="tools", kb={"min_score": -1.0})
    call = ScriptedToolCall(name="search_knowledge", arguments={"query": "restart stuck queue"})
    llm = ScriptedLLM([Reply(tool_calls=[call]), Reply(text="Done.")], profile="scripted")
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    app = App.from_settings(settings, llms={"primary": llm},  # type: ignore[arg-type]
                            tools={"search_knowledge": tool})
    seen: list[str] = []
    try:
        async for event in app.session(f"api:{user}").send("How is the stuck queue restarted?",
                                                           user=user, space="api:portal"):
            seen.append(repr(event))
    finally:
        await app.aclose()
    seen += [str(m) for request in llm.requests for m in request.messages]
    return {c for c in (SECRET, OPEN) if any(c in text for text in seen)}


async def test_a_session_turn_through_an_api_key_naming_alice_reads_as_all_her_ids(
    tmp_path: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    github.org_members["acme"] = ["alice-gh"]
    github.verified_emails["alice-gh"] = ["alice@example.com"]
    bot = Bot(tmp_path, github, capsys, more=PORTAL)
    bot.permission_pass()
    assert await turn_sees(bot.config, "alice@example.com") == {SECRET, OPEN}
    assert await turn_sees(bot.config, "carol@example.com") == {OPEN}
