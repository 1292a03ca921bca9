"""A Slack user, for ``[access]``: e-mail from ``users.info`` and user groups from
``usergroups.list``, through the real ``slack_sdk`` client against the fake Slack."""

from __future__ import annotations

import json
from typing import Any

import structlog
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import Principals
from config import Settings
from config.access import AccessSettings
from contracts.access import may_read
from presenters.slack.identity import SlackDirectory
from tests.fakes.slack_server import BOT_TOKEN, TEAM, FakeSlack
from tests.integration.test_access_turns import search_turn, world_settings  # noqa: F401
from tests.kb.access_corpus import ProbeWorld
from tests.kb.helpers import shared_minilm

ACCESS = AccessSettings(enabled=True, groups={"eng": ["user:alice@example.com"]})
PRIVATE = "slack:C0PROBE:1.0:private:U0ALICE"


async def test_a_slack_user_reads_as_their_e_mail_with_their_user_groups(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.people["U0ALICE"] = "Alice"
    fake_slack.emails["U0ALICE"] = "alice@example.com"
    fake_slack.usergroups = {"hr": ["U0ALICE", "U0BOB"], "sales": ["U0BOB"]}
    directory = SlackDirectory(AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_url))
    principals = Principals(ACCESS)
    principals.directories["slack"] = directory
    assert await directory.learn("U0ALICE") is not None
    who = principals.for_turn(PRIVATE, "U0ALICE", "slack:C0PROBE")
    assert who is not None and who.id == "user:alice@example.com"
    assert {"group:eng", "group:hr", "slack-channel:C0PROBE"} <= set(who.grants)
    assert "group:sales" not in who.grants
    assert may_read(["group:hr"], who) and not may_read(["group:sales"], who)
    channel = principals.for_turn("slack:C0PROBE:1.0", "U0ALICE", "slack:C0PROBE")
    assert channel is not None and not may_read(["group:hr"], channel)


async def test_a_user_slack_does_not_know_reads_only_public_and_is_logged(
    fake_slack: FakeSlack,
) -> None:
    directory = SlackDirectory(AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_url))
    principals = Principals(ACCESS)
    principals.directories["slack"] = directory
    with structlog.testing.capture_logs() as logs:
        assert await directory.learn("U0GHOST") is None
        who = principals.for_turn("slack:D0GHOST", "U0GHOST", "slack:D0GHOST")
    assert who is not None and not who.known
    assert set(who.grants) == {"public", "user:U0GHOST", "slack-channel:D0GHOST"}
    events = [e["event"] for e in logs]
    assert "slack_identity_unavailable" in events and "access_unknown_principal" in events


async def test_slack_answers_draw_on_the_askers_groups_privately_and_the_channels_publicly(
    make_bot: Any, world_settings: tuple[ProbeWorld, Settings],  # noqa: F811
) -> None:
    from knowledge.search import Searcher
    from tests.fakes.slack_harness import running_slack
    from tests.integration.test_slack_private import click, private_answer
    from tools.search_knowledge import SearchKnowledge

    world, settings = world_settings
    user = next(u for u in world.users if world.principal(u).groups)
    secret = next(d for d in world.docs
                  if set(d.readers) & set(world.principal(user).groups))
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    replies = [*search_turn(secret), *search_turn(secret)]
    async with running_slack(make_bot, settings, *replies, tools={"search_knowledge": tool},
                             channels={"C0GENERAL": {"ephemeral_default": True}}) as h:
        h.fake.people["U0ALICE"] = "Alice"
        h.fake.emails["U0ALICE"] = user.removeprefix("user:")
        ts = await h.mention(secret.question())
        note = await private_answer(h)
        private = await h.bot.session(f"slack:{TEAM}:C0GENERAL:{ts}:private:U0ALICE").history()
        cited = [s.text for s in private[-1].sources]
        assert any(secret.canary in t for t in cited)  # the asker's group may read it
        await click(h, note, "answer_share")  # ... the channel may not: refused
        await h.fake.wait_for(lambda: "can no longer be shared" in json.dumps(note.blocks)
                              or "can no longer be shared" in note.text)
        assert not h.answers("C0GENERAL", ts)
