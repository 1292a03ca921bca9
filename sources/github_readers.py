"""Who may read a repository's documents, as GitHub says it.

Public repos are public. For private and internal ones we record the repo itself
(``github-repo:owner/name``: whoever can read it there) and, where the token may see them,
its direct collaborators and teams; listing them needs push access, so a 403/404 there
just leaves the repo principal.
"""

from __future__ import annotations

from typing import Any

from sources.github_client import GitHubCalls
from sources.model import AuthFailed, Readers, SourceError


def repo_readers(calls: GitHubCalls, full_name: str, repo: dict[str, Any]) -> Readers:
    """The readers of every document in ``repo`` (the JSON of ``GET /repos/{o}/{r}``)."""
    visibility = str(repo.get("visibility") or ("private" if repo.get("private") else "public"))
    if visibility == "public":
        return Readers(public=True, why=f"public repo {full_name}")
    principals = [f"github-repo:{full_name}"]
    principals += _optional(calls, f"repos/{full_name}/collaborators", full_name,
                            lambda c: f"user:{c['login']}")
    owner = full_name.split("/", 1)[0]
    principals += _optional(calls, f"repos/{full_name}/teams", full_name,
                            lambda t: f"github-team:{owner}/{t['slug']}")
    if visibility == "internal":
        principals.append(f"github-org:{owner}")
    return Readers(principals=tuple(dict.fromkeys(principals)),
                   why=f"{visibility} repo {full_name}")


def _optional(calls: GitHubCalls, path: str, full_name: str, name: Any) -> list[str]:
    try:
        items = [item for page in calls.pages(path, f"access list of repo {full_name}", {})
                 for item in page]
        return [name(item) for item in items]
    except (SourceError, KeyError, TypeError):
        return []


def team_members(calls: GitHubCalls, readers: Readers,
                 problems: list[str]) -> dict[str, tuple[str, ...]]:
    """The members (``user:<login>``) of every team among ``readers``; a team the token may
    not list (it needs ``read:org``) is left out and said in ``problems``."""
    found: dict[str, tuple[str, ...]] = {}
    for team in (p for p in readers.principals if p.startswith("github-team:")):
        org, _, slug = team.removeprefix("github-team:").partition("/")
        what = f"the members of team {org}/{slug}"
        try:
            found[team] = tuple(f"user:{m['login']}" for page in calls.pages(
                f"orgs/{org}/teams/{slug}/members", what, {}) for m in page)
        except (AuthFailed, KeyError, TypeError, SourceError) as exc:
            problems.append(f"{what} were not read ({exc}); they read the team's documents "
                            "only through [access.groups]. Fix: a token with read:org")
    return found
