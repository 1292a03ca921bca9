"""The Bolt listeners: which Slack events and actions the bot reacts to.

Bolt acks every event before its listener runs (``process_before_response=False``), so
Slack gets its ack within milliseconds however long the answer takes.
"""

from __future__ import annotations

from typing import Any

import structlog
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.app import Bot
from bot.session import Session
from bot.webhooks import slack_message
from presenters.slack import handoff
from presenters.slack.answerer import Answerer
from presenters.slack.approval import APPROVE, DENY
from presenters.slack.elicit import DECLINE, OPEN
from presenters.slack.elicit_modal import CALLBACK_ID
from presenters.slack.inbound import Identity, from_mention, from_message, session_key
from presenters.slack.payload import text_at, turn_id_of
from presenters.slack.render import FEEDBACK_DOWN, FEEDBACK_UP
from presenters.slack.web import log_api_error

log = structlog.get_logger("presenters.slack")
THANKS = {1: "Thanks for the 👍 — noted.",
          -1: "Thanks for the 👎 — noted; we'll use it to improve."}


def identity(context: Any) -> Identity:
    """Who the bot is, from Bolt's auth.test result."""
    return Identity(team_id=str(context.team_id or ""), user_id=str(context.bot_user_id or ""),
                    bot_id=str(context.bot_id or ""))


def register(app: AsyncApp, bot: Bot, answerer: Answerer) -> None:
    """Attach every listener the manifest subscribes to."""
    settings = answerer.settings

    @app.event("app_mention")
    async def on_mention(body: dict[str, Any], context: Any) -> None:
        if inbound := from_mention(body, identity(context), settings):
            await answerer.handle(inbound)

    @app.event("message")
    async def on_message(body: dict[str, Any], context: Any) -> None:
        slack_message(bot.settings, body.get("event") or {})  # a synced channel changed
        if inbound := from_message(body, identity(context), settings):
            await answerer.handle(inbound)

    @app.event("assistant_thread_started")
    async def on_thread_started(body: dict[str, Any]) -> None:
        await start_assistant_thread(answerer, body)

    async def on_feedback(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await record_feedback(answerer, bot, body, action)

    app.action(FEEDBACK_UP)(on_feedback)
    app.action(FEEDBACK_DOWN)(on_feedback)

    async def on_approval(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await answerer.approvals.answer(bot, body, action)

    app.action(APPROVE)(on_approval)
    app.action(DENY)(on_approval)

    async def on_question(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await answerer.questions.clicked(body, action)

    app.action(OPEN)(on_question)
    app.action(DECLINE)(on_question)

    @app.view(CALLBACK_ID)
    async def on_question_sent(ack: Any, body: dict[str, Any]) -> None:
        refused = answerer.questions.submission(body)
        await (ack(**refused) if refused else ack())


async def start_assistant_thread(answerer: Answerer, body: dict[str, Any]) -> None:
    """A user opened an assistant thread: greet and offer suggested prompts, once."""
    thread = body.get("event", {}).get("assistant_thread", {})
    channel, ts = thread.get("channel_id"), thread.get("thread_ts")
    if not channel or not ts:
        return
    s, client = answerer.settings, answerer.client
    event_id = str(body.get("event_id") or f"{channel}:{ts}")
    async with answerer.bot.claims.claim(event_id) as fresh:
        if not fresh:
            return
        try:
            if s.greeting:
                await client.chat_postMessage(channel=channel, thread_ts=ts, text=s.greeting)
            if s.suggested_prompts:
                prompts = [{"title": p[:75], "message": p} for p in s.suggested_prompts[:4]]
                await client.assistant_threads_setSuggestedPrompts(
                    channel_id=channel, thread_ts=ts, prompts=prompts)
        except SlackApiError as exc:
            log_api_error(exc, "slack_thread_start_failed", channel=channel)


async def record_feedback(
    answerer: Answerer, bot: Bot, body: dict[str, Any], action: dict[str, Any]
) -> None:
    """Store 👍/👎 against the turn the buttons belong to and thank the user privately."""
    score = 1 if action.get("action_id") == FEEDBACK_UP else -1
    user = text_at(body, "user", "id") or None
    channel = text_at(body, "channel", "id")
    thread_ts = text_at(body, "message", "thread_ts") or text_at(body, "message", "ts")
    team = text_at(body, "team", "id") or text_at(body, "user", "team_id")
    turn_id = turn_id_of(action)
    session = bot.session(session_key(team, channel, thread_ts))
    if turn_id is None or turn_id not in {t.id for t in await session.history()}:
        log.info("slack_feedback_ignored", reason="not an answer of this thread")
        return  # only the answers of the thread the buttons are in can be rated
    await session.feedback(turn_id, score, user=user)
    log.info("slack_feedback", turn_id=turn_id, score=score)
    if score < 0:
        await hand_off_thumbs_down(answerer, session, turn_id, str(user), channel, thread_ts)
    try:
        await answerer.client.chat_postEphemeral(
            channel=channel, user=user or "", thread_ts=thread_ts, text=THANKS[score])
    except SlackApiError as exc:
        log_api_error(exc, "slack_feedback_thanks_failed", level="info", channel=channel)


async def hand_off_thumbs_down(answerer: Answerer, session: Session, turn_id: int, user: str,
                               channel: str, thread_ts: str) -> None:
    """A 👎 in a channel with ``escalate_to``: call people in with the question."""
    policy = await answerer.policies.for_channel(channel)
    if not handoff.wanted(policy, "thumbs_down"):
        return
    call = handoff.from_turns(await session.history(), turn_id, user, "thumbs_down")
    if call is not None:
        await handoff.post(answerer.client, policy, call, channel, thread_ts)
