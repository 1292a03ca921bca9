"""Token counting for the chunker: with the embedder's own tokenizer, or a safe estimate.

The chunker asks three things of a counter: how many tokens each text has, how to cut a
text into pieces of at most ``n`` tokens, and what the last ``n`` tokens of a text are
(the overlap carried into the next chunk). Counts exclude the special tokens the model
adds ([CLS], [SEP]); ``max_tokens`` is what is left for content.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class TokenCounter(Protocol):
    max_tokens: int

    def count(self, texts: Sequence[str]) -> list[int]: ...

    def split(self, text: str, max_tokens: int) -> list[str]: ...

    def tail(self, text: str, n: int) -> str: ...


def _snap_to_word(text: str, start: int) -> int:
    """Move a cut forward to the next word start, so no word is split in two (``len(text)``
    when the text ends inside that word)."""
    if start <= 0 or text[start - 1].isspace():
        return start
    nxt = start
    while nxt < len(text) and not text[nxt].isspace():
        nxt += 1
    return nxt


class WordPieceCounter:
    """Counts with a Hugging Face ``tokenizers`` file; cuts at token offsets."""

    def __init__(self, tokenizer_json: Path, model_max_tokens: int = 256) -> None:
        from tokenizers import Tokenizer

        self.tokenizer: Any = Tokenizer.from_file(str(tokenizer_json))
        # The file may carry padding/truncation settings; counting must see every token.
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.specials = self.tokenizer.num_special_tokens_to_add(False)
        self.model_max_tokens = model_max_tokens
        self.max_tokens = model_max_tokens - self.specials

    def count(self, texts: Sequence[str]) -> list[int]:
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def _starts(self, text: str) -> list[int]:
        return [o[0] for o in self.tokenizer.encode(text, add_special_tokens=False).offsets]

    def split(self, text: str, max_tokens: int) -> list[str]:
        starts = self._starts(text)
        cuts = [0]
        while len(starts) - _index_at(starts, cuts[-1]) > max_tokens:
            first = _index_at(starts, cuts[-1])
            cut = _snap_to_word(text, starts[first + max_tokens])
            if cut <= cuts[-1] or _index_at(starts, cut) - first > max_tokens:
                cut = starts[first + max_tokens]  # one word longer than the limit: cut inside it
            cuts.append(cut)
        pieces = [text[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
        return [p for p in pieces if p]

    def tail(self, text: str, n: int) -> str:
        starts = self._starts(text)
        if n <= 0 or not starts:
            return ""
        if len(starts) <= n:
            return text.strip()
        cut = _snap_to_word(text, starts[-n])
        return text[cut:].strip()


def _index_at(starts: list[int], offset: int) -> int:
    """Index of the first token starting at or after ``offset``."""
    return bisect.bisect_left(starts, offset)


class EstimateCounter:
    """A deliberately high estimate (one token per 3 UTF-8 bytes) for embedders whose
    tokenizer is not available offline, such as a remote /v1/embeddings model."""

    BYTES_PER_TOKEN = 3

    def __init__(self, max_tokens: int = 8191) -> None:
        self.max_tokens = max_tokens

    def count(self, texts: Sequence[str]) -> list[int]:
        return [math.ceil(len(t.encode("utf-8")) / self.BYTES_PER_TOKEN) for t in texts]

    def split(self, text: str, max_tokens: int) -> list[str]:
        limit = max_tokens * self.BYTES_PER_TOKEN
        step = max(1, limit // 4)  # a character is at most 4 bytes
        words = [w[i : i + step] for w in text.split() for i in range(0, len(w), step)]
        pieces: list[str] = []
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if len(candidate.encode("utf-8")) > limit:
                pieces.append(current)
                candidate = word
            current = candidate
        return [p for p in [*pieces, current] if p]

    def tail(self, text: str, n: int) -> str:
        words = text.split()
        kept: list[str] = []
        while words and self.count([" ".join([words[-1], *kept])])[0] <= n:
            kept.insert(0, words.pop())
        return " ".join(kept)
