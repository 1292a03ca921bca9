"""What becomes of a finished answer: posted privately with Share / Keep buttons, posted
publicly, replaced by "I couldn't find this in the docs" and a hand-off, or nothing at all.

A held answer (private, or in an ``only_when_sourced`` channel) is complete before Slack sees
any of it, so an unsupported answer is never shown, not even for a moment.
"""

from __future__ import annotations

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from config.sections import SlackSettings
from config.slack_channels import ChannelPolicy
from contracts.turn_view import TurnView
from presenters.slack import handoff
from presenters.slack.inbound import Inbound
from presenters.slack.policy import ASKED
from presenters.slack.private import PrivateRef, private_blocks
from presenters.slack.render import final_markdown
from presenters.slack.web import log_api_error
from presenters.slack.writers import Target, UpdateWriter

log = structlog.get_logger("presenters.slack")


def sourced(view: TurnView) -> bool:
    """The answer rests on passages from the docs (or is an apology worth showing)."""
    return bool(view.sources) or view.error is not None


def searched_in_vain(view: TurnView) -> bool:
    """The bot looked in the docs and found nothing, or produced no answer at all."""
    looked = any(s.name == handoff.SEARCH_TOOL for s in view.steps)
    return view.no_answer or (looked and not view.sources and view.error is None)


def _tried(view: TurnView) -> str:
    return handoff.tried([{"name": s.name} for s in view.steps], len(view.sources))


class Delivery:
    """Posts finished answers for one presenter."""

    def __init__(self, client: AsyncWebClient, settings: SlackSettings) -> None:
        self.client, self.settings = client, settings

    async def held(self, inbound: Inbound, policy: ChannelPolicy, view: TurnView,
                   private: bool, key: str) -> None:
        """Post an answer that was held back while it ran."""
        if policy.only_when_sourced and not sourced(view):
            await self.unsourced(inbound, policy, view, private)
        elif private:
            await self.private(inbound, view, key)
        else:
            target = Target(inbound.channel, inbound.thread_ts, inbound.team, inbound.user)
            s = self.settings
            await UpdateWriter(self.client, target, s.update_interval_s, s.show_usage
                               ).finish(view)

    async def after_public(self, inbound: Inbound, policy: ChannelPolicy,
                           view: TurnView) -> None:
        """A public answer found nothing in the docs: call people in where configured."""
        if searched_in_vain(view) and handoff.wanted(policy, "no_answer"):
            call = handoff.Handoff(inbound.user, inbound.text, "no_answer", _tried(view))
            await handoff.post(self.client, policy, call, inbound.channel, inbound.thread_ts)

    async def unsourced(self, inbound: Inbound, policy: ChannelPolicy, view: TurnView,
                        private: bool) -> None:
        """No supported passage: the hand-off, a short note when asked directly, or silence."""
        if handoff.wanted(policy, "no_answer") and not inbound.private:
            call = handoff.Handoff(inbound.user, inbound.text, "no_answer", _tried(view))
            text = f"{handoff.NOT_FOUND}\n{call.text(policy)}"
            await self.say(inbound, text)
            log.info("slack_handoff", channel=inbound.channel, reason="no_answer")
        elif inbound.kind in ASKED or inbound.kind == "followup":
            await (self.whisper(inbound, handoff.NOT_FOUND) if private
                   else self.say(inbound, handoff.NOT_FOUND))
        else:
            log.info("slack_unsourced_silent", channel=inbound.channel)

    async def private(self, inbound: Inbound, view: TurnView, key: str) -> None:
        """The answer only the asker sees, with Share in channel / Keep private."""
        ref = None
        if view.turn_id is not None and view.error is None and view.text.strip():
            ref = PrivateRef(key, view.turn_id, inbound.thread_ts or None)
        text, blocks = private_blocks(final_markdown(view), view.sources, ref)
        await self.whisper(inbound, text, blocks)

    async def say(self, inbound: Inbound, text: str) -> None:
        try:
            await self.client.chat_postMessage(channel=inbound.channel, text=text,
                                               thread_ts=inbound.thread_ts or None,
                                               unfurl_links=False)
        except SlackApiError as exc:
            log_api_error(exc, "slack_post_failed", channel=inbound.channel)

    async def whisper(self, inbound: Inbound, text: str,
                      blocks: list[dict[str, object]] | None = None) -> None:
        """A message only the asker sees (chat.postEphemeral)."""
        try:
            await self.client.chat_postEphemeral(channel=inbound.channel, user=inbound.user,
                                                 thread_ts=inbound.thread_ts or None,
                                                 text=text, blocks=blocks)
        except SlackApiError as exc:
            log_api_error(exc, "slack_private_answer_failed", level="error",
                          channel=inbound.channel)
