"""Markdown (what models write) to Slack mrkdwn (what ``text`` and section blocks show).

Slack's mrkdwn has no headings, tables or ``**bold**``: headings become bold lines, tables
become column-aligned code blocks, links become ``<url|label>``. Code is left untouched,
and ``&``, ``<``, ``>`` are escaped everywhere else as Slack requires (so a model writing
``<!channel>`` pings nobody).

Only the ``chat.update`` fallback needs it: native streaming sends Markdown and Slack renders
it. Why not Slack's ``markdown`` block: at most 12,000 characters per message (answers here
go to 38,000), and the fallback serves exactly the workspaces without the AI features that
block is meant for. Why not a maintained converter: markdown-to-mrkdwn 0.3.3 escapes nothing,
rewrites code spans and turns ``2 * 3 * 4`` into ``2 _ 3 _ 4``; slackify-markdown 0.2.4
leaves tables as raw pipes and breaks a code block still streaming.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(?!\[)")
_TASK = re.compile(r"^(\s*)[-*+]\s+\[([ xX])\]\s+")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^(\s*)>\s?")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_BOLD_MARK = "\x02"


def to_mrkdwn(markdown: str) -> str:
    """Convert a whole (or partly streamed) Markdown answer; an open code fence is closed."""
    out: list[str] = []
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            i = _copy_fence(lines, i, out)
        elif _starts_table(lines, i):
            i = _copy_table(lines, i, out)
        else:
            out.append(convert_line(line))
            i += 1
    return "\n".join(out)


def _copy_fence(lines: list[str], start: int, out: list[str]) -> int:
    """Copy a fenced code block verbatim (minus its language tag); close it if unclosed."""
    out.append("```")
    i = start + 1
    while i < len(lines) and not _FENCE.match(lines[i]):
        out.append(lines[i])
        i += 1
    out.append("```")
    return i + 1


def _starts_table(lines: list[str], i: int) -> bool:
    return (
        "|" in lines[i] and i + 1 < len(lines) and bool(_TABLE_RULE.match(lines[i + 1]))
        and "-" in lines[i + 1]
    )


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [_plain(cell.strip()) for cell in inner.split("|")]


def _plain(text: str) -> str:
    """Table cells go inside a code block, where markup would show as-is: drop it."""
    text = _LINK.sub(r"\1", text)
    return text.replace("**", "").replace("__", "").replace("`", "")


def _copy_table(lines: list[str], start: int, out: list[str]) -> int:
    rows = [_cells(lines[start])]
    i = start + 2
    while i < len(lines) and "|" in lines[i] and lines[i].strip():
        rows.append(_cells(lines[i]))
        i += 1
    out.extend(["```", *render_table(rows), "```"])
    return i


def render_table(rows: list[list[str]]) -> list[str]:
    """Rows (the first is the header) as aligned monospace lines, a rule under the header."""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    sizes = [max(len(r[c]) for r in rows) for c in range(width)]

    def fmt(row: list[str]) -> str:
        return "  ".join(cell.ljust(sizes[c]) for c, cell in enumerate(row)).rstrip()

    rule = "  ".join("-" * s for s in sizes)
    return [fmt(rows[0]), rule, *(fmt(r) for r in rows[1:])]


def convert_line(line: str) -> str:
    """One line outside code blocks and tables: block markup first, then inline markup."""
    if _RULE.match(line) and line.strip():
        return "──────────"
    if m := _HEADING.match(line):
        return f"*{convert_inline(m.group(1)).replace('*', '')}*" if m.group(1) else ""
    prefix = ""
    if m := _QUOTE.match(line):
        prefix, line = f"{m.group(1)}>", line[m.end():]
        prefix += " " if line else ""
    if m := _TASK.match(line):
        box = "☑" if m.group(2) in "xX" else "☐"
        prefix, line = f"{prefix}{m.group(1)}{box} ", line[m.end():]
    elif m := _BULLET.match(line):
        prefix, line = f"{prefix}{m.group(1)}• ", line[m.end():]
    return prefix + convert_inline(line)


def convert_inline(text: str) -> str:
    """Bold, italic, strike, links and escaping; code spans pass through untouched."""
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"\x00{len(kept) - 1}\x00"

    text = _CODE_SPAN.sub(lambda m: keep(m.group(0)), text)
    text = _IMAGE.sub(lambda m: keep(f"<{m.group(2)}|{_escape(m.group(1) or m.group(2))}>"), text)
    text = _LINK.sub(lambda m: keep(f"<{m.group(2)}|{_escape(m.group(1))}>"), text)
    text = _AUTOLINK.sub(lambda m: keep(f"<{m.group(1)}>"), text)
    text = _escape(text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(2)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    text = text.replace(_BOLD_MARK, "*")
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
