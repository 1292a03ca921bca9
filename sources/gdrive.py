"""Google Drive as a source: the documents in some folders (recursively) or shared drives.

Google Docs are exported as Markdown (or HTML), so their headings survive into sections;
PDFs, Markdown and text files are downloaded as they are. A document's version is its
``modifiedTime`` and ``version``, its URL the ``webViewLink``, its readers its sharing.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import structlog
from pydantic import BaseModel

from sources.gdrive_client import SharingHidden, build_drive, credentials_for, drive_call
from sources.gdrive_files import EXPORTS, FIELDS, GOOGLE_DOC, entry_of, media_type, parse_time
from sources.gdrive_listing import DriveLister
from sources.gdrive_options import DriveOptions
from sources.gdrive_readers import readers_of
from sources.model import (
    AuthFailed,
    Entry,
    Listing,
    Malformed,
    Permissions,
    Readers,
    Skipped,
    SourceDocument,
)
from sources.retry_after import WaitBudget

log = structlog.get_logger("sources.gdrive")
PERMISSION_FIELDS = "nextPageToken, permissions(type, emailAddress, domain, role)"


class DriveConnector:
    """Lists and fetches the documents of the configured Drive folders and shared drives."""

    kind: ClassVar[str] = "gdrive"
    Options: ClassVar[type[BaseModel]] = DriveOptions

    def __init__(self, name: str, options: DriveOptions) -> None:
        self.name, self.options = name, options
        self._credentials: Any = None
        self._lock = threading.Lock()
        self._local = threading.local()  # one service per thread: httplib2 is not thread-safe
        self._files: dict[str, dict[str, Any]] = {}

    @property
    def service(self) -> Any:
        """This thread's Drive service, built on first use (which reads the credentials)."""
        if getattr(self._local, "service", None) is None:
            with self._lock:
                if self._credentials is None:
                    self._credentials = credentials_for(self.options)
            self._local.service = build_drive(self.options, self._credentials)
        return self._local.service

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        """Every document in the folders and drives (the cursor is not needed: see module)."""
        lister = DriveLister(self.service, self.options, WaitBudget(self.options.max_wait_s))
        listing = lister.run()
        self._files = lister.files
        return listing

    def fetch(self, entry: Entry) -> SourceDocument:
        """The document's content (exported or downloaded) and its sharing as readers."""
        file = self._files.get(entry.key) or self._metadata(entry.key)
        kind = media_type(file, self.options.docs_export)
        if kind is None:
            raise Skipped(f"{file.get('name')} ({file.get('mimeType')}) is not a Google Doc, "
                          "PDF, Markdown or text file")
        self._check_size(file)
        fresh = entry_of(file)
        return SourceDocument(entry=entry, title=fresh.title, url=fresh.url,
                              modified=parse_time(str(file["modifiedTime"])),
                              readers=self._readers(fresh), body=self._content(file),
                              media_type=kind)

    def _metadata(self, file_id: str) -> dict[str, Any]:
        request = self.service.files().get(fileId=file_id, fields=FIELDS, supportsAllDrives=True)
        file = self._call(request.execute, f"reading file {file_id}")
        if not isinstance(file, dict):
            raise Malformed(f"Google Drive sent unreadable metadata for file {file_id}")
        return file

    def _check_size(self, file: dict[str, Any]) -> None:
        size = int(file.get("size") or 0)
        if size > self.options.max_file_mb * 1_000_000:
            raise Skipped(f"{file.get('name')} is {size / 1_000_000:.0f} MB, over max_file_mb "
                          f"= {self.options.max_file_mb:g}: raise max_file_mb to include it")

    def _content(self, file: dict[str, Any]) -> bytes:
        files, file_id = self.service.files(), str(file["id"])
        if file.get("mimeType") == GOOGLE_DOC:
            request = files.export(fileId=file_id, mimeType=EXPORTS[self.options.docs_export])
        else:
            request = files.get_media(fileId=file_id, supportsAllDrives=True)
        body = self._call(request.execute, f"downloading {file.get('name')!r}")
        if not isinstance(body, bytes):
            raise Malformed(f"Google Drive sent no content for {file.get('name')!r}")
        return body

    def read_permissions(self, keys: list[str]) -> Permissions:
        """Each file's sharing (permissions.list; no content). Drive lists Google groups as
        readers by e-mail (``group:ops@acme.example``); their members are not in its API."""
        read = Permissions()
        for key in keys:
            try:
                read.readers[key] = self._readers(Entry(key, "", title=key))
            except AuthFailed as exc:
                if "answered 404" not in str(exc):
                    raise  # the credentials: the whole source fails closed
                # one file gone (deleted, or unshared): the next content sync removes it
                read.problems.append(f"{exc}: readable by nobody for now")
                read.readers[key] = Readers(why=str(exc))
        return read

    def _readers(self, entry: Entry) -> Readers:
        try:
            return readers_of(self._permissions(entry.key), entry.title)
        except SharingHidden as exc:
            # fail closed: nobody is recorded, so enforcing access later hides the file
            log.warning("gdrive_sharing_hidden", source=self.name, file=entry.key, error=str(exc))
            return Readers(why=f"Drive did not show the sharing of {entry.title!r} to the "
                               "account; give it Editor (Content manager on a shared drive) "
                               "to record readers")

    def _permissions(self, file_id: str) -> list[dict[str, Any]]:
        permissions: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = self._permission_page(file_id, token)
            permissions += [p for p in page.get("permissions", []) if isinstance(p, dict)]
            token = page.get("nextPageToken")
            if not token:
                return permissions

    def _permission_page(self, file_id: str, token: str | None) -> dict[str, Any]:
        request = self.service.permissions().list(
            fileId=file_id, pageToken=token, fields=PERMISSION_FIELDS, supportsAllDrives=True)
        page = self._call(request.execute, f"reading the sharing of file {file_id}")
        if not isinstance(page, dict) or not isinstance(page.get("permissions", []), list):
            raise Malformed(f"Google Drive sent an unreadable permission list for {file_id}")
        return page

    def _call(self, execute: Any, what: str) -> Any:
        budget = WaitBudget(self.options.max_wait_s)
        return budget.call(lambda: drive_call(execute, self.options, what), what)

