"""A long section's table quoted as the rows the question asks about."""

from __future__ import annotations

from agents.extractive import extractive_answer
from agents.quoting import quote_section
from agents.table_rows import GAP, condensed
from contracts.events import Source

SETTINGS = "\n".join([
    "Settings of the knowledge base, one per row; every one has a default.",
    "",
    "| key | default | meaning |",
    "|---|---|---|",
    *(f"| `option_{i}` | `{i}` | what option {i} changes in the index, at some length |"
      for i in range(30)),
    "| `rerank_candidates` | `20` | passages the reranker reads |",
    "| `rerank_model` | none | cross-encoder folder; none = no reranking |",
    "",
    "Errors that trying again cannot fix carry `x-should-retry: false`.",
])


def test_a_long_settings_table_shows_the_row_the_question_asks_about() -> None:
    text = quote_section(SETTINGS, "kb.md — Settings",
                         question="How many passages does the reranker read for each search?")
    assert "| `rerank_candidates` | `20` | passages the reranker reads |" in text, text
    assert "| key | default | meaning |\n|---|---|---|\n| … |" in text, "header, then a gap"
    assert "`option_3`" not in text, "rows the question does not ask about are left out"
    assert "x-should-retry: false" in text, "the paragraph after the table now fits"
    assert text.endswith("… (read on: kb.md — Settings)"), "it is not the whole section"


def test_without_the_question_the_table_is_cut_at_the_limit_as_before() -> None:
    text = quote_section(SETTINGS, "kb.md — Settings")
    assert "| `option_0` |" in text and "rerank_candidates" not in text, text


def test_a_row_named_by_the_question_is_kept_for_one_word() -> None:
    table = ("| preset | key variable | model |\n|---|---|---|\n"
             + "\n".join(f"| `p{i}` | `P{i}_KEY` | model {i} |" for i in range(8))
             + "\n| `gemini` | `GEMINI_API_KEY` | `gemini-2.5-flash` |")
    shown = condensed(table, "How do I use Gemini as the model?")
    assert "| `gemini` | `GEMINI_API_KEY` |" in shown and "`p1`" not in shown, shown


def test_one_shared_word_does_not_cut_a_table_down() -> None:
    table = ("| Scope | Why |\n|---|---|\n| `app_mentions:read` | see @mentions |\n"
             + "\n".join(f"| `scope{i}:write` | reason {i} |" for i in range(8)))
    assert condensed(table, "Which tokens does the Slack app need?") == table


def test_a_word_most_rows_hold_picks_no_row_but_a_number_does() -> None:
    rows = [f"| fault {i} | retried, then an error |" for i in range(8)]
    rows[5] = "| 500 / 503 that lasts | retried, then an error |"
    table = "| Fault | What |\n|---|---|\n" + "\n".join(rows)
    assert condensed(table, "Is a fault retried?") == table, "every row holds both words"
    shown = condensed(table, "What happens when the server returns a 500 error that lasts?")
    assert shown.split("\n")[2:] == [GAP, rows[5], GAP], shown


def test_a_short_table_is_never_cut_down() -> None:
    table = "| a | b |\n|---|---|\n| reranker reads passages | x |\n| other | y |"
    assert condensed(table, "How many passages does the reranker read?") == table


def test_the_answer_in_the_documents_words_quotes_the_asked_row() -> None:
    source = Source(n=1, source="docs/kb.md", heading="KB › Settings", score=0.6,
                    text="| `rerank_candidates` | `20` | passages the reranker reads |",
                    section=SETTINGS)
    text, _ = extractive_answer("How many passages does the reranker read?", [source])
    assert "| `rerank_candidates` | `20` |" in text, text


def test_a_table_inside_a_code_block_is_left_as_written() -> None:
    rows = "\n".join(f"| fault {i} | what the bot does |" for i in range(8))
    block = f"```console\n| Fault | What |\n|---|---|\n| 500 lasts | error |\n{rows}\n```"
    assert condensed(block, "What happens when a 500 error lasts?") == block
