"""The form for an MCP server's question, below the chat while the answer waits for it: one
input per field (text, number, checkbox, or a dropdown for a choice), Submit and Decline, and
an ``/elicit`` endpoint (question id, accept or decline, the answer as JSON) for API clients.
Either answers through the browser's own session key, so one browser cannot answer another's
question."""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

from bot.question_form import Field, content, fields
from bot.questions import QuestionDesk
from contracts.elicitation import ElicitationAnswer
from presenters.gradio.handlers import username
from presenters.gradio.hints import resolved
from presenters.gradio.keys import session_id, session_key

ANSWERED, NOT_OPEN = "Answered.", "No such question is waiting (answered, timed out or ended)."
BAD_ACTION = "action must be accept or decline."


def answer(desk: QuestionDesk, sid: Any, question_id: str, action: str,
           values: dict[str, Any], user: str | None) -> str:
    """Answer the browser's own question; says what went wrong otherwise."""
    key = session_key(session_id(sid))
    question = desk.get(key, str(question_id))
    if question is None or not question.waiting:
        return NOT_OPEN
    if action not in ("accept", "decline"):
        return BAD_ACTION
    if action == "decline":
        desk.answer(key, question.id, ElicitationAnswer("decline"), user)
        return ANSWERED
    given, problems = content(fields(question.ask.schema), values)
    if problems:
        return "Not sent: " + "; ".join(problems.values())
    desk.answer(key, question.id, ElicitationAnswer("accept", given), user)
    return ANSWERED


def field_input(field: Field) -> gr.Component:
    """The input for one field, as the schema types it."""
    label = field.title + ("" if field.required else " (optional)")
    info = field.description or None
    if field.choices:
        return gr.Dropdown(list(field.choices), label=label, info=info, value=field.default)
    if field.kind == "boolean":
        return gr.Checkbox(label=label, info=info, value=bool(field.default))
    if field.kind in ("integer", "number"):
        return gr.Number(label=label, info=info, value=field.default,
                         precision=0 if field.kind == "integer" else None)
    return gr.Textbox(label=label, info=info, value=field.default, lines=1)


def wire(desk: QuestionDesk, sid: gr.BrowserState, asking: gr.State) -> None:
    """Place the form (shown only while a question waits) and the ``/elicit`` endpoint."""

    @gr.render(inputs=[asking])
    @resolved
    def form(question: dict[str, Any] | None) -> None:
        if not question:
            return
        form_fields = fields(question["schema"])
        with gr.Group(elem_id="elicitation", key=f"elicit-{question['id']}"):
            gr.Markdown(f"**❓ {question['server']} asks:** {question['message']}")
            inputs = [field_input(f) for f in form_fields]
            note = gr.Markdown(elem_id="elicitation-note")
            with gr.Row():
                submit = gr.Button("Submit", variant="primary", size="sm", elem_id="elicit-submit")
                decline = gr.Button("Decline", size="sm", elem_id="elicit-decline")

        @resolved
        def on_submit(request: gr.Request, key: Any, *values: Any) -> str:
            given = {f.name: v for f, v in zip(form_fields, values, strict=True)}
            return answer(desk, key, question["id"], "accept", given, username(request))

        @resolved
        def on_decline(key: Any, request: gr.Request) -> str:
            return answer(desk, key, question["id"], "decline", {}, username(request))

        submit.click(on_submit, [sid, *inputs], [note], queue=False, api_visibility="private")
        decline.click(on_decline, [sid], [note], queue=False, api_visibility="private")

    with gr.Row(visible=False):
        question_id = gr.Textbox(label="question_id")
        action = gr.Textbox(label="action")
        given = gr.Textbox(label="content")
        said = gr.Textbox(label="note")
        trigger = gr.Button("elicit")

    @resolved
    def on_api(question_id: str, action: str, given: str, key: Any, request: gr.Request) -> str:
        try:
            values = json.loads(given or "{}")
        except json.JSONDecodeError:
            return "Not sent: content must be a JSON object of the fields."
        if not isinstance(values, dict):
            return "Not sent: content must be a JSON object of the fields."
        return answer(desk, key, question_id, action, values, username(request))

    trigger.click(on_api, [question_id, action, given, sid], [said], api_name="elicit",
                  queue=False)
