"""The "Slack channels" table of ``bot config show``: the policy each configured channel
gets (its own table over ``default`` over the built-in defaults), and any other channel's."""

from __future__ import annotations

from typing import Any

from config.slack_channels import DEFAULT_KEY, ChannelPolicy, merged

COLUMNS = ("channel", "respond", "sourced only", "private", "supersede", "escalate to")


def describe(policy: ChannelPolicy) -> tuple[str, ...]:
    """One row's cells for ``policy``."""
    escalate = ", ".join(policy.escalate_to) or "-"
    if policy.escalate_to:
        escalate += f" (on {', '.join(policy.escalate_on) or 'nothing'})"
    return (policy.respond, _yes(policy.only_when_sourced), _yes(policy.ephemeral_default),
            _yes(policy.supersede), escalate)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def slack_policy_lines(settings: Any) -> list[str]:
    """The table as lines; empty unless Slack is the presenter or channels are configured."""
    channels = settings.slack.channels
    if settings.presenter != "slack" and not channels:
        return []
    rows = [(key, *describe(merged(channels, key))) for key in channels if key != DEFAULT_KEY]
    rows.append(("any other channel", *describe(merged(channels, DEFAULT_KEY))))
    table = [COLUMNS, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    lines = ["", "# slack channels (direct messages: slack.answer_dms)"]
    return lines + ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                    for r in table]
