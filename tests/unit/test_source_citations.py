"""A synced passage's link and age reach the reader and the model: the terminal and Gradio
show the URL and the date; the prompt says how old each passage is."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.passage_age import age_note
from agents.retrieval import format_passages
from contracts.events import Source
from knowledge.search import Passage
from presenters.gradio.render import format_sources
from presenters.terminal.render import citation_line
from tools.search_knowledge import passages_output

PAGE = Source(n=1, source="https://docs.example.com/oncall", title="On-call", heading="Pager",
              text="The pager rotates weekly.", url="https://docs.example.com/oncall",
              modified="2026-03-02T09:00:00+00:00")
FILE = Source(n=2, source="docs/setup.md", heading="Slack", text="Create an app.")


def test_the_prompt_says_how_old_each_synced_passage_is() -> None:
    now = datetime(2026, 6, 2, tzinfo=UTC)
    assert age_note(PAGE.modified, now) == " (last changed 2026-03-02, 3 months ago)"
    assert age_note("2026-06-01T23:00:00+00:00", now) == " (last changed 2026-06-01, today)"
    assert age_note("", now) == "" and age_note("not a date", now) == ""
    shown = format_passages([PAGE, FILE])
    assert "[1] https://docs.example.com/oncall — Pager (last changed 2026-03-02," in shown
    assert "[2] docs/setup.md — Slack\nCreate an app." in shown


def test_the_terminal_shows_the_link_and_the_date() -> None:
    assert citation_line(PAGE) == (
        "  [1] On-call — Pager\n      https://docs.example.com/oncall · 2026-03-02")
    assert citation_line(FILE) == "  [2] docs/setup.md — Slack"


def test_gradio_links_the_page_and_dates_it() -> None:
    assert format_sources([PAGE, FILE]) == (
        "1. [On-call — Pager](https://docs.example.com/oncall) · 2026-03-02\n"
        "2. docs/setup.md — Slack")


def test_the_search_tool_passes_url_and_modified_on() -> None:
    passage = Passage(text="The pager rotates weekly.", source=PAGE.source, title="On-call",
                      heading="Pager", score=0.9, chunk_id="c1", url=PAGE.url,
                      modified=PAGE.modified)
    [source] = passages_output("pager", [passage]).sources
    assert (source.url, source.modified) == (PAGE.url, PAGE.modified)
