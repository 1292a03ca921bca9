"""Webhooks that make a source sync now: a GitHub ``push`` names the repo, branch and files
it changed; every ``[sources.NAME]`` of kind github reading that repo and branch syncs those
files (or, when the push cannot be trusted alone, all of it) at the scheduler's next tick
instead of waiting for its schedule.

The long-running process attaches its scheduler's ``trigger`` with :func:`attach_trigger`;
the API presenter hands each request to :func:`github_webhook`. Each GitHub source names the
environment variable holding its webhook secret (``webhook_secret_env``, default
``GITHUB_WEBHOOK_SECRET``); a request is believed only when its ``X-Hub-Signature-256`` is
the HMAC of the body under one of those secrets.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import structlog

from config import Settings

if TYPE_CHECKING:
    from sources.model import Change

log = structlog.get_logger("bot.webhooks")


class Trigger(Protocol):
    """A scheduler's ``trigger``: sync source ``name`` now (just what ``change`` names, when
    given); False when there is no such enabled source."""

    def __call__(self, name: str, change: Change | None = None) -> bool: ...


_trigger: list[Trigger] = []  # the running process's scheduler (at most one)


@dataclass(frozen=True)
class WebhookAnswer:
    """What to answer the service: an HTTP status and a small JSON body."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)


def attach_trigger(trigger: Trigger | None) -> None:
    """Route webhooks to ``trigger`` (a scheduler's ``trigger``); None detaches."""
    _trigger.clear()
    if trigger is not None:
        _trigger.append(trigger)


def github_secrets(settings: Settings) -> dict[str, str]:
    """Source name -> its webhook secret, for enabled GitHub sources whose variable is set."""
    secrets = {}
    for name, source in settings.sources.items():
        if source.enabled and source.kind == "github":
            variable = str(source.options().get("webhook_secret_env", "GITHUB_WEBHOOK_SECRET"))
            if value := os.environ.get(variable, "").strip():
                secrets[name] = value
    return secrets


def hooked_sources(settings: Settings) -> bool:
    """True when a webhook may trigger a source: a GitHub one with its secret set, or a
    slack one (the Slack presenter's message events)."""
    return bool(github_secrets(settings)) or any(
        s.enabled and s.kind == "slack" for s in settings.sources.values())


def github_webhook(settings: Settings, body: bytes, headers: Mapping[str, str]) -> WebhookAnswer:
    """Verify and act on one GitHub delivery (``push`` syncs; ``ping`` and others are
    acknowledged and ignored)."""
    from sources.github_webhook import signature_ok

    secrets = github_secrets(settings)
    if not secrets:
        return WebhookAnswer(404, {"error": "no GitHub source has a webhook secret. Fix: set "
                                            "GITHUB_WEBHOOK_SECRET (or the source's "
                                            "webhook_secret_env) to the hook's secret"})
    signature = headers.get("x-hub-signature-256", "")
    signed = [n for n, secret in secrets.items() if signature_ok(secret, body, signature)]
    if not signed:
        log.warning("webhook_refused", service="github", reason="bad signature")
        return WebhookAnswer(401, {"error": "X-Hub-Signature-256 does not match the secret"})
    event = headers.get("x-github-event", "")
    if event != "push":
        return WebhookAnswer(202, {"ignored": event or "no X-GitHub-Event"})
    return _push(settings, signed, body)


def _push(settings: Settings, signed: list[str], body: bytes) -> WebhookAnswer:
    from sources.github_options import GitHubOptions
    from sources.github_webhook import push_targets

    try:
        payload = json.loads(body)
    except ValueError:
        return WebhookAnswer(400, {"error": "the push payload is not JSON"})
    options = {n: GitHubOptions.model_validate(settings.sources[n].options()) for n in signed}
    targets = sorted(push_targets(payload, options), key=lambda t: t.source)
    if not _trigger:
        return WebhookAnswer(503, {"error": "no source scheduler runs in this process"})
    synced = sorted({t.source for t in targets if _trigger[0](t.source, t.change)})
    log.info("webhook_sync", service="github", sources=synced,
             whole=sorted(t.source for t in targets if t.whole))
    return WebhookAnswer(202, {"syncing": synced})


def slack_sources_for(settings: Settings, channel: str) -> list[str]:
    """Enabled slack sources that may read ``channel`` (an id): those with no ``channels``
    (every member channel), naming it, or naming channels by name (not resolvable here, so
    a sync decides; it is incremental and cheap)."""
    names = []
    for name, source in settings.sources.items():
        if not source.enabled or source.kind != "slack":
            continue
        channels = [str(c).lstrip("#") for c in source.options().get("channels") or []]
        if not channels or channel in channels or any(not _is_id(c) for c in channels):
            names.append(name)
    return names


def slack_message(settings: Settings, event: Mapping[str, Any]) -> list[str]:
    """A Slack ``message`` event: trigger the slack sources reading its channel (the
    scheduler coalesces a burst of messages into one sync per tick). The names triggered."""
    channel = str(event.get("channel") or "")
    if not channel or not _trigger or event.get("channel_type") == "im":
        return []
    synced = [n for n in slack_sources_for(settings, channel) if _trigger[0](n)]
    if synced:
        log.info("webhook_sync", service="slack", channel=channel, sources=synced)
    return synced


def _is_id(channel: str) -> bool:
    """Slack ids are upper-case letters and digits starting C, G or D (``C0123ABC``)."""
    return channel[:1] in "CGD" and channel.isalnum() and channel.isupper()
