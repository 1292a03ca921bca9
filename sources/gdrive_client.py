"""The Google Drive v3 client: credentials from the environment, and its errors translated.

google-api-python-client is Google's own client: its Drive discovery document ships inside
the package (``static_discovery=True``, so nothing is fetched to build it), it pages, exports
and downloads media, and ``api_endpoint`` points it anywhere (tests use a loopback server).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sources.env_secret import optional_secret
from sources.gdrive_options import DriveOptions
from sources.model import (
    AuthFailed,
    Malformed,
    RateLimited,
    Skipped,
    SourceError,
    Unavailable,
)

SCOPES = ["https://www.googleapis.com/auth/drive.readonly"]


class SharingHidden(AuthFailed):
    """Drive would not show this file's permissions to the account (403
    insufficientFilePermissions): it may read the file but not see who else may."""
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}


def build_drive(options: DriveOptions, credentials: Any) -> Any:
    """A Drive v3 service object (no network I/O yet). httplib2 is not thread-safe, so each
    thread that calls Drive needs its own."""
    import google_auth_httplib2
    import httplib2
    from googleapiclient.discovery import build

    http = google_auth_httplib2.AuthorizedHttp(
        credentials, http=httplib2.Http(timeout=options.timeout_s))
    return build("drive", "v3", http=http, static_discovery=True, cache_discovery=False,
                 client_options={"api_endpoint": options.api_endpoint})


def credentials_for(options: DriveOptions) -> Any:
    """An OAuth access token from ``token_env``, else the service-account key file that
    ``key_file_env`` names; AuthFailed naming both variables when neither is set."""
    token = optional_secret(options.token_env)
    if token is not None:
        from google.oauth2.credentials import Credentials
        return Credentials(token=token.get_secret_value())
    key_file = optional_secret(options.key_file_env)
    if key_file is None:
        raise AuthFailed(f"neither {options.token_env} nor {options.key_file_env} is set: "
                         f"set {options.key_file_env} to a service-account key file (JSON) "
                         f"that the Drive folders are shared with, or {options.token_env} "
                         "to an OAuth access token with the drive.readonly scope")
    return _service_account(key_file.get_secret_value(), options.key_file_env)


def _service_account(path: str, variable: str) -> Any:
    from google.oauth2 import service_account
    try:
        return service_account.Credentials.from_service_account_file(path, scopes=SCOPES)
    except (OSError, ValueError, KeyError) as exc:
        raise AuthFailed(f"{variable} names {path!r}, which is not a readable service-account "
                         f"key file ({type(exc).__name__}): download the JSON key of the "
                         "service account from the Google Cloud console") from None


def drive_call(request: Callable[[], Any], options: DriveOptions, what: str) -> Any:
    """``request()`` (an ``.execute()``), with Google's failures as SourceErrors."""
    from google.auth.exceptions import RefreshError, TransportError
    from googleapiclient.errors import HttpError
    try:
        return request()
    except HttpError as exc:
        raise _from_http_error(exc, options, what) from None
    except RefreshError as exc:
        failed = f"the token exchange failed ({exc.args[0]})"
        raise AuthFailed(_auth_message(options, failed)) from None
    except (TimeoutError, TransportError, OSError) as exc:
        raise Unavailable(f"Google Drive did not answer {what}: {type(exc).__name__} "
                          f"{exc}; it is retried at the next sync") from None


def _from_http_error(exc: Any, options: DriveOptions, what: str) -> SourceError:
    status, reason, message = int(exc.resp.status), *_reason(exc)
    if status == 429 or (status == 403 and reason in RATE_REASONS):
        retry_after = exc.resp.get("retry-after")
        return RateLimited(f"Google Drive asked to slow down ({status} {reason}) {what}",
                           float(retry_after) if retry_after else None)
    if reason == "exportSizeLimitExceeded":
        return Skipped(f"Google Drive cannot export it {what}: the Doc is over Drive's export "
                       "limit (10 MB); split the Doc to include it")
    if status == 401:
        return AuthFailed(_auth_message(options, f"Google Drive answered 401 {what}"))
    if status >= 500:
        return Unavailable(f"Google Drive answered {status} {what}: {message}")
    if status == 403 and reason == "insufficientFilePermissions":
        return SharingHidden(f"Google Drive answered 403 {what} ({message})")
    if status in (403, 404):
        return AuthFailed(f"Google Drive answered {status} {what} ({message}): share it with "
                          "the service account's e-mail, or check the id in the source's options")
    return Malformed(f"Google Drive answered {status} {what}: {message}")


def _reason(exc: Any) -> tuple[str, str]:
    """(reason, message) from Google's error shape ``{"error": {"errors": [{"reason"}]}}``."""
    try:
        error = json.loads(exc.content)["error"]
        return str((error.get("errors") or [{}])[0].get("reason", "")), str(error["message"])
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return "", str(exc.resp.reason)


def _auth_message(options: DriveOptions, what: str) -> str:
    used = options.token_env if optional_secret(options.token_env) else options.key_file_env
    return (f"{what}: the credentials in {used} were refused; renew the token or key "
            "(with the drive.readonly scope)")
