"""Two pages where dense retrieval ranks the page *about* a topic above the page that
*defines* the exact setting a question names (the case hybrid retrieval exists for)."""

from __future__ import annotations

from pathlib import Path

SETTINGS_MD = """# Settings reference

## Server

- `listen_port`: TCP port of the web server (default 8080).
- `worker_count`: processes that serve requests (default 4).
- `request_timeout_s`: seconds before a request is abandoned (default 30).
- `upload_limit_mb`: the largest request body accepted, in megabytes (default 25).
- `session_ttl_h`: hours a login stays valid (default 12).
- `cors_origins`: origins allowed to call the API (default none).
- `log_format`: console or json (default console).
"""

UPLOADS_MD = """# Uploading files

## Sending files to the server

Users can upload files from the web page or with the command line tool. Large uploads are
split into parts and resumed after a network failure. Each upload is checked for viruses
before it is stored.

## How big can an upload be?

Very large uploads are refused by the server, and the user sees a message saying the file
is too big. Ask an administrator if you need to upload bigger files, such as videos.
"""

QUESTION = "What is the default of upload_limit_mb?"
ANSWER = "settings.md"


def write_identifier_pages(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.md").write_text(SETTINGS_MD)
    (folder / "uploads.md").write_text(UPLOADS_MD)
    return folder
