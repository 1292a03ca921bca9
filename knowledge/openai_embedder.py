"""Embeddings from any OpenAI-compatible ``/v1/embeddings`` endpoint, sent in batches.

The endpoint comes from a backend profile (``kb.embedding_profile``: its base_url and key)
and the model from ``kb.embedding_model``. The client is the chat backends' own
(:func:`backends.openai_client.openai_client`), and a failed request is retried by the same
policy (:mod:`backends.retry`), never by the SDK. The model's tokenizer is not available
offline, so the chunker counts with a deliberately high estimate (:class:`EstimateCounter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from backends.openai_errors import map_error
from backends.retry import RetryPolicy, call_with_retries
from contracts.llm_errors import LLMError, LLMNotConfigured
from knowledge.errors import EmbeddingFailed, TextTooLong
from knowledge.tokens import EstimateCounter

if TYPE_CHECKING:
    from config import Settings


class OpenAIEmbedder(EstimateCounter):
    """Name ``openai``: batches of ``batch_size`` texts per request, results in input order."""

    def __init__(
        self, client: Any, model: str, *, batch_size: int = 64, max_tokens: int = 8191,
        profile: str = "", retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(max_tokens)
        self.client = client
        self.model = model
        self.batch_size = batch_size
        self.name = f"openai:{model}"
        self.profile = profile
        self.retry = retry or RetryPolicy(max_retries=0)

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIEmbedder:
        from backends.openai_client import openai_client

        kb = settings.kb
        if kb.embedding_profile not in settings.profiles:
            raise EmbeddingFailed(
                f"kb.embedding_profile = {kb.embedding_profile!r} names no profile. Fix: use "
                f"one of {', '.join(sorted(settings.profiles))}"
            )
        profile = settings.profile(kb.embedding_profile)
        try:
            client = openai_client(kb.embedding_profile, profile, blocking=True)
        except LLMNotConfigured as exc:
            raise EmbeddingFailed(exc.detail) from exc
        return cls(client, kb.embedding_model, batch_size=kb.embed_batch_size,
                   profile=kb.embedding_profile, retry=RetryPolicy.for_profile(profile))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        for i, n in enumerate(self.count(texts)):
            if n > self.max_tokens:
                raise TextTooLong(
                    f"text {i} has about {n} tokens; {self.name} reads {self.max_tokens}"
                )
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            rows.extend(self._request(list(texts[start : start + self.batch_size])))
        return _normalised(np.asarray(rows, dtype=np.float32).reshape(len(texts), -1))

    def embed_query(self, text: str) -> np.ndarray:
        if self.count([text])[0] > self.max_tokens:
            text = self.split(text, self.max_tokens)[0]
        return self.embed([text])[0]

    def _request(self, batch: list[str]) -> list[list[float]]:
        try:
            response = call_with_retries(
                lambda: self.client.embeddings.create(model=self.model, input=batch),
                self.retry, self.profile, self._as_error)
        except LLMError as exc:
            raise EmbeddingFailed(f"{self.name}: the embeddings endpoint failed: {exc}") from exc
        data = sorted(response.data, key=lambda d: d.index)
        if len(data) != len(batch):
            raise EmbeddingFailed(f"{self.name}: sent {len(batch)} texts, got {len(data)} vectors")
        return [list(d.embedding) for d in data]

    def _as_error(self, exc: Exception) -> LLMError:
        return map_error(exc, self.profile, streaming=False)


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.clip(norms, 1e-12, None)
