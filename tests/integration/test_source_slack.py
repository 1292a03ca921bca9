"""The Slack source, driven through slack_sdk's WebClient against the fake Slack Web API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sources.model import AuthFailed, Listing, Malformed, RateLimited, Unavailable
from sources.slack_threads import SlackOptions, SlackThreadsConnector
from tests.fakes.slack_server import BOT_TOKEN, TEAM, FakeSlack


class Seeded:
    """The fake Slack with two member channels and one the bot is not in."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        fake.add_channel("C0PUB", "general")
        fake.people |= {"U0ANA": "Ana Lopez", "U0BEN": "Ben Ortiz"}
        fake.add_channel("C0PRIV", "oncall", private=True)
        fake.add_channel("C0OUT", "random", member=False)
        self.question = fake.say("C0PUB", "How do I restart the queue?\nIt is stuck.")
        self.answer = fake.say("C0PUB", "Run `queuectl restart`.", "U0BEN", self.question)
        fake.say("C0PUB", "Thanks!", thread_ts=self.question)
        self.lunch = fake.say("C0PUB", "Lunch?")  # nobody answered: not a document
        self.rota = fake.say("C0PRIV", "Pager rotation for May")
        fake.say("C0PRIV", "Ana has week 1.", "U0BEN", self.rota)
        elsewhere = fake.say("C0OUT", "Not for the bot")
        fake.say("C0OUT", "Indeed", thread_ts=elsewhere)


@pytest.fixture
async def slack(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Seeded]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    fake = await FakeSlack().start()
    yield Seeded(fake)
    await fake.close()


def connector(slack: Seeded, **options: Any) -> SlackThreadsConnector:
    settings = {"base_url": slack.fake.api_url, "timeout_s": 5.0} | options
    return SlackThreadsConnector("team-slack", SlackOptions.model_validate(settings))


async def listing_of(source: SlackThreadsConnector, cursor: dict[str, str] | None = None
                     ) -> Listing:
    return await asyncio.to_thread(source.list_documents, cursor or {})


async def test_the_threads_of_member_channels_are_listed_with_their_newest_reply(
        slack: Seeded) -> None:
    listing = await listing_of(connector(slack))
    by_key = {e.key: e for e in listing.entries}
    assert listing.complete and listing.problems == []
    assert sorted(by_key) == [f"C0PRIV/{slack.rota}", f"C0PUB/{slack.question}"]
    thread = by_key[f"C0PUB/{slack.question}"]
    newest = slack.fake.said[2].ts
    assert thread.version == newest and thread.modified is not None
    assert thread.title == "#general: How do I restart the queue?"
    assert listing.cursor["channel:C0PUB"] == slack.lunch  # the newest ts seen


async def test_a_thread_is_fetched_whole_with_its_permalink_and_channel_readers(
        slack: Seeded) -> None:
    source = connector(slack)
    entries = {e.key: e for e in (await listing_of(source)).entries}
    public = await asyncio.to_thread(source.fetch, entries[f"C0PUB/{slack.question}"])
    body = public.body.decode()
    assert body.startswith("# #general: How do I restart the queue?")
    assert body.index("It is stuck.") < body.index("queuectl restart") < body.index("Thanks!")
    assert "**Ben Ortiz** (2024-" in body and public.media_type == "text/markdown"
    assert public.url == (f"https://fake.slack.test/archives/C0PUB/"
                          f"p{slack.question.replace('.', '')}")
    assert public.readers.as_list() == ["slack-channel:C0PUB", f"slack-workspace:{TEAM}"]
    private = await asyncio.to_thread(source.fetch, entries[f"C0PRIV/{slack.rota}"])
    assert private.readers.as_list() == ["slack-channel:C0PRIV"]
    assert len(slack.fake.calls_to("users.info")) == 2  # each author looked up once


async def test_without_users_read_the_authors_stay_as_mentions(slack: Seeded) -> None:
    slack.fake.fail("users.info", "missing_scope")
    source = connector(slack)
    entry = next(e for e in (await listing_of(source)).entries if "C0PUB" in e.key)
    body = (await asyncio.to_thread(source.fetch, entry)).body.decode()
    assert "**U0BEN** (" in body and "queuectl restart" in body


async def test_long_channels_and_threads_are_read_page_by_page(slack: Seeded) -> None:
    slack.fake.page_cap = 2
    replies = [slack.fake.say("C0PUB", f"step {n}", thread_ts=slack.question) for n in range(5)]
    source = connector(slack, channels=["general"])
    listing = await listing_of(source)
    assert [e.key for e in listing.entries] == [f"C0PUB/{slack.question}"] and listing.complete
    document = await asyncio.to_thread(source.fetch, listing.entries[0])
    body = document.body.decode()
    assert body.count("It is stuck.") == 1 and all(f"step {n}" in body for n in range(5))
    assert document.modified == listing.entries[0].modified
    assert listing.entries[0].version == replies[-1]
    assert len(slack.fake.calls_to("conversations.replies")) > 2


async def test_a_new_reply_changes_only_its_thread_and_a_deleted_thread_disappears(
        slack: Seeded) -> None:
    source = connector(slack)
    first = await listing_of(source)
    slack.fake.say("C0PUB", "Also clear the cache.", thread_ts=slack.question)
    second = await listing_of(source, first.cursor)  # between full listings: from the cursor
    assert slack.fake.calls_to("conversations.history")[-1].args.get("oldest")
    before = {e.key: e.version for e in first.entries}
    after = {e.key: e.version for e in second.entries}
    assert [key for key in after if after[key] != before[key]] == [f"C0PUB/{slack.question}"]
    slack.fake.edit(slack.rota, "Pager rotation for June")
    third = {e.key: e.version for e in (await listing_of(source, second.cursor)).entries}
    assert [key for key in third if third[key] != after[key]] == [f"C0PRIV/{slack.rota}"]
    slack.fake.unsay(slack.rota)
    full = await listing_of(source, {})
    assert full.complete and [e.key for e in full.entries] == [f"C0PUB/{slack.question}"]


async def test_between_full_listings_old_threads_are_named_from_the_cursor(
        slack: Seeded) -> None:
    source = connector(slack, lookback_days=3 / 1440)  # 3 minutes: the fake's messages are
    # a minute apart, so the first question falls out of the part read again
    first = await listing_of(source)
    new_thread = slack.fake.say("C0PUB", "Where are the deploy keys?")
    slack.fake.say("C0PUB", "In the vault.", "U0BEN", new_thread)
    second = await listing_of(source, first.cursor)
    assert second.complete and second.problems == []
    assert {e.key for e in second.entries} == {e.key for e in first.entries} | {
        f"C0PUB/{new_thread}"}
    history = slack.fake.calls_to("conversations.history")[-2:]
    assert all(call.args.get("oldest") for call in history)  # only the recent part was read
    # ...starting after the first question, so that thread was named from the cursor
    assert float(history[0].args["oldest"]) >= float(slack.question)
    old = next(e for e in second.entries if e.key == f"C0PUB/{slack.question}")
    assert old.version == next(e.version for e in first.entries if e.key == old.key)
    slack.fake.unsay(new_thread)  # deleted in the part that is read: gone at once
    third = await listing_of(source, second.cursor)
    assert f"C0PUB/{new_thread}" not in {e.key for e in third.entries} and third.complete


async def test_a_channel_the_bot_left_is_no_longer_listed(slack: Seeded) -> None:
    source = connector(slack)
    first = await listing_of(source)
    slack.fake.channels["C0PRIV"]["is_member"] = False
    second = await listing_of(source, first.cursor)
    assert second.complete and [e.key for e in second.entries] == [f"C0PUB/{slack.question}"]


async def test_a_refused_or_missing_token_names_the_variable(
        slack: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    with pytest.raises(AuthFailed, match=r"SLACK_BOT_TOKEN \(invalid_auth\)"):
        await listing_of(connector(slack))
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    with pytest.raises(AuthFailed, match="SLACK_BOT_TOKEN is not set"):
        await listing_of(connector(slack))


async def test_a_429_is_waited_out_or_the_channel_is_read_in_part(slack: Seeded) -> None:
    slack.fake.rate_limit("conversations.history", retry_after=1)
    waited = await listing_of(connector(slack))
    assert waited.complete and len(waited.entries) == 2
    assert [c.status for c in slack.fake.calls_to("conversations.history")][:2] == [429, 200]
    slack.fake.rate_limit("conversations.history", retry_after=60)
    hurried = await listing_of(connector(slack, max_wait_s=0))
    assert not hurried.complete and "read in part" in hurried.problems[0]
    assert len([k for k in hurried.cursor if k.startswith("channel:")]) == 1  # not advanced
    slack.fake.rate_limit("conversations.replies", retry_after=60)
    with pytest.raises(RateLimited) as limited:
        await asyncio.to_thread(connector(slack, max_wait_s=0).fetch, waited.entries[0])
    assert limited.value.retry_after == 60


async def test_threads_fetched_at_once_wait_together_after_a_429(slack: Seeded) -> None:
    source = connector(slack)
    entries = (await listing_of(source)).entries
    slack.fake.throttle("conversations.replies", seconds=1)  # 429s for a second, like Slack

    def fetch_all() -> list[bytes]:
        with ThreadPoolExecutor(4) as pool:  # as the sync engine's fetch workers do
            return [d.body for d in pool.map(source.fetch, entries * 2)]

    assert len(await asyncio.to_thread(fetch_all)) == 4
    statuses = [c.status for c in slack.fake.calls_to("conversations.replies")]
    assert statuses.count(429) == 1 and statuses.count(200) == 4  # nobody hammered


async def test_server_errors_and_timeouts_are_unavailable_and_partial(slack: Seeded) -> None:
    slack.fake.answer("conversations.history", 503, '{"ok": false, "error": "fatal_error"}')
    listing = await listing_of(connector(slack))
    assert not listing.complete and "503" in listing.problems[0]
    slack.fake.answer("conversations.replies", 500, "{}")
    with pytest.raises(Unavailable, match="500"):
        await asyncio.to_thread(connector(slack).fetch, listing.entries[0])
    slack.fake.hang("conversations.replies", 3.0)
    with pytest.raises(Unavailable, match="did not answer"):
        await asyncio.to_thread(connector(slack, timeout_s=1).fetch, listing.entries[0])


async def test_a_malformed_page_or_thread_is_reported_not_trusted(slack: Seeded) -> None:
    slack.fake.answer("conversations.history", 200, '{"ok": true, "messages": "nope"}')
    listing = await listing_of(connector(slack))
    assert not listing.complete and "unreadable history page" in listing.problems[0]
    slack.fake.answer("conversations.replies", 200, '{"ok": true, "messages": [{"text": 1}]}')
    with pytest.raises(Malformed, match="unreadable page of thread"):
        await asyncio.to_thread(connector(slack).fetch, listing.entries[0])
