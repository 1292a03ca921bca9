"""Listing Drive folders (recursively) and shared drives, page by page, to the last file.

Every listing is a full metadata listing (a thousand files a request), so a file deleted or
moved out of the folders is seen as gone; only what changed is fetched afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from sources.gdrive_client import drive_call
from sources.gdrive_files import FIELDS, FOLDER, entry_of, media_type
from sources.gdrive_options import DriveOptions
from sources.model import AuthFailed, Listing, Malformed, SourceError
from sources.retry_after import WaitBudget

PAGE_SIZE = 1000


class DriveLister:
    """One listing: walks every configured folder and shared drive into ``listing``."""

    def __init__(self, service: Any, options: DriveOptions, budget: WaitBudget) -> None:
        self.service, self.options, self.budget = service, options, budget
        self.listing = Listing()
        self.files: dict[str, dict[str, Any]] = {}  # id -> resource, for fetch

    def run(self) -> Listing:
        """Everything in the configured folders and drives; complete only if every page read."""
        folders, seen = list(self.options.folders), set(self.options.folders)
        for drive_id in self.options.shared_drives:
            self._take(self._pages({"corpora": "drive", "driveId": drive_id,
                                    "q": "trashed = false"}, f"listing shared drive {drive_id}"))
        while folders:
            folder = folders.pop(0)
            for sub in self._take(self._pages({"q": f"'{folder}' in parents and trashed = false"},
                                              f"listing folder {folder}")):
                if sub not in seen:  # a folder with two parents is walked once
                    seen.add(sub)
                    folders.append(sub)
        return self.listing

    def _take(self, files: Iterator[dict[str, Any]]) -> list[str]:
        """Adds the documents among ``files`` to the listing; returns the sub-folders' ids."""
        folders = []
        for file in files:
            if file.get("mimeType") == FOLDER:
                folders.append(str(file.get("id")))
            elif media_type(file, self.options.docs_export) is not None:
                self._add(file)
        return folders

    def _add(self, file: dict[str, Any]) -> None:
        try:
            entry = entry_of(file)
        except Malformed as exc:
            self._partial(str(exc))
            return
        if entry.key not in self.files:
            self.files[entry.key] = file
            self.listing.entries.append(entry)

    def _pages(self, query: dict[str, Any], what: str) -> Iterator[dict[str, Any]]:
        """Each file of a files.list query, following nextPageToken; a failed page ends the
        walk of that query and marks the listing partial (AuthFailed is raised)."""
        token: str | None = None
        while True:
            try:
                page = self.budget.call(partial(self._page, query, token, what), what)
            except AuthFailed:
                raise
            except SourceError as exc:
                self._partial(str(exc))
                return
            if page.get("incompleteSearch"):  # Drive says results may be missing
                self._partial(f"Google Drive reported an incomplete search {what}")
            yield from page["files"]
            token = page.get("nextPageToken")
            if not token:
                return

    def _page(self, query: dict[str, Any], token: str | None, what: str) -> dict[str, Any]:
        request = self.service.files().list(
            pageSize=PAGE_SIZE, pageToken=token, fields=f"nextPageToken, files({FIELDS})",
            supportsAllDrives=True, includeItemsFromAllDrives=True, **query)
        page = drive_call(request.execute, self.options, what)
        if not isinstance(page, dict) or not isinstance(page.get("files"), list) or not all(
                isinstance(file, dict) for file in page["files"]):
            raise Malformed(f"Google Drive sent an unreadable page {what}")
        return page

    def _partial(self, problem: str) -> None:
        self.listing.complete = False
        self.listing.problems.append(problem)
