"""``bot serve mcp``: the bot as an MCP server (stdio or streamable HTTP) exposing ``ask`` and
``search_knowledge``. See docs/mcp.md."""
