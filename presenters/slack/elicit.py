"""An MCP server's question in Slack, the way approvals are asked: a message in the thread
for the person who asked, with **Answer the question** (opens a modal built from the server's
schema, via ``views.open`` and the click's ``trigger_id``) and **Decline**. Submitting the
modal answers; the message is then edited to say how it ended (answered, declined, or no
answer in time), and its buttons go. Only the asker may answer; anyone else gets a private
note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.question_form import content, fields
from bot.questions import DeskElicitor, Question, QuestionDesk
from contracts.elicitation import ElicitationAnswer
from presenters.slack.elicit_modal import modal, submitted
from presenters.slack.render import escape
from presenters.slack.web import log_api_error

log = structlog.get_logger("presenters.slack")
OPEN, DECLINE = "elicitation_open", "elicitation_decline"
NOT_YOURS = "Only <@{asker}> can answer this question."
GONE = "This question is no longer waiting (it was answered, timed out or the answer ended)."


@dataclass
class Asked:
    """Where a question was put, and to whom."""

    key: str  # the session key that may answer it
    channel: str
    thread_ts: str
    asker: str
    ts: str | None = None  # the question's message, once posted


def question_blocks(question: Question, asker: str) -> tuple[str, list[dict[str, Any]]]:
    ask = question.ask
    text = f"❓ <@{asker}>, *{escape(ask.server)}* asks: {escape(ask.message)[:2000]}"
    if not question.waiting:
        text = f"❓ *{escape(ask.server)}* asked: {escape(ask.message)[:2000]} — " \
               f"{escape(question.summary())}"
        return text, [{"type": "section", "block_id": f"elicitation:{question.id}",
                       "text": {"type": "mrkdwn", "text": text}}]

    def button(action_id: str, label: str, **style: str) -> dict[str, Any]:
        return {"type": "button", "action_id": action_id, "value": question.id, **style,
                "text": {"type": "plain_text", "text": label}}

    return text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}},
                  {"type": "actions", "block_id": f"elicitation:{question.id}", "elements": [
                      button(OPEN, "Answer the question", style="primary"),
                      button(DECLINE, "Decline")]}]


class SlackQuestions:
    """The questions an Answerer has put in threads, by question id."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.desk = QuestionDesk()
        self.asked: dict[str, Asked] = {}

    def elicitor(self, key: str, channel: str, thread_ts: str, asker: str) -> DeskElicitor:
        """The elicitor of one turn: its questions go to ``asker`` in this thread."""
        async def shown(question: Question) -> None:
            where = self.asked.setdefault(question.id, Asked(key, channel, thread_ts, asker))
            await self._show(question, where)
            if not question.waiting:
                self.asked.pop(question.id, None)

        return DeskElicitor(self.desk, key, shown)

    async def _show(self, question: Question, where: Asked) -> None:
        text, blocks = question_blocks(question, where.asker)
        try:
            if where.ts is None and question.waiting:
                posted = await self.client.chat_postMessage(
                    channel=where.channel, thread_ts=where.thread_ts, text=text, blocks=blocks)
                where.ts = str(posted["ts"])
            elif where.ts is not None:
                await self.client.chat_update(channel=where.channel, ts=where.ts, text=text,
                                              blocks=blocks)
        except SlackApiError as exc:  # no button to click: the question times out, declined
            log_api_error(exc, "slack_elicitation_not_shown", channel=where.channel)

    def _mine(self, question_id: str, user: str | None) -> tuple[Asked | None, str | None]:
        """The question if ``user`` may answer it, else what to tell them."""
        where = self.asked.get(question_id)
        if where is None or self.desk.get(where.key, question_id) is None:
            return None, GONE
        if user != where.asker:
            return None, NOT_YOURS.format(asker=where.asker)
        return where, None

    async def clicked(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Answer the question (open the modal) or Decline, if the asker clicked it."""
        question_id, user = str(action.get("value", "")), body.get("user", {}).get("id")
        where, refusal = self._mine(question_id, user)
        question = self.desk.get(where.key, question_id) if where else None
        if where is None or question is None:
            await self._tell(body, user, refusal or GONE)
        elif action.get("action_id") == DECLINE:
            self.desk.answer(where.key, question_id, ElicitationAnswer("decline"), user)
        else:
            await self._open(body, question)

    async def _open(self, body: dict[str, Any], question: Question) -> None:
        try:
            await self.client.views_open(trigger_id=str(body.get("trigger_id", "")),
                                         view=modal(question))
        except SlackApiError as exc:
            log_api_error(exc, "slack_elicitation_modal_failed")

    def submission(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The modal was sent: answer, or the ack's ``errors`` to show in the modal."""
        view, user = body.get("view", {}), body.get("user", {}).get("id")
        question_id = str(view.get("private_metadata", ""))
        asked = self.asked.get(question_id)
        question = self.desk.get(asked.key, question_id) if asked else None
        form = fields(question.ask.schema) if question else []
        where, refusal = self._mine(question_id, user)
        if where is None or question is None:  # said on the first field: Slack needs one
            first = next((b.get("block_id") for b in view.get("blocks", [])
                          if b.get("type") == "input"), None)
            return {"response_action": "errors", "errors": {first: refusal or GONE}} \
                if first else None
        given, problems = content(form, submitted(view))
        if problems:
            return {"response_action": "errors",
                    "errors": {f"field:{name}": said for name, said in problems.items()}}
        self.desk.answer(where.key, question_id, ElicitationAnswer("accept", given), user)
        return None

    async def _tell(self, body: dict[str, Any], user: str | None, text: str) -> None:
        channel = body.get("channel", {}).get("id", "")
        message = body.get("message", {})
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user or "", text=text,
                                                 thread_ts=message.get("thread_ts"))
        except SlackApiError as exc:
            log_api_error(exc, "slack_elicitation_note_failed", level="info", channel=channel)
