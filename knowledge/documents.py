"""What a loader produces: a document split into sections under their headings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Section:
    """Text under one heading path, e.g. ``["Setup", "Slack"]``; an empty path is the preamble."""

    headings: list[str]
    text: str


@dataclass
class Document:
    """A loaded file: its title and sections in reading order."""

    title: str
    sections: list[Section] = field(default_factory=list)
    kind: str = "text"

    def has_text(self) -> bool:
        return any(s.text.strip() for s in self.sections)


class SkipFile(Exception):
    """A file that will not be ingested; the message is the reason shown in the summary."""
