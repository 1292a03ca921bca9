"""How a ``bot stats`` window splits into partial days (read from the turns), whole days and
whole months (read from the rollups), and which day an answer counts in."""

from __future__ import annotations

import datetime as dt

from stores import histogram
from stores.usage_days import day_name, day_of, plan_window


def at(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def day(text: str) -> int:
    return day_of(at(text))


def test_an_answer_a_microsecond_before_midnight_counts_in_the_day_before() -> None:
    midnight = at("2025-03-01T00:00:00")
    assert day_name(day_of(midnight)) == "2025-03-01"
    assert day_name(day_of(midnight - 1e-6)) == "2025-02-28"


def test_a_long_window_reads_only_its_partial_days_from_the_turns() -> None:
    plan = plan_window(at("2025-01-28T10:00:00"), at("2025-04-03T12:00:00"))
    assert plan.raw == [(at("2025-01-28T10:00:00"), at("2025-01-29T00:00:00")),
                        (at("2025-04-03T00:00:00"), at("2025-04-03T12:00:00"))]
    assert plan.days == [(day("2025-01-29"), day("2025-02-01")),
                         (day("2025-04-01"), day("2025-04-03"))]
    assert plan.months == [(day("2025-02-01"), day("2025-04-01"))]


def test_by_day_keeps_whole_days_daily_and_a_short_window_reads_the_turns() -> None:
    plan = plan_window(at("2025-01-28T00:00:00"), at("2025-04-03T00:00:00"), months=False)
    assert (plan.raw, plan.days, plan.months) == (
        [], [(day("2025-01-28"), day("2025-04-03"))], [])
    short = plan_window(at("2025-01-28T10:00:00"), at("2025-01-28T11:00:00"))
    assert (short.raw, short.days) == ([(at("2025-01-28T10:00:00"),
                                         at("2025-01-28T11:00:00"))], [])


def test_stored_histograms_merge_and_give_the_upper_edge_of_the_bucket() -> None:
    blob = histogram.add(None, {histogram.bucket_of(0.5): 1})
    blob = histogram.add(blob, {histogram.bucket_of(0.123): 2, histogram.bucket_of(2.0): 1})
    assert histogram.decode(blob) == {12: 2, 50: 1, 200: 1}
    merged = histogram.Histogram()
    merged.add_blob(blob)
    merged.add_counts([(50, 1)])
    assert merged.percentile(0.5) == 0.51 and merged.percentile(0.95) == 2.01
