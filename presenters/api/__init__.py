"""The OpenAI-compatible HTTP API (``bot serve api``): chat completions over the Session.

``presenters.api.app:create_app`` builds the ASGI app from settings (uvicorn's ``--factory``
and Ray Serve use it); see docs/api.md for the endpoints and the conversation rule.
"""
