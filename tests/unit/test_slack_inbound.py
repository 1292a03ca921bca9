"""Which Slack events the bot answers, decided from the payload alone."""

from __future__ import annotations

from config.sections import SlackSettings
from presenters.slack.inbound import Identity, from_mention, from_message

ME = Identity(team_id="T1", user_id="UBOT", bot_id="BBOT")


def body(**event: object) -> dict[str, object]:
    base = {"user": "UALICE", "ts": "10.1", "channel": "C1", "text": "hi"}
    return {"team_id": "T1", "event_id": "Ev1", "event": base | event}


def test_mention_answers_in_its_thread_without_the_mention() -> None:
    got = from_mention(body(type="app_mention", text="<@UBOT> what's up?", thread_ts="9.9"),
                       ME, SlackSettings())
    assert got is not None
    assert (got.text, got.thread_ts, got.session_key) == ("what's up?", "9.9", "slack:T1:C1:9.9")


def test_dm_assistant_thread_and_follow_up_kinds() -> None:
    s = SlackSettings()
    dm = from_message(body(channel="D1", channel_type="im"), ME, s)
    assistant = from_message(body(channel="D1", channel_type="im", thread_ts="5.5"), ME, s)
    followup = from_message(body(channel_type="channel", thread_ts="5.5"), ME, s)
    top_level = from_message(body(channel_type="channel"), ME, s)
    mentioned = from_message(body(channel_type="channel", thread_ts="5.5", text="<@UBOT> x"),
                             ME, s)
    assert [m and m.kind for m in (dm, assistant, followup, top_level, mentioned)] == [
        "dm", "assistant", "followup", "channel", None]


def test_edits_joins_and_own_messages_are_skipped() -> None:
    s = SlackSettings()
    for event in (dict(subtype="message_changed"), dict(subtype="channel_join"),
                  dict(user="UBOT"), dict(bot_id="BBOT"), dict(bot_id="BOTHER")):
        assert from_message(body(channel_type="im", **event), ME, s) is None
    assert from_message(body(channel_type="im", bot_id="BOTHER"), ME,
                        SlackSettings(ignore_bots=False)) is not None


def test_allow_list_covers_channels_not_dms() -> None:
    s = SlackSettings(allowed_channels=["C2"])
    assert from_mention(body(type="app_mention"), ME, s) is None
    assert from_mention(body(type="app_mention", channel="C2"), ME, s) is not None
    assert from_message(body(channel="D1", channel_type="im"), ME, s) is not None
    assert from_message(body(channel="D1", channel_type="im"), ME,
                        SlackSettings(answer_dms=False)) is None
