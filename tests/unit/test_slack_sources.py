"""Sources as Slack shows them: linked context elements, URL source elements, plan tasks."""

from __future__ import annotations

from contracts.events import Source
from contracts.turn_view import ToolStep
from presenters.slack.sources import sources_block, sources_chunk, task_chunk

WEB = Source(n=1, source="wiki/vpn.md", title="VPN <setup> | how", heading="Linux",
             url="https://wiki.example.com/vpn")
FILE = Source(n=2, source="handbook.pdf", heading="Travel")
ODD = Source(n=3, source="x.md", title="Odd", url="javascript:alert(1)")


def test_context_block_links_sources_with_a_url_and_escapes_titles() -> None:
    texts = [e["text"] for e in sources_block([WEB, FILE, ODD])["elements"]]
    assert texts[0] == "*Sources*"
    assert texts[1] == "<https://wiki.example.com/vpn|[1] VPN &lt;setup&gt; ¦ how — Linux>"
    assert texts[2] == "[2] handbook.pdf — Travel"
    assert texts[3] == "[3] Odd"  # only http(s) links are made clickable


def test_long_source_lists_stay_within_a_context_block() -> None:
    many = [Source(n=i, source=f"doc{i}.md") for i in range(1, 15)]
    elements = sources_block(many)["elements"]
    assert len(elements) == 10 and elements[-1]["text"].endswith("(+5 more)")


def test_sources_task_carries_url_elements_only_for_linkable_sources() -> None:
    chunk = sources_chunk([WEB, FILE, ODD])
    assert chunk is not None and chunk["status"] == "complete"
    assert chunk["sources"] == [{"type": "url", "url": "https://wiki.example.com/vpn",
                                 "text": "[1] VPN <setup> | how — Linux"}]
    assert sources_chunk([FILE]) is None


def test_tool_steps_become_plan_tasks() -> None:
    running = task_chunk(ToolStep("c1", "search_knowledge", {"query": "vpn"}))
    assert (running["title"], running["status"]) == ("Searching the docs", "in_progress")
    done = task_chunk(ToolStep("c1", "search_knowledge", {}, result="4 passages for 'vpn'"))
    assert (done["status"], done["output"]) == ("complete", "read 4 passages")
    failed = task_chunk(ToolStep("c2", "calculator", {}, result="boom", failed=True))
    assert (failed["title"], failed["status"]) == ("Calling calculator", "error")
