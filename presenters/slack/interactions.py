"""The listeners for asking on purpose and calling people in: ``/ask``, the message shortcut,
Share in channel / Keep private, 🆘 reactions and the App Home tab."""

from __future__ import annotations

from typing import Any

import structlog
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.app import Bot
from presenters.slack import handoff
from presenters.slack.answerer import Answerer
from presenters.slack.commands import (
    SHORTCUT_ID,
    USAGE,
    asked_text,
    from_command,
    from_shortcut,
    parse_ask,
)
from presenters.slack.home import publish_home
from presenters.slack.inbound import session_key
from presenters.slack.private import (
    GONE,
    KEEP,
    SHARE,
    PrivateRef,
    private_blocks,
    respond,
    shareable,
    shared_blocks,
)
from presenters.slack.web import log_api_error

log = structlog.get_logger("presenters.slack")
NOT_HERE = "I can't post in this channel. Invite me (`/invite @bot`) or use `{command} --private`."
OFF_HERE = "I'm switched off in this channel."


def register_interactions(app: AsyncApp, bot: Bot, answerer: Answerer) -> None:
    """Attach the command, shortcut, button, reaction and Home listeners."""
    s = answerer.settings

    @app.command(s.ask_command)
    async def on_ask(ack: Any, body: dict[str, Any]) -> None:
        private, question = parse_ask(str(body.get("text", "")))
        if not question:
            await ack(text=USAGE.format(command=s.ask_command))
            return
        await ack()
        await ask(answerer, body, question, private)

    @app.shortcut(SHORTCUT_ID)
    async def on_shortcut(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        inbound = from_shortcut(body)
        if (await answerer.policies.for_channel(inbound.channel)).respond == "off":
            await respond(body.get("response_url"), text=OFF_HERE, response_type="ephemeral")
            return
        await answerer.handle(inbound)

    @app.action(SHARE)
    async def on_share(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await share(answerer, bot, body, action)

    @app.action(KEEP)
    async def on_keep(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await keep(bot, body, action)

    @app.event("reaction_added")
    async def on_reaction(body: dict[str, Any]) -> None:
        await sos(answerer, bot, body)

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and (user := event.get("user")):
            await home(answerer, bot, str(user))


async def ask(answerer: Answerer, body: dict[str, Any], question: str, private: bool) -> None:
    """``/ask``: privately, or posted as the bot and answered in its thread."""
    channel = str(body.get("channel_id", ""))
    if (await answerer.policies.for_channel(channel)).respond == "off":
        await respond(body.get("response_url"), text=OFF_HERE, response_type="ephemeral")
        return
    posted = None
    if not private:
        try:
            result = await answerer.client.chat_postMessage(
                channel=channel, text=asked_text(str(body.get("user_id")), question))
            posted = str(result["ts"])
        except SlackApiError as exc:
            log_api_error(exc, "slack_ask_not_posted", channel=channel)
            await respond(body.get("response_url"), response_type="ephemeral",
                          text=NOT_HERE.format(command=answerer.settings.ask_command))
            return
    await answerer.handle(from_command(body, question, private, posted))


async def share(answerer: Answerer, bot: Bot, body: dict[str, Any],
                action: dict[str, Any]) -> None:
    """Share in channel: post the private answer in its thread as the bot, naming the sharer."""
    ref, user = PrivateRef.parse(str(action.get("value", ""))), str(body.get("user", {}).get("id"))
    channel = str(body.get("channel", {}).get("id", ""))
    pair = await shareable(bot, ref, user, channel) if ref else None
    if ref is None or pair is None:
        await respond(body.get("response_url"), replace_original=True, text=GONE)
        return
    text, blocks = shared_blocks(*pair, sharer=user)
    try:
        await answerer.client.chat_postMessage(channel=channel, thread_ts=ref.thread_ts,
                                               text=text, blocks=blocks, unfurl_links=False)
    except SlackApiError as exc:
        log_api_error(exc, "slack_share_failed", channel=channel)
        return
    await respond(body.get("response_url"), delete_original=True)
    log.info("slack_answer_shared", channel=channel, turn_id=ref.turn)


async def keep(bot: Bot, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Keep private: the answer stays, only to its asker, without the buttons."""
    ref, user = PrivateRef.parse(str(action.get("value", ""))), str(body.get("user", {}).get("id"))
    pair = await shareable(bot, ref, user, "") if ref else None
    if pair is None:
        await respond(body.get("response_url"), delete_original=True)
        return
    text, blocks = private_blocks(pair[1].text, pair[1].sources, None)
    await respond(body.get("response_url"), replace_original=True, text=text, blocks=blocks)


async def sos(answerer: Answerer, bot: Bot, body: dict[str, Any]) -> None:
    """A 🆘 reaction on a question or answer of a thread the bot is in: hand off to people."""
    event = body.get("event", {})
    item = event.get("item", {})
    if event.get("reaction") not in handoff.SOS_REACTIONS or item.get("type") != "message":
        return
    channel, ts = str(item.get("channel", "")), str(item.get("ts", ""))
    team = str(body.get("team_id", ""))
    policy = await answerer.policies.for_channel(channel)
    thread_ts = answerer.thread_of.get(ts, ts)
    turns = await bot.session(session_key(team, channel, thread_ts)).history()
    if not turns or not handoff.wanted(policy, "sos"):
        return
    call = handoff.from_turns(turns, None, str(event.get("user", "")), "sos")
    if call is not None:
        await handoff.post(answerer.client, policy, call, channel, thread_ts)


async def home(answerer: Answerer, bot: Bot, user: str) -> None:
    try:
        await publish_home(bot, answerer.client, answerer.settings, user,
                           list(answerer.recent.get(user, [])))
    except SlackApiError as exc:
        log_api_error(exc, "slack_home_failed", level="info")
