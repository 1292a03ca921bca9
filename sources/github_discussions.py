"""Discussions as documents, read over GraphQL (the REST API has none for repos).

Each discussion becomes one Markdown page: the question, then each comment. Version is
``updatedAt``.
"""

from __future__ import annotations

from typing import Any

from sources.github_client import GitHubCalls
from sources.github_options import RepoRef
from sources.model import Entry, Malformed
from sources.times import maybe_time

LIST = """
query($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    discussions(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { number title url updatedAt }
    }
  }
}"""

ONE = """
query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    discussion(number: $number) {
      number title url updatedAt body author { login }
      comments(first: 100) { nodes { body author { login } } }
    }
  }
}"""


def discussion_key(ref: RepoRef, number: int) -> str:
    """The stable key of a discussion: ``owner/name#discussion/3``."""
    return f"{ref.full_name}#discussion/{number}"


def list_discussions(calls: GitHubCalls, ref: RepoRef) -> list[Entry]:
    """Every discussion of the repo as entries, following the GraphQL cursor."""
    entries: list[Entry] = []
    after: str | None = None
    while True:
        page = _page(calls, ref, after)
        entries += [_entry(ref, node) for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return entries
        after = page["pageInfo"]["endCursor"]


def _page(calls: GitHubCalls, ref: RepoRef, after: str | None) -> dict[str, Any]:
    what = f"the discussions of repo {ref.full_name}"
    data = calls.graphql(LIST, {"owner": ref.owner, "name": ref.name, "after": after}, what)
    try:
        page = dict(data["repository"]["discussions"])
        if not isinstance(page["nodes"], list) or "hasNextPage" not in page["pageInfo"]:
            raise TypeError("no nodes")
        return page
    except (KeyError, TypeError) as exc:
        raise Malformed(f"GitHub answered {what} without discussions") from exc


def _entry(ref: RepoRef, node: dict[str, Any]) -> Entry:
    try:
        return Entry(key=discussion_key(ref, int(node["number"])), version=str(node["updatedAt"]),
                     url=str(node["url"]), title=str(node["title"]),
                     modified=maybe_time(node["updatedAt"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Malformed(f"a discussion of repo {ref.full_name} came without number") from exc


def discussion_markdown(calls: GitHubCalls, ref: RepoRef, number: int) -> tuple[dict[str, Any],
                                                                                 str]:
    """The discussion's JSON and its text: title, body, then each comment with its author."""
    what = f"discussion #{number} of repo {ref.full_name}"
    data = calls.graphql(ONE, {"owner": ref.owner, "name": ref.name, "number": number}, what)
    node = (data.get("repository") or {}).get("discussion")
    if not isinstance(node, dict):
        raise Malformed(f"GitHub answered {what} without the discussion")
    parts = [f"# {node.get('title', '')}", f"Asked by {_login(node)}.\n\n{node.get('body') or ''}"]
    comments = ((node.get("comments") or {}).get("nodes")) or []
    parts += [f"## Comment by {_login(c)}\n\n{c.get('body') or ''}" for c in comments]
    return node, "\n\n".join(parts) + "\n"


def _login(node: dict[str, Any]) -> str:
    return str((node.get("author") or {}).get("login", "someone"))
