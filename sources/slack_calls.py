"""Calls to Slack's Web API through slack_sdk's WebClient, with its failures as SourceErrors.

The client's own retry handlers are off: 429s are waited out here, within the listing's
budget, honouring ``Retry-After`` (conversations.history and .replies allow non-Marketplace
apps about one request a minute), and everything else is reported rather than retried.
"""

from __future__ import annotations

import threading
from typing import Any

from sources.model import AuthFailed, Malformed, RateLimited, SourceError, Unavailable
from sources.retry_after import WaitBudget
from sources.slack_options import SlackOptions

AUTH_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
               "token_expired", "not_allowed_token_type"}
SCOPES = "channels:read, groups:read, channels:history, groups:history"


def build_client(options: SlackOptions) -> Any:
    """A WebClient for the token in ``options.token_env`` (AuthFailed when it is unset)."""
    from slack_sdk import WebClient

    from sources.env_secret import secret_from_env
    token = secret_from_env(options.token_env, field="token_env",
                            how=f"copy the Slack app's bot token (xoxb-…), scopes {SCOPES}")
    return WebClient(token=token.get_secret_value(), base_url=options.base_url,
                     timeout=int(options.timeout_s), retry_handlers=[])


# Slack limits these per method and workspace to about one a minute: one call at a time
# across the engine's fetch threads, and a 429 holds back every thread until Retry-After.
SERIAL = ("conversations.history", "conversations.replies")


class SlackCaller:
    """Makes Web API calls, waiting out 429s within ``budget``; ``gates`` (one lock per
    SERIAL method, shared by every thread of a connector) keep those calls one at a time."""

    def __init__(self, client: Any, options: SlackOptions, budget: WaitBudget,
                 gates: dict[str, threading.Lock]) -> None:
        self.client, self.options, self.budget, self.gates = client, options, budget, gates

    def call(self, method: str, what: str, **args: Any) -> dict[str, Any]:
        """``method`` (``"conversations.history"``) with ``args``; its JSON body as a dict."""
        gate = self.gates.get(method)
        if gate is None:
            return self.budget.call(lambda: self._once(method, what, args), what)
        with gate:
            return self.budget.call(lambda: self._once(method, what, args), what)

    def _once(self, method: str, what: str, args: dict[str, Any]) -> dict[str, Any]:
        from slack_sdk.errors import SlackApiError
        try:
            response = self.client.api_call(method, http_verb="GET", params=args)
        except SlackApiError as exc:
            raise self._error(exc.response, method, what) from None
        except (TimeoutError, OSError) as exc:
            raise Unavailable(f"Slack did not answer {method} {what}: "
                              f"{type(exc).__name__} {exc}") from None
        if not isinstance(response.data, dict):
            raise Malformed(f"Slack sent an unreadable answer to {method} {what}")
        return response.data

    def _error(self, response: Any, method: str, what: str) -> SourceError:
        status = int(response.status_code)
        data = response.data if isinstance(response.data, dict) else {}
        error = str(data.get("error", ""))
        if status == 429:
            retry_after = response.headers.get("retry-after") or response.headers.get(
                "Retry-After")
            return RateLimited(f"Slack rate-limited {method} {what}",
                               float(retry_after) if retry_after else None)
        if status >= 500:
            return Unavailable(f"Slack answered {status} to {method} {what}")
        if error in AUTH_ERRORS:
            return AuthFailed(f"Slack refused the token in {self.options.token_env} ({error}): "
                              "reinstall the app and set the new bot token (xoxb-…)")
        if error == "missing_scope":
            return AuthFailed(f"the token in {self.options.token_env} lacks a scope for {method}"
                              f": add {SCOPES} to the Slack app and reinstall it")
        return Malformed(f"Slack answered {method} {what} with {error or status}")
