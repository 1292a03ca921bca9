"""One way to call Notion: notion-client (the SDK Notion links to for Python), with our
error mapping and cursor pagination.

The SDK's own retries are off (``retry=False``): the sync engine owns retries, and
RateLimited carries the ``Retry-After`` Notion sends with ``rate_limited`` (429).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from sources.env_secret import secret_from_env
from sources.http_faults import fault_for_status, timed_out
from sources.model import Malformed, SourceError, Unavailable
from sources.notion_options import NotionOptions


def build_client(options: NotionOptions) -> Any:
    """A ``notion_client.Client`` for ``options`` with the token from ``options.token_env``."""
    from notion_client import Client

    token = secret_from_env(options.token_env, field="token_env",
                            how="create an internal integration at notion.so/my-integrations, "
                                "share the pages with it and copy its secret")
    # Our own stdlib logger: the SDK's default one adds a stderr handler per client, which
    # would print every failed request into the terminal on top of our own report.
    return Client(auth=token.get_secret_value(), base_url=options.base_url.rstrip("/"),
                  timeout_ms=int(options.timeout_s * 1000), retry=False,
                  logger=logging.getLogger("sources.notion.sdk"))


class NotionCalls:
    """Calls that raise the contract's errors with a message an operator can act on."""

    def __init__(self, client: Any, token_env: str) -> None:
        self.client = client
        self.token_env = token_env

    def call(self, what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """``fn(**kwargs)`` (an SDK endpoint), errors mapped."""
        from notion_client.errors import HTTPResponseError, RequestTimeoutError

        try:
            return fn(**kwargs)
        except RequestTimeoutError as exc:
            raise timed_out("Notion", what) from exc
        except HTTPResponseError as exc:
            raise self._fault(exc, what) from exc
        except SourceError:
            raise
        except Exception as exc:  # refused connection, broken JSON: try again later
            raise Unavailable(f"Notion could not be reached for {what}: {exc!r}") from exc

    def pages(self, what: str, fn: Callable[..., Any], **kwargs: Any) -> Iterator[list[Any]]:
        """Each page of a list endpoint, following ``next_cursor`` while ``has_more``."""
        cursor: str | None = None
        while True:
            extra = {"start_cursor": cursor} if cursor else {}
            data = self.call(what, fn, **kwargs, **extra)
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise Malformed(f"Notion answered {what} without results")
            yield data["results"]
            cursor = data.get("next_cursor")
            if not data.get("has_more") or not cursor:
                return

    def _fault(self, exc: Any, what: str) -> SourceError:
        fix = (f"the integration token in {self.token_env} is invalid or revoked; "
               "set a new one")
        if exc.status == 404:
            fix = "it is not shared with the integration any more"
        return fault_for_status(exc.status, exc.headers, service="Notion", what=what,
                                auth_fix=fix, body=exc.body or "")
