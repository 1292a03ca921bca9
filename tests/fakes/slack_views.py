"""Modals in the fake Slack: ``views.open`` (with the click's ``trigger_id``, used once, as
Slack checks it) and the ``view_submission`` a person sends from a modal, built from the
modal's own input blocks the way Slack fills in ``view.state.values``. Mixed into
:class:`tests.fakes.slack_server.FakeSlack`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

TITLE_CHARS = 24


@dataclass
class Modal:
    """A modal the app opened."""

    id: str
    view: dict[str, Any]
    trigger_id: str


class SlackViews:
    """State and Web API methods for modals; the host class provides the rest."""

    def _init_views(self) -> None:
        self.modals: list[Modal] = []
        self.ack_payloads: dict[str, Any] = {}  # envelope id -> what the app acked with
        self._triggers: dict[str, bool] = {}  # trigger id -> used
        self._view_ids = itertools.count(1)

    def trigger(self) -> str:
        """A fresh trigger id, as Slack puts in an interaction's payload."""
        trigger_id = f"{len(self._triggers) + 1}.{id(self)}.fake"
        self._triggers[trigger_id] = False
        return trigger_id

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger_id, view = str(args.get("trigger_id", "")), args.get("view")
        if trigger_id not in self._triggers:
            return {"ok": False, "error": "invalid_trigger_id"}
        if self._triggers[trigger_id]:
            return {"ok": False, "error": "exchanged_trigger_id"}
        if problem := _modal_problem(view):
            return {"ok": False, "error": "invalid_arguments",
                    "response_metadata": {"messages": [problem]}}
        self._triggers[trigger_id] = True
        assert isinstance(view, dict)
        modal = Modal(f"V{next(self._view_ids):08d}", view, trigger_id)
        self.modals.append(modal)
        return {"ok": True, "view": {**view, "id": modal.id, "state": {"values": {}}}}

    def submission(self, modal: Modal, user: str, values: dict[str, Any],
                   team: str = "T0FAKE") -> dict[str, Any]:
        """The ``view_submission`` payload of ``user`` filling ``values`` (by field block id
        without its ``field:`` prefix; a checkbox takes True/False, a select its value)."""
        state: dict[str, Any] = {}
        for block in modal.view["blocks"]:
            if block["type"] != "input":
                continue
            name = str(block["block_id"]).removeprefix("field:")
            element = block["element"]
            state[block["block_id"]] = {element["action_id"]: _filled(element,
                                                                       values.get(name))}
        return {"type": "view_submission", "team": {"id": team}, "user": {"id": user},
                "api_app_id": "A0APP", "trigger_id": self.trigger(),
                "view": {**modal.view, "id": modal.id, "state": {"values": state}}}


def _filled(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    if kind == "checkboxes":
        chosen = element["options"] if value else []
        return {"type": kind, "selected_options": chosen}
    if kind == "static_select":
        option = next((o for o in element["options"] if o["value"] == value), None)
        return {"type": kind, "selected_option": option}
    return {"type": kind, "value": None if value is None else str(value)}


def _modal_problem(view: Any) -> str | None:
    """What Slack would refuse in a modal's view, or None."""
    if not isinstance(view, dict) or view.get("type") != "modal":
        return "view.type must be modal"
    title = view.get("title") or {}
    if title.get("type") != "plain_text" or not 0 < len(title.get("text", "")) <= TITLE_CHARS:
        return "view.title must be plain_text of 1-24 characters"
    blocks = view.get("blocks") or []
    if len(blocks) > 100:
        return "view.blocks: at most 100"
    if any(b.get("type") == "input" for b in blocks) and not view.get("submit"):
        return "view.submit is required with input blocks"
    ids = [b.get("block_id") for b in blocks if b.get("block_id")]
    return "view.blocks: block_id must be unique" if len(ids) != len(set(ids)) else None
