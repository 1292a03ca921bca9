"""What ``bot serve slack`` needs before it starts: the right tokens for the chosen mode.

HTTP mode fails closed: without a signing secret every request could be forged, so the
server does not start at all.
"""

from __future__ import annotations

from config.sections import SlackSettings


class SlackConfigError(ValueError):
    """A missing or malformed Slack setting; the message names the field and the fix."""


def _need(value: object, field: str, fix: str) -> None:
    if value is None or (hasattr(value, "get_secret_value") and not value.get_secret_value()):
        raise SlackConfigError(f"slack.{field} is not set. Fix: {fix}")


def check_settings(s: SlackSettings) -> None:
    """Raise :class:`SlackConfigError` unless ``s`` can start a bot in its mode."""
    _need(s.bot_token, "bot_token", "set BOT_SLACK__BOT_TOKEN to the app's Bot User OAuth "
          "Token (xoxb-…, OAuth & Permissions page) — see docs/slack.md")
    if not s.bot_token.get_secret_value().startswith("xoxb-"):  # type: ignore[union-attr]
        raise SlackConfigError("slack.bot_token does not start with xoxb-. Fix: use the Bot User "
                               "OAuth Token, not a user (xoxp-) or app-level (xapp-) token")
    if s.mode == "socket":
        _need(s.app_token, "app_token", "set BOT_SLACK__APP_TOKEN to an app-level token "
              "(xapp-…) with the connections:write scope (Basic Information page), or use "
              'slack.mode = "http"')
        if not s.app_token.get_secret_value().startswith("xapp-"):  # type: ignore[union-attr]
            raise SlackConfigError("slack.app_token does not start with xapp-. Fix: create an "
                                   "app-level token with connections:write (Basic Information)")
    else:
        _need(s.signing_secret, "signing_secret", 'slack.mode = "http" verifies every request; '
              "set BOT_SLACK__SIGNING_SECRET to the Signing Secret (Basic Information page)")
