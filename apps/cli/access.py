"""``bot access whois USER``: what a person may read, and why; ``--as`` for ask, kb search,
stats, export and eval."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    access = sub.add_parser("access", help="who may read what (docs/access.md)")
    access_sub = access.add_subparsers(dest="access_command", metavar="COMMAND", required=True)
    whois = access_sub.add_parser("whois", help="print what a person may read and why")
    whois.add_argument("user", help='an e-mail, a user id or a reader ("user:alice@example.com")')
    whois.set_defaults(handler="apps.cli.access:whois")


def whois(args: argparse.Namespace, settings: Any) -> int:
    who = principals(settings).person(args.user)
    print(who.id + ("" if who.known else "  (unknown: no group lists them)"))
    for grant in who.grants:
        print(f"  reads {grant:<40} {who.why.get(grant, 'documents shared with everyone')}")
    if not settings.access.enabled:
        print("[access] is off: every search answers from every document. "
              "Fix: [access] enabled = true")
    return 0


def principals(settings: Any) -> Any:
    """``Principals`` with the groups the sources' permission passes stored."""
    from apps.cli.sources import open_bot_store
    from bot.access import Principals, source_groups

    return Principals(settings.access, source_groups(open_bot_store(settings)))


def acting_as(settings: Any, principal: str | None) -> Any:
    """``settings`` with ``[access]`` on when ``--as`` names someone (as they would get it)."""
    if not principal:
        return settings
    access = settings.access.model_copy(update={"enabled": True})
    return settings.model_copy(update={"access": access})


def viewer(settings: Any, principal: str | None) -> Any:
    """Who views a report: the person ``--as`` names (as they would see it, [access] on or
    off), or None — the operator running ``bot`` on the server, trusted to see everything."""
    if not principal:
        return None
    return principals(settings).person(principal)
