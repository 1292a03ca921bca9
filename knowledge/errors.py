"""Knowledge-base failures. Each message says what went wrong and how to fix it."""

from __future__ import annotations


class KBError(Exception):
    """Base of every knowledge-base failure; ``str(exc)`` is safe to show a user."""


class ModelFilesMissing(KBError):
    """The embedding model's files could not be found or fetched."""


class WriterLocked(KBError):
    """Another process is already writing to this embedded Chroma path."""


class EmbedderMismatch(KBError):
    """The collection was built with another embedder (other vectors, other dimensions)."""


class TextTooLong(KBError):
    """A text given to the embedder has more tokens than the model reads: it would be cut."""


class EmbeddingFailed(KBError):
    """The embedding backend (ONNX model or an /v1/embeddings server) failed."""


class StoreUnavailable(KBError):
    """Chroma could not be opened or reached."""


class CollectionMissing(KBError):
    """The collection does not exist yet: nothing has been ingested into it."""
