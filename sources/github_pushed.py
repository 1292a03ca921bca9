"""The files a push named, at the pushed commit, without reading the repository's tree.

One ``GET /repos/{owner}/{repo}/contents/{path}?ref=<commit>`` per file gives its blob SHA
(the version a full listing records) and size; a 404 there means the file is not at that
commit. The repository itself is read first, so a repo the token cannot see fails the sync
instead of looking like every file was deleted.
"""

from __future__ import annotations

from urllib.parse import quote

from sources.github_client import GitHubCalls
from sources.github_options import RepoRef
from sources.github_tree import RepoHead, blob_url, file_key
from sources.model import Entry, Malformed, Skipped


def head_at(calls: GitHubCalls, ref: RepoRef, commit: str) -> RepoHead:
    """The repository as of ``commit`` (links cite that commit)."""
    repo = calls.get(f"repos/{ref.full_name}", f"repo {ref.full_name}")
    if not isinstance(repo, dict) or "html_url" not in repo:
        raise Malformed(f"GitHub answered repo {ref.full_name} without its html_url")
    branch = ref.branch or str(repo.get("default_branch") or "main")
    return RepoHead(ref, branch, commit, None, str(repo["html_url"]), repo)


def file_at(calls: GitHubCalls, head: RepoHead, path: str) -> Entry | None:
    """The entry of ``path`` at the head's commit; None when the file is not there."""
    what = f"{path} at {head.commit[:12]} in repo {head.ref.full_name}"
    try:
        data = calls.get(
            f"repos/{head.ref.full_name}/contents/{quote(path)}", what, {"ref": head.commit}
        )
    except Skipped:  # 404: not at this commit (removed by a later push, or never there)
        return None
    if not isinstance(data, dict) or data.get("type") != "file" or "sha" not in data:
        return None  # a folder or a submodule now has this name: not a document
    return Entry(
        key=file_key(head.ref, path),
        version=str(data["sha"]),
        url=blob_url(head, path),
        title=path.rsplit("/", 1)[-1],
        size=int(data.get("size") or 0),
    )
