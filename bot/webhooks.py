"""Webhooks that make a source sync now: a GitHub ``push`` names the repos (and branch) it
changed; every ``[sources.NAME]`` of kind github reading that repo is synced at the
scheduler's next tick instead of waiting for its schedule.

The long-running process attaches its scheduler's ``trigger`` with :func:`attach_trigger`;
the API presenter hands each request to :func:`github_webhook`. Each GitHub source names the
environment variable holding its webhook secret (``webhook_secret_env``, default
``GITHUB_WEBHOOK_SECRET``); a request is believed only when its ``X-Hub-Signature-256`` is
the HMAC of the body under one of those secrets.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog

from config import Settings

log = structlog.get_logger("bot.webhooks")
Trigger = Callable[[str], bool]
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
    names = sorted({t.source for t in push_targets(payload, options)})
    if not _trigger:
        return WebhookAnswer(503, {"error": "no source scheduler runs in this process"})
    synced = [n for n in names if _trigger[0](n)]
    log.info("webhook_sync", service="github", sources=synced)
    return WebhookAnswer(202, {"syncing": synced})
