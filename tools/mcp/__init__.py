"""Tools from MCP servers: started with the Bot, offered to the tools agent beside the built-ins.

The ``mcp`` SDK is imported only when a server is configured (``bot --help`` never loads it).
See docs/mcp.md.
"""
