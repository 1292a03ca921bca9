"""Shared helpers for knowledge-base tests: one MiniLM per process, a counting embedder."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from config import Settings, load_settings


@functools.cache
def shared_minilm() -> Any:
    """The offline int8 all-MiniLM-L6-v2, loaded once per test process."""
    from knowledge.minilm import MiniLMEmbedder
    from knowledge.model_files import locate_model

    # One thread: the test machine is shared, and spinning threads only fight each other.
    return MiniLMEmbedder(locate_model(None, allow_download=False), threads=1)


class CountingEmbedder:
    """Wraps an embedder and counts what it embeds; can fail after ``fail_after`` texts."""

    def __init__(self, inner: Any, fail_after: int | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_tokens = inner.max_tokens
        self.embedded: list[str] = []
        self.fail_after = fail_after

    def count(self, texts: Sequence[str]) -> list[int]:
        return list(self.inner.count(texts))

    def split(self, text: str, max_tokens: int) -> list[str]:
        return list(self.inner.split(text, max_tokens))

    def tail(self, text: str, n: int) -> str:
        return str(self.inner.tail(text, n))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after is not None and len(self.embedded) + len(texts) > self.fail_after:
            raise KeyboardInterrupt("simulated kill in the middle of a run")
        self.embedded.extend(texts)
        return np.asarray(self.inner.embed(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self.inner.embed_query(text))


def kb_settings(data_dir: Path, **kb: Any) -> Settings:
    """Settings with the knowledge base in ``data_dir`` and the search tool on."""
    return load_settings(data_dir=data_dir, tools=["search_knowledge"], kb=kb)
