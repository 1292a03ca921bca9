"""An MCP server's question as a Slack modal, and the modal's submitted state as the answer.

One input block per field of the server's schema: a text input for a string, a number input
for an integer or number, a checkbox for a boolean, a select for a choice. The modal carries
the question id in ``private_metadata``; ``block_id`` is ``field:<name>``.
"""

from __future__ import annotations

from typing import Any

from bot.question_form import Field, fields
from bot.questions import Question

CALLBACK_ID = "elicitation"
ACTION = "value"
YES = "yes"
TITLE_CHARS, LABEL_CHARS, TEXT_CHARS = 24, 2000, 3000


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit] or " "}


def element(field: Field) -> dict[str, Any]:
    """The input element for one field, with its default filled in."""
    if field.choices:
        options = [{"text": plain(c), "value": c} for c in field.choices]
        made: dict[str, Any] = {"type": "static_select", "options": options}
        if field.default is not None and str(field.default) in field.choices:
            made["initial_option"] = options[field.choices.index(str(field.default))]
    elif field.kind == "boolean":
        made = {"type": "checkboxes", "options": [{"text": plain("Yes"), "value": YES}]}
        if field.default is True:
            made["initial_options"] = made["options"]
    elif field.kind in ("integer", "number"):
        made = {"type": "number_input", "is_decimal_allowed": field.kind == "number"}
        if field.default is not None:
            made["initial_value"] = str(field.default)
    else:
        made = {"type": "plain_text_input"}
        if field.default is not None:
            made["initial_value"] = str(field.default)
    return {**made, "action_id": ACTION}


def input_block(field: Field) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "input", "block_id": f"field:{field.name}",
                             "label": plain(field.title, LABEL_CHARS), "element": element(field),
                             "optional": field.kind == "boolean" or not field.required}
    if field.description:
        block["hint"] = plain(field.description, LABEL_CHARS)
    return block


def modal(question: Question) -> dict[str, Any]:
    """The modal ``views.open`` shows for ``question``."""
    ask = question.ask
    said = {"type": "section", "text": {"type": "mrkdwn",
                                        "text": f"*{ask.server}* asks: {ask.message}"[:TEXT_CHARS]}}
    return {"type": "modal", "callback_id": CALLBACK_ID, "private_metadata": question.id,
            "title": plain(f"{ask.server} asks", TITLE_CHARS), "submit": plain("Send"),
            "close": plain("Cancel"),
            "blocks": [said, *(input_block(f) for f in fields(ask.schema))]}


def submitted(view: dict[str, Any]) -> dict[str, Any]:
    """What the person filled in, by field name: text, or True/False for a checkbox."""
    values: dict[str, Any] = {}
    for block_id, actions in (view.get("state", {}).get("values") or {}).items():
        if not str(block_id).startswith("field:"):
            continue
        got = actions.get(ACTION) or {}
        name = str(block_id).removeprefix("field:")
        if got.get("type") == "checkboxes":
            values[name] = any(o.get("value") == YES for o in got.get("selected_options") or [])
        elif got.get("type") == "static_select":
            values[name] = (got.get("selected_option") or {}).get("value")
        else:
            values[name] = got.get("value")
    return values
