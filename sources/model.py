"""What every connector agrees on: the documents it lists and fetches, and how it fails.

A connector lists what exists at the source (cheap metadata: a key and a version per
document), then fetches only the documents whose version changed since the last sync. The
sync engine compares listings, fetches, feeds the knowledge base and deletes what is gone,
but only when the listing was complete: a failed or partial listing never deletes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel

PUBLIC = "public"


@dataclass(frozen=True)
class Readers:
    """Who may read a document at its source, as the source says it.

    ``principals`` are strings of the form ``"user:<e-mail or id>"``, ``"group:<name>"``,
    ``"slack-channel:<id>"``, ``"github-team:<org>/<slug>"``, ``"confluence-group:<name>"``,
    ``"domain:<example.com>"``; ``public`` means anyone who can reach the bot may read it.
    ``why`` says in words where this came from ("public repo acme/handbook").
    """

    public: bool = False
    principals: tuple[str, ...] = ()
    why: str = ""

    def as_list(self) -> list[str]:
        """The readers as one list of strings, ``"public"`` included when it is public."""
        return ([PUBLIC] if self.public else []) + list(self.principals)


@dataclass(frozen=True)
class Entry:
    """One document as a listing names it: ``key`` is stable at the source (a path, a page
    id); ``version`` changes whenever the content does (ETag, blob SHA, version number,
    ``last_edited_time``, ``modifiedTime``, the newest message ``ts``)."""

    key: str
    version: str
    url: str = ""
    title: str = ""
    modified: datetime | None = None
    size: int | None = None


@dataclass
class Listing:
    """Everything a source holds now. ``complete`` is False when any page of the listing
    failed or was cut short: then nothing may be deleted on the strength of it.
    ``cursor`` is what the connector wants back next time (it is stored with the source)."""

    entries: list[Entry] = field(default_factory=list)
    complete: bool = True
    cursor: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """What a service said changed in a source (a webhook), between two cursors: the keys
    added or edited (``present``) and those removed. It is trusted on its own only when
    ``before`` matches the cursor the source was synced to; ``after`` is the cursor once it
    is applied (for GitHub: the repo's commit SHA before and after the push)."""

    present: frozenset[str]
    removed: frozenset[str]
    before: Mapping[str, str]
    after: Mapping[str, str]


@dataclass
class SourceDocument:
    """A fetched document. ``body`` is the raw content in ``media_type`` (``text/markdown``,
    ``text/html``, ``text/plain``, ``application/pdf``); the knowledge base's loaders turn it
    into sections. ``url`` is where a colleague opens it; ``modified`` is tz-aware."""

    entry: Entry
    title: str
    url: str
    modified: datetime
    readers: Readers
    body: bytes
    media_type: str


@dataclass
class Permissions:
    """What a permission pass read (no content): ``readers`` per document key (a key left
    out keeps its stored readers) and ``groups``: each group principal the service lists
    members of (``"github-team:acme/core"``, ``"slack-channel:C0123"``) with its members as
    reader strings (``"user:<e-mail or id>"``); ``links``: a service's id for a person
    (``"user:<login>"``) with the e-mail ids the service says are theirs
    (``"user:alice@example.com"``). ``problems`` are reported, nothing closed."""

    readers: dict[str, Readers] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    links: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class SourceError(Exception):
    """A source failed in a way the operator can act on; the message says what to do."""


class AuthFailed(SourceError):
    """The credentials were refused (401/403): the message names the variable and the fix."""


class RateLimited(SourceError):
    """The service asked us to slow down; ``retry_after`` seconds, when it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(SourceError):
    """5xx, timeouts, refused connections: try again later; nothing is deleted."""


class Malformed(SourceError):
    """The service answered something we could not read (that document is skipped)."""


class Skipped(SourceError):
    """This document is deliberately not ingested (too large, unsupported type): the reason."""


class Connector(Protocol):
    """One configured source, built as ``Cls(name, options)`` (``options`` an instance of
    ``Cls.Options``, whose secrets are ``SecretStr`` read from the environment variable the
    options name) without any I/O. The sync engine calls it from a worker thread, so its
    methods are plain blocking calls."""

    kind: ClassVar[str]
    Options: ClassVar[type[BaseModel]]

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        """Everything the source holds now (raises AuthFailed when no listing is possible)."""
        ...

    def fetch(self, entry: Entry) -> SourceDocument:
        """The document behind ``entry``; raises a SourceError subclass when it cannot."""
        ...


@runtime_checkable
class ChangeReader(Protocol):
    """A connector that can list just the documents a :class:`Change` names (optional: the
    engine syncs a change through a full listing when its connector cannot)."""

    def entries(self, keys: frozenset[str], cursor: Mapping[str, str]) -> list[Entry]:
        """The entries of ``keys`` as of ``cursor``; keys the source does not hold there are
        left out (only when it said so: any other failure raises a SourceError)."""
        ...


class PermissionReader(Protocol):
    """A connector that can re-read who may read its documents without fetching them."""

    def read_permissions(self, keys: list[str]) -> Permissions:
        """Readers of the documents ``keys`` (as indexed) and the groups the service lists;
        raises a SourceError when the service will not say (the source then fails closed)."""
        ...
