"""Budgets and limits: token and cost caps per day and month, a request rate, who is exempt.

See docs/operations.md. A cap left out is no limit; 0 refuses every turn. Amounts take
units (``config/units.py``): tokens ``"200k"``, dollars ``"$2.50"``, rates ``"20/minute"``.
"""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, Field, field_validator

from config.units import parse_dollars, parse_rate, parse_tokens, rate_parts

Tokens = Annotated[int | None, BeforeValidator(parse_tokens)]
Dollars = Annotated[float | None, BeforeValidator(parse_dollars)]
Rate = Annotated[str | None, BeforeValidator(parse_rate)]
Metric = Literal["tokens", "cost_usd", "requests"]
Period = Literal["day", "month", "rate"]


class Limits(BaseModel):
    """The caps for one scope (each user, each space, or everyone together)."""

    model_config = {"extra": "forbid"}

    tokens_per_day: Tokens = Field(None, description='e.g. "200k"; input and output tokens')
    tokens_per_month: Tokens = Field(None, description='e.g. "4M"')
    cost_per_day: Dollars = Field(None, description='US dollars, e.g. "$2.50"')
    cost_per_month: Dollars = Field(None, description='US dollars, e.g. "$40"')
    requests: Rate = Field(None, description='turns per period, e.g. "20/minute"')

    def caps(self) -> list[tuple[str, Metric, Period, float]]:
        """(field, metric, period, cap) for each cap that is set."""
        table: list[tuple[str, Metric, Period]] = [
            ("tokens_per_day", "tokens", "day"), ("tokens_per_month", "tokens", "month"),
            ("cost_per_day", "cost_usd", "day"), ("cost_per_month", "cost_usd", "month"),
        ]
        out = [(f, m, p, float(v)) for f, m, p in table if (v := getattr(self, f)) is not None]
        if self.requests is not None:
            out.append(("requests", "requests", "rate", float(rate_parts(self.requests)[0])))
        return out

    @property
    def rate_window_s(self) -> float:
        """The period of ``requests`` in seconds (0 when unset)."""
        return float(rate_parts(self.requests)[1]) if self.requests else 0.0


class BudgetSettings(BaseModel):
    """``[budgets]``: per-user, per-space and global caps; see docs/operations.md."""

    model_config = {"extra": "forbid", "populate_by_name": True}

    user: Limits = Field(default_factory=Limits, description="each user separately")
    space: Limits = Field(default_factory=Limits, description="each space separately "
                          "(a Slack channel, a Gradio login, an API key, or a [spaces] entry)")
    global_: Limits = Field(default_factory=Limits, alias="global",
                            description="all turns of the bot together")
    admins: list[str] = Field(default_factory=list,
                              description="user ids never refused (their use still counts)")
    contact: str = Field("the people who run this bot",
                         description="who can raise a limit; named in the refusal")
    timezone: str = Field("UTC", description="days and months reset at midnight here")
    hold_tokens: int = Field(2000, ge=0, description="held for each turn in flight; see "
                             "docs/operations.md for what it bounds")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}. Fix: use an IANA name such as "
                             '"UTC" or "Europe/Berlin"') from None
        return value

    @property
    def enabled(self) -> bool:
        """Whether any cap is set here (a space's own budget is checked separately)."""
        return any(s.caps() for s in (self.user, self.space, self.global_))
