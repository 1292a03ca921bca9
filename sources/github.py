"""``kind = "github"``: Markdown and other files of repositories, optionally their issues
and discussions, read with githubkit (REST for files and issues, GraphQL for discussions).

Keys: ``owner/name:path`` for files, ``owner/name#issue/12``, ``owner/name#discussion/3``.
Versions: the blob SHA for files, ``updated_at`` for issues and discussions. The cursor is
the commit SHA listed per repo; a branch that did not move is listed again from memory.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import ClassVar

import structlog

from sources.github_client import GitHubCalls, build_client
from sources.github_discussions import discussion_markdown, list_discussions
from sources.github_emails import login_emails
from sources.github_files import last_changed, media_type, read_blob
from sources.github_issues import issue_markdown, list_issues
from sources.github_options import GitHubOptions, RepoRef
from sources.github_pushed import file_at, head_at
from sources.github_readers import repo_readers, team_members
from sources.github_tree import RepoHead, list_files, read_head
from sources.http_faults import too_large
from sources.model import (
    AuthFailed,
    Entry,
    Listing,
    Malformed,
    Permissions,
    RateLimited,
    Readers,
    SourceDocument,
    SourceError,
)
from sources.times import maybe_time

log = structlog.get_logger(__name__)
_THREAD = re.compile(r"^(?P<repo>[^#:]+)#(?P<kind>issue|discussion)/(?P<number>\d+)$")


class GitHubConnector:
    """Lists and fetches the documents of the repositories in :class:`GitHubOptions`."""

    kind: ClassVar[str] = "github"
    Options: ClassVar[type[GitHubOptions]] = GitHubOptions

    def __init__(self, name: str, options: GitHubOptions) -> None:
        self.name = name
        self.options = options
        self._calls: GitHubCalls | None = None
        self._heads: dict[str, RepoHead] = {}
        self._readers: dict[str, Readers] = {}
        self._trees: dict[tuple[str, str], list[Entry]] = {}

    def list_documents(self, cursor: dict[str, str]) -> Listing:
        """Every selected file (and issue, discussion) of every configured repo."""
        listing = Listing()
        for ref in self.options.repo_refs():
            try:
                listing.entries += self._list_repo(ref, cursor, listing)
            except (AuthFailed, RateLimited):
                raise  # no listing is possible now: the engine reports or waits
            except SourceError as exc:
                self._partial(listing, ref, cursor, exc)
        return listing

    def fetch(self, entry: Entry) -> SourceDocument:
        """The file, issue or discussion behind ``entry``."""
        thread = _THREAD.match(entry.key)
        if thread:
            return self._fetch_thread(entry, thread["repo"], thread["kind"],
                                      int(thread["number"]))
        repo, _, path = entry.key.partition(":")
        return self._fetch_file(entry, self._ref(repo), path)

    def entries(self, keys: frozenset[str], cursor: Mapping[str, str]) -> list[Entry]:
        """The files among ``keys`` at the commit ``cursor`` names per repo (a push's), read
        one by one instead of listing the tree; files not at that commit are left out."""
        paths: dict[str, list[str]] = defaultdict(list)
        for key in sorted(keys):
            repo, _, path = key.partition(":")
            paths[repo].append(path)
        found: list[Entry] = []
        for repo, named in paths.items():
            if repo not in cursor:
                raise Malformed(f"no commit of repo {repo} was given for its files")
            head = self._head_at(self._ref(repo), cursor[repo])
            found += [e for p in named if (e := file_at(self._client(), head, p)) is not None]
        return found

    def _head_at(self, ref: RepoRef, commit: str) -> RepoHead:
        """The repo at ``commit``, remembered for fetching (links, dates, readers)."""
        calls = self._client()
        head = self._heads[ref.full_name] = head_at(calls, ref, commit)
        self._readers[ref.full_name] = repo_readers(calls, ref.full_name, head.repo)
        return head

    def read_permissions(self, keys: list[str]) -> Permissions:
        """Each repo's visibility, collaborators and teams, and the teams' members; no file,
        tree or issue is read."""
        read = Permissions()
        calls = self._client()
        for ref in self.options.repo_refs():
            repo = calls.get(f"repos/{ref.full_name}", f"repo {ref.full_name}")
            readers = repo_readers(calls, ref.full_name, repo)
            self._readers[ref.full_name] = readers
            read.groups |= team_members(calls, readers, read.problems)
        read.links = self._links(calls, read)
        for key in keys:
            repo = _repo_of(key)
            if repo in self._readers:
                read.readers[key] = self._readers[repo]
        return read

    def _links(self, calls: GitHubCalls, read: Permissions) -> dict[str, tuple[str, ...]]:
        """The e-mails of the private repos' owners' members and of every login that may
        read them (sources.github_emails)."""
        named = (r.full_name for r in self.options.repo_refs())
        private = [(n, self._readers[n]) for n in named if not self._readers[n].public]
        orgs = {name.split("/", 1)[0] for name, _ in private}
        logins = {p for _, r in private for p in r.principals if p.startswith("user:")}
        logins |= {m for members in read.groups.values() for m in members}
        return login_emails(calls, orgs, logins)

    # ---- listing ---------------------------------------------------------------------
    def _list_repo(self, ref: RepoRef, cursor: dict[str, str], listing: Listing) -> list[Entry]:
        calls = self._client()
        head = read_head(calls, ref)
        self._heads[ref.full_name] = head
        self._readers[ref.full_name] = repo_readers(calls, ref.full_name, head.repo)
        entries = list(self._files_at(calls, head, cursor.get(ref.full_name)))
        listing.cursor[ref.full_name] = head.commit
        if self.options.issues:
            entries += list_issues(calls, ref)
        if self.options.discussions:
            entries += list_discussions(calls, ref)
        return entries

    def _files_at(self, calls: GitHubCalls, head: RepoHead, listed: str | None) -> list[Entry]:
        key = (head.ref.full_name, head.commit)
        if key in self._trees:  # the branch has not moved since we read this tree
            log.debug("github.tree_unchanged", source=self.name, repo=key[0], same=listed == key[1])
            return self._trees[key]
        self._trees = {k: v for k, v in self._trees.items() if k[0] != key[0]}
        self._trees[key] = list_files(calls, head, self.options)
        return self._trees[key]

    def _partial(self, listing: Listing, ref: RepoRef, cursor: dict[str, str],
                 exc: SourceError) -> None:
        log.warning("github.listing_partial", source=self.name, repo=ref.full_name, error=str(exc))
        listing.complete = False
        listing.problems.append(str(exc))
        if ref.full_name in cursor:
            listing.cursor[ref.full_name] = cursor[ref.full_name]

    # ---- fetching --------------------------------------------------------------------
    def _fetch_file(self, entry: Entry, ref: RepoRef, path: str) -> SourceDocument:
        what = f"{path} in repo {ref.full_name}"
        if entry.size is not None and entry.size > self.options.max_bytes:
            raise too_large(what, entry.size, self.options.max_bytes)
        calls = self._client()
        body = read_blob(calls, ref, entry.version, path)
        if len(body) > self.options.max_bytes:
            raise too_large(what, len(body), self.options.max_bytes)
        commit = self._commit_of(ref, entry)
        modified = last_changed(calls, ref, path, commit) or entry.modified or _now()
        return SourceDocument(entry=entry, title=path, url=entry.url, modified=modified,
                              readers=self._readers_of(ref), body=body,
                              media_type=media_type(path))

    def _fetch_thread(self, entry: Entry, repo: str, kind: str, number: int) -> SourceDocument:
        ref = self._ref(repo)
        read = issue_markdown if kind == "issue" else discussion_markdown
        item, text = read(self._client(), ref, number)
        edited = item.get("updated_at") or item.get("updatedAt")
        modified = maybe_time(edited) or entry.modified or _now()
        return SourceDocument(entry=entry, title=str(item.get("title") or entry.title),
                              url=entry.url, modified=modified, readers=self._readers_of(ref),
                              body=text.encode(), media_type="text/markdown")

    # ---- state -----------------------------------------------------------------------
    def _client(self) -> GitHubCalls:
        if self._calls is None:
            self._calls = GitHubCalls(build_client(self.options), self.options.token_env)
        return self._calls

    def _ref(self, full_name: str) -> RepoRef:
        for ref in self.options.repo_refs():
            if ref.full_name == full_name:
                return ref
        raise Malformed(f"{full_name} is not among repos of source {self.name}")

    def _readers_of(self, ref: RepoRef) -> Readers:
        if ref.full_name not in self._readers:
            head = read_head(self._client(), ref)
            self._readers[ref.full_name] = repo_readers(self._client(), ref.full_name, head.repo)
        return self._readers[ref.full_name]

    def _commit_of(self, ref: RepoRef, entry: Entry) -> str:
        head = self._heads.get(ref.full_name)
        if head is not None:
            return head.commit
        found = re.search(r"/blob/([0-9a-f]{7,40})/", entry.url)
        return found.group(1) if found else ref.branch or "HEAD"


def _repo_of(key: str) -> str:
    """``owner/name`` of a file's or thread's key."""
    thread = _THREAD.match(key)
    return thread["repo"] if thread else key.partition(":")[0]


def _now() -> datetime:
    return datetime.now(UTC)

