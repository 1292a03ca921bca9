"""The Slack presenter: ``bot serve slack`` (see docs/slack.md and manifest.yaml here).

``app.serve`` is the entry point; slack_bolt is imported only by ``presenter`` and the
modules it uses, so ``bot --help`` and a missing Slack extra never import it.
"""
