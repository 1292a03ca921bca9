"""The embedder protocol, and building the configured one from settings.

Every embedder is also a :class:`~knowledge.tokens.TokenCounter`, so the chunker counts
tokens exactly as the model will see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from config import Settings
    from knowledge.tokens import TokenCounter


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (cosine similarity = dot product)."""

    name: str
    max_tokens: int

    def count(self, texts: Sequence[str]) -> list[int]: ...

    def split(self, text: str, max_tokens: int) -> list[str]: ...

    def tail(self, text: str, n: int) -> str: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text. Raises TextTooLong rather than cut a text the model cannot read."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """One vector for a search query; a query past the model's limit is cut, and logged."""
        ...


def build_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``kb.embedder`` (model files or endpoint resolved now)."""
    kb = settings.kb
    if kb.embedder == "openai":
        from knowledge.openai_embedder import OpenAIEmbedder

        return OpenAIEmbedder.from_settings(settings)
    from dataclasses import replace

    from knowledge.minilm import MiniLMEmbedder
    from knowledge.model_files import locate_model

    files = locate_model(kb.model_dir)
    if kb.quantize:
        from knowledge.quantize import quantized_model

        files = replace(files, model=quantized_model(files.model, settings.data_dir / "models"))
    return MiniLMEmbedder(files, threads=kb.embed_threads)


def build_counter(settings: Settings) -> TokenCounter:
    """Only the tokenizer of the configured embedder (cheap: no model session)."""
    if settings.kb.embedder == "openai":
        from knowledge.tokens import EstimateCounter

        return EstimateCounter()
    from knowledge.minilm import MAX_SEQUENCE
    from knowledge.model_files import locate_model
    from knowledge.tokens import WordPieceCounter

    return WordPieceCounter(locate_model(settings.kb.model_dir).tokenizer, MAX_SEQUENCE)


def embedder_name(settings: Settings) -> str:
    """The name recorded in a collection, known without loading any model."""
    kb = settings.kb
    return f"openai:{kb.embedding_model}" if kb.embedder == "openai" else "minilm:all-MiniLM-L6-v2"
