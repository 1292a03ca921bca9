"""The search_knowledge tool over a real collection: passages, sources, floors, duplicates."""

from __future__ import annotations

from pathlib import Path

from bot.catalog import build_tools
from config import Settings
from knowledge.ingest import ingest
from knowledge.search import Searcher
from tests.kb.fixtures import kb_ready_fixture, search_tool_fixture  # noqa: F401
from tests.kb.helpers import kb_settings, shared_minilm
from tests.tool_context import tool_context
from tools.search_knowledge import SearchArgs, SearchKnowledge


async def test_top_passages_come_with_source_heading_and_score(
    search_tool: SearchKnowledge,
) -> None:
    args = SearchArgs(query="how much paid leave do employees get")
    out = await search_tool.run(args, tool_context())
    best = out.sources[0]
    assert best.source.endswith("vacation.md") and best.heading == "Holiday policy"
    assert "25 days" in best.text and 0 < best.score <= 1
    assert [s.n for s in out.sources] == list(range(1, len(out.sources) + 1))
    assert len(out.sources) <= 4 and "cite" in out.content


async def test_nothing_above_the_minimum_score_says_so(kb_ready: Settings) -> None:
    strict = kb_ready.model_copy(update={"kb": kb_ready.kb.model_copy(update={"min_score": 0.9})})
    tool = SearchKnowledge(Searcher(strict, embedder=shared_minilm()))
    out = await tool.run(SearchArgs(query="quantum chromodynamics of penguins"), tool_context())
    assert out.sources == [] and "No passage" in out.content


async def test_near_duplicate_passages_are_collapsed(tmp_path: Path) -> None:
    folder = tmp_path / "dups"
    folder.mkdir()
    fact = "The VPN gateway is vpn.example.com and it needs the company certificate."
    for name in ("a.md", "b.md", "c.txt"):
        (folder / name).write_text(f"{fact}\n")
    (folder / "d.md").write_text(
        "The VPN gateway is vpn.example.com; it needs the company certificate!\n"
    )
    (folder / "other.md").write_text("Printers are on the second floor next to the kitchen.\n")
    settings = kb_settings(tmp_path / "data")
    ingest(settings, [folder], embedder=shared_minilm(), progress=False)
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    out = await tool.run(SearchArgs(query="what is the VPN address", top_k=3), tool_context())
    vpn = [s for s in out.sources if "vpn.example.com" in s.text]
    assert len(vpn) == 1, [s.source for s in out.sources]


async def test_the_tool_is_built_from_settings_and_left_out_when_disabled(
    kb_ready: Settings,
) -> None:
    tools = build_tools(kb_ready)
    assert "search_knowledge" in tools
    args = SearchArgs(query="espresso machine cleaning")
    out = await tools["search_knowledge"].run(args, tool_context())
    assert out.sources[0].source.endswith("kitchen.html")
    off = kb_ready.model_copy(update={"kb": kb_ready.kb.model_copy(update={"enabled": False})})
    assert SearchKnowledge.from_settings(off) is None and "search_knowledge" not in build_tools(off)


async def test_an_empty_knowledge_base_is_not_an_error(tmp_path: Path) -> None:
    tool = SearchKnowledge(Searcher(kb_settings(tmp_path / "none"), embedder=shared_minilm()))
    out = await tool.run(SearchArgs(query="anything"), tool_context())
    assert out.sources == [] and "knowledge base is empty" in out.content
