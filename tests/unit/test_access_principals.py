"""Who is asking: principals from each surface's user and space, groups, keys, bad config."""

from __future__ import annotations

import pytest
import structlog
from pydantic import ValidationError

from bot.access import Principals
from config.access import AccessSettings, KeyAccess
from contracts.access import Principal, may_read

ACCESS = AccessSettings(
    enabled=True,
    groups={"eng": ["user:alice@example.com"], "leads": ["group:eng", "user:carol"]},
    keys={"wiki": KeyAccess(principal="service:wiki-bot"),
          "portal": KeyAccess(principal="service:portal", trusted_to_name_user=True)},
)


def test_a_person_reads_public_their_own_and_their_groups_nested_ones_included() -> None:
    alice = Principals(ACCESS).person("alice@example.com")
    assert alice.grants == ("public", "user:alice@example.com", "group:eng", "group:leads")
    assert may_read(["group:leads"], alice) and not may_read(["user:bob"], alice)


def test_a_slack_channel_answer_reads_only_what_the_channel_may() -> None:
    who = Principals(ACCESS).for_turn("slack:C0123:1700.1", "alice@example.com", "slack:C0123")
    assert who is not None and who.grants == ("public", "slack-channel:C0123")
    private = Principals(ACCESS).for_turn("slack:C0123:1700.1:private:alice@example.com",
                                          "alice@example.com", "slack:C0123")
    assert private is not None and "group:eng" in private.grants
    direct = Principals(ACCESS).for_turn("slack:D0456", "alice@example.com", "slack:D0456")
    assert direct is not None and direct.id == "user:alice@example.com"


def test_api_keys_ask_as_their_service_or_the_user_they_are_trusted_to_name() -> None:
    principals = Principals(ACCESS)
    wiki = principals.for_turn("k", "alice@example.com", "api:wiki")
    assert wiki == Principal("service:wiki-bot")
    named = principals.for_turn("k", "alice@example.com", "api:portal")
    assert named is not None and named.id == "user:alice@example.com"
    assert "group:eng" in named.grants
    unnamed = principals.for_turn("k", None, "mcp:portal")
    assert unnamed is not None and unnamed.id == "service:portal"


def test_access_off_filters_nothing() -> None:
    assert Principals(AccessSettings()).for_turn("k", "bob", "terminal") is None
    assert may_read(["nobody"], None)


def test_passages_without_readers_are_public_and_nobody_reads_nobody() -> None:
    stranger = Principal("user:x", known=False)
    assert may_read(None, stranger) and may_read("public", stranger)
    assert not may_read(["nobody"], stranger) and not may_read([], stranger)


def test_an_unknown_principal_is_logged_once_and_reads_public() -> None:
    principals = Principals(ACCESS)
    with structlog.testing.capture_logs() as logs:
        for _ in range(3):
            who = principals.person("mallory@example.com")
    assert not who.known and who.grants == ("public", "user:mallory@example.com")
    assert [e["event"] for e in logs] == ["access_unknown_principal"]


@pytest.mark.parametrize(("field", "value", "named"), [
    ("groups", {"eng": ["alice"]}, "access.groups.eng"),
    ("trusted_proxies", ["proxy.local"], "access.trusted_proxies"),
    ("keys", {"wiki": {"principal": "wiki-bot"}}, "access.keys.<name>.principal"),
])
def test_bad_access_settings_name_the_field_and_the_fix(
    field: str, value: object, named: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        AccessSettings.model_validate({field: value})
    assert named in str(caught.value) and "Fix:" in str(caught.value)


class TeamRoster:
    """The sources' memberships as a permission pass stored them (here: one team)."""

    def __init__(self, members: list[str]) -> None:
        self.members = members

    def groups_of(self, members: list[str]) -> dict[str, str]:
        return {"github-team:acme/core": "gh"} if set(members) & set(self.members) else {}


def test_a_teams_members_at_the_source_read_what_the_team_may_and_config_may_list_the_team(
) -> None:
    access = AccessSettings(enabled=True, groups={"leads": ["github-team:acme/core"]})
    roster = TeamRoster(["user:bob"])
    bob = Principals(access, roster).person("bob")
    assert bob.known and bob.grants == ("public", "user:bob", "github-team:acme/core",
                                        "group:leads")
    assert "source gh" in bob.why["github-team:acme/core"]
    roster.members.clear()  # removed from the team: the next resolution has no grant
    assert Principals(access, roster).person("bob").grants == ("public", "user:bob")


def test_access_schedule_allows_seconds_and_refuses_nonsense_with_the_fix() -> None:
    assert AccessSettings(access_schedule="every 2s").access_schedule == "every 2s"
    with pytest.raises(ValidationError, match=r"access\.access_schedule.*Fix"):
        AccessSettings(access_schedule="every 0s")
