"""Embeddings from any OpenAI-compatible ``/v1/embeddings`` endpoint, sent in batches.

The endpoint comes from a backend profile (``kb.embedding_profile``: its base_url and key)
and the model from ``kb.embedding_model``. Its tokenizer is not available offline, so the
chunker counts with a deliberately high estimate (:class:`EstimateCounter`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from knowledge.errors import EmbeddingFailed, TextTooLong
from knowledge.tokens import EstimateCounter

if TYPE_CHECKING:
    from config import Settings


class OpenAIEmbedder(EstimateCounter):
    """Name ``openai``: batches of ``batch_size`` texts per request, results in input order."""

    def __init__(
        self, client: Any, model: str, *, batch_size: int = 64, max_tokens: int = 8191
    ) -> None:
        super().__init__(max_tokens)
        self.client = client
        self.model = model
        self.batch_size = batch_size
        self.name = f"openai:{model}"

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIEmbedder:
        from openai import OpenAI

        kb = settings.kb
        if kb.embedding_profile not in settings.profiles:
            raise EmbeddingFailed(
                f"kb.embedding_profile = {kb.embedding_profile!r} names no profile. Fix: use "
                f"one of {', '.join(sorted(settings.profiles))}"
            )
        profile = settings.profile(kb.embedding_profile)
        key = profile.api_key.get_secret_value() if profile.api_key else None
        if key is None and profile.api_key_env:
            key = os.environ.get(profile.api_key_env)
        client = OpenAI(
            base_url=profile.base_url,
            api_key=key or "not-needed",
            timeout=profile.timeout_s,
            max_retries=profile.max_retries,
        )
        return cls(client, kb.embedding_model, batch_size=kb.embed_batch_size)

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
            response = self.client.embeddings.create(model=self.model, input=batch)
        except Exception as exc:
            raise EmbeddingFailed(f"{self.name}: the embeddings endpoint failed: {exc}") from exc
        data = sorted(response.data, key=lambda d: d.index)
        if len(data) != len(batch):
            raise EmbeddingFailed(f"{self.name}: sent {len(batch)} texts, got {len(data)} vectors")
        return [list(d.embedding) for d in data]


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.clip(norms, 1e-12, None)
