"""Prompts as text files: ``config/prompts/<environment>/<name>.txt``.

A prompts folder on disk (``prompts_dir``) overrides the shipped one file by file; an
environment falls back to ``default`` for files it does not define. With hot reload on, a
file edited on disk is picked up on the next turn.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


class PromptNotFound(KeyError):
    pass


def shipped_prompts_dir() -> Path:
    return Path(str(resources.files("config") / "prompts"))


def fill(text: str, values: dict[str, object]) -> str:
    """``text`` with each ``{name}`` replaced by its value; other braces are left alone."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


class PromptLibrary:
    """Finds and renders prompt files for one environment."""

    def __init__(
        self,
        environment: str = "default",
        override_dir: Path | None = None,
        hot_reload: bool = False,
    ) -> None:
        self.environment = environment
        self.roots = [p for p in (override_dir, shipped_prompts_dir()) if p is not None]
        self.hot_reload = hot_reload
        self._cache: dict[str, tuple[float, str]] = {}

    def path(self, name: str) -> Path:
        for root in self.roots:
            for env in dict.fromkeys((self.environment, "default")):
                candidate = root / env / f"{name}.txt"
                if candidate.is_file():
                    return candidate
        raise PromptNotFound(
            f"prompt {name!r} not found for environment {self.environment!r} in "
            + ", ".join(str(r) for r in self.roots)
        )

    def text(self, name: str) -> str:
        cached = self._cache.get(name)
        if cached is not None and not self.hot_reload:
            return cached[1]
        path = self.path(name)
        mtime = path.stat().st_mtime
        if cached is None or cached[0] != mtime:
            cached = (mtime, path.read_text(encoding="utf-8").strip())
            self._cache[name] = cached
        return cached[1]

    def render(self, prompt: str, /, **values: object) -> str:
        """The prompt with ``{placeholders}`` filled; unknown braces are left alone."""
        return fill(self.text(prompt), values)

    def environments(self) -> list[str]:
        dirs = [p for root in self.roots if root.is_dir() for p in root.iterdir()]
        return sorted({p.name for p in dirs if p.is_dir()})
