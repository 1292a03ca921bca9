"""A fake GitHub REST + GraphQL API, as docs.github.com describes it, for the connector tests.

Repos hold files per commit; blobs are addressed by their real git SHA-1, so an edit
changes exactly that file's SHA. Lists paginate with ``per_page``/``page`` and a ``Link``
header; every answer carries the ``X-RateLimit-*`` headers; a wrong token gets 401
``Bad credentials`` and a private repo the token cannot see answers 404, as GitHub does.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.http_thread import Faults, ThreadServer

TOKEN = "ghp_fake_token_0123456789"
DOCS = "https://docs.github.com/rest"


def git_sha(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


@dataclass
class Commit:
    sha: str
    date: str
    files: dict[str, bytes]
    changed: set[str]


@dataclass
class Repo:
    owner: str
    name: str
    private: bool = False
    commits: list[Commit] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    discussions: list[dict[str, Any]] = field(default_factory=list)
    collaborators: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    visible: bool = True  # False: the token cannot see it (GitHub answers 404)


class FakeGitHub:
    """``with FakeGitHub() as gh:`` then ``gh.api_url`` is the connector's ``base_url``."""

    def __init__(self, page_size: int = 100) -> None:
        self.repos: dict[str, Repo] = {}
        self.team_members: dict[str, list[str]] = {}  # "org/slug" -> logins
        self.org_members: dict[str, list[str]] = {}  # org -> logins (membersWithRole)
        self.public_emails: dict[str, str] = {}  # login -> the profile's public e-mail
        self.verified_emails: dict[str, list[str]] = {}  # login -> org-verified-domain ones
        self.read_org = True  # False: the token lacks read:org (GraphQL INSUFFICIENT_SCOPES)
        self.page_size = page_size
        self.tree_limit: int | None = None  # recursive trees longer than this are truncated
        self.faults = Faults()
        self._clock = itertools.count(1)
        self._server = ThreadServer(self._app(), self.faults)
        self.api_url = self._server.url + "/api/v3"

    def __enter__(self) -> FakeGitHub:
        self._server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__(*exc)

    # ---- what tests change -------------------------------------------------------------
    def add_repo(self, full_name: str, files: dict[str, bytes], private: bool = False) -> Repo:
        owner, name = full_name.split("/")
        repo = self.repos[full_name] = Repo(owner, name, private)
        self.push(full_name, files)
        return repo

    def push(self, full_name: str, changes: Mapping[str, bytes | None]) -> str:
        """A new commit on main: ``None`` deletes a path. Returns the commit SHA."""
        repo = self.repos[full_name]
        files = dict(repo.commits[-1].files) if repo.commits else {}
        for path, content in changes.items():
            files.pop(path, None) if content is None else files.__setitem__(path, content)
        n = next(self._clock)
        sha = hashlib.sha1(f"{full_name}:{n}".encode()).hexdigest()
        repo.commits.append(Commit(sha, f"2026-01-{n:02d}T10:00:00Z", files, set(changes)))
        return sha

    def add_issue(self, full_name: str, title: str, body: str, pull: bool = False) -> int:
        repo = self.repos[full_name]
        number = len(repo.issues) + 1
        issue = {"number": number, "title": title, "body": body, "state": "open",
                 "user": {"login": "octocat"}, "updated_at": f"2026-02-{number:02d}T00:00:00Z",
                 "html_url": f"{self.html(full_name)}/issues/{number}"}
        if pull:
            issue["pull_request"] = {"url": "..."}
        repo.issues.append(issue)
        return number

    def html(self, full_name: str) -> str:
        return f"{self._server.url}/{full_name}"

    # ---- the API -----------------------------------------------------------------------
    def _app(self) -> Starlette:
        base = "/api/v3/repos/{owner}/{name}"
        return Starlette(routes=[
            Route(base, self._repo), Route(base + "/branches/{branch}", self._branch),
            Route(base + "/git/trees/{sha}", self._tree),
            Route(base + "/git/blobs/{sha}", self._blob),
            Route(base + "/contents/{path:path}", self._contents),
            Route(base + "/commits", self._commits), Route(base + "/issues", self._issues),
            Route(base + "/issues/{number:int}", self._issue),
            Route(base + "/issues/{number:int}/comments", self._comments),
            Route(base + "/collaborators", self._collaborators),
            Route(base + "/teams", self._teams),
            Route("/api/v3/orgs/{org}/teams/{slug}/members", self._team_members),
            Route("/api/v3/users/{login}", self._user),
            Route("/api/graphql", self._graphql, methods=["POST"]),
        ])

    def _answer(self, data: Any, status: int = 200, link: str = "") -> JSONResponse:
        headers = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999",
                   "x-ratelimit-reset": "1900000000", "x-ratelimit-used": "1",
                   "x-ratelimit-resource": "core"}
        if link:
            headers["link"] = link
        return JSONResponse(data, status, headers)

    def _error(self, status: int, message: str) -> JSONResponse:
        return self._answer({"message": message, "documentation_url": DOCS}, status)

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        return header in (f"token {TOKEN}", f"Bearer {TOKEN}")

    def _find(self, request: Request) -> Repo | JSONResponse:
        if not self._authorized(request):
            return self._error(401, "Bad credentials")
        repo = self.repos.get(f"{request.path_params['owner']}/{request.path_params['name']}")
        if repo is None or not repo.visible:
            return self._error(404, "Not Found")
        return repo

    def _page(self, request: Request, items: list[Any]) -> JSONResponse:
        per_page = min(int(request.query_params.get("per_page", 30)), self.page_size)
        page = int(request.query_params.get("page", 1))
        chunk = items[(page - 1) * per_page: page * per_page]
        link = ""
        if page * per_page < len(items):
            params = dict(request.query_params) | {"page": str(page + 1), "per_page": str(per_page)}
            query = "&".join(f"{k}={v}" for k, v in params.items())
            link = f'<{request.url.replace(query=query)}>; rel="next"'
        return self._answer(chunk, link=link)

    async def _repo(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        full = f"{repo.owner}/{repo.name}"
        return self._answer({"full_name": full, "name": repo.name, "private": repo.private,
                             "visibility": "private" if repo.private else "public",
                             "default_branch": "main", "html_url": self.html(full)})

    async def _branch(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        if request.path_params["branch"] != "main":
            return self._error(404, "Branch not found")
        head = repo.commits[-1]
        return self._answer({"name": "main", "commit": {
            "sha": head.sha, "commit": {"committer": {"date": head.date}}}})

    def _commit(self, repo: Repo, sha: str) -> Commit | None:
        return next((c for c in repo.commits if c.sha == sha), None)

    def _dir_sha(self, commit: Commit, folder: str) -> str:
        return hashlib.sha1(f"tree:{commit.sha}:{folder}".encode()).hexdigest()

    def _resolve_tree(self, repo: Repo, sha: str) -> tuple[Commit, str] | None:
        """A tree SHA is a commit (its root) or one folder of a commit."""
        for commit in repo.commits:
            if commit.sha == sha:
                return commit, ""
            folders = {p.rsplit("/", 1)[0] for p in commit.files if "/" in p}
            folders |= {f.rsplit("/", i)[0] for f in folders for i in range(f.count("/") + 1)}
            for folder in folders:
                if self._dir_sha(commit, folder) == sha:
                    return commit, folder
        return None

    def _tree_items(self, commit: Commit, folder: str, recursive: bool) -> list[dict[str, Any]]:
        prefix = folder + "/" if folder else ""
        items, dirs = [], set()
        for path, content in sorted(commit.files.items()):
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix):]
            if "/" in rest and not recursive:
                dirs.add(rest.split("/", 1)[0])
                continue
            items.append({"path": rest, "mode": "100644", "type": "blob",
                          "sha": git_sha(content), "size": len(content)})
            parts = rest.split("/")[:-1]
            dirs |= {"/".join(parts[: i + 1]) for i in range(len(parts))}
        items += [{"path": d, "mode": "040000", "type": "tree",
                   "sha": self._dir_sha(commit, prefix + d)} for d in sorted(dirs)]
        return items

    async def _tree(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        found = self._resolve_tree(repo, request.path_params["sha"])
        if found is None:
            return self._error(404, "Not Found")
        commit, folder = found
        recursive = request.query_params.get("recursive") not in (None, "", "0", "false")
        tree = self._tree_items(commit, folder, recursive)
        truncated = recursive and self.tree_limit is not None and len(tree) > self.tree_limit
        if truncated:
            tree = tree[: self.tree_limit]  # GitHub cuts big recursive trees and says so
        return self._answer({"sha": request.path_params["sha"], "tree": tree,
                             "truncated": truncated})

    async def _blob(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        for commit in reversed(repo.commits):
            for content in commit.files.values():
                if git_sha(content) == request.path_params["sha"]:
                    encoded = base64.encodebytes(content).decode()  # GitHub wraps at 60 columns
                    return self._answer({"sha": git_sha(content), "size": len(content),
                                         "content": encoded, "encoding": "base64"})
        return self._error(404, "Not Found")

    async def _contents(self, request: Request) -> JSONResponse:
        """A file's metadata and content at ``ref`` (a commit SHA or ``main``), as
        ``GET /repos/{owner}/{repo}/contents/{path}`` answers it; 404 when it is not there."""
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        ref = request.query_params.get("ref", "main")
        commit = repo.commits[-1] if ref == "main" else self._commit(repo, ref)
        path = request.path_params["path"]
        if commit is None or path not in commit.files:
            return self._error(404, "Not Found")
        content, full = commit.files[path], f"{repo.owner}/{repo.name}"
        return self._answer({
            "type": "file", "encoding": "base64", "size": len(content),
            "name": path.rsplit("/", 1)[-1], "path": path, "sha": git_sha(content),
            "content": base64.encodebytes(content).decode(),
            "html_url": f"{self.html(full)}/blob/{ref}/{path}"})

    async def _commits(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        path, until = request.query_params.get("path"), request.query_params.get("sha")
        last = len(repo.commits) - 1
        upto = next((i for i, c in enumerate(repo.commits) if c.sha == until), last)
        found = [c for c in reversed(repo.commits[: upto + 1])
                 if path is None or path in c.changed]
        return self._page(request, [{"sha": c.sha, "commit": {"committer": {"date": c.date}}}
                                    for c in found])

    async def _issues(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        return repo if isinstance(repo, JSONResponse) else self._page(request, repo.issues)

    async def _issue(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        number = request.path_params["number"]
        found = [i for i in repo.issues if i["number"] == number]
        return self._answer(found[0]) if found else self._error(404, "Not Found")

    async def _comments(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        return self._page(request, repo.comments.get(request.path_params["number"], []))

    async def _collaborators(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        return self._page(request, [{"login": login} for login in repo.collaborators])

    async def _teams(self, request: Request) -> JSONResponse:
        repo = self._find(request)
        if isinstance(repo, JSONResponse):
            return repo
        return self._page(request, [{"slug": slug} for slug in repo.teams])

    async def _team_members(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return self._error(401, "Bad credentials")
        team = f"{request.path_params['org']}/{request.path_params['slug']}"
        if team not in self.team_members:
            return self._error(404, "Not Found")
        return self._page(request, [{"login": login} for login in self.team_members[team]])

    async def _graphql(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return self._error(401, "Bad credentials")
        payload = await request.json()
        query, variables = payload["query"], payload.get("variables") or {}
        if "organization(" in query:
            return self._answer(self._organization(variables))
        repo = self.repos.get(f"{variables.get('owner')}/{variables.get('name')}")
        if repo is None:
            return self._answer({"data": {"repository": None}, "errors": [
                {"type": "NOT_FOUND", "message": "Could not resolve to a Repository"}]})
        if "discussions(" in query:
            return self._answer({"data": {"repository": {"discussions": self._discussions(
                repo, variables.get("after"))}}})
        found = [d for d in repo.discussions if d["number"] == variables.get("number")]
        return self._answer({"data": {"repository": {"discussion": found[0] if found else None}}})

    def _discussions(self, repo: Repo, after: str | None) -> dict[str, Any]:
        start = int(after) if after else 0
        nodes = repo.discussions[start: start + self.page_size]
        more = start + self.page_size < len(repo.discussions)
        return {"pageInfo": {"hasNextPage": more, "endCursor": str(start + len(nodes))},
                "nodes": [{k: d[k] for k in ("number", "title", "url", "updatedAt")}
                          for d in nodes]}

    async def _user(self, request: Request) -> JSONResponse:
        """``GET /users/{login}``: ``email`` is the public one, null when not public."""
        if not self._authorized(request):
            return self._error(401, "Bad credentials")
        login = request.path_params["login"]
        known = {m for ms in (*self.team_members.values(), *self.org_members.values())
                 for m in ms} | {c for r in self.repos.values() for c in r.collaborators}
        if login not in known | set(self.public_emails):
            return self._error(404, "Not Found")
        return self._answer({"login": login, "id": abs(hash(login)) % 10**8, "type": "User",
                             "email": self.public_emails.get(login)})

    def _organization(self, variables: dict[str, Any]) -> dict[str, Any]:
        """``organization(login:) { membersWithRole { nodes { login email
        organizationVerifiedDomainEmails(login:) } } }``, as GitHub's GraphQL answers it."""
        org = str(variables.get("org"))
        if not self.read_org:
            return {"data": None, "errors": [{"type": "INSUFFICIENT_SCOPES", "message":
                    "Your token has not been granted the required scopes to execute this "
                    "query. The 'organizationVerifiedDomainEmails' field requires one of the "
                    "following scopes: ['read:org'], but your token has only been granted "
                    "the: ['repo'] scopes."}]}
        if org not in self.org_members:
            return {"data": {"organization": None}, "errors": [{"type": "NOT_FOUND", "path": [
                "organization"], "message": f"Could not resolve to an Organization with the "
                f"login of '{org}'."}]}
        start = int(variables.get("after") or 0)
        logins = self.org_members[org][start: start + self.page_size]
        more = start + self.page_size < len(self.org_members[org])
        nodes = [{"login": m, "email": self.public_emails.get(m, ""),
                  "organizationVerifiedDomainEmails": self.verified_emails.get(m, [])}
                 for m in logins]
        return {"data": {"organization": {"membersWithRole": {
            "pageInfo": {"hasNextPage": more, "endCursor": str(start + len(logins))},
            "nodes": nodes}}}}
