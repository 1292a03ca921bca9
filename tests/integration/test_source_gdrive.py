"""The Google Drive source, driven through google-api-python-client against a fake Drive v3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from knowledge.loaders import html as html_loader
from knowledge.loaders import markdown
from sources.gdrive import DriveConnector, DriveOptions
from sources.model import AuthFailed, Malformed, RateLimited, Skipped, Unavailable
from tests.fakes.drive_server import FOLDER, GOOGLE_DOC, TOKEN, FakeDrive

DOC = "# Runbook\n\nIntro.\n\n## Restarting the queue\n\nRun `queuectl restart`.\n"
ANYONE = {"type": "anyone", "role": "reader"}
ACME = {"type": "domain", "domain": "acme.example", "role": "reader"}
ANA = {"type": "user", "emailAddress": "Ana@acme.example", "role": "writer"}
OPS = {"type": "group", "emailAddress": "ops@acme.example", "role": "reader"}


@pytest.fixture
def drive(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDrive]:
    monkeypatch.setenv("GDRIVE_TOKEN", TOKEN)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with FakeDrive() as fake:
        fake.add("doc1", "Runbook", GOOGLE_DOC, "root", DOC, permissions=[ANA, OPS])
        fake.add("sub", "Specs", FOLDER, "root")
        fake.add("pdf1", "spec.pdf", "application/pdf", "sub", b"%PDF-1.4 fake", permissions=[ACME])
        fake.add("md1", "notes.md", "text/markdown", "sub", "# Notes\n", permissions=[ANYONE])
        fake.add("txt1", "faq.txt", "text/plain", "sub", "Q? A.")
        fake.add("img1", "logo.png", "image/png", "sub", b"\x89PNG")
        fake.add("deep", "Deep", FOLDER, "sub")
        fake.add("md2", "deep.md", "text/markdown", "deep", "# Deep\n")
        yield fake


def connector(drive: FakeDrive, **options: object) -> DriveConnector:
    settings = {"folders": ["root"], "api_endpoint": drive.endpoint, "timeout_s": 5.0} | options
    return DriveConnector("specs", DriveOptions.model_validate(settings))


def test_a_folder_is_listed_recursively_across_pages_with_links_and_times(
        drive: FakeDrive) -> None:
    listing = connector(drive).list_documents({})
    by_key = {e.key: e for e in listing.entries}
    assert listing.complete and listing.problems == []
    assert sorted(by_key) == ["doc1", "md1", "md2", "pdf1", "txt1"]  # no image, no folders
    assert by_key["doc1"].url == "https://docs.example.test/doc1/view"
    assert by_key["doc1"].title == "Runbook"
    assert by_key["md2"].modified is not None and by_key["md2"].modified.tzinfo is not None
    assert by_key["pdf1"].size == len(b"%PDF-1.4 fake")
    assert drive.count("list") > 3  # page size 2: the walk followed nextPageToken


def test_a_google_doc_is_exported_with_its_headings_and_its_sharing(drive: FakeDrive) -> None:
    source = connector(drive)
    entry = next(e for e in source.list_documents({}).entries if e.key == "doc1")
    document = source.fetch(entry)
    assert document.media_type == "text/markdown"
    assert b"## Restarting the queue" in document.body
    assert document.url == "https://docs.example.test/doc1/view"
    assert document.readers.as_list() == ["user:ana@acme.example", "group:ops@acme.example"]
    html = connector(drive, docs_export="html").fetch(entry)
    assert html.media_type == "text/html" and b"<h2>Restarting the queue</h2>" in html.body
    for body, loader in ((document.body, markdown.load), (html.body, html_loader.load)):
        sections = loader(body, Path("Runbook"))  # the knowledge base's own loaders
        assert ["Runbook", "Restarting the queue"] in [s.headings for s in sections.sections]


def test_files_are_downloaded_as_they_are_with_public_and_domain_readers(
        drive: FakeDrive) -> None:
    source = connector(drive)
    entries = {e.key: e for e in source.list_documents({}).entries}
    pdf, md = source.fetch(entries["pdf1"]), source.fetch(entries["md1"])
    assert (pdf.media_type, pdf.body) == ("application/pdf", b"%PDF-1.4 fake")
    assert pdf.readers.as_list() == ["domain:acme.example"]
    assert md.readers.public and md.body == b"# Notes\n"
    assert source.fetch(entries["txt1"]).media_type == "text/plain"


def test_documents_are_fetched_from_several_threads_at_once(drive: FakeDrive) -> None:
    source = connector(drive)  # the sync engine fetches from a pool of worker threads
    entries = source.list_documents({}).entries
    with ThreadPoolExecutor(4) as pool:
        bodies = {d.entry.key: d.body for d in pool.map(source.fetch, entries * 3)}
    assert bodies["md2"] == b"# Deep\n" and len(bodies) == 5


def test_an_edit_changes_only_that_version_and_a_deleted_file_disappears(
        drive: FakeDrive) -> None:
    source = connector(drive)
    before = {e.key: e.version for e in source.list_documents({}).entries}
    drive.edit("md1", "# Notes\n\nEdited.\n")
    drive.delete("txt1")
    after_listing = source.list_documents({})
    after = {e.key: e.version for e in after_listing.entries}
    assert after_listing.complete
    assert set(before) - set(after) == {"txt1"}
    assert [k for k in after if after[k] != before[k]] == ["md1"]


def test_an_incomplete_search_is_not_trusted_for_deletions(drive: FakeDrive) -> None:
    drive.incomplete_search = True
    listing = connector(drive).list_documents({})
    assert not listing.complete and "incomplete" in listing.problems[0]


def test_a_shared_drive_is_listed_whole(drive: FakeDrive) -> None:
    drive.add("sd1", "team.md", "text/markdown", "drive-root", "# Team\n", drive_id="0AdRiVe")
    listing = connector(drive, folders=[], shared_drives=["0AdRiVe"]).list_documents({})
    assert [e.key for e in listing.entries] == ["sd1"] and listing.complete


def test_a_service_account_key_file_is_exchanged_for_a_token(
        drive: FakeDrive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GDRIVE_TOKEN")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file(drive, tmp_path)))
    assert len(connector(drive).list_documents({}).entries) == 5
    assert drive.count("token") == 1


def test_a_refused_or_missing_credential_names_the_variable(
        drive: FakeDrive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDRIVE_TOKEN", "ya29.expired")
    with pytest.raises(AuthFailed, match="GDRIVE_TOKEN"):
        connector(drive).list_documents({})
    monkeypatch.delenv("GDRIVE_TOKEN")
    with pytest.raises(AuthFailed, match="GOOGLE_APPLICATION_CREDENTIALS"):
        connector(drive).list_documents({})


def test_a_429_is_waited_out_or_reported_with_its_retry_after(drive: FakeDrive) -> None:
    drive.fail("list", 429, "rateLimitExceeded", retry_after=1)
    listing = connector(drive).list_documents({})
    assert listing.complete and len(listing.entries) == 5
    drive.fail("list", 429, "rateLimitExceeded", retry_after=60)
    hurried = connector(drive, max_wait_s=0).list_documents({})
    assert not hurried.complete and "slow down" in hurried.problems[0]
    drive.fail("export", 429, "rateLimitExceeded", retry_after=60)
    source = connector(drive, max_wait_s=0)
    entry = next(e for e in source.list_documents({}).entries if e.key == "doc1")
    with pytest.raises(RateLimited) as limited:
        source.fetch(entry)
    assert limited.value.retry_after == 60


def test_server_errors_and_timeouts_leave_the_listing_partial(drive: FakeDrive) -> None:
    drive.fail("list", 503, "backendError")
    failed = connector(drive).list_documents({})
    assert not failed.complete and "503" in failed.problems[0]
    drive.hang("list", 3.0)
    slow = connector(drive, timeout_s=0.5).list_documents({})
    assert not slow.complete and "did not answer" in slow.problems[0]
    source = connector(drive)
    entry = next(e for e in source.list_documents({}).entries if e.key == "md1")
    drive.fail("media", 500)
    with pytest.raises(Unavailable, match="500"):
        source.fetch(entry)


def test_a_malformed_page_or_document_is_reported_not_trusted(drive: FakeDrive) -> None:
    drive.malformed("list", b'{"kind": "drive#fileList", "files": "oops"}')
    listing = connector(drive).list_documents({})
    assert not listing.complete and "unreadable page" in listing.problems[0]
    entry = next(e for e in connector(drive).list_documents({}).entries if e.key == "md1")
    drive.malformed("permissions", b'{"permissions": "everyone"}')
    with pytest.raises(Malformed, match="permission list"):
        connector(drive).fetch(entry)


def test_a_file_whose_sharing_is_hidden_is_recorded_with_no_readers(drive: FakeDrive) -> None:
    source = connector(drive)
    entry = next(e for e in source.list_documents({}).entries if e.key == "md1")
    drive.fail("permissions", 403, "insufficientFilePermissions")
    document = source.fetch(entry)
    assert document.body == b"# Notes\n"
    assert document.readers.as_list() == [] and "give it Editor" in document.readers.why


def test_a_200_mb_file_is_skipped_without_downloading_it(drive: FakeDrive) -> None:
    drive.add("big", "dump.pdf", "application/pdf", "root", b"tiny", size=200_000_000)
    source = connector(drive)
    entry = next(e for e in source.list_documents({}).entries if e.key == "big")
    with pytest.raises(Skipped, match="200 MB, over max_file_mb = 50"):
        source.fetch(entry)
    assert drive.count("media", "big") == 0


def test_options_without_folders_or_drives_are_refused() -> None:
    with pytest.raises(ValueError, match="`folders`"):
        DriveOptions.model_validate({})


def key_file(drive: FakeDrive, directory: Path) -> Path:
    """A service-account key whose public half the fake Drive trusts."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    drive.public_keys.append(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    path = directory / "key.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "fake", "private_key_id": "k1",
        "private_key": private, "client_email": "sync@fake.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": f"{drive.base}token"}))
    return path
