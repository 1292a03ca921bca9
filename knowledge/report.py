"""What one ingestion run did, for the summary ``bot ingest`` prints."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestReport:
    collection: str = ""
    where: str = ""
    ingested: list[tuple[str, int]] = field(default_factory=list)  # (source, chunks)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    pruned: list[str] = field(default_factory=list)
    embedded: int = 0  # chunks whose vectors were computed in this run
    reused: int = 0  # chunks of changed files whose stored vectors were kept
    deleted: int = 0  # stale chunks removed
    seconds: float = 0.0

    @property
    def files_seen(self) -> int:
        return len(self.ingested) + len(self.unchanged) + len(self.skipped)

    @property
    def docs_per_s(self) -> float:
        return self.files_seen / self.seconds if self.seconds > 0 else 0.0

    def summary(self, show_skipped: int = 50) -> str:
        """A few lines a person reads after ``bot ingest``."""
        chunks = sum(n for _, n in self.ingested)
        lines = [
            f"Collection {self.collection!r} at {self.where}",
            f"  ingested:  {len(self.ingested)} files ({chunks} chunks, {self.embedded} embedded, "
            f"{self.reused} reused)",
            f"  unchanged: {len(self.unchanged)} files",
            f"  skipped:   {len(self.skipped)} files",
        ]
        lines += [f"    {src}: {why}" for src, why in self.skipped[:show_skipped]]
        if len(self.skipped) > show_skipped:
            lines.append(f"    … and {len(self.skipped) - show_skipped} more")
        if self.pruned:
            lines.append(f"  pruned:    {len(self.pruned)} deleted files")
        lines.append(f"  {self.seconds:.1f} s, {self.docs_per_s:.1f} docs/s")
        return "\n".join(lines)
