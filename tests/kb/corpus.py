"""A small corpus written for the knowledge-base tests: one topic per file, every format."""

from __future__ import annotations

from pathlib import Path

DEPLOY_MD = """\
---
title: Release handbook
---
# Release handbook

## Deploying to production

Run `make release`, which builds the container image and pushes it to the registry.
Production deployments happen every Tuesday afternoon, after the change review meeting.

```sh
# a fenced block with a fake heading inside it
# not a heading
make release
```

## Rolling back

If a deployment breaks checkout, run `make rollback VERSION=previous` within the hour.
"""

VACATION_MD = """\
Holiday policy
==============

Every employee gets 25 days of paid leave per calendar year. Unused days expire in March.

Requesting leave
----------------

Submit leave requests through the HR portal at least two weeks before the first day off.
"""

ONCALL_RST = """\
=============
On-call rota
=============

Pager duty
----------

The on-call engineer carries the pager for one week, from Monday to Monday.
When an incident is not resolved after 30 minutes, escalate to the team lead by phone.

Handover
--------

Write a handover note in the incident channel before passing the pager on.
"""

KITCHEN_HTML = """\
<!doctype html>
<html><head><title>Office kitchen</title>
<style>.x { color: red }</style>
<script>var secret = "the espresso machine is in the basement";</script></head>
<body>
<nav>Home | Kitchen</nav>
<h1>Office kitchen</h1>
<p>The espresso machine is descaled every Friday morning by the facilities team.</p>
<h2>Milk</h2>
<p>Oat milk and soy milk are kept in the left fridge, <b>cow's milk</b> in the right one.</p>
<div hidden>Hidden: the fridge code is 1234.</div>
<p style="display: none">Also hidden text.</p>
</body></html>
"""

EXPENSES_TXT = """\
Travel expenses

Travel costs are reimbursed within 30 days once the receipts are uploaded to the finance system.
Train tickets are preferred over flights for trips under four hours.
"""

SECURITY_PDF_LINES = [
    "Laptop security rules",
    "All company laptops must use full-disk encryption.",
    "Screens lock automatically after five minutes without use.",
]

PARAPHRASES = {
    "How many days off do I get each year?": "vacation.md",
    "Who should I call if an outage lasts more than half an hour?": "oncall.rst",
    "What day of the week are deployments to production?": "deploy.md",
    "How do I undo a bad release?": "deploy.md",
    "Where is the plant-based milk stored?": "kitchen.html",
    "How long until I am paid back for a business trip?": "expenses.txt",
    "Do our notebooks need their drives encrypted?": "security.pdf",
}


def pdf_bytes(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF with ``lines`` of text (pypdf extracts them)."""
    text_ops = " ".join(f"({line}) Tj 0 -20 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text_ops} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def write_corpus(folder: Path) -> Path:
    """Write the corpus into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deploy.md").write_text(DEPLOY_MD)
    (folder / "vacation.md").write_text(VACATION_MD)
    (folder / "oncall.rst").write_text(ONCALL_RST)
    (folder / "kitchen.html").write_text(KITCHEN_HTML)
    (folder / "expenses.txt").write_text(EXPENSES_TXT)
    (folder / "security.pdf").write_bytes(pdf_bytes(SECURITY_PDF_LINES))
    return folder


def write_bad_files(folder: Path) -> dict[str, str]:
    """Files that must be skipped; maps each name to a word its skip reason contains."""
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "latin1.md").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (folder / "empty.md").write_bytes(b"   \n\n")
    (folder / "archive.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    return {
        "corrupt.pdf": "PDF",
        "image.txt": "binary",
        "latin1.md": "UTF-8",
        "empty.md": "empty",
        "archive.zip": "unsupported",
    }
