"""all-MiniLM-L6-v2 through onnxruntime: length-sorted batches padded to their longest member.

Chroma's own embedder pads every input to 256 tokens and cuts longer ones silently. Here a
batch is padded only as far as its longest text (texts are sorted by length first, so
neighbours have similar lengths), and a text past the limit is an error, never cut.
Outputs match Chroma's: mean pooling of ``last_hidden_state`` over the attention mask, then
L2 normalisation (384 dimensions).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import structlog

from knowledge.errors import EmbeddingFailed, TextTooLong
from knowledge.model_files import ModelFiles
from knowledge.tokens import WordPieceCounter

log = structlog.get_logger("knowledge.minilm")
MAX_SEQUENCE = 256  # all-MiniLM-L6-v2 was trained on 256-token inputs
SLOWER_FUSIONS = ["SkipLayerNormFusion"]  # ONNX Runtime graph rewrites that cost time here


class MiniLMEmbedder(WordPieceCounter):
    """The default, offline embedder (name ``minilm``)."""

    name = "minilm:all-MiniLM-L6-v2"
    dimensions = 384

    def __init__(self, files: ModelFiles, batch_size: int = 4, threads: int | None = None) -> None:
        super().__init__(files.tokenizer, MAX_SEQUENCE)
        import onnxruntime as ort

        # Parallelism across batches, not inside one: each worker thread runs a whole batch
        # on one core (ONNX Runtime releases the GIL), so no thread ever waits on another at
        # an operator boundary. Measured faster than one run on two intra-op threads, the
        # more so on a busy shared machine; and small batches (4 texts, length-sorted) keep
        # the activations in cache: 25 % more chunks per CPU-second than 32
        # (benchmarks/kb_ingest_speed.py).
        self.workers = threads or os.cpu_count() or 1
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        # Busy-waiting worker threads steal the CPU from everything else on a shared machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # ONNX Runtime fuses each residual Add + LayerNormalization into one
        # SkipLayerNormalization, whose CPU kernel took 19 % of the int8 model's run time here,
        # several times what the two operators take apart: without that fusion, 18 % more
        # chunks per CPU-second (5 % with the float model; benchmarks/kb_ingest_speed.py).
        self.session: Any = ort.InferenceSession(
            str(files.model), sess_options=options, providers=["CPUExecutionProvider"],
            disabled_optimizers=SLOWER_FUSIONS,
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.files = files
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._encode(texts, truncate=False)
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        batches = [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        if self.workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(min(self.workers, len(batches))) as pool:
                vectors = list(pool.map(lambda rows: self._run([encodings[i] for i in rows]),
                                        batches))
        else:
            vectors = [self._run([encodings[i] for i in rows]) for rows in batches]
        for rows, block in zip(batches, vectors, strict=True):
            out[rows] = block
        return out

    def embed_query(self, text: str) -> np.ndarray:
        encoding = self._encode([text], truncate=True)[0]
        return self._run([encoding])[0]

    def _encode(self, texts: Sequence[str], truncate: bool) -> list[Any]:
        encodings = list(self.tokenizer.encode_batch(list(texts), add_special_tokens=True))
        for i, enc in enumerate(encodings):
            if len(enc.ids) <= self.model_max_tokens:
                continue
            if not truncate:
                raise TextTooLong(
                    f"text {i} has {len(enc.ids)} tokens; {self.name} reads "
                    f"{self.model_max_tokens}. Fix: chunk it (bot ingest does)"
                )
            log.info("query_truncated", tokens=len(enc.ids), limit=self.model_max_tokens)
            head = self.split(texts[i], self.max_tokens)[0]
            encodings[i] = self.tokenizer.encode(head, add_special_tokens=True)
        return encodings

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        try:
            hidden = self.session.run(
                None, {k: v for k, v in feeds.items() if k in self.input_names}
            )[0]
        except Exception as exc:
            raise EmbeddingFailed(f"the ONNX model {self.files.model} failed: {exc}") from exc
        return mean_pool_normalised(hidden, mask)


def mean_pool_normalised(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average token vectors where the mask is 1, then scale each row to unit length."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
