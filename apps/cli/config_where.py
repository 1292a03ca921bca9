"""The "what applies where" table of ``bot config show``: each space's members and what
they get (collection, primary profile, prompts, budget), every other place, users, all."""

from __future__ import annotations

from typing import Any

from config.budgets import Limits

COLUMNS = ("place", "space", "collection", "primary", "prompts", "budget")


def describe_limits(limits: Limits) -> str:
    """``"200,000 tokens a day, $20.00 a month, 20 requests a minute"``, or ``"no limit"``."""
    parts = []
    for _, metric, period, cap in limits.caps():
        if metric == "requests":
            count, _, per = (limits.requests or "").partition("/")
            parts.append(f"{count} requests a {per}")
        else:
            amount = f"${cap:,.2f}" if metric == "cost_usd" else f"{int(cap):,} tokens"
            parts.append(f"{amount} a {period}")
    return ", ".join(parts) or "no limit"


def rows(settings: Any) -> list[tuple[str, ...]]:
    """One row per space member, then one for every other place."""
    out: list[tuple[str, ...]] = []
    for name, space in settings.spaces.items():
        budget = space.budget if space.budget is not None else settings.budgets.space
        shared = " (shared)" if len(space.members) > 1 and budget.caps() else ""
        for member in space.members:
            out.append((member, name, space.collection or settings.kb.collection,
                        space.primary or settings.roles.primary,
                        ", ".join(sorted(space.prompts)) or "-",
                        describe_limits(budget) + shared))
    each = " each" if settings.budgets.space.caps() else ""
    out.append(("any other place", "-", settings.kb.collection, settings.roles.primary, "-",
                describe_limits(settings.budgets.space) + each))
    return out


def applies_where(settings: Any) -> list[str]:
    """The table as lines, then users' and everyone's budgets and who is exempt."""
    table = [COLUMNS, *rows(settings)]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    lines = ["", "# what applies where"]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in table]
    b = settings.budgets
    lines.append(f"each user: {describe_limits(b.user)}; all turns together: "
                 f"{describe_limits(b.global_)}")
    lines.append(f"exempt: {', '.join(b.admins) or 'nobody'}; to raise a limit: {b.contact}")
    return lines
