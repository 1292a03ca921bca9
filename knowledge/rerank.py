"""An optional cross-encoder reranker: reads (question, passage) pairs, scores each pair.

Offline only: the model is an ONNX sequence-classification model with its
``tokenizer.json``, loaded from a folder (``kb.rerank_model = "/models/ms-marco-MiniLM"``)
or from an installed package that ships them (``kb.rerank_model = "package:NAME"``), never
downloaded. Inputs are the usual BERT ones (``input_ids``, ``attention_mask`` and, when
the model has it, ``token_type_ids``); the output's last column is the relevance logit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from knowledge.errors import EmbeddingFailed, ModelFilesMissing
from knowledge.model_files import package_file

if TYPE_CHECKING:
    from config import Settings
    from knowledge.store import Hit

MAX_PAIR_TOKENS = 512
BATCH = 16


@dataclass(frozen=True)
class RerankerFiles:
    model: Path
    tokenizer: Path


def locate_reranker(spec: str) -> RerankerFiles:
    """The files named by ``kb.rerank_model``: a folder, or ``package:NAME``."""
    if spec.startswith("package:"):
        name = spec.removeprefix("package:")
        model, tokenizer = package_file(name, "model.onnx"), package_file(name, "tokenizer.json")
        where = f"the installed package {name!r}"
    else:
        folder = Path(spec).expanduser()
        model, tokenizer = folder / "model.onnx", folder / "tokenizer.json"
        where = f"the folder {folder}"
    if model is None or tokenizer is None or not model.is_file() or not tokenizer.is_file():
        raise ModelFilesMissing(
            f"kb.rerank_model = {spec!r}: {where} holds no model.onnx + tokenizer.json. Fix: "
            "point it at a cross-encoder ONNX folder, or unset kb.rerank_model"
        )
    return RerankerFiles(model, tokenizer)


class Reranker:
    """Scores (question, passage) pairs with a cross-encoder; higher is more relevant."""

    def __init__(self, files: RerankerFiles, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer: Any = Tokenizer.from_file(str(files.tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_PAIR_TOKENS, strategy="only_second")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        if threads:
            options.intra_op_num_threads = threads
        self.session: Any = ort.InferenceSession(
            str(files.model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.files = files

    def scores(self, query: str, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros(len(texts), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            pairs = [(query, t) for t in texts[start : start + BATCH]]
            out[start : start + len(pairs)] = self._run(self.tokenizer.encode_batch(pairs))
        return out

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        feeds = {n: np.zeros((len(encodings), width), dtype=np.int64) for n in
                 ("input_ids", "attention_mask", "token_type_ids")}
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            feeds["input_ids"][row, :n] = enc.ids
            feeds["attention_mask"][row, :n] = 1
            feeds["token_type_ids"][row, :n] = enc.type_ids
        try:
            inputs = {k: v for k, v in feeds.items() if k in self.input_names}
            logits = self.session.run(None, inputs)
        except Exception as exc:
            raise EmbeddingFailed(f"the reranker {self.files.model} failed: {exc}") from exc
        scores = np.asarray(logits[0], dtype=np.float32)
        return scores.reshape(len(encodings), -1)[:, -1]

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """``hits`` reordered by the cross-encoder's score, best first (stable on ties)."""
        if not hits:
            return hits
        scores = self.scores(query, [h.text for h in hits])
        order = sorted(range(len(hits)), key=lambda i: -float(scores[i]))
        return [hits[i] for i in order]


def build_reranker(settings: Settings) -> Reranker:
    assert settings.kb.rerank_model, "build_reranker needs kb.rerank_model"
    return Reranker(locate_reranker(settings.kb.rerank_model), threads=settings.kb.embed_threads)
