"""The Slack Web API client the presenter uses, and how its failures are logged.

Only rate limits are retried (HTTP 429, after Retry-After, a bounded number of times): a 429
means Slack did nothing, so a retry cannot post twice. Connection errors and 5xx are not
retried for the same reason: the message may already be in the channel.
"""

from __future__ import annotations

from typing import Any

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from config.sections import SlackSettings

log = structlog.get_logger("presenters.slack")
DEFAULT_API_URL = "https://slack.com/api/"


def build_client(settings: SlackSettings, retries: int | None = None) -> AsyncWebClient:
    """An AsyncWebClient on the bot token, pointed at ``api_url`` when set (tests, proxies);
    ``retries``: how many 429s to wait out (default ``api_retries``)."""
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    base = settings.api_url or DEFAULT_API_URL
    return AsyncWebClient(
        token=token,
        base_url=base if base.endswith("/") else base + "/",
        retry_handlers=[AsyncRateLimitErrorRetryHandler(
            max_retry_count=settings.api_retries if retries is None else retries)],
    )


def api_method(exc: SlackApiError) -> str:
    """The Web API method a failed call was for (``chat.update``)."""
    url = str(getattr(exc.response, "api_url", "") or "")
    return url.rstrip("/").rsplit("/", 1)[-1] or "unknown"


def api_error_code(exc: SlackApiError) -> str:
    data: Any = getattr(exc.response, "data", None)
    if isinstance(data, dict):
        return str(data.get("error") or "unknown")
    return f"http_{getattr(exc.response, 'status_code', 'error')}"


def log_api_error(exc: SlackApiError, what: str, level: str = "warning", **fields: Any) -> None:
    """One log line naming the Web API method and Slack's error code (never the token)."""
    getattr(log, level)(what, method=api_method(exc), error=api_error_code(exc), **fields)
