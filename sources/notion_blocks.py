"""Notion blocks as Markdown: headings stay headings, lists stay lists, so the chunker
cuts a Notion page where its author did."""

from __future__ import annotations

from typing import Any

PREFIX = {"heading_1": "# ", "heading_2": "## ", "heading_3": "### ",
          "bulleted_list_item": "- ", "numbered_list_item": "1. ", "quote": "> ",
          "callout": "> ", "toggle": "", "paragraph": "", "template": ""}
LIST_LIKE = {"bulleted_list_item", "numbered_list_item", "to_do"}


def rich_text(parts: Any) -> str:
    """The plain text of a rich-text array, links kept as Markdown links."""
    out = []
    for part in parts or []:
        text = str(part.get("plain_text", ""))
        href = part.get("href")
        out.append(f"[{text}]({href})" if href and text and text != href else text)
    return "".join(out)


def block_line(block: dict[str, Any]) -> str:
    """One block as Markdown (without its children); "" for blocks that carry no text."""
    kind = str(block.get("type", ""))
    value = block.get(kind) or {}
    text = rich_text(value.get("rich_text"))
    if kind in PREFIX:
        return PREFIX[kind] + text if text else ""
    if kind == "to_do":
        return ("- [x] " if value.get("checked") else "- [ ] ") + text
    if kind == "code":
        return f"```{value.get('language', '')}\n{text}\n```"
    if kind == "equation":
        return f"$$ {value.get('expression', '')} $$"
    if kind == "divider":
        return "---"
    if kind == "table_row":
        return "| " + " | ".join(rich_text(cell) for cell in value.get("cells") or []) + " |"
    if kind in ("child_page", "child_database"):
        return f"## {value.get('title', '')}"
    if kind in ("bookmark", "embed", "link_preview"):
        return str(value.get("url", ""))
    return rich_text(value.get("caption"))  # image, file, pdf, video: their caption


def indent(line: str, depth: int) -> str:
    """Nest a line ``depth`` list levels deep (two spaces a level)."""
    return "\n".join("  " * depth + part for part in line.split("\n")) if depth else line
