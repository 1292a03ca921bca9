"""Which path reads a judge's verdict: the deterministic rules, or the LLM fallback?

Both verdict sets in ``tests/fixtures`` run through the rules as they were before the
widening (``judging/label_rules.py`` at commit ``BASELINE``, loaded from git) and as they
are now, side by side. A verdict the rules leave undecided costs one extractor call; a
label given to a hedge is a guess, which the rules must never make.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from judging.label_rules import extract_label

BASELINE = "4bcbe5a"
ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "judge_verdicts.json (the set the rules were widened against)": "judge_verdicts.json",
    "judge_verdicts_fresh.json (written after, never tuned on)": "judge_verdicts_fresh.json",
}
Rules = Callable[[str, list[str]], str | None]


def baseline_rules() -> Rules:
    """``extract_label`` as it was at ``BASELINE`` (a single self-contained module then)."""
    source = subprocess.run(["git", "show", f"{BASELINE}:judging/label_rules.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_label_rules.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("baseline_label_rules", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.extract_label  # type: ignore[no-any-return]


def score(rules: Rules, verdicts: list[dict]) -> dict[str, int]:
    """Counts: decided right, decided wrong, left to the LLM, hedges kept undecided/guessed."""
    out = {"right": 0, "wrong": 0, "llm": 0, "hedge_kept": 0, "hedge_guessed": 0}
    for v in verdicts:
        got = rules(v["text"], v["labels"])
        if v["expected"] is None:
            out["hedge_kept" if got is None else "hedge_guessed"] += 1
        elif got is None:
            out["llm"] += 1
        else:
            out["right" if got == v["expected"] else "wrong"] += 1
    return out


def _row(name: str, c: dict[str, int]) -> str:
    decided = c["right"] + c["wrong"] + c["llm"]
    return (f"| {name} | {c['right']} ({100 * c['right'] / decided:.0f}%) | {c['wrong']} "
            f"| {c['llm']} ({100 * c['llm'] / decided:.0f}%) | {c['hedge_kept']} "
            f"| {c['hedge_guessed']} |")


def run() -> str:
    before, after = baseline_rules(), extract_label
    lines = ["## Judge verdicts: decided by the rules vs left to the LLM", "",
             "Each verdict is read by the deterministic rules before the widening (commit "
             f"`{BASELINE}`) and after, side by side. *Rules* = the label came from the "
             "rules (no model call); *LLM* = the rules could not tell, so the extractor "
             "model would be asked; *hedges* must stay undecided.", ""]
    for title, filename in SETS.items():
        data = json.loads((ROOT / "tests" / "fixtures" / filename).read_text())["verdicts"]
        labelled = sum(v["expected"] is not None for v in data)
        lines += [f"### {title}: {labelled} verdicts, {len(data) - labelled} hedges", "",
                  "| rules | decided by rules (right) | wrong | left to LLM | hedges kept "
                  "undecided | hedges guessed |", "|---|---|---|---|---|---|",
                  _row("before", score(before, data)), _row("after", score(after, data)), ""]
    lines.append("On the fresh set, measured first, the widened rules also guessed B for \"A and "
                 "B are about as good as each other\" (as the old rules did: \"A\" was read as "
                 "an article); that hedge and \"A and …\" were fixed afterwards, so its row "
                 "shows 4 → 5 kept. The rest of the fresh figures are untuned.")
    return "\n".join(lines)
