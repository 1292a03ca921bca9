"""The files of one repository at one commit, as listing entries (one request per repo)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sources.github_client import GitHubCalls
from sources.github_options import GitHubOptions, RepoRef
from sources.globs import matches
from sources.model import Entry, Malformed
from sources.times import maybe_time


@dataclass(frozen=True)
class RepoHead:
    """What a repository looks like now: its branch head and who may read it."""

    ref: RepoRef
    branch: str
    commit: str
    committed: datetime | None
    html_url: str
    repo: dict[str, Any]


def read_head(calls: GitHubCalls, ref: RepoRef) -> RepoHead:
    """The repository and the commit its branch points at now."""
    what = f"repo {ref.full_name}"
    repo = calls.get(f"repos/{ref.full_name}", what)
    branch = ref.branch or str(repo.get("default_branch") or "main")
    data = calls.get(f"repos/{ref.full_name}/branches/{quote(branch, safe='')}",
                     f"branch {branch} of {what}")
    try:
        commit = data["commit"]
        when = commit["commit"]["committer"]["date"]
        return RepoHead(ref, branch, str(commit["sha"]), maybe_time(when),
                        str(repo["html_url"]), repo)
    except (KeyError, TypeError) as exc:
        raise Malformed(f"GitHub answered branch {branch} of {what} without a commit") from exc


def file_key(ref: RepoRef, path: str) -> str:
    """The stable key of a file: ``owner/name:path``."""
    return f"{ref.full_name}:{path}"


def blob_url(head: RepoHead, path: str) -> str:
    """Where a colleague opens the file: the blob at the listed commit, first line anchored."""
    return f"{head.html_url}/blob/{head.commit}/{quote(path)}#L1"


def list_files(calls: GitHubCalls, head: RepoHead, options: GitHubOptions) -> list[Entry]:
    """One entry per file the options select; version is the blob SHA."""
    tree = calls.get(f"repos/{head.ref.full_name}/git/trees/{head.commit}",
                     f"the file tree of repo {head.ref.full_name}", {"recursive": "1"})
    if not isinstance(tree, dict) or not isinstance(tree.get("tree"), list):
        raise Malformed(f"GitHub answered the tree of repo {head.ref.full_name} without files")
    items = tree["tree"]
    if tree.get("truncated"):
        # GitHub caps recursive trees (100,000 entries / 7 MB): read it folder by folder.
        items = list(_walk(calls, head, head.commit, ""))
    return [_entry(head, item) for item in items if _selected(item, options)]


def _walk(calls: GitHubCalls, head: RepoHead, sha: str, prefix: str) -> Iterator[dict[str, Any]]:
    """Every blob under tree ``sha``, one request per folder, paths relative to the repo."""
    tree = calls.get(f"repos/{head.ref.full_name}/git/trees/{sha}",
                     f"folder {prefix or '/'} of repo {head.ref.full_name}")
    if not isinstance(tree, dict) or not isinstance(tree.get("tree"), list):
        raise Malformed(f"GitHub answered folder {prefix or '/'} of repo "
                        f"{head.ref.full_name} without files")
    for item in tree["tree"]:
        path = prefix + str(item.get("path", ""))
        if item.get("type") == "tree":
            yield from _walk(calls, head, str(item["sha"]), path + "/")
        elif item.get("type") == "blob":
            yield {**item, "path": path}


def _selected(item: Any, options: GitHubOptions) -> bool:
    return (isinstance(item, dict) and item.get("type") == "blob"
            and matches(str(item.get("path", "")), options.paths, options.exclude))


def _entry(head: RepoHead, item: dict[str, Any]) -> Entry:
    path = str(item["path"])
    return Entry(key=file_key(head.ref, path), version=str(item["sha"]),
                 url=blob_url(head, path), title=path.rsplit("/", 1)[-1],
                 modified=head.committed, size=int(item.get("size") or 0))
