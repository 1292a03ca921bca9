"""The one retry policy: what is retried, how long we wait, when we stop."""

from __future__ import annotations

import pytest

from backends.retry import RetryPolicy
from config.profiles import ProfileSettings
from contracts import llm_errors as errors

POLICY = RetryPolicy(max_retries=3, backoff_s=0.5, max_delay_s=4.0, max_retry_after_s=20)


@pytest.mark.parametrize("error", [
    errors.LLMTimeout(), errors.LLMConnectionError(), errors.LLMRateLimited(),
    errors.LLMServerError(status=503), errors.LLMStreamCut(), errors.LLMBadResponse(),
])
def test_transient_failures_are_retried(error: errors.LLMError) -> None:
    assert POLICY.decide(error, 0, shown=False).retry


@pytest.mark.parametrize("error", [
    errors.LLMAuthError(), errors.LLMBadRequest(), errors.LLMContentFiltered(),
    errors.LLMNotConfigured(), errors.LLMError(),
])
def test_failures_that_would_repeat_are_not_retried(error: errors.LLMError) -> None:
    decision = POLICY.decide(error, 0, shown=False)
    assert not decision.retry and "will not pass" in decision.reason


def test_nothing_is_retried_once_text_was_shown() -> None:
    decision = POLICY.decide(errors.LLMStreamCut(), 0, shown=True)
    assert not decision.retry and "part of the answer was shown" in decision.reason


def test_attempts_are_bounded_by_max_retries() -> None:
    assert POLICY.decide(errors.LLMTimeout(), 2, shown=False).retry
    last = POLICY.decide(errors.LLMTimeout(), 3, shown=False)
    assert not last.retry and "gave up after 4 attempts" in last.reason


def test_backoff_is_exponential_with_full_jitter_and_a_cap() -> None:
    for retries, cap in [(0, 0.5), (1, 1.0), (2, 2.0), (5, 4.0)]:
        policy = RetryPolicy(max_retries=10, backoff_s=0.5, max_delay_s=4.0)
        delays = [policy.decide(errors.LLMServerError(), retries, False).delay_s
                  for _ in range(300)]
        assert all(0 <= d <= cap for d in delays)
        assert max(delays) > cap * 0.8 and min(delays) < cap * 0.2  # spread, not fixed


def test_retry_after_is_honoured_exactly() -> None:
    decision = POLICY.decide(errors.LLMRateLimited(retry_after=7.0), 0, shown=False)
    assert decision.retry and decision.delay_s == 7.0 and "Retry-After" in decision.reason


def test_a_retry_after_longer_than_we_wait_moves_on() -> None:
    decision = POLICY.decide(errors.LLMRateLimited(retry_after=120.0), 0, shown=False)
    assert not decision.retry and "120s" in decision.reason


def test_the_profile_sets_the_policy() -> None:
    policy = RetryPolicy.for_profile(ProfileSettings(max_retries=5, retry_backoff_s=0.1,
                                                     timeout_s=10))
    assert (policy.max_retries, policy.backoff_s, policy.max_retry_after_s) == (5, 0.1, 10)
