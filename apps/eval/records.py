"""Results as they arrive: one JSON line per item, appended, so a killed run can resume."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Generic, Literal, TypeVar

import structlog
from pydantic import BaseModel, Field, ValidationError

log = structlog.get_logger("apps.eval")
PairOutcome = Literal["correct", "wrong", "AA", "BB", "other", "error"]
OUTCOMES: tuple[PairOutcome, ...] = ("correct", "wrong", "AA", "BB", "other", "error")
REPLY_CHARS = 2000


class VerdictRecord(BaseModel):
    """One order's verdict. In order ``AB`` the correct candidate was shown as A."""

    order: Literal["AB", "BA"]
    label: str
    path: Literal["constrained", "deterministic", "llm", "none"]
    llm_used: bool
    latency_s: float
    reply: str = Field("", description=f"the judge's reply, first {REPLY_CHARS} characters")


class PairRecord(BaseModel):
    """One item judged by one (environment, backend)."""

    env: str
    backend: str
    model: str = ""
    item_id: str
    outcome: PairOutcome
    verdicts: list[VerdictRecord] = Field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    started: float
    finished: float
    error_type: str = ""
    error: str = ""
    session: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.env, self.backend, self.item_id)


R = TypeVar("R", bound=BaseModel)


class ResultLog(Generic[R]):
    """An append-only JSONL file of records; a torn last line (a kill mid-write) is dropped."""

    def __init__(self, path: Path, model: type[R]) -> None:
        self.path = path
        self.model = model
        self._file: io.TextIOWrapper | None = None

    def load(self) -> list[R]:
        """Every whole record already written, repairing a torn tail first."""
        if not self.path.exists():
            return []
        self._drop_torn_tail()
        records = []
        with self.path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                try:
                    records.append(self.model.model_validate(json.loads(line)))
                except (json.JSONDecodeError, ValidationError):
                    log.warning("eval_result_unreadable", file=str(self.path), line=number)
        return records

    def _drop_torn_tail(self) -> None:
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            with self.path.open("r+b") as f:
                f.truncate(keep)
            log.warning("eval_result_torn_line_dropped", file=str(self.path))

    def append(self, record: R) -> None:
        """Write ``record`` as one line and flush it to the OS before returning."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(record.model_dump_json() + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def latest(records: list[PairRecord]) -> dict[tuple[str, str, str], PairRecord]:
    """The last record per (env, backend, item): a retried error replaces its first try."""
    return {r.key: r for r in records}
