"""Building sections from a stream of lines and headings, shared by the structured loaders."""

from __future__ import annotations

from knowledge.documents import Section


class SectionBuilder:
    """Collects lines under the current heading path; a new heading closes the section."""

    def __init__(self) -> None:
        self.path: list[tuple[int, str]] = []
        self.lines: list[str] = []
        self.sections: list[Section] = []
        self.first_title: str | None = None

    def heading(self, level: int, title: str) -> None:
        self.flush()
        title = title.strip()
        if self.first_title is None and title:
            self.first_title = title
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, title))

    def line(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        body = "\n".join(self.lines).strip()
        self.lines = []
        if body:
            self.sections.append(Section([t for _, t in self.path], body))

    def finish(self) -> list[Section]:
        self.flush()
        return self.sections
