"""A fake Google Drive v3 for tests: files.list/get/export, permissions.list and the OAuth
token endpoint, on 127.0.0.1 port 0 in a background thread.

It speaks the published API's shapes: ``nextPageToken`` paging, ``alt=media`` downloads,
``files/{id}/export?mimeType=…``, Google's error body ``{"error": {"code", "message",
"errors": [{"reason"}], "status"}}`` with ``Retry-After`` on 429, and the JWT-bearer grant a
service account signs (verified against its public key). Written from the reference.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FOLDER = "application/vnd.google-apps.folder"
GOOGLE_DOC = "application/vnd.google-apps.document"
TOKEN = "ya29.fake-drive-token"
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


@dataclass
class FakeFile:
    id: str
    name: str
    mimeType: str
    parents: list[str]
    content: bytes = b""
    drive_id: str | None = None
    permissions: list[dict[str, Any]] = field(default_factory=list)
    size: int | None = None  # claimed size; defaults to len(content) for non-Google files
    version: int = 1
    modified: int = 0  # minutes after 2024-01-01

    def resource(self, base: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "drive#file", "id": self.id, "name": self.name, "mimeType": self.mimeType,
            "modifiedTime": f"2024-01-01T{self.modified // 60:02d}:{self.modified % 60:02d}"
                            ":00.000Z",
            "version": str(self.version), "trashed": False,
            "webViewLink": f"https://docs.example.test/{self.id}/view"}
        if self.mimeType not in (FOLDER, GOOGLE_DOC):
            body["size"] = str(self.size if self.size is not None else len(self.content))
        return body


@dataclass
class Fault:
    status: int
    reason: str
    retry_after: int | None = None
    body: bytes | None = None  # a 200 with this body: a malformed answer
    hang_s: float = 0.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) is expected; nothing to print."""


class FakeDrive:
    """``with FakeDrive() as drive:``; point the connector at :attr:`endpoint`."""

    def __init__(self, page_size: int = 2) -> None:
        self.files: dict[str, FakeFile] = {}
        self.page_size = page_size  # small, so every listing pages
        self.incomplete_search = False  # Drive's flag: "some search results might be missing"
        self.requests: list[tuple[str, str]] = []  # (kind, file id or "")
        self.public_keys: list[str] = []  # PEM public keys of accepted service accounts
        self.tokens = {TOKEN}
        self.token_errors: list[str] = []
        self._faults: dict[str, list[Fault]] = {}
        self._clock = itertools.count(1)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeDrive:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def endpoint(self) -> str:
        return self.base + "drive/v3/"

    # ---- the data ------------------------------------------------------------------
    def add(self, file_id: str, name: str, mime: str, parent: str, content: str | bytes = b"",
            **extra: Any) -> FakeFile:
        data = content.encode() if isinstance(content, str) else content
        self.files[file_id] = FakeFile(file_id, name, mime, [parent], data,
                                       modified=next(self._clock), **extra)
        return self.files[file_id]

    def edit(self, file_id: str, content: str) -> None:
        file = self.files[file_id]
        file.content, file.version, file.modified = content.encode(), file.version + 1, next(
            self._clock)

    def delete(self, file_id: str) -> None:
        del self.files[file_id]

    # ---- faults --------------------------------------------------------------------
    def fail(self, kind: str, status: int, reason: str = "backendError", times: int = 1,
             retry_after: int | None = None) -> None:
        """The next ``times`` requests of ``kind`` (list, get, media, export, permissions,
        token) answer ``status`` with Google's error shape."""
        self._faults.setdefault(kind, []).extend([Fault(status, reason, retry_after)] * times)

    def malformed(self, kind: str, body: bytes, times: int = 1) -> None:
        self._faults.setdefault(kind, []).extend([Fault(200, "", body=body)] * times)

    def hang(self, kind: str, seconds: float, times: int = 1) -> None:
        self._faults.setdefault(kind, []).extend([Fault(0, "", hang_s=seconds)] * times)

    def count(self, kind: str, file_id: str = "") -> int:
        return sum(1 for k, f in self.requests if k == kind and (not file_id or f == file_id))

    def next_fault(self, kind: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(kind)
            return queue.pop(0) if queue else None

    # ---- the API -------------------------------------------------------------------
    def list_files(self, args: dict[str, str]) -> dict[str, Any]:
        parent = re.search(r"'([^']+)' in parents", args.get("q", ""))
        found = [f for f in self.files.values()
                 if (parent and parent.group(1) in f.parents)
                 or (args.get("corpora") == "drive" and f.drive_id == args.get("driveId"))]
        found.sort(key=lambda f: f.id)
        start = int(args.get("pageToken", "0") or 0)
        size = min(int(args.get("pageSize", "100")), self.page_size)
        page: dict[str, Any] = {
            "kind": "drive#fileList", "incompleteSearch": self.incomplete_search,
            "files": [f.resource(self.base) for f in found[start:start + size]]}
        if start + size < len(found):
            page["nextPageToken"] = str(start + size)
        return page

    def export(self, file: FakeFile, mime: str) -> bytes:
        if mime == "text/markdown":
            return file.content
        lines = file.content.decode().splitlines()
        html = [f"<h{len(m.group(1))}>{m.group(2)}</h{len(m.group(1))}>"
                if (m := re.match(r"(#+) (.*)", line)) else f"<p>{line}</p>" for line in lines]
        return ("<html><body>" + "".join(html) + "</body></html>").encode()


def error_body(status: int, reason: str, message: str) -> bytes:
    return json.dumps({"error": {"code": status, "message": message, "errors": [
        {"domain": "global", "reason": reason, "message": message}],
        "status": STATUS_NAMES.get(status, "UNKNOWN")}}).encode()


def _handler(drive: FakeDrive) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            args = dict(parse_qsl(url.query))
            kind, file_id = _route(url.path, args)
            drive.requests.append((kind, file_id))
            if not self._faulted(kind):
                self._serve(kind, file_id, args)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            drive.requests.append(("token", ""))
            if not self._faulted("token"):
                self._token(form)

        def _faulted(self, kind: str) -> bool:
            fault = drive.next_fault(kind)
            if fault is None:
                return False
            if fault.hang_s:
                time.sleep(fault.hang_s)
                return False
            if fault.body is not None:
                self._send(200, fault.body)
            else:
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                self._send(fault.status, error_body(fault.status, fault.reason,
                                                    f"fake {fault.reason}"), headers)
            return True

        def _serve(self, kind: str, file_id: str, args: dict[str, str]) -> None:
            if self.headers.get("Authorization", "").removeprefix("Bearer ") not in drive.tokens:
                self._send(401, error_body(401, "authError", "Invalid Credentials"),
                           {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
                return
            if kind == "list":
                self._json(drive.list_files(args))
                return
            file = drive.files.get(file_id)
            if file is None:
                self._send(404, error_body(404, "notFound", f"File not found: {file_id}."))
            elif kind == "media":
                self._send(200, file.content, content_type="application/octet-stream")
            elif kind == "export":
                self._send(200, drive.export(file, args.get("mimeType", "")),
                           content_type=args.get("mimeType", "text/plain"))
            elif kind == "permissions":
                self._json({"kind": "drive#permissionList", "permissions": file.permissions})
            else:
                self._json(file.resource(drive.base))

        def _token(self, form: dict[str, str]) -> None:
            from google.auth import jwt
            for key in drive.public_keys:
                try:
                    # google-auth signs for Google's token endpoint whatever token_uri says
                    jwt.decode(form.get("assertion", ""), certs=key,
                               audience="https://oauth2.googleapis.com/token")
                except ValueError as exc:
                    drive.token_errors.append(str(exc))
                    continue
                token = f"ya29.sa-{len(drive.tokens)}"
                drive.tokens.add(token)
                self._json({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})
                return
            self._send(400, json.dumps({"error": "invalid_grant",
                                        "error_description": "Invalid JWT Signature."}).encode())

        def _json(self, body: dict[str, Any]) -> None:
            self._send(200, json.dumps(body).encode())

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                  content_type: str = "application/json; charset=UTF-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _route(path: str, args: dict[str, str]) -> tuple[str, str]:
    """(kind, file id) of a Drive v3 request path."""
    parts = path.removeprefix("/drive/v3/").strip("/").split("/")
    if parts == ["files"]:
        return "list", ""
    if len(parts) == 3 and parts[2] in ("export", "permissions"):
        return parts[2], parts[1]
    return ("media" if args.get("alt") == "media" else "get"), parts[-1]
