"""Latency histograms in 10 ms buckets: stored compactly in the rollups, merged when read.

A stored histogram is a blob of little-endian 32-bit integers: the buckets in ascending
order, then their counts (``[b0, b1, …, n0, n1, …]``). Bucket ``b`` holds the latencies in
``[b / 100, (b + 1) / 100)`` seconds. A report merges a group's blobs (one per month or day
of its window) with the raw rows' counts; percentiles are read off without building a
dictionary per group, so a report over a million answers stays in C loops.
"""

from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import accumulate

BUCKETS_PER_S = 100
_SWAP = sys.byteorder != "little"


def bucket_of(seconds: float) -> int:
    """The 10 ms bucket of a latency, as the raw queries compute it (truncation)."""
    return int(seconds * BUCKETS_PER_S)


def _ints(blob: bytes | None) -> array[int]:
    values = array("i")
    if blob:
        values.frombytes(blob)
        if _SWAP:
            values.byteswap()
    return values


def _blob(values: array[int]) -> bytes:
    if _SWAP:
        values = array("i", values)
        values.byteswap()
    return values.tobytes()


def encode(counts: Mapping[int, int]) -> bytes:
    """A blob of the buckets with a count (zero counts are left out)."""
    buckets = sorted(b for b, n in counts.items() if n)
    return _blob(array("i", buckets + [counts[b] for b in buckets]))


def decode(blob: bytes | None) -> dict[int, int]:
    values = _ints(blob)
    half = len(values) // 2
    return dict(zip(values[:half], values[half:], strict=True))


def add(blob: bytes | None, counts: Mapping[int, int]) -> bytes:
    """``blob`` with ``counts`` added. One answer adds one bucket: inserted in place."""
    if len(counts) > 8:
        merged = Counter(decode(blob))
        merged.update(counts)
        return encode(merged)
    values = _ints(blob)
    for bucket, n in counts.items():
        half = len(values) // 2
        i = bisect_left(values, bucket, 0, half)
        if i < half and values[i] == bucket:
            values[half + i] += n
        else:
            values.insert(i, bucket)
            values.insert(half + 1 + i, n)
    return _blob(values)


class Histogram:
    """One group's latencies, gathered from blobs and from raw (bucket, count) rows."""

    def __init__(self) -> None:
        self.buckets: array[int] = array("i")
        self.counts: array[int] = array("i")
        self._cumulative: tuple[list[int], list[int]] | None = None

    def add_blob(self, blob: bytes | None) -> None:
        values = _ints(blob)
        half = len(values) // 2
        self.buckets.extend(values[:half])
        self.counts.extend(values[half:])
        self._cumulative = None

    def add_counts(self, counts: Iterable[tuple[int, int]]) -> None:
        for bucket, n in counts:
            self.buckets.append(bucket)
            self.counts.append(n)
        self._cumulative = None

    def __bool__(self) -> bool:
        return bool(self.buckets)

    def merged(self) -> Counter[int]:
        """Answers per bucket."""
        total: Counter[int] = Counter()
        for bucket, n in zip(self.buckets, self.counts, strict=True):
            total[bucket] += n
        return total

    def percentile(self, q: float) -> float | None:
        """The nearest-rank ``q`` quantile in seconds: the upper edge of its bucket, so
        never understated (``None`` without answers)."""
        if not self.buckets:
            return None
        if self._cumulative is None:
            order = sorted(range(len(self.buckets)), key=self.buckets.__getitem__)
            self._cumulative = (order, list(accumulate(map(self.counts.__getitem__, order))))
        order, cumulative = self._cumulative
        rank = max(1, math.ceil(q * cumulative[-1]))
        return (self.buckets[order[bisect_left(cumulative, rank)]] + 1) / BUCKETS_PER_S
