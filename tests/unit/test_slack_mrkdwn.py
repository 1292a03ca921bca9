"""Markdown from models becomes Slack mrkdwn that reads right in a channel."""

from __future__ import annotations

from presenters.slack.mrkdwn import to_mrkdwn


def test_inline_styles_and_links() -> None:
    md = "**Bold**, *italic*, ~~gone~~ and [the docs](https://example.com/a?b=1&c=2)."
    assert to_mrkdwn(md) == "*Bold*, _italic_, ~gone~ and <https://example.com/a?b=1&c=2|the docs>."


def test_headings_lists_quotes_and_rules() -> None:
    md = "# Setup\n\n- one\n* two\n  - nested\n- [x] done\n> quoted **bit**\n---"
    assert to_mrkdwn(md).split("\n") == [
        "*Setup*", "", "• one", "• two", "  • nested", "☑ done", "> quoted *bit*", "──────────",
    ]


def test_a_mention_written_by_the_model_pings_nobody() -> None:
    assert to_mrkdwn("Ask <!channel> or <@U123>") == "Ask &lt;!channel&gt; or &lt;@U123&gt;"


def test_special_characters_are_escaped_but_code_is_left_alone() -> None:
    md = "a < b && c > d, `x <b> **y**`\n```python\nif a < b and c:\n    print('**x**')\n```"
    assert to_mrkdwn(md) == (
        "a &lt; b &amp;&amp; c &gt; d, `x <b> **y**`\n```\nif a < b and c:\n    print('**x**')\n```"
    )


def test_tables_become_aligned_code_blocks() -> None:
    md = ("Before\n\n| Model | Tokens/s |\n|:------|---:|\n| **SmolLM2** | 55 |\n"
          "| gpt | 80 |\n\nAfter")
    assert to_mrkdwn(md) == (
        "Before\n\n```\nModel    Tokens/s\n-------  --------\nSmolLM2  55\ngpt      80\n"
        "```\n\nAfter"
    )


def test_an_unfinished_code_fence_is_closed_while_streaming() -> None:
    assert to_mrkdwn("Here:\n```\nprint(1)") == "Here:\n```\nprint(1)\n```"


def test_snake_case_and_arithmetic_are_not_italicised() -> None:
    assert to_mrkdwn("use my_var_name and 2 * 3 * 4") == "use my_var_name and 2 * 3 * 4"
