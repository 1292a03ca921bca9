"""Chunking under the embedder's limit, counted by its own tokenizer, with overlap."""

from __future__ import annotations

import itertools
from pathlib import Path

from knowledge.chunker import chunk_document
from knowledge.documents import Document, Section
from knowledge.ids import chunk_ids
from knowledge.loaders import load_file
from tests.kb.helpers import shared_minilm

LONG_PARAGRAPH = " ".join(
    f"Sentence number {i} talks about widgets and gadgets." for i in range(120)
)
LONG_WORD = "x" * 3000
LONG_SENTENCE = "word " * 900


def awkward_document() -> Document:
    sections = [
        Section(["Intro"], "Short intro."),
        Section(["Intro", "Long paragraph"], LONG_PARAGRAPH),
        Section(["Intro", "Long sentence"], LONG_SENTENCE),
        Section(["Intro", "Long word"], LONG_WORD),
        Section(["A heading that is itself very long " * 30], "Body under a huge heading."),
        Section(["Code"], "```\n" + "\n".join(f"x{i} = {i}" for i in range(400)) + "\n```"),
    ]
    return Document(title="Awkward", sections=sections)


def test_every_chunk_fits_the_model_limit_including_special_tokens() -> None:
    embedder = shared_minilm()
    chunks = chunk_document(awkward_document(), embedder, chunk_tokens=200, overlap=32)
    encoded = embedder.tokenizer.encode_batch(
        [c.embed_text for c in chunks], add_special_tokens=True
    )
    assert max(len(e.ids) for e in encoded) <= 256
    assert len(chunks) > 10


def test_no_text_is_lost() -> None:
    chunks = chunk_document(awkward_document(), shared_minilm(), chunk_tokens=120, overlap=0)
    joined = " ".join(c.text for c in chunks)
    for i in range(120):
        assert f"Sentence number {i} talks" in joined
    assert joined.count("x" * 50) >= 3000 // 50 - 2


def test_chunks_overlap_within_a_section_and_never_cross_headings() -> None:
    chunks = chunk_document(awkward_document(), shared_minilm(), chunk_tokens=100, overlap=24)
    long = [c for c in chunks if c.headings == ["Intro", "Long paragraph"]]
    assert len(long) >= 3
    for before, after in itertools.pairwise(long):
        assert after.text.split()[0] in before.text  # the next chunk opens with the last one's tail
        assert after.text[:40] in before.text
    assert all(c.headings for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_embedded_text_carries_the_heading_path() -> None:
    chunks = chunk_document(awkward_document(), shared_minilm(), 200, 32)
    assert chunks[0].embed_text == "Awkward › Intro\nShort intro."
    assert chunks[0].text == "Short intro."


def test_ids_derive_from_content_and_stay_unique() -> None:
    data = b"# T\n\nSame paragraph.\n\n## Again\n\nSame paragraph.\n"
    doc = load_file(Path("a.md"), data)
    texts = [c.embed_text for c in chunk_document(doc, shared_minilm(), 200, 32)]
    assert chunk_ids("/a.md", texts) == chunk_ids("/a.md", texts)
    assert chunk_ids("/a.md", ["x", "x"])[0] != chunk_ids("/a.md", ["x", "x"])[1]
    assert chunk_ids("/a.md", ["x"]) != chunk_ids("/b.md", ["x"])
