"""Approving a tool call in Slack: a message in the thread with Approve / Deny buttons for the
person who asked; it is edited to say how the approval ended, and its buttons go.

Only the person whose message started the turn may answer; anyone else gets a private note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import Bot
from contracts.events import ApprovalDecision, ApprovalRequest
from contracts.turn_view import ToolStep, TurnView
from presenters.slack.payload import text_at
from presenters.slack.render import escape
from presenters.slack.web import log_api_error

log = structlog.get_logger("presenters.slack")
APPROVE, DENY = "approval_allow", "approval_deny"
NOT_YOURS = "Only <@{asker}> can answer this request."
GONE = "This request is no longer waiting (it was answered, timed out or the answer ended)."


@dataclass
class Posted:
    session_key: str
    channel: str
    thread_ts: str
    asker: str
    ts: str | None = None  # the question's message, once posted
    step_id: str = ""


def request_blocks(request: ApprovalRequest, asker: str) -> tuple[str, list[dict[str, Any]]]:
    """The question and its buttons; the buttons carry the request id."""
    args = ToolStep(request.step_id, request.tool, request.arguments).arguments_json
    text = f"🔐 <@{asker}>, may I run *{request.tool}* with `{escape(args)[:500]}`?"

    def button(action_id: str, label: str, style: str) -> dict[str, Any]:
        return {"type": "button", "action_id": action_id, "value": request.id, "style": style,
                "text": {"type": "plain_text", "text": label}}

    return text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}},
                  {"type": "actions", "block_id": f"approval:{request.id}", "elements": [
                      button(APPROVE, "Approve", "primary"), button(DENY, "Deny", "danger")]}]


def decided_blocks(step: ToolStep, request_id: str, user: str | None
                   ) -> tuple[str, list[dict[str, Any]]]:
    """How the approval ended (``🔐 book_room: approved``), with no buttons left."""
    text = f"🔐 {step.name}: {step.approval_note}"
    who = [{"type": "mrkdwn", "text": f"answered by <@{user}>"}] if user else []
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if who:
        blocks.append({"type": "context", "block_id": f"approval:{request_id}", "elements": who})
    else:
        blocks[0]["block_id"] = f"approval:{request_id}"
    return text, blocks


class ApprovalPrompts:
    """The approval messages an Answerer has posted, by request id."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.posted: dict[str, Posted] = {}

    async def show(self, event: ApprovalRequest | ApprovalDecision, view: TurnView,
                   where: Posted) -> None:
        """Post the question for a request; edit it once the decision is known."""
        if isinstance(event, ApprovalRequest):
            await self._ask(event, where)
        elif (posted := self.posted.pop(event.id, None)) and (step := view.step(event.step_id)):
            await self._settle(posted, step, event.id, event.user)

    async def end_turn(self, view: TurnView, session_key: str) -> None:
        """The turn ended: requests of it still shown as waiting say how they ended."""
        for request_id, posted in list(self.posted.items()):
            step = view.step(posted.step_id)
            if posted.session_key != session_key or step is None or step.approval == "asked":
                continue
            self.posted.pop(request_id)
            await self._settle(posted, step, request_id, None)

    async def _settle(self, posted: Posted, step: ToolStep, request_id: str,
                      user: str | None) -> None:
        if posted.ts is None:
            return
        text, blocks = decided_blocks(step, request_id, user)
        try:
            await self.client.chat_update(channel=posted.channel, ts=posted.ts, text=text,
                                          blocks=blocks)
        except SlackApiError as exc:
            log_api_error(exc, "slack_approval_not_shown", channel=posted.channel)

    async def _ask(self, request: ApprovalRequest, where: Posted) -> None:
        where.step_id = request.step_id
        self.posted[request.id] = where
        text, blocks = request_blocks(request, where.asker)
        try:
            response = await self.client.chat_postMessage(
                channel=where.channel, thread_ts=where.thread_ts, text=text, blocks=blocks)
        except SlackApiError as exc:  # no buttons to click: the request times out and denies
            log_api_error(exc, "slack_approval_not_shown", channel=where.channel)
            return
        where.ts = str(response["ts"])

    async def answer(self, bot: Bot, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A button was clicked: answer the Session if the asker clicked it."""
        request_id, user = text_at(action, "value"), text_at(body, "user", "id") or None
        posted = self.posted.get(request_id)
        if posted is None or user != posted.asker:
            await self._tell(body, user, GONE if posted is None else
                             NOT_YOURS.format(asker=posted.asker))
            return
        allowed = action.get("action_id") == APPROVE
        bot.session(posted.session_key).approve(request_id, allowed, user=user)

    async def _tell(self, body: dict[str, Any], user: str | None, text: str) -> None:
        channel = text_at(body, "channel", "id")
        try:
            await self.client.chat_postEphemeral(
                channel=channel, user=user or "", text=text,
                thread_ts=text_at(body, "message", "thread_ts") or None)
        except SlackApiError as exc:
            log_api_error(exc, "slack_approval_note_failed", level="info", channel=channel)
