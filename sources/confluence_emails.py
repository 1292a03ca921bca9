"""Which person each Confluence account is: the e-mail Confluence shows for it, read by a
permission pass so that ``user:ana@acme.example`` reads what account ``5b10ac8d…`` may.

``GET /rest/api/user?accountId=`` (Data Center: ``?username=``) answers ``email``; Cloud
leaves it empty unless the user's profile visibility (or an approved app) shows it. An
account Confluence shows no e-mail for stays unlinked: list it in ``[access.aliases]``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sources.confluence_client import ConfluenceCalls
from sources.model import SourceError


def account_emails(calls: ConfluenceCalls, cloud: bool,
                   ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``user:<accountId or username>`` -> its ``user:<e-mail>``, for each of ``ids``
    (reader strings; e-mails among them are already people) Confluence shows one for."""
    found: dict[str, tuple[str, ...]] = {}
    for ident in sorted({i for i in ids if i.startswith("user:") and "@" not in i}):
        if email := _email(calls, cloud, ident.removeprefix("user:")):
            found[ident] = (f"user:{email.lower()}",)
    return found


def _email(calls: ConfluenceCalls, cloud: bool, account: str) -> str:
    params = {"accountId": account} if cloud else {"username": account}
    try:
        user = calls.get("rest/api/user", f"user {account}", params)
    except SourceError:  # gone, or hidden from this account: it stays unlinked
        return ""
    return str(user.get("email") or "") if isinstance(user, dict) else ""
