"""Source files by extension. Python files are sectioned by top-level ``def``/``class``;
other languages by blank-line paragraphs under the file name."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.documents import Document
from knowledge.loaders.headings import SectionBuilder
from knowledge.loaders.text import decode, normalise_newlines

EXTENSIONS = (
    ".py",
    ".pyi",
    ".js",
    ".mjs",
    ".cjs",
    ".ts",
    ".tsx",
    ".jsx",
    ".java",
    ".kt",
    ".kts",
    ".scala",
    ".go",
    ".rs",
    ".c",
    ".h",
    ".cc",
    ".cpp",
    ".cxx",
    ".hpp",
    ".hh",
    ".cs",
    ".swift",
    ".m",
    ".mm",
    ".rb",
    ".php",
    ".pl",
    ".pm",
    ".lua",
    ".r",
    ".jl",
    ".dart",
    ".ex",
    ".exs",
    ".erl",
    ".hs",
    ".ml",
    ".clj",
    ".sh",
    ".bash",
    ".zsh",
    ".fish",
    ".ps1",
    ".sql",
    ".proto",
    ".graphql",
    ".css",
    ".scss",
    ".less",
    ".vue",
    ".svelte",
    ".toml",
    ".yaml",
    ".yml",
    ".json",
    ".ini",
    ".cfg",
    ".conf",
    ".tf",
    ".hcl",
    ".gradle",
    ".cmake",
    ".xml",
    ".csv",
)
FILE_NAMES = ("Makefile", "Dockerfile", "Containerfile", "Justfile", "CMakeLists.txt")
PY_DEF = re.compile(r"^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)")


def load(data: bytes, path: Path) -> Document:
    text = normalise_newlines(decode(data))
    builder = SectionBuilder()
    is_python = path.suffix in (".py", ".pyi")
    for line in text.split("\n"):
        match = PY_DEF.match(line) if is_python else None
        if match:
            builder.heading(1, line.split("(")[0].split(":")[0].strip())
        builder.line(line)
    return Document(title=path.name, sections=builder.finish(), kind="code")
