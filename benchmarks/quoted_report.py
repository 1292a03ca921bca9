"""The quoted-sections benchmark's table: per set, how often the quotes answer the question."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.honest_scoring import digest

STORED = Path(__file__).resolve().parent / "data" / "quoted_sections"
RUNS = {  # stored runs beside the sets (outputs and labels), every answer labelled alike
    "issue 25 before: 5e87a4a, its docs": "baseline_5e87a4a.json",
    "issue 25 after: 76c0986, 5e87a4a's docs": "code_only_76c0986.json",
    "issue 25 before: 5e87a4a, 76c0986's docs": "baseline_5e87a4a_todays_docs.json",
    "round 2 before: 0fa2b6b (benchmarks.md bundled)": "baseline_0fa2b6b.json",
    "round 2, benchmarks.md out, quotes as before (1f84ab3)": "docs_only_1f84ab3.json",
    "round 2, and quotes from a found opening (c6fb0b5)": "quotes_c6fb0b5.json",
    "round 2, the docs as committed (33d5f82)": "quotes_33d5f82.json",
    "round 3 before: page fusion merged (293f692), test5 written": "quotes_293f692.json",
    "round 4 before: 1b85566, test6 and test7 written": "before_round4_1b85566.json",
    "round 5 before: 1b70c50, test8 to test11 written": "before_round5_1b70c50.json",
    "round 5, first try (not shipped): words held per quote's length":
        "experiment_held_per_quote.json",
    "round 5, second try (not shipped): words held by the best stretch":
        "experiment_best_stretch.json",
    "round 5, third try (not shipped): and that stretch shown": "experiment_focus.json",
    "round 5, fourth try (not shipped): the search's first passage":
        "first_passage_code_only.json",
    "as shipped at 827f2cf, on the machine that labelled round 5":
        "shipped_827f2cf_first_machine.json",
    "round 6 before: 827f2cf on a fresh AVX2 machine, test13 written":
        "before_round6_827f2cf.json",
    "round 6 as shipped (00ad2af), on that AVX2 machine": "shipped_00ad2af_avx2_machine.json",
}
NOTE = """Issue 25's first round (the first three rows): the search *within the files found*,
which lets a quote reach a file's other sections, became hybrid like the search itself and
covers every file found, and the ranking bonuses count each question word by how few
candidate sections hold it. Those weights were chosen on dev and test, so test reads as
seen; test2 (written and labelled before that round) and test3 (written after test2's
first run) were never tuned on, but both were studied for this round's causes (test2's
n-api-conversation and n-github-repo, test3's f-eval-data), and test3's answers were read
while labelling: both are seen now.

This round (issue 25, item 4) wrote **test4** first: 15 questions on sections no other set
uses, labelled on the unchanged code (0fa2b6b) before anything changed, and never tuned
on. Two changes, each run and labelled on every set:

- `docs/benchmarks.md` is left out of the default knowledge base (the checkout's docs and
  the bundled copy; `knowledge/default_docs.py`): its lists of other corpora's questions
  and its tables are a developer's page, and they outranked answers. On its own it moves
  no figure here (f-eval-data's quote goes from two benchmarks.md sections to `bot eval
  retrieval`'s questions file, still not eval.md's Data), but it takes this page out of
  the corpus: editing the benchmark prose no longer moves near-ties of every search, as
  it did before (n-github-repo and n-message-limit were lost that way).
- A long section is quoted from its opening when the search found the opening too, not
  from the paragraph of its best-scoring passage (`agents/quoting.py`): the opening says
  what the section is and how to set it up. The rule came from test2's two misses; its
  first form (a passage beginning anywhere in the section's first block) also moved four
  answers whose "opening" was the middle of a long table, and was narrowed to the chunk
  that begins the section before any of those was labelled. Six answers now start at the
  opening; three turn from no to yes (n-github-repo, n-api-conversation, g-notion), three
  stay yes.

The last row is the same code on the docs as committed: the one-sentence edit of
knowledge-base.md's Checks for small models that describes this change (a section many
searches have among their candidates, so presumably through the word weights) moved a
near-tie of t-ask-first (test 15/15 → 14/15: README's Architecture and mcp.md's
Elicitation now quoted, slack.md's approvals not). On the fresh set the gain is small:
test4 goes from 9/15 to 10/15 (67 %), far short of the 90 % aimed at; test2 from 11/15
to 13/15. Where the misses stand (a diagnostic run ranking every candidate section as
the quote does): most answering sections *are* candidates, ranked third, just under
the second one quoted (by 0.01–0.03 of relevance: g-stats-tab, g-secrets, g-node-install;
t-ask-first's slack.md approvals; dev's gradio-start; dev's store by 0.08); g-default-kb
and n-readers rank fifth (n-readers' section is found only by the search within
access.md); g-slack-asker's is quoted, second, from the middle of a long table whose
first rows answer. Not among the candidates at all (the cause left for later): n-spaces
and f-crawl-site, whose sections a search within their one file ranks 2nd and 6th, while
the one search within all the files found (20 passages over 5–8 files) never reaches
them; and f-eval-data, whose section even a search within eval.md misses.

The row for 293f692 adds page fusion and files taking turns over the whole candidate pool
(`kb.page_weight`, `kb.candidates` 60: chosen for retrieval on two other manuals, see
`kb_generalize`), measured after both were merged. 61 of the 77 answers quote the same
sections with the same text (their labels carried over; only citation numbers and "see
also" moved); the 16 others were read and labelled. dev loses run-tests (README's
Development no longer among the two quoted), test4 keeps 10/15. Each run indexes the
bundled docs afresh, and near-ties can move between runs: g-roles quoted configuration's
pipeline section in one run and knowledge-base.md's in the next (both answer).

Round 3 wrote **test5** on that code before anything else changed: 15 questions on
sections no other set uses, 14/15 on their first run (the miss: knowledge-base.md's Ray
section for a Ray question). A change was then tried and not kept: the search's embedder
comparing each found section's heading and opening with the question, as a bonus in
near-ties (chosen on dev..test4: test4 10 → 11/15, test5 unchanged at 14/15), because the
first search over new sections paid 126 ms on a quiet machine against a 75 ms search.
The last row is the code as shipped, after this round's documentation edits elsewhere
(api.md, architecture.md, reliability.md, gradio.md): 20 answers moved, all read and
labelled; test5 loses h-mcp-tools-offered (mcp.md's opening, naming the two tools, gave
way to its section on *using* other servers' tools): **13/15 (87 %)** on the freshest set,
short of 90 %. Near-ties that move with unrelated edits are the main cause left.

Round 4 wrote **test6** first, on the code as shipped (bc04e16) before anything changed:
15 questions on sections no other set uses (operations.md has none left), labelled on
their first run and never tuned on: **10/15 (67 %)**. Of the five misses, three are
ranking (README's opening and sources.md's Hosted services third, each 0.008 under the
second quoted; slack.md's Settings fifth) and two are a new kind: the answering section
is ranked first and quoted from its opening, but the answering lines lie past the quote's
length limit (gradio.md's Using the page stops before its *undo* bullet, security.md's
Fuzzing every door before its "Run them bigger" commands).

**test7**, 15 more written before round 4's quote changes (on sections no other set uses,
or on a detail of a used one no other question asks about, many deep in a long section),
was labelled on its first run on the same code and docs (1b85566, stored as round 4's
before): **11/15 (73 %)**. The misses: reliability.md's Try it yourself ranked a close
third (0.007 under the second quoted); knowledge-base.md's Searching: hybrid retrieval
ranked first but quoted from its lexical-index paragraph and cut just before the reranker
paragraph that answers; gradio.md's Configuration (the `examples` row) ranked eighth; and
README's Architecture (why `bot --help` starts fast) eleventh.

Round 4's quote change (after test6 and test7 were written and labelled): when a long
section's best passage lies further on than a quote from its opening reaches, the quote
shows two thirds of its room from the opening, "(…)", and the paragraphs from that passage
on (agents/quoting.py). 32 answers moved, all read and labelled again: gradio.md's
*undo* bullet (test6 i-take-back), slack.md's "asks as the channel" (test4 g-slack-asker)
and operations.md's masked secrets (test4 g-secrets) are now shown, and no answer was
lost; the fresh test7 stayed at 11/15. Then knowledge-base.md's own text on quoting was
brought up to date, and that edit moved 15 answers (read and labelled): README's
Development now answers dev's run-tests, and test7's j-reranker quotes the reranker
paragraph (now that section's best passage): test7 12/15. Describing this round's two
other changes in knowledge-base.md (coverage from the files' other sections; each clause
of a sentence checked) moved 44 more answers over two edits, all read and labelled: test7
lost j-reranker again and j-support-share (the long Checks section's quote now stops
before the bullet that answers), test6 gained i-what-is and i-missing-client, test lost
t-judge. Last, a passage the search itself ranked (not only the section's best) counts
as the one to show after "(…)": 10 answers moved, j-reranker shows its paragraph again,
none lost. As shipped: **test7 11/15 (73 %)** — 11/15 before this round's changes too, its
answers since read while labelling —, test6 13/15, 0 unsupported quoted lines. Unrelated
edits of the bundled docs move a quarter of the answers and about ±2 per set. The same
round made a question no ranked passage covered fall back to the found files' own
sections, and gave knowledge-base.md's ingest section a first line saying what it is for
("How do I add my own documents?" quotes `bot ingest` first): no stored answer moved.
Short of 90 % on a fresh set: the misses left are ranking (close thirds, sections ranked
eighth and eleventh), and a paragraph the search did not rank best in its section.

Round 5 wrote four more sets of 15, each on sections no other set uses or on details no
other question asks, each labelled on the unchanged code (1b70c50) before the try it
preceded: **test8** and **test9** before the first try (test8's misses, a long section
outranking the short one that answers, gave the idea), **test10** before the second,
**test11** before the third. On the shipped code they read **12/15, 11/15, 13/15 and 11/15
(47/60, 78 %)**. Three changes of the ranking bonus for the question's words, each run on
every set, every changed answer read and labelled, stored above; none is shipped:

- *first try*: a section's share of the question's words scaled by 1,600 (a quote's
  length) / its length, as BM25 scales a word's count by the document's length. 77 answers
  moved: five misses fixed (gradio.md's Feedback, Searching from the shell, Try it
  yourself, the MCP server's tools, how to compare two models), five answers lost, four of
  them a long section that did answer deep inside (Budgets and limits, access.md's Figures,
  Permission sync, the reranker paragraph) and README's model name: 126 → 126 of the 137
  answers it ran on; test9, fresh, 11 → 11.
- *second try*: the share held by the section's best stretch a quote can show (consecutive
  paragraphs, items or rows up to 1,600 characters) instead of by the whole section. 15
  moved: +1 (test5's MCP server tools), −1 (test10's who approves a tool behind the API,
  written before this try: the Approvals section now outranks the bullet that answers
  it, and its quote stops before the table's row for presenters without a person).
- *third try*: the second, and a long section's quote shows that stretch after "(…)"
  when it lies past the part shown. 27 moved: +1 −2 (test11's "Is a presenter allowed to
  write to the store?", written before it, lost: the stretch holding most of the
  question's words, "Reports read the store", replaced the bullet that answers, "a
  presenter never touches the store").

What they show: among the sections the search finds, which one (and which paragraph of
it) answers is a near-tie that counting the question's words does not break; each count
that fixes a miss loses an answer of the same kind elsewhere. The index build is not
deterministic either (Chroma's graph is built by several threads): two runs of the same
code and docs differed in one second quote (test10's m-embedded-many, yes both times),
so a set can move by one answer with nothing changed.

A fourth try used a signal the word counts do not: the search's own order. A section's
search score is its passage's cosine similarity, the vectors' view alone, while the search
ordered its passages by the vectors, BM25, exact identifiers and whole pages
(knowledge-base.md); where the search's first passage answered, the quote missed it twice
(test's t-ask-first, test8's Searching from the shell). So the section of the search's
first passage got a bonus of 0.05, as much as steps, set before any run. **test12**, 15
more, was written and labelled on the unchanged code before it ran: 13/15. 32 answers
moved, every one read: two misses fixed (test5's MCP server tools, test8's Searching from
the shell), none lost by the label, test12 13 → 13. It is not shipped all the same: the
test suite's first-answer check failed (`tests/integration/test_first_answer_bundled.py`):
"Which tokens does the Slack app need?" now quoted sources.md's section on *reading* Slack
threads first, the search's first passage, ahead of slack.md's tokens step. The label
still said yes (the step is quoted second), but that is the answer issue 25 set out to
stop. The search's first passage is as often the page that merely names the question's
subject as the one that answers it.

As shipped the code is the code before this round; the docs changed by one sentence
(knowledge-base.md's count of these questions), which moved 5 answers, all read: **163/197
as before this round, the five round-5 sets 60/75 (80 %)**; 0 unsupported quoted lines
throughout.

**The same code on another machine.** The next session ran this benchmark on a fresh
machine (AMD EPYC, 2 cores, AVX2 without AVX-512 or VNNI, as the machine issue 24 was
measured on; a new `make setup-dev`), with the commit, docs and questions of the row above
it. 45 of the 197 answers quoted other sections and 20 more other paragraphs of the same
sections; two runs there agreed with each other (one answer's second quote differed in one
paragraph). The search's own passages differ: "How do I connect it to Slack?" still quotes
slack.md's steps 2 and 3, but its fourth passage is knowledge-base.md's Checks for small
models where it was README's Two commands. Near-ties again: the int8 embedder's vectors
agree with the original model's to a mean cosine of 0.991 (min 0.978, 286 paragraphs of
the bundled docs), so vectors computed by another CPU's kernels can swap neighbours whose
scores differ in the third decimal. Every one of the 65 answers was read and labelled
there: **159/197, the round-5 sets 57/75 (76 %)** (test8 12, test9 11, test10 11, test11
11, test12 12), 0 unsupported lines; the row above keeps the first machine's answers and
labels. What a user sees, then, depends on the CPU as much as on any of the tries above;
the figure to judge the quotes by is the range over machines, here 76–80 % on the round-5
sets.

**Round 6: a long table's asked rows.** Of the 38 misses on that machine, eleven quoted
the right section but not the part that answers, and in seven of them that part was a
table row or the text after a table: a long section is cut at 1,600 characters, so a
thirty-row settings table showed its first dozen rows and never `rerank_candidates`. **test13** came
first: 15 questions, one on each bundled page, written and labelled on the unchanged code
(11/15). The change (`agents/table_rows.py`): in a section too long to quote whole, a table
of more than six rows keeps its header and the rows holding two of the question's words
that fewer than half its rows hold (numbers count: a status code), or whose first cell the
question names (`gemini`), "| … |" for the rows left out; a table without such a row stays
as it was. A first version kept rows holding one such word and shrank Slack's scope table
to `app_mentions:read` for "Which tokens does the Slack app need?" (the "app"), and one
requiring two words dropped Gemini's own row for the Vertex row that also says "model":
both were seen in its first run, before any label, and the rule changed to the one above.

- Code alone (the docs as before): 36 answers moved, every one read. Three misses fixed:
  test10's reranker candidates (the Settings row), test11's SDK retries (the Errors table
  cut down to two rows, so the paragraph after it, `x-should-retry: false`, fits) and
  test11's long Retry-After (the fault matrix's row for a 429 asking for a long wait).
  None lost; test13 11 → 11. test10's headless approvals flips between a yes and a no
  from run to run, with the change and without it (the index build above).
- With knowledge-base.md describing it (one sentence in Checks for small models), 41
  answers moved, all read: dev's "How do I run the test suite?" lost README's
  Development to the PostgreSQL tests' section, test10's reranker question lost the
  Settings section from the two quoted (the row is right when it is quoted), and test8's
  thumbs question won gradio.md's Feedback.

As shipped, on that machine: **162/197 on the thirteen earlier sets (159 on the same
machine before), the round-5 sets 61/75 (81 %), test13 11/15 (73 %)**, 0 unsupported quoted
lines. The rows a quote keeps are now the ones asked about; which sections are quoted is
still the near-tie every edit of the docs moves.

A third machine (AMD EPYC whose CPU has AVX-512, the next session's), the same code and
docs: 41 of the 212 answers quoted other sections and 10 more other paragraphs of the same
ones (the embedder's int8 kernels differ by CPU; see the first-machine row). All 51 were
read and labelled: **165/197 on the thirteen earlier sets, the round-5 sets 62/75 (83 %),
test13 11/15 (73 %)** (the row "as shipped (this run)"). The column of unsupported quoted
lines had counted the "| … |" row a cut-down table shows where rows were left out (the
answer's own markup, like "…"), so the page showed 3 to 11 per set beside prose saying 0;
it no longer counts it, and every set has 0."""


def history(records: list[dict[str, Any]], labels: dict[str, Any]) -> str:
    """Before and after, per set: the stored runs, then this run."""
    def answered(outputs: list[dict[str, Any]], marks: dict[str, Any], name: str) -> str:
        mine = [labelled(r, marks) for r in outputs if r["set"] == name]
        return f"{sum(v is True for v in mine)}/{len(mine)}" if mine else "—"

    def figures(outputs: list[dict[str, Any]], marks: dict[str, Any]) -> str:
        return " | ".join(answered(outputs, marks, name) for name in SETS)

    stored = {run: json.loads((STORED / name).read_text()) for run, name in RUNS.items()}
    rows = [f"| {run} (`{RUNS[run]}`) | {figures(d['outputs'], d['labels'])} |"
            for run, d in stored.items()]
    return "\n".join(["Before and after, per set (quoted sections answer, hand label):", "",
                      f"| run | {' | '.join(SETS)} |", "|---" * (len(SETS) + 1) + "|", *rows,
                      f"| as shipped (this run) | "
                      f"{figures(records, labels)} |", "", NOTE])


SETS = {"dev": "dev (17 questions the weights were chosen on)",
        "test": "test (15, written afterwards; seen: its misses were studied in issue 25)",
        "test2": "test2 (15, written before issue 25's fix; seen: its misses were studied)",
        "test3": "test3 (15, written after test2's first run; seen: answers read)",
        "test4": "test4 (15, written and labelled before round 2's changes; fresh until round 3)",
        "test5": "test5 (15, written and labelled before round 3; fresh until round 4)",
        "test6": "test6 (15, written and labelled before round 4; fresh)",
        "test7": "test7 (15, written and labelled before round 4's quote changes; fresh)",
        "test8": "test8 (15, written and labelled before round 5's first try; its misses studied)",
        "test9": "test9 (15, written and labelled before round 5's first try; seen since)",
        "test10": "test10 (15, written and labelled before round 5's second try; seen since)",
        "test11": "test11 (15, written and labelled before round 5's third try; seen since)",
        "test12": "test12 (15, written and labelled before round 5's fourth try; seen since)",
        "test13": "test13 (15, written and labelled before round 6's try)"}


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f} %)" if whole else "—"


def row(name: str, records: list[dict[str, Any]], labels: dict[str, Any],
        unsupported: Callable[[dict[str, Any]], list[str]]) -> str:
    """One table row: the hand label, the gold file quoted first, unsupported lines."""
    judged = [v for v in (labelled(r, labels) for r in records) if v is not None]
    answers = sum(judged)
    first = sum(bool(r["quoted"]) and r["quoted"][0]["source"].endswith(r["doc"])
                for r in records)
    lines = sum(len(unsupported(r)) for r in records)
    return (f"| {SETS[name]} | {pct(answers, len(judged))} | {len(records) - len(judged)} | "
            f"{pct(first, len(records))} | {lines} |")


def table(records: list[dict[str, Any]], labels: dict[str, Any],
          unsupported: Callable[[dict[str, Any]], list[str]]) -> str:
    head = (
        "The answer in the documents' own words (what the embedded model's answer falls back "
        "to), built as the checked pipeline builds it, for each question of "
        "`benchmarks/data/quoted_sections` (`benchmarks/quoted_sections.py`): hand label "
        "\"the quoted sections answer the question\", the expected file quoted first, and "
        "quoted lines not found in their section (unsupported; must be 0).\n\n"
        "| set | quoted sections answer (hand label) | unlabelled | expected file first "
        "| unsupported quoted lines |\n|---|---|---|---|---|"
    )
    rows = [row(name, [r for r in records if r["set"] == name], labels, unsupported)
            for name in SETS]
    misses = [f"- {r['set']} `{r['id']}` ({r['question']}): {labels[r['id']]['why']}"
              for r in records if labelled(r, labels) is False]
    tail = ["", "Labelled *no*:", *misses] if misses else []
    return "\n".join([head, *rows, *tail, "", history(records, labels)])


_CITATION = re.compile(r"\[\d+\]")


def body(answer: str) -> str:
    """The answer's digest without its citation numbers and its "See also" line: the same
    sections quoted with the same text, numbered otherwise, are the same answer."""
    kept = [line for line in answer.splitlines() if not line.startswith("See also [")]
    return digest(_CITATION.sub("[]", "\n".join(kept)))


def labelled(record: dict[str, Any], labels: dict[str, Any]) -> bool | None:
    """The hand label of this very answer (or of one that differs only in its citation
    numbers and "See also" line); None when unlabelled or the answer changed (an old label
    of another answer is never listed as this one's)."""
    entry = labels.get(record["id"], {})
    same = entry.get("sha") == digest(record["answer"]) or entry.get("body") == body(
        record["answer"])
    return bool(entry["answers"]) if entry and same else None
