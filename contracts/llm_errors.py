"""One exception per cause of an LLM failure, each saying whether a retry may help."""

from __future__ import annotations


class LLMError(Exception):
    """Base of every backend failure. ``user_message`` is safe to show a user."""

    retryable = False
    user_message = "The language model failed to answer."
    text_shown = False  # set when the failure came after part of the answer was streamed

    def __init__(self, detail: str = "", *, profile: str = "") -> None:
        super().__init__(detail or self.user_message)
        self.detail = detail
        self.profile = profile


class LLMConnectionError(LLMError):
    retryable = True
    user_message = "The language model could not be reached."


class LLMTimeout(LLMError):
    retryable = True
    user_message = "The language model took too long to answer."


class LLMRateLimited(LLMError):
    retryable = True
    user_message = "The language model is rate limited right now."

    def __init__(self, detail: str = "", *, profile: str = "", retry_after: float | None = None):
        super().__init__(detail, profile=profile)
        self.retry_after = retry_after


class LLMServerError(LLMError):
    retryable = True
    user_message = "The language model's server had an error."

    def __init__(self, detail: str = "", *, profile: str = "", status: int = 500) -> None:
        super().__init__(detail, profile=profile)
        self.status = status


class LLMAuthError(LLMError):
    user_message = "The language model rejected our credentials."


class LLMBadRequest(LLMError):
    user_message = "The language model rejected the request."


class LLMStreamCut(LLMError):
    """The stream broke after it started; ``text_shown`` says if the user saw any text."""

    retryable = True
    user_message = "The answer was cut off."


class LLMContentFiltered(LLMError):
    user_message = "The language model declined to answer (content filter)."


class LLMBadResponse(LLMError):
    retryable = True
    user_message = "The language model sent a reply we could not read."


class LLMEmptyReply(LLMBadResponse):
    user_message = "The language model returned an empty answer."


class LLMNotConfigured(LLMError):
    user_message = "The language model is not set up."


class LLMWorkerCrashed(LLMError):
    """The embedded model's worker process died. ``cause`` and ``fix`` go to the log; the
    user reads only that it stopped. The same request would crash again: not retryable."""

    user_message = "The embedded model stopped unexpectedly."

    def __init__(self, detail: str = "", *, profile: str = "", cause: str = "",
                 fix: str = "") -> None:
        super().__init__(detail or cause, profile=profile)
        self.cause = cause
        self.fix = fix


class LLMWorkerStalled(LLMTimeout):
    """The embedded model's worker wrote nothing for too long; it was killed."""

    user_message = "The embedded model stopped responding."
