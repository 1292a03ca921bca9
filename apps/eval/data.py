"""Eval data files: JSON (a list, or an object holding one) or JSONL, one item per object."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class DataError(ValueError):
    """A data file we cannot use; the message names the file, the item and the fix."""


@dataclass(frozen=True)
class PairItem:
    """A context with one correct and one incorrect candidate."""

    id: str
    context: str
    correct: str
    incorrect: str


@dataclass(frozen=True)
class PairFields:
    """Which field of an item holds what (``eval.*_field`` settings, or CLI flags)."""

    context: str = "article_sent"
    correct: str = "correct_sent"
    incorrect: str = "incorrect_sent"
    id: str = "id"


def read_objects(path: Path) -> list[dict[str, Any]]:
    """Every item object in ``path``: a JSON list, ``{"items": [...]}``, or JSONL."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no such file. Fix: pass a JSON or JSONL file") from exc
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = _jsonl(path, text)
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        value = lists[0] if len(lists) == 1 else [value]
    objects = [v for v in value if isinstance(v, dict)]
    if len(objects) != len(value):
        raise DataError(f"{path}: every item must be a JSON object")
    return objects


def _jsonl(path: Path, text: str) -> list[Any]:
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{number}: not JSON ({exc.msg}). Fix: one JSON "
                                "object per line (JSONL), or one JSON list") from exc
    return items


def _text(path: Path, number: int, obj: dict[str, Any], field: str, flag: str) -> str:
    value = obj.get(field)
    if not isinstance(value, str) or not value.strip():
        present = ", ".join(sorted(obj)) or "none"
        raise DataError(
            f"{path}: item {number} has no text in field {field!r} (fields present: {present})."
            f" Fix: pass {flag} NAME, or set eval.{flag[2:].replace('-', '_')} in bot.toml"
        )
    return value.strip()


def item_ids(raw_ids: list[str]) -> list[str]:
    """Unique ids: a repeated id gets ``#2``, ``#3`` … in file order."""
    seen: dict[str, int] = {}
    out = []
    for raw in raw_ids:
        seen[raw] = seen.get(raw, 0) + 1
        out.append(raw if seen[raw] == 1 else f"{raw}#{seen[raw]}")
    return out


def load_pairs(path: Path, fields: PairFields, limit: int | None = None) -> list[PairItem]:
    """The pairs in ``path``; ids from ``fields.id`` or a hash of the texts (stable on resume)."""
    objects = read_objects(path)[:limit]
    rows = []
    for number, obj in enumerate(objects, 1):
        context = _text(path, number, obj, fields.context, "--context-field")
        correct = _text(path, number, obj, fields.correct, "--correct-field")
        incorrect = _text(path, number, obj, fields.incorrect, "--incorrect-field")
        raw_id = obj.get(fields.id)
        if raw_id is None:
            digest = hashlib.sha1(f"{context}\0{correct}\0{incorrect}".encode()).hexdigest()
            raw_id = digest[:12]
        rows.append((str(raw_id), context, correct, incorrect))
    if not rows:
        raise DataError(f"{path}: no items. Fix: add items, or check --limit")
    ids = item_ids([r[0] for r in rows])
    return [PairItem(i, c, ok, bad) for i, (_, c, ok, bad) in zip(ids, rows, strict=True)]
