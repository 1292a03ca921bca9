"""Hand labels for the honest-answers benchmark: show what needs a label, store a label.

    python -m benchmarks.honest_labels show            # every unlabelled answer, in full
    python -m benchmarks.honest_labels set ID MODE unsupported=yes|no false=yes|no "why"

A label is stored with the hash of the answer it judged (see benchmarks/honest_scoring.py),
so it never silently applies to a different answer.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from benchmarks.honest_scoring import LABELS, OUTPUTS, digest


def load() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    labels = json.loads(LABELS.read_text()) if LABELS.exists() else {}
    return json.loads(OUTPUTS.read_text()), labels


def show() -> None:
    records, labels = load()
    for record in records:
        entry = labels.get(f"{record['id']}|{record['mode']}", {})
        if entry.get("sha") == digest(record["answer"]):
            continue
        sys.stdout.write(
            f"\n=== {record['id']} {record['mode']}: {record['question']}\n"
            f"--- queries: {[c['arguments'] for c in record['tool_calls']]}\n"
            f"--- passages given:\n{record['passages'] or '(none)'}\n"
            f"--- answer:\n{record['answer']}\n"
        )


def store(case_id: str, mode: str, fields: list[str]) -> None:
    records, labels = load()
    record = next(r for r in records if r["id"] == case_id and r["mode"] == mode)
    entry: dict[str, Any] = {"sha": digest(record["answer"])}
    for field in fields:
        name, sep, value = field.partition("=")
        if sep and name in ("unsupported", "false"):
            entry[name] = value == "yes"
        else:
            entry["why"] = field
    labels[f"{case_id}|{mode}"] = entry
    LABELS.write_text(json.dumps(labels, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["show"]:
            show()
        case ["set", case_id, mode, *fields]:
            store(case_id, mode, fields)
        case _:
            raise SystemExit(__doc__)
