"""Issues as documents: the issue and its comments in one Markdown page.

Pull requests come back from the issues endpoint too; they are skipped (their text is
code review, not knowledge). Version is ``updated_at``, which moves on every edit and
every new comment.
"""

from __future__ import annotations

from typing import Any

from sources.github_client import GitHubCalls
from sources.github_options import RepoRef
from sources.model import Entry, Malformed
from sources.times import maybe_time


def issue_key(ref: RepoRef, number: int) -> str:
    """The stable key of an issue: ``owner/name#issue/12``."""
    return f"{ref.full_name}#issue/{number}"


def list_issues(calls: GitHubCalls, ref: RepoRef) -> list[Entry]:
    """Every issue of the repo, open and closed, as entries."""
    what = f"the issues of repo {ref.full_name}"
    entries = []
    for page in calls.pages(f"repos/{ref.full_name}/issues", what, {"state": "all"}):
        entries += [_entry(ref, item) for item in page if "pull_request" not in item]
    return entries


def _entry(ref: RepoRef, item: dict[str, Any]) -> Entry:
    try:
        return Entry(key=issue_key(ref, int(item["number"])), version=str(item["updated_at"]),
                     url=str(item["html_url"]), title=str(item["title"]),
                     modified=maybe_time(item["updated_at"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Malformed(f"an issue of repo {ref.full_name} came without number/title") from exc


def issue_markdown(calls: GitHubCalls, ref: RepoRef, number: int) -> tuple[dict[str, Any], str]:
    """The issue's JSON and its text: title, body, then each comment with its author."""
    what = f"issue #{number} of repo {ref.full_name}"
    issue = calls.get(f"repos/{ref.full_name}/issues/{number}", what)
    comments = [c for page in calls.pages(f"repos/{ref.full_name}/issues/{number}/comments",
                                          f"the comments of {what}", {}) for c in page]
    parts = [f"# {issue.get('title', '')}", _said(issue)]
    parts += [f"## Comment by {_login(c)}\n\n{c.get('body') or ''}" for c in comments]
    return issue, "\n\n".join(parts) + "\n"


def _said(item: dict[str, Any]) -> str:
    return f"Opened by {_login(item)} ({item.get('state', '')}).\n\n{item.get('body') or ''}"


def _login(item: dict[str, Any]) -> str:
    user = item.get("user") or item.get("author") or {}
    return str(user.get("login", "someone"))
