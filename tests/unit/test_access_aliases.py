"""One person under every id: ``[access.aliases]`` and the links the permission passes
stored, both ways, config winning over a conflicting link; bad aliases refused with a fix."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from pydantic import ValidationError

from bot.access import Principals
from config.access import AccessSettings

ALIASES = {"user:alice@example.com": ["user:alice-gh", "user:5b10ac8d82e05b22cc7d4ef5"]}


class Stored:
    """The sources' groups and links as permission passes stored them."""

    def __init__(self, groups: dict[str, str], links: list[tuple[str, str, str]]) -> None:
        self.groups, self.links = groups, links  # member -> group; (person, alias, source)

    def groups_of(self, members: Sequence[str]) -> dict[str, str]:
        return {g: "gh" for m, g in self.groups.items() if m in members}

    def links_of(self, ids: Sequence[str]) -> list[tuple[str, str, str]]:
        return [row for row in self.links if row[0] in ids or row[1] in ids]


TEAM = {"user:alice-gh": "github-team:acme/core", "user:5b10ac8d82e05b22cc7d4ef5":
        "confluence-group:sre"}


def test_a_configured_alias_gives_each_id_the_others_grants_both_ways() -> None:
    principals = Principals(AccessSettings(enabled=True, aliases=ALIASES), Stored(TEAM, []))
    alice = principals.person("alice@example.com")
    assert set(alice.grants) == {"public", "user:alice@example.com", "user:alice-gh",
                                 "user:5b10ac8d82e05b22cc7d4ef5", "github-team:acme/core",
                                 "confluence-group:sre"}
    assert alice.known and "via alias user:alice-gh" in alice.why["github-team:acme/core"]
    assert "via alias user:alice-gh" in alice.why["user:alice-gh"]
    login = principals.person("user:alice-gh")
    assert set(login.grants) == set(alice.grants) and login.id == "user:alice-gh"
    bob = principals.person("bob@example.com")
    assert bob.grants == ("public", "user:bob@example.com")


def test_a_stored_link_joins_a_login_to_its_email_and_the_emails_other_ids() -> None:
    links = [("user:alice@example.com", "user:alice-gh", "gh"),
             ("user:alice@example.com", "user:5b10ac8d82e05b22cc7d4ef5", "wiki")]
    principals = Principals(AccessSettings(enabled=True), Stored(TEAM, links))
    login = principals.person("user:alice-gh")  # login -> e-mail -> the Confluence account
    assert {"user:alice@example.com", "confluence-group:sre"} <= set(login.grants)
    assert "source wiki links" in login.why["user:5b10ac8d82e05b22cc7d4ef5"]
    assert "user:alice-gh" in principals.person("alice@example.com").grants


def test_config_wins_over_a_stored_link_that_gives_its_id_to_someone_else() -> None:
    links = [("user:mallory@example.com", "user:alice-gh", "gh")]
    principals = Principals(AccessSettings(enabled=True, aliases=ALIASES), Stored(TEAM, links))
    assert "user:alice-gh" not in principals.person("mallory@example.com").grants
    assert "user:mallory@example.com" not in principals.person("alice@example.com").grants


@pytest.mark.parametrize(("aliases", "says"), [
    ({"user:alice@example.com": ["github:alice"]}, "'user:alice'"),
    ({"alice@example.com": ["user:alice-gh"]}, "is not a user id"),
    ({"user:a@example.com": ["user:x"], "user:b@example.com": ["user:x"]}, "under both"),
])
def test_bad_aliases_are_refused_with_the_fix(aliases: dict[str, list[str]], says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AccessSettings(aliases=aliases)
    assert says in str(caught.value) and "Fix:" in str(caught.value)
