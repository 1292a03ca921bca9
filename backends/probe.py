"""What ``bot config check`` learns about one backend profile, whatever its kind."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from contracts.secrets import redact

Verdict = Literal["ok", "warn", "fail"]


class ProbeResult(BaseModel):
    """One profile's health: reachable? model known? key accepted? and why not.

    ``None`` in ``model_listed`` / ``key_accepted`` means "could not tell" (the server lists
    no models, or no key is involved); ``detail`` is one sentence a user can act on.
    """

    profile: str
    kind: str
    target: str = Field("", description="base URL or model file probed")
    model: str = ""
    reachable: bool = False
    model_listed: bool | None = None
    key_accepted: bool | None = None
    latency_s: float | None = None
    available_models: list[str] = Field(default_factory=list)
    detail: str = ""

    @property
    def verdict(self) -> Verdict:
        if not self.reachable or self.key_accepted is False or self.model_listed is False:
            return "fail"
        return "ok" if self.model_listed else "warn"

    def line(self) -> str:
        """``[ok] openai (gpt-4o-mini at https://...): detail`` for a terminal; secrets masked
        (a server's error may quote the key it refused)."""
        where = f" at {self.target}" if self.target else ""
        return redact(f"[{self.verdict}] {self.profile} ({self.model or '?'}{where}): "
                      f"{self.detail}")
