"""Which writer streams an answer: Slack's native streaming where the workspace has it, else
edits of one message; a native stream that fails mid-answer hands over to edits."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from config.sections import SlackSettings
from contracts.turn_view import TurnView
from presenters.slack.web import api_error_code, log_api_error
from presenters.slack.writers import NativeWriter, StreamFailed, Target, UpdateWriter, Writer

# startStream errors meaning "this workspace or token cannot stream": stop trying.
NO_NATIVE_STREAMING = {"unknown_method", "not_allowed_token_type", "missing_scope",
                       "method_deprecated", "feature_not_enabled", "not_supported"}


class WriterChoice:
    """Picks writers for one presenter, remembering when native streaming is unavailable."""

    def __init__(self, client: AsyncWebClient, settings: SlackSettings) -> None:
        self.client, self.settings = client, settings
        self.native = settings.streaming != "update" and hasattr(client, "chat_stream")

    def new(self, target: Target) -> Writer:
        s = self.settings
        if self.native:
            return NativeWriter(self.client, target, s.update_interval_s, s.show_usage)
        return UpdateWriter(self.client, target, s.update_interval_s, s.show_usage)

    def healthy(self, writer: Writer, target: Target) -> Writer:
        """The writer to use now: an update writer once native streaming has failed."""
        if isinstance(writer, NativeWriter) and writer.failure:
            return self.fallback(writer.failure, target)
        return writer

    def fallback(self, failure: StreamFailed, target: Target) -> UpdateWriter:
        log_api_error(failure.cause, "slack_stream_failed", channel=target.channel)
        if failure.ts is None and api_error_code(failure.cause) in NO_NATIVE_STREAMING:
            self.native = False
        s = self.settings
        return UpdateWriter(self.client, target, s.update_interval_s, s.show_usage, failure.ts)

    async def finish(self, writer: Writer, view: TurnView, target: Target) -> None:
        """End the answer; a native stream that fails now is finished by an edit instead."""
        try:
            await writer.finish(view)
        except StreamFailed as failure:
            await self.fallback(failure, target).finish(view)
