"""The closed set of events a Session yields; every presenter renders every kind through
:class:`contracts.turn_view.TurnView`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field


class Source(BaseModel):
    """One passage an answer drew on, numbered as the answer cites it."""

    n: int
    source: str
    title: str = ""
    heading: str = ""
    score: float = 0.0
    text: str = ""
    url: str = ""  # where a colleague opens it (page URL, blob URL at a commit, permalink)
    modified: str = ""  # ISO 8601 date-time of the last change at the source, when known
    # the whole section the passage was cut from, for an answer that quotes it; kept in the
    # process (never serialised: a turn's sources stay small on the wire and in the store)
    section: str = Field("", exclude=True)
    readers: list[str] = Field(default_factory=list)  # who may read it (empty: public)

    def label(self) -> str:
        """A short human label: file, then heading when there is one."""
        return f"{self.source} — {self.heading}" if self.heading else self.source


class TextDelta(BaseModel):
    kind: Literal["text"] = "text"
    text: str


class Notice(BaseModel):
    """A remark on the answer, shown after its text (e.g. the model hit its length limit)."""

    kind: Literal["notice"] = "notice"
    text: str


class Status(BaseModel):
    kind: Literal["status"] = "status"
    text: str


class ToolCall(BaseModel):
    kind: Literal["tool_call"] = "tool_call"
    id: str
    name: str
    arguments: dict[str, Any] | str


class ToolResult(BaseModel):
    kind: Literal["tool_result"] = "tool_result"
    id: str
    name: str
    content: str
    is_error: bool = False


class ApprovalRequest(BaseModel):
    """A tool call waiting for a person's yes or no; answer with ``Session.approve(id, …)``.

    The turn waits until it is answered or ``timeout_s`` passes (then the call is denied).
    """

    kind: Literal["approval"] = "approval"
    id: str
    step_id: str  # the ToolCall this approval is for
    tool: str
    arguments: dict[str, Any] | str
    timeout_s: float


class ApprovalDecision(BaseModel):
    """How an approval ended: answered by a ``person``, ``timeout``, or the configured
    ``default`` where no person can be asked."""

    kind: Literal["approval_decision"] = "approval_decision"
    id: str
    step_id: str
    tool: str
    allowed: bool
    by: Literal["person", "timeout", "default"]
    user: str | None = None


class Sources(BaseModel):
    kind: Literal["sources"] = "sources"
    sources: list[Source]


class Usage(BaseModel):
    kind: Literal["usage"] = "usage"
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    ttft_s: float | None = None
    backend: str = ""
    model: str = ""


class Error(BaseModel):
    """A failure safe to show a user: no traceback, an id to quote to whoever runs the bot."""

    kind: Literal["error"] = "error"
    message: str
    error_id: str
    retryable: bool = False
    reason: Literal["budget"] | None = None  # "budget": a cap refused the turn (API: HTTP 429)

    @classmethod
    def apology(cls, what: str, error_id: str, retryable: bool = False) -> Error:
        """"Sorry — <what> [Please try again.] (error id: …)": the one error sentence."""
        if what[1:2].islower():  # "The model…" reads "the model…" after the dash; "API…" stays
            what = what[:1].lower() + what[1:]
        hint = " Please try again." if retryable else ""
        return cls(message=f"Sorry — {what}{hint} (error id: {error_id})", error_id=error_id,
                   retryable=retryable)


class Done(BaseModel):
    kind: Literal["done"] = "done"
    turn_id: int | None
    text: str
    interrupted: bool = False


Event = Annotated[
    TextDelta | Notice | Status | ToolCall | ApprovalRequest | ApprovalDecision | ToolResult
    | Sources | Usage | Error | Done,
    Field(discriminator="kind"),
]
