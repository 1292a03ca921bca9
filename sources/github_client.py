"""One way to call GitHub: githubkit, with our error mapping and Link-header pagination.

The client never retries on its own (``auto_retry=False``): the sync engine owns retries,
and a RateLimited carries the wait GitHub asked for (``Retry-After`` for secondary limits,
``X-RateLimit-Reset`` when the primary quota is spent).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sources.env_secret import secret_from_env
from sources.http_faults import fault_for_status, timed_out
from sources.model import Malformed, RateLimited, SourceError, Unavailable

if TYPE_CHECKING:
    from githubkit import GitHub

    from sources.github_options import GitHubOptions

_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


def build_client(options: GitHubOptions) -> GitHub[Any]:
    """A githubkit client for ``options.base_url`` with the token from ``options.token_env``."""
    from githubkit import GitHub

    token = secret_from_env(
        options.token_env, field="token_env",
        how="create a token with read access to the repos' contents (classic: repo scope)",
    )
    return GitHub(
        token.get_secret_value(), base_url=options.base_url.rstrip("/") + "/",
        timeout=options.timeout_s, auto_retry=False, http_cache=False,
        user_agent="bot-sources", transport=kept_open_transport(),
    )


def kept_open_transport() -> Any:
    """An httpx transport whose connection pool outlives githubkit's per-request clients.

    Outside a ``with GitHub()`` block githubkit builds and closes one httpx client per
    request, and closing a client closes its transport: every call would open a new TCP
    and TLS connection. The pool is kept open and reused (and thread-safe) instead.
    """
    import httpx

    class KeptOpen(httpx.HTTPTransport):
        def close(self) -> None:
            """Kept open on purpose: the pool is shared by every request of the connector."""

    return KeptOpen()


class GitHubCalls:
    """GET and GraphQL calls that raise the contract's errors with a readable message."""

    def __init__(self, gh: GitHub[Any], token_env: str) -> None:
        self.gh = gh
        self.token_env = token_env

    def get(self, path: str, what: str, params: dict[str, Any] | None = None) -> Any:
        """The JSON of one GET (``path`` relative to the API root, or an absolute URL)."""
        return self._send(path, what, params)[0]

    def pages(self, path: str, what: str, params: dict[str, Any]) -> Iterator[list[Any]]:
        """Each page of a list endpoint, following ``Link: rel="next"`` to the end."""
        url: str | None = path
        query: dict[str, Any] | None = {"per_page": 100, **params}
        while url:
            data, link = self._send(url, what, query)
            if not isinstance(data, list):
                raise Malformed(f"GitHub answered a list request for {what} with no list")
            yield data
            match = _NEXT.search(link)
            url, query = (match.group(1), None) if match else (None, None)

    def graphql(self, query: str, variables: dict[str, Any], what: str) -> dict[str, Any]:
        """The ``data`` of a GraphQL query; errors in the answer become Malformed."""
        from githubkit.exception import GraphQLFailed

        try:
            return self._guarded(lambda: self.gh.graphql.request(query, variables), what)
        except GraphQLFailed as exc:
            raise Malformed(f"GitHub GraphQL failed for {what}: {exc.response.errors}") from exc

    def _send(self, url: str, what: str, params: dict[str, Any] | None) -> tuple[Any, str]:
        response = self._guarded(lambda: self.gh.request("GET", url, params=params), what)
        try:
            return response.json(), response.headers.get("link", "")
        except ValueError as exc:
            raise Malformed(f"GitHub answered {what} with something that is not JSON") from exc

    def _guarded(self, call: Any, what: str) -> Any:
        from githubkit.exception import RateLimitExceeded, RequestFailed, RequestTimeout

        try:
            return call()
        except RateLimitExceeded as exc:
            wait = exc.retry_after.total_seconds()
            raise RateLimited(f"GitHub rate-limited {what}; retry after {wait:.0f} s",
                              retry_after=wait) from exc
        except RequestFailed as exc:
            raise self._fault(exc, what) from exc
        except RequestTimeout as exc:
            raise timed_out("GitHub", what) from exc
        except SourceError:
            raise
        except Exception as exc:  # connection refused, TLS, DNS: all "try later"
            raise Unavailable(f"GitHub could not be reached for {what}: {exc!r}") from exc

    def _fault(self, exc: Any, what: str) -> SourceError:
        raw = exc.response.raw_response
        fix = (f"the token in {self.token_env} has expired or lacks repo scope "
               "(fine-grained: Contents read); set a new one")
        return fault_for_status(raw.status_code, raw.headers, service="GitHub", what=what,
                                auth_fix=fix, body=raw.text)
