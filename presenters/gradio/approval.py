"""Approving a tool call on the page: the Approve / Deny options under the waiting step, and
an ``/approve`` endpoint (request id, allowed) for API clients. Either answers through the
browser's own Session, so one browser cannot answer another's request."""

from __future__ import annotations

from typing import Any

import gradio as gr
import structlog

from bot.app import Bot
from presenters.gradio.handlers import username
from presenters.gradio.hints import resolved
from presenters.gradio.keys import session_id, session_key
from presenters.gradio.render import APPROVE, DENY

log = structlog.get_logger("presenters.gradio")
ANSWERED, NOT_OPEN = "Answered.", "No such request is waiting (answered, timed out or ended)."


def answer(bot: Bot, sid: Any, request_id: str, allowed: bool, user: str | None) -> str:
    session = bot.session(session_key(session_id(sid)))
    return ANSWERED if session.approve(str(request_id), bool(allowed), user) else NOT_OPEN


def wire(bot: Bot, chatbot: gr.Chatbot, sid: gr.BrowserState) -> None:
    """Attach the options' handler and the ``/approve`` endpoint."""

    @resolved
    def on_option(key: Any, data: gr.SelectData, request: gr.Request) -> None:
        choice, _, request_id = str(data.value).partition(":")
        if choice in (APPROVE, DENY):
            answer(bot, key, request_id, choice == APPROVE, username(request))

    chatbot.option_select(on_option, [sid], None, queue=False, api_visibility="private")
    with gr.Row(visible=False):
        request_id = gr.Textbox(label="request_id")
        allowed = gr.Checkbox(label="allowed")
        note = gr.Textbox(label="note")
        trigger = gr.Button("approve")

    @resolved
    def on_api(request_id: str, allowed: bool, key: Any, request: gr.Request) -> str:
        return answer(bot, key, request_id, allowed, username(request))

    trigger.click(on_api, [request_id, allowed, sid], [note], api_name="approve", queue=False)
