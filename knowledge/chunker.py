"""Structure-aware chunking under the embedder's token limit, counted by its own tokenizer.

A chunk never crosses a heading: each section is packed paragraph by paragraph, a paragraph
too long for one chunk is cut at sentences, and a sentence too long at token boundaries.
Consecutive chunks of a section share ``overlap`` tokens. What the model embeds is the
chunk's heading path (one context line) followed by its text, and that whole string is
checked against the model's limit: nothing is ever cut silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.documents import Document, Section
from knowledge.tokens import TokenCounter

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
CONTEXT_SHARE = 4  # the heading line may use at most 1/4 of a chunk's tokens
MIN_OVERLAP = 8


@dataclass
class Chunk:
    text: str  # the passage stored and shown to readers
    embed_text: str  # what the model reads: a heading context line, then the passage
    headings: list[str]
    index: int = 0


def context_line(title: str, headings: list[str]) -> str:
    """``Title › Part › Section`` without repeating the title when the first heading is it."""
    parts = [title, *headings] if not headings or headings[0] != title else headings
    return " › ".join(p for p in parts if p)


def chunk_document(
    doc: Document, counter: TokenCounter, chunk_tokens: int, overlap: int
) -> list[Chunk]:
    """Every section's chunks in order, numbered; each ``embed_text`` fits ``counter``."""
    budget = max(16, min(chunk_tokens, counter.max_tokens))
    chunks = [
        c for s in doc.sections for c in _chunk_section(doc.title, s, counter, budget, overlap)
    ]
    chunks = _enforce_limit(chunks, counter)
    for i, chunk in enumerate(chunks):
        chunk.index = i
    return chunks


def _fitted_context(
    title: str, headings: list[str], counter: TokenCounter, budget: int
) -> tuple[str, int]:
    """The context line that fits a quarter of the budget, and its token count."""
    limit = budget // CONTEXT_SHARE
    parts = [title, *headings]
    while parts:
        line = context_line(parts[0], parts[1:])
        if (size := counter.count([line])[0]) <= limit:
            return line, size
        parts = parts[1:]  # drop the outermost names first: the nearest heading matters most
    return "", 0


def _chunk_section(
    title: str, section: Section, counter: TokenCounter, budget: int, overlap: int
) -> list[Chunk]:
    context, used = _fitted_context(title, section.headings, counter, budget)
    room = budget - used
    units, sizes = _units(section.text, counter, room)
    bodies = _pack(units, sizes, room, overlap, counter)
    return [
        Chunk(text=b, embed_text=f"{context}\n{b}" if context else b, headings=section.headings)
        for b in bodies
    ]


def _units(text: str, counter: TokenCounter, room: int) -> tuple[list[str], list[int]]:
    """Paragraphs, any longer than ``room`` tokens cut at sentences, then at tokens; with
    each unit's token count (counted once: tokenizing is most of the chunker's time)."""
    paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(text) if p.strip()]
    units: list[str] = []
    sizes: list[int] = []
    for paragraph, size in zip(paragraphs, counter.count(paragraphs), strict=True):
        if size <= room:
            units.append(paragraph)
            sizes.append(size)
            continue
        sentences = [s for s in SENTENCE_END.split(paragraph) if s.strip()]
        for sentence, n in zip(sentences, counter.count(sentences), strict=True):
            pieces = [sentence] if n <= room else counter.split(sentence, room)
            units.extend(pieces)
            sizes.extend([n] if n <= room else counter.count(pieces))
    return units, sizes


def _pack(
    units: list[str], sizes: list[int], room: int, overlap: int, counter: TokenCounter
) -> list[str]:
    """Greedy packing of units into bodies of at most ``room`` tokens, with overlap."""
    bodies: list[str] = []
    current: list[str] = []
    used = 0
    for unit, size in zip(units, sizes, strict=True):
        if current and used + size > room:
            bodies.append("\n\n".join(current))
            current, used = _overlap_start(bodies[-1], room - size, overlap, counter)
        current.append(unit)
        used += size
    if current:
        bodies.append("\n\n".join(current))
    return bodies


def _overlap_start(
    previous: str, free: int, overlap: int, counter: TokenCounter
) -> tuple[list[str], int]:
    """The tail of the previous chunk that starts the next one (if there is room for it)."""
    n = min(overlap, free)
    if n < MIN_OVERLAP:
        return [], 0
    tail = counter.tail(previous, n)
    return ([tail], counter.count([tail])[0]) if tail else ([], 0)


def _enforce_limit(chunks: list[Chunk], counter: TokenCounter) -> list[Chunk]:
    """A last check with the real tokenizer on the exact strings the model will read."""
    if not chunks:
        return chunks
    out: list[Chunk] = []
    for chunk, n in zip(chunks, counter.count([c.embed_text for c in chunks]), strict=True):
        if n <= counter.max_tokens:
            out.append(chunk)
            continue
        for piece in counter.split(chunk.text, counter.max_tokens // 2):
            out.append(Chunk(text=piece, embed_text=piece, headings=chunk.headings))
    return out
