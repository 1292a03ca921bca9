"""Which channel policy applies where, and whether a message deserves an answer under it.

Policies are keyed by channel id or ``#name`` (config/slack_channels.py). Slack's events carry
only the id, so a ``#name`` key costs one ``conversations.info`` per channel, cached for the
process; none is made when no key uses a name.
"""

from __future__ import annotations

import re

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from config.sections import SlackSettings
from config.slack_channels import ChannelPolicy, needs_names, policy_for
from presenters.slack.inbound import Inbound
from presenters.slack.web import log_api_error

log = structlog.get_logger("presenters.slack")
QUESTION_WORDS = {"who", "what", "when", "where", "why", "how", "which", "can", "could",
                  "should", "would", "is", "are", "do", "does", "did", "will", "may", "anyone",
                  "has", "have", "was", "were"}
ALWAYS = ("dm", "assistant")  # direct messages follow answer_dms, not a channel's policy
ASKED = ("mention", "command", "shortcut")  # the person called on the bot explicitly


def reads_as_question(text: str) -> bool:
    """A message that reads as a question: ends with ``?`` or opens with a question word."""
    words = re.findall(r"[a-z']+", text.lower())
    if text.rstrip().endswith("?"):
        return bool(words)
    return len(words) >= 3 and words[0] in QUESTION_WORDS


def should_answer(inbound: Inbound, policy: ChannelPolicy, answered_here: bool,
                  settings: SlackSettings) -> bool:
    """Whether ``inbound`` gets an answer under ``policy``; ``answered_here``: the bot has
    already answered in this thread."""
    if inbound.kind in ALWAYS:
        return True
    if settings.allowed_channels and inbound.channel not in settings.allowed_channels \
            and not inbound.channel.startswith("D"):
        return False  # events were filtered on arrival; commands and shortcuts are here
    if policy.respond == "off":
        return False
    if inbound.kind in ASKED:
        return True
    if inbound.kind == "followup":  # people talking in a thread the bot is not in: leave
        return answered_here and settings.answer_followups  # them be unless mentioned
    if policy.respond == "all":
        return True
    return policy.respond == "questions" and reads_as_question(inbound.text)


class ChannelPolicies:
    """The policy for each channel, looking channel names up only when a key needs them."""

    def __init__(self, client: AsyncWebClient, settings: SlackSettings) -> None:
        self.client, self.channels = client, settings.channels
        self._names: dict[str, str | None] = {}

    async def for_channel(self, channel: str) -> ChannelPolicy:
        name = await self.name(channel) if needs_names(self.channels) else None
        return policy_for(self.channels, channel, name)

    async def name(self, channel: str) -> str | None:
        """The channel's name (``support``), or None when Slack will not say."""
        if channel in self._names or channel.startswith("D"):
            return self._names.get(channel)
        try:
            info = await self.client.conversations_info(channel=channel)
            self._names[channel] = str(info["channel"]["name"])
        except SlackApiError as exc:  # missing channels:read: id keys still work
            log_api_error(exc, "slack_channel_name_unknown", level="info", channel=channel)
            self._names[channel] = None
        except (aiohttp.ClientError, TimeoutError) as exc:  # passing: ask again next time
            log.warning("slack_channel_name_unknown", channel=channel,
                        error_type=type(exc).__name__)
            return None
        return self._names[channel]
