"""One way to call Confluence's REST API (v1, the same on Cloud and Data Center):
atlassian-python-api's session and auth, our status mapping, ``_links.next`` pagination.

The library's own retries stay off (``backoff_and_retry``, ``retry_with_header``): the
sync engine owns retries, and RateLimited carries the ``Retry-After`` of Cloud's 429s.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from sources.confluence_options import ConfluenceOptions
from sources.env_secret import secret_from_env
from sources.http_faults import fault_for_status, timed_out
from sources.model import AuthFailed, Malformed, Unavailable


def build_client(options: ConfluenceOptions) -> Any:
    """An ``atlassian.Confluence`` for ``options`` (basic auth on Cloud, a PAT on DC)."""
    from atlassian import Confluence

    # Both of the library's retry paths off: it would otherwise sleep out a Retry-After itself.
    common = {"cloud": options.cloud, "timeout": options.timeout_s, "backoff_and_retry": False,
              "retry_with_header": False}
    if not options.cloud:
        token = secret_from_env(options.token_env, field="token_env",
                                how="create a personal access token in your Confluence profile")
        return Confluence(url=options.base_url, token=token.get_secret_value(), **common)
    token = secret_from_env(options.token_env, field="token_env",
                            how="create an API token at id.atlassian.com > Security")
    user = options.user or os.environ.get(options.user_env, "").strip()
    if not user:
        raise AuthFailed(f"{options.user_env} is not set (user_env = {options.user_env!r}): "
                         "Confluence Cloud needs the account's e-mail; set user or export it")
    return Confluence(url=options.base_url, username=user,
                      password=token.get_secret_value(), **common)


class ConfluenceCalls:
    """GETs that raise the contract's errors with a message an operator can act on."""

    def __init__(self, client: Any, options: ConfluenceOptions) -> None:
        self.client = client
        self.options = options

    def get(self, path: str, what: str, params: dict[str, Any] | None = None) -> Any:
        """The JSON answer of one GET (``path`` relative to the base URL)."""
        response = self._send(path, what, params)
        try:
            return response.json()
        except ValueError as exc:
            raise Malformed(f"Confluence answered {what} with something that is not JSON") from exc

    def download(self, path: str, what: str) -> bytes:
        """The raw bytes behind ``path`` (an attachment's ``_links.download``)."""
        return bytes(self._send(path, what, None).content)

    def pages(self, path: str, what: str, params: dict[str, Any]) -> Iterator[list[Any]]:
        """Each page of ``results``, following ``_links.next`` (start/limit on DC, a cursor
        on Cloud: the server writes the link, so both work the same)."""
        url: str | None = path
        query: dict[str, Any] | None = {"limit": self.options.page_size, **params}
        while url:
            data = self.get(url, what, query)
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise Malformed(f"Confluence answered {what} without results")
            yield data["results"]
            url, query = (data.get("_links") or {}).get("next"), None

    def _send(self, path: str, what: str, params: dict[str, Any] | None) -> Any:
        import requests

        try:
            response = self.client.get(path.lstrip("/"), params=params, advanced_mode=True)
        except requests.Timeout as exc:
            raise timed_out("Confluence", what) from exc
        except requests.RequestException as exc:
            raise Unavailable(f"Confluence could not be reached for {what}: {exc!r}") from exc
        if response.status_code >= 400:
            raise fault_for_status(response.status_code, response.headers, service="Confluence",
                                   what=what, auth_fix=self._auth_fix(), body=response.text)
        return response

    def _auth_fix(self) -> str:
        if self.options.cloud:
            return (f"the API token in {self.options.token_env} (for the user in "
                    f"{self.options.user_env}) was refused or cannot read it; set a new one")
        return (f"the personal access token in {self.options.token_env} was refused or "
                "cannot read it; set a new one")
