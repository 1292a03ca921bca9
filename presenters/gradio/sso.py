"""Who is signed in on the Gradio page: its own login, or the e-mail a company SSO proxy
puts in a header — believed only from the proxy's configured addresses (``[access]
trusted_proxies``), as such proxies are deployed; anyone else sending it is refused and
logged."""

from __future__ import annotations

import ipaddress
from typing import Any

import structlog

from config.access import AccessSettings

log = structlog.get_logger("presenters.gradio")


def signed_in(request: Any, access: AccessSettings) -> str | None:
    """The login (Gradio's own sign-in first), the proxy's e-mail header, or None."""
    login = getattr(request, "username", None) if request is not None else None
    if login or request is None:
        return login
    email = (getattr(request, "headers", None) or {}).get(access.email_header.lower())
    if not email:
        return None
    address = str(getattr(getattr(request, "client", None), "host", "") or "")
    if from_proxy(address, access.trusted_proxies):
        return str(email).strip()
    log.warning("access_proxy_header_refused", header=access.email_header, address=address,
                fix="only [access] trusted_proxies may name the user; add the proxy's address")
    return None


def from_proxy(address: str, proxies: list[str]) -> bool:
    """Whether ``address`` is one of ``proxies`` (addresses or networks)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)
