"""Whole sections from a real collection: what a quote shows instead of a chunk."""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest import ingest
from knowledge.search import Searcher
from tests.kb.helpers import kb_settings, shared_minilm
from tests.tool_context import tool_context
from tools.search_knowledge import SearchArgs, SearchKnowledge

STEPS = "\n\n".join(
    f"Step {i}: the badge printer on floor {i} needs toner cartridge model T{i}00, which "
    f"facilities keep in the\ncabinet beside the kitchen on that floor. Ask at desk {i}."
    for i in range(1, 13)
)
DOC = f"# Office\n\n## Printing badges\n\n{STEPS}\n\n## Parking\n\nBikes go in the basement.\n"


async def search_printing(tmp_path: Path) -> tuple[Path, list[str]]:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    (folder / "office.md").write_text(DOC)
    settings = kb_settings(tmp_path / "data", chunk_tokens=96, overlap_tokens=24)
    ingest(settings, [folder], embedder=shared_minilm(), progress=False)
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    return folder / "office.md", [s.text for s in (await tool.run(
        SearchArgs(query="toner cartridge for the badge printer"), tool_context())).sources]


async def test_a_passage_comes_with_its_whole_section_from_the_file(tmp_path: Path) -> None:
    await search_printing(tmp_path)
    settings = kb_settings(tmp_path / "data", chunk_tokens=96, overlap_tokens=24)
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    out = await tool.run(SearchArgs(query="toner cartridge model T700"), tool_context())
    best = out.sources[0]
    assert best.heading == "Office › Printing badges"
    assert len(best.text) < len(STEPS), "the chunk is a part of the section"
    assert best.section == STEPS, "the section exactly as the file has it"
    assert "section" not in best.model_dump(), "never sent or stored"


async def test_without_the_file_the_section_is_put_together_from_its_chunks(
    tmp_path: Path,
) -> None:
    path, _ = await search_printing(tmp_path)
    path.unlink()  # moved since ingestion: only the index has the text
    settings = kb_settings(tmp_path / "data", chunk_tokens=96, overlap_tokens=24)
    tool = SearchKnowledge(Searcher(settings, embedder=shared_minilm()))
    out = await tool.run(SearchArgs(query="toner cartridge model T700"), tool_context())
    section = out.sources[0].section
    for i in range(1, 13):
        assert section.count(f"Ask at desk {i}.") == 1, section
    assert section.index("Step 3:") < section.index("Step 9:")
    assert "Bikes" not in section
