"""Pieces of ``bot eval``: data files, the results log, the rate limiter, the figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apps.eval import pacing
from apps.eval.data import DataError, PairFields, load_pairs
from apps.eval.records import PairRecord, ResultLog
from apps.eval.summary import percentile, summarize, wall_time

FIELDS = PairFields()
ITEM = {"article_sent": "ctx", "correct_sent": "good", "incorrect_sent": "bad"}


def record(item: str, outcome: str = "correct", session: str = "s1", t: float = 0.0,
           **extra: object) -> PairRecord:
    return PairRecord(env="e", backend="b", item_id=item, outcome=outcome,  # type: ignore[arg-type]
                      started=t, finished=t + 1.0, session=session, **extra)  # type: ignore[arg-type]


def test_pairs_load_from_a_json_object_list_or_jsonl_with_stable_ids(tmp_path: Path) -> None:
    wrapped = tmp_path / "a.json"
    wrapped.write_text(json.dumps({"items": [ITEM, {**ITEM, "correct_sent": "other"}]}))
    lines = tmp_path / "b.jsonl"
    lines.write_text(json.dumps(ITEM) + "\n\n" + json.dumps({**ITEM, "correct_sent": "other"}))
    first, second = load_pairs(wrapped, FIELDS), load_pairs(lines, FIELDS)
    assert [i.id for i in first] == [i.id for i in second]
    assert first[0].context == "ctx" and len(first[0].id) == 12


def test_repeated_ids_are_made_unique(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{**ITEM, "id": 7}, {**ITEM, "id": 7}]))
    assert [i.id for i in load_pairs(path, FIELDS)] == ["7", "7#2"]


def test_broken_data_files_say_where_and_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(ITEM) + "\n{oops\n")
    with pytest.raises(DataError, match=r"a.jsonl:2: not JSON"):
        load_pairs(path, FIELDS)
    with pytest.raises(DataError, match="no such file"):
        load_pairs(tmp_path / "missing.json", FIELDS)


def test_a_torn_last_line_is_dropped_and_appending_continues(tmp_path: Path) -> None:
    log = ResultLog(tmp_path / "results.jsonl", PairRecord)
    log.append(record("1"))
    log.append(record("2"))
    log.close()
    with (tmp_path / "results.jsonl").open("a") as f:
        f.write('{"env": "e", "backend": "b", "item_id": "3", "outc')  # killed mid-write
    assert [r.item_id for r in log.load()] == ["1", "2"]
    log.append(record("3"))
    log.close()
    assert [r.item_id for r in log.load()] == ["1", "2", "3"]


async def test_the_rate_limiter_spaces_call_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))

    monkeypatch.setattr(pacing.time, "monotonic", lambda: 100.0)
    monkeypatch.setattr(pacing.asyncio, "sleep", fake_sleep)
    limiter = pacing.RateLimiter(4.0)
    for _ in range(3):
        await limiter.wait()
    assert slept == [0.25, 0.5]
    unlimited = pacing.RateLimiter(None)
    await unlimited.wait()
    assert slept == [0.25, 0.5]


def test_percentiles_interpolate() -> None:
    assert percentile([], 0.5) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([float(i) for i in range(101)], 0.95) == 95.0


def test_wall_time_leaves_out_the_pause_between_sessions() -> None:
    records = [record("1", t=0.0), record("2", t=5.0), record("3", session="s2", t=1000.0)]
    assert wall_time(records) == 6.0 + 1.0


def test_summary_shares_add_up_and_bias_has_a_direction() -> None:
    records = [record("1", "AA"), record("2", "AA"), record("3", "BB"), record("4", "correct"),
               record("5", "error")]
    row = summarize(records, "e", "b")
    assert (row.aa_pct, row.bb_pct, row.bias_pct, row.bias_towards) == (40.0, 20.0, 20.0, "A")
    assert row.accuracy_pct + row.aa_pct + row.bb_pct + row.error_pct == 100.0
