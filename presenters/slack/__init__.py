"""The Slack presenter: ``bot serve slack`` (see docs/slack.md and manifest.yaml here).

Importing this package imports nothing heavy; slack_bolt loads with ``presenters.slack.app``.
"""
