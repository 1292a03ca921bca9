"""Which person each GitHub login is: the e-mails GitHub shows for it, read by a permission
pass so that alice asking as ``user:alice@example.com`` reads what her login may.

For an organisation, GraphQL ``membersWithRole`` with each member's
``organizationVerifiedDomainEmails`` (addresses in the organisation's verified domains; the
token needs ``read:org``); for a login that names no such e-mail (an outside collaborator,
a user-owned repo, a token without ``read:org``), the public ``email`` of
``GET /users/{login}``. A login GitHub shows no e-mail for stays unlinked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import structlog

from sources.github_client import GitHubCalls
from sources.model import SourceError

log = structlog.get_logger("sources.github")

MEMBERS = """
query($org: String!, $after: String) {
  organization(login: $org) {
    membersWithRole(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { login email organizationVerifiedDomainEmails(login: $org) }
    }
  }
}
"""


def login_emails(calls: GitHubCalls, orgs: Iterable[str],
                 logins: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``user:<login>`` -> its ``user:<e-mail>`` ids, for the members of ``orgs`` and the
    other ``logins`` (reader strings ``user:<login>``) GitHub shows an e-mail for."""
    found: dict[str, tuple[str, ...]] = {}
    for org in sorted(set(orgs)):
        found |= _org_members(calls, org)
    for login in sorted(set(logins) - set(found)):
        found |= _public_email(calls, login)
    return found


def _org_members(calls: GitHubCalls, org: str) -> dict[str, tuple[str, ...]]:
    """The organisation's members with their verified-domain (else public) e-mails."""
    found: dict[str, tuple[str, ...]] = {}
    after: str | None = None
    while True:
        try:
            data = calls.graphql(MEMBERS, {"org": org, "after": after}, f"the members of {org}")
            page = data["organization"]["membersWithRole"]
        except (SourceError, KeyError, TypeError) as exc:  # no read:org, or a user's repos
            log.info("github.org_emails_unread", org=org, error=str(exc)[:200])
            return found
        found |= {f"user:{n['login']}": ids for n in page["nodes"] if (ids := _emails(n))}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def _public_email(calls: GitHubCalls, login: str) -> dict[str, tuple[str, ...]]:
    name = login.removeprefix("user:")
    try:
        user = calls.get(f"users/{name}", f"user {name}")
    except SourceError:  # gone, or not a user: it stays unlinked
        return {}
    email = user.get("email") if isinstance(user, dict) else None
    return {login: (f"user:{str(email).lower()}",)} if email else {}


def _emails(node: dict[str, Any]) -> tuple[str, ...]:
    verified = node.get("organizationVerifiedDomainEmails") or []
    listed = verified or ([node["email"]] if node.get("email") else [])
    return tuple(dict.fromkeys(f"user:{str(e).lower()}" for e in listed))
