"""Scoring the honest-answers runs: hand labels, an automatic proxy, routing and queries.

*Unsupported claim* (the hand label): the answer, as shown, states something as the
answer that the passages given to the model do not support, without telling the user that
the documents do not cover the question. Pleasantries and questions back are not claims; a
calculator's result is not the model's. Labels are stored per (question, mode) with a hash
of the answer they judged: a changed answer is reported as unlabelled, never judged by an
old label.

The proxy is deliberately unlike the pipeline's own (lexical) check: each sentence of the
answer that is not the bot's fixed wording is embedded with all-MiniLM-L6-v2 and compared
with every sentence of the passages; one whose best cosine similarity is below
``PROXY_MIN_SIMILARITY`` (or any claim when no passage was given) counts as unsupported.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agents.checked import NOT_COVERED
from agents.extractive import LEAD
from agents.queries import invented_words
from agents.sentences import SentenceSplitter
from agents.small_talk import is_small_talk
from agents.tools_agent import LENGTH_NOTE
from contracts.messages import ChatMessage

DATA = Path(__file__).resolve().parent / "data" / "honest_answers"
OUTPUTS = DATA / "outputs.json"
LABELS = DATA / "labels.json"
PROXY_MIN_SIMILARITY = 0.6
GROUPS = {"on-topic": "on-topic", "follow-up": "follow-ups", "off-topic": "off-topic"}
_FIXED = re.compile(
    r"^\[\d+\] [^\n]+:$|^See also \[|^\(This answer may not follow the documents closely"
)
_PASSAGE_SOURCE = re.compile(r"^\[\d+\] (\S+\.md)(?: — |$)", re.M)


METHOD = """How each figure is judged (not by the pipeline's own check, which is lexical):

- **Unsupported claim, hand labels.** Each answer of both runs was read once by a person
  next to the passages the model was given (the respond prompt, stored as `passages`),
  and labelled `unsupported` when it states as the answer something those passages do
  not say, without telling the user that the documents do not cover the question.
  Greetings, questions back to the user and a calculator's result are not claims. The
  label is stored with a hash of the answer it judged; an answer that changes in a later
  run shows as *unlabelled* until it is labelled again. `false` marks an answer that
  states something untrue, whether or not the documents cover it.
- **MiniLM proxy.** Every sentence of the answer except the bot's fixed wording is
  embedded with all-MiniLM-L6-v2 and compared with every sentence of the passages; a
  sentence whose best cosine similarity is below 0.6 (or any claim when no passage was
  given, unless the answer says the documents do not cover it) makes the answer count.
- **Routing right**: the answer drew on passages exactly when the question set says the
  bundled docs answer the question (`route` in `questions.json`).
- **Expected doc given**: a passage of the file named by `doc` was among those given.
- **Query with words nobody wrote**: a word of the searched query (stop words aside) that
  the user did not write in the conversation. With checks on this is 0 by construction
  (it is the check); the other rows say whether the replacement query still finds the
  right passages.
- **Seconds per turn** and **turns that failed** are wall time and errors on the machine
  named below, which other work shared while the runs went on (a turn failing is the
  local profile's 120 s timeout): a rough guide, not a speed figure.
- Thresholds (`min_score` 0.25, `min_support` 0.8) were chosen by looking at the model's
  output on these same questions: read the after column as a development-set figure, not
  a held-out one.

Both columns are one run of all 60 turns (about 5 minutes on a quiet machine), every answer
read and labelled; the *off* column had been a stored run of 2026-12-01 until then. The
*on* column's run before the last change to the checks (bc04e16) had one unsupported
answer: asked "Does it read PDF files?" after the ingest question, the model copied a
sentence of a passage and went on after a semicolon with a clause of its own ("…leaves it
alone; the document is returned at any time after no more data has been read from the
file"), which the copied half carried past the lexical check. A sentence now needs its
passage to hold enough of each clause's words too; re-run on that code (d5c0443), that
answer is a quote and the *on* column has no unsupported claim. The MiniLM proxy compares
an answer with the passages *the model* was given, not with the whole sections a quote
shows, so it counts most quotes as unsupported."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def group(record: dict[str, Any], case: dict[str, Any]) -> str:
    if case["route"] == "direct":
        return "off-topic"
    return "follow-up" if record["history"] else "on-topic"


def hand_label(record: dict[str, Any], labels: dict[str, Any], field: str) -> bool | None:
    """The stored label for this very answer; None when unlabelled or the answer changed."""
    entry = labels.get(f"{record['id']}|{record['mode']}")
    if not entry or entry.get("sha") != digest(record["answer"]):
        return None
    value = entry.get(field)
    return None if value is None else bool(value)


def claims(answer: str) -> list[str]:
    """The answer's sentences that state something, the bot's own fixed wording left out."""
    text = answer.replace(NOT_COVERED.strip(), "").replace(LENGTH_NOTE.strip(), "")
    text = text.replace(LEAD, "")
    splitter = SentenceSplitter()
    units = [u.strip() for u in [*splitter.feed(text), *splitter.close()]]
    return [
        u for u in units
        if len(re.findall(r"[A-Za-z]{2,}", u)) >= 3 and not u.endswith("?")
        and not is_small_talk(u) and not _FIXED.search(u)
    ]


def proxy_unsupported(record: dict[str, Any], embedder: Any) -> bool:
    """The automatic proxy: a claim no passage sentence resembles, not marked as uncovered."""
    if NOT_COVERED.strip() in record["answer"] or any(
        c["name"] == "calculator" for c in record["tool_calls"]
    ):
        return False
    said = claims(record["answer"])
    if not said:
        return False
    splitter = SentenceSplitter()
    evidence = [u.strip() for u in [*splitter.feed(record["passages"]), *splitter.close()]]
    evidence = [u for u in evidence if len(u) > 12]
    if not evidence:
        return True
    similarity = embed(embedder, said) @ embed(embedder, evidence).T
    return bool((similarity.max(axis=1) < PROXY_MIN_SIMILARITY).any())


def embed(embedder: Any, texts: list[str]) -> np.ndarray:
    """Unit vectors of ``texts``, each cut to what the model reads (a long code block)."""
    return np.stack([np.asarray(embedder.embed_query(t)) for t in texts])


def routed_to_docs(record: dict[str, Any]) -> bool:
    return bool(record["passages"])


def expected_doc_given(record: dict[str, Any], case: dict[str, Any]) -> bool:
    return any(p.endswith("/" + case["doc"]) for p in _PASSAGE_SOURCE.findall(record["passages"]))


def invented_query(record: dict[str, Any]) -> bool | None:
    """Whether the search used words nobody wrote in the conversation (None: no search)."""
    queries = [c["arguments"]["query"] for c in record["tool_calls"] if c["name"] != "calculator"]
    if not queries:
        return None
    history = [ChatMessage(role=m["role"], content=m["content"]) for m in record["history"]]
    return bool(invented_words(queries[0], record["question"], history))


def rate(values: Sequence[bool | None], unknown: str = "unlabelled") -> str:
    """``k/n (p%)`` over the known values, with the unknown ones counted apart."""
    known = [v for v in values if v is not None]
    if not known:
        return "—"
    text = f"{sum(known)}/{len(known)} ({100 * sum(known) / len(known):.0f}%)"
    missing = len(values) - len(known)
    return text + (f", {missing} {unknown}" if missing else "")


def mode_figures(records: list[dict[str, Any]], cases: dict[str, Any], labels: dict[str, Any],
                 embedder: Any) -> dict[str, str]:
    """One column of the table: every figure for the runs of one mode."""
    by_group = {g: [r for r in records if group(r, cases[r["id"]]) == g] for g in GROUPS}
    proxy = [proxy_unsupported(r, embedder) for r in records]
    hand = [hand_label(r, labels, "unsupported") for r in records]
    agree: list[bool | None] = [
        None if h is None else h == p for h, p in zip(hand, proxy, strict=True)]
    kb_cases = [r for r in records if cases[r["id"]]["route"] == "kb"]
    figures = {"answers with an unsupported claim (hand labels)": rate(hand)}
    for name, title in GROUPS.items():
        figures[f"… {title} ({len(by_group[name])})"] = rate(
            [hand_label(r, labels, "unsupported") for r in by_group[name]])
    figures |= {
        "answers with a false statement (hand labels)": rate(
            [hand_label(r, labels, "false") for r in records]),
        "answers with an unsupported claim (MiniLM proxy)": rate(proxy),
        "proxy agrees with the hand label": rate(agree),
        "routing right (documents used iff the question is about them)": rate(
            [routed_to_docs(r) == (cases[r["id"]]["route"] == "kb") for r in records]),
        "expected doc among the passages given (on-topic and follow-ups)": rate(
            [expected_doc_given(r, cases[r["id"]]) for r in kb_cases]),
        "searches whose query has words the user never wrote": rate(
            [invented_query(r) for r in records], "without a search"),
        "answers that quote the documents (extractive fallback)": rate(
            [LEAD in r["answer"] for r in records]),
        "median seconds per turn": f"{statistics.median(r['seconds'] for r in records):.1f}",
        "turns that failed": str(sum(1 for r in records if r["error"])),
    }
    return figures


def report() -> str:
    """The Markdown section: stored outputs scored against the stored labels and the proxy."""
    from benchmarks.kb_common import our_embedder

    records = json.loads(OUTPUTS.read_text())
    cases = {c["id"]: c for c in json.loads((DATA / "questions.json").read_text())}
    asked = len(cases)
    # side by side: only questions answered in both modes count (a run may have been cut)
    both = {r["id"] for r in records if r["mode"] == "off"} & {
        r["id"] for r in records if r["mode"] == "on"}
    records = [r for r in records if r["id"] in both]
    cases = {k: v for k, v in cases.items() if k in both}
    labels = json.loads(LABELS.read_text()) if LABELS.exists() else {}
    embedder = our_embedder()
    before, after = (
        mode_figures([r for r in records if r["mode"] == m], cases, labels, embedder)
        for m in ("off", "on")
    )
    rows = "\n".join(f"| {name} | {before[name]} | {after[name]} |" for name in before)
    return (
        "## Honest answers on the embedded model: pipeline checks off vs on\n\n"
        f"SmolLM2-135M-Instruct (`local` profile, temperature 0) over the bundled docs, "
        f"{len(cases)} of the {asked} questions of `benchmarks/data/honest_answers/questions.json`"
        " asked "
        "through `session.send`, once with `pipeline.checks = \"off\"` (the behaviour before "
        "the checks) and once with `\"on\"`. Outputs: `outputs.json`; hand labels: "
        "`labels.json`; how each figure is judged: `benchmarks/honest_scoring.py`.\n\n"
        "| | before: checks off | after: checks on |\n|---|---|---|\n" + rows + "\n\n"
        + METHOD
    )
