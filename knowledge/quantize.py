"""A faster copy of the MiniLM model: int8 dynamic quantization, built once and cached.

The offline ``model.onnx`` stores its weights as int8 but computes in float32: every
``MatMul`` multiplies float matrices. Re-quantizing it dynamically (``MatMulInteger``:
int8 weights *and* int8 activations, scaled per batch) lets ONNX Runtime use the CPU's
integer dot-product instructions (AVX-512 VNNI / AVX-VNNI): about 2.5 times the chunks
per CPU-second here. ``benchmarks/kb_ingest_speed.py`` has the figures, and the retrieval
eval there shows the quality it keeps. The recipe:

1. ONNX Runtime's basic graph optimisation folds the stored int8 weights and their scales
   into plain float32 weights (and saves that graph);
2. the NaN guards after each softmax (``Where(IsNaN(x), 0, x)``, for rows with every token
   masked, which never happens here: [CLS] is always attended) are removed: they cost 15 %
   of the run time;
3. the GELU formula is fused into one ``Gelu`` operator (:mod:`knowledge.gelu_fusion`);
4. ``onnxruntime.quantization.quantize_dynamic`` turns every ``MatMul`` with a constant
   weight into int8, with one scale per output channel (one scale per matrix cost up to
   12 % cosine similarity on some texts; per channel the vectors stay within 1 % of the
   original model's).

The result is cached under ``<data_dir>/models/`` by a hash of the source model and the
recipe, so it is built once (a few seconds). Needs the ``onnx`` package; without it the
original model is used, and a log line says why.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from knowledge.gelu_fusion import fuse_gelu

log = structlog.get_logger("knowledge.quantize")
RECIPE = "fold-unguard-gelu-dynamic-int8-per-channel-v3"


def quantized_model(source: Path, cache_dir: Path) -> Path:
    """The quantized copy of ``source`` in ``cache_dir`` (built now if missing), or
    ``source`` itself when it cannot be built."""
    target = cache_dir / f"minilm-{_key(source)}.onnx"
    if target.is_file():
        return target
    try:
        build_quantized(source, target)
    except ImportError as exc:
        log.info("quantize_skipped", reason=f"{exc}; pip install onnx", model=str(source))
        return source
    except Exception as exc:  # an unexpected graph: the original model still works
        log.warning("quantize_failed", error_type=type(exc).__name__, error=str(exc))
        return source
    return target


def _key(source: Path) -> str:
    digest = hashlib.sha256(RECIPE.encode())
    with source.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def build_quantized(source: Path, target: Path, *, fuse_gelus: bool = True) -> None:
    """Write the quantized copy of ``source`` to ``target`` (``fuse_gelus=False`` leaves the
    GELU formula as exported: the benchmark's side-by-side figure)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        folded = Path(tmp) / "folded.onnx"
        _fold(source, folded)
        model = onnx.load(str(folded))
        removed = remove_nan_guards(model)
        gelus = fuse_gelu(model) if fuse_gelus else 0
        onnx.save(model, str(folded))
        partial = Path(tmp) / "quantized.onnx"
        with _quiet_root_logger():  # it logs a pre-processing hint as a root WARNING
            quantize_dynamic(str(folded), str(partial), weight_type=QuantType.QInt8,
                             per_channel=True)
        os.replace(partial, target)  # atomic: a concurrent builder never sees half a file
    log.info("quantized_model_built", model=str(target), nan_guards_removed=removed,
             gelus_fused=gelus)


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Silence module-level ``logging.warning`` calls without letting them install a
    handler on the root logger (``logging.warning`` calls ``basicConfig`` when it has none)."""
    root, guard = logging.getLogger(), logging.NullHandler()
    root.addHandler(guard)
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)
        root.removeHandler(guard)


def _fold(source: Path, target: Path) -> None:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3
    ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])


def remove_nan_guards(model: object) -> int:
    """Drop ``Where(IsNaN(x), c, x)`` nodes, wiring their consumers to ``x``; how many."""
    graph = model.graph  # type: ignore[attr-defined]
    producers = {out: node for node in graph.node for out in node.output}
    renames: dict[str, str] = {}
    dropped = []
    for node in graph.node:
        if node.op_type != "Where" or len(node.input) != 3:
            continue
        guard = producers.get(node.input[0])
        if guard is None or guard.op_type != "IsNaN" or guard.input[0] != node.input[2]:
            continue
        renames[node.output[0]] = node.input[2]
        dropped += [node, guard]
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = renames.get(name, name)
    for output in graph.output:
        if output.name in renames:
            return 0  # a guard feeding a graph output: leave the graph as it was
    for node in dropped:
        if node in graph.node:
            graph.node.remove(node)
    return len(dropped) // 2
