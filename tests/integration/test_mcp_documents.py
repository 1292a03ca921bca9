"""The knowledge base's documents as MCP resources, and the prompts, through the official
client over HTTP: listed a page at a time, read by URI, a subscriber told when ``bot ingest``
changed a document; ``ask_with_sources`` carries the best passages, ``summarise_document``
the document. The knowledge base is real (Chroma, the offline MiniLM)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from config import Settings
from knowledge.ingest import ingest
from tests.integration.mcp_helpers import ALICE, BOB, client, serving_mcp, with_serve
from tests.kb.corpus import write_corpus
from tests.kb.helpers import kb_settings, shared_minilm

pytest.importorskip("mcp")
pytest.importorskip("chromadb")
DEPLOY = "bot://documents/"


@pytest.fixture
def corpus_bot(make_bot: Callable[..., Any], tmp_path: Path) -> tuple[Any, Path]:
    """A bot whose knowledge base holds the test corpus; (bot, corpus folder)."""
    settings: Settings = kb_settings(tmp_path / "data")
    corpus = write_corpus(tmp_path / "corpus")
    ingest(settings, [corpus], embedder=shared_minilm(), progress=False)
    served = with_serve(settings, tokens={"alice": ALICE}, watch_s=0.2)
    return make_bot(settings_=served.model_copy(update={"agent": "tools"})), corpus


async def test_documents_are_listed_a_page_at_a_time_and_read_by_uri(
    corpus_bot: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("presenters.mcp.documents.PAGE", 2)
    bot, _ = corpus_bot
    with serving_mcp(bot) as url:
        async with client(url, ALICE) as c:
            pages, cursor = [], None
            while True:
                page = await c.list_resources(cursor=cursor)
                pages.append(page.resources)
                cursor = page.next_cursor
                if cursor is None:
                    break
            deploy = next(r for p in pages for r in p if r.name.endswith("deploy.md"))
            text = (await c.read_resource(str(deploy.uri))).contents[0].text
            with pytest.raises(Exception, match="no document at"):
                await c.read_resource(DEPLOY + "nothing-here.md")
    names = sorted(Path(r.name).name for p in pages for r in p)
    assert [len(p) for p in pages] == [2, 2, 2] and len(set(names)) == 6
    assert deploy.title == "Release handbook" and str(deploy.uri).startswith(DEPLOY)
    assert "make release" in text and "every Tuesday afternoon" in text


async def test_a_subscriber_hears_when_a_document_is_ingested_again(
    corpus_bot: tuple[Any, Path]
) -> None:
    bot, corpus = corpus_bot
    updated: list[str] = []
    heard = asyncio.Event()

    async def on_message(message: Any) -> None:
        uri = getattr(getattr(message, "params", None), "uri", None)
        if uri is not None:
            updated.append(str(uri))
            heard.set()

    with serving_mcp(bot) as url:
        async with client(url, ALICE, mode="legacy", message_handler=on_message) as c:
            listed = (await c.list_resources()).resources
            deploy = next(r for r in listed if r.name.endswith("deploy.md"))
            await c.subscribe_resource(str(deploy.uri))
            (corpus / "deploy.md").write_text("# Release handbook\n\nReleases moved to "
                                              "Thursdays.\n")
            await asyncio.to_thread(ingest, bot.settings, [corpus], embedder=shared_minilm(),
                                    progress=False)
            await asyncio.wait_for(heard.wait(), timeout=120)
            text = (await c.read_resource(str(deploy.uri))).contents[0].text
    assert updated[0] == str(deploy.uri)
    assert "Thursdays" in text


async def test_the_prompts_bring_passages_and_documents(corpus_bot: tuple[Any, Path]) -> None:
    bot, _ = corpus_bot
    with serving_mcp(bot) as url:
        async with client(url, ALICE) as c:
            names = {p.name for p in (await c.list_prompts()).prompts}
            asked = await c.get_prompt("ask_with_sources", {"question": "How do I deploy?"})
            deploy = next(r for r in (await c.list_resources()).resources
                          if r.name.endswith("deploy.md"))
            summary = await c.get_prompt("summarise_document", {"uri": str(deploy.uri)})
    assert names == {"ask_with_sources", "summarise_document"}
    ask_text = asked.messages[0].content.text
    assert "Question: How do I deploy?" in ask_text and "[1] " in ask_text
    assert "make release" in ask_text
    assert "Release handbook" in summary.messages[0].content.text
    attached = summary.messages[1].content.resource
    assert str(attached.uri) == str(deploy.uri) and "make release" in attached.text


async def test_each_caller_reads_and_searches_the_collection_of_its_space(
    make_bot: Callable[..., Any], tmp_path: Path
) -> None:
    from config.spaces import SpaceSettings

    team: Settings = kb_settings(tmp_path / "data", collection="team")
    ingest(team, [write_corpus(tmp_path / "corpus")], embedder=shared_minilm(), progress=False)
    spaces = {"team": SpaceSettings(members=["mcp:alice"], collection="team")}
    top = kb_settings(tmp_path / "data")  # the top-level collection: nothing ingested
    served = with_serve(top, tokens={"alice": ALICE, "bob": BOB}).model_copy(
        update={"spaces": spaces, "agent": "tools"})
    bot = make_bot(settings_=served)
    with serving_mcp(bot) as url:
        async with client(url, ALICE) as c:
            alice_docs = (await c.list_resources()).resources
            alice_found = await c.call_tool("search_knowledge", {"query": "paid leave days"})
        async with client(url, BOB) as c:
            bob_docs = (await c.list_resources()).resources
            bob_found = await c.call_tool("search_knowledge", {"query": "paid leave days"})
    assert len(alice_docs) == 6 and bob_docs == []
    assert "25 days" in alice_found.structured_content["passages"][0]["text"]
    assert bob_found.is_error or not bob_found.structured_content["passages"]


async def test_a_listener_on_the_newest_protocol_hears_of_the_change_too(
    corpus_bot: tuple[Any, Path]
) -> None:
    bot, corpus = corpus_bot
    with serving_mcp(bot) as url:
        async with client(url, ALICE) as c:  # 2026-07-28: subscriptions/listen
            deploy = next(r for r in (await c.list_resources()).resources
                          if r.name.endswith("deploy.md"))
            async with c.listen(resource_subscriptions=[str(deploy.uri)]) as heard:
                (corpus / "deploy.md").write_text("# Release handbook\n\nFridays now.\n")
                await asyncio.to_thread(ingest, bot.settings, [corpus],
                                        embedder=shared_minilm(), progress=False)
                event = await asyncio.wait_for(anext(aiter(heard)), timeout=120)
    assert getattr(event, "uri", None) == str(deploy.uri)
